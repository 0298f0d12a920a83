import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { personalDataMap, systemTables, type PersonalDataEntry } from '../../db/personal-data';

/** The database a map entry's table lives in: the primary, or (for every shard alike) the first usage shard. */
const databaseOf = (entry: Pick<PersonalDataEntry, 'database'>) => (entry.database === 'usage-shard' ? env.USAGE_SHARD_1 : env.DB);

async function tablesIn(db: D1Database): Promise<string[]> {
  const { results } = await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{ name: string }>();
  return results.map((r) => r.name).filter((t) => !systemTables.includes(t) && !t.startsWith('sqlite_') && !t.startsWith('_cf_'));
}

/** Every table of the primary database and of a usage shard, as `database:table`. */
async function tablesInDatabase(): Promise<string[]> {
  return [...(await tablesIn(env.DB)).map((t) => `primary:${t}`), ...(await tablesIn(env.USAGE_SHARD_1)).map((t) => `usage-shard:${t}`)];
}
const mappedTables = () => personalDataMap.map((e) => `${e.database ?? 'primary'}:${e.table}`);

async function columnsOf(entry: PersonalDataEntry): Promise<string[]> {
  const { results } = await databaseOf(entry).prepare(`PRAGMA table_info("${entry.table}")`).all<{ name: string }>();
  return results.map((r) => r.name);
}

describe('the personal-data map', () => {
  it('keeps the rows of usage-shard tables on deletion: the deletion batch runs on the primary database alone', () => {
    for (const entry of personalDataMap.filter((e) => e.database === 'usage-shard')) expect(['retain', 'none'], entry.table).toContain(entry.deletion.action);
  });

  it('names every table of the migrated databases, the usage shards too (add a new table to db/personal-data.ts)', async () => {
    const mapped = mappedTables();
    const missing = (await tablesInDatabase()).filter((t) => !mapped.includes(t));
    expect(missing, `tables missing from db/personal-data.ts: ${missing.join(', ')}`).toEqual([]);
  });

  it('names no table that does not exist, and each table once', async () => {
    const tables = await tablesInDatabase();
    const mapped = mappedTables();
    expect(mapped.filter((t) => !tables.includes(t))).toEqual([]);
    expect(new Set(mapped).size).toBe(mapped.length);
  });

  it('names only columns that exist', async () => {
    for (const entry of personalDataMap) {
      const columns = await columnsOf(entry);
      const named = [...entry.personalColumns, ...('columns' in entry.export ? entry.export.columns : []), ...(entry.deletion.action === 'replace' ? Object.keys(entry.deletion.set) : [])];
      expect(named.filter((c) => !columns.includes(c)), entry.table).toEqual([]);
    }
  });

  it('says for each table how rows tie to a customer, what is exported and what deletion does', async () => {
    for (const entry of personalDataMap) {
      if (entry.tie.by === 'none') {
        expect(entry.tie.reason.length, entry.table).toBeGreaterThan(10);
        expect(entry.personalColumns, entry.table).toEqual([]);
        continue;
      }
      expect(entry.category, entry.table).not.toBeNull();
      expect('columns' in entry.export, `${entry.table} holds customer data, so the access package must export it`).toBe(true);
      expect(entry.deletion.action, entry.table).not.toBe('none');
      if (entry.personalColumns.length > 0) {
        // Personal columns are either removed with the row or overwritten.
        const overwritten = entry.deletion.action === 'replace' ? Object.keys(entry.deletion.set) : [];
        const handled = entry.deletion.action === 'remove' || entry.personalColumns.every((c) => overwritten.includes(c));
        expect(handled, `${entry.table}: every personal column must be removed or replaced`).toBe(true);
      }
      if (entry.deletion.action === 'retain' || entry.deletion.action === 'replace') expect(entry.deletion.reason.length, entry.table).toBeGreaterThan(20);
      // The row filter is valid SQL against the real table.
      const filter = entry.tie.where({ accountId: 'acct-none', loginIds: ['login-none'], emails: ['none@test.example'], heldMeters: [['mtr-none', [['2026-01-01', null]]]] });
      await databaseOf(entry).prepare(`SELECT count(*) FROM "${entry.table}" WHERE ${filter.sql}`).bind(...filter.params).first();
    }
  });
});
