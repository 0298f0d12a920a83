import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

// The very migrations `wrangler d1 migrations apply` uses; applying is idempotent per test file.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
