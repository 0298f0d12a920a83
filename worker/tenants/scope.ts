/**
 * The tenant the running code serves. The worker's three entry points (a request, a cron, a queue
 * batch: worker/tenants/entry.ts and middleware.ts) run their work inside `inTenant`, and anything
 * below asks `utility()` for the utility's name, contacts and time zone instead of importing one
 * constant. AsyncLocalStorage carries it through awaits and `waitUntil` work; code that runs
 * outside every tenant (a module's top level) throws rather than guess.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { UtilityProfile } from './profiles';
import type { Tenant } from './registry';

const scope = new AsyncLocalStorage<Tenant>();

export const inTenant = <T>(tenant: Tenant, run: () => T): T => scope.run(tenant, run);

/** The worker tests' setup and the benchmarks only: domain functions they call directly, outside any request, run as this tenant (the one whose bindings they pass). */
let outsideScope: Tenant | undefined;
export const runOutsideScopeAs = (tenant: Tenant) => {
  outsideScope = tenant;
};

export function currentTenant(): Tenant {
  const tenant = scope.getStore() ?? outsideScope;
  if (!tenant) throw new Error('No tenant: this code ran outside a request, cron or queue batch of one utility.');
  return tenant;
}

/** The current tenant's public profile. */
export const utility = (): UtilityProfile => currentTenant().profile;

/**
 * Message catalogs are written once for every tenant, so where a message gives the utility's
 * privacy address or phone number it says {privacyEmail} or {phone}; this fills them in as the
 * message is shown (worker/http/errors.ts, worker/requests/page-fill.ts).
 */
export const withContacts = (text: string) => (text.includes('{') ? text.replaceAll('{privacyEmail}', utility().emails.privacy).replaceAll('{phone}', utility().phoneDisplay) : text);
