import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { generateDevSecrets } from './db/demo/dev-secrets.ts';

/**
 * Three projects, one command:
 * - worker: tests inside workerd with a real local D1 carrying the real migrations;
 * - site: checks of the built static site in dist/;
 * - e2e: Debian's Chromium against the whole portal served by `wrangler dev`.
 */
export default defineConfig({
  test: {
    // Vitest's default in a run is one worker fewer than the cores: on CI's 2 cores that is a single
    // worker, so every file ran after the previous one while the main process (serving modules to
    // workerd) and workerd (running them) each left the other core idle. One worker per core keeps
    // both busy. e2e keeps fileParallelism: false (one shared portal) and runs in its own group.
    maxWorkers: '100%',
    projects: [
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                ...(await generateDevSecrets()),
                // wrangler.toml holds production values; tests run as local development does.
                ENVIRONMENT: 'development',
                PORTAL_ORIGIN: 'http://localhost:8787',
                TEST_MIGRATIONS: await readD1Migrations('./db/migrations'),
                TEST_USAGE_SHARD_MIGRATIONS: await readD1Migrations('./db/usage-shard/migrations'),
              },
            },
          })),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          setupFiles: ['./test/worker/apply-migrations.ts'],
          // One workerd per worker, reused file after file, instead of a new one per file (~7 s
          // each: spawn, sending the whole worker's modules, evaluating them). Each file still starts
          // on an empty D1 with the real migrations applied (apply-migrations.ts).
          isolate: false,
        },
      },
      {
        test: { name: 'site', include: ['test/site/**/*.test.ts'], environment: 'node' },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./test/e2e/portal-server.global.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
