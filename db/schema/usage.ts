import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { utilities } from './core';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

/**
 * The usage shards: D1 databases holding usage days (db/usage-shard/schema.ts), each a binding of the
 * worker named `binding` (USAGE_SHARD_1, …). A shard with `accepts_meters = 0` keeps serving the
 * meters it holds but is given no new ones (it is filling up; see the README's capacity plan).
 * `meters` counts the meters placed on it and `weight` adds up their sizes (one per hourly meter,
 * four per 15-minute one: a day row's bytes grow with its intervals), so placing one never scans the map.
 */
export const usageShards = sqliteTable('usage_shards', {
  binding: text('binding').primaryKey(),
  acceptsMeters: integer('accepts_meters', { mode: 'boolean' }).notNull().default(true),
  meters: integer('meters').notNull().default(0),
  weight: integer('weight').notNull().default(0),
});

/**
 * The shard map: which usage shard holds each meter's days. Written when a meter's first reads
 * arrive (worker/usage/shards.ts) and changed only by moving the meter's rows (splitting a shard).
 * No foreign key to meters: a batch places its meters before it creates them.
 */
export const usageShardMap = sqliteTable(
  'usage_shard_map',
  {
    meterId: text('meter_id').primaryKey(),
    shard: text('shard').notNull().references(() => usageShards.binding),
  },
  (t) => [index('usage_shard_map_shard').on(t.shard)],
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
