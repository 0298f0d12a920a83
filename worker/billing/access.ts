/**
 * Who may see billing: the account's holder, and delegates the holder gave the billing right
 * (account_access.can_view_billing). Everything billing shows is reached through these checks,
 * which answer 404 alike for "no such thing" and "not yours", so that nobody can probe for
 * another customer's accounts or bills.
 */
import { drizzle } from 'drizzle-orm/d1';
import { assertAccountRight } from '../auth/account-access';
import { ApiError } from '../http/errors';
import { billAccount } from './bills';

/** The caller's grant on the account, with whether it also carries the usage right; 404 without the billing right. */
export async function assertBillingRight(db: D1Database, loginId: string, accountId: string) {
  const grant = await assertAccountRight(drizzle(db), loginId, accountId, 'billing');
  return { relationship: grant.relationship, canViewUsage: grant.relationship === 'holder' || grant.canViewUsage };
}

/** The bill's account once the caller is known to hold the billing right on it; 404 otherwise. */
export async function billForCaller(db: D1Database, loginId: string, billId: string) {
  const accountId = await billAccount(db, billId);
  const notFound = new ApiError(404, 'not_found', 'No such bill.');
  if (!accountId) throw notFound;
  const grant = await assertBillingRight(db, loginId, accountId).catch(() => {
    throw notFound;
  });
  return { accountId, ...grant };
}
