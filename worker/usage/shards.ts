/**
 * The routing module of usage: which usage shard (a D1 database of its own, db/usage-shard/schema.ts)
 * holds a meter's days, and where a meter goes when its first reads arrive. Everything that reads or
 * writes usage days — the usage API and exports, bills, alerts, Connect My Data, the access package,
 * the reports, ingest and the demo — asks here; nothing else names a shard.
 *
 * The shard map (usage_shard_map, in the primary database) places each meter; every binding named
 * USAGE_SHARD_<n> is a shard. A meter goes to the shard that accepts meters and holds the least
 * weight (meterWeight: a 15-minute meter's days take four times an hourly one's bytes), so shards
 * fill evenly by size; a full one is closed to new meters (usage_shards.accepts_meters = 0) and keeps
 * serving the ones it has. Splitting a shard moves meters' rows and then their map rows (README).
 */
import { HTTPException } from 'hono/http-exception';

export const SHARD_BINDING = /^USAGE_SHARD_\d+$/;

/** A meter's share of a shard: its intervals per day over 24 (hourly 1, 15-minute 4), at least 1. */
export const meterWeight = (intervalsPerDay: number) => Math.max(1, Math.round(intervalsPerDay / 24));

/** What the routing needs of the worker's bindings: the primary database and the shard bindings. */
export type ShardEnv = { DB: D1Database } & object;

export class UsageShards {
  /** Meter id → shard binding (or null: no reads yet), for this instance's lifetime (one request or job). */
  private readonly placed = new Map<string, string | null>();

  constructor(
    readonly primary: D1Database,
    private readonly shards: ReadonlyMap<string, D1Database>,
  ) {
    if (shards.size === 0) throw new Error('No usage shard is bound: wrangler.toml needs at least one USAGE_SHARD_<n> D1 binding.');
  }

  /** The shard bindings in order (USAGE_SHARD_1, USAGE_SHARD_2, …). */
  get names(): string[] {
    return [...this.shards.keys()];
  }

  /** Every shard's database, for what reads them all (comparisons, reports, the access package). */
  get all(): D1Database[] {
    return [...this.shards.values()];
  }

  database(name: string): D1Database {
    const db = this.shards.get(name);
    // A map row naming a shard this worker is not bound to is a deployment mistake, not a client's.
    if (!db) throw new HTTPException(500, { message: `The usage shard ${name} is in the shard map but not bound to this worker.` });
    return db;
  }

  /** The shard of each meter, null for a meter with no reads yet (one primary read for the ones not yet looked up). */
  async shardsOf(meterIds: readonly string[]): Promise<Map<string, string | null>> {
    const missing = [...new Set(meterIds)].filter((id) => !this.placed.has(id));
    if (missing.length) {
      const { results } = await this.primary
        .prepare('SELECT meter_id AS meterId, shard FROM usage_shard_map WHERE meter_id IN (SELECT value FROM json_each(?1))')
        .bind(JSON.stringify(missing))
        .all<{ meterId: string; shard: string }>();
      for (const id of missing) this.placed.set(id, null);
      for (const r of results) this.placed.set(r.meterId, r.shard);
    }
    return new Map(meterIds.map((id) => [id, this.placed.get(id) ?? null]));
  }

  /** The database holding a meter's days, or null when it has none. */
  async forMeter(meterId: string): Promise<D1Database | null> {
    const shard = (await this.shardsOf([meterId])).get(meterId);
    return shard ? this.database(shard) : null;
  }

  /** The given items grouped by the shard of their meter; items of meters with no reads are left out. */
  async group<T>(items: readonly T[], meterOf: (item: T) => string): Promise<{ db: D1Database; items: T[] }[]> {
    const shards = await this.shardsOf(items.map(meterOf));
    const out = new Map<string, T[]>();
    for (const item of items) {
      const shard = shards.get(meterOf(item));
      if (!shard) continue;
      const list = out.get(shard);
      if (list) list.push(item);
      else out.set(shard, [item]);
    }
    return [...out].map(([shard, list]) => ({ db: this.database(shard), items: list }));
  }

  /**
   * Gives every meter without a shard one: the accepting shard with the least weight (the sizes of
   * the meters it holds; `weightOf` a meter's, from meterWeight, 1 when not given). Safe to run twice
   * or concurrently: a meter keeps the first placement written, and the counters count only rows
   * that were inserted.
   */
  async place(meterIds: readonly string[], weightOf: (meterId: string) => number = () => 1): Promise<Map<string, string>> {
    const known = await this.shardsOf(meterIds);
    const unplaced = [...known].filter(([, shard]) => shard === null).map(([id]) => id).sort();
    if (unplaced.length) {
      const register = this.names.map((name) => this.primary.prepare('INSERT OR IGNORE INTO usage_shards (binding) VALUES (?1)').bind(name));
      const results = await this.primary.batch([
        ...register,
        this.primary.prepare('SELECT binding, weight FROM usage_shards WHERE accepts_meters = 1 AND binding IN (SELECT value FROM json_each(?1))').bind(JSON.stringify(this.names)),
      ]);
      const open = (results.at(-1)?.results ?? []) as { binding: string; weight: number }[];
      if (!open.length) throw new HTTPException(503, { message: 'Every usage shard is closed to new meters; nothing was written.' });
      // Heaviest first, each to the lightest shard at that moment: the shards end up near even.
      const byWeight = unplaced.map((id) => ({ id, weight: weightOf(id) })).sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : 1));
      const chosen = new Map<string, string[]>();
      for (const { id, weight } of byWeight) {
        const least = open.reduce((a, b) => (b.weight < a.weight ? b : a));
        least.weight += weight;
        const key = `${least.binding} ${weight}`;
        const list = chosen.get(key);
        if (list) list.push(id);
        else chosen.set(key, [id]);
      }
      // changes() is the row count of the INSERT just before it in the batch (one connection, in order).
      await this.primary.batch(
        [...chosen].flatMap(([key, ids]) => {
          const [shard, weight] = key.split(' ') as [string, string];
          return [
            this.primary.prepare('INSERT OR IGNORE INTO usage_shard_map (meter_id, shard) SELECT value, ?2 FROM json_each(?1)').bind(JSON.stringify(ids), shard),
            this.primary.prepare('UPDATE usage_shards SET meters = meters + changes(), weight = weight + changes() * ?2 WHERE binding = ?1').bind(shard, Number(weight)),
          ];
        }),
      );
      for (const id of unplaced) this.placed.delete(id);
    }
    const placed = await this.shardsOf(meterIds);
    return new Map([...placed].map(([id, shard]) => [id, shard!]));
  }
}

/** The usage shards of a worker's bindings (every D1 binding named USAGE_SHARD_<n>), routed by its primary DB. */
export function usageShards(env: ShardEnv): UsageShards {
  const bound = Object.entries(env as Record<string, unknown>)
    .filter(([name]) => SHARD_BINDING.test(name))
    .sort(([a], [b]) => Number(a.slice(12)) - Number(b.slice(12)));
  return new UsageShards(env.DB, new Map(bound as [string, D1Database][]));
}
