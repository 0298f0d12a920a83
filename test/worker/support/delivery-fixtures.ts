/**
 * Real rows for delivery and preference tests: an account with a meter and a holder who can sign
 * in, alerts and their notices as detection writes them, recipients as the preferences page
 * writes them, and what the SMS stand-in received.
 */
import { and, desc, eq } from 'drizzle-orm';
import { env, exports } from 'cloudflare:workers';
import { alertNotices, alertRecipients, alerts, contactPreferences, outboxEmails, outboxSms, recipientTopics, smsStandInMessages, type AlertNoticeKind, type AlertType, type MailTopic } from '../../../db/schema';
import { mailTopics } from '../../../db/schema/preferences';
import { SESSION_COOKIE, startSession } from '../../../worker/auth/sessions';
import { stepUpStatement } from '../../../worker/auth/step-up';
import { twilioSignature } from '../../../worker/alerts/delivery/sms/signature';
import { givenLogin } from './accounts';
import { db, uniqueId } from './sign-in';
import { givenMeter, type GivenMeter } from './usage-fixtures';

export const ORIGIN = 'https://portal.test';

export type Household = { meter: GivenMeter; accountId: string; holder: { id: string; email: string; password: string }; cookie: string };

/** An account with a water meter at "1 Test Street" and a verified holder login with a live session. */
export async function givenHousehold(options: { kind?: 'water' | 'electric' } = {}): Promise<Household> {
  const meter = await givenMeter({ kind: options.kind ?? 'water' });
  const holder = await givenLogin({ holderOf: [meter.accountId] });
  const { token, tokenHash } = await startSession(db(), holder.id, { persistent: false, secondFactor: 'none' });
  // Fresh from signing in with the password: that proof counts as a step-up (worker/auth/step-up.ts).
  await stepUpStatement(db(), { sessionHash: tokenHash, loginId: holder.id }, 'password', new Date());
  return { meter, accountId: meter.accountId, holder, cookie: `${SESSION_COOKIE}=${token}` };
}

/**
 * The account's holder turned quiet hours off, so its texts go at once whatever the hour: a test
 * that expects a text now must not depend on the clock (the default 21:00–08:00 Pacific holds it).
 */
export async function withoutQuietHours(accountId: string) {
  await db().insert(contactPreferences).values({ accountId, quietHoursStart: null, quietHoursEnd: null }).onConflictDoUpdate({ target: contactPreferences.accountId, set: { quietHoursStart: null, quietHoursEnd: null } });
}

/** An alert (open unless told) and one notice about it, as detection commits them. */
export async function givenNotice(meter: GivenMeter, options: { type?: AlertType; notice?: AlertNoticeKind; status?: 'open' | 'closed'; figures?: Record<string, unknown>; day?: string } = {}) {
  const alertId = uniqueId('alert');
  const noticeId = uniqueId('notice');
  const day = options.day ?? '2026-10-03';
  const closed = options.status === 'closed';
  // One open episode per meter, type and account (alerts_one_open_episode): a new one ends the last.
  if (!closed) {
    await env.DB.prepare("UPDATE alerts SET status = 'closed', closed_at = ?4, closed_day = last_day, close_reason = 'resolved' WHERE meter_id = ?1 AND type = ?2 AND account_id = ?3 AND status = 'open'")
      .bind(meter.meterId, options.type ?? 'continuous_flow', meter.accountId, new Date().toISOString())
      .run();
  }
  await db()
    .insert(alerts)
    .values({
      id: alertId,
      accountId: meter.accountId,
      meterId: meter.meterId,
      type: options.type ?? 'continuous_flow',
      status: closed ? 'closed' : 'open',
      firstDay: '2026-10-01',
      lastDay: day,
      figures: options.figures ?? { since: '2026-10-01T02:00', hours: 49, minPerHour: 1.5, thresholdHours: 24 },
      closedAt: closed ? new Date().toISOString() : null,
      closedDay: closed ? day : null,
      closeReason: closed ? 'resolved' : null,
    });
  await db().insert(alertNotices).values({ id: noticeId, alertId, kind: options.notice ?? 'opened', day });
  return { alertId, noticeId };
}

/** A recipient as the preferences page leaves it (confirmed unless told), with the topics given on and the rest off. */
export async function givenRecipient(accountId: string, options: { channel: 'email' | 'sms'; address: string; name?: string | null; status?: 'pending' | 'confirmed'; topics?: MailTopic[]; origin?: 'added' | 'sign_up'; addedBy?: string }) {
  const id = crypto.randomUUID();
  await db()
    .insert(alertRecipients)
    .values({
      id,
      accountId,
      channel: options.channel,
      address: options.address,
      name: options.name === undefined ? 'Sam' : options.name,
      origin: options.origin ?? 'added',
      addedByLoginId: options.addedBy ?? null,
      status: options.status ?? 'confirmed',
      confirmedAt: (options.status ?? 'confirmed') === 'confirmed' ? new Date().toISOString() : null,
    });
  const on = new Set(options.topics ?? ['continuous_flow', 'intermittent_leak']);
  await db().insert(recipientTopics).values(mailTopics.map((topic) => ({ recipientId: id, topic, enabled: on.has(topic), changedVia: 'preferences' as const })));
  return id;
}

export const mailsTo = (address: string) => db().select().from(outboxEmails).where(eq(outboxEmails.toAddress, address)).orderBy(desc(outboxEmails.createdAt));
export const textsTo = (number: string) => db().select().from(outboxSms).where(eq(outboxSms.toNumber, number)).orderBy(desc(outboxSms.createdAt));
/** Polls until `probe` gives something (a request's waitUntil work finishes after its response). */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the phone got: the stand-in's log of texts to the number, newest first. */
export const phoneInbox = (number: string) =>
  db()
    .select()
    .from(smsStandInMessages)
    .where(and(eq(smsStandInMessages.toNumber, number)))
    .orderBy(desc(smsStandInMessages.createdAt));

let phoneCounter = 0;
/** A fresh valid US mobile number (555-01xx is reserved for fiction; the exchange varies so numbers stay unique). */
export function freshPhone() {
  phoneCounter++;
  const n = (Date.now() + phoneCounter) % 1_000_000;
  let exchange = 200 + (n % 700);
  if (exchange % 100 === 11) exchange++;
  return `+1209${exchange}${String((n * 7) % 10_000).padStart(4, '0')}`;
}

/** A text arriving at the portal's webhook, signed as Twilio signs it (or as told). */
export async function inboundText(from: string, body: string, options: { token?: string; accountSid?: string; url?: string } = {}) {
  const sid = `SM${crypto.randomUUID().replaceAll('-', '')}`;
  const params: [string, string][] = [
    ['MessageSid', sid],
    ['SmsSid', sid],
    ['AccountSid', options.accountSid ?? env.TWILIO_ACCOUNT_SID],
    ['From', from],
    ['To', env.SMS_FROM],
    ['Body', body],
    ['NumMedia', '0'],
  ];
  const signature = await twilioSignature(options.token ?? env.TWILIO_AUTH_TOKEN, options.url ?? `${env.PORTAL_ORIGIN}/api/sms/inbound`, params);
  return exports.default.fetch(
    new Request(`${ORIGIN}/api/sms/inbound`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature }, body: new URLSearchParams(params) }),
  );
}

/** The code of the newest confirmation sent to an e-mail address (from the fragment of its link). */
export async function confirmationCodeFor(address: string) {
  const [mail] = (await mailsTo(address)).filter((m) => m.kind === 'alert-recipient-confirm');
  if (!mail) throw new Error('no confirmation mail');
  const url = /https?:\/\/\S+#code=\S+/.exec(mail.bodyText)![0];
  return decodeURIComponent(new URL(url).hash.slice('#code='.length));
}

/** The unsubscribe token of the newest mail to an address, from its List-Unsubscribe header. */
export async function listUnsubscribeTokenOf(address: string) {
  const [mail] = (await mailsTo(address)).filter((m) => m.headers);
  if (!mail) throw new Error('no mail with headers');
  const url = /^<(.+)>$/.exec(mail.headers!['List-Unsubscribe']!)![1]!;
  return new URL(url).pathname.split('/').pop()!;
}
