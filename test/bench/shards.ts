/**
 * Usage shard benchmark: the same usage days held by one, two and four usage shards, side by side
 * in ONE run, in workerd with local D1 databases of its own (a temp directory, deleted after).
 *
 * Setup: a wrangler config generated into the temp directory copies the real wrangler.toml's
 * top-level settings and lists a store per shard count — a primary P<n> (db/migrations; the shard
 * map) and shards S<n>_<i> (db/usage-shard/migrations) — migrated with `wrangler d1 migrations
 * apply`. P1 has the real DB's database_id, so db/demo/load.ts (--skip-usage) loads the demo into
 * it; P2 and P4 get its utility, accounts, service points and meters copied over with SQL. Each
 * store is `new UsageShards(P<n>, USAGE_SHARD_1… → S<n>_1…)`.
 *
 * Load: BENCH_SHARD_METERS meters (the demo's 375, then clones of demo accounts with new ids and
 * households: hourly water each, 15-minute electricity for one in four) × 2 years, placed by each
 * store's shard map (UsageShards.place) and written to every store, water first, then electricity.
 * Measures:
 *   1. bytes: meters, rows and bytes (result meta size_after growth) per shard, the shard map's
 *      bytes in the primary, and bytes per meter-year of hourly water and 15-minute electricity;
 *   2. one water meter's 13-month hourly query (readDays, as the usage API runs it): rows read,
 *      median and p95 ms for each store, with a fresh UsageShards per query (the shard-map lookup
 *      in the primary included, its rows counted) and with the lookup cached; the one-shard store
 *      with the lookup cached is the single-database baseline. The variants take turns, query by query;
 *   3. ingest: the same 200-meter × 30-day hourly batch (`days` rows) through parseRows →
 *      checkBatch → writeDays → the primary's batch(batchStatements), the route's order (its
 *      authentication, idempotence check and queue hand-offs left out), into each store, each
 *      repetition a new 30-day window; median of the repetitions.
 * Ingest uses demo meters (the clones have no rows in the primaries' meters table, and need none
 * for the shard store). Latency includes the Node → workerd hop of getPlatformProxy: the query
 * figures carry a reference variant, one `SELECT 1` round trip. workerd runs every local D1 on one
 * thread, so shards written "in parallel" here take turns; on Cloudflare each shard is a database
 * of its own.
 *   tsx test/bench/shards.ts            BENCH_SHARD_METERS=1000 tsx test/bench/shards.ts
 */
import './first-tenant';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPlatformProxy } from 'wrangler';
import { demoAccounts } from '../../db/demo/customers';
import { DEMO_SEED } from '../../db/demo/dataset';
import { seededRandom } from '../../db/demo/random';
import { demoMeters, generateMeterDays, insertDayRowsSql, usageInsertParams, USAGE_FIRST_DAY, USAGE_LAST_DAY, type DemoMeter } from '../../db/demo/usage';
import { batchStatements, BatchProblems, checkBatch, parseRows, type RawBatch } from '../../worker/ingest/batch';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import { UsageShards } from '../../worker/usage/shards';
import { ensurePeerGroupsSql, readDays, rebuildPeerDaysStatements, writeDays } from '../../worker/usage/store';
import { addDays, addYears, eachDay } from '../../worker/usage/time';
import { baseFactor } from '../../worker/usage/units';
import { runTool as run } from '../support/portal-server';
import { stats } from './support';

/** Meters loaded into every store (demo meters first, then clones); BENCH_SHARD_METERS overrides. */
const METERS = Number(process.env.BENCH_SHARD_METERS ?? 3000);
if (!Number.isInteger(METERS) || METERS < 1) throw new Error('BENCH_SHARD_METERS must be a whole number of meters');
const SHARD_COUNTS = [1, 2, 4] as const;
const QUERY_ITERATIONS = 40;
const INGEST_METERS = 200;
const INGEST_DAYS = 30;
const INGEST_REPEATS = 5;
/** Bytes of one bound JSON parameter of a load statement (D1 takes up to 2 MB). */
const STATEMENT_BYTES = 1_800_000;
/** Meters generated at a time while the previous ones are written. */
const LOAD_BLOCK = 50;

/** A primary with its shard map and its shards (by the names the map gives them); `placed` is the map, `mapBytes` its size. */
type Store = { shardCount: number; primary: D1Database; databases: Map<string, D1Database>; placed: Map<string, string>; mapBytes: number };
type Read = { rowsRead: number; mapRowsRead: number; days: number };

const primaryBinding = (n: number) => `P${n}`;
const shardBinding = (n: number, i: number) => `S${n}_${i}`;
const storeName = (n: number) => `${n} shard${n === 1 ? '' : 's'}`;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const size = async (db: D1Database) => (await db.prepare('SELECT 1').run()).meta.size_after;
/** The list turned by `by` places, so that no variant always runs first. */
const rotate = <T>(list: readonly T[], by: number) => list.map((_, i) => list[(i + by) % list.length]!);

// ---------------------------------------------------------------- setup

/**
 * A wrangler config with the real one's top-level settings (compatibility date and flags) and only
 * the bench's D1 databases. P1 takes the real DB's id, so the demo loader writes into it.
 */
function benchConfig(realToml: string): string {
  const head = realToml.split(/^\[/m)[0]!.replace(/^main = "(.*)"$/m, (_, main: string) => `main = ${JSON.stringify(resolve(main))}`);
  const realDbId = /^binding = "DB"\s*\n(?:.*\n)*?database_id = "([^"]+)"/m.exec(realToml)?.[1];
  if (!realDbId) throw new Error('wrangler.toml has no database_id for binding DB');
  const d1 = (binding: string, id: string, migrations: string) =>
    `[[d1_databases]]\nbinding = "${binding}"\ndatabase_name = "bench-${binding.toLowerCase()}"\ndatabase_id = "${id}"\nmigrations_dir = ${JSON.stringify(resolve(migrations))}\n`;
  const id = (k: number) => `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`;
  return [
    head.trimEnd() + '\n',
    ...SHARD_COUNTS.flatMap((n) => [
      d1(primaryBinding(n), n === 1 ? realDbId : id(900 + n), 'db/migrations'),
      ...range(n).map((i) => d1(shardBinding(n, i), id(100 * n + i), 'db/usage-shard/migrations')),
    ]),
  ].join('\n');
}

/**
 * Migrates every database of the config and loads the demo into P1, one wrangler run at a time:
 * concurrent runs on one persist directory fail on miniflare's metadata database (SQLITE_BUSY).
 */
function prepare(dir: string, config: string) {
  const migrate = (binding: string) => run('npx', ['wrangler', 'd1', 'migrations', 'apply', binding, '--local', '--persist-to', dir, '--config', config]);
  for (const n of SHARD_COUNTS) {
    migrate(primaryBinding(n));
    for (const i of range(n)) migrate(shardBinding(n, i));
  }
  run('npx', ['tsx', 'db/demo/load.ts', '--persist-to', dir, '--skip-usage']);
}

/** Copies the rows checkBatch needs (utility, accounts, households, service points, meters) from one primary to another. */
async function copyBaseData(from: D1Database, to: D1Database) {
  for (const table of ['utilities', 'accounts', 'household_profiles', 'service_points', 'meters']) {
    const { results } = await from.prepare(`SELECT * FROM ${table}`).all<Record<string, unknown>>();
    if (!results.length) continue;
    const columns = Object.keys(results[0]!);
    const insert = `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.map((c) => `value ->> '$.${c}'`).join(', ')} FROM json_each(?1)`;
    for (let i = 0; i < results.length; i += 1000) await to.prepare(insert).bind(JSON.stringify(results.slice(i, i + 1000))).run();
  }
}

/** The demo meters, then clones: account n > 300 copies account ((n - 1) % 300) + 1 with ids and habits of its own. */
function benchMeters(count: number): DemoMeter[] {
  const demo = demoMeters(demoAccounts(seededRandom(DEMO_SEED)));
  const base = new Map<number, DemoMeter[]>();
  for (const m of demo) base.set(m.accountIndex, [...(base.get(m.accountIndex) ?? []), m]);
  const out = demo.slice(0, count);
  for (let n = base.size + 1; out.length < count; n++) {
    for (const m of base.get(((n - 1) % base.size) + 1)!) {
      if (out.length === count) break;
      const { newHousehold: _moved, ...rest } = m;
      out.push({ ...rest, id: `mtr-${m.kind === 'water' ? 'w' : 'e'}-${String(n).padStart(4, '0')}`, accountIndex: n });
    }
  }
  return out;
}

// ---------------------------------------------------------------- 1. load and bytes

/**
 * Writes day rows to each shard in statements of one bound JSON array each. Every shard gets the
 * comparison groups in the same order first, so a group has the same id on every shard and one
 * generated row fits them all.
 */
class Loader {
  private readonly pending = new Map<D1Database, { rows: string[]; bytes: number }>();
  readonly rows = new Map<D1Database, number>();

  constructor(private readonly stores: Store[]) {}

  async groups(meters: DemoMeter[]) {
    const groups = [...new Set(meters.map((m) => `${m.kind}\u0000${m.serviceArea}`))].sort().map((k) => [...k.split('\u0000'), 'any']);
    let ids: string | undefined;
    for (const db of this.stores.flatMap((s) => [...s.databases.values()])) {
      await db.prepare(ensurePeerGroupsSql).bind(JSON.stringify(groups)).run();
      const { results } = await db.prepare("SELECT id, kind, service_area AS area FROM usage_peer_groups WHERE household = 'any' ORDER BY id").all<{ id: number; kind: string; area: string }>();
      if (ids !== undefined && ids !== JSON.stringify(results)) throw new Error('comparison group ids differ between shards');
      ids = JSON.stringify(results);
    }
    const byKey = new Map(JSON.parse(ids!).map((g: { id: number; kind: string; area: string }) => [`${g.kind}\u0000${g.area}`, g.id]));
    return (kind: string, area: string) => byKey.get(`${kind}\u0000${area}`) as number;
  }

  /** Queues one meter's rows (usageInsertParams' JSON, brackets off) for its shard in every store. */
  add(meterId: string, rows: string, count: number) {
    for (const store of this.stores) {
      const db = store.databases.get(store.placed.get(meterId)!)!;
      const p = this.pending.get(db) ?? { rows: [], bytes: 0 };
      p.rows.push(rows);
      p.bytes += rows.length + 1;
      this.pending.set(db, p);
      this.rows.set(db, (this.rows.get(db) ?? 0) + count);
    }
  }

  /** Writes what is queued: full statements only, or everything (`all`). */
  async flush(all: boolean) {
    for (const [db, p] of this.pending) {
      while (p.rows.length && (all || p.bytes >= STATEMENT_BYTES)) {
        let take = 0;
        let bytes = 2;
        while (take < p.rows.length && (take === 0 || bytes + p.rows[take]!.length + 1 <= STATEMENT_BYTES)) bytes += p.rows[take++]!.length + 1;
        await db.prepare(insertDayRowsSql).bind(`[${p.rows.splice(0, take).join(',')}]`).run();
        p.bytes -= bytes - 2;
      }
    }
  }
}

async function loadStores(stores: Store[], meters: DemoMeter[]) {
  const started = performance.now();
  const loader = new Loader(stores);
  const groupId = await loader.groups(meters);
  const shardsOf = (s: Store) => [...s.databases.values()];
  const sizes = async () => new Map(await Promise.all(stores.flatMap(shardsOf).map(async (db) => [db, await size(db)] as const)));
  const empty = await sizes();
  const grown: Record<'water' | 'electric' | 'aggregates', Map<D1Database, number>> = { water: new Map(), electric: new Map(), aggregates: new Map() };
  const growth = async (into: Map<D1Database, number>, since: Map<D1Database, number>) => {
    const now = await sizes();
    for (const [db, bytes] of now) into.set(db, bytes - since.get(db)!);
    return now;
  };
  let before = empty;
  for (const kind of ['water', 'electric'] as const) {
    const list = meters.filter((m) => m.kind === kind);
    // Generate the next block while D1 writes the previous one.
    let writing: Promise<void> = Promise.resolve();
    for (let i = 0; i < list.length; i += LOAD_BLOCK) {
      const block = list.slice(i, i + LOAD_BLOCK).map((m) => ({ m, chunks: [...usageInsertParams([m], groupId, DEMO_SEED)] }));
      await writing;
      for (const { m, chunks } of block) for (const c of chunks) loader.add(m.id, c.param.slice(1, -1), c.rows);
      writing = loader.flush(false);
    }
    await writing;
    await loader.flush(true);
    before = await growth(grown[kind], before);
  }
  const loadMs = performance.now() - started;
  // Each shard's comparison aggregates, as the demo loader and a periodic check rebuild them.
  const factors = new Map(meters.map((m) => [m.id, baseFactor(m.kind, m.unit)] as const));
  for (const store of stores) {
    for (const [name, db] of store.databases) {
      const own = meters.filter((m) => store.placed.get(m.id) === name);
      await db.batch(rebuildPeerDaysStatements(db, own.map((m) => [m.id, factors.get(m.id)!])));
    }
  }
  await growth(grown.aggregates, before);
  const final = await sizes();
  return { loadMs, rebuildMs: performance.now() - started - loadMs, rows: loader.rows, grown, bytes: new Map([...final].map(([db, b]) => [db, b - empty.get(db)!])) };
}

// ---------------------------------------------------------------- 2. queries

/**
 * The primary as the read path uses it (prepare → bind → all), adding up the rows read: enough for
 * UsageShards.shardsOf.
 */
function countingReads(db: D1Database) {
  const counter = { rowsRead: 0 };
  const count = <R extends D1Result>(r: R) => ((counter.rowsRead += r.meta.rows_read ?? 0), r);
  const statement = (st: D1PreparedStatement): D1PreparedStatement =>
    ({
      bind: (...values: unknown[]) => statement(st.bind(...values)),
      all: async () => count(await st.all()),
    }) as unknown as D1PreparedStatement;
  return { db: { prepare: (sql: string) => statement(db.prepare(sql)) } as unknown as D1Database, counter };
}

/** Runs every variant once to warm up, then `iterations` rounds of all of them, taking turns. */
async function sideBySide(variants: Record<string, () => Promise<Read>>, iterations: number) {
  const names = Object.keys(variants);
  const ms = new Map(names.map((n) => [n, [] as number[]]));
  const last = new Map<string, Read>();
  for (const n of names) await variants[n]!();
  for (let i = 0; i < iterations; i++) {
    for (const n of rotate(names, i)) {
      const t = performance.now();
      last.set(n, await variants[n]!());
      ms.get(n)!.push(performance.now() - t);
    }
  }
  return Object.fromEntries(
    names.map((n) => {
      const { n: _samples, ...s } = stats(ms.get(n)!);
      return [n, { ...last.get(n)!, ...s }];
    }),
  );
}

async function queries(stores: Store[], meterId: string) {
  const to = USAGE_LAST_DAY;
  const from = addDays(addYears(to, -1), -30);
  // Every reader passes the days the caller may see; here, all of them.
  const tenure = [{ from: null, to: null }];
  const variants: Record<string, () => Promise<Read>> = {
    // What one more query costs here, whatever it reads: the map lookup is one more of these.
    'reference: one round trip (SELECT 1 on a primary)': async () => {
      await stores[0]!.primary.prepare('SELECT 1').all();
      return { rowsRead: 0, mapRowsRead: 0, days: 0 };
    },
  };
  for (const store of stores) {
    variants[`${storeName(store.shardCount)}, map lookup each query`] = async () => {
      const counted = countingReads(store.primary);
      const r = await readDays(new UsageShards(counted.db, store.databases), meterId, from, to, tenure);
      return { rowsRead: r.rowsRead + counted.counter.rowsRead, mapRowsRead: counted.counter.rowsRead, days: r.days.length };
    };
    const cached = new UsageShards(store.primary, store.databases);
    variants[`${storeName(store.shardCount)}, lookup cached`] = async () => {
      const r = await readDays(cached, meterId, from, to, tenure);
      return { rowsRead: r.rowsRead, mapRowsRead: 0, days: r.days.length };
    };
  }
  return { meterId, from, to, days: eachDay(from, to).length, iterations: QUERY_ITERATIONS, variants: await sideBySide(variants, QUERY_ITERATIONS) };
}

// ---------------------------------------------------------------- 3. ingest

/** The ingest body: `meters` × the 30 days ending `INGEST_DAYS * repeat` days before the loaded ones, as `days` rows. */
function ingestBody(meters: DemoMeter[], repeat: number) {
  const last = addDays(USAGE_FIRST_DAY, -1 - INGEST_DAYS * repeat);
  const days = eachDay(addDays(last, 1 - INGEST_DAYS), last);
  const rows = meters.flatMap((m) => generateMeterDays(m, days, DEMO_SEED).map((d) => ({ meterId: m.id, day: d.day, values: d.vals, quality: d.quality.replaceAll('-', 'M') })));
  return { body: JSON.stringify({ batchId: `bench-shards-${repeat}`, days: rows }), reads: sum(rows.map((r) => r.values.length)), meterDays: rows.length };
}

/** One batch through the ingest route's steps, in its order; ms of each step. */
async function ingestOnce(store: Store, body: string) {
  const t0 = performance.now();
  const problems = new BatchProblems();
  const batch = parseRows(JSON.parse(body) as RawBatch, problems);
  const shards = new UsageShards(store.primary, store.databases);
  const checked = await checkBatch(store.primary, shards, utility.id, utility.timeZone, batch, problems);
  if (!problems.empty) throw new Error(`bench batch refused: ${JSON.stringify(problems.list.slice(0, 3))}`);
  const t1 = performance.now();
  await writeDays(shards, checked.patches);
  const t2 = performance.now();
  await store.primary.batch(batchStatements(store.primary, 'bench-client', utility.id, 'bench', batch, checked));
  const t3 = performance.now();
  return { ms: t3 - t0, checkMs: t1 - t0, shardsMs: t2 - t1, primaryMs: t3 - t2 };
}

async function ingest(stores: Store[], meters: DemoMeter[]) {
  const runs = new Map(stores.map((s) => [s, [] as Awaited<ReturnType<typeof ingestOnce>>[]]));
  let reads = 0;
  let meterDays = 0;
  for (let r = 0; r < INGEST_REPEATS; r++) {
    const batch = ingestBody(meters, r);
    ({ reads, meterDays } = batch);
    for (const store of rotate(stores, r)) runs.get(store)!.push(await ingestOnce(store, batch.body));
  }
  const result: Record<string, unknown> = { batch: { meters: meters.length, days: INGEST_DAYS, reads, meterDays, repeats: INGEST_REPEATS, note: 'each repeat a new 30-day window; medians' } };
  for (const [store, list] of runs) {
    const ms = median(list.map((x) => x.ms));
    result[storeName(store.shardCount)] = {
      ms: Math.round(ms),
      readsPerSecond: Math.round(reads / (ms / 1000)),
      meterDaysPerSecond: Math.round(meterDays / (ms / 1000)),
      steps: { checkMs: Math.round(median(list.map((x) => x.checkMs))), shardWritesMs: Math.round(median(list.map((x) => x.shardsMs))), primaryBatchMs: Math.round(median(list.map((x) => x.primaryMs))) },
      allMs: list.map((x) => Math.round(x.ms)),
    };
  }
  return result;
}

// ---------------------------------------------------------------- the bench

export async function bench(): Promise<Record<string, unknown>> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'shards-bench-'));
  try {
    const config = join(dir, 'wrangler.toml');
    writeFileSync(config, benchConfig(readFileSync('wrangler.toml', 'utf8')));
    prepare(dir, config);
    const setupMs = performance.now() - started;
    const proxy = await getPlatformProxy<Record<string, D1Database>>({ configPath: config, persist: { path: join(dir, 'v3') }, remoteBindings: false });
    try {
      const env = proxy.env;
      const meters = benchMeters(METERS);
      const stores: Store[] = [];
      for (const n of SHARD_COUNTS) {
        const primary = env[primaryBinding(n)]!;
        if (n !== 1) await copyBaseData(env[primaryBinding(1)]!, primary);
        await primary.prepare("INSERT INTO ingest_clients (id, utility_id, name, public_jwk) VALUES ('bench-client', ?1, 'bench', '{}')").bind(utility.id).run();
        const databases = new Map(range(n).map((i) => [`USAGE_SHARD_${i}`, env[shardBinding(n, i)]!]));
        const mapBefore = await size(primary);
        const placed = await new UsageShards(primary, databases).place(meters.map((m) => m.id));
        stores.push({ shardCount: n, primary, databases, placed, mapBytes: (await size(primary)) - mapBefore });
      }

      // 1. bytes
      const load = await loadStores(stores, meters);
      const water = meters.filter((m) => m.kind === 'water').length;
      const electric = meters.length - water;
      const years = eachDay(USAGE_FIRST_DAY, USAGE_LAST_DAY).length / 365.25;
      const bytes: Record<string, unknown> = {
        load: { meters: meters.length, hourlyWater: water, fifteenMinuteElectric: electric, days: eachDay(USAGE_FIRST_DAY, USAGE_LAST_DAY).length, rowsPerStore: sum([...stores[0]!.databases.values()].map((db) => load.rows.get(db) ?? 0)), stores: stores.length, loadMs: Math.round(load.loadMs), aggregatesRebuildMs: Math.round(load.rebuildMs) },
        note: 'growth of each D1 database (result meta size_after) from its migrated empty state; aggregates = usage_peer_days rebuilt after the load',
      };
      for (const store of stores) {
        const dbs = [...store.databases.values()];
        const kindBytes = (kind: 'water' | 'electric') => sum(dbs.map((db) => load.grown[kind].get(db)!));
        bytes[storeName(store.shardCount)] = {
          shards: [...store.databases].map(([name, db]) => ({
            shard: name,
            meters: [...store.placed.values()].filter((s) => s === name).length,
            rows: load.rows.get(db) ?? 0,
            bytes: load.bytes.get(db)!,
            aggregatesBytes: load.grown.aggregates.get(db)!,
          })),
          totalBytes: sum(dbs.map((db) => load.bytes.get(db)!)),
          shardMapBytesInPrimary: store.mapBytes,
          bytesPerMeterYear: { hourlyWater: Math.round(kindBytes('water') / (water * years)), fifteenMinuteElectric: electric ? Math.round(kindBytes('electric') / (electric * years)) : null },
        };
      }

      // 2. one meter's 13 months, hourly
      const query = await queries(stores, meters.find((m) => m.kind === 'water')!.id);

      // 3. ingest
      const ingestMeters = meters.filter((m) => m.kind === 'water' && !m.newHousehold).slice(0, INGEST_METERS);
      const throughput = await ingest(stores, ingestMeters);

      const result = { setupMs: Math.round(setupMs), bytes, query, ingest: throughput, totalMs: Math.round(performance.now() - started) };
      console.log(JSON.stringify({ shards: result }, null, 2));
      return result;
    } finally {
      await proxy.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
