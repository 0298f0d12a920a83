/** One bill as the customer's bill page and the API show it: lines, the rate in plain words, the period's use, the document. */
import { maskAccountNumber } from '../accounts/client';
import { ApiError } from '../http/errors';
import { billForCaller } from './access';
import { readBill, type BillDetail } from './bills';
import { explainRate, type Explanation } from './rate-explained';
import type { UsageShards } from '../usage/shards';
import { tenureOverlapsSql } from '../usage/tenure';
import type { Locale } from '../i18n/locale';
import { accountMetersFrom, accountMetersStatement, periodUse, unitsOfBill, type MeterUse } from './use';

export type BillView = {
  accountNumber: string;
  /** Where the service was, as a printed bill shows it. */
  serviceAddresses: string[];
  bill: BillDetail;
  explanation: Explanation[];
  /** Null when the caller lacks the usage right (a delegate for bills only). */
  use: MeterUse[] | null;
};

/** One bill as its caller may see it; the rate is explained in `locale` (the API answers in its calling page's language). */
export async function billView(db: D1Database, shards: UsageShards, loginId: string, billId: string, locale: Locale = 'en'): Promise<BillView> {
  const { accountId, canViewUsage } = await billForCaller(db, loginId, billId);
  const [bill, [accountRes, metersRes, firstRes, placesRes]] = await Promise.all([
    readBill(db, billId),
    db.batch<Record<string, unknown>>([
      db.prepare('SELECT account_number AS accountNumber FROM accounts WHERE id = ?1').bind(accountId),
      accountMetersStatement(db, accountId),
      db.prepare('SELECT period_start AS periodStart FROM bills WHERE account_id = ?1 ORDER BY issued_on, id LIMIT 1').bind(accountId),
      // The addresses the account held in the bill's period (tenure), so a former holder's bill still names them.
      db
        .prepare(
          `SELECT DISTINCT sp.id, sp.street || ', ' || sp.city || ', ' || sp.region || ' ' || sp.postal_code AS address
           FROM service_point_tenures t JOIN service_points sp ON sp.id = t.service_point_id JOIN bills b ON b.id = ?2
           WHERE t.account_id = ?1 AND ${tenureOverlapsSql('t', 'b.period_start', 'b.period_end')} ORDER BY sp.id`,
        )
        .bind(accountId, billId),
    ]),
  ]);
  if (!bill) throw new ApiError(404, 'not_found', 'No such bill.');
  const use = canViewUsage
    ? await periodUse(shards, accountMetersFrom(metersRes!.results), { start: bill.periodStart, end: bill.periodEnd }, {
        firstBilledDay: (firstRes!.results[0] as { periodStart: string } | undefined)?.periodStart ?? null,
        showIn: unitsOfBill(bill.lines),
      })
    : null;
  return {
    accountNumber: maskAccountNumber((accountRes!.results[0] as { accountNumber: string }).accountNumber),
    serviceAddresses: (placesRes!.results as { address: string }[]).map((p) => p.address),
    bill,
    explanation: explainRate(bill, bill.lines, locale),
    use: use?.meters ?? null,
  };
}
