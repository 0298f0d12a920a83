/**
 * The schema of a usage shard: every usage shard (a D1 database of its own, see usageShards in
 * db/schema/usage.ts and worker/usage/shards.ts) holds these three tables for the meters the shard
 * map places on it. drizzle-kit writes its migrations into db/usage-shard/migrations/
 * (drizzle.usage-shard.config.ts); `npm run db:migrate` applies them to every shard.
 *
 * Comparison groups are the shard's own (their ids mean nothing elsewhere): a comparison reads a
 * group by its kind, area and household size on every shard and adds the shards' sums.
 */
import { sql } from 'drizzle-orm';
import { integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { meterKinds } from '../schema/core';

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
 *
 * No foreign key to meters: they live in the primary database.
 */
export const usageDays = sqliteTable(
  'usage_days',
  {
    meterId: text('meter_id').notNull(),
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
