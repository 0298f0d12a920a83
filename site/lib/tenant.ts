/**
 * The utility this build of the site is for. `npm run build` builds the site once per tenant
 * (PORTAL_TENANT=<id>, into dist/<id>/: scripts/build-sites.ts); the worker serves each host its
 * tenant's build. Without PORTAL_TENANT (astro check, astro dev) it is the first tenant.
 */
import { DEFAULT_TENANT, tenantById } from '../../worker/tenants/registry';

const id = process.env.PORTAL_TENANT ?? DEFAULT_TENANT.id;
const tenant = tenantById(id);
if (!tenant) throw new Error(`PORTAL_TENANT=${id} is no tenant of worker/tenants/registry.ts`);

export const buildTenant = tenant;
export const utility = tenant.profile;

/** Whether this utility supplies electricity too: pages that talk about power say so only then. */
export const suppliesElectricity = utility.services.includes('electricity');

/** What the utility supplies, in words for a sentence. */
export const supplies = suppliesElectricity
  ? { en: 'water and electricity', enShort: 'water and power', es: 'agua y electricidad' }
  : { en: 'water', enShort: 'water', es: 'agua' };
