/**
 * Alert counts for staff: per alert type, how many homes had an alert in one calendar month and how
 * many alerts, split by service area and by the customer's answer, every figure describing at least
 * MIN_HOMES homes (deidentify.ts). A home is a service point. An alert counts in the month its
 * episode began (its first day, utility-local). No account, meter, address or person leaves this
 * module; the rows it reads never leave the worker.
 */
import type { AlertAnswerCode, AlertType } from '../../../db/schema';
import { alertTypes } from '../../../db/schema';
import { addDays, localDay } from '../../usage/time';
import { MIN_HOMES, protectCells, type Member, type ProtectedCells } from './deidentify';

export type AnswerCell = AlertAnswerCode | 'none';

export type TypeCounts = { type: AlertType; byArea: ProtectedCells; byAnswer: ProtectedCells };
export type MonthCounts = { month: string; minHomes: number; types: TypeCounts[] };

const isMonth = (m: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(m);
const monthStart = (m: string) => `${m}-01`;
const nextMonth = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 1)).toISOString().slice(0, 7);
const previousMonth = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 2, 1)).toISOString().slice(0, 7);

/** How many ended months staff may look back on. */
export const MONTHS_OFFERED = 24;

/**
 * The months that may be counted: whole months that have ended (utility-local), newest first. The
 * month in progress is never counted: its figures would change day by day, and the change from one
 * day to the next could be a single home.
 */
export function countableMonths(timeZone: string, now = new Date()): string[] {
  const current = localDay(now.getTime(), timeZone).slice(0, 7);
  const out: string[] = [];
  for (let m = previousMonth(current); out.length < MONTHS_OFFERED; m = previousMonth(m)) out.push(m);
  return out;
}

export function isCountableMonth(month: string, timeZone: string, now = new Date()) {
  return isMonth(month) && countableMonths(timeZone, now).includes(month);
}

type Row = { type: AlertType; area: string; home: string; firstDay: string; id: string; answer: AnswerCell | null };

/** Splits rows of one type into cells, each home in exactly one cell, and protects them. */
export function typeCounts(type: AlertType, rows: readonly Row[], minHomes = MIN_HOMES): TypeCounts {
  const homes = new Map<string, { area: string; alerts: number; latest: Row }>();
  for (const r of rows) {
    const h = homes.get(r.home);
    if (!h) homes.set(r.home, { area: r.area, alerts: 1, latest: r });
    else {
      h.alerts++;
      if (r.firstDay > h.latest.firstDay || (r.firstDay === h.latest.firstDay && r.id > h.latest.id)) h.latest = r;
    }
  }
  const byArea = new Map<string, Member[]>();
  const byAnswer = new Map<string, Member[]>();
  for (const [home, h] of homes) {
    const member = { home, alerts: h.alerts };
    byArea.set(h.area, [...(byArea.get(h.area) ?? []), member]);
    // A home's answer is the one it gave to its latest alert of the type in the month.
    const answer = h.latest.answer ?? 'none';
    byAnswer.set(answer, [...(byAnswer.get(answer) ?? []), member]);
  }
  return { type, byArea: protectCells(byArea, minHomes), byAnswer: protectCells(byAnswer, minHomes) };
}

/** The month's alerts, one row each (type, area, home, answer), and how many rows D1 read for them. */
export async function monthRows(raw: D1Database, month: string): Promise<{ rows: Row[]; rowsRead: number }> {
  const from = monthStart(month);
  const to = addDays(monthStart(nextMonth(month)), -1);
  const { results, meta } = await raw
    .prepare(
      `SELECT a.id, a.type, a.first_day AS firstDay, sp.service_area AS area, m.service_point_id AS home,
         (SELECT x.answer FROM alert_answers x WHERE x.alert_id = a.id ORDER BY x.answered_at DESC, x.rowid DESC LIMIT 1) AS answer
       FROM alerts a JOIN meters m ON m.id = a.meter_id JOIN service_points sp ON sp.id = m.service_point_id
       WHERE a.first_day BETWEEN ?1 AND ?2`,
    )
    .bind(from, to)
    .all<Row>();
  return { rows: results, rowsRead: meta.rows_read ?? 0 };
}

export async function monthCounts(raw: D1Database, month: string): Promise<MonthCounts> {
  const { rows } = await monthRows(raw, month);
  return { month, minHomes: MIN_HOMES, types: alertTypes.map((type) => typeCounts(type, rows.filter((r) => r.type === type))) };
}
