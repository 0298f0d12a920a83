/**
 * The SMS outbox: texts are queued in the same batch as what they report (like e-mail in
 * worker/mail/outbox.ts) and sent by the provider adapter once their `not_before` has passed:
 * right after the request that queued them, and by the frequent cron for texts held through quiet
 * hours.
 *
 * A text is claimed (`sending`, for CLAIM_MINUTES) before it is sent, so two deliveries at once send
 * it once; a delivery that dies holding it leaves it due again when the claim lapses. Its body, which
 * can hold a confirmation link, is removed once the provider took it. What the provider refuses for
 * good (not a valid number, a number that replied STOP) fails at once; what it could not take now
 * (unreachable, 5xx, 429) goes back to the queue with its body, and is given up after 72 hours.
 * A text held for quiet hours about an alert that has closed meanwhile is dropped: the customer
 * would only be woken to be told about something that is over.
 */
import { and, asc, eq, inArray, isNull, lt, lte, ne, sql } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { alertNotices, alertRecipients, alerts, outboxSms } from '../../../db/schema';
import { smsCredentials, smsTransport, type SmsEnv } from './sms/provider';
import { sendSms, SmsProviderError, TWILIO_PERMANENT, TWILIO_UNSUBSCRIBED } from './sms/twilio';

/**
 * The frequent cron (wrangler.toml [triggers]) that sends texts held through quiet hours. Kept
 * here, not in worker/index.ts: the entry module may export only handlers.
 */
export const TEXTS_CRON = '*/10 * * * *';

export type OutgoingSms = { to: string; body: string; kind: string; notBefore: Date; noticeId?: string | null; id?: string };

export const SMS_DELIVERED_BODY = '(Removed after delivery.)';
export const SMS_UNDELIVERED_BODY = '(Removed: not delivered within 72 hours.)';
export const SMS_CANCELLED_BODY = '(Removed: not sent.)';
const UNDELIVERED_KEPT_MS = 72 * 3_600_000;
const CLAIM_MINUTES = 10;

/** The insert that queues a text, unexecuted, for the caller's batch. */
export function queueSms(db: DrizzleD1Database, sms: OutgoingSms) {
  return db.insert(outboxSms).values({
    id: sms.id ?? crypto.randomUUID(),
    toNumber: sms.to,
    body: sms.body,
    kind: sms.kind,
    notBefore: sms.notBefore.toISOString(),
    noticeId: sms.noticeId ?? null,
  });
}

/** Cancels texts still queued to a number (it replied STOP, or its recipient was removed). */
export function cancelQueuedSmsTo(db: DrizzleD1Database, number: string) {
  return db.update(outboxSms).set({ status: 'cancelled', body: SMS_CANCELLED_BODY }).where(and(eq(outboxSms.toNumber, number), eq(outboxSms.status, 'queued')));
}

/** Cancels the queued texts with these ids (a removed recipient's pending alert texts). */
export function cancelQueuedSms(db: DrizzleD1Database, ids: string[]) {
  return db.update(outboxSms).set({ status: 'cancelled', body: SMS_CANCELLED_BODY }).where(and(inArray(outboxSms.id, ids.length ? ids : ['']), eq(outboxSms.status, 'queued')));
}

/** Marks every live recipient with this number as having replied STOP. */
export function markNumberStopped(db: DrizzleD1Database, number: string, now: Date) {
  return db
    .update(alertRecipients)
    .set({ smsStoppedAt: now.toISOString() })
    .where(and(eq(alertRecipients.channel, 'sms'), eq(alertRecipients.address, number), ne(alertRecipients.status, 'removed'), isNull(alertRecipients.smsStoppedAt)));
}

export type SmsDeliveryResult = { sent: number; failed: number; retry: number; dropped: number };

export async function deliverQueuedSms(env: SmsEnv, db: DrizzleD1Database, options: { limit?: number; now?: Date } = {}): Promise<SmsDeliveryResult> {
  const now = options.now ?? new Date();
  const result: SmsDeliveryResult = { sent: 0, failed: 0, retry: 0, dropped: 0 };
  // Due: queued and its time come, or claimed by a delivery whose claim has lapsed.
  const due = and(inArray(outboxSms.status, ['queued', 'sending']), lte(outboxSms.notBefore, now.toISOString()));
  const dueTexts = await db
    .select({
      id: outboxSms.id,
      toNumber: outboxSms.toNumber,
      body: outboxSms.body,
      notBefore: outboxSms.notBefore,
      createdAt: outboxSms.createdAt,
      noticeKind: alertNotices.kind,
      alertStatus: alerts.status,
    })
    .from(outboxSms)
    .leftJoin(alertNotices, eq(alertNotices.id, outboxSms.noticeId))
    .leftJoin(alerts, eq(alerts.id, alertNotices.alertId))
    .where(due)
    .orderBy(asc(outboxSms.notBefore))
    .limit(options.limit ?? 50);
  if (!dueTexts.length) return result;
  const transport = smsTransport(env);
  const credentials = smsCredentials(env);
  for (const sms of dueTexts) {
    if (sms.noticeKind && sms.noticeKind !== 'closed' && sms.alertStatus === 'closed') {
      const dropped = await db.update(outboxSms).set({ status: 'cancelled', body: SMS_CANCELLED_BODY }).where(and(eq(outboxSms.id, sms.id), due)).returning({ id: outboxSms.id });
      result.dropped += dropped.length;
      continue;
    }
    const claimed = await db
      .update(outboxSms)
      .set({ status: 'sending', notBefore: new Date(now.getTime() + CLAIM_MINUTES * 60_000).toISOString() })
      .where(and(eq(outboxSms.id, sms.id), due))
      .returning({ id: outboxSms.id });
    if (!claimed.length) continue;
    try {
      const sent = await sendSms(transport, credentials, { to: sms.toNumber, body: sms.body });
      await db.update(outboxSms).set({ status: 'sent', sentAt: now.toISOString(), body: SMS_DELIVERED_BODY, providerSid: sent.sid }).where(eq(outboxSms.id, sms.id));
      result.sent++;
    } catch (err) {
      const code = err instanceof SmsProviderError ? err.code : null;
      const status = err instanceof SmsProviderError ? err.status : 0;
      // Only ids and codes: the number and the text are personal data.
      console.error(JSON.stringify({ level: 'error', event: 'sms.delivery_failed', id: sms.id, status, code }));
      const permanent = (code !== null && TWILIO_PERMANENT.has(code)) || (status >= 400 && status < 500 && status !== 429);
      if (permanent) {
        await db.batch([
          db.update(outboxSms).set({ status: 'failed', body: SMS_CANCELLED_BODY, errorCode: code }).where(eq(outboxSms.id, sms.id)),
          // The provider says the number replied STOP (perhaps before we heard of it): send it nothing more.
          ...(code === TWILIO_UNSUBSCRIBED ? [markNumberStopped(db, sms.toNumber, now), cancelQueuedSmsTo(db, sms.toNumber)] : []),
        ]);
        result.failed++;
      } else {
        await db.update(outboxSms).set({ status: 'queued', notBefore: sms.notBefore, errorCode: code }).where(eq(outboxSms.id, sms.id));
        result.retry++;
      }
    }
  }
  return result;
}

/** Daily: a text still queued 72 hours after it was due is given up and loses its body. */
export async function redactStaleSms(db: DrizzleD1Database, now = new Date()) {
  const cutoff = new Date(now.getTime() - UNDELIVERED_KEPT_MS).toISOString();
  const res = await db
    .update(outboxSms)
    .set({ status: 'failed', body: SMS_UNDELIVERED_BODY })
    .where(and(inArray(outboxSms.status, ['queued', 'sending']), lt(outboxSms.notBefore, cutoff)));
  return { redacted: res.meta.changes ?? 0 };
}

/** Texts waiting for their time (held by quiet hours), for the dev outbox and tests. */
export function heldSms(db: DrizzleD1Database, now = new Date()) {
  return db.select().from(outboxSms).where(and(eq(outboxSms.status, 'queued'), sql`${outboxSms.notBefore} > ${now.toISOString()}`));
}

/** After a request queued texts: send the ones already due, once the response is out. */
export function deliverSmsSoon(ctx: { waitUntil(p: Promise<unknown>): void } | undefined, env: SmsEnv, db: DrizzleD1Database) {
  const run = deliverQueuedSms(env, db).catch(() => undefined);
  if (ctx) ctx.waitUntil(run);
  return run;
}
