/**
 * Privacy-request figures:
 * - time to build an access package for a demo customer (acct-0004: water hourly + electric 15-min),
 *   with two years of reads in a bench-only stand-in usage table (the real usage tables live on the
 *   usage branch; once merged, their map entries replace the stand-in), and the package's size;
 * - receipts signed by the portal's code and verified by the independent Node-crypto verifier.
 * Runs against a fresh local D1 (wrangler's local SQLite through getPlatformProxy) in a temp directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPlatformProxy } from 'wrangler';
import { generateDevSecrets } from '../../db/demo/dev-secrets';
import { personalDataMap, type PersonalDataEntry } from '../../db/personal-data';
import { signReceipt } from '../../worker/requests/receipts';
import { signingKeys } from '../../worker/requests/signing-keys';
import { buildAccessPackage, renderAccessPackageHtml } from '../../worker/staff/access-package';
import { dataSubject } from '../../worker/staff/subject';
import { verifyReceipt } from '../support/receipt-verifier';
import { toolEnv } from '../support/portal-server';

const ACCOUNT = 'acct-0004';

const standInUsage: PersonalDataEntry = {
  table: 'bench_meter_reads',
  label: 'Meter reads (bench stand-in)',
  tie: { by: 'account', describe: 'meter at the account\'s service point', where: (s) => ({ sql: 'meter_id IN (SELECT m.id FROM meters m JOIN service_points p ON p.id = m.service_point_id WHERE p.account_id = ?1)', params: [s.accountId] }) },
  personalColumns: [],
  category: 'usage',
  export: { columns: ['meter_id', 'read_at', 'value'], orderBy: 'read_at' },
  deletion: { action: 'retain', reason: 'bench' },
};

function run(args: string[]) {
  const r = spawnSync('npx', args, { env: toolEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
}

export async function bench(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'requests-bench-'));
  try {
    run(['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir]);
    run(['tsx', 'db/demo/load.ts', '--persist-to', dir]);
    const proxy = await getPlatformProxy<{ DB: D1Database }>({ configPath: 'wrangler.toml', persist: { path: `${dir}/v3` }, remoteBindings: false });
    try {
      const raw = proxy.env.DB;
      await raw.prepare('CREATE TABLE bench_meter_reads (meter_id TEXT NOT NULL, read_at TEXT NOT NULL, value REAL NOT NULL)').run();
      // Two years: hourly water (17,520 reads) and 15-minute electric (70,080 reads).
      await raw.batch([
        raw.prepare("WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t WHERE i < 17519) INSERT INTO bench_meter_reads SELECT 'mtr-w-0004', strftime('%Y-%m-%dT%H:%M:%SZ', '2024-11-25', '+' || i || ' hours'), (abs(random()) % 400) / 10.0 FROM t"),
        raw.prepare("WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t WHERE i < 70079) INSERT INTO bench_meter_reads SELECT 'mtr-e-0004', strftime('%Y-%m-%dT%H:%M:%SZ', '2024-11-25', '+' || (i * 15) || ' minutes'), (abs(random()) % 300) / 100.0 FROM t"),
        raw.prepare('CREATE INDEX bench_meter_reads_meter ON bench_meter_reads (meter_id, read_at)'),
      ]);
      const subject = await dataSubject(raw, ACCOUNT);
      const map = [...personalDataMap, standInUsage];
      const runs: number[] = [];
      let json = '';
      let html = '';
      let reads = 0;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const pkg = await buildAccessPackage(raw, subject, 'req-bench', { map });
        json = JSON.stringify(pkg);
        html = renderAccessPackageHtml(pkg);
        runs.push(performance.now() - started);
        reads = pkg.tables.find((t) => t.table === 'bench_meter_reads')!.rowCount;
      }
      const withoutUsage: number[] = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        await buildAccessPackage(raw, subject, 'req-bench');
        withoutUsage.push(performance.now() - started);
      }

      // Receipts: signed by the portal's signing code, verified by the Node-crypto verifier against the public JWKS.
      const secret = (await generateDevSecrets()).RECEIPT_SIGNING_JWKS!;
      const jwks = { keys: (await signingKeys(secret)).publicKeys };
      const receipts: string[] = [];
      const signStart = performance.now();
      for (let i = 0; i < 1000; i++) receipts.push((await signReceipt(secret, { iss: 'https://portal.test', rid: `req-${i}`, type: 'know', received: new Date().toISOString(), due: '2027-01-08', sha256: 'a'.repeat(64) })).jws);
      const signMs = performance.now() - signStart;
      const verifyStart = performance.now();
      const verified = receipts.filter((r) => verifyReceipt(r, jwks).ok).length;
      const verifyMs = performance.now() - verifyStart;

      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const figures = {
        accessPackageAccount: ACCOUNT,
        accessPackageUsageReads: reads,
        accessPackageMedianMs: Math.round(median(runs)),
        accessPackageWithoutUsageMedianMs: Math.round(median(withoutUsage)),
        accessPackageJsonBytes: Buffer.byteLength(json),
        accessPackageHtmlBytes: Buffer.byteLength(html),
        receiptsSigned: receipts.length,
        receiptsVerifiedIndependently: verified,
        receiptSignMsEach: +(signMs / receipts.length).toFixed(3),
        receiptVerifyMsEach: +(verifyMs / receipts.length).toFixed(3),
      };
      console.log('requests bench', figures);
      return figures;
    } finally {
      await proxy.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await bench();
