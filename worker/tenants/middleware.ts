import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-types';
import { errorResponse } from '../http/errors';
import { tenantEnv, tenantOfEnv } from './env';
import { tenantForHost } from './registry';
import { inTenant } from './scope';

/**
 * The first middleware of the app: picks the tenant by the request's host, gives the request that
 * tenant's env (worker/tenants/env.ts) and runs everything after inside it. A host that belongs to
 * no tenant is refused before any binding is touched.
 */
export const tenantScope = createMiddleware<AppEnv>(async (c, next) => {
  const tenant = tenantForHost(new URL(c.req.url).host, c.env);
  const scopedTo = tenantOfEnv(c.env);
  // A request the worker hands to itself (the development stand-ins) keeps its caller's env, and
  // must be for the same tenant.
  if (!tenant || (scopedTo !== undefined && scopedTo !== tenant.id)) {
    return errorResponse(c, 404, { code: 'unknown_host', message: 'No utility is served at this address.' });
  }
  if (scopedTo === undefined) c.env = tenantEnv(c.env, tenant);
  return inTenant(tenant, next);
});
