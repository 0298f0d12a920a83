/**
 * Payment history: payments the utility posted and payments made in the portal (one row each, see
 * db/schema/billing.ts), and the charges and credits posted outside bills. Newest first, paged by
 * (day, id) from the account's index.
 */
import { encodeCursor, type Cursor } from './paging';

export type PaymentEntry = {
  paidOn: string;
  postedOn: string | null;
  amountCents: number;
  method: 'card' | 'bank' | 'check' | 'cash' | 'autopay' | 'other';
  /** pending: paid in the portal, not yet posted by the utility (already off the balance). */
  status: 'pending' | 'posted' | 'failed';
  /** Made through the portal (its processor), or posted by the utility from elsewhere. */
  throughPortal: boolean;
  /** The utility's payment id, or the portal's reference for a portal payment: what to quote when asking about it. */
  reference: string;
};

export type AdjustmentEntry = { id: string; postedOn: string; kind: string; description: string; amountCents: number };

export async function listPayments(db: D1Database, accountId: string, options: { before: Cursor | null; limit: number }) {
  const columns = `id, paid_on AS paidOn, posted_on AS postedOn, amount_cents AS amountCents, method, status,
    portal_payment_id AS portalPaymentId, utility_payment_id AS utilityPaymentId`;
  const order = 'ORDER BY paid_on DESC, id DESC LIMIT ?2';
  // The cursor's id is the row id (a number): ids compare as numbers, not text.
  const statement = options.before
    ? db.prepare(`SELECT ${columns} FROM payments WHERE account_id = ?1 AND (paid_on, id) < (?3, ?4) ${order}`).bind(accountId, options.limit + 1, options.before.day, Number(options.before.id) || 0)
    : db.prepare(`SELECT ${columns} FROM payments WHERE account_id = ?1 ${order}`).bind(accountId, options.limit + 1);
  type Row = Omit<PaymentEntry, 'throughPortal' | 'reference'> & { id: number; portalPaymentId: string | null; utilityPaymentId: string | null };
  const res = await statement.all<Row>();
  const rows = res.results.slice(0, options.limit);
  const last = rows[rows.length - 1];
  return {
    payments: rows.map(({ id: _id, portalPaymentId, utilityPaymentId, ...r }): PaymentEntry => ({
      ...r,
      throughPortal: portalPaymentId !== null,
      reference: utilityPaymentId ?? portalPaymentId ?? '',
    })),
    next: res.results.length > options.limit && last ? encodeCursor({ day: last.paidOn, id: String(last.id) }) : null,
    rowsRead: res.meta.rows_read ?? 0,
  };
}

export async function listAdjustments(db: D1Database, accountId: string, options: { before: Cursor | null; limit: number }) {
  const columns = 'id, posted_on AS postedOn, kind, description, amount_cents AS amountCents';
  const order = 'ORDER BY posted_on DESC, id DESC LIMIT ?2';
  const statement = options.before
    ? db.prepare(`SELECT ${columns} FROM adjustments WHERE account_id = ?1 AND (posted_on, id) < (?3, ?4) ${order}`).bind(accountId, options.limit + 1, options.before.day, options.before.id)
    : db.prepare(`SELECT ${columns} FROM adjustments WHERE account_id = ?1 ${order}`).bind(accountId, options.limit + 1);
  const res = await statement.all<AdjustmentEntry>();
  const rows = res.results.slice(0, options.limit);
  const last = rows[rows.length - 1];
  return { adjustments: rows, next: res.results.length > options.limit && last ? encodeCursor({ day: last.postedOn, id: last.id }) : null, rowsRead: res.meta.rows_read ?? 0 };
}
