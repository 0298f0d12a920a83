/**
 * Accounts benchmark (`npm run bench`, or alone: `npx tsx test/bench/accounts.ts`). Needs `dist/`.
 *
 * 1. CPU per password hash in workerd: the portal's own hashPassword, bundled into a tiny worker run
 *    by Miniflare (the workerd that wrangler uses). Inside workerd the clocks stand still while code
 *    runs, so time is taken from outside: one request doing N hashes, less an empty request, over N.
 *    The work is pure CPU (WebCrypto PBKDF2), so this wall time is CPU time.
 * 2. Login round trip on a local portal (wrangler dev, demo data), success and failure.
 * 3. How many login requests per second the route sustains from one client, and after how many it
 *    starts answering 429 (bounded loops on 127.0.0.1).
 */
import './first-tenant';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { fileURLToPath } from 'node:url';
import { currentKdf, PRODUCTION_PBKDF2_MAX_ITERATIONS } from '../../worker/accounts/password';
import { throttlePolicies } from '../../worker/accounts/throttle';
import { DEMO_CUSTOMER } from '../../db/demo/logins';
import { startPortal } from '../support/portal-server';

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { n: sorted.length, medianMs: +at(0.5).toFixed(2), p95Ms: +at(0.95).toFixed(2), minMs: +sorted[0]!.toFixed(2) };
};

async function hashCpuInWorkerd() {
  const entry = fileURLToPath(new URL('../../worker/accounts/password.ts', import.meta.url));
  const bundled = await build({
    stdin: {
      contents: `import { hashPassword, verifyPassword } from ${JSON.stringify(entry)};
export default { async fetch(request) {
  const url = new URL(request.url);
  const n = Number(url.searchParams.get('n') ?? '0');
  const op = url.searchParams.get('op') ?? 'hash';
  let stored = null;
  for (let i = 0; i < n; i++) {
    if (op === 'hash') stored = await hashPassword('correct horse battery staple ' + i);
    else await verifyPassword('correct horse battery staple', op === 'dummy' ? null : 'pbkdf2-sha256$100000$K6_wXgZ0zcPfmG9hAFxP6w$QoO2rfcUkqgNpwgosV5E2pglSoHJD64_ki5HtBI0Odk');
  }
  return new Response(stored ?? 'ok');
} };`,
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
  });
  const mf = new Miniflare({
    workers: [
      {
        config: {
          name: 'kdf-bench',
          compatibilityDate: '2026-11-01',
          manifest: { mainModule: 'index.js', modulesRoot: '/', modules: { 'index.js': { type: 'esm', contents: bundled.outputFiles[0]!.text } } },
        },
      },
    ],
  });
  try {
    const call = async (query: string) => {
      const started = performance.now();
      await (await mf.dispatchFetch(`http://bench.local/?${query}`)).text();
      return performance.now() - started;
    };
    await call('n=3'); // warm up
    const empty: number[] = [];
    for (let i = 0; i < 10; i++) empty.push(await call('n=0'));
    const baseline = stats(empty).medianMs;
    const perHash = (n: number, op: string) => async () => ((await call(`n=${n}&op=${op}`)) - baseline) / n;
    const hashes: number[] = [];
    for (let i = 0; i < 8; i++) hashes.push(await perHash(10, 'hash')());
    const dummy: number[] = [];
    for (let i = 0; i < 8; i++) dummy.push(await perHash(10, 'dummy')());
    const real: number[] = [];
    for (let i = 0; i < 8; i++) real.push(await perHash(10, 'verify')());
    return {
      parameters: { algorithm: 'PBKDF2-HMAC-SHA256', ...currentKdf, productionCap: PRODUCTION_PBKDF2_MAX_ITERATIONS, owaspRecommendation: 600_000 },
      cpuMsPerHash: stats(hashes),
      cpuMsPerVerify: stats(real),
      cpuMsPerDummyVerify: stats(dummy),
    };
  } finally {
    await mf.dispose();
  }
}

async function loginFigures() {
  const portal = await startPortal();
  const login = (email: string, password: string, ip?: string) =>
    fetch(`${portal.origin}/api/accounts/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', origin: portal.origin, ...(ip ? { 'cf-connecting-ip': ip } : {}) },
      body: JSON.stringify({ email, password }),
    });
  try {
    // Warm up the worker.
    for (let i = 0; i < 3; i++) await (await login(DEMO_CUSTOMER.email, DEMO_CUSTOMER.password)).text();
    const success: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      const res = await login(DEMO_CUSTOMER.email, DEMO_CUSTOMER.password);
      await res.text();
      if (res.status !== 200) throw new Error(`demo login answered ${res.status}`);
      success.push(performance.now() - started);
    }
    const health: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      await (await fetch(`${portal.origin}/api/health`)).text();
      health.push(performance.now() - started);
    }
    const failure: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      let started = performance.now();
      await (await login(DEMO_CUSTOMER.email, `wrong password ${i}`, `10.1.0.${i}`)).text();
      failure.push(performance.now() - started);
      started = performance.now();
      await (await login(`nobody-${i}@customers.example`, `wrong password ${i}`, `10.2.0.${i}`)).text();
      unknown.push(performance.now() - started);
    }

    // Sustained successful logins, 4 at a time, bounded to 200 requests.
    const total = 200;
    let sent = 0;
    let limited = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (sent < total) {
          sent++;
          const res = await login(DEMO_CUSTOMER.email, DEMO_CUSTOMER.password);
          await res.text();
          if (res.status === 429) limited++;
        }
      }),
    );
    const successRps = total / ((performance.now() - started) / 1000);

    // Failed logins from one client until the first 429 (bounded): one login guessed, then many.
    const untilLimited = async (make: (i: number) => Promise<Response>) => {
      const t0 = performance.now();
      for (let i = 0; i < 500; i++) {
        const res = await make(i);
        await res.text();
        if (res.status === 429) return { acceptedBeforeLimit: i, requestsPerSecond: +(i / ((performance.now() - t0) / 1000)).toFixed(1) };
      }
      return { acceptedBeforeLimit: 500, requestsPerSecond: null };
    };
    const oneLogin = await untilLimited((i) => login(DEMO_CUSTOMER.email, `guess ${i}`, '10.9.0.1'));
    const manyLogins = await untilLimited((i) => login(`stuffed-${i}@customers.example`, `guess ${i}`, '10.9.0.2'));
    return {
      loginRoundTripMs: stats(success),
      healthRoundTripMs: stats(health),
      failedLoginRoundTripMs: stats(failure),
      unknownLoginRoundTripMs: stats(unknown),
      successfulLoginsPerSecond: { concurrency: 4, requests: total, rejected429: limited, requestsPerSecond: +successRps.toFixed(1) },
      failedLoginsOneAccountOneClient: { ...oneLogin, policy: throttlePolicies.loginPair },
      failedLoginsManyAccountsOneClient: { ...manyLogins, policy: throttlePolicies.loginClient },
    };
  } finally {
    await portal.stop();
  }
}

export async function bench(): Promise<Record<string, unknown>> {
  const figures = { kdf: await hashCpuInWorkerd(), login: await loginFigures() };
  console.log('accounts bench', JSON.stringify(figures, null, 2));
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
