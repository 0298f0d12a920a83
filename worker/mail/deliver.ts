/**
 * The outbox's delivery adapter: sends queued mail through Cloudflare Email sending (the
 * `send_email` binding EMAIL in wrangler.toml) and marks each row sent or failed.
 *
 * In development nothing leaves the machine: mail stays queued and the dev-only page
 * /dev/outbox/ lists it, links clickable. Routes call `deliverSoon` after queueing; a cron
 * trigger may call `deliverQueued` to retry what a request could not send.
 *
 * A sent row keeps no body (it held bearer links): the claim that marks it sent removes the body
 * in the same statement; a failed send puts it back, for the daily cron to remove (outbox.ts).
 * Extra headers (the RFC 8058 one-click unsubscribe pair of a non-transactional mail) ride in the
 * binding's own `headers` field, which Cloudflare Email sending accepts for `List-Unsubscribe` and
 * `List-Unsubscribe-Post` (an https URL, and exactly `List-Unsubscribe=One-Click`); they hold an
 * unsubscribe token, so they leave the row with the body.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { outboxEmails } from '../../db/schema';
import { utility } from '../shared/utility';
import { DELIVERED_BODY } from './outbox';

export type MailEnv = { EMAIL?: SendEmail; ENVIRONMENT: string };

export const MAIL_FROM = { name: utility.name, email: utility.emails.customerService };

export async function deliverQueued(env: MailEnv, db: DrizzleD1Database, options: { limit?: number; now?: Date } = {}) {
  if (env.ENVIRONMENT === 'development' || !env.EMAIL) return { sent: 0, failed: 0, skipped: true };
  const queued = await db.select().from(outboxEmails).where(eq(outboxEmails.status, 'queued')).orderBy(asc(outboxEmails.createdAt)).limit(options.limit ?? 20);
  let sent = 0;
  let failed = 0;
  for (const mail of queued) {
    // Claim the row first, so two deliveries running at once do not both send it.
    const claimed = await db
      .update(outboxEmails)
      .set({ status: 'sent', sentAt: (options.now ?? new Date()).toISOString(), bodyText: DELIVERED_BODY, headers: null })
      .where(and(eq(outboxEmails.id, mail.id), eq(outboxEmails.status, 'queued')))
      .returning({ id: outboxEmails.id });
    if (!claimed.length) continue;
    try {
      await env.EMAIL.send({ from: MAIL_FROM, to: mail.toAddress, subject: mail.subject, text: mail.bodyText, ...(mail.headers ? { headers: mail.headers } : {}) });
      sent++;
    } catch {
      // Only the id: the address and body are personal data.
      console.error(JSON.stringify({ level: 'error', event: 'mail.delivery_failed', id: mail.id }));
      await db.update(outboxEmails).set({ status: 'failed', sentAt: null, bodyText: mail.bodyText, headers: mail.headers }).where(eq(outboxEmails.id, mail.id));
      failed++;
    }
  }
  return { sent, failed, skipped: false };
}

/** Delivers after the response is sent, when the runtime gives us a waitUntil. */
export function deliverSoon(ctx: { waitUntil(p: Promise<unknown>): void } | undefined, env: MailEnv, db: DrizzleD1Database) {
  if (env.ENVIRONMENT === 'development' || !env.EMAIL || !ctx) return;
  ctx.waitUntil(deliverQueued(env, db).catch(() => undefined));
}
