/**
 * Alerts for the alert centre's tests, written as detection writes them (an `alerts` row for the
 * holder whose tenure the days lie in). The centre's tests start from an alert; detection's own
 * tests (alerts-detection*.test.ts) prove how one is raised from reads.
 */
import { env } from 'cloudflare:workers';
import type { AlertType } from '../../../db/schema';
import { addDays, localDay } from '../../../worker/usage/time';
import { uniqueId } from './sign-in';
import { TZ } from './usage-fixtures';

export const today = () => localDay(Date.now(), TZ);
export const daysAgo = (n: number) => addDays(today(), -n);

export type GivenAlert = { id: string; accountId: string; meterId: string; type: AlertType };

export async function givenAlert(options: {
  accountId: string;
  meterId: string;
  type?: AlertType;
  firstDay?: string;
  lastDay?: string;
  status?: 'open' | 'closed';
  closeReason?: 'resolved' | 'corrected' | 'moved_out' | 'dismissed';
  figures?: Record<string, unknown>;
}): Promise<GivenAlert> {
  const id = uniqueId('alrt');
  const type = options.type ?? 'continuous_flow';
  const lastDay = options.lastDay ?? daysAgo(1);
  const firstDay = options.firstDay ?? lastDay;
  const closed = options.status === 'closed';
  const figures = options.figures ?? (type === 'continuous_flow' ? { since: `${firstDay}T00:00`, hours: 30, minPerHour: 2.5, thresholdHours: 24 } : { basis: 'typical', total: 900, typical: 300 });
  await env.DB.prepare(
    `INSERT INTO alerts (id, account_id, meter_id, type, status, first_day, last_day, figures, closed_at, closed_day, close_reason)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)`,
  )
    .bind(id, options.accountId, options.meterId, type, closed ? 'closed' : 'open', firstDay, lastDay, JSON.stringify(figures), closed ? new Date().toISOString() : null, closed ? lastDay : null, closed ? (options.closeReason ?? 'resolved') : null)
    .run();
  return { id, accountId: options.accountId, meterId: options.meterId, type };
}

/** Every row of a table, for "nothing was written" checks. */
export async function countRows(table: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM "${table}"`).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Row counts of every table the alert centre writes. */
export async function centreTables() {
  const out: Record<string, number> = {};
  for (const t of ['alerts', 'alert_answers', 'alert_actions', 'support_items', 'alert_settings', 'audit_events']) out[t] = await countRows(t);
  return out;
}
