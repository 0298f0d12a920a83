import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { meterKinds, meters, utilities } from './core';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

/**
 * Meter reads, one row per meter per utility-local day (D1 bills and limits by rows read and
 * written: a year of hourly reads is 365 rows here, not 8,760).
 *
 * - `vals`: JSON array with one element per interval of that local day, in the meter's unit, in
 *   time order from local midnight; `null` where there is no value. Its length is the number of
 *   intervals of that day: 24 hourly slots on an ordinary day, 23 on the spring-forward day and 25
 *   on the fall-back day (96/92/100 at 15 minutes).
 * - `quality`: one character per interval, same order: `A` actual, `E` estimated, `M` reported
 *   missing by the utility, `-` nothing received yet. Only A and E carry a value.
 * - `total`, `missing`, `estimated`: the day's sum of values and counts of missing (M or -) and
 *   estimated intervals, kept beside the array for fast day/month/billing sums.
 * - `peer_group` / `area_group`: the de-identified comparison groups this row counts in
 *   (kind × service area × household size, and kind × service area); fixed at ingest so a later
 *   change of household size cannot unbalance the aggregates.
 */
export const usageDays = sqliteTable(
  'usage_days',
  {
    meterId: text('meter_id').notNull().references(() => meters.id),
    day: text('day').notNull(),
    vals: text('vals').notNull(),
    quality: text('quality').notNull(),
    total: real('total').notNull(),
    missing: integer('missing').notNull(),
    estimated: integer('estimated').notNull(),
    peerGroup: integer('peer_group'),
    areaGroup: integer('area_group').notNull(),
    /** When the row last changed, in Unix seconds (an integer: 4 bytes instead of a 24-byte ISO string on ~100M rows). */
    updatedAt: integer('updated_at').notNull().default(sql`(unixepoch())`),
  },
  (t) => [primaryKey({ columns: [t.meterId, t.day] })],
);

/** A comparison group of homes: meter kind × service area × household-size bucket ('any' = every size). */
export const usagePeerGroups = sqliteTable(
  'usage_peer_groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: meterKinds }).notNull(),
    serviceArea: text('service_area').notNull(),
    household: text('household', { enum: ['1', '2', '3', '4', '5+', 'any'] }).notNull(),
  },
  (t) => [uniqueIndex('usage_peer_groups_key').on(t.kind, t.serviceArea, t.household)],
);

/**
 * De-identified daily aggregates per comparison group: how many homes had a complete day and
 * their summed use (in the group kind's base unit: gallons for water, kWh, therms). Maintained in
 * the same D1 batch as every write to usage_days. Never shown when `homes` is under 10.
 */
export const usagePeerDays = sqliteTable(
  'usage_peer_days',
  {
    groupId: integer('group_id').notNull().references(() => usagePeerGroups.id),
    day: text('day').notNull(),
    homes: integer('homes').notNull(),
    total: real('total').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.day] })],
);

/**
 * Systems of the utility allowed to push data. They authenticate with an ES256-signed JWT client
 * assertion; only the public key is stored here.
 */
export const ingestClients = sqliteTable('ingest_clients', {
  id: text('id').primaryKey(),
  utilityId: text('utility_id').notNull().references(() => utilities.id),
  name: text('name').notNull(),
  /** Public JWK (EC P-256) with its kid. */
  publicJwk: text('public_jwk', { mode: 'json' }).notNull().$type<JsonWebKey & { kid?: string }>(),
  status: text('status', { enum: ['active', 'revoked'] }).notNull().default('active'),
  createdAt: text('created_at').notNull().default(now),
});

/** JWT ids already used by a client, kept until the token would have expired (replay protection). */
export const ingestTokenIds = sqliteTable(
  'ingest_token_ids',
  {
    clientId: text('client_id').notNull().references(() => ingestClients.id),
    jti: text('jti').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.jti] }), index('ingest_token_ids_expiry').on(t.expiresAt)],
);

/** Every applied batch: the same batch id and body again is answered from here and writes nothing. */
export const ingestBatches = sqliteTable(
  'ingest_batches',
  {
    clientId: text('client_id').notNull().references(() => ingestClients.id),
    batchId: text('batch_id').notNull(),
    bodySha256: text('body_sha256').notNull(),
    /** Counts of what was applied: {"accounts":1,"reads":720,...}. */
    summary: text('summary', { mode: 'json' }).notNull().$type<Record<string, number>>(),
    receivedAt: text('received_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.batchId] })],
);
