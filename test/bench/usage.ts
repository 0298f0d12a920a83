/**
 * Usage storage benchmark, in workerd with a local D1 of its own (a temp directory; never the
 * developer's database), every meter on one usage shard (USAGE_SHARD_1; test/bench/shards.ts
 * compares shard counts). Measures, for one demo meter's 13 months:
 *   - D1 rows read and median/p95 latency at hourly, daily and monthly resolution, for the
 *     portal's one-row-per-meter-per-day layout AND a one-row-per-interval layout created here
 *     (only in this temp DB) from the very same reads, side by side in one run;
 *   - ingest throughput (reads per second) for a 100-meter × 30-day hourly batch, both as
 *     per-interval reads and as whole days, through the real validation and write path;
 *   - database bytes per meter-year for both layouts.
 * Latency includes the Node → workerd hop of getPlatformProxy (about a millisecond).
 *   tsx test/bench/usage.ts
 */
import './first-tenant';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPlatformProxy } from 'wrangler';
import { drizzle } from 'drizzle-orm/d1';
import { demoAccounts } from '../../db/demo/customers';
import { DEMO_SEED } from '../../db/demo/dataset';
import { seededRandom } from '../../db/demo/random';
import { demoMeters, generateMeterDays, insertDayRowsSql, usageInsertParams, USAGE_FIRST_DAY, USAGE_LAST_DAY } from '../../db/demo/usage';
import { batchStatements, BatchProblems, checkBatch, parseRows, type RawBatch } from '../../worker/ingest/batch';
import { meterContext } from '../../worker/usage/meters';
import { usageSeries } from '../../worker/usage/series';
import { UsageShards } from '../../worker/usage/shards';
import { readDays, readDayTotals, similarGroup, writeDays } from '../../worker/usage/store';
import { holderOn, meterTenures } from '../../worker/usage/tenure';
import { addDays, addYears, dayStartUtc, daySlots, eachDay, slotStart } from '../../worker/usage/time';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import { runTool as run } from '../support/portal-server';

const ITERATIONS = 40;
const INTERVAL_LAYOUT_METERS = 12;


const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

async function timed(fn: () => Promise<number>) {
  const ms: number[] = [];
  let rowsRead = 0;
  await fn(); // warm-up
  for (let i = 0; i < ITERATIONS; i++) {
    const t = performance.now();
    rowsRead = await fn();
    ms.push(performance.now() - t);
  }
  return { rowsRead, medianMs: round(percentile(ms, 50)), p95Ms: round(percentile(ms, 95)) };
}

export async function bench(): Promise<Record<string, unknown>> {
  const persistTo = mkdtempSync(join(tmpdir(), 'usage-bench-'));
  try {
    run('npx', ['tsx', 'db/migrate.ts', '--local', '--persist-to', persistTo]);
    run('npx', ['tsx', 'db/demo/load.ts', '--persist-to', persistTo, '--skip-usage']);
    const proxy = await getPlatformProxy<{ DB: D1Database; USAGE_SHARD_1: D1Database }>({ configPath: 'wrangler.toml', persist: { path: join(persistTo, 'v3') }, remoteBindings: false });
    try {
      const primary = proxy.env.DB;
      const DB = proxy.env.USAGE_SHARD_1;
      const shards = new UsageShards(primary, new Map([['USAGE_SHARD_1', DB]]));
      const meters = demoMeters(demoAccounts(seededRandom(DEMO_SEED)));
      await shards.place(meters.map((m) => m.id));
      const size = async () => (await DB.prepare('SELECT 1').run()).meta.size_after;

      // --- day layout: every demo meter, two years.
      await DB.prepare(`INSERT OR IGNORE INTO usage_peer_groups (kind, service_area, household) SELECT value ->> '$[0]', value ->> '$[1]', 'any' FROM json_each(?1)`)
        .bind(JSON.stringify([...new Set(meters.map((m) => `${m.kind}|${m.serviceArea}`))].map((k) => k.split('|'))))
        .run();
      const groups = new Map((await DB.prepare("SELECT id, kind, service_area AS a FROM usage_peer_groups WHERE household = 'any'").all<{ id: number; kind: string; a: string }>()).results.map((g) => [`${g.kind}|${g.a}`, g.id]));
      // Water first, then electricity, so each kind's bytes can be told apart.
      const water = meters.filter((m) => m.kind === 'water');
      const electric = meters.filter((m) => m.kind === 'electric');
      let loadMs = performance.now();
      let dayRows = 0;
      const loadKind = async (list: typeof meters) => {
        const start = await size();
        for (const chunk of usageInsertParams(list, (k, a) => groups.get(`${k}|${a}`)!, DEMO_SEED)) {
          await DB.prepare(insertDayRowsSql).bind(chunk.param).run();
          dayRows += chunk.rows;
        }
        return (await size()) - start;
      };
      const waterDayBytes = await loadKind(water);
      const electricDayBytes = await loadKind(electric);
      loadMs = performance.now() - loadMs;
      await DB.batch([DB.prepare('DELETE FROM usage_peer_days'), DB.prepare(`INSERT INTO usage_peer_days (group_id, day, homes, total) SELECT area_group, day, count(*), sum(total) FROM usage_days WHERE missing = 0 GROUP BY area_group, day`)]);
      const years = eachDay(USAGE_FIRST_DAY, USAGE_LAST_DAY).length / 365.25;

      // --- interval layout (this temp DB only): the same reads, one row per interval.
      await DB.exec('CREATE TABLE usage_intervals (meter_id TEXT NOT NULL, start INTEGER NOT NULL, value REAL, quality TEXT NOT NULL, PRIMARY KEY (meter_id, start))');
      const sample = [...water.slice(0, INTERVAL_LAYOUT_METERS - 2), ...electric.slice(0, 2)];
      const sampleDays = eachDay(USAGE_FIRST_DAY, USAGE_LAST_DAY);
      let intervalRows = 0;
      const loadIntervals = async (list: typeof meters) => {
        const start = await size();
        for (const m of list) {
          const rows: [string, number, number | null, string][] = [];
          for (const d of generateMeterDays(m, sampleDays, DEMO_SEED)) {
            const slots = daySlots(d.day, utility.timeZone, m.intervalMinutes);
            d.vals.forEach((v, i) => rows.push([m.id, slotStart(slots, i) / 1000, v, d.quality[i]!]));
          }
          for (let i = 0; i < rows.length; i += 20_000) {
            await DB.prepare(`INSERT INTO usage_intervals (meter_id, start, value, quality) SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]' FROM json_each(?1)`).bind(JSON.stringify(rows.slice(i, i + 20_000))).run();
          }
          intervalRows += rows.length;
        }
        return (await size()) - start;
      };
      const waterIntervalBytes = await loadIntervals(sample.filter((m) => m.kind === 'water'));
      const electricIntervalBytes = await loadIntervals(sample.filter((m) => m.kind === 'electric'));
      const sampleWater = sample.filter((m) => m.kind === 'water').length;

      // --- queries: one hourly water meter's 13 months, and a 15-minute electric meter's.
      const to = USAGE_LAST_DAY;
      const from = addDays(addYears(to, -1), -30);
      const queries: Record<string, unknown> = { range: { from, to, days: eachDay(from, to).length } };
      for (const m of [sample[0]!, sample[sample.length - 1]!]) {
        const startS = dayStartUtc(from, utility.timeZone) / 1000;
        const endS = dayStartUtc(addDays(to, 1), utility.timeZone) / 1000;
        // As its holder sees it: bounded by the holder's tenure, as every read the API makes is.
        const holder = (await holderOn(primary, m.id, to))!;
        const tenure = await meterTenures(primary, m.id, [holder]);
        const ctx = (await meterContext(drizzle(primary), m.id, holder))!;
        const group = similarGroup(ctx.kind, ctx.serviceArea, ctx.household);
        const interval = (sql: string, ...binds: unknown[]) => async () => (await DB.prepare(sql).bind(...binds).all()).meta.rows_read ?? 0;
        queries[`${m.id} (${m.intervalMinutes}-minute)`] = {
          dayRows: {
            hourly: await timed(async () => (await readDays(shards, m.id, from, to, tenure)).rowsRead),
            daily: await timed(async () => (await readDayTotals(shards, m.id, from, to, tenure)).rowsRead),
            monthly: await timed(async () => (await DB.prepare('SELECT substr(day, 1, 7) AS month, sum(total) AS total, sum(missing) AS missing FROM usage_days WHERE meter_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY month').bind(m.id, from, to).all()).meta.rows_read ?? 0),
          },
          intervalRows: {
            hourly: await timed(interval(`SELECT start / 3600 AS hour, sum(value) AS total, sum(quality <> 'A') AS flagged FROM usage_intervals WHERE meter_id = ?1 AND start >= ?2 AND start < ?3 GROUP BY hour`, m.id, startS, endS)),
            daily: await timed(interval(`SELECT date(start, 'unixepoch', '-8 hours') AS day, sum(value) AS total FROM usage_intervals WHERE meter_id = ?1 AND start >= ?2 AND start < ?3 GROUP BY day`, m.id, startS, endS)),
            monthly: await timed(interval(`SELECT strftime('%Y-%m', start, 'unixepoch', '-8 hours') AS month, sum(value) AS total FROM usage_intervals WHERE meter_id = ?1 AND start >= ?2 AND start < ?3 GROUP BY month`, m.id, startS, endS)),
          },
          fullApiSeries: {
            note: 'usageSeries as the API runs it: the range plus last year, and similar homes where shown',
            hourly: await timed(async () => (await usageSeries(shards, ctx, { from, to, resolution: 'hour', unit: ctx.unit }, group, tenure)).rowsRead),
            daily: await timed(async () => (await usageSeries(shards, ctx, { from, to, resolution: 'day', unit: ctx.unit }, group, tenure)).rowsRead),
            monthly: await timed(async () => (await usageSeries(shards, ctx, { from, to, resolution: 'month', unit: ctx.unit }, group, tenure)).rowsRead),
          },
        };
      }

      // --- ingest: 100 meters × 30 days of hourly reads, through parse, check, the shard's batch and the primary's.
      const ingestDays = eachDay(addDays(USAGE_FIRST_DAY, -30), addDays(USAGE_FIRST_DAY, -1));
      const ingest = async (kind: 'reads' | 'days', meterSlice: typeof meters) => {
        const raw: RawBatch = { batchId: `bench-${kind}` };
        let reads = 0;
        if (kind === 'reads') {
          raw.reads = meterSlice.flatMap((m) =>
            generateMeterDays(m, ingestDays, DEMO_SEED).flatMap((d) => {
              const slots = daySlots(d.day, utility.timeZone, m.intervalMinutes);
              return d.vals.map((v, i) => ({ meterId: m.id, start: new Date(slotStart(slots, i)).toISOString(), value: v, quality: v === null ? 'missing' : d.quality[i] === 'E' ? 'estimated' : 'actual' }));
            }),
          );
          reads = raw.reads.length;
        } else {
          raw.days = meterSlice.flatMap((m) => generateMeterDays(m, ingestDays, DEMO_SEED).map((d) => ({ meterId: m.id, day: d.day, values: d.vals, quality: d.quality.replaceAll('-', 'M') })));
          reads = (raw.days as { values: unknown[] }[]).reduce((s, d) => s + d.values.length, 0);
        }
        const bodyBytes = JSON.stringify(raw).length;
        const t = performance.now();
        const problems = new BatchProblems();
        const batch = parseRows(JSON.parse(JSON.stringify(raw)) as RawBatch, problems);
        const checked = await checkBatch(primary, shards, utility.id, utility.timeZone, batch, problems);
        if (!problems.empty) throw new Error(`bench batch refused: ${JSON.stringify(problems.list.slice(0, 3))}`);
        const statements = batchStatements(primary, 'bench-client', utility.id, 'bench', batch, checked);
        await writeDays(shards, checked.patches);
        await primary.batch(statements);
        const ms = performance.now() - t;
        return { reads, meterDays: checked.patches.length, statements: statements.length, bodyBytes, ms: Math.round(ms), readsPerSecond: Math.round(reads / (ms / 1000)) };
      };
      await primary.prepare("INSERT INTO ingest_clients (id, utility_id, name, public_jwk) VALUES ('bench-client', ?1, 'bench', '{}')").bind(utility.id).run();
      const ingestReads = await ingest('reads', water.slice(0, 100));
      const ingestWholeDays = await ingest('days', water.slice(100, 200));

      const result = {
        demoLoad: { dayRows, ms: Math.round(loadMs) },
        bytesPerMeterYear: {
          note: 'growth of the D1 database file (result meta size_after) per meter per year, indexes included',
          dayLayout: {
            hourlyWater: Math.round(waterDayBytes / (water.length * years)),
            fifteenMinuteElectric: Math.round(electricDayBytes / (electric.length * years)),
            rows: dayRows,
          },
          intervalLayout: {
            hourlyWater: Math.round(waterIntervalBytes / (sampleWater * years)),
            fifteenMinuteElectric: Math.round(electricIntervalBytes / ((sample.length - sampleWater) * years)),
            rows: intervalRows,
          },
        },
        queries,
        ingest: { perIntervalReads: ingestReads, wholeDays: ingestWholeDays },
      };
      console.log(JSON.stringify({ usage: result }, null, 2));
      return result;
    } finally {
      await proxy.dispose();
    }
  } finally {
    rmSync(persistTo, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
