import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { personalDataMap, systemTables } from '../../db/personal-data';

async function tablesInDatabase(): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{ name: string }>();
  return results.map((r) => r.name).filter((t) => !systemTables.includes(t) && !t.startsWith('sqlite_') && !t.startsWith('_cf_'));
}

async function columnsOf(table: string): Promise<string[]> {
  const { results } = await env.DB.prepare(`PRAGMA table_info("${table}")`).all<{ name: string }>();
  return results.map((r) => r.name);
}

describe('the personal-data map', () => {
  it('names every table of the migrated database (add a new table to db/personal-data.ts)', async () => {
    const mapped = personalDataMap.map((e) => e.table);
    const missing = (await tablesInDatabase()).filter((t) => !mapped.includes(t));
    expect(missing, `tables missing from db/personal-data.ts: ${missing.join(', ')}`).toEqual([]);
  });

  it('names no table that does not exist, and each table once', async () => {
    const tables = await tablesInDatabase();
    const mapped = personalDataMap.map((e) => e.table);
    expect(mapped.filter((t) => !tables.includes(t))).toEqual([]);
    expect(new Set(mapped).size).toBe(mapped.length);
  });

  it('names only columns that exist', async () => {
    for (const entry of personalDataMap) {
      const columns = await columnsOf(entry.table);
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
      const filter = entry.tie.where({ accountId: 'acct-none', loginIds: ['login-none'], emails: ['none@test.example'] });
      await env.DB.prepare(`SELECT count(*) FROM "${entry.table}" WHERE ${filter.sql}`).bind(...filter.params).first();
    }
  });
});
