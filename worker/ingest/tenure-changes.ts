/**
 * Tenure changes an ingest batch records (service_point_tenures; see db/schema/core.ts): when a
 * servicePoints row names another account than the one holding the service point, the holder has
 * changed. The row may carry the move-in day (`accountSince`, a utility-local date); without it the
 * move-in day is the utility-local day the batch arrives: the new holder never sees a day before
 * the utility told us, and the previous holder keeps every day up to the day before.
 *
 * - A move closes the open tenure on the day before the move-in and opens one from it.
 * - `accountSince` for the current holder that differs from the recorded one corrects the move-in
 *   day, and moves the previous holder's move-out day with it.
 * - A new service point with `accountSince` starts its first tenure then (else: since before the
 *   records began).
 */
import type { BatchProblems, RowRef } from './batch';
import { addDays } from '../usage/time';

/** How far ahead a move-in may be announced (a scheduled move); later is almost surely a typo. */
export const MAX_MOVE_IN_AHEAD_DAYS = 90;

export type StoredTenure = { id: number; servicePointId: string; accountId: string; startDay: string | null; endDay: string | null };

export type TenureChanges = {
  /** Changes of holder: the open tenure ends on `end`, a new one for `accountId` starts on `start`. */
  moves: { sp: string; accountId: string; start: string; end: string }[];
  /** The open tenure's first day (a new service point's, or a corrected move-in). */
  starts: { sp: string; start: string }[];
  /** A previous tenure's last day, moved with a corrected move-in. */
  ends: { id: number; end: string }[];
};

type PointRow = RowRef & { id: string; accountId: string; accountSince?: string | undefined };

/**
 * Plans the tenure changes of the batch's servicePoints rows. `existing` holds the ids of service
 * points already stored for this utility, `stored` their tenures; `today` is the utility-local
 * date. Problems (a move-in day that contradicts the recorded one) go to `problems`.
 */
export function planTenureChanges(rows: PointRow[], existing: ReadonlySet<string>, stored: readonly StoredTenure[], today: string, problems: BatchProblems): TenureChanges {
  const changes: TenureChanges = { moves: [], starts: [], ends: [] };
  const latestAllowed = addDays(today, MAX_MOVE_IN_AHEAD_DAYS);
  for (const s of rows) {
    if (s.accountSince && s.accountSince > latestAllowed) {
      problems.add(s, 'accountSince', `is more than ${MAX_MOVE_IN_AHEAD_DAYS} days ahead`);
      continue;
    }
    if (!existing.has(s.id)) {
      if (s.accountSince) changes.starts.push({ sp: s.id, start: s.accountSince });
      continue;
    }
    const tenures = stored.filter((t) => t.servicePointId === s.id);
    const open = tenures.find((t) => t.endDay === null);
    if (open && open.accountId === s.accountId) {
      if (!s.accountSince || s.accountSince === open.startDay) continue;
      // A corrected move-in: the tenure before it (the closed one that ends last) follows.
      const previous = tenures.filter((t) => t.endDay !== null).sort((a, b) => (a.endDay! < b.endDay! ? 1 : -1))[0];
      if (previous?.startDay && s.accountSince <= previous.startDay) {
        problems.add(s, 'accountSince', `must be after the previous holder's move-in day (${previous.startDay})`);
        continue;
      }
      changes.starts.push({ sp: s.id, start: s.accountSince });
      if (previous) changes.ends.push({ id: previous.id, end: addDays(s.accountSince, -1) });
      continue;
    }
    const start = s.accountSince ?? today;
    if (open?.startDay && start <= open.startDay) {
      problems.add(
        s,
        'accountSince',
        s.accountSince
          ? `must be after the current holder's move-in day (${open.startDay})`
          : `is needed: the holder changes, and today (${today}) is not after the current holder's move-in day (${open.startDay})`,
      );
      continue;
    }
    changes.moves.push({ sp: s.id, accountId: s.accountId, start, end: addDays(start, -1) });
  }
  return changes;
}

const closeOpenSql = `UPDATE service_point_tenures SET end_day = j.value ->> '$.end' FROM json_each(?1) AS j
WHERE service_point_tenures.service_point_id = j.value ->> '$.sp' AND service_point_tenures.end_day IS NULL`;
const openSql = `INSERT INTO service_point_tenures (service_point_id, account_id, start_day) SELECT value ->> '$.sp', value ->> '$.accountId', value ->> '$.start' FROM json_each(?1)`;
const setStartSql = `UPDATE service_point_tenures SET start_day = j.value ->> '$.start' FROM json_each(?1) AS j
WHERE service_point_tenures.service_point_id = j.value ->> '$.sp' AND service_point_tenures.end_day IS NULL`;
const setEndSql = `UPDATE service_point_tenures SET end_day = j.value ->> '$.end' FROM json_each(?1) AS j WHERE service_point_tenures.id = j.value ->> '$.id'`;

const ROWS_PER_STATEMENT = 200;
const chunked = <T>(rows: T[]) => Array.from({ length: Math.ceil(rows.length / ROWS_PER_STATEMENT) }, (_, i) => JSON.stringify(rows.slice(i * ROWS_PER_STATEMENT, (i + 1) * ROWS_PER_STATEMENT)));

/**
 * The statements, in two parts for the caller's one D1 batch: `beforePoints` runs before the
 * service points are written (the database refuses a new holder without an open tenure),
 * `afterPoints` after (a new service point's first tenure is opened by a trigger on its insert).
 */
export function tenureStatements(db: D1Database, changes: TenureChanges) {
  return {
    beforePoints: [...chunked(changes.moves).flatMap((json) => [db.prepare(closeOpenSql).bind(json), db.prepare(openSql).bind(json)])],
    afterPoints: [...chunked(changes.starts).map((json) => db.prepare(setStartSql).bind(json)), ...chunked(changes.ends).map((json) => db.prepare(setEndSql).bind(json))],
  };
}
