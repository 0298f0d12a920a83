/**
 * Applies migrations to every D1 database of wrangler.toml in one command: the primary DB
 * (db/migrations) and each usage shard (db/usage-shard/migrations), in the order they are listed.
 *   tsx db/migrate.ts --local [--persist-to DIR] | --remote
 * A failure stops at that database: the ones before it are migrated, the rest untouched.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { local: { type: 'boolean', default: false }, remote: { type: 'boolean', default: false }, 'persist-to': { type: 'string' } } });
if (values.local === values.remote) {
  console.error('Say where: --local (the state `wrangler dev` uses) or --remote (the deployed databases).');
  process.exit(2);
}

/** The binding of each [[d1_databases]] table, in file order. */
function d1Bindings(toml: string): string[] {
  return toml
    .split(/^\[\[d1_databases\]\]\s*$/m)
    .slice(1)
    .map((section) => /^binding\s*=\s*"([^"]+)"/m.exec(section.split(/^\[/m)[0]!)?.[1])
    .filter((b): b is string => b !== undefined);
}

const bindings = d1Bindings(readFileSync('wrangler.toml', 'utf8'));
for (const binding of bindings) {
  console.log(`Migrating ${binding} (${values.local ? 'local' : 'remote'})`);
  const where = values.local ? ['--local', ...(values['persist-to'] ? ['--persist-to', values['persist-to']] : [])] : ['--remote'];
  const run = spawnSync('wrangler', ['d1', 'migrations', 'apply', binding, ...where], { stdio: 'inherit', env: { ...process.env, CI: process.env.CI ?? 'true' } });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
