/**
 * Loads the demo data set into the local D1 that `wrangler dev` uses (after the migrations).
 *   tsx db/demo/load.ts [--persist-to DIR] [--reset]
 * Skips when the demo utility is already there, unless --reset empties every table first.
 */
import { drizzle } from 'drizzle-orm/d1';
import { parseArgs } from 'node:util';
import { getPlatformProxy } from 'wrangler';
import { demoStatements } from './dataset';
import { demoLoginStatements } from './logins';

const { values: args } = parseArgs({ options: { 'persist-to': { type: 'string' }, reset: { type: 'boolean', default: false } } });
const persistRoot = args['persist-to'] ?? '.wrangler/state';

const proxy = await getPlatformProxy<{ DB: D1Database }>({
  configPath: 'wrangler.toml',
  persist: { path: `${persistRoot}/v3` },
  remoteBindings: false,
});
try {
  const raw = proxy.env.DB;
  const db = drizzle(raw);
  if (args.reset) await emptyEveryTable(raw);
  const existing = await raw.prepare('SELECT count(*) AS n FROM utilities').first<{ n: number }>();
  if (existing && existing.n > 0) {
    console.log('Demo data already loaded (use --reset to reload).');
  } else {
    const started = performance.now();
    const statements = [...demoStatements(db), ...(await demoLoginStatements(db))];
    // D1 batches are transactions: each chunk lands whole or not at all.
    for (let i = 0; i < statements.length; i += 200) {
      const chunk = statements.slice(i, i + 200);
      await db.batch(chunk as [(typeof chunk)[0], ...typeof chunk]);
    }
    console.log(`Demo data loaded: ${statements.length} statements in ${Math.round(performance.now() - started)} ms.`);
  }
} finally {
  await proxy.dispose();
}

async function emptyEveryTable(raw: D1Database) {
  const { results } = await raw
    .prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('d1_migrations','_cf_KV','_cf_METADATA')")
    .all<{ name: string }>();
  await raw.batch([raw.prepare('PRAGMA defer_foreign_keys = ON'), ...results.map((t) => raw.prepare(`DELETE FROM "${t.name}"`))]);
}
