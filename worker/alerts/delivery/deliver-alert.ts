/**
 * THE BOUNDARY between detection and delivery: detection calls `deliverAlert(env, noticeId, ctx)`
 * once for each alert_notices row it has committed (kind opened, reminder or closed; the row
 * points at the alert). Delivery decides who hears about it, on which channel and when.
 *
 * Until engineer B's delivery lands (channels, quiet hours, recipients, preferences), this
 * stand-in writes one e-mail to the outbox (worker/mail/outbox.ts) for the account's e-mail on
 * file, or else its holders' confirmed login e-mails, so that detection's tests see the mail.
 * B replaces the body of this function, keeping its signature.
 *
 * Detection calls it only for notices its own batch wrote (alert_notices is unique per alert and
 * kind, or per reminder day), so a message the queue delivers twice is not mailed twice.
 */
import { drizzle } from 'drizzle-orm/d1';
import { deliverSoon } from '../../mail/deliver';
import { queueEmail } from '../../mail/outbox';
import type { MeterKind } from '../../usage/units';
import { noticeText } from '../describe';

export async function deliverAlert(env: Env, noticeId: string, ctx?: ExecutionContext): Promise<void> {
  const row = await env.DB.prepare(
    `SELECT n.kind AS notice, a.id AS alertId, a.type, a.first_day AS firstDay, a.last_day AS lastDay, a.figures, a.close_reason AS closeReason, a.account_id AS accountId, m.kind AS meterKind,
       acc.email_on_file AS email,
       (SELECT json_group_array(l.email) FROM account_access x JOIN logins l ON l.id = x.login_id
         WHERE x.account_id = a.account_id AND x.relationship = 'holder' AND l.email_verified_at IS NOT NULL AND l.status = 'active') AS holderEmails
     FROM alert_notices n JOIN alerts a ON a.id = n.alert_id JOIN meters m ON m.id = a.meter_id JOIN accounts acc ON acc.id = a.account_id
     WHERE n.id = ?1`,
  )
    .bind(noticeId)
    .first<{ notice: 'opened' | 'reminder' | 'closed'; alertId: string; type: Parameters<typeof noticeText>[0]['type']; firstDay: string; lastDay: string; figures: string; closeReason: string | null; meterKind: MeterKind; email: string | null; holderEmails: string }>();
  if (!row) return;
  const to = row.email ? [row.email] : (JSON.parse(row.holderEmails) as string[]);
  if (to.length === 0) return;
  const { subject, lines } = noticeText({ type: row.type, kind: row.meterKind, figures: JSON.parse(row.figures) as Record<string, unknown>, firstDay: row.firstDay, lastDay: row.lastDay, closeReason: row.closeReason }, row.notice);
  const text = [
    'Hello,',
    '',
    ...lines,
    '',
    `See the reads behind it, and tell us what you found: ${env.PORTAL_ORIGIN}/account/alerts/`,
    '',
    'You get this message because leak and high-use alerts are on for your utility account.',
  ].join('\n');
  const db = drizzle(env.DB);
  const inserts = to.map((address) => queueEmail(db, { to: address, subject, text, kind: `alert-${row.notice}` }));
  await db.batch(inserts as [(typeof inserts)[0], ...typeof inserts]);
  deliverSoon(ctx, env, db);
}
