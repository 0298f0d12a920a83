/**
 * Privacy-request figures:
 * - time to build an access package for a demo customer (acct-0004: water hourly + electric 15-min,
 *   two years of demo reads in usage_days), and the package's size;
 * - receipts signed by the portal's code and verified by the independent Node-crypto verifier.
 * Runs against a fresh local D1 (wrangler's local SQLite through getPlatformProxy) in a temp directory.
 */
import './first-tenant';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPlatformProxy } from 'wrangler';
import { usageShards } from '../../worker/usage/shards';
import { generateDevSecrets } from '../../db/demo/dev-secrets';
import { signReceipt } from '../../worker/requests/receipts';
import { signingKeys } from '../../worker/requests/signing-keys';
import { buildAccessPackage, renderAccessPackageHtml } from '../../worker/staff/access-package';
import { dataSubject } from '../../worker/staff/subject';
import { verifyReceipt } from '../support/receipt-verifier';
import { toolEnv } from '../support/portal-server';

const ACCOUNT = 'acct-0004';

function run(args: string[]) {
  const r = spawnSync('npx', args, { env: toolEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
}

export async function bench(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'requests-bench-'));
  try {
    run(['tsx', 'db/migrate.ts', '--local', '--persist-to', dir]);
    run(['tsx', 'db/demo/load.ts', '--persist-to', dir]);
    const proxy = await getPlatformProxy<{ DB: D1Database; USAGE_SHARD_1: D1Database; USAGE_SHARD_2: D1Database }>({ configPath: 'wrangler.toml', persist: { path: `${dir}/v3` }, remoteBindings: false });
    try {
      const raw = proxy.env.DB;
      const subject = await dataSubject(raw, ACCOUNT);
      const runs: number[] = [];
      let json = '';
      let html = '';
      let meterDays = 0;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const pkg = await buildAccessPackage(raw, usageShards(proxy.env), subject, 'req-bench');
        json = JSON.stringify(pkg);
        html = renderAccessPackageHtml(pkg);
        runs.push(performance.now() - started);
        meterDays = pkg.tables.find((t) => t.table === 'usage_days')!.rowCount;
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
        accessPackageUsageMeterDays: meterDays,
        accessPackageMedianMs: Math.round(median(runs)),
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

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
