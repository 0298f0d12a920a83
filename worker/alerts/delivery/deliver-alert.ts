/**
 * THE BOUNDARY between detection and delivery: detection calls `deliverAlert(env, noticeId, ctx)`
 * once for each alert_notices row it has committed (kind opened, reminder or closed; the row
 * points at the alert). Delivery decides who hears about it, on which channel and when
 * (deliver-notice.ts): the account's confirmed recipients whose topics include the alert type, by
 * e-mail at once and by text at once or when quiet hours end, each with its way to unsubscribe.
 *
 * Idempotent per notice and recipient (the queue may deliver a message twice): a second call
 * writes and sends nothing more. What was queued leaves now: e-mail through Cloudflare Email
 * sending (outside development), texts through the SMS provider adapter (the stand-in locally).
 */
import { drizzle } from 'drizzle-orm/d1';
import { deliverSoon } from '../../mail/deliver';
import { deliverNotice, type NoticeDelivery } from './deliver-notice';
import { deliverQueuedSms } from './sms-outbox';

export async function deliverAlert(env: Env, noticeId: string, ctx?: ExecutionContext): Promise<NoticeDelivery> {
  const db = drizzle(env.DB);
  const result = await deliverNotice({ db, secret: env.LINK_SIGNING_SECRET, origin: env.PORTAL_ORIGIN, now: new Date() }, noticeId);
  if (result.email) deliverSoon(ctx, env, db);
  // Texts due now go out before the consumer acknowledges its message; held ones wait for the cron.
  if (result.sms > result.held) await deliverQueuedSms(env, db).catch(() => undefined);
  return result;
}
