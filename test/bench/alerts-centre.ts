/**
 * Alert centre benchmark (`npm run bench`, or `tsx test/bench/alerts-centre.ts`), in workerd with
 * a local D1 of its own (a temp directory) holding the demo set and two years of alerts laid over
 * it: ALERTS alerts on the demo meters, a third of them answered. Measures, median and p95 over
 * ITERATIONS runs, with D1's rows read:
 *   - the staff counts of one month (the query and the de-identification together);
 *   - the demo customer's alert list, and one alert page's data (chart reads, answers, actions);
 * Latency includes the Node → workerd hop of getPlatformProxy on every D1 call (reported as
 * d1RoundTripMedianMs); the alert page makes about eight calls in a row, the counts one.
 */
import './first-tenant';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/d1';
import { getPlatformProxy } from 'wrangler';
import { usageShards } from '../../worker/usage/shards';
import { alertTypes } from '../../db/schema';
import { DEMO_CUSTOMER } from '../../db/demo/logins';
import { seededRandom } from '../../db/demo/random';
import { USAGE_LAST_DAY } from '../../db/demo/usage';
import { alertDetail, alertForViewer, alertsFor } from '../../worker/alerts/centre/store';
import { countableMonths, monthRows, typeCounts } from '../../worker/alerts/staff/counts';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import { addDays } from '../../worker/usage/time';
import { runTool as run } from '../support/portal-server';

const ALERTS = 20_000;
const ITERATIONS = 30;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

async function timed(fn: () => Promise<number | void>) {
  const ms: number[] = [];
  let rowsRead = 0;
  await fn();
  for (let i = 0; i < ITERATIONS; i++) {
    const t = performance.now();
    rowsRead = (await fn()) ?? 0;
    ms.push(performance.now() - t);
  }
  return { medianMs: round(percentile(ms, 50)), p95Ms: round(percentile(ms, 95)), rowsRead };
}

export async function bench(): Promise<Record<string, unknown>> {
  const persistTo = mkdtempSync(join(tmpdir(), 'alerts-centre-bench-'));
  try {
    run('npx', ['tsx', 'db/migrate.ts', '--local', '--persist-to', persistTo]);
    run('npx', ['tsx', 'db/demo/load.ts', '--persist-to', persistTo]);
    const proxy = await getPlatformProxy<{ DB: D1Database; USAGE_SHARD_1: D1Database; USAGE_SHARD_2: D1Database }>({ configPath: 'wrangler.toml', persist: { path: join(persistTo, 'v3') }, remoteBindings: false });
    try {
      const DB = proxy.env.DB;
      // Each meter with the account holding it now; alerts are laid over the last two years of the demo's reads.
      const { results: meters } = await DB.prepare('SELECT m.id, m.kind, t.account_id AS accountId FROM meters m JOIN service_point_tenures t ON t.service_point_id = m.service_point_id AND t.end_day IS NULL').all<{ id: string; kind: string; accountId: string }>();
      const r = seededRandom(20_261_127);
      const rows = Array.from({ length: ALERTS }, (_, i) => {
        const m = meters[r.int(0, meters.length - 1)]!;
        const types = m.kind === 'water' ? alertTypes : alertTypes.filter((t) => t === 'high_use_day' || t === 'high_use_period' || t === 'bill_forecast');
        const first = addDays(USAGE_LAST_DAY, -r.int(1, 730));
        return [`bench-alert-${i}`, m.accountId, m.id, r.pick(types), first, addDays(first, r.int(0, 6)), r.chance(0.33) ? r.pick(['fixed', 'not_a_leak', 'expected_use', 'need_help']) : null];
      });
      for (let i = 0; i < rows.length; i += 2000) {
        const chunk = JSON.stringify(rows.slice(i, i + 2000));
        await DB.batch([
          DB.prepare(
            `INSERT INTO alerts (id, account_id, meter_id, type, status, first_day, last_day, figures, closed_at, closed_day, close_reason)
             SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]', 'closed', value ->> '$[4]', value ->> '$[5]', '{}', '2026-01-01T00:00:00.000Z', value ->> '$[5]', 'resolved' FROM json_each(?1)`,
          ).bind(chunk),
          DB.prepare(
            `INSERT INTO alert_answers (id, alert_id, account_id, answer, answered_at)
             SELECT 'bench-answer-' || (value ->> '$[0]'), value ->> '$[0]', value ->> '$[1]', value ->> '$[6]', '2026-01-01T00:00:00.000Z' FROM json_each(?1) WHERE value ->> '$[6]' IS NOT NULL`,
          ).bind(chunk),
        ]);
      }
      // One D1 round trip through the proxy, for scale: the figures below are mostly such trips.
      const hop = await timed(async () => {
        await DB.prepare('SELECT 1').first();
      });
      const month = countableMonths(utility.timeZone)[1]!;
      let monthAlerts = 0;
      const counts = await timed(async () => {
        const { rows: found, rowsRead } = await monthRows(DB, month);
        monthAlerts = found.length;
        for (const type of alertTypes) typeCounts(type, found.filter((f) => f.type === type));
        return rowsRead;
      });

      const db = drizzle(DB);
      const demoMeter = (await DB.prepare("SELECT id FROM meters m WHERE m.kind = 'water' AND m.service_point_id IN (SELECT service_point_id FROM service_point_tenures WHERE account_id = ?1) LIMIT 1").bind(DEMO_CUSTOMER.accountId).first<{ id: string }>())!;
      await DB.prepare("INSERT INTO alerts (id, account_id, meter_id, type, status, first_day, last_day, figures) VALUES ('bench-demo-alert', ?1, ?2, 'continuous_flow', 'open', ?3, ?4, '{\"hours\":30}')")
        .bind(DEMO_CUSTOMER.accountId, demoMeter.id, addDays(USAGE_LAST_DAY, -2), USAGE_LAST_DAY)
        .run();
      let listed = 0;
      const list = await timed(async () => {
        listed = (await alertsFor(db, DB, DEMO_CUSTOMER.id)).length;
      });
      const page = await timed(async () => {
        const alert = await alertForViewer(db, DB, DEMO_CUSTOMER.id, 'bench-demo-alert');
        await alertDetail(db, DB, usageShards(proxy.env), DEMO_CUSTOMER.id, alert);
      });
      return {
        alertsInDatabase: ALERTS + 1,
        d1RoundTripMedianMs: hop.medianMs,
        staffCountsMonth: month,
        staffCountsAlertsInMonth: monthAlerts,
        staffCountsMedianMs: counts.medianMs,
        staffCountsP95Ms: counts.p95Ms,
        staffCountsRowsRead: counts.rowsRead,
        customerListAlerts: listed,
        customerListMedianMs: list.medianMs,
        customerListP95Ms: list.p95Ms,
        alertPageDataMedianMs: page.medianMs,
        alertPageDataP95Ms: page.p95Ms,
      };
    } finally {
      await proxy.dispose();
    }
  } finally {
    rmSync(persistTo, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await bench(), null, 2));
