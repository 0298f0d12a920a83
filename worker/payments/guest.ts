/**
 * Paying without signing in: the account number and the service ZIP code find the account; the
 * visitor learns the amount due and nothing else (no name, address, due date or history), then
 * hands off to the processor as a signed-in customer would. Each step proves the pair again, so
 * no token stands for an account between the pages.
 *
 * Guessing is throttled (limits in worker/accounts/throttle.ts): every look-up from one client
 * counts (30 an hour), misses from one client (10 an hour) and misses for one account number
 * (5 an hour) lock for 15 minutes, doubling up to a day. A miss and a hit cost the same queries.
 */
import { lockedUntil, recordFailure, throttle, type Throttle } from '../accounts/throttle';
import { ApiError } from '../http/errors';
import type { GuestLookupBody } from '../shared/payment-forms';
import { amountDueCents } from './amount-due';
import { auditStatement, orm } from './d1';
import type { PaymentDeps } from './deps';

export const notMatched = () =>
  new ApiError(422, 'account_not_matched', 'We could not find an account with that account number and service ZIP code. Check both and try again.', [
    { field: 'accountNumber', message: 'does not match a service ZIP code we know' },
  ]);

export const tooManyLookups = () =>
  new ApiError(429, 'too_many_attempts', 'Too many look-ups from here. Please wait a while, sign in, or call us to pay by phone.');

async function guards(deps: PaymentDeps, accountNumber: string) {
  const all = await throttle(deps.secret, 'guestPayClient', deps.client);
  const missClient = await throttle(deps.secret, 'guestPayMissClient', deps.client);
  const missAccount = await throttle(deps.secret, 'guestPayMissAccount', accountNumber);
  return { all, misses: [missClient, missAccount] as Throttle[] };
}

/** The account matching number and ZIP, or null. The same two queries run whatever fails. */
async function matchAccount(db: D1Database, body: GuestLookupBody): Promise<string | null> {
  const account = await db.prepare('SELECT id FROM accounts WHERE account_number = ?1 LIMIT 1').bind(body.accountNumber).first<{ id: string }>();
  const zip = await db
    .prepare('SELECT 1 AS ok FROM service_points WHERE account_id = ?1 AND substr(postal_code, 1, 5) = ?2 LIMIT 1')
    .bind(account?.id ?? '', body.serviceZip)
    .first<{ ok: number }>();
  return account && zip ? account.id : null;
}

/**
 * Proves number and ZIP and returns the account and its amount due. `purpose` only labels the
 * audit: the look-up and the hand-off after it each count against the limits.
 */
export async function provenGuestAccount(deps: PaymentDeps, body: GuestLookupBody, purpose: 'lookup' | 'pay') {
  const { db, now } = deps;
  const g = await guards(deps, body.accountNumber);
  if (await lockedUntil(orm(db), [g.all, ...g.misses], now)) {
    await auditStatement(db, { event: 'guest_pay.refused_locked' }).run();
    throw tooManyLookups();
  }
  const accountId = await matchAccount(db, body);
  const locked = await recordFailure(orm(db), accountId ? [g.all] : [g.all, ...g.misses], now);
  if (!accountId) {
    await db.batch([auditStatement(db, { event: 'guest_pay.miss', detail: { purpose } }), ...locked.map((scope) => auditStatement(db, { event: 'guest_pay.lockout', detail: { scope } }))]);
    throw notMatched();
  }
  await auditStatement(db, { event: `guest_pay.${purpose}`, subjectAccountId: accountId }).run();
  return { accountId, amountDueCents: await amountDueCents(db, accountId) };
}
