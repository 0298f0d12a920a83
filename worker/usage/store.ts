/**
 * SQL for the day-row read store (see db/schema/usage.ts). Raw D1 statements rather than drizzle
 * here because they use SQLite's JSON table functions and we need D1's `rows_read` figures.
 *
 * Writes are set-based: a whole chunk of day rows travels as ONE bound JSON parameter and is
 * unpacked with json_each, so a statement is never limited by D1's 100 bound parameters.
 */
import { rangesFilterSql, rangesJson, visibleSpan, type DayRange } from './tenure';
import { baseFactorSql } from './units';

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

const keysSql = `(SELECT value ->> '$[0]' AS meter_id, value ->> '$[1]' AS day FROM json_each(?1))`;

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
  SELECT d.peer_group AS gid, d.day AS day, d.total * ${baseFactorSql('m.kind', 'm.unit')} AS t
  FROM ${keysSql} k JOIN usage_days d ON d.meter_id = k.meter_id AND d.day = k.day JOIN meters m ON m.id = d.meter_id
  WHERE d.missing = 0 AND d.peer_group IS NOT NULL
  UNION ALL
  SELECT d.area_group, d.day, d.total * ${baseFactorSql('m.kind', 'm.unit')}
  FROM ${keysSql} k JOIN usage_days d ON d.meter_id = k.meter_id AND d.day = k.day JOIN meters m ON m.id = d.meter_id
  WHERE d.missing = 0
) WHERE true GROUP BY gid, day
ON CONFLICT (group_id, day) DO UPDATE SET homes = homes + excluded.homes, total = round(total + excluded.total, 6)`;

/** Rebuilds every comparison aggregate from usage_days (after a bulk load, or as a periodic check). */
export const rebuildPeerDaysSql = [
  'DELETE FROM usage_peer_days',
  `INSERT INTO usage_peer_days (group_id, day, homes, total)
   SELECT gid, day, count(*), round(sum(t), 6) FROM (
     SELECT d.peer_group AS gid, d.day AS day, d.total * ${baseFactorSql('m.kind', 'm.unit')} AS t
     FROM usage_days d JOIN meters m ON m.id = d.meter_id WHERE d.missing = 0 AND d.peer_group IS NOT NULL
     UNION ALL
     SELECT d.area_group, d.day, d.total * ${baseFactorSql('m.kind', 'm.unit')}
     FROM usage_days d JOIN meters m ON m.id = d.meter_id WHERE d.missing = 0
   ) GROUP BY gid, day`,
];

const chunk = <T>(rows: T[], size: number) => {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
};

/** Every statement that writes `patches` and keeps the aggregates right, in order, for one db.batch. */
export function dayWriteStatements(db: D1Database, patches: DayPatch[]): D1PreparedStatement[] {
  const chunks = chunk(patches, PATCHES_PER_STATEMENT);
  const keys = chunks.map((c) => JSON.stringify(c.map((p) => [p.meterId, p.day])));
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

export type StoredDay = { day: string; vals: (number | null)[]; quality: string; total: number; missing: number; estimated: number };
export type StoredDayTotal = { day: string; slots: number; total: number; missing: number; estimated: number };

/*
 * Every read of a meter's days takes `tenure`, the days the caller may see of it (tenure.ts):
 * rows outside it never leave the database.
 */

/** One meter's day rows (with intervals) from..to within `tenure`, and how many rows D1 read. */
export async function readDays(db: D1Database, meterId: string, from: string, to: string, tenure: readonly DayRange[]) {
  const span = visibleSpan(tenure, from, to);
  if (!span) return { days: [] as StoredDay[], rowsRead: 0 };
  const res = await db
    .prepare(`SELECT day, vals, quality, total, missing, estimated FROM usage_days WHERE meter_id = ?1 AND day BETWEEN ?2 AND ?3 AND ${rangesFilterSql('day', '?4')} ORDER BY day`)
    .bind(meterId, span.from, span.to, rangesJson(tenure))
    .all<{ day: string; vals: string; quality: string; total: number; missing: number; estimated: number }>();
  const days: StoredDay[] = res.results.map((r) => ({ ...r, vals: JSON.parse(r.vals) as (number | null)[] }));
  return { days, rowsRead: res.meta.rows_read ?? 0 };
}

/** One meter's day totals only (no interval arrays travel), from..to within `tenure`. */
export async function readDayTotals(db: D1Database, meterId: string, from: string, to: string, tenure: readonly DayRange[]) {
  const span = visibleSpan(tenure, from, to);
  if (!span) return { days: [] as StoredDayTotal[], rowsRead: 0 };
  const res = await db
    .prepare(`SELECT day, length(quality) AS slots, total, missing, estimated FROM usage_days WHERE meter_id = ?1 AND day BETWEEN ?2 AND ?3 AND ${rangesFilterSql('day', '?4')} ORDER BY day`)
    .bind(meterId, span.from, span.to, rangesJson(tenure))
    .all<StoredDayTotal>();
  return { days: res.results, rowsRead: res.meta.rows_read ?? 0 };
}

/** The first and last day with a row within `tenure` (null, null when none). */
export function dayBoundsStatement(db: D1Database, meterId: string, tenure: readonly DayRange[]) {
  return db
    .prepare(`SELECT min(day) AS first, max(day) AS last FROM usage_days WHERE meter_id = ?1 AND ${rangesFilterSql('day', '?2')}`)
    .bind(meterId, rangesJson(tenure));
}

/** A comparison group's daily aggregates (homes and summed use in the base unit). */
export async function readPeerDays(db: D1Database, groupId: number, from: string, to: string) {
  const res = await db
    .prepare('SELECT day, homes, total FROM usage_peer_days WHERE group_id = ?1 AND day BETWEEN ?2 AND ?3')
    .bind(groupId, from, to)
    .all<{ day: string; homes: number; total: number }>();
  return { days: res.results, rowsRead: res.meta.rows_read ?? 0 };
}

export type Household = '1' | '2' | '3' | '4' | '5+';
export function householdBucket(occupants: number | null | undefined): Household | null {
  if (!occupants || occupants < 1) return null;
  return occupants >= 5 ? '5+' : (String(occupants) as Household);
}

/** Creates missing comparison groups; rows are [kind, serviceArea, household]. */
export const ensurePeerGroupsSql = `INSERT OR IGNORE INTO usage_peer_groups (kind, service_area, household) SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]' FROM json_each(?1)`;

/** The comparison group to show a meter: same kind and service area, same household size when known. */
export async function similarGroupId(db: D1Database, kind: string, serviceArea: string, household: Household | null): Promise<number | null> {
  const row = await db
    .prepare('SELECT id FROM usage_peer_groups WHERE kind = ?1 AND service_area = ?2 AND household = ?3')
    .bind(kind, serviceArea, household ?? 'any')
    .first<{ id: number }>();
  return row?.id ?? null;
}
