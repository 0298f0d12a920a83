/**
 * Detection against the database: for a meter whose days changed, read what the rules need
 * (bounded by each holder's tenure), run them (rules.ts), turn the verdicts into changes to the
 * stored alerts (episodes.ts) and write those in ONE D1 batch, alerts and their notices together.
 * The caller hands the notices written to delivery after the batch commits.
 *
 * Tenure: rules run separately for each holder whose tenure overlaps the changed days and has not
 * ended, on that holder's days only. A holder whose tenure has ended gets no new alert, and their
 * open alerts are closed as `moved_out` with the last day of their tenure (closeAfterMoveOut).
 */
import type { AlertType } from '../../../db/schema/alerts';
import type { UsageShards } from '../../usage/shards';
import { dayEdges } from '../../usage/store';
import { rangesFilterSql, rangesJson, type DayRange } from '../../usage/tenure';
import { addDays, addYears, dayStartUtc, localDay } from '../../usage/time';
import { conversionFactor, baseUnit, type MeterKind, type MeterUnit } from '../../usage/units';
import { detectionConfig, type DetectionConfig } from './config';
import { reconcile, type EpisodeChange, type StoredEpisode } from './episodes';
import { alertFamilies, billingPeriods, evaluateRules, lookbackDays, type CustomerSettings, type DayTotal, type ReadDay } from './rules';

export type MeterWork = { meterId: string; from: string; to: string };
export type NoticeWritten = { id: string; alertId: string; kind: 'opened' | 'reminder' | 'closed' };
export type EvaluationResult = { meters: number; changes: number; notices: NoticeWritten[]; closedMovedOut: number };

type MeterRow = { kind: MeterKind; unit: MeterUnit; intervalMinutes: number; lastDay: string | null };
type TenureRow = { accountId: string; startDay: string | null; endDay: string | null };
type StoredRow = Omit<StoredEpisode, 'figures' | 'remindersStopped'> & { type: AlertType; figures: string; remindersStopped: number };

const max = (a: string, b: string | null) => (b !== null && b > a ? b : a);
const min = (a: string, b: string | null) => (b !== null && b < a ? b : a);

/**
 * Closes the open alerts of holders whose tenure of the meter's service point ended before
 * `today` (utility-local): the day after a move-out, the former holder hears nothing more.
 * No notice goes to them. Limited to `meterIds` (the queue) or to one utility's accounts (the daily cron).
 */
export function closeAfterMoveOutStatement(db: D1Database, today: string, scope: { meterIds: string[] } | { utilityId: string }) {
  const heldNow = `EXISTS (SELECT 1 FROM service_point_tenures t JOIN meters m ON m.service_point_id = t.service_point_id
      WHERE m.id = alerts.meter_id AND t.account_id = alerts.account_id AND (t.start_day IS NULL OR t.start_day <= ?1) AND (t.end_day IS NULL OR t.end_day >= ?1))`;
  const lastHeld = `(SELECT max(t.end_day) FROM service_point_tenures t JOIN meters m ON m.service_point_id = t.service_point_id
      WHERE m.id = alerts.meter_id AND t.account_id = alerts.account_id AND t.end_day < ?1)`;
  const where = 'meterIds' in scope ? 'meter_id IN (SELECT value FROM json_each(?2))' : 'account_id IN (SELECT id FROM accounts WHERE utility_id = ?2)';
  return db
    .prepare(
      `UPDATE alerts SET status = 'closed', close_reason = 'moved_out', closed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), closed_day = coalesce(${lastHeld}, ?1)
       WHERE status = 'open' AND ${where} AND NOT ${heldNow}`,
    )
    .bind(today, 'meterIds' in scope ? JSON.stringify(scope.meterIds) : scope.utilityId);
}

/** The daily cron's sweep: every utility on its own local date (a move-out dated ahead ends alerts on its day). */
export async function closeAllAfterMoveOut(db: D1Database, now = new Date()) {
  const { results } = await db.prepare('SELECT id, time_zone AS timeZone FROM utilities').all<{ id: string; timeZone: string }>();
  if (results.length === 0) return 0;
  const done = await db.batch(results.map((u) => closeAfterMoveOutStatement(db, localDay(now.getTime(), u.timeZone), { utilityId: u.id })));
  return done.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}

/** Evaluates the rules for each meter's changed days. `now` is injectable for tests and the bench. */
export async function evaluateMeters(db: D1Database, shards: UsageShards, work: MeterWork[], options: { utilityId: string; timeZone: string; now?: Date; backfill?: boolean }): Promise<EvaluationResult> {
  const base = detectionConfig(options.utilityId);
  // A backfill (loading history) reaches as far back as it is asked to.
  const config = options.backfill ? { ...base, episodes: { ...base.episodes, maxReevaluateDays: 100_000 } } : base;
  const today = localDay((options.now ?? new Date()).getTime(), options.timeZone);
  const result: EvaluationResult = { meters: 0, changes: 0, notices: [], closedMovedOut: 0 };
  const moved = await closeAfterMoveOutStatement(db, today, { meterIds: work.map((w) => w.meterId) }).run();
  result.closedMovedOut = moved.meta.changes ?? 0;
  for (const w of work) {
    const r = await evaluateMeter(db, shards, w, { config, today, timeZone: options.timeZone, backfill: options.backfill ?? false });
    result.meters++;
    result.changes += r.changes;
    result.notices.push(...r.notices);
  }
  return result;
}

export type EvalContext = { config: DetectionConfig; today: string; timeZone: string; backfill: boolean };

async function evaluateMeter(db: D1Database, shards: UsageShards, work: MeterWork, ctx: EvalContext) {
  const { config, today } = ctx;
  const [meterRes, tenureRes] = await db.batch([
    db
      .prepare('SELECT kind, unit, interval_minutes AS intervalMinutes FROM meters m WHERE id = ?1')
      .bind(work.meterId),
    db
      .prepare('SELECT t.account_id AS accountId, t.start_day AS startDay, t.end_day AS endDay FROM service_point_tenures t JOIN meters m ON m.service_point_id = t.service_point_id WHERE m.id = ?1')
      .bind(work.meterId),
  ]);
  const row = (meterRes!.results as Omit<MeterRow, 'lastDay'>[])[0];
  const latest = row && (await dayEdges(shards, [work.meterId], 'max')).get(work.meterId);
  if (!row || !latest) return { changes: 0, notices: [] };
  const meter: MeterRow = { ...row, lastDay: latest };
  const floor = addDays(latest, -config.episodes.maxReevaluateDays);
  let changes = 0;
  const notices: NoticeWritten[] = [];
  for (const tenure of tenureRes!.results as TenureRow[]) {
    // A holder who has moved out gets nothing new; closeAfterMoveOutStatement ends what they had.
    if (tenure.endDay !== null && tenure.endDay < today) continue;
    const from = max(max(work.from, floor), tenure.startDay);
    const to = min(latest, tenure.endDay);
    if (from > to) continue;
    const r = await evaluateHolder(db, shards, work.meterId, meter, { accountId: tenure.accountId, from, to, floor: max(floor, tenure.startDay), tenure: { from: tenure.startDay, to: tenure.endDay } }, { ...ctx });
    changes += r.changes;
    notices.push(...r.notices);
  }
  return { changes, notices };
}

async function evaluateHolder(
  db: D1Database,
  shards: UsageShards,
  meterId: string,
  meter: MeterRow,
  holder: { accountId: string; from: string; to: string; floor: string; tenure: DayRange },
  ctx: EvalContext,
) {
  const { config, today } = ctx;
  const g = Math.max(config.episodes.endAfterClearDays, config.episodes.leakEndAfterClearDays);
  const [storedRes, settingsRes, billsRes] = await db.batch([
    db
      .prepare(
        `SELECT a.id, a.type, a.status, a.close_reason AS closeReason, a.first_day AS firstDay, a.last_day AS lastDay, a.figures,
           a.reminders_stopped_at IS NOT NULL AS remindersStopped,
           (SELECT max(day) FROM alert_notices n WHERE n.alert_id = a.id AND n.kind <> 'closed') AS lastNoticeDay,
           (SELECT count(*) FROM alert_notices n WHERE n.alert_id = a.id AND n.kind = 'reminder') AS reminders
         FROM alerts a WHERE a.meter_id = ?1 AND a.account_id = ?2 AND (a.status = 'open' OR a.last_day >= ?3)`,
      )
      .bind(meterId, holder.accountId, addDays(holder.from, -(g + 1))),
    db
      .prepare('SELECT continuous_flow_hours AS continuousFlowHours, day_threshold AS dayThreshold, period_threshold AS periodThreshold, bill_threshold_cents AS billThresholdCents FROM alert_settings WHERE account_id = ?1 AND kind = ?2')
      .bind(holder.accountId, meter.kind),
    db.prepare('SELECT period_start AS start, period_end AS "end" FROM bills WHERE account_id = ?1 ORDER BY period_start DESC LIMIT 13').bind(holder.accountId),
  ]);
  const stored = (storedRes!.results as StoredRow[]).map((r) => ({ ...r, figures: JSON.parse(r.figures) as StoredEpisode['figures'], remindersStopped: Boolean(r.remindersStopped) }));
  const settings = ((settingsRes!.results as CustomerSettings[])[0] ?? null) as CustomerSettings | null;
  const periodOf = billingPeriods(billsRes!.results as { start: string; end: string }[]);

  // An open alert's days since it was last seen are evaluated too, so that it can end or go on.
  let from = holder.from;
  for (const e of stored) if (e.status === 'open' && addDays(e.lastDay, 1) < from) from = addDays(e.lastDay, 1);
  from = max(from, holder.floor);
  const to = holder.to;
  if (from > to) return { changes: 0, notices: [] };

  // What the rules read: intervals from the lookback on, and day totals of this and the previous period and of last year's.
  const ranges = [holder.tenure];
  const dataFrom = addDays(from, -lookbackDays(config));
  const periodStart = periodOf(addDays(periodOf(from).start, -1)).start;
  const lastYearFrom = addYears(periodStart, -1);
  const lastYearTo = addYears(periodOf(to).end, -1);
  const factor = conversionFactor(meter.kind, meter.unit, baseUnit(meter.kind));
  const usage = (await shards.forMeter(meterId))!;
  const [daysRes, olderRes, lastYearRes] = await usage.batch([
    usage
      .prepare(`SELECT day, vals FROM usage_days WHERE meter_id = ?1 AND day BETWEEN ?2 AND ?3 AND ${rangesFilterSql('day', '?4')} ORDER BY day`)
      .bind(meterId, dataFrom, to, rangesJson(ranges)),
    usage
      .prepare(`SELECT day, total, length(quality) - missing AS known, length(quality) AS slots FROM usage_days WHERE meter_id = ?1 AND day BETWEEN ?2 AND ?3 AND ${rangesFilterSql('day', '?4')}`)
      .bind(meterId, periodStart, addDays(dataFrom, -1), rangesJson(ranges)),
    usage
      .prepare(`SELECT day, total, length(quality) - missing AS known, length(quality) AS slots FROM usage_days WHERE meter_id = ?1 AND day BETWEEN ?2 AND ?3 AND ${rangesFilterSql('day', '?4')}`)
      .bind(meterId, lastYearFrom, lastYearTo, rangesJson(ranges)),
  ]);
  const days: ReadDay[] = (daysRes!.results as { day: string; vals: string }[]).map((r) => {
    const vals = JSON.parse(r.vals) as (number | null)[];
    return { day: r.day, vals: factor === 1 ? vals : vals.map((v) => (v === null ? null : v * factor)) };
  });
  const totals: DayTotal[] = [...(olderRes!.results as DayTotal[]), ...(lastYearRes!.results as DayTotal[])].map((t) => ({ ...t, total: t.total * factor }));

  const verdicts = evaluateRules({ meter: { kind: meter.kind, intervalMinutes: meter.intervalMinutes, timeZone: ctx.timeZone }, days, totals, from, to, settings, periodOf, config });
  const statements: D1PreparedStatement[] = [];
  const planned: NoticeWritten[] = [];
  let changes = 0;
  for (const family of alertFamilies(verdicts)) {
    const mine = stored.filter((e) => family.types.includes(e.type));
    if (family.verdicts.size === 0 && !mine.some((e) => e.status === 'open')) continue;
    const familyChanges = reconcile({ types: family.types, verdicts: family.verdicts, from, to, stored: mine, today, config, backfill: ctx.backfill });
    changes += familyChanges.length;
    for (const change of familyChanges) statements.push(...changeStatements(db, change, { meterId, accountId: holder.accountId }, planned, ctx));
  }
  if (statements.length === 0) return { changes: 0, notices: [] };
  const results = await db.batch(statements);
  // Notices go in with ON CONFLICT DO NOTHING RETURNING id: only those written are handed to delivery.
  const written = new Set(results.flatMap((r) => (r.results as { id?: string }[]).map((row) => row.id).filter((id): id is string => typeof id === 'string')));
  return { changes, notices: planned.filter((n) => written.has(n.id)) };
}

const nowSql = `strftime('%Y-%m-%dT%H:%M:%fZ','now')`;

function noticeStatement(db: D1Database, alertId: string, notice: { kind: NoticeWritten['kind']; day: string }, planned: NoticeWritten[]) {
  const id = crypto.randomUUID();
  planned.push({ id, alertId, kind: notice.kind });
  return db.prepare('INSERT INTO alert_notices (id, alert_id, kind, day) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING RETURNING id').bind(id, alertId, notice.kind, notice.day);
}

/** In a backfill, when the alert would have been raised and closed: 8 a.m. local the day after (reads arrive overnight). */
const morningAfter = (day: string, timeZone: string) => new Date(dayStartUtc(addDays(day, 1), timeZone) + 8 * 3_600_000).toISOString();

/** The writes of one change: the alert row and its notice (exported for the demo loader's backfill). */
export function changeStatements(db: D1Database, change: EpisodeChange, key: { meterId: string; accountId: string }, planned: NoticeWritten[], ctx: EvalContext): D1PreparedStatement[] {
  if (change.op === 'open') {
    const id = crypto.randomUUID();
    const openedAt = ctx.backfill ? morningAfter(change.firstDay, ctx.timeZone) : new Date().toISOString();
    const insert = change.closed
      ? db
          .prepare("INSERT INTO alerts (id, account_id, meter_id, type, status, first_day, last_day, figures, opened_at, closed_at, closed_day, close_reason) VALUES (?1, ?2, ?3, ?4, 'closed', ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
          .bind(id, key.accountId, key.meterId, change.type, change.firstDay, change.lastDay, JSON.stringify(change.figures), openedAt, morningAfter(change.closed.seenOn, ctx.timeZone), change.closed.day, change.closed.reason)
      : db
          .prepare("INSERT INTO alerts (id, account_id, meter_id, type, status, first_day, last_day, figures, opened_at) VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6, ?7, ?8)")
          .bind(id, key.accountId, key.meterId, change.type, change.firstDay, change.lastDay, JSON.stringify(change.figures), openedAt);
    return [insert, noticeStatement(db, id, change.notice, planned)];
  }
  const update = db
    .prepare(
      `UPDATE alerts SET first_day = ?2, last_day = ?3, figures = ?4, evaluated_at = ${nowSql},
         closed_at = CASE WHEN ?5 = 'open' THEN NULL WHEN status = 'open' THEN ${nowSql} ELSE closed_at END,
         closed_day = CASE WHEN ?5 = 'open' THEN NULL ELSE coalesce(?7, closed_day) END,
         close_reason = ?6, status = ?5
       WHERE id = ?1`,
    )
    .bind(change.id, change.firstDay, change.lastDay, JSON.stringify(change.figures), change.status, change.closeReason, change.closedDay);
  return change.notice ? [update, noticeStatement(db, change.id, change.notice, planned)] : [update];
}
