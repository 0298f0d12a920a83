/**
 * Passkeys benchmark (`npm run bench`, or alone: `npx tsx test/bench/passkeys.ts`). Needs `dist/`.
 *
 * 1. CPU per passkey verification in workerd beside one password verification, in the same run:
 *    the library call the portal makes (@simplewebauthn/server's verifyAuthenticationResponse with
 *    the portal's parameters: client data, RP id hash, flags, counter, ES256 signature) and the
 *    portal's own verifyPassword (PBKDF2 at the production cap), bundled into one tiny worker run
 *    by Miniflare. As in the accounts bench, time is taken from outside (workerd's clocks stand
 *    still while code runs): one request doing N operations, less an empty request, over N.
 * 2. Sign-in round trip on a local portal (wrangler dev, demo data): a passkey sign-in (asking for
 *    the challenge, then posting the signed answer; the authenticator's own signing is timed apart)
 *    beside a password sign-in of a login with no second factor.
 * 3. The worker bundle as `wrangler deploy --dry-run --outdir` writes it, raw and gzipped.
 */
import './first-tenant';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { DEMO_CUSTOMER } from '../../db/demo/logins';
import { demoRegistrationFacts } from '../../db/demo/facts';
import { startPortal, toolEnv } from '../support/portal-server';
import { SoftAuthenticator } from '../worker/support/passkey-authenticator';

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { n: sorted.length, medianMs: +at(0.5).toFixed(3), p95Ms: +at(0.95).toFixed(3), minMs: +sorted[0]!.toFixed(3) };
};

async function verificationCpuInWorkerd() {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const bundled = await build({
    stdin: {
      contents: `import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { verifyPassword } from './worker/accounts/password';
import { SoftAuthenticator, TEST_ORIGIN, TEST_RP_ID } from './test/worker/support/passkey-authenticator';
let fixture = null;
async function setUp() {
  const authenticator = await SoftAuthenticator.create();
  const registration = await authenticator.register({ rp: { id: TEST_RP_ID, name: 'Bench' }, user: { id: 'dXNlcg', name: 'bench', displayName: 'bench' }, challenge: 'cmVnaXN0ZXI', pubKeyCredParams: [] });
  const { decodeAttestationObject, parseAuthenticatorData } = await import('@simplewebauthn/server/helpers');
  const parsed = parseAuthenticatorData(decodeAttestationObject(isoBase64URL.toBuffer(registration.response.attestationObject)).get('authData'));
  const response = await authenticator.assert({ challenge: 'YmVuY2gtY2hhbGxlbmdl', rpId: TEST_RP_ID });
  fixture = { response, credential: { id: authenticator.id, publicKey: parsed.credentialPublicKey, counter: 0 } };
}
export default { async fetch(request) {
  const url = new URL(request.url);
  const n = Number(url.searchParams.get('n') ?? '0');
  const op = url.searchParams.get('op') ?? 'passkey';
  if (!fixture) await setUp();
  for (let i = 0; i < n; i++) {
    if (op === 'passkey') {
      const result = await verifyAuthenticationResponse({ response: { ...fixture.response, clientExtensionResults: {} }, expectedChallenge: 'YmVuY2gtY2hhbGxlbmdl', expectedOrigin: TEST_ORIGIN, expectedRPID: TEST_RP_ID, credential: fixture.credential, requireUserVerification: true });
      if (!result.verified) throw new Error('not verified');
    } else {
      await verifyPassword('correct horse battery staple', 'pbkdf2-sha256$100000$K6_wXgZ0zcPfmG9hAFxP6w$QoO2rfcUkqgNpwgosV5E2pglSoHJD64_ki5HtBI0Odk');
    }
  }
  return new Response('ok');
} };`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    write: false,
  });
  const mf = new Miniflare({
    workers: [
      {
        config: {
          name: 'passkey-bench',
          compatibilityDate: '2026-11-01',
          compatibilityFlags: ['nodejs_compat'],
          manifest: { mainModule: 'index.js', modulesRoot: '/', modules: { 'index.js': { type: 'esm', contents: bundled.outputFiles[0]!.text } } },
        },
      },
    ],
  });
  try {
    const call = async (query: string) => {
      const started = performance.now();
      const res = await mf.dispatchFetch(`http://bench.local/?${query}`);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`bench worker answered ${res.status}: ${text}`);
      return performance.now() - started;
    };
    await call('n=3&op=passkey'); // warm up (and make the fixture)
    await call('n=1&op=password');
    const empty: number[] = [];
    for (let i = 0; i < 10; i++) empty.push(await call('n=0'));
    const baseline = stats(empty).medianMs;
    const per = async (n: number, op: string) => ((await call(`n=${n}&op=${op}`)) - baseline) / n;
    // Alternate the two, so both see the same machine load.
    const passkey: number[] = [];
    const password: number[] = [];
    for (let i = 0; i < 8; i++) {
      passkey.push(await per(50, 'passkey'));
      password.push(await per(5, 'password'));
    }
    const p = stats(passkey);
    const w = stats(password);
    return { cpuMsPerPasskeyVerification: p, cpuMsPerPasswordVerification: w, passwordOverPasskey: +(w.medianMs / p.medianMs).toFixed(1) };
  } finally {
    await mf.dispose();
  }
}

async function signInRoundTrips() {
  const portal = await startPortal();
  const origin = portal.origin;
  let ip = 0;
  const nextIp = () => `2001:db8:b3c4:${(++ip).toString(16)}::1`;
  const post = (path: string, body: unknown, cookie?: string, client = nextIp()) =>
    fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', origin, 'cf-connecting-ip': client, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
  const cookieOf = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(';')[0] ?? null;
  try {
    // A new customer of a demo account no other bench uses, with a passkey.
    const facts = demoRegistrationFacts('acct-0241');
    const email = `bench-passkey-${Date.now()}@customers.example`;
    const password = 'a heron fishing at first light';
    if ((await post('/api/accounts/register', { accountNumber: facts.accountNumber, serviceZip: facts.serviceZip, lastBillAmount: facts.lastBillAmount, email, password })).status !== 200) throw new Error('registration failed');
    const outbox = await (await fetch(`${origin}/dev/outbox/`)).text();
    const mail = outbox.split('<li class="mail"').find((m) => m.includes(email) && m.includes('verify-email'))!;
    if ((await post('/api/accounts/verify-email', { token: /#token=([A-Za-z0-9._~-]+)/.exec(mail)![1] })).status !== 200) throw new Error('verification failed');
    const session = cookieOf(await post('/api/accounts/login', { email, password }), '__Host-session')!;
    const authenticator = await SoftAuthenticator.create();
    const client = nextIp();
    const creation = await (await post('/api/accounts/passkeys/register/options', {}, session, client)).json<PublicKeyCredentialCreationOptionsJSON>();
    const registered = await post('/api/accounts/passkeys/register', { name: 'Bench key', credential: await authenticator.register(creation, { origin }) }, session, client);
    if (registered.status !== 200) throw new Error(`passkey registration answered ${registered.status}: ${await registered.text()}`);

    const passkeyOnce = async () => {
      const client = nextIp();
      const t0 = performance.now();
      const optionsRes = await post('/api/accounts/passkeys/sign-in/options', {}, undefined, client);
      const options = await optionsRes.json<PublicKeyCredentialRequestOptionsJSON>();
      const t1 = performance.now();
      const credential = await authenticator.assert(options, { origin });
      const t2 = performance.now();
      const res = await post('/api/accounts/passkeys/sign-in', { credential }, cookieOf(optionsRes, '__Host-passkey-attempt')!, client);
      await res.text();
      const t3 = performance.now();
      if (res.status !== 200) throw new Error(`passkey sign-in answered ${res.status}`);
      return { total: t1 - t0 + (t3 - t2), options: t1 - t0, verify: t3 - t2, signing: t2 - t1 };
    };
    const passwordOnce = async () => {
      const t0 = performance.now();
      const res = await post('/api/accounts/login', { email: DEMO_CUSTOMER.email, password: DEMO_CUSTOMER.password });
      await res.text();
      if (res.status !== 200) throw new Error(`password sign-in answered ${res.status}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < 3; i++) {
      await passkeyOnce();
      await passwordOnce();
    }
    const passkey: Awaited<ReturnType<typeof passkeyOnce>>[] = [];
    const passwordRuns: number[] = [];
    for (let i = 0; i < 30; i++) {
      passkey.push(await passkeyOnce());
      passwordRuns.push(await passwordOnce());
    }
    return {
      passkeySignInRoundTripMs: stats(passkey.map((p) => p.total)),
      passkeyChallengeRequestMs: stats(passkey.map((p) => p.options)),
      passkeyVerifyRequestMs: stats(passkey.map((p) => p.verify)),
      authenticatorSigningMs: stats(passkey.map((p) => p.signing)),
      passwordSignInRoundTripMs: stats(passwordRuns),
    };
  } finally {
    await portal.stop();
  }
}

function bundleSize() {
  const out = mkdtempSync(join(tmpdir(), 'portal-bundle-'));
  try {
    const result = spawnSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', out], { env: toolEnv, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${result.stdout}\n${result.stderr}`);
    const code = readFileSync(join(out, 'index.js'));
    return { workerBundleKiB: +(code.length / 1024).toFixed(1), workerBundleGzipKiB: +(gzipSync(code, { level: 9 }).length / 1024).toFixed(1), wranglerReports: /Total Upload: ([^\n]*)/.exec(result.stdout)?.[1] ?? null };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function bench(): Promise<Record<string, unknown>> {
  const figures = { verification: await verificationCpuInWorkerd(), signIn: await signInRoundTrips(), bundle: bundleSize() };
  console.log('passkeys bench', JSON.stringify(figures, null, 2));
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
