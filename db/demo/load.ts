/**
 * Loads the demo data sets into the local D1 databases that `wrangler dev` uses (after the
 * migrations): Alder Creek Water & Power into DB and USAGE_SHARD_<n>, Juniper Valley Water
 * (db/demo/juniper-valley.ts) into JUNIPER_VALLEY_DB and its shard.
 *   tsx db/demo/load.ts [--persist-to DIR] [--secrets FILE] [--reset] [--skip-usage]
 * Skips a utility already there, unless --reset empties every table first.
 * Also registers a dev-only ingest client and writes its private key to DIR/demo-ingest-client.json,
 * and puts the demo customer's latest bill PDFs into the local R2 bucket.
 * Staff TOTP secrets are sealed with TOTP_ENCRYPTION_KEYS from FILE (default .dev.vars, created
 * with any missing local secret), the file `wrangler dev` then reads; any secret already in the
 * database in clear or under an older key is sealed again under the newest.
 */
import { drizzle } from 'drizzle-orm/d1';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getPlatformProxy } from 'wrangler';
import { parseTotpKeyring, resealTotpSecrets } from '../../worker/auth/totp-secrets';
import { alderCreek as utility, juniperValley } from '../../worker/tenants/profiles';
import { ingestAudience } from '../../worker/ingest/auth';
import { demoApplicationStatement } from '../../worker/dev/third-party/demo-app';
import { documentKey } from '../../worker/ingest/bill-documents';
import { meterWeight, usageShards, type UsageShards } from '../../worker/usage/shards';
import { ensurePeerGroupsSql, rebuildPeerDaysStatements } from '../../worker/usage/store';
import { baseFactor } from '../../worker/usage/units';
import { DEMO_ALERT_DAYS, loadDemoAlerts } from './alerts';
import { demoBillDocument, demoBillingStatements, demoLedger, DOCUMENT_MONTHS } from './billing';
import { demoAccounts } from './customers';
import { DEMO_SEED, demoStatements } from './dataset';
import { ensureDevSecrets } from './dev-secrets';
import { DEMO_CUSTOMER, demoLoginStatements } from './logins';
import { demoProgramSql } from './programs';
import { demoMoveLoginStatements } from './move';
import { seededRandom } from './random';
import { JUNIPER_DEMO_CUSTOMER, JUNIPER_DEMO_STAFF, juniperValleyTown } from './juniper-valley';
import { demoIngestClient, demoMeters, insertDayRowsSql, usageInsertParams, type DemoMeter } from './usage';

const { values: args } = parseArgs({ options: { 'persist-to': { type: 'string' }, 'secrets': { type: 'string' }, reset: { type: 'boolean', default: false }, 'skip-usage': { type: 'boolean', default: false } } });
const persistRoot = args['persist-to'] ?? '.wrangler/state';
const secrets = await ensureDevSecrets(args.secrets ?? '.dev.vars');
const totpKeys = await parseTotpKeyring(secrets.TOTP_ENCRYPTION_KEYS);

const proxy = await getPlatformProxy<{ DB: D1Database; BILL_DOCUMENTS: R2Bucket; USAGE_SHARD_1: D1Database; JUNIPER_VALLEY_DB: D1Database; JUNIPER_VALLEY_USAGE_SHARD_1: D1Database }>({
  configPath: 'wrangler.toml',
  persist: { path: `${persistRoot}/v3` },
  remoteBindings: false,
});
try {
  const raw = proxy.env.DB;
  const db = drizzle(raw);
  const shards = usageShards(proxy.env);
  if (args.reset) for (const database of [raw, ...shards.all]) await emptyEveryTable(database);
  const existing = await raw.prepare('SELECT count(*) AS n FROM utilities').first<{ n: number }>();
  if (existing && existing.n > 0) {
    console.log('Demo data already loaded (use --reset to reload).');
  } else {
    const started = performance.now();
    const statements = [
      ...demoStatements(db),
      ...demoBillingStatements(db, demoAccounts(seededRandom(DEMO_SEED)), DEMO_SEED),
      ...(await demoLoginStatements(db, totpKeys)),
      ...(await demoMoveLoginStatements(db)),
    ];
    // Local D1 spends several milliseconds per statement, so consecutive INSERTs into the same
    // table are merged into multi-row INSERTs (literal SQL, under D1's 100 KB statement limit).
    // One D1 batch is one transaction: the base data lands whole or not at all.
    const merged = mergeInserts(statements.map((st) => (st as unknown as { toSQL(): { sql: string; params: unknown[] } }).toSQL()));
    await raw.batch([...merged, ...demoProgramSql()].map((sql) => raw.prepare(sql)));
    const baseMs = performance.now() - started;
    const documents = await loadBillDocuments(raw, proxy.env.BILL_DOCUMENTS);
    const usage = args['skip-usage'] ? { statements: 0, rows: 0, ms: 0 } : await loadUsage(shards, demoMeters(demoAccounts(seededRandom(DEMO_SEED))));
    console.log(
      `Demo data loaded: ${statements.length} inserts as ${merged.length} statements in ${Math.round(baseMs)} ms; ${documents} bill documents; ${usage.rows} meter-days of reads in ${usage.statements} statements in ${Math.round(usage.ms)} ms.`,
    );
    if (!args['skip-usage']) {
      const alertsStarted = performance.now();
      const alerts = await loadDemoAlerts(raw);
      console.log(`Demo alerts from the last ${DEMO_ALERT_DAYS} days of reads: ${alerts.alerts} raised in ${Math.round(performance.now() - alertsStarted)} ms.`);
    }
  }
  const sealed = await resealTotpSecrets(db, totpKeys);
  if (sealed.resealed || sealed.unreadable) console.log(`Staff TOTP secrets sealed again under the newest key: ${sealed.resealed}; unreadable with these keys: ${sealed.unreadable}.`);
  await registerDemoIngestClient(raw, utility.id, 'http://localhost:8787', 'demo-ingest-client.json');
  // The demo third party of Connect My Data (its development-only client is /dev/third-party/).
  await (await demoApplicationStatement(raw, 'http://localhost:8787')).run();
  await loadJuniperValley(proxy.env.JUNIPER_VALLEY_DB, proxy.env.JUNIPER_VALLEY_USAGE_SHARD_1);
} finally {
  await proxy.dispose();
}

function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return `'${String(v).replaceAll("'", "''")}'`;
}

/**
 * Inlines parameters and merges INSERTs with the same table and column list into multi-row
 * INSERTs, in the order each list first appears (the data set is in foreign-key order). Any other
 * statement is a barrier: everything before it is written first.
 */
function mergeInserts(queries: { sql: string; params: unknown[] }[], maxBytes = 95_000): string[] {
  const out: string[] = [];
  let groups = new Map<string, string[]>();
  const flush = () => {
    for (const [head, tuples] of groups) {
      let part: string[] = [];
      let size = 0;
      for (const t of tuples) {
        if (size + t.length > maxBytes && part.length) {
          out.push(`${head} values ${part.join(', ')}`);
          part = [];
          size = 0;
        }
        part.push(t);
        size += t.length + 2;
      }
      if (part.length) out.push(`${head} values ${part.join(', ')}`);
    }
    groups = new Map();
  };
  for (const q of queries) {
    let i = 0;
    const sql = q.sql.replace(/\?/g, () => sqlLiteral(q.params[i++]));
    const at = sql.indexOf(' values ');
    if (!sql.startsWith('insert into') || at < 0 || / on conflict | returning /i.test(sql)) {
      flush();
      out.push(sql);
      continue;
    }
    const head = sql.slice(0, at);
    if (!groups.has(head)) groups.set(head, []);
    groups.get(head)!.push(sql.slice(at + 8));
  }
  flush();
  return out;
}

/**
 * The demo customer's latest bills as PDFs, into the local R2 bucket and bill_documents, keyed as
 * the ingest route keys them (worker/ingest/bill-documents.ts); older bills have none, so both
 * cases show.
 */
async function loadBillDocuments(raw: D1Database, bucket: R2Bucket) {
  const accounts = demoAccounts(seededRandom(DEMO_SEED));
  const index = accounts.findIndex((a) => a.id === DEMO_CUSTOMER.accountId);
  const account = accounts[index]!;
  const bills = demoLedger(account, index, DEMO_SEED).bills.slice(-DOCUMENT_MONTHS);
  const rows = [];
  for (const bill of bills) {
    const bytes = demoBillDocument(account, bill);
    const sha256 = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('base64url');
    const key = documentKey(bill.id, sha256);
    await bucket.put(key, bytes, { httpMetadata: { contentType: 'application/pdf' } });
    rows.push(raw.prepare("INSERT INTO bill_documents (bill_id, object_key, content_type, size_bytes, sha256) VALUES (?1, ?2, 'application/pdf', ?3, ?4)").bind(bill.id, key, bytes.length, sha256));
  }
  await raw.batch(rows);
  return rows.length;
}

/**
 * Two years of reads for every demo meter, each on the shard the shard map gives it (as ingest
 * would place it), then each shard's de-identified comparison aggregates.
 */
async function loadUsage(shards: UsageShards, meters: DemoMeter[]) {
  const started = performance.now();
  const weights = new Map(meters.map((m) => [m.id, meterWeight(1440 / m.intervalMinutes)]));
  const placed = await shards.place(meters.map((m) => m.id), (id) => weights.get(id)!);
  let statements = 0;
  let rows = 0;
  for (const name of shards.names) {
    const shard = shards.database(name);
    const own = meters.filter((m) => placed.get(m.id) === name);
    const groups = [...new Set(own.map((m) => `${m.kind}\u0000${m.serviceArea}`))].map((k) => [...k.split('\u0000'), 'any']);
    await shard.prepare(ensurePeerGroupsSql).bind(JSON.stringify(groups)).run();
    const { results } = await shard.prepare("SELECT id, kind, service_area AS area FROM usage_peer_groups WHERE household = 'any'").all<{ id: number; kind: string; area: string }>();
    const ids = new Map(results.map((g) => [`${g.kind}\u0000${g.area}`, g.id]));
    // Generate the next chunk while D1 writes the previous one.
    let inFlight: Promise<unknown> = Promise.resolve();
    for (const chunk of usageInsertParams(own, (kind, area) => ids.get(`${kind}\u0000${area}`)!, DEMO_SEED)) {
      await inFlight;
      inFlight = shard.prepare(insertDayRowsSql).bind(chunk.param).run();
      statements++;
      rows += chunk.rows;
    }
    await inFlight;
    await shard.batch(rebuildPeerDaysStatements(shard, own.map((m) => [m.id, baseFactor(m.kind, m.unit)])));
    console.log(`${name}: ${own.length} meters, comparison aggregates rebuilt.`);
  }
  return { statements, rows, ms: performance.now() - started };
}

/**
 * Juniper Valley: its accounts, bills, logins and two years of hourly water reads, in its own
 * databases; the same ingest client set-up as Alder Creek's, with a key of its own.
 */
async function loadJuniperValley(raw: D1Database, shard: D1Database) {
  const db = drizzle(raw);
  const shards = usageShards({ DB: raw, USAGE_SHARD_1: shard } as { DB: D1Database });
  if (args.reset) for (const database of [raw, shard]) await emptyEveryTable(database);
  const keys = await parseTotpKeyring(secrets.JUNIPER_VALLEY_TOTP_ENCRYPTION_KEYS!);
  const existing = await raw.prepare('SELECT count(*) AS n FROM utilities').first<{ n: number }>();
  if (existing && existing.n > 0) {
    console.log('Juniper Valley demo data already loaded.');
  } else {
    const accounts = demoAccounts(seededRandom(DEMO_SEED), juniperValleyTown);
    const statements = [
      ...demoStatements(db, DEMO_SEED, juniperValleyTown),
      ...demoBillingStatements(db, accounts, DEMO_SEED, false),
      ...(await demoLoginStatements(db, keys, JUNIPER_DEMO_CUSTOMER, JUNIPER_DEMO_STAFF)),
    ];
    const merged = mergeInserts(statements.map((st) => (st as unknown as { toSQL(): { sql: string; params: unknown[] } }).toSQL()));
    await raw.batch(merged.map((sql) => raw.prepare(sql)));
    const usage = args['skip-usage'] ? { rows: 0 } : await loadUsage(shards, demoMeters(accounts));
    console.log(`Juniper Valley demo data loaded: ${accounts.length} accounts, ${usage.rows} meter-days of reads.`);
  }
  await resealTotpSecrets(db, keys);
  await registerDemoIngestClient(raw, juniperValley.id, 'http://juniper-valley.localhost:8787', 'demo-ingest-client.juniper-valley.json');
}

/** A dev-only ingest client of one utility: public key in its D1, private key in a local file beside the local D1 state. */
async function registerDemoIngestClient(raw: D1Database, utilityId: string, origin: string, fileName: string) {
  const client = await demoIngestClient();
  await raw
    .prepare("INSERT INTO ingest_clients (id, utility_id, name, public_jwk) VALUES (?1, ?2, 'Demo meter data system (local development only)', ?3) ON CONFLICT (id) DO UPDATE SET public_jwk = excluded.public_jwk, status = 'active'")
    .bind(client.clientId, utilityId, JSON.stringify(client.publicJwk))
    .run();
  mkdirSync(persistRoot, { recursive: true });
  const file = `${persistRoot}/${fileName}`;
  writeFileSync(file, JSON.stringify({ clientId: client.clientId, audienceFor: ingestAudience(origin), privateJwk: client.privateJwk }, null, 2) + '\n', { mode: 0o600 });
  console.log(`Demo ingest client registered; its private key (local development only) is in ${file}.`);
}

async function emptyEveryTable(raw: D1Database) {
  const { results } = await raw
    .prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('d1_migrations','_cf_KV','_cf_METADATA')")
    .all<{ name: string }>();
  await raw.batch([raw.prepare('PRAGMA defer_foreign_keys = ON'), ...results.map((t) => raw.prepare(`DELETE FROM "${t.name}"`))]);
}
