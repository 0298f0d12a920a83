/** Every account a login holds or was given, for the account switcher and the sharing page. */
import { inArray } from 'drizzle-orm';
import { accounts } from '../../db/schema';
import { maskAccountNumber } from '../accounts/client';
import type { AccountDeps } from '../accounts/deps';
import { accessibleAccounts, grantAllows, type AccountRight } from '../auth/account-access';
import { accountTimeZone, serviceStreet } from '../preferences/store';
import { addDays, localDay } from '../usage/time';
import { rightsOf } from './delegates';

const rightKeys: AccountRight[] = ['usage', 'billing', 'pay', 'manage', 'alerts'];

export async function sharingAccounts(deps: AccountDeps, loginId: string) {
  // A delegate left with no right at all sees nothing of the account.
  const grants = (await accessibleAccounts(deps.db, loginId)).filter((g) => rightKeys.some((r) => grantAllows(g, r))).sort((a, b) => (a.relationship === b.relationship ? a.accountId.localeCompare(b.accountId) : a.relationship === 'holder' ? -1 : 1));
  if (!grants.length) return [];
  const numbers = new Map((await deps.db.select({ id: accounts.id, number: accounts.accountNumber }).from(accounts).where(inArray(accounts.id, grants.map((g) => g.accountId)))).map((a) => [a.id, a.number]));
  return Promise.all(
    grants.map(async (g) => {
      const zone = await accountTimeZone(deps.db, g.accountId);
      return {
        account: g.accountId,
        number: maskAccountNumber(numbers.get(g.accountId) ?? ''),
        street: (await serviceStreet(deps.db, g.accountId)) ?? '',
        relationship: g.relationship,
        rights: g.relationship === 'holder' ? { usage: true, billing: true, pay: true, manage: true, alerts: true } : rightsOf(g),
        until: g.expiresAt ? addDays(localDay(Date.parse(g.expiresAt), zone), -1) : null,
      };
    }),
  );
}
