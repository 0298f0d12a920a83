/**
 * The billing overview of a signed-in login: for each account it may see bills of (holder, or
 * delegate with the billing right), the balance and what is due by when, the last bill, whether
 * paperless billing and autopay are on, and the last billing period's use beside a year before
 * (only with the usage right too). Three round trips to D1 whatever the number of accounts.
 */
import { maskAccountNumber } from '../accounts/client';
import { grantSql } from '../auth/account-access';
import { billingOptionsFor, type BillingOptions } from '../payments/options';
import type { UsageShards } from '../usage/shards';
import { localDay } from '../usage/time';
import { balanceFromResults, balanceStatements, dueStatus, type Balance, type DueStatus } from './balance';
import { latestBillStatements, readLatestBill, type BillSummary } from './bills';
import { accountMetersFrom, accountMetersStatement, periodUse, type MeterUse } from './use';

export type AccountBilling = {
  accountId: string;
  /** Masked, as everywhere on the customer's pages. */
  number: string;
  relationship: 'holder' | 'delegate';
  balance: Balance;
  due: DueStatus;
  lastBill: BillSummary | null;
  options: BillingOptions;
  /** The last bill's period; null without the usage right or without a bill. */
  use: MeterUse[] | null;
};

type Grant = { accountId: string; relationship: 'holder' | 'delegate'; canViewUsage: number; accountNumber: string; timeZone: string };

/** The accounts whose bills the login may see, with the usage right beside. */
export function billingGrantsStatement(db: D1Database, loginId: string) {
  return db
    .prepare(
      `SELECT g.account_id AS accountId, g.relationship, (g.relationship = 'holder' OR g.can_view_usage) AS canViewUsage, a.account_number AS accountNumber, u.time_zone AS timeZone
       FROM account_access g JOIN accounts a ON a.id = g.account_id JOIN utilities u ON u.id = a.utility_id
       WHERE g.login_id = ?1 AND ${grantSql('g', 'billing')} ORDER BY g.account_id`,
    )
    .bind(loginId);
}

export async function billingOverview(db: D1Database, shards: UsageShards, loginId: string, now = new Date()): Promise<AccountBilling[]> {
  const grants = (await billingGrantsStatement(db, loginId).all<Grant>()).results;
  if (!grants.length) return [];
  const perAccount = grants.map((g) => [...balanceStatements(db, g.accountId), ...latestBillStatements(db, g.accountId), accountMetersStatement(db, g.accountId)]);
  const [results, options] = await Promise.all([db.batch<Record<string, unknown>>(perAccount.flat()), billingOptionsFor(db, grants.map((g) => g.accountId), now)]);
  const accounts = grants.map((g, i) => {
    const own = results.slice(i * 5, i * 5 + 5);
    const { rowsRead: _r, ...balance } = balanceFromResults(own.slice(0, 2));
    return { g, balance, latest: readLatestBill(own.slice(2, 4)), meters: accountMetersFrom(own[4]!.results) };
  });
  const uses = await Promise.all(
    accounts.map(({ g, latest, meters }) =>
      g.canViewUsage && latest.last ? periodUse(shards, meters, { start: latest.last.periodStart, end: latest.last.periodEnd }, { firstBilledDay: latest.firstBilledDay }) : null,
    ),
  );
  return accounts.map(({ g, balance, latest }, i) => ({
    accountId: g.accountId,
    number: maskAccountNumber(g.accountNumber),
    relationship: g.relationship,
    balance,
    due: dueStatus(balance.balanceCents, latest.last, localDay(now.getTime(), g.timeZone)),
    lastBill: latest.last,
    options: options.get(g.accountId) ?? { paperless: false, autopay: 'off' },
    use: uses[i]?.meters ?? null,
  }));
}
