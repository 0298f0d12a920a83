import { and, eq } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { accountAccess } from '../../db/schema';
import { ApiError } from '../http/errors';

export type AccountRight = 'usage' | 'billing' | 'manage';

const rightColumn = { usage: 'canViewUsage', billing: 'canViewBilling', manage: 'canManage' } as const;

type Grant = typeof accountAccess.$inferSelect;

/** The holder has every right; a delegate only those the holder granted. */
const grantAllows = (grant: Grant, right: AccountRight) => grant.relationship === 'holder' || grant[rightColumn[right]];

/**
 * Throws 404 unless the login may exercise `right` on the account. 404 rather than 403, so that a
 * caller cannot tell someone else's account from one that does not exist.
 */
export async function assertAccountRight(db: DrizzleD1Database, loginId: string, accountId: string, right: AccountRight) {
  const [grant] = await db
    .select()
    .from(accountAccess)
    .where(and(eq(accountAccess.loginId, loginId), eq(accountAccess.accountId, accountId)))
    .limit(1);
  if (!grant || !grantAllows(grant, right)) throw new ApiError(404, 'not_found', 'No such account.');
  return grant;
}

/** Every account the login may see, with its relationship and rights. */
export function accessibleAccounts(db: DrizzleD1Database, loginId: string) {
  return db.select().from(accountAccess).where(eq(accountAccess.loginId, loginId));
}

/** Ids of the accounts on which the login may exercise `right`. */
export async function accountIdsWithRight(db: DrizzleD1Database, loginId: string, right: AccountRight) {
  return (await accessibleAccounts(db, loginId)).filter((g) => grantAllows(g, right)).map((g) => g.accountId);
}
