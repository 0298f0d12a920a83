/**
 * An exact record of every row a request writes, for "a refused request changes nothing".
 *
 * `total_changes()` is not usable here: D1 in workerd counts its own bookkeeping on the same
 * connection (every query moves it, reads included). Instead, while a test file runs, every table
 * gets AFTER INSERT/UPDATE/DELETE triggers that append the table, the operation and (for updates)
 * the columns whose value changed to `_test_writes`. Each test file starts on a freshly migrated
 * D1 (test/worker/apply-migrations.ts drops everything first), so the triggers never reach another
 * file; `removeWriteLog` drops them anyway.
 *
 * A trigger's own write shows in D1's `meta.changes` of the statement that fired it. Tables whose
 * writes the worker judges by `meta.changes === 1` therefore get no trigger (it would change the
 * worker's answer); a fingerprint (row count and highest rowid) stands in: it sees every insert
 * and delete, which is all the worker does to them.
 */
import { env } from 'cloudflare:workers';

export type Write = { table: string; op: 'insert' | 'update' | 'delete'; columns: string[] };

const LOG = '_test_writes';

/** Tables watched by fingerprint, and why they cannot carry a trigger. */
const fingerprinted: Record<string, string> = {
  ingest_token_ids: 'worker/ingest/auth.ts spends an assertion by an insert whose meta.changes must be 1',
};
const fingerprints = new Map<string, { n: number; max: number }>();
const fingerprintQuery = (table: string) => env.DB.prepare(`SELECT count(*) AS n, coalesce(max(rowid), 0) AS max FROM ${quoteId(table)}`);
const quoteId = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteText = (text: string) => `'${text.replaceAll("'", "''")}'`;

async function userTables(): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT IN ('d1_migrations', ?1)",
  )
    .bind(LOG)
    .all<{ name: string }>();
  return results.map((r) => r.name);
}

/** Installs the log and its triggers on every table the migrations created; returns the table names. */
export async function installWriteLog(): Promise<string[]> {
  const tables = await userTables();
  const statements = [env.DB.prepare(`CREATE TABLE IF NOT EXISTS ${LOG} (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL, cols TEXT)`)];
  for (const table of tables) {
    if (table in fingerprinted) {
      fingerprints.set(table, (await fingerprintQuery(table).first<{ n: number; max: number }>())!);
      continue;
    }
    const { results: columns } = await env.DB.prepare(`PRAGMA table_info(${quoteId(table)})`).all<{ name: string }>();
    const changed = columns.map((c) => `CASE WHEN OLD.${quoteId(c.name)} IS NOT NEW.${quoteId(c.name)} THEN ${quoteText(`${c.name},`)} ELSE '' END`).join(' || ');
    const name = (op: string) => quoteId(`_test_writes_${table}_${op}`);
    statements.push(
      env.DB.prepare(`CREATE TRIGGER IF NOT EXISTS ${name('i')} AFTER INSERT ON ${quoteId(table)} BEGIN INSERT INTO ${LOG} (tbl, op) VALUES (${quoteText(table)}, 'insert'); END`),
      env.DB.prepare(`CREATE TRIGGER IF NOT EXISTS ${name('u')} AFTER UPDATE ON ${quoteId(table)} BEGIN INSERT INTO ${LOG} (tbl, op, cols) VALUES (${quoteText(table)}, 'update', ${changed || "''"}); END`),
      env.DB.prepare(`CREATE TRIGGER IF NOT EXISTS ${name('d')} AFTER DELETE ON ${quoteId(table)} BEGIN INSERT INTO ${LOG} (tbl, op) VALUES (${quoteText(table)}, 'delete'); END`),
    );
  }
  await env.DB.batch(statements);
  return tables;
}

/** The writes since the last call, oldest first; the log is emptied by the same statement. */
export async function takeWrites(): Promise<Write[]> {
  const watched = [...fingerprints.keys()];
  const [logged, ...prints] = await env.DB.batch([
    env.DB.prepare(`DELETE FROM ${LOG} RETURNING seq, tbl, op, cols`),
    ...watched.map(fingerprintQuery),
  ]);
  const rows = (logged!.results as { seq: number; tbl: string; op: Write['op']; cols: string | null }[]).sort((a, b) => a.seq - b.seq);
  const writes: Write[] = rows.map((r) => ({ table: r.tbl, op: r.op, columns: (r.cols ?? '').split(',').filter(Boolean) }));
  watched.forEach((table, i) => {
    const now = prints[i]!.results[0] as { n: number; max: number };
    const before = fingerprints.get(table)!;
    if (now.max > before.max) writes.push({ table, op: 'insert', columns: [] });
    if (now.n < before.n + (now.max > before.max ? 1 : 0)) writes.push({ table, op: 'delete', columns: [] });
    fingerprints.set(table, now);
  });
  return writes;
}

export async function removeWriteLog() {
  const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '\\_test\\_writes\\_%' ESCAPE '\\'").all<{ name: string }>();
  await env.DB.batch([...results.map((r) => env.DB.prepare(`DROP TRIGGER IF EXISTS ${quoteId(r.name)}`)), env.DB.prepare(`DROP TABLE IF EXISTS ${LOG}`)]);
}

export const describeWrites = (writes: Write[]) => writes.map((w) => `${w.op} ${w.table}${w.columns.length ? `(${w.columns.join(',')})` : ''}`).join('; ');
