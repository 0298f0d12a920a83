/** Whether paperless billing and autopay are on, for the overview and the pay page. */

export type AutopayState = 'off' | 'pending' | 'active';
export type BillingOptions = { paperless: boolean; autopay: AutopayState };

/**
 * One query for any number of accounts: paperless from billing_preferences (no row: paper bills),
 * autopay from the latest enrolment (active wins; a pending one younger than a day shows as pending).
 */
export async function billingOptionsFor(db: D1Database, accountIds: string[], now = new Date()): Promise<Map<string, BillingOptions>> {
  const out = new Map<string, BillingOptions>(accountIds.map((id) => [id, { paperless: false, autopay: 'off' }]));
  if (!accountIds.length) return out;
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000).toISOString();
  const { results } = await db
    .prepare(
      `SELECT a.value AS account_id,
              coalesce((SELECT paperless FROM billing_preferences WHERE account_id = a.value), 0) AS paperless,
              CASE
                WHEN EXISTS (SELECT 1 FROM autopay_enrolments WHERE account_id = a.value AND status = 'active') THEN 'active'
                WHEN EXISTS (SELECT 1 FROM autopay_enrolments WHERE account_id = a.value AND status = 'pending' AND requested_at > ?2) THEN 'pending'
                ELSE 'off'
              END AS autopay
         FROM json_each(?1) a`,
    )
    .bind(JSON.stringify(accountIds), dayAgo)
    .all<{ account_id: string; paperless: number; autopay: AutopayState }>();
  for (const r of results) out.set(r.account_id, { paperless: r.paperless === 1, autopay: r.autopay });
  return out;
}

export async function billingOptions(db: D1Database, accountId: string, now = new Date()): Promise<BillingOptions> {
  return (await billingOptionsFor(db, [accountId], now)).get(accountId)!;
}
