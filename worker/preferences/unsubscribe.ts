/**
 * Unsubscribing without signing in: from a link in a message (its code in the fragment, posted by
 * the landing page) or from the recipient's mail client (RFC 8058 one-click POST to the
 * `List-Unsubscribe` URL). The token says which recipient and which topic, and that is all that
 * changes: one topic turned off (kept as a row saying how, as proof of the opt-out), or, for `all`,
 * every topic off for the customer's own e-mail and an added recipient removed from the account.
 * Security mail does not go through recipients, so nothing here can silence it.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { alertDeliveries, alertRecipients, recipientTopics } from '../../db/schema';
import { runBatch, type AccountDeps } from '../accounts/deps';
import { auditInsert } from '../audit/log';
import { ApiError } from '../http/errors';
import { cancelQueuedSms } from '../alerts/delivery/sms-outbox';
import { mailingTopics, rowsAtSameAddress } from './mailings';
import { maskAddress } from './store';
import { mailTopics, type MailTopic } from './topics';
import { verifyUnsubscribe, type UnsubscribeTopic } from './unsubscribe-token';

export type UnsubscribeResult = { status: 'unsubscribed'; topic: UnsubscribeTopic; channel: 'email' | 'sms' | null; masked: string | null; changed: boolean };

export async function unsubscribe(deps: Pick<AccountDeps, 'db' | 'secret' | 'now'>, token: string, via: 'link' | 'one_click'): Promise<UnsubscribeResult> {
  const { db, now } = deps;
  const check = await verifyUnsubscribe(deps.secret, token.trim(), now);
  if (!check.ok && check.reason === 'expired') throw new ApiError(410, 'link_expired', 'This unsubscribe link has expired. Sign in to change what you get, or call us.');
  if (!check.ok) throw new ApiError(400, 'link_invalid', 'This unsubscribe link is not valid.', [{ field: 'code', message: 'Not a valid code.' }]);
  const [row] = await db.select().from(alertRecipients).where(eq(alertRecipients.id, check.recipientId)).limit(1);
  // Gone (removed by a deletion request): nothing is sent to it, which is what was asked.
  if (!row) return { status: 'unsubscribed', topic: check.topic, channel: null, masked: null, changed: false };
  const masked = row.address ? maskAddress(row.channel, row.address) : null;
  const result: UnsubscribeResult = { status: 'unsubscribed', topic: check.topic, channel: row.channel, masked, changed: false };
  if (row.status === 'removed') return result;

  const current = await db.select().from(recipientTopics).where(eq(recipientTopics.recipientId, row.id));
  const enabled = new Set(current.filter((t) => t.enabled).map((t) => t.topic));
  const audit = auditInsert(db, { event: 'preferences.unsubscribed', subjectAccountId: row.accountId, subjectLoginId: row.loginId, detail: { recipient: row.id, topic: check.topic, via } });
  const topicOffFor = (recipientId: string, topic: MailTopic) =>
    db
      .insert(recipientTopics)
      .values({ recipientId, topic, enabled: false, changedVia: via, changedAt: now.toISOString() })
      .onConflictDoUpdate({ target: [recipientTopics.recipientId, recipientTopics.topic], set: { enabled: false, changedVia: via, changedAt: now.toISOString() } });
  const topicOff = (topic: MailTopic) => topicOffFor(row.id, topic);

  if (check.topic === 'all' && row.origin !== 'login') {
    // Someone the account added takes itself off the account altogether.
    const queued = await db.select({ id: alertDeliveries.outboxId }).from(alertDeliveries).where(and(eq(alertDeliveries.recipientId, row.id), eq(alertDeliveries.channel, 'sms')));
    await runBatch(db, [
      db.update(alertRecipients).set({ status: 'removed', removedAt: now.toISOString(), removedBy: 'recipient', confirmHash: null }).where(eq(alertRecipients.id, row.id)),
      cancelQueuedSms(db, queued.map((q) => q.id)),
      audit,
    ]);
    return { ...result, changed: true };
  }
  // A mailing reaches an address once, whichever of its rows the message named: stop it for the address.
  if (check.topic !== 'all' && (mailingTopics as readonly string[]).includes(check.topic)) {
    const rows = await rowsAtSameAddress(db, row);
    const on = await db.select({ id: recipientTopics.recipientId }).from(recipientTopics).where(and(inArray(recipientTopics.recipientId, rows), eq(recipientTopics.topic, check.topic), eq(recipientTopics.enabled, true)));
    if (!on.length) return result;
    await runBatch(db, [...on.map((r) => topicOffFor(r.id, check.topic as MailTopic)), audit]);
    return { ...result, changed: true };
  }
  // A login's own e-mail is never removed (it would come back with the defaults): every topic goes off instead.
  const topics = check.topic === 'all' ? mailTopics.filter((t) => enabled.has(t) || !current.some((c) => c.topic === t)) : enabled.has(check.topic) || !current.some((c) => c.topic === check.topic) ? [check.topic] : [];
  if (!topics.length) return result;
  await runBatch(db, [...topics.map(topicOff), audit]);
  return { ...result, changed: true };
}
