/**
 * Throttles for what an anonymous visitor can repeat without limit otherwise: recording a cookie
 * choice, sending a visit beacon. Counted per client network in D1 by worker/accounts/throttle.ts
 * (a keyed hash of the network, see clientNetwork; the address itself is never stored).
 */
import { drizzle } from 'drizzle-orm/d1';
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { clientHash, lockedUntil, recordFailure, throttle, type ThrottleKind } from '../accounts/throttle';

/**
 * Takes one unit of this client's allowance under `kind`: false while the client is locked out
 * (nothing is counted then), true otherwise. The unit that reaches the policy's limit still passes
 * and starts the lock.
 */
export async function takeClientAllowance(c: Context<AppEnv>, kind: ThrottleKind, now = new Date()): Promise<boolean> {
  const db = drizzle(c.env.DB);
  const secret = c.env.LINK_SIGNING_SECRET;
  const counter = await throttle(secret, kind, await clientHash(secret, c.req.header('cf-connecting-ip')));
  if (await lockedUntil(db, [counter], now)) return false;
  await recordFailure(db, [counter], now);
  return true;
}
