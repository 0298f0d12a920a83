/**
 * The provider's webhook for texts people send to the portal's number (Twilio's messaging webhook:
 * a form POST with From, Body, AccountSid… and an X-Twilio-Signature over the configured URL and
 * the parameters). Only a signed request from our own account is read; anything else is a 403 and
 * changes nothing.
 *
 * - STOP (and its synonyms): every recipient with that number stops getting texts, on every
 *   account (the provider itself now refuses to text it); texts still queued to it are cancelled; an
 *   invitation still waiting is refused, i.e. removed by the recipient.
 * - START / UNSTOP / YES: texts may reach the number again; YES also accepts invitations waiting for it.
 * - HELP: nothing changes.
 * The provider answers these keywords to the phone itself, so the webhook then answers an empty
 * TwiML `<Response/>`. Any other text gets one line saying this number reads no replies.
 */
import { and, eq, isNotNull, ne } from 'drizzle-orm';
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { alertRecipients } from '../../../../db/schema';
import type { AppEnv } from '../../../app-types';
import { runBatch } from '../../../accounts/deps';
import { auditInsert } from '../../../audit/log';
import { isFormBody } from '../../../http/body';
import { ApiError } from '../../../http/errors';
import { normalizeUsPhone } from '../../../shared/preference-forms';
import { utility } from '../../../tenants/scope';
import { confirmNumberByReply } from '../../../preferences/recipients';
import { cancelQueuedSmsTo, markNumberStopped } from '../sms-outbox';
import { keywordOf } from './keywords';
import { verifyTwilioSignature } from './signature';

export const INBOUND_PATH = '/api/sms/inbound';

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&quot;' })[ch]!);
export const twiml = (message?: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<Response>${message ? `<Message>${escapeXml(message)}</Message>` : ''}</Response>`;

export const notReadReply = () => `${utility().shortName} alerts: this number does not read replies. Questions: ${utility().phoneDisplay}. Reply STOP to end texts.`;

/** What an incoming text changes; returns the reply to send, if any. */
export async function handleInboundText(db: DrizzleD1Database, message: { from: string; body: string }, now = new Date()): Promise<{ action: 'stop' | 'start' | 'help' | 'other'; confirmed: number; reply: string | null }> {
  const number = normalizeUsPhone(message.from);
  const keyword = keywordOf(message.body);
  if (!number) return { action: 'other', confirmed: 0, reply: null };
  const affected = await db
    .select({ id: alertRecipients.id, accountId: alertRecipients.accountId, status: alertRecipients.status })
    .from(alertRecipients)
    .where(and(eq(alertRecipients.channel, 'sms'), eq(alertRecipients.address, number), ne(alertRecipients.status, 'removed')));
  if (keyword?.kind === 'stop') {
    await runBatch(db, [
      markNumberStopped(db, number, now),
      // An invitation answered STOP is refused: the recipient removed it.
      db
        .update(alertRecipients)
        .set({ status: 'removed', removedAt: now.toISOString(), removedBy: 'recipient', confirmHash: null })
        .where(and(eq(alertRecipients.channel, 'sms'), eq(alertRecipients.address, number), eq(alertRecipients.status, 'pending'))),
      cancelQueuedSmsTo(db, number),
      ...affected.map((r) => auditInsert(db, { event: 'alerts.sms_stop', subjectAccountId: r.accountId, detail: { recipient: r.id } })),
    ]);
    return { action: 'stop', confirmed: 0, reply: null };
  }
  if (keyword?.kind === 'start') {
    await runBatch(db, [
      db.update(alertRecipients).set({ smsStoppedAt: null }).where(and(eq(alertRecipients.channel, 'sms'), eq(alertRecipients.address, number), isNotNull(alertRecipients.smsStoppedAt))),
      ...affected.filter((r) => r.status === 'confirmed').map((r) => auditInsert(db, { event: 'alerts.sms_start', subjectAccountId: r.accountId, detail: { recipient: r.id } })),
    ]);
    const confirmed = keyword.word === 'YES' ? await confirmNumberByReply(db, number, now) : 0;
    return { action: 'start', confirmed, reply: null };
  }
  if (keyword?.kind === 'help') return { action: 'help', confirmed: 0, reply: null };
  return { action: 'other', confirmed: 0, reply: notReadReply() };
}

export const smsWebhook = new Hono<AppEnv>().post('/inbound', async (c) => {
  if (!isFormBody(c)) throw new ApiError(415, 'unsupported_media_type', 'Send the provider’s form-encoded webhook.');
  const form = await c.req.parseBody({ all: true });
  const params: [string, string][] = [];
  for (const [key, value] of Object.entries(form)) {
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') params.push([key, v]);
  }
  const url = `${c.env.PORTAL_ORIGIN}${INBOUND_PATH}`;
  const get = (name: string) => params.find(([k]) => k === name)?.[1];
  const signed = await verifyTwilioSignature(c.env.TWILIO_AUTH_TOKEN, url, params, c.req.header('X-Twilio-Signature'));
  if (!signed || get('AccountSid') !== c.env.TWILIO_ACCOUNT_SID) throw new ApiError(403, 'bad_signature', 'This webhook takes only requests signed by the SMS provider.');
  const from = get('From');
  const body = get('Body');
  if (!from || body === undefined) throw new ApiError(422, 'invalid_request', 'A text needs From and Body.', [...(!from ? [{ field: 'From', message: 'Missing.' }] : []), ...(body === undefined ? [{ field: 'Body', message: 'Missing.' }] : [])]);
  const result = await handleInboundText(drizzle(c.env.DB), { from, body });
  return c.body(twiml(result.reply ?? undefined), 200, { 'Content-Type': 'text/xml; charset=utf-8', 'Cache-Control': 'no-store' });
});
