import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import type { AppEnv } from '../app-types';
import { findRegisteredCookie, type CookieCategory } from '../shared/cookie-registry';

export class UnregisteredCookieError extends Error {}
export class UnconsentedCookieError extends Error {}

/** The categories the visitor allows on this request, from `c.var.consent` (no consent context: necessary only). */
export function allowedCategories(c: Context<AppEnv>): CookieCategory[] {
  const allowed = c.get('consent')?.allowed;
  const categories: CookieCategory[] = ['necessary'];
  if (allowed?.preferences) categories.push('preferences');
  if (allowed?.analytics) categories.push('analytics');
  return categories;
}

/**
 * The only way the worker sets a cookie. Refuses a name missing from the registry, and a
 * non-necessary cookie unless the visitor's own consent for this request (`c.var.consent`, read
 * from the signed consent cookie and any GPC signal by consentContext) allows its category.
 * `allowed`, if given, can only narrow that further. Attributes are fixed here: Secure, Path=/,
 * SameSite=Lax, HttpOnly as registered.
 */
export function setRegisteredCookie(
  c: Context<AppEnv>,
  name: string,
  value: string,
  options: { allowed?: readonly CookieCategory[]; persistent?: boolean; maxAgeSeconds?: number } = {},
) {
  const entry = findRegisteredCookie(name);
  if (!entry) throw new UnregisteredCookieError(`Cookie "${name}" is not in the cookie registry.`);
  if (entry.category !== 'necessary') {
    const consented = allowedCategories(c).includes(entry.category);
    const narrowedOut = options.allowed !== undefined && !options.allowed.includes(entry.category);
    if (!consented || narrowedOut) {
      throw new UnconsentedCookieError(`Cookie "${name}" is in category "${entry.category}", which the visitor has not allowed.`);
    }
  }
  const attributes: CookieOptions = { path: '/', secure: true, httpOnly: entry.httpOnly, sameSite: 'Lax' };
  const maxAge = options.maxAgeSeconds ?? (options.persistent === false ? null : entry.maxAgeSeconds);
  if (maxAge !== null && maxAge !== undefined) attributes.maxAge = maxAge;
  // Registry names carry their own `__Host-` prefix; these attributes (Secure, Path=/, no Domain) satisfy it.
  setCookie(c, name, value, attributes);
}

export function clearRegisteredCookie(c: Context, name: string) {
  if (!findRegisteredCookie(name)) throw new UnregisteredCookieError(`Cookie "${name}" is not in the cookie registry.`);
  deleteCookie(c, name, { path: '/', secure: true });
}
