/**
 * Connect My Data benchmark:
 *   - serving 13 months of one demo 15-minute electric meter as the ESPI batch feed through the
 *     running portal (wrangler dev, its own local D1 with the demo data): median and p95 time over
 *     HTTP, and the feed's bytes and readings;
 *   - the same feed rendered in Node from generated days (the writer alone, no D1);
 *   - token verification per call: the CPU part (SHA-256 of the token) and the whole check with
 *     its one D1 read (the portal's own verifyAccessToken against a local D1 through getPlatformProxy);
 *   - finding whom to notify of new data (notificationMessages, after every ingest batch) among
 *     5,000 live authorisations: D1 rows read through the meters table beside the scan of every
 *     authorisation's JSON meter list it replaced, same database, same run;
 *   - how many OAuth negative cases test/worker/connect-my-data-oauth.test.ts holds.
 *   tsx test/bench/connect-my-data.ts
 */
import './first-tenant';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/d1';
import { getPlatformProxy } from 'wrangler';
import { demoAccounts } from '../../db/demo/customers';
import { DEMO_SEED } from '../../db/demo/dataset';
import { seededRandom } from '../../db/demo/random';
import { dayTotal, demoMeters, generateMeterDays, USAGE_LAST_DAY } from '../../db/demo/usage';
import { espiResource, parseEspiPath, type EspiSource } from '../../worker/connect-my-data/espi';
import { notificationMessages } from '../../worker/connect-my-data/notify';
import { verifyAccessToken } from '../../worker/connect-my-data/oauth';
import { parseScope } from '../../worker/connect-my-data/scope';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import { addDays, eachDay } from '../../worker/usage/time';
import { runTool, startPortal } from '../support/portal-server';

const ITERATIONS = 15;
const SCOPE = 'FB=1_4_5;IntervalDuration=900;HistoryLength=34128000';
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const stats = (ms: number[]) => ({ medianMs: round(percentile(ms, 50)), p95Ms: round(percentile(ms, 95)) });
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const meter = demoMeters(demoAccounts(seededRandom(DEMO_SEED))).find((m) => m.kind === 'electric' && m.intervalMinutes === 15)!;
const accountId = `acct-${String(meter.accountIndex).padStart(4, '0')}`;
const to = USAGE_LAST_DAY;
const from = addDays(to, -395);

/** One application, one authorisation of the demo meter for 13 months, and one access token, as SQL. */
function seedSql(token: string) {
  return [
    `INSERT INTO cmd_applications (id, name, organisation, purpose, client_secret_hash, redirect_uris, notify_uri, scope, status) VALUES ('bench-app', 'Bench', 'Bench Inc.', 'Measuring the feed.', 'x', '["https://bench.example/cb"]', 'https://bench.example/notify', '${SCOPE}', 'production')`,
    `INSERT INTO cmd_authorizations (id, application_id, account_id, granted_by, subscription_id, scope, meter_ids, data_from, ends_at) VALUES ('bench-authorization', 'bench-app', '${accountId}', 'bench', 'bench-subscription', '${SCOPE}', '["${meter.id}"]', '${from}', '2999-01-01T00:00:00.000Z')`,
    `INSERT INTO cmd_authorization_meters (meter_id, authorization_id) VALUES ('${meter.id}', 'bench-authorization')`,
    `INSERT INTO cmd_tokens (token_hash, kind, authorization_id, account_id, expires_at) VALUES ('${sha256(token)}', 'access', 'bench-authorization', '${accountId}', '2999-01-01T00:00:00.000Z')`,
  ].join('; ');
}

async function servedOverHttp() {
  const token = 'bench-access-token-0123456789abcdefghijklmnopqrstuvwxyz';
  const portal = await startPortal({ beforeStart: async (persistTo) => void runTool('npx', ['wrangler', 'd1', 'execute', 'DB', '--local', '--persist-to', persistTo, '--command', seedSql(token)]) });
  try {
    const url = `${portal.origin}/api/espi/1_1/resource/Batch/Subscription/bench-subscription?published-min=${from}T08:00:00Z&published-max=${to}T08:00:00Z`;
    const ms: number[] = [];
    let bytes = 0;
    let readings = 0;
    for (let i = 0; i <= ITERATIONS; i++) {
      const t = performance.now();
      const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`the feed answered ${res.status}: ${body.slice(0, 200)}`);
      if (i > 0) ms.push(performance.now() - t); // the first is a warm-up
      bytes = Buffer.byteLength(body);
      readings = (body.match(/<espi:IntervalReading>/g) ?? []).length;
    }
    // What it weighs on the wire when the client accepts gzip (Cloudflare compresses XML at the edge; wrangler dev does not).
    const gzipBytes = gzipSync(await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).text()).length;
    return { range: { from, to }, ...stats(ms), bytes, megabytes: round(bytes / 1_048_576, 2), readings, bytesPerReading: round(bytes / Math.max(1, readings)), gzipBytes };
  } finally {
    await portal.stop();
  }
}

async function renderedInNode() {
  const days = generateMeterDays(meter, eachDay(from, to), DEMO_SEED).map((d) => ({ ...d, total: dayTotal(d.vals, 'electric'), missing: 0, estimated: 0 }));
  const source: EspiSource = {
    meter: async () => ({ id: meter.id, accountId, kind: 'electric', unit: 'kWh', intervalMinutes: 15, serialNumber: meter.serial, serviceArea: meter.serviceArea, street: '', timeZone: utility.timeZone, household: null }),
    tenure: async () => [{ from: null, to: null }],
    days: async () => days,
    dayTotals: async () => days,
    billPeriods: async () => [],
    utilityName: async () => utility.name,
  };
  const authorization = { id: 'a', applicationId: 'x', accountId, grantedBy: 'x', subscriptionId: 'bench-subscription', scope: SCOPE, meterIds: JSON.stringify([meter.id]), dataFrom: from, createdAt: '2026-01-01T00:00:00.000Z', endsAt: '2999-01-01T00:00:00.000Z', endedAt: null, endedBy: null };
  const access = { authorization, meterIds: [meter.id], scope: parseScope(SCOPE)!, application: { name: 'Bench' } };
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i <= ITERATIONS; i++) {
    const t = performance.now();
    const answer = await espiResource({ source, access, path: parseEspiPath('Batch/Subscription/bench-subscription')!, origin: 'https://portal.example', now: new Date(`${to}T20:00:00Z`), range: { from, to } });
    if (i > 0) ms.push(performance.now() - t);
    bytes = Buffer.byteLength(answer!.xml);
  }
  return { ...stats(ms), bytes };
}

async function tokenVerification() {
  const persistTo = mkdtempSync(join(tmpdir(), 'cmd-bench-'));
  try {
    runTool('npx', ['tsx', 'db/migrate.ts', '--local', '--persist-to', persistTo]);
    const token = 'bench-access-token-0123456789abcdefghijklmnopqrstuvwxyz';
    const proxy = await getPlatformProxy<{ DB: D1Database }>({ configPath: 'wrangler.toml', persist: { path: join(persistTo, 'v3') }, remoteBindings: false });
    try {
      await proxy.env.DB.prepare("INSERT INTO utilities (id, name, legal_name, time_zone, service_area, contact_email, contact_phone, privacy_email) VALUES ('u', 'U', 'U', 'America/Los_Angeles', 'x', 'a@x.example', '1', 'p@x.example')").run();
      await proxy.env.DB.prepare(`INSERT INTO accounts (id, utility_id, account_number, holder_name) VALUES ('${accountId}', 'u', '1', 'Bench')`).run();
      for (const statement of seedSql(token).split('; ')) await proxy.env.DB.prepare(statement).run();
      const db = drizzle(proxy.env.DB);
      const whole: number[] = [];
      for (let i = 0; i <= 200; i++) {
        const t = performance.now();
        const access = await verifyAccessToken({ db, now: new Date() }, token);
        if (!access) throw new Error('the bench token did not verify');
        if (i > 0) whole.push(performance.now() - t);
      }
      // The CPU part alone: the token's SHA-256 (WebCrypto, as the worker does), per call.
      const n = 20_000;
      const data = new TextEncoder().encode(token);
      const t = performance.now();
      for (let i = 0; i < n; i++) await crypto.subtle.digest('SHA-256', data);
      const cpuMicros = ((performance.now() - t) * 1000) / n;
      return {
        hashCpuMicrosPerCall: round(cpuMicros, 2),
        wholeCheckWithD1Read: stats(whole),
        note: 'one D1 read per call, timed through the Node-to-workerd proxy (its hop included); no signature to verify',
        notifyLookup: await notifyLookup(proxy.env.DB),
      };
    } finally {
      await proxy.dispose();
    }
  } finally {
    rmSync(persistTo, { recursive: true, force: true });
  }
}

/** Rows read to find the authorisations covering 10 meters of a batch, among 5,000 (one meter each). */
async function notifyLookup(db: D1Database) {
  const AUTHORIZATIONS = 5_000;
  const ids = Array.from({ length: AUTHORIZATIONS }, (_, i) => `mtr-n-${String(i).padStart(5, '0')}`);
  const rows = ids.map((m, i) => ({ id: `auth-n-${i}`, m }));
  for (let i = 0; i < rows.length; i += 1_000) {
    const part = JSON.stringify(rows.slice(i, i + 1_000));
    await db.batch([
      db.prepare(
        `INSERT INTO cmd_authorizations (id, application_id, account_id, granted_by, subscription_id, scope, meter_ids, data_from, ends_at)
         SELECT value ->> '$.id', 'bench-app', '${accountId}', 'bench', value ->> '$.id', '${SCOPE}', json_array(value ->> '$.m'), '2020-01-01', '2999-01-01T00:00:00.000Z' FROM json_each(?1)`,
      ).bind(part),
      db.prepare(`INSERT INTO cmd_authorization_meters (meter_id, authorization_id) SELECT value ->> '$.m', value ->> '$.id' FROM json_each(?1)`).bind(part),
    ]);
  }
  const written = JSON.stringify(ids.slice(0, 10));
  const now = new Date().toISOString();
  const byIndex = await db
    .prepare(
      `SELECT DISTINCT a.application_id, a.subscription_id FROM cmd_authorization_meters am JOIN cmd_authorizations a ON a.id = am.authorization_id JOIN cmd_applications p ON p.id = a.application_id
        WHERE am.meter_id IN (SELECT value FROM json_each(?1)) AND a.ended_at IS NULL AND a.ends_at > ?2 AND p.status = 'production'`,
    )
    .bind(written, now)
    .all();
  const byScan = await db
    .prepare(
      `SELECT DISTINCT a.application_id, a.subscription_id FROM cmd_authorizations a JOIN cmd_applications p ON p.id = a.application_id
        WHERE a.ended_at IS NULL AND a.ends_at > ?2 AND p.status = 'production' AND EXISTS (SELECT 1 FROM json_each(a.meter_ids) m WHERE m.value IN (SELECT value FROM json_each(?1)))`,
    )
    .bind(written, now)
    .all();
  const messages = await notificationMessages(db, 'https://portal.example', ids.slice(0, 10), new Date());
  return {
    authorizations: AUTHORIZATIONS,
    metersWritten: 10,
    subscriptionsFound: messages.reduce((n, m) => n + m.resources.length, 0),
    rowsReadThroughMetersTable: byIndex.meta.rows_read,
    rowsReadScanningJsonLists: byScan.meta.rows_read,
    sameAnswer: byIndex.results.length === byScan.results.length,
  };
}

/** The `it(` cases in the test file's negative-cases describe block. */
function negativeCases() {
  const text = readFileSync('test/worker/connect-my-data-oauth.test.ts', 'utf8');
  const block = text.slice(text.indexOf("describe('Connect My Data OAuth: negative cases'"), text.indexOf("describe('Connect My Data OAuth: the flow'"));
  return (block.match(/\n  it\('/g) ?? []).length;
}

export async function bench(): Promise<Record<string, unknown>> {
  return {
    oauthNegativeCasesTested: negativeCases(),
    tokenVerification: await tokenVerification(),
    feedRenderedInNode13Months15Min: await renderedInNode(),
    feedServedOverHttp13Months15Min: await servedOverHttp(),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await bench(), null, 2));
