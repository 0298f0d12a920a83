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
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { accounts, bills } from './core';
import { logins } from './logins';

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

/*
 * Paying through the processor (worker/payments/). The processor holds every card and bank
 * number; these tables hold only amounts, our own references and the processor's opaque ids.
 */

export const paymentIntentStatuses = ['open', 'processing', 'paid', 'failed', 'expired'] as const;
export type PaymentIntentStatus = (typeof paymentIntentStatuses)[number];

/**
 * A payment the portal asked the processor to collect: the amount is computed and bounded on the
 * server (worker/payments/amount.ts) and signed into the hand-off. Only the processor's verified
 * webhook moves it past `open`; `paid` also writes the ledger row (`payments.portal_payment_id` = id).
 * `login_id` is null for a payment made without signing in.
 */
export const paymentIntents = sqliteTable(
  'payment_intents',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull().references(() => accounts.id),
    loginId: text('login_id').references(() => logins.id),
    channel: text('channel', { enum: ['signed_in', 'guest'] }).notNull(),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull().default('usd'),
    status: text('status', { enum: paymentIntentStatuses }).notNull().default('open'),
    /** The processor's Checkout Session id, once it answered; what its webhook names. */
    processorSessionId: text('processor_session_id').unique(),
    /** The processor's payment id (Stripe `pi_…`), from the webhook. */
    processorPaymentId: text('processor_payment_id'),
    createdAt: text('created_at').notNull().default(now),
    /** The hand-off page stops working then (the processor's session expiry). */
    expiresAt: text('expires_at').notNull(),
    completedAt: text('completed_at'),
    updatedAt: text('updated_at'),
  },
  (t) => [
    index('payment_intents_account').on(t.accountId, t.createdAt),
    index('payment_intents_login').on(t.loginId, t.createdAt),
    check('payment_intents_amount_positive', sql`${t.amountCents} > 0`),
  ],
);

/**
 * Every processor event the portal acted on, by the processor's event id: a redelivered or replayed
 * event finds its row and changes nothing. Written in the same batch as the event's effects.
 */
export const processorEvents = sqliteTable(
  'processor_events',
  {
    eventId: text('event_id').primaryKey(),
    type: text('type').notNull(),
    /** The payment intent or autopay enrolment it concerned, when it concerned one. */
    reference: text('reference'),
    accountId: text('account_id').references(() => accounts.id),
    outcome: text('outcome', { enum: ['applied', 'ignored'] }).notNull(),
    receivedAt: text('received_at').notNull().default(now),
  },
  (t) => [index('processor_events_account').on(t.accountId, t.receivedAt)],
);

export const autopayStatuses = ['pending', 'active', 'cancelled', 'failed'] as const;
export type AutopayStatus = (typeof autopayStatuses)[number];

/**
 * Autopay enrolments: the customer saves a payment method on the processor's own page (Checkout in
 * setup mode); the verified webhook turns the enrolment `active`. At most one is active per account.
 * The processor customer holds only our account reference; ending autopay deletes it there.
 */
export const autopayEnrolments = sqliteTable(
  'autopay_enrolments',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull().references(() => accounts.id),
    loginId: text('login_id').references(() => logins.id),
    status: text('status', { enum: autopayStatuses }).notNull().default('pending'),
    processorCustomerId: text('processor_customer_id').notNull(),
    processorSessionId: text('processor_session_id').unique(),
    /** The processor's saved-method setup (Stripe `seti_…`), from the webhook. */
    processorSetupId: text('processor_setup_id'),
    requestedAt: text('requested_at').notNull().default(now),
    activatedAt: text('activated_at'),
    endedAt: text('ended_at'),
    updatedAt: text('updated_at'),
  },
  (t) => [
    index('autopay_enrolments_account').on(t.accountId, t.requestedAt),
    uniqueIndex('autopay_enrolments_one_active').on(t.accountId).where(sql`status = 'active'`),
  ],
);

/**
 * Paperless billing, per account: when on, the utility stops mailing paper bills and every new bill
 * is announced by e-mail (worker/preferences/bill-ready.ts). Set from the pay page and the
 * preferences page alike (worker/payments/paperless.ts). No row: paper bills.
 */
export const billingPreferences = sqliteTable('billing_preferences', {
  accountId: text('account_id').primaryKey().references(() => accounts.id),
  paperless: integer('paperless', { mode: 'boolean' }).notNull().default(false),
  changedAt: text('changed_at').notNull(),
  changedByLoginId: text('changed_by_login_id').references(() => logins.id),
});
