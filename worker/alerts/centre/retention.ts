/**
 * Retention of alerts, as the privacy notice promises ("Alerts and your answers to them: 3 years"):
 * the daily cron deletes every alert closed more than three years ago, with everything that hangs
 * on it (answers, actions, help requests, notices and which recipient each went to). An open alert
 * is kept however old it is: it is still being dealt with. A text message the SMS outbox keeps
 * loses its link to the notice, not its own record (which has its own, shorter life).
 */
export const ALERT_RETENTION_YEARS = 3;
/** At most this many alerts a run; a backlog clears over the next days. */
export const PURGE_BATCH = 2000;

export function retentionCutoff(now: Date): string {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - ALERT_RETENTION_YEARS);
  return cutoff.toISOString();
}

export async function purgeExpiredAlerts(raw: D1Database, now = new Date()): Promise<number> {
  const { results } = await raw
    .prepare("SELECT id FROM alerts WHERE status = 'closed' AND closed_at < ?1 ORDER BY closed_at LIMIT ?2")
    .bind(retentionCutoff(now), PURGE_BATCH)
    .all<{ id: string }>();
  if (results.length === 0) return 0;
  const ids = JSON.stringify(results.map((r) => r.id));
  const alertIds = '(SELECT value FROM json_each(?1))';
  const noticeIds = `(SELECT id FROM alert_notices WHERE alert_id IN ${alertIds})`;
  // One transaction: an alert goes with all that points at it, or nothing goes.
  await raw.batch([
    raw.prepare('PRAGMA defer_foreign_keys = ON'),
    raw.prepare(`DELETE FROM support_items WHERE alert_id IN ${alertIds}`).bind(ids),
    raw.prepare(`DELETE FROM alert_actions WHERE alert_id IN ${alertIds}`).bind(ids),
    raw.prepare(`DELETE FROM alert_answers WHERE alert_id IN ${alertIds}`).bind(ids),
    raw.prepare(`DELETE FROM alert_deliveries WHERE notice_id IN ${noticeIds}`).bind(ids),
    raw.prepare(`UPDATE outbox_sms SET notice_id = NULL WHERE notice_id IN ${noticeIds}`).bind(ids),
    raw.prepare(`DELETE FROM alert_notices WHERE alert_id IN ${alertIds}`).bind(ids),
    raw.prepare(`DELETE FROM alerts WHERE id IN ${alertIds}`).bind(ids),
  ]);
  return results.length;
}
