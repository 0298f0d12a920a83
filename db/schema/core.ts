import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Timestamps are UTC ISO-8601 strings ("2026-11-25T12:00:00.000Z"); days are utility-local dates. */
const createdAt = () => text('created_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);

/** The utility (tenant) whose customers use the portal. Its time zone decides what a usage "day" is. */
export const utilities = sqliteTable('utilities', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  legalName: text('legal_name').notNull(),
  timeZone: text('time_zone').notNull(),
  serviceArea: text('service_area').notNull(),
  contactEmail: text('contact_email').notNull(),
  contactPhone: text('contact_phone').notNull(),
  privacyEmail: text('privacy_email').notNull(),
  createdAt: createdAt(),
});

/**
 * A utility account as the utility's billing system knows it. The person who holds it is kept
 * here (as the utility sends it), apart from portal logins: one account may have several logins.
 */
export const accounts = sqliteTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    utilityId: text('utility_id').notNull().references(() => utilities.id),
    accountNumber: text('account_number').notNull(),
    holderName: text('holder_name').notNull(),
    emailOnFile: text('email_on_file'),
    phoneOnFile: text('phone_on_file'),
    mailingStreet: text('mailing_street'),
    mailingCity: text('mailing_city'),
    mailingRegion: text('mailing_region'),
    mailingPostalCode: text('mailing_postal_code'),
    status: text('status', { enum: ['active', 'closed'] }).notNull().default('active'),
    /**
     * When the customer last changed the phone number, and the mailing address, in the portal
     * (UTC; null when the value is the utility's). Until the utility's system sends a change of
     * its own made after that, its accounts rows leave the customer's value in place
     * (worker/ingest/contact-precedence.ts).
     */
    phoneEditedAt: text('phone_edited_at'),
    mailingEditedAt: text('mailing_edited_at'),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (t) => [uniqueIndex('accounts_utility_number').on(t.utilityId, t.accountNumber)],
);

/** A place the utility delivers to; usage stays tied to it even after a customer's data is deleted. */
export const servicePoints = sqliteTable(
  'service_points',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull().references(() => accounts.id),
    street: text('street').notNull(),
    city: text('city').notNull(),
    region: text('region').notNull(),
    postalCode: text('postal_code').notNull(),
    serviceArea: text('service_area').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('service_points_account').on(t.accountId)],
);

/**
 * Who held a service point when: one row per holding, in utility-local days, both ends included.
 * `start_day` null: held since before the portal's records begin (the first holder known);
 * `end_day` null: holds it still (at most one such row per service point). Every view of usage is
 * bounded by these rows (worker/usage/tenure.ts), so a new holder never sees the previous
 * occupant's reads and a former holder sees nothing after moving out. A trigger opens the first
 * tenure when a service point is created; ingestion records every change of holder.
 */
export const servicePointTenures = sqliteTable(
  'service_point_tenures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    servicePointId: text('service_point_id').notNull().references(() => servicePoints.id),
    accountId: text('account_id').notNull().references(() => accounts.id),
    startDay: text('start_day'),
    endDay: text('end_day'),
    createdAt: createdAt(),
  },
  (t) => [
    index('service_point_tenures_account').on(t.accountId),
    index('service_point_tenures_point').on(t.servicePointId, t.startDay),
    uniqueIndex('service_point_tenures_current').on(t.servicePointId).where(sql`end_day IS NULL`),
    check('service_point_tenures_days', sql`start_day IS NULL OR end_day IS NULL OR start_day <= end_day`),
  ],
);

export const meterKinds = ['water', 'electric', 'gas'] as const;

/** A meter at a service point, read at its own interval in its own unit. */
export const meters = sqliteTable(
  'meters',
  {
    id: text('id').primaryKey(),
    servicePointId: text('service_point_id').notNull().references(() => servicePoints.id),
    serialNumber: text('serial_number').notNull(),
    kind: text('kind', { enum: meterKinds }).notNull(),
    unit: text('unit', { enum: ['gal', 'ccf', 'kWh', 'therm'] }).notNull(),
    intervalMinutes: integer('interval_minutes').notNull(),
    installedOn: text('installed_on').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('meters_service_point').on(t.servicePointId), uniqueIndex('meters_serial').on(t.serialNumber)],
);

/**
 * Bills as the utility issues them; amounts in cents. The last one is also a registration proof.
 * `amount_cents` is the bill's new charges (the sum of its lines in `bill_lines`, db/schema/billing.ts);
 * `previous_balance_cents` and `total_due_cents` are what the printed bill showed, when the utility
 * sends them. The balance itself is computed from the ledger (worker/billing/balance.ts).
 */
export const bills = sqliteTable(
  'bills',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull().references(() => accounts.id),
    periodStart: text('period_start').notNull(),
    periodEnd: text('period_end').notNull(),
    issuedOn: text('issued_on').notNull(),
    dueOn: text('due_on').notNull(),
    amountCents: integer('amount_cents').notNull(),
    /** The number printed on the bill, when the utility has one apart from its id. */
    billNumber: text('bill_number'),
    previousBalanceCents: integer('previous_balance_cents'),
    totalDueCents: integer('total_due_cents'),
    /** The rate schedules the bill applied, as the utility names them ("Residential water R-1"). */
    rateName: text('rate_name'),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  // id in the index: the bill list pages by (issued_on, id) from the index alone.
  (t) => [index('bills_account_issued').on(t.accountId, t.issuedOn, t.id)],
);

/** What the customer tells us about the household (all optional): sizes "similar homes" comparisons. */
export const householdProfiles = sqliteTable('household_profiles', {
  accountId: text('account_id').primaryKey().references(() => accounts.id),
  occupants: integer('occupants'),
  landscapeSqFt: integer('landscape_sq_ft'),
  landscapeType: text('landscape_type', { enum: ['none', 'lawn', 'mixed', 'drought_tolerant'] }),
  hasPool: integer('has_pool', { mode: 'boolean' }),
  /** Fixture counts and kinds, e.g. {"toilets":2,"highEfficiencyWasher":true}. */
  fixtures: text('fixtures', { mode: 'json' }).$type<Record<string, number | boolean>>(),
  updatedAt: text('updated_at'),
});
