/**
 * What the customer owes now, the base of a payment's bounds: billing's balance
 * (worker/billing/balance.ts), which already counts portal payments the utility has not posted.
 */
import { readBalance } from '../billing/balance';

export async function amountDueCents(db: D1Database, accountId: string): Promise<number> {
  return (await readBalance(db, accountId)).balanceCents;
}
