/**
 * Moving meters from one usage shard to another: how a shard that fills up is split (README,
 * "Capacity plan"). For each meter: its day rows are copied to the target through the ordinary
 * write path (so the target's comparison aggregates count them), the shard map is switched, and the
 * rows are taken out of the source's aggregates and deleted there.
 *
 * Safe to run again after an interruption at any step: the copy is idempotent and the source is
 * named by the caller, not read from the map. While one meter moves, its days count twice in the
 * comparison sums for a moment (they are sums of homes, so a moment's extra home only ever makes a
 * figure more likely to show, never reveals one home).
 */
import { meterWeight, type UsageShards } from './shards';
import { dayWriteStatements, peerDeltaSql, type DayPatch, type Household } from './store';
import { baseFactor, type MeterKind } from './units';

/** Days copied per statement batch: a 15-minute meter's two years fit in a handful. */
const DAYS_PER_BATCH = 250;

type SourceRow = { day: string; vals: string; quality: string; kind: string; serviceArea: string; household: Household | 'any' | null };

export async function moveMeters(shards: UsageShards, from: string, to: string, meterIds: readonly string[]): Promise<{ meters: number; days: number }> {
  if (from === to) throw new RangeError('a meter moves to another shard');
  const source = shards.database(from);
  const target = shards.database(to);
  const { results: meters } = await shards.primary
    .prepare('SELECT id, kind, unit, interval_minutes AS intervalMinutes FROM meters WHERE id IN (SELECT value FROM json_each(?1))')
    .bind(JSON.stringify(meterIds))
    .all<{ id: string; kind: MeterKind; unit: string; intervalMinutes: number }>();
  let days = 0;
  for (const meter of meters) {
    const factor = baseFactor(meter.kind, meter.unit);
    const { results: rows } = await source
      .prepare(
        `SELECT d.day, d.vals, d.quality, a.kind, a.service_area AS serviceArea, p.household
           FROM usage_days d JOIN usage_peer_groups a ON a.id = d.area_group LEFT JOIN usage_peer_groups p ON p.id = d.peer_group
          WHERE d.meter_id = ?1 ORDER BY d.day`,
      )
      .bind(meter.id)
      .all<SourceRow>();
    const patches: DayPatch[] = rows.map((r) => ({
      meterId: meter.id,
      day: r.day,
      vals: JSON.parse(r.vals) as (number | null)[],
      quality: r.quality,
      kind: r.kind,
      serviceArea: r.serviceArea,
      household: r.household === null || r.household === 'any' ? null : r.household,
      baseFactor: factor,
    }));
    for (let i = 0; i < patches.length; i += DAYS_PER_BATCH) {
      const part = patches.slice(i, i + DAYS_PER_BATCH);
      await target.batch(dayWriteStatements(target, part));
    }
    await shards.primary.batch([
      shards.primary.prepare('INSERT OR IGNORE INTO usage_shards (binding) VALUES (?1)').bind(to),
      shards.primary.prepare('UPDATE usage_shard_map SET shard = ?2 WHERE meter_id = ?1 AND shard = ?3').bind(meter.id, to, from),
      // changes() is the map update's count (1, or 0 when a run before this one switched it already).
      shards.primary
        .prepare('UPDATE usage_shards SET meters = meters + CASE binding WHEN ?1 THEN changes() ELSE -changes() END, weight = weight + CASE binding WHEN ?1 THEN changes() ELSE -changes() END * ?3 WHERE binding IN (?1, ?2)')
        .bind(to, from, meterWeight(1440 / meter.intervalMinutes)),
    ]);
    for (let i = 0; i < patches.length; i += DAYS_PER_BATCH) {
      const keys = JSON.stringify(patches.slice(i, i + DAYS_PER_BATCH).map((p) => [p.meterId, p.day, p.baseFactor]));
      await source.batch([
        source.prepare(peerDeltaSql).bind(keys, -1),
        source.prepare(`DELETE FROM usage_days WHERE meter_id = ?1 AND day IN (SELECT value ->> '$[1]' FROM json_each(?2))`).bind(meter.id, keys),
      ]);
    }
    days += patches.length;
  }
  return { meters: meters.length, days };
}
