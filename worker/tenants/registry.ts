/**
 * Which utility a request is for, and where its data lives. One deployment serves every tenant
 * listed here; a tenant is chosen by the request's host name and nothing else (never by a
 * parameter a caller could change).
 *
 * Each tenant has its own primary D1 database, usage shards, secrets and queue messages: bindings
 * named with its `bindingPrefix` (JUNIPER_VALLEY_DB, JUNIPER_VALLEY_USAGE_SHARD_1,
 * JUNIPER_VALLEY_LINK_SIGNING_SECRET, …). The first tenant's prefix is empty: a one-utility
 * deployment keeps the names it had (DB, USAGE_SHARD_1, LINK_SIGNING_SECRET). worker/tenants/env.ts
 * turns the deployment's env into one tenant's, so code past it cannot reach another tenant's data.
 */
import { alderCreek, juniperValley, type UtilityProfile } from './profiles';

export type Tenant = {
  id: string;
  profile: UtilityProfile;
  /** The host names it answers on in production; the first is its canonical origin (links in mail, passkeys, OAuth issuer). */
  hosts: readonly string[];
  bindingPrefix: string;
};

export const tenants: readonly Tenant[] = [
  { id: alderCreek.id, profile: alderCreek, hosts: ['portal.aldercreek-utility.example'], bindingPrefix: '' },
  { id: juniperValley.id, profile: juniperValley, hosts: ['myaccount.junipervalley-water.example'], bindingPrefix: 'JUNIPER_VALLEY_' },
];

export const DEFAULT_TENANT = tenants[0]!;

export const tenantById = (id: string) => tenants.find((t) => t.id === id);

type Deployment = { ENVIRONMENT: string; PORTAL_ORIGIN: string };

const isProduction = (env: Deployment) => env.ENVIRONMENT === 'production';

/**
 * The tenant a host belongs to. In production: one of its listed hosts, exactly; any other host
 * belongs to none. In development (wrangler dev, the tests) every tenant but the first answers on
 * `<id>.<development host>` (juniper-valley.localhost:8787) and the first on any other host, so
 * that local tools and tests that address `localhost` keep reaching it.
 */
export function tenantForHost(host: string, env: Deployment): Tenant | undefined {
  const name = host.toLowerCase().replace(/:\d+$/, '');
  if (isProduction(env)) return tenants.find((t) => t.hosts.includes(name));
  const label = name.split('.')[0];
  return tenants.find((t) => t !== DEFAULT_TENANT && t.id === label && name !== label) ?? DEFAULT_TENANT;
}

/** The origin a tenant's links point to: its first host in production; locally, the development origin (with `<id>.` before its host for the others). */
export function tenantOrigin(tenant: Tenant, env: Deployment): string {
  if (isProduction(env)) return `https://${tenant.hosts[0]}`;
  if (tenant === DEFAULT_TENANT) return env.PORTAL_ORIGIN;
  const url = new URL(env.PORTAL_ORIGIN);
  url.hostname = `${tenant.id}.${url.hostname}`;
  return url.origin;
}
