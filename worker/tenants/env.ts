/**
 * One tenant's view of the deployment's bindings: the only env the rest of the worker sees.
 * - Its own databases, secrets and settings under their plain names: a tenant with the prefix
 *   JUNIPER_VALLEY_ gets JUNIPER_VALLEY_DB as DB, JUNIPER_VALLEY_USAGE_SHARD_1 as USAGE_SHARD_1,
 *   and so on; every binding of another tenant is left out, so no query can reach its rows.
 * - PORTAL_ORIGIN is the tenant's own origin.
 * - ASSETS serves the tenant's own build of the site (dist/<tenant id>/): every path is looked up
 *   under that directory, so another tenant's pages cannot be asked for.
 * - Messages sent to the queues carry the tenant, so their consumer runs in it (entry.ts).
 * R2 objects and mail need no mapping: their keys and addresses come from the tenant's own rows.
 */
import { SHARD_BINDING } from '../usage/shards';
import { tenantOrigin, tenants, type Tenant } from './registry';

/** What every tenant must have of its own; a prefixed tenant missing one is a deployment error, not a fallback to the first tenant's. */
export const TENANT_OWN = ['DB', 'USAGE_SHARD_1', 'LINK_SIGNING_SECRET', 'RECEIPT_SIGNING_JWKS', 'TOTP_ENCRYPTION_KEYS', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'SMS_FROM'] as const;

/** Marks an env that is already one tenant's (a request the worker hands to itself passes it along). */
export const TENANT_OF_ENV = '__tenant';

export type TenantMessage = { tenant: string; body: unknown };

const isTenantMessage = (body: unknown): body is TenantMessage =>
  typeof body === 'object' && body !== null && Object.keys(body).length === 2 && typeof (body as TenantMessage).tenant === 'string' && 'body' in body;

/** The tenant a queued message belongs to and its own body; a message without one (sent before tenants) is the first tenant's. */
export const unwrapMessage = (body: unknown): { tenant: string | undefined; body: unknown } => (isTenantMessage(body) ? body : { tenant: undefined, body });

function stampedQueue(queue: Queue, tenant: Tenant): Queue {
  return {
    send: (body, options) => queue.send({ tenant: tenant.id, body } satisfies TenantMessage, options),
    sendBatch: (messages, options) => queue.sendBatch([...messages].map((m) => ({ ...m, body: { tenant: tenant.id, body: m.body } satisfies TenantMessage })), options),
  } as Queue;
}

function prefixedAssets(assets: Fetcher, tenant: Tenant): Fetcher {
  const prefix = `/${tenant.id}`;
  return {
    async fetch(input: RequestInfo | URL, init?: RequestInit) {
      const request = new Request(input, init);
      const url = new URL(request.url);
      url.pathname = `${prefix}${url.pathname}`;
      const res = await assets.fetch(new Request(url, request));
      const location = res.headers.get('location');
      // The assets' own redirects (a missing trailing slash) name the directory inside the build.
      if (!location?.startsWith(prefix)) return res;
      const headers = new Headers(res.headers);
      headers.set('location', location.slice(prefix.length) || '/');
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    },
    connect: assets.connect.bind(assets),
  } as Fetcher;
}

/**
 * The deployment's env object lives as long as the isolate, so each tenant's view of it is built
 * once (test/bench/tenants.ts measures both).
 */
const views = new WeakMap<Env, Map<Tenant, Env>>();

export function tenantEnv(env: Env, tenant: Tenant): Env {
  let byTenant = views.get(env);
  if (!byTenant) views.set(env, (byTenant = new Map()));
  let view = byTenant.get(tenant);
  if (!view) byTenant.set(tenant, (view = buildTenantEnv(env, tenant)));
  return view;
}

function buildTenantEnv(env: Env, tenant: Tenant): Env {
  const others = tenants.filter((t) => t !== tenant && t.bindingPrefix).map((t) => t.bindingPrefix);
  const own: Record<string, unknown> = {};
  const shared: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (others.some((p) => name.startsWith(p))) continue;
    if (tenant.bindingPrefix && name.startsWith(tenant.bindingPrefix)) own[name.slice(tenant.bindingPrefix.length)] = value;
    // A prefixed tenant's shards are its own only; the unprefixed ones are the first tenant's.
    else if (!(tenant.bindingPrefix && (SHARD_BINDING.test(name) || (TENANT_OWN as readonly string[]).includes(name)))) shared[name] = value;
  }
  const missing = TENANT_OWN.filter((name) => !(name in own) && !(name in shared));
  if (missing.length) throw new Error(`Tenant ${tenant.id} has no ${missing.map((m) => tenant.bindingPrefix + m).join(', ')}.`);
  const scoped = { ...shared, ...own } as unknown as Env;
  return {
    ...scoped,
    PORTAL_ORIGIN: tenantOrigin(tenant, env),
    // (A benchmark's or the demo loader's platform proxy may lack these.)
    ...(env.ASSETS ? { ASSETS: prefixedAssets(env.ASSETS, tenant) } : {}),
    ...(env.ALERT_QUEUE ? { ALERT_QUEUE: stampedQueue(env.ALERT_QUEUE, tenant) } : {}),
    ...(env.CONNECT_NOTIFY_QUEUE ? { CONNECT_NOTIFY_QUEUE: stampedQueue(env.CONNECT_NOTIFY_QUEUE, tenant) } : {}),
    [TENANT_OF_ENV]: tenant.id,
  } as Env;
}

export const tenantOfEnv = (env: Env): string | undefined => (env as unknown as Record<string, unknown>)[TENANT_OF_ENV] as string | undefined;
