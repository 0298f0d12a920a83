/**
 * The balance of an account, and what is due by when.
 *
 * The utility's billing system is the book of record: it states a balance that includes every
 * entry dated on or before its `as_of` day (ingest `balances`). The portal adds what it learned
 * since: bills issued after that day, adjustments posted after it, payments posted after it, and
 * payments made in the portal that the utility has not posted yet (they count at once, so a
 * customer who just paid sees it; once posted they count by their posting day, the same row,
 * never twice). With no stated balance, every entry counts.
 *
 * `balanceOf` is the arithmetic alone (tested without a database); `readBalance` fetches only
 * the entries it needs (those after the stated day, by index) in one round trip.
 */

export type StatedBalance = { balanceCents: number; asOf: string };

export type LedgerEntry =
  | { kind: 'bill' | 'adjustment'; day: string; cents: number }
  | { kind: 'payment'; day: string; cents: number; status: 'pending' | 'posted' | 'failed' };

export type Balance = {
  /** Positive: owed; negative: a credit. */
  balanceCents: number;
  /** The utility's statement it starts from (null: none received; every entry counted). */
  stated: StatedBalance | null;
  /** Since that statement: bills, adjustments, posted payments (positive numbers reduce the balance). */
  since: { billedCents: number; adjustedCents: number; paidCents: number };
  /** Paid in the portal, not yet posted by the utility: already taken off the balance. */
  pendingCents: number;
};

export function balanceOf(stated: StatedBalance | null, entries: LedgerEntry[]): Balance {
  const after = (day: string) => !stated || day > stated.asOf;
  const since = { billedCents: 0, adjustedCents: 0, paidCents: 0 };
  let pendingCents = 0;
  for (const e of entries) {
    if (e.kind === 'payment') {
      // A pending payment counts whatever its day: the utility's statement cannot include what it has not posted.
      if (e.status === 'pending') pendingCents += e.cents;
      else if (e.status === 'posted' && after(e.day)) since.paidCents += e.cents;
    } else if (after(e.day)) {
      if (e.kind === 'bill') since.billedCents += e.cents;
      else since.adjustedCents += e.cents;
    }
  }
  return {
    balanceCents: (stated?.balanceCents ?? 0) + since.billedCents + since.adjustedCents - since.paidCents - pendingCents,
    stated,
    since,
    pendingCents,
  };
}

export type DueStatus =
  | { state: 'credit'; creditCents: number }
  | { state: 'nothing_due' }
  /** Owed by the last bill's due date; `pastDueCents` of it was due earlier and is due now. */
  | { state: 'due'; amountCents: number; dueOn: string | null; pastDueCents: number }
  | { state: 'past_due'; amountCents: number; dueOn: string };

/**
 * What the customer should do about the balance. What the last bill added is due by its due date
 * while that date has not passed (in the utility's time zone); anything owed beyond it, and all of
 * it once the date has passed, is past due.
 */
export function dueStatus(balanceCents: number, lastBill: { dueOn: string; amountCents: number } | null, today: string): DueStatus {
  if (balanceCents < 0) return { state: 'credit', creditCents: -balanceCents };
  if (balanceCents === 0) return { state: 'nothing_due' };
  if (!lastBill) return { state: 'due', amountCents: balanceCents, dueOn: null, pastDueCents: 0 };
  if (today > lastBill.dueOn) return { state: 'past_due', amountCents: balanceCents, dueOn: lastBill.dueOn };
  const notYetDue = Math.min(balanceCents, Math.max(0, lastBill.amountCents));
  return { state: 'due', amountCents: balanceCents, dueOn: lastBill.dueOn, pastDueCents: balanceCents - notYetDue };
}

/** The statements `readBalance` runs (for a caller batching them with others): the stated balance and the entries after it. */
export function balanceStatements(db: D1Database, accountId: string): [D1PreparedStatement, D1PreparedStatement] {
  return [
    db.prepare('SELECT balance_cents AS balanceCents, as_of AS asOf FROM account_balances WHERE account_id = ?1').bind(accountId),
    db
      .prepare(
        `WITH since AS (SELECT coalesce((SELECT as_of FROM account_balances WHERE account_id = ?1), '') AS day)
         SELECT 'bill' AS kind, issued_on AS day, amount_cents AS cents, NULL AS status FROM bills WHERE account_id = ?1 AND issued_on > (SELECT day FROM since)
         UNION ALL SELECT 'adjustment', posted_on, amount_cents, NULL FROM adjustments WHERE account_id = ?1 AND posted_on > (SELECT day FROM since)
         UNION ALL SELECT 'payment', posted_on, amount_cents, status FROM payments WHERE account_id = ?1 AND posted_on > (SELECT day FROM since) AND status = 'posted'
         UNION ALL SELECT 'payment', paid_on, amount_cents, status FROM payments WHERE account_id = ?1 AND posted_on IS NULL AND status = 'pending'`,
      )
      .bind(accountId),
  ];
}

/** The balance from the results of `balanceStatements`. */
export function balanceFromResults([statedRes, entriesRes]: D1Result<Record<string, unknown>>[]): Balance & { rowsRead: number } {
  const stated = (statedRes!.results[0] as StatedBalance | undefined) ?? null;
  const balance = balanceOf(stated, entriesRes!.results as LedgerEntry[]);
  return { ...balance, rowsRead: (statedRes!.meta.rows_read ?? 0) + (entriesRes!.meta.rows_read ?? 0) };
}

/** The stated balance and the entries after it, in one round trip; rows read are those entries plus index seeks. */
export async function readBalance(db: D1Database, accountId: string): Promise<Balance & { rowsRead: number }> {
  return balanceFromResults(await db.batch<Record<string, unknown>>(balanceStatements(db, accountId)));
}
