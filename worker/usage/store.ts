/**
 * SQL for the day-row read store (db/usage-shard/schema.ts), which lives in the usage shards: every
 * function here takes the routing (./shards.ts) and runs each meter's statements on its shard. Raw
 * D1 statements rather than drizzle here because they use SQLite's JSON table functions and we need
 * D1's `rows_read` figures.
 *
 * Writes are set-based: a whole chunk of day rows travels as ONE bound JSON parameter and is
 * unpacked with json_each, so a statement is never limited by D1's 100 bound parameters.
 */
import { meterWeight, type UsageShards } from './shards';
import { rangesFilterSql, rangesJson, visibleSpan, type DayRange } from './tenure';

/** What one ingest or load writes for a meter-day: values where the batch has them, '-' elsewhere. */
export type DayPatch = {
  meterId: string;
  day: string;
  /** One entry per interval of the day; null where no value (missing, or not in this batch). */
  vals: (number | null)[];
  /** One character per interval: A, E, M, or '-' where this batch says nothing. */
  quality: string;
  /** The de-identified comparison groups the day counts in: kind × service area (× household size when known). */
  kind: string;
  serviceArea: string;
  household: Household | null;
  /** Turns the meter's unit into its kind's base unit (baseFactor in ./units.ts), for the aggregates: a shard has no meters table. */
  baseFactor: number;
};

/** Rows per statement: keeps each bound JSON well under D1's per-value and statement limits. */
export const PATCHES_PER_STATEMENT = 250;

const sumSql = `coalesce(round((SELECT sum(value) FROM json_each(usage_days.vals)), 6), 0)`;
const missingSql = `(length(quality) - length(replace(replace(quality, 'M', ''), '-', '')))`;
const estimatedSql = `(length(quality) - length(replace(quality, 'E', '')))`;

/**
 * Upserts day rows. A row the batch fully covers replaces the stored one; a partial row (some '-')
 * is merged slot by slot, so a late or corrected read replaces exactly its own interval.
 */
export const upsertDaysSql = `
INSERT INTO usage_days (meter_id, day, vals, quality, total, missing, estimated, peer_group, area_group)
SELECT value ->> '$.m', value ->> '$.d', value ->> '$.v', value ->> '$.q', 0, 0, 0,
  (SELECT id FROM usage_peer_groups g WHERE g.kind = value ->> '$.k' AND g.service_area = value ->> '$.s' AND g.household = value ->> '$.h'),
  (SELECT id FROM usage_peer_groups g WHERE g.kind = value ->> '$.k' AND g.service_area = value ->> '$.s' AND g.household = 'any')
FROM json_each(?1) WHERE true
ON CONFLICT (meter_id, day) DO UPDATE SET
  vals = CASE
    WHEN instr(excluded.quality, '-') = 0 OR length(usage_days.quality) <> length(excluded.quality) THEN excluded.vals
    ELSE (SELECT json_group_array(CASE WHEN substr(excluded.quality, n.key + 1, 1) = '-' THEN o.value ELSE n.value END ORDER BY n.key)
          FROM json_each(excluded.vals) n JOIN json_each(usage_days.vals) o ON o.key = n.key)
  END,
  quality = CASE
    WHEN instr(excluded.quality, '-') = 0 OR length(usage_days.quality) <> length(excluded.quality) THEN excluded.quality
    ELSE (SELECT group_concat(CASE WHEN substr(excluded.quality, n.key + 1, 1) = '-' THEN substr(usage_days.quality, n.key + 1, 1) ELSE substr(excluded.quality, n.key + 1, 1) END, '' ORDER BY n.key)
          FROM json_each(excluded.vals) n)
  END,
  peer_group = excluded.peer_group,
  area_group = excluded.area_group,
  updated_at = unixepoch()
WHERE usage_days.vals IS NOT excluded.vals OR usage_days.quality IS NOT excluded.quality
   OR usage_days.peer_group IS NOT excluded.peer_group OR usage_days.area_group IS NOT excluded.area_group`;

const keysSql = `(SELECT value ->> '$[0]' AS meter_id, value ->> '$[1]' AS day, value ->> '$[2]' AS factor FROM json_each(?1))`;

/** Recomputes the day total and counts of the given (meter, day) keys from their arrays. */
export const recomputeDaysSql = `
UPDATE usage_days SET total = ${sumSql}, missing = ${missingSql}, estimated = ${estimatedSql}
WHERE (meter_id, day) IN (SELECT meter_id, day FROM ${keysSql})`;

/**
 * Adds (?2 = 1) or removes (?2 = -1) the given day rows' contribution to the de-identified
 * comparison aggregates. Only complete days (no missing interval) count. Run with -1 before a
 * write and +1 after it, in the same batch, so the aggregates always match usage_days.
 */
export const peerDeltaSql = `
INSERT INTO usage_peer_days (group_id, day, homes, total)
SELECT gid, day, ?2 * count(*), ?2 * sum(t) FROM (
  SELECT d.peer_group AS gid, d.day AS day, d.total * k.factor AS t
  FROM ${keysSql} k JOIN usage_days d ON d.meter_id = k.meter_id AND d.day = k.day
  WHERE d.missing = 0 AND d.peer_group IS NOT NULL
  UNION ALL
  SELECT d.area_group, d.day, d.total * k.factor
  FROM ${keysSql} k JOIN usage_days d ON d.meter_id = k.meter_id AND d.day = k.day
  WHERE d.missing = 0
) WHERE true GROUP BY gid, day
ON CONFLICT (group_id, day) DO UPDATE SET homes = homes + excluded.homes, total = round(total + excluded.total, 6)`;

/**
 * Rebuilds a shard's comparison aggregates from its usage_days (after a bulk load, or as a periodic
 * check); `factors` are [meterId, baseFactor] of the shard's meters.
 */
export function rebuildPeerDaysStatements(db: D1Database, factors: [string, number][]): D1PreparedStatement[] {
  const f = `(SELECT value ->> '$[0]' AS meter_id, value ->> '$[1]' AS factor FROM json_each(?1))`;
  return [
    db.prepare('DELETE FROM usage_peer_days'),
    db
      .prepare(
        `INSERT INTO usage_peer_days (group_id, day, homes, total)
         SELECT gid, day, count(*), round(sum(t), 6) FROM (
           SELECT d.peer_group AS gid, d.day AS day, d.total * f.factor AS t
           FROM usage_days d JOIN ${f} f ON f.meter_id = d.meter_id WHERE d.missing = 0 AND d.peer_group IS NOT NULL
           UNION ALL
           SELECT d.area_group, d.day, d.total * f.factor
           FROM usage_days d JOIN ${f} f ON f.meter_id = d.meter_id WHERE d.missing = 0
         ) GROUP BY gid, day`,
      )
      .bind(JSON.stringify(factors)),
  ];
}

const chunk = <T>(rows: T[], size: number) => {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
};

/** Every statement that writes `patches` (all of one shard) and keeps its aggregates right, in order, for one db.batch. */
export function dayWriteStatements(db: D1Database, patches: DayPatch[]): D1PreparedStatement[] {
  const chunks = chunk(patches, PATCHES_PER_STATEMENT);
  const keys = chunks.map((c) => JSON.stringify(c.map((p) => [p.meterId, p.day, p.baseFactor])));
  const rows = chunks.map((c) => JSON.stringify(c.map((p) => ({ m: p.meterId, d: p.day, v: JSON.stringify(p.vals), q: p.quality, k: p.kind, s: p.serviceArea, h: p.household }))));
  const groups = new Map<string, [string, string, string]>();
  for (const p of patches) {
    for (const h of p.household ? [p.household, 'any'] : ['any']) groups.set(`${p.kind}\u0000${p.serviceArea}\u0000${h}`, [p.kind, p.serviceArea, h]);
  }
  return [
    ...chunk([...groups.values()], PATCHES_PER_STATEMENT).map((g) => db.prepare(ensurePeerGroupsSql).bind(JSON.stringify(g))),
    ...keys.map((k) => db.prepare(peerDeltaSql).bind(k, -1)),
    ...rows.map((r) => db.prepare(upsertDaysSql).bind(r)),
    ...keys.map((k) => db.prepare(recomputeDaysSql).bind(k)),
    ...keys.map((k) => db.prepare(peerDeltaSql).bind(k, 1)),
  ];
}

const storedColumns = 'meter_id, day, vals, quality, total, missing, estimated, peer_group, area_group, updated_at';

/**
 * Puts the given (meter, day) keys back to `previous` (whole stored rows; a key without one had no
 * row): out of the aggregates, gone, the previous rows back, into the aggregates again.
 */
function restoreStatements(db: D1Database, patches: DayPatch[], previous: Record<string, unknown>[]): D1PreparedStatement[] {
  const keys = chunk(patches, PATCHES_PER_STATEMENT).map((c) => JSON.stringify(c.map((p) => [p.meterId, p.day, p.baseFactor])));
  const columns = storedColumns.split(', ');
  return [
    ...keys.map((k) => db.prepare(peerDeltaSql).bind(k, -1)),
    ...keys.map((k) => db.prepare(`DELETE FROM usage_days WHERE (meter_id, day) IN (SELECT meter_id, day FROM ${keysSql})`).bind(k)),
    ...chunk(previous, PATCHES_PER_STATEMENT).map((rows) =>
      db.prepare(`INSERT INTO usage_days (${storedColumns}) SELECT ${columns.map((c) => `value ->> '$.${c}'`).join(', ')} FROM json_each(?1)`).bind(JSON.stringify(rows)),
    ),
    ...keys.map((k) => db.prepare(peerDeltaSql).bind(k, 1)),
  ];
}

/**
 * Writes day rows to their meters' shards, placing meters that have none yet: one batch (one
 * transaction) per shard, the shards in parallel. Each batch is idempotent (the aggregates take
 * out a row's old contribution before adding its new one). The rows it replaces are read first, so
 * that `undo` can put every shard back when the rest of the ingest (the primary database's batch)
 * fails: a refused batch leaves no reads behind.
 */
export async function writeDays(shards: UsageShards, patches: DayPatch[]): Promise<{ undo: () => Promise<void> }> {
  if (!patches.length) return { undo: async () => {} };
  const intervals = new Map(patches.map((p) => [p.meterId, p.vals.length]));
  await shards.place([...intervals.keys()], (id) => meterWeight(intervals.get(id)!));
  const groups = await shards.group(patches, (p) => p.meterId);
  const previous = await Promise.all(
    groups.map(async ({ db, items }) => {
      const keys = chunk(items, PATCHES_PER_STATEMENT).map((c) => JSON.stringify(c.map((p) => [p.meterId, p.day])));
      const read = await db.batch<Record<string, unknown>>(keys.map((k) => db.prepare(`SELECT ${storedColumns} FROM usage_days WHERE (meter_id, day) IN (SELECT meter_id, day FROM ${keysSql})`).bind(k)));
      return read.flatMap((r) => r.results);
    }),
  );
  const restore = (written: number[]) => Promise.all(written.map((i) => groups[i]!.db.batch(restoreStatements(groups[i]!.db, groups[i]!.items, previous[i]!))));
  const outcomes = await Promise.allSettled(groups.map(({ db, items }) => db.batch(dayWriteStatements(db, items))));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) {
    // One shard refused: the others that took their rows give them back, so nothing is half written.
    await restore(outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : [])));
    throw failed.reason;
  }
  return { undo: async () => void (await restore(groups.map((_, i) => i))) };
}

export type StoredDay = { day: string; vals: (number | null)[]; quality: string; total: number; missing: number; estimated: number };
export type StoredDayTotal = { day: string; slots: number; total: number; missing: number; estimated: number };

/*
 * Every read of a meter's days takes `tenure`, the days the caller may see of it (tenure.ts):
 * rows outside it never leave the database.
 */

/** One meter's day rows (with intervals) from..to within `tenure`, and how many rows D1 read. */
export async function readDays(shards: UsageShards, meterId: string, from: string, to: string, tenure: readonly DayRange[]) {
  const span = visibleSpan(tenure, from, to);
  const db = span && (await shards.forMeter(meterId));
  if (!span || !db) return { days: [] as StoredDay[], rowsRead: 0 };
  const res = await db
    .prepare(`SELECT day, vals, quality, total, missing, estimated FROM usage_days WHERE meter_id = ?1 AND day BETWEEN ?2 AND ?3 AND ${rangesFilterSql('day', '?4')} ORDER BY day`)
    .bind(meterId, span.from, span.to, rangesJson(tenure))
    .all<{ day: string; vals: string; quality: string; total: number; missing: number; estimated: number }>();
  const days: StoredDay[] = res.results.map((r) => ({ ...r, vals: JSON.parse(r.vals) as (number | null)[] }));
  return { days, rowsRead: res.meta.rows_read ?? 0 };
}

/** One meter's day totals only (no interval arrays travel), from..to within `tenure`. */
export async function readDayTotals(shards: UsageShards, meterId: string, from: string, to: string, tenure: readonly DayRange[]) {
  const span = visibleSpan(tenure, from, to);
  const db = span && (await shards.forMeter(meterId));
  if (!span || !db) return { days: [] as StoredDayTotal[], rowsRead: 0 };
  const res = await db.prepare(dayTotalsSql(true)).bind(meterId, span.from, span.to, rangesJson(tenure)).all<StoredDayTotal>();
  return { days: res.results, rowsRead: res.meta.rows_read ?? 0 };
}

/** SQL of a meter's day totals: ?1 meter, ?2..?3 days, and (`inRanges`) ?4 the tenure ranges. */
export const dayTotalsSql = (inRanges: boolean) =>
  `SELECT day, length(quality) AS slots, total, missing, estimated FROM usage_days WHERE meter_id = ?1 AND day BETWEEN ?2 AND ?3${inRanges ? ` AND ${rangesFilterSql('day', '?4')}` : ''} ORDER BY day`;

/** The first and last day with a row within each meter's tenure (null, null when none), in the order given. */
export async function dayBounds(shards: UsageShards, meters: readonly { id: string; tenure: readonly DayRange[] }[]) {
  const out = new Map<string, { first: string | null; last: string | null }>();
  await Promise.all(
    (await shards.group(meters, (m) => m.id)).map(async ({ db, items }) => {
      const res = await db.batch<{ first: string | null; last: string | null }>(
        items.map((m) => db.prepare(`SELECT min(day) AS first, max(day) AS last FROM usage_days WHERE meter_id = ?1 AND ${rangesFilterSql('day', '?2')}`).bind(m.id, rangesJson(m.tenure))),
      );
      items.forEach((m, i) => out.set(m.id, res[i]?.results[0] ?? { first: null, last: null }));
    }),
  );
  return meters.map((m) => out.get(m.id) ?? { first: null, last: null });
}

/** The first (`min`) or last (`max`) day each meter has a row for, whatever its holders. */
export async function dayEdges(shards: UsageShards, meterIds: readonly string[], edge: 'min' | 'max'): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    (await shards.group(meterIds, (id) => id)).map(async ({ db, items }) => {
      const { results } = await db
        .prepare(`SELECT meter_id AS meterId, ${edge}(day) AS day FROM usage_days WHERE meter_id IN (SELECT value FROM json_each(?1)) GROUP BY meter_id`)
        .bind(JSON.stringify(items))
        .all<{ meterId: string; day: string }>();
      for (const r of results) out.set(r.meterId, r.day);
    }),
  );
  return out;
}

/** A comparison group of homes, named the same on every shard. */
export type PeerGroup = { kind: string; serviceArea: string; household: Household | 'any' };

/** The comparison group to show a meter: same kind and service area, same household size when known. */
export const similarGroup = (kind: string, serviceArea: string, household: Household | null): PeerGroup => ({ kind, serviceArea, household: household ?? 'any' });

/**
 * A comparison group's daily aggregates (homes and summed use in the base unit), added up over
 * every shard: each shard counts its own homes, so the minimum of 10 homes applies to the sum.
 * `found` is false when no shard has the group at all (no home of its kind has complete reads yet).
 */
export async function readPeerDays(shards: UsageShards, group: PeerGroup, from: string, to: string) {
  const parts = await Promise.all(
    shards.all.map((db) =>
      db
        .prepare('SELECT d.day, d.homes, d.total FROM usage_peer_groups g LEFT JOIN usage_peer_days d ON d.group_id = g.id AND d.day BETWEEN ?4 AND ?5 WHERE g.kind = ?1 AND g.service_area = ?2 AND g.household = ?3')
        .bind(group.kind, group.serviceArea, group.household, from, to)
        .all<{ day: string | null; homes: number; total: number }>(),
    ),
  );
  const rows = parts.flatMap((p) => p.results);
  const byDay = new Map<string, { day: string; homes: number; total: number }>();
  for (const r of rows) {
    if (r.day === null) continue;
    const sum = byDay.get(r.day) ?? { day: r.day, homes: 0, total: 0 };
    sum.homes += r.homes;
    sum.total += r.total;
    byDay.set(r.day, sum);
  }
  const days = [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
  return { days, found: rows.length > 0, rowsRead: parts.reduce((n, p) => n + (p.meta.rows_read ?? 0), 0) };
}

export type Household = '1' | '2' | '3' | '4' | '5+';
export function householdBucket(occupants: number | null | undefined): Household | null {
  if (!occupants || occupants < 1) return null;
  return occupants >= 5 ? '5+' : (String(occupants) as Household);
}

/** Creates missing comparison groups; rows are [kind, serviceArea, household]. */
export const ensurePeerGroupsSql = `INSERT OR IGNORE INTO usage_peer_groups (kind, service_area, household) SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]' FROM json_each(?1)`;

