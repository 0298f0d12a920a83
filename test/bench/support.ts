/**
 * What several benchmarks share: median/p95 of samples, the demo customer's session on a local
 * portal, and a throwaway local D1 with the real migrations and one utility account ('a').
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPlatformProxy } from 'wrangler';
import { DEMO_CUSTOMER } from '../../db/demo/logins';
import { runTool } from '../support/portal-server';

export const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { n: sorted.length, medianMs: +at(0.5).toFixed(1), p95Ms: +at(0.95).toFixed(1) };
};

/** A PDF of 5 MiB less 1 KiB: the largest attachment or document the portal takes, give or take. */
export function fivePdf() {
  const size = 5 * 1024 * 1024 - 1024;
  const bytes = new Uint8Array(size);
  bytes.set(new TextEncoder().encode('%PDF-1.4\n'));
  for (let i = 9; i < size - 8; i++) bytes[i] = 32 + (i % 90);
  bytes.set(new TextEncoder().encode('\n%%EOF\n'), size - 7);
  return bytes;
}

/** Signs the demo customer in through the API: the headers a same-origin script would send. */
export async function demoCustomerHeaders(origin: string) {
  const login = await fetch(`${origin}/api/accounts/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', origin },
    body: JSON.stringify({ email: DEMO_CUSTOMER.email, password: DEMO_CUSTOMER.password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  if (login.status !== 200 || !cookie) throw new Error(`demo login answered ${login.status}`);
  return { cookie, origin, accept: 'application/json' };
}

/** Runs `use` against a fresh local D1 (real migrations, utility 'u', account 'a'), deleted after. */
export async function withScratchD1<T>(name: string, use: (DB: D1Database) => Promise<T>): Promise<T> {
  const persistTo = mkdtempSync(join(tmpdir(), `${name}-bench-`));
  try {
    runTool('npx', ['tsx', 'db/migrate.ts', '--local', '--persist-to', persistTo]);
    const proxy = await getPlatformProxy<{ DB: D1Database }>({ configPath: 'wrangler.toml', persist: { path: join(persistTo, 'v3') }, remoteBindings: false });
    try {
      const DB = proxy.env.DB;
      await DB.batch([
        DB.prepare("INSERT INTO utilities (id, name, legal_name, time_zone, service_area, contact_email, contact_phone, privacy_email) VALUES ('u', 'U', 'U', 'America/Los_Angeles', 'A', 'a@u.example', '+1', 'p@u.example')"),
        DB.prepare("INSERT INTO accounts (id, utility_id, account_number, holder_name) VALUES ('a', 'u', '1', 'H')"),
      ]);
      return await use(DB);
    } finally {
      await proxy.dispose();
    }
  } finally {
    rmSync(persistTo, { recursive: true, force: true });
  }
}

/** A queue page read 20 times: latency, and the D1 rows the last read cost. */
export async function timedPage(read: () => Promise<{ rowsRead: number; rows: unknown[] }>) {
  const ms: number[] = [];
  let last = { rowsRead: 0, rows: [] as unknown[] };
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    last = await read();
    ms.push(performance.now() - t);
  }
  return { ...stats(ms), rowsRead: last.rowsRead, rowsShown: last.rows.length };
}
