/** Every account a login holds or was given, for the account switcher and the sharing page. */
import { inArray } from 'drizzle-orm';
import { accounts } from '../../db/schema';
import { maskAccountNumber } from '../accounts/client';
import type { AccountDeps } from '../accounts/deps';
import { accessibleAccounts } from '../auth/account-access';
import { accountTimeZone, serviceStreet } from '../preferences/store';
import { addDays, localDay } from '../usage/time';
import { rightsOf } from './delegates';

export async function sharingAccounts(deps: AccountDeps, loginId: string) {
  const grants = (await accessibleAccounts(deps.db, loginId)).sort((a, b) => (a.relationship === b.relationship ? a.accountId.localeCompare(b.accountId) : a.relationship === 'holder' ? -1 : 1));
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
