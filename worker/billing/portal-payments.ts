/**
 * How a payment made through the portal enters the ledger (db/schema/billing.ts `payments`).
 *
 * The payments side (worker/payments/) adds `recordPortalPayment` to the same D1 batch in which it
 * marks its payment intent paid, once the processor's verified webhook confirms it. The row is
 * `pending` until the utility posts the payment and names it (ingest `payments[].portalPaymentId`),
 * which turns this same row `posted`; if the utility's posting arrives first, the row already
 * exists and the insert here changes nothing. Either way the balance counts the payment once.
 */
import { localDay } from '../usage/time';

export type PortalPayment = {
  /** The portal's own id for the payment (the payment intent's id): unique, never a processor secret. */
  portalPaymentId: string;
  accountId: string;
  amountCents: number;
  method: 'card' | 'bank' | 'autopay';
  /** When the processor says the customer paid. */
  paidAt: Date;
  /** The utility's time zone: `paid_on` is the customer's local day. */
  timeZone: string;
};

export function recordPortalPayment(db: D1Database, p: PortalPayment): D1PreparedStatement {
  if (!Number.isSafeInteger(p.amountCents) || p.amountCents <= 0) throw new RangeError('a payment amount is a positive number of cents');
  return db
    .prepare(
      `INSERT INTO payments (account_id, portal_payment_id, method, amount_cents, paid_on, status)
       VALUES (?1, ?2, ?3, ?4, ?5, 'pending') ON CONFLICT (portal_payment_id) DO NOTHING`,
    )
    .bind(p.accountId, p.portalPaymentId, p.method, p.amountCents, localDay(p.paidAt.getTime(), p.timeZone));
}

/** A portal payment the processor later reports as failed (e.g. a bank debit returned before the utility posted it). */
export function failPortalPayment(db: D1Database, portalPaymentId: string): D1PreparedStatement {
  return db
    .prepare(`UPDATE payments SET status = 'failed', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE portal_payment_id = ?1 AND status = 'pending'`)
    .bind(portalPaymentId);
}
