/**
 * The outbox's delivery adapter: sends queued mail through Cloudflare Email sending (the
 * `send_email` binding EMAIL in wrangler.toml) and marks each row sent, or to be tried again.
 *
 * In development nothing leaves the machine: mail stays queued and the dev-only page
 * /dev/outbox/ lists it, links clickable. Routes call `deliverSoon` after queueing; the frequent
 * cron calls `deliverQueued` for what is due again.
 *
 * A row is claimed (`sending`, for CLAIM_MINUTES) before it is sent, so two deliveries at once send
 * it once; a delivery that dies holding it leaves it due again when the claim lapses (the mail may
 * then go twice, which beats never). A send that fails puts the row back with a growing wait
 * (RETRY_MINUTES), so a mail that keeps failing never holds up the others; after MAX_ATTEMPTS it is
 * `failed`. A sent row keeps no body (it held bearer links): the statement that marks it sent
 * removes it; the daily cron removes any body still held after 72 hours (outbox.ts).
 * Extra headers (the RFC 8058 one-click unsubscribe pair of a non-transactional mail) ride in the
 * binding's own `headers` field, which Cloudflare Email sending accepts for `List-Unsubscribe` and
 * `List-Unsubscribe-Post` (an https URL, and exactly `List-Unsubscribe=One-Click`); they hold an
 * unsubscribe token, so they leave the row with the body.
 */
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { outboxEmails } from '../../db/schema';
import { utility } from '../tenants/scope';
import { DELIVERED_BODY } from './outbox';

export type MailEnv = { EMAIL?: SendEmail; ENVIRONMENT: string };

/** The sender of every mail: the utility's customer service. */
const mailFrom = () => ({ name: utility().name, email: utility().emails.customerService });

export const CLAIM_MINUTES = 10;
/** The wait after the 1st, 2nd, 3rd and 4th failed send; the 5th failure is final. */
export const RETRY_MINUTES = [10, 30, 120, 480] as const;
export const MAX_ATTEMPTS = RETRY_MINUTES.length + 1;

const minutesAfter = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000).toISOString();

export async function deliverQueued(env: MailEnv, db: DrizzleD1Database, options: { limit?: number; now?: Date } = {}) {
  if (env.ENVIRONMENT === 'development' || !env.EMAIL) return { sent: 0, failed: 0, retry: 0, skipped: true };
  const now = options.now ?? new Date();
  const at = now.toISOString();
  // Due: queued and not waiting for a retry, or claimed by a delivery whose claim has lapsed.
  const due = and(inArray(outboxEmails.status, ['queued', 'sending']), or(isNull(outboxEmails.nextAttemptAt), lte(outboxEmails.nextAttemptAt, at)));
  const queued = await db.select().from(outboxEmails).where(due).orderBy(asc(outboxEmails.createdAt)).limit(options.limit ?? 20);
  let sent = 0;
  let failed = 0;
  let retry = 0;
  for (const mail of queued) {
    const claimed = await db
      .update(outboxEmails)
      .set({ status: 'sending', attempts: sql`${outboxEmails.attempts} + 1`, nextAttemptAt: minutesAfter(now, CLAIM_MINUTES) })
      .where(and(eq(outboxEmails.id, mail.id), due))
      .returning({ attempts: outboxEmails.attempts });
    if (!claimed.length) continue;
    const attempts = claimed[0]!.attempts;
    try {
      await env.EMAIL.send({ from: mailFrom(), to: mail.toAddress, subject: mail.subject, text: mail.bodyText, ...(mail.headers ? { headers: mail.headers } : {}) });
      await db.update(outboxEmails).set({ status: 'sent', sentAt: new Date().toISOString(), bodyText: DELIVERED_BODY, headers: null, nextAttemptAt: null }).where(eq(outboxEmails.id, mail.id));
      sent++;
    } catch {
      const final = attempts >= MAX_ATTEMPTS;
      // Only the id: the address and body are personal data.
      console.error(JSON.stringify({ level: 'error', event: 'mail.delivery_failed', id: mail.id, attempt: attempts, final }));
      await db
        .update(outboxEmails)
        .set(final ? { status: 'failed', nextAttemptAt: null } : { status: 'queued', nextAttemptAt: minutesAfter(now, RETRY_MINUTES[attempts - 1]!) })
        .where(eq(outboxEmails.id, mail.id));
      if (final) failed++;
      else retry++;
    }
  }
  return { sent, failed, retry, skipped: false };
}

/** Delivers after the response is sent, when the runtime gives us a waitUntil. */
export function deliverSoon(ctx: { waitUntil(p: Promise<unknown>): void } | undefined, env: MailEnv, db: DrizzleD1Database) {
  if (env.ENVIRONMENT === 'development' || !env.EMAIL || !ctx) return;
  ctx.waitUntil(deliverQueued(env, db).catch(() => undefined));
}
