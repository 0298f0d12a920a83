/**
 * Where a sign-in goes next when it did not start on the sign-in page: an application's Connect My
 * Data request (GET /api/connect/authorize?…) that found the customer signed out. The request's
 * address waits in the strictly necessary `__Host-sign-in-return` cookie (10 minutes) through the
 * password, the second factor or a passkey, and the sign-in that completes takes it. Only that
 * address is ever kept, so the cookie cannot send anyone elsewhere.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { clearRegisteredCookie, setRegisteredCookie } from '../http/cookies';

export const SIGN_IN_RETURN_COOKIE = '__Host-sign-in-return';
const AUTHORIZE = '/api/connect/authorize?';

/** The path and query when it is an authorisation request of ours; else null. */
export function signInReturnPath(path: string | undefined): string | null {
  if (!path || path.length > 2000 || !path.startsWith(AUTHORIZE)) return null;
  // Path and query characters only: nothing that could end the path or reach another host.
  return /^[A-Za-z0-9/_.~%=&?+-]*$/.test(path) ? path : null;
}

/** Keeps the request the customer will come back to once signed in. */
export function rememberSignInReturn(c: Context<AppEnv>, path: string) {
  const safe = signInReturnPath(path);
  if (safe) setRegisteredCookie(c, SIGN_IN_RETURN_COOKIE, safe);
}

/** The page a completed sign-in goes to: the kept request (then forgotten), else `fallback`. */
export function afterSignIn(c: Context<AppEnv>, fallback: string): string {
  const kept = signInReturnPath(getCookie(c, SIGN_IN_RETURN_COOKIE));
  if (getCookie(c, SIGN_IN_RETURN_COOKIE) !== undefined) clearRegisteredCookie(c, SIGN_IN_RETURN_COOKIE);
  return kept ?? fallback;
}
