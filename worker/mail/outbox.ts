import { and, inArray, lt, ne, notInArray, sql } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { outboxEmails } from '../../db/schema';

/** `headers`: extra message headers, only those Cloudflare Email sending accepts (the RFC 8058 unsubscribe pair). */
export type OutgoingEmail = { to: string; subject: string; text: string; kind: string; headers?: Record<string, string> };

/**
 * The insert that queues an e-mail. Returned unexecuted so callers put it in the same
 * `db.batch([...])` as the change it reports: both land, or neither.
 */
export function queueEmail(db: DrizzleD1Database, email: OutgoingEmail, id: string = crypto.randomUUID()) {
  return db.insert(outboxEmails).values({
    id,
    toAddress: email.to,
    subject: email.subject,
    bodyText: email.text,
    kind: email.kind,
    headers: email.headers ?? null,
  });
}

/**
 * Bodies hold bearer links (password reset, e-mail confirmation, request status and packages), so
 * the outbox keeps a body only while it may still be sent. Delivery replaces it with
 * DELIVERED_BODY (worker/mail/deliver.ts); mail that is still queued or has failed after
 * UNDELIVERED_KEPT_HOURS (the longest a request verification link lives, so a link in it is
 * dead anyway) gets UNDELIVERED_BODY and is never sent. Who, what kind, subject and when stay.
 * Development keeps queued mail for /dev/outbox/ until then.
 */
export const DELIVERED_BODY = '(Removed after delivery: the message held single-use links.)';
export const UNDELIVERED_BODY = '(Removed: the message was not delivered within 72 hours, and its links have lapsed.)';
export const UNDELIVERED_KEPT_HOURS = 72;

/** Daily: the removals above, for mail that outlived the period and for any sent mail still holding a body. */
export async function redactStaleOutbox(db: DrizzleD1Database, now = new Date()) {
  const cutoff = new Date(now.getTime() - UNDELIVERED_KEPT_HOURS * 3_600_000).toISOString();
  const markers = [DELIVERED_BODY, UNDELIVERED_BODY];
  const [undelivered, sent] = await db.batch([
    db
      .update(outboxEmails)
      .set({ bodyText: UNDELIVERED_BODY, headers: null, status: 'failed' })
      .where(and(inArray(outboxEmails.status, ['queued', 'sending', 'failed']), lt(outboxEmails.createdAt, cutoff), ne(outboxEmails.bodyText, UNDELIVERED_BODY))),
    db
      .update(outboxEmails)
      .set({ bodyText: DELIVERED_BODY, headers: null })
      .where(and(sql`${outboxEmails.status} = 'sent'`, notInArray(outboxEmails.bodyText, markers))),
  ]);
  return { redacted: (undelivered.meta.changes ?? 0) + (sent.meta.changes ?? 0) };
}
