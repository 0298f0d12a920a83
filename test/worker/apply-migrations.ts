import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { DEFAULT_TENANT } from '../../worker/tenants/registry';
import { runOutsideScopeAs } from '../../worker/tenants/scope';

/**
 * Every test file starts on freshly migrated D1 databases (every utility's): the very migrations `wrangler d1 migrations
 * apply` uses, applied to an empty database, and so does each usage shard (two, as in local
 * development: USAGE_SHARD_1 and USAGE_SHARD_2 in wrangler.toml) with the shards' migrations.
 *
 * The worker project runs with `isolate: false` (vitest.config.ts), so one workerd serves several
 * files in turn and its D1 outlives a file. Before each file this drops everything the previous
 * file and the migrations created (tables, views, triggers, indexes; D1's own `_cf_*` tables
 * stay) and applies the migrations again, as a new D1 would get them; R2 buckets start empty too.
 */
async function emptyDatabase(db: D1Database) {
  const { results } = await db.prepare(
    "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
  ).all<{ type: 'table' | 'view' | 'trigger'; name: string }>();
  if (results.length === 0) return;
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const order = { trigger: 0, view: 1, table: 2 } as const;
  const drops = results
    .sort((a, b) => order[a.type] - order[b.type])
    .map(({ type, name }) => db.prepare(`DROP ${type.toUpperCase()} IF EXISTS ${quote(name)}`));
  // One batch is one transaction; deferring foreign keys lets tables go in any order.
  await db.batch([db.prepare('PRAGMA defer_foreign_keys = on'), ...drops]);
  const left = await db.prepare(
    "SELECT count(*) AS n FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
  ).first<{ n: number }>();
  if (left?.n !== 0) throw new Error(`the test D1 still holds ${left?.n} schema objects after emptying it`);
}

/** Deletes every object of every R2 bucket binding (bill documents, message attachments). */
async function emptyBuckets() {
  for (const binding of Object.values(env as unknown as Record<string, unknown>)) {
    if (binding?.constructor?.name !== 'R2Bucket') continue;
    const bucket = binding as R2Bucket;
    for (let listed = await bucket.list(); listed.objects.length > 0; listed = await bucket.list()) {
      await bucket.delete(listed.objects.map((o) => o.key));
    }
  }
}

// Every utility's databases: the first one's (DB, USAGE_SHARD_<n>) and Juniper Valley's (worker/tenants/registry.ts).
const primaries = [env.DB, env.JUNIPER_VALLEY_DB];
const shards = [env.USAGE_SHARD_1, env.USAGE_SHARD_2, env.JUNIPER_VALLEY_USAGE_SHARD_1];
await Promise.all([...primaries.map(emptyDatabase), ...shards.map(emptyDatabase), emptyBuckets()]);
await Promise.all([...primaries.map((db) => applyD1Migrations(db, env.TEST_MIGRATIONS)), ...shards.map((db) => applyD1Migrations(db, env.TEST_USAGE_SHARD_MIGRATIONS))]);

// A test that calls a domain function directly (not through the app) passes it the first tenant's bindings.
runOutsideScopeAs(DEFAULT_TENANT);
