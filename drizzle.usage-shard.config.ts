import { defineConfig } from 'drizzle-kit';

/** The usage shards' own schema and migrations (the primary database's are in drizzle.config.ts). */
export default defineConfig({
  dialect: 'sqlite',
  schema: './db/usage-shard/schema.ts',
  out: './db/usage-shard/migrations',
});
