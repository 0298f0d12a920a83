import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { accountAccess } from '../../db/schema';
import { ApiError } from '../http/errors';

/** usage: see usage; billing: see bills; pay: pay them; manage: manage alerts and contact settings; alerts: be sent the account's alerts. */
export type AccountRight = 'usage' | 'billing' | 'pay' | 'manage' | 'alerts';

const rightColumn = { usage: 'canViewUsage', billing: 'canViewBilling', pay: 'canPay', manage: 'canManage', alerts: 'canReceiveAlerts' } as const;
const rightSqlColumn = { usage: 'can_view_usage', billing: 'can_view_billing', pay: 'can_pay', manage: 'can_manage', alerts: 'can_receive_alerts' } as const;

type Grant = typeof accountAccess.$inferSelect;

/** The holder has every right; a delegate only those the holder granted. */
export const grantAllows = (grant: Grant, right: AccountRight) => grant.relationship === 'holder' || grant[rightColumn[right]];

/** A grant counts until its end (a delegate's "until" date); the daily cron then removes it and tells the holder. */
const current = () => or(isNull(accountAccess.expiresAt), gt(accountAccess.expiresAt, new Date().toISOString()));

/**
 * The same rule for raw SQL: `alias` names account_access in the query. With `right`, also that
 * the grant carries it. Every raw query on account_access that decides what someone may see uses this.
 */
export function grantSql(alias: string, right?: AccountRight) {
  const live = `(${alias}.expires_at IS NULL OR ${alias}.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;
  return right ? `(${live} AND (${alias}.relationship = 'holder' OR ${alias}.${rightSqlColumn[right]} = 1))` : live;
}

/**
 * Throws 404 unless the login may exercise `right` on the account. 404 rather than 403, so that a
 * caller cannot tell someone else's account from one that does not exist.
 */
export async function assertAccountRight(db: DrizzleD1Database, loginId: string, accountId: string, right: AccountRight) {
  const [grant] = await db
    .select()
    .from(accountAccess)
    .where(and(eq(accountAccess.loginId, loginId), eq(accountAccess.accountId, accountId), current()))
    .limit(1);
  if (!grant || !grantAllows(grant, right)) throw new ApiError(404, 'not_found', 'No such account.');
  return grant;
}

/** Every account the login may see, with its relationship and rights. */
export function accessibleAccounts(db: DrizzleD1Database, loginId: string) {
  return db.select().from(accountAccess).where(and(eq(accountAccess.loginId, loginId), current()));
}

/** Ids of the accounts on which the login may exercise `right`. */
export async function accountIdsWithRight(db: DrizzleD1Database, loginId: string, right: AccountRight) {
  return (await accessibleAccounts(db, loginId)).filter((g) => grantAllows(g, right)).map((g) => g.accountId);
}

/** The accounts on which the login may exercise `right`, with their numbers, for a form's account list. */
export async function accountChoices(raw: D1Database, loginId: string, right: AccountRight) {
  const { results } = await raw
    .prepare(`SELECT a.id, a.account_number AS number FROM account_access g JOIN accounts a ON a.id = g.account_id WHERE g.login_id = ?1 AND ${grantSql('g', right)} ORDER BY a.account_number`)
    .bind(loginId)
    .all<{ id: string; number: string }>();
  return results;
}
