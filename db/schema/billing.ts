/**
 * Billing: what the utility's billing system sends beside the bills themselves (`bills` lives in
 * core.ts, since registration proves an account with the last bill): each bill's lines, payments,
 * adjustments, the balance the utility states, and the bill documents kept in R2.
 *
 * Money is in integer cents, signed where a credit is possible; days are utility-local dates
 * (YYYY-MM-DD); instants are UTC ISO-8601 strings. The balance a customer sees is
 *   stated balance (as of its day) + bills issued after that day + adjustments posted after it
 *   − payments posted after it − portal payments the utility has not posted yet
 * (worker/billing/balance.ts), so a payment made in the portal shows at once and is never counted
 * twice once the utility posts it.
 */
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { accounts, bills } from './core';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

/** What a bill line charges for; the plain-words rate explanation is built from these. */
export const billLineKinds = ['fixed', 'volume_tier', 'energy_tier', 'time_of_use', 'sewer', 'tax', 'other'] as const;
export type BillLineKind = (typeof billLineKinds)[number];
export const billServices = ['water', 'sewer', 'electric', 'gas'] as const;
export const billLineUnits = ['gal', 'ccf', 'kWh', 'therm', 'day', 'month'] as const;
export const touPeriods = ['peak', 'mid_peak', 'off_peak', 'super_off_peak'] as const;

/**
 * The lines of a bill, in the order the bill prints them. Their amounts add up to the bill's
 * `amount_cents` (ingestion refuses a bill whose lines do not). Tier lines carry the tier's bounds
 * in the line's unit (`tier_to` null: no upper bound); time-of-use lines their period.
 */
export const billLines = sqliteTable(
  'bill_lines',
  {
    billId: text('bill_id').notNull().references(() => bills.id),
    position: integer('position').notNull(),
    kind: text('kind', { enum: billLineKinds }).notNull(),
    service: text('service', { enum: billServices }),
    description: text('description').notNull(),
    quantity: real('quantity'),
    unit: text('unit', { enum: billLineUnits }),
    /** Dollars per unit, as the rate schedule states it (e.g. 0.31245 per kWh). */
    unitPrice: real('unit_price'),
    tierFrom: real('tier_from'),
    tierTo: real('tier_to'),
    touPeriod: text('tou_period', { enum: touPeriods }),
    taxRatePercent: real('tax_rate_percent'),
    amountCents: integer('amount_cents').notNull(),
  },
  (t) => [primaryKey({ columns: [t.billId, t.position] })],
);

export const paymentMethods = ['card', 'bank', 'check', 'cash', 'autopay', 'other'] as const;
export const paymentStatuses = ['pending', 'posted', 'failed'] as const;

/**
 * Payments, from both sides, one row per payment:
 * - posted by the utility (counter, mail, bank, its own phone line): `utility_payment_id` set,
 *   status `posted`;
 * - made through the portal: inserted when the processor confirms it (`portal_payment_id` set,
 *   status `pending`, see worker/billing/portal-payments.ts); when the utility later posts it and
 *   names that id, the same row becomes `posted` (whichever arrives first, there is one row).
 * A returned payment stays posted and comes back as an adjustment of kind `returned_payment`.
 */
export const payments = sqliteTable(
  'payments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: text('account_id').notNull().references(() => accounts.id),
    utilityPaymentId: text('utility_payment_id').unique(),
    portalPaymentId: text('portal_payment_id').unique(),
    method: text('method', { enum: paymentMethods }).notNull(),
    amountCents: integer('amount_cents').notNull(),
    /** The local day the customer paid. */
    paidOn: text('paid_on').notNull(),
    /** The local day the utility applied it to the account; null until then. */
    postedOn: text('posted_on'),
    status: text('status', { enum: paymentStatuses }).notNull(),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at'),
  },
  (t) => [
    index('payments_account_paid').on(t.accountId, t.paidOn, t.id),
    // The balance sums what was posted after the stated balance's day, and what is still pending (posted_on null).
    index('payments_account_posted').on(t.accountId, t.postedOn),
    check('payments_amount_positive', sql`${t.amountCents} > 0`),
    check('payments_posted_has_day', sql`${t.status} <> 'posted' OR ${t.postedOn} IS NOT NULL`),
  ],
);

export const adjustmentKinds = ['credit', 'late_fee', 'returned_payment', 'deposit', 'refund', 'correction', 'other'] as const;

/** Charges and credits outside bills (late fees, credits, returned payments). Positive: owed; negative: a credit. */
export const adjustments = sqliteTable(
  'adjustments',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull().references(() => accounts.id),
    postedOn: text('posted_on').notNull(),
    kind: text('kind', { enum: adjustmentKinds }).notNull(),
    description: text('description').notNull(),
    amountCents: integer('amount_cents').notNull(),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at'),
  },
  (t) => [index('adjustments_account_posted').on(t.accountId, t.postedOn), check('adjustments_amount_nonzero', sql`${t.amountCents} <> 0`)],
);

/**
 * The balance the utility's billing system states for an account, including every entry dated on
 * or before `as_of` (the latest statement only). Positive: the customer owes; negative: a credit.
 */
export const accountBalances = sqliteTable('account_balances', {
  accountId: text('account_id').primaryKey().references(() => accounts.id),
  balanceCents: integer('balance_cents').notNull(),
  asOf: text('as_of').notNull(),
  updatedAt: text('updated_at').notNull().default(now),
});

/** A bill's document (PDF) as the utility sent it; the bytes are in R2 (binding BILL_DOCUMENTS) under `object_key`. */
export const billDocuments = sqliteTable('bill_documents', {
  billId: text('bill_id').primaryKey().references(() => bills.id),
  objectKey: text('object_key').notNull(),
  contentType: text('content_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  /** SHA-256 of the bytes (base64url): the same document sent again changes nothing. */
  sha256: text('sha256').notNull(),
  uploadedAt: text('uploaded_at').notNull().default(now),
});
