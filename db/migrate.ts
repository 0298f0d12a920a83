/**
 * Applies migrations to every D1 database of wrangler.toml in one command: the primary DB
 * (db/migrations) and each usage shard (db/usage-shard/migrations), in the order they are listed.
 *   tsx db/migrate.ts --local [--persist-to DIR] | --remote
 * All at once; a failure in one leaves the others migrated, and the command fails naming it.
 */
import { spawn } from 'node:child_process';
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
const where = values.local ? ['--local', ...(values['persist-to'] ? ['--persist-to', values['persist-to']] : [])] : ['--remote'];

/** One database's migrations, by wrangler (output kept, shown together when it ends). */
function migrate(binding: string): Promise<{ binding: string; code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn('wrangler', ['d1', 'migrations', 'apply', binding, ...where], { env: { ...process.env, CI: process.env.CI ?? 'true' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => done({ binding, code: code ?? 1, output }));
  });
}

// Every database at once: each is its own file (or remote database), and each wrangler run spends
// most of its time starting up, so a deployment of several utilities and shards migrates in about
// the time of one.
const results = await Promise.all(bindings.map(migrate));
for (const r of results) {
  console.log(`Migrating ${r.binding} (${values.local ? 'local' : 'remote'})${r.code === 0 ? '' : ': FAILED'}\n${r.output.trim()}`);
}
if (results.some((r) => r.code !== 0)) process.exit(1);
