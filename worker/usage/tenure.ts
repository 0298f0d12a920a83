/**
 * The days an account may see of a meter: the days its holder held the meter's service point
 * (service_point_tenures, utility-local dates, both ends included, null = open). This module is
 * the one place that bound is written. The usage series, the exports, the meter list, the
 * comparisons beside them, the access package (db/personal-data.ts) and a bill's use beside last
 * year (worker/billing/use.ts) all take it from here, and
 * so must anything else that shows reads (alerts next), so that a new holder never sees the
 * previous occupant's reads and a former holder sees nothing after moving out.
 */

/** A run of local days, both ends included; null = open (before the records began, or still held). */
export type DayRange = { from: string | null; to: string | null };
export type Tenure = DayRange & { accountId: string };

/** A meter an account held and the days it held it, as `[meterId, [[from, to], …]]` (JSON for heldDaysSql). */
export type HeldMeter = [string, [string | null, string | null][]];

/** The meters an account held, with its days of each, in the shape heldDaysSql reads. */
export async function heldMetersOf(db: D1Database, accountId: string): Promise<HeldMeter[]> {
  return [...(await tenuredMeters(db, [accountId]))].map(([meterId, tenures]) => [meterId, tenures.map((t) => [t.from, t.to])]);
}

/**
 * SQL condition for a table of a usage shard (which has no meters or tenures to join): usage day
 * `day` of meter `meter` falls in the held days bound (as JSON of HeldMeter[]) to `param`. The IN
 * lets SQLite seek the meters' rows by the primary key instead of reading the shard.
 */
export const heldDaysSql = (meter: string, day: string, param: string) =>
  `${meter} IN (SELECT value ->> '$[0]' FROM json_each(${param})) AND EXISTS (SELECT 1 FROM json_each(${param}) held, json_each(held.value -> '$[1]') r
    WHERE held.value ->> '$[0]' = ${meter} AND ${day} >= coalesce(r.value ->> '$[0]', '') AND ${day} <= coalesce(r.value ->> '$[1]', '9999-12-31'))`;

/**
 * SQL condition: `day` falls in one of the ranges bound (as `rangesJson(ranges)`) to parameter
 * `param`. json_each is a table-valued function, so this costs no rows read.
 */
export const rangesFilterSql = (day: string, param: string) =>
  `EXISTS (SELECT 1 FROM json_each(${param}) r WHERE ${day} >= coalesce(r.value ->> '$[0]', '') AND ${day} <= coalesce(r.value ->> '$[1]', '9999-12-31'))`;
export const rangesJson = (ranges: readonly DayRange[]) => JSON.stringify(ranges.map((r) => [r.from, r.to]));

/** The tenures in which any of `accountIds` held the service point of meter `meterId`, oldest first. */
export async function meterTenures(db: D1Database, meterId: string, accountIds: readonly string[]): Promise<Tenure[]> {
  if (accountIds.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT t.account_id AS accountId, t.start_day AS "from", t.end_day AS "to" FROM service_point_tenures t JOIN meters m ON m.service_point_id = t.service_point_id
       WHERE m.id = ?1 AND t.account_id IN (SELECT value FROM json_each(?2)) ORDER BY coalesce(t.start_day, ''), t.id`,
    )
    .bind(meterId, JSON.stringify(accountIds))
    .all<Tenure>();
  return results;
}

/** Every meter any of `accountIds` held at some time, with the tenures of those accounts. */
export async function tenuredMeters(db: D1Database, accountIds: readonly string[]): Promise<Map<string, Tenure[]>> {
  const out = new Map<string, Tenure[]>();
  if (accountIds.length === 0) return out;
  const { results } = await db
    .prepare(
      `SELECT m.id AS meterId, t.account_id AS accountId, t.start_day AS "from", t.end_day AS "to" FROM service_point_tenures t JOIN meters m ON m.service_point_id = t.service_point_id
       WHERE t.account_id IN (SELECT value FROM json_each(?1)) ORDER BY m.id, coalesce(t.start_day, ''), t.id`,
    )
    .bind(JSON.stringify(accountIds))
    .all<Tenure & { meterId: string }>();
  for (const { meterId, ...tenure } of results) out.set(meterId, [...(out.get(meterId) ?? []), tenure]);
  return out;
}

/**
 * SQL: every meter the account bound to `account` (an SQL expression, e.g. `?1`) held at some time,
 * one row per meter: `meter_id`, and `held`, its tenures as JSON `[[from, to], …]` (read it with
 * `heldRanges`). For a statement of one's own that needs the meters' details beside it in one
 * round trip (a bill's use, worker/billing/use.ts).
 */
export const heldMetersSql = (account: string) =>
  `SELECT tenure_m.id AS meter_id, json_group_array(json_array(tenure_t.start_day, tenure_t.end_day)) AS held
   FROM service_point_tenures tenure_t JOIN meters tenure_m ON tenure_m.service_point_id = tenure_t.service_point_id
   WHERE tenure_t.account_id = ${account} GROUP BY tenure_m.id`;

/** SQL condition: tenure row `t` (an alias of service_point_tenures) holds some day of `from`..`to` (SQL expressions). */
export const tenureOverlapsSql = (t: string, from: string, to: string) => `(${t}.start_day IS NULL OR ${t}.start_day <= ${to}) AND (${t}.end_day IS NULL OR ${t}.end_day >= ${from})`;

/** The ranges of a `held` column of `heldMetersSql`. */
export const heldRanges = (json: string): DayRange[] => (JSON.parse(json) as [string | null, string | null][]).map(([from, to]) => ({ from, to }));

export const withinTenure = (ranges: readonly DayRange[], day: string) => ranges.some((r) => (r.from === null || day >= r.from) && (r.to === null || day <= r.to));

/** The first and last day of `from..to` that fall in the ranges, or null when none does. */
export function visibleSpan(ranges: readonly DayRange[], from: string, to: string): { from: string; to: string } | null {
  let first: string | null = null;
  let last: string | null = null;
  for (const r of ranges) {
    const a = r.from === null || r.from < from ? from : r.from;
    const b = r.to === null || r.to > to ? to : r.to;
    if (a > b) continue;
    if (first === null || a < first) first = a;
    if (last === null || b > last) last = b;
  }
  return first === null || last === null ? null : { from: first, to: last };
}

/** The account that held the meter's service point on a local day, or null (for alerts: whom to tell). */
export async function holderOn(db: D1Database, meterId: string, day: string): Promise<string | null> {
  const row = await db
    .prepare(
      `SELECT t.account_id AS accountId FROM service_point_tenures t JOIN meters m ON m.service_point_id = t.service_point_id
       WHERE m.id = ?1 AND (t.start_day IS NULL OR t.start_day <= ?2) AND (t.end_day IS NULL OR t.end_day >= ?2) LIMIT 1`,
    )
    .bind(meterId, day)
    .first<{ accountId: string }>();
  return row?.accountId ?? null;
}
