/**
 * The daily job (wrangler.toml [triggers] crons): marks requests that passed their due date, and
 * purges requests closed more than 24 months ago with their history (11 CCR § 7101 asks for
 * 24 months), and form-token ids that have expired. One batch, after freezing the published
 * figures of any finished year, so that no purge takes a year's figures with it.
 */
import { freezeFinishedYears } from '../reports/request-metrics-store';
import { localDate } from './deadlines';
import { utility } from '../tenants/scope';

export const RETENTION_MONTHS = 24;

export async function runDailyMaintenance(raw: D1Database, now = new Date()) {
  const today = localDate(now, utility().timeZone);
  const at = now.toISOString();
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - RETENTION_MONTHS);
  const purgeBefore = cutoff.toISOString();
  const frozenYears = await freezeFinishedYears(raw, now);
  const results = await raw.batch([
    raw
      .prepare(
        `INSERT INTO audit_events (id, at, event, subject_account_id, detail)
         SELECT lower(hex(randomblob(16))), ?1, 'privacy_request.overdue', account_id, json_object('requestId', id, 'dueOn', due_on)
         FROM privacy_requests WHERE state NOT IN ('fulfilled','refused') AND due_on < ?2 AND overdue_since IS NULL`,
      )
      .bind(at, today),
    raw.prepare(`UPDATE privacy_requests SET overdue_since = ?1 WHERE state NOT IN ('fulfilled','refused') AND due_on < ?2 AND overdue_since IS NULL`).bind(at, today),
    raw.prepare('DELETE FROM privacy_request_history WHERE request_id IN (SELECT id FROM privacy_requests WHERE closed_at IS NOT NULL AND closed_at < ?1)').bind(purgeBefore),
    raw.prepare('DELETE FROM privacy_requests WHERE closed_at IS NOT NULL AND closed_at < ?1').bind(purgeBefore),
    raw.prepare('DELETE FROM used_form_tokens WHERE expires_at < ?1').bind(at),
  ]);
  return {
    frozenYears,
    markedOverdue: results[1]?.meta.changes ?? 0,
    purgedRequests: results[3]?.meta.changes ?? 0,
    purgedHistoryRows: results[2]?.meta.changes ?? 0,
    purgedFormTokens: results[4]?.meta.changes ?? 0,
  };
}
