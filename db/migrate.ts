/**
 * Applies migrations to every D1 database of wrangler.toml in one command: each utility's primary
 * (db/migrations) and each usage shard (db/usage-shard/migrations), in the order they are listed.
 *   tsx db/migrate.ts --local [--persist-to DIR] | --remote
 * Remote: `wrangler d1 migrations apply` for each, one after another; a failure stops there.
 * Local: all through one local runtime (wrangler's platform proxy) instead of one wrangler process
 * per database, which spent most of its time starting up (five databases: 62 s that way). The
 * bookkeeping is wrangler's own: the `d1_migrations` table, one batch per migration with its row,
 * as `wrangler d1 migrations apply --local` and the test setup (applyD1Migrations) keep it.
 */
import { readD1Migrations } from '@cloudflare/vitest-plugin';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getPlatformProxy } from 'wrangler';

const { values } = parseArgs({ options: { local: { type: 'boolean', default: false }, remote: { type: 'boolean', default: false }, 'persist-to': { type: 'string' } } });
if (values.local === values.remote) {
  console.error('Say where: --local (the state `wrangler dev` uses) or --remote (the deployed databases).');
  process.exit(2);
}

/** Each [[d1_databases]] table's binding and migrations directory, in file order. */
function d1Databases(toml: string): { binding: string; migrationsDir: string }[] {
  return toml
    .split(/^\[\[d1_databases\]\]\s*$/m)
    .slice(1)
    .map((section) => section.split(/^\[/m)[0]!)
    .map((section) => ({ binding: /^binding\s*=\s*"([^"]+)"/m.exec(section)?.[1], migrationsDir: /^migrations_dir\s*=\s*"([^"]+)"/m.exec(section)?.[1] ?? 'migrations' }))
    .filter((d): d is { binding: string; migrationsDir: string } => d.binding !== undefined);
}

const databases = d1Databases(readFileSync('wrangler.toml', 'utf8'));

if (values.remote) {
  for (const { binding } of databases) {
    console.log(`Migrating ${binding} (remote)`);
    const run = spawnSync('wrangler', ['d1', 'migrations', 'apply', binding, '--remote'], { stdio: 'inherit', env: { ...process.env, CI: process.env.CI ?? 'true' } });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
} else {
  const proxy = await getPlatformProxy<Record<string, D1Database>>({ configPath: 'wrangler.toml', persist: { path: `${values['persist-to'] ?? '.wrangler/state'}/v3` }, remoteBindings: false });
  try {
    for (const { binding, migrationsDir } of databases) {
      const db = proxy.env[binding]!;
      await db.prepare('CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)').run();
      const applied = new Set((await db.prepare('SELECT name FROM d1_migrations').all<{ name: string }>()).results.map((r) => r.name));
      const pending = (await readD1Migrations(migrationsDir)).filter((m) => !applied.has(m.name));
      for (const migration of pending) {
        await db.batch([...migration.queries.map((q) => db.prepare(q)), db.prepare('INSERT INTO d1_migrations (name) VALUES (?1)').bind(migration.name)]);
      }
      console.log(`Migrated ${binding} (local): ${pending.length ? pending.map((m) => m.name).join(', ') : 'nothing to apply'}`);
    }
  } finally {
    await proxy.dispose();
  }
}
