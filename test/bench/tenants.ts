/**
 * Tenant scoping benchmark (`npm run bench`, or alone: `npx tsx test/bench/tenants.ts`): what the
 * first middleware adds to every request (worker/tenants/): pick the tenant by host, build its env
 * (worker/tenants/env.ts) and run the request inside its scope, where code asks `utility()`. Beside
 * it, in the same run: the same with the tenant's view of the env built anew each time (what the
 * per-isolate cache in worker/tenants/env.ts saves), and the env copy the D1 session middleware
 * already makes per request. Plain
 * objects stand in for the bindings (the scoping only moves references), so this runs in Node.
 */
import { fileURLToPath } from 'node:url';
import { tenantEnv } from '../../worker/tenants/env';
import { tenantForHost, tenants } from '../../worker/tenants/registry';
import { inTenant, utility } from '../../worker/tenants/scope';
import { generateDevSecrets } from '../../db/demo/dev-secrets';

const ROUNDS = 20;
const PER_ROUND = 20_000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export async function bench(): Promise<Record<string, unknown>> {
  const binding = () => ({ prepare() {}, batch() {}, withSession() {} });
  const queue = { send: async () => {}, sendBatch: async () => {} };
  const env = {
    ...(await generateDevSecrets()),
    DB: binding(), USAGE_SHARD_1: binding(), USAGE_SHARD_2: binding(), JUNIPER_VALLEY_DB: binding(), JUNIPER_VALLEY_USAGE_SHARD_1: binding(),
    BILL_DOCUMENTS: {}, MESSAGE_ATTACHMENTS: {}, PROGRAM_DOCUMENTS: {}, EMAIL: {}, ALERT_QUEUE: queue, CONNECT_NOTIFY_QUEUE: queue,
    ASSETS: { fetch: async () => new Response(), connect() {} },
    PORTAL_ORIGIN: 'http://localhost:8787', ENVIRONMENT: 'development', SMS_FROM: '+12095550199', JUNIPER_VALLEY_SMS_FROM: '+15305550198',
  } as unknown as Env;
  const hosts = ['localhost:8787', 'juniper-valley.localhost:8787'];
  const scoped: number[] = [];
  const rebuilt: number[] = [];
  const copied: number[] = [];
  let sink = 0;
  const request = (deployment: Env, i: number) => {
    const tenant = tenantForHost(hosts[i % 2]!, deployment)!;
    const own = tenantEnv(deployment, tenant);
    return inTenant(tenant, () => utility().name.length + (own.DB ? 1 : 0));
  };
  const perCall = (started: number) => ((performance.now() - started) * 1000) / PER_ROUND;
  for (let round = 0; round < ROUNDS; round++) {
    // The three take turns, so the machine's noise falls on all alike.
    let started = performance.now();
    for (let i = 0; i < PER_ROUND; i++) sink += request(env, i);
    scoped.push(perCall(started));
    // A fresh env object each time defeats the per-isolate cache: the tenant's view is built anew.
    started = performance.now();
    for (let i = 0; i < PER_ROUND; i++) sink += request({ ...env }, i);
    rebuilt.push(perCall(started));
    started = performance.now();
    for (let i = 0; i < PER_ROUND; i++) {
      const copy = { ...env, DB: env.DB };
      sink += copy.DB ? 1 : 0;
    }
    copied.push(perCall(started));
  }
  if (sink === 0) throw new Error('nothing ran');
  const figures = {
    tenants: tenants.length,
    bindings: Object.keys(env).length,
    scopeMicroseconds: Number(median(scoped).toFixed(2)),
    scopeBuildingTheViewMicroseconds: Number(median(rebuilt).toFixed(2)),
    envCopyMicroseconds: Number(median(copied).toFixed(2)),
    scopeOverEnvCopy: Number((median(scoped) / median(copied)).toFixed(1)),
  };
  console.log('\nTenant scope per request (host → tenant, its env, its scope), µs, medians of 20 rounds');
  console.table(figures);
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
