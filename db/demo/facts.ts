/**
 * What a demo customer would read off their bill to register (account number, service ZIP, last
 * bill amount), computed from the very statements the demo loader runs, so it stays right however
 * the data set grows. For end-to-end tests and the README.
 */
import { drizzle } from 'drizzle-orm/d1';
import { demoStatements } from './dataset';

type Rows = Record<string, unknown>[];

function rowsOf(statement: unknown, table: string): Rows {
  const { sql, params } = (statement as { toSQL(): { sql: string; params: unknown[] } }).toSQL();
  const match = new RegExp(`^insert into "${table}" \\(([^)]*)\\) values`).exec(sql);
  if (!match) return [];
  const columns = match[1]!.split(',').map((c) => c.trim().replaceAll('"', ''));
  // Every row's values clause has one placeholder per column, except defaults drizzle writes inline.
  const tuples = sql.slice(match[0].length).split('), (');
  const rows: Rows = [];
  let p = 0;
  for (const tuple of tuples) {
    const cells = tuple.replace(/^\s*\(/, '').replace(/\)\s*$/, '').split(', ');
    const row: Record<string, unknown> = {};
    cells.forEach((cell, i) => {
      if (cell.trim() === '?') row[columns[i]!] = params[p++];
    });
    rows.push(row);
  }
  return rows;
}

export type RegistrationFacts = { accountId: string; accountNumber: string; serviceZip: string; lastBillAmount: string };

export function demoRegistrationFacts(accountId: string): RegistrationFacts {
  const statements = demoStatements(drizzle({} as D1Database));
  const account = statements.flatMap((s) => rowsOf(s, 'accounts')).find((r) => r.id === accountId);
  const point = statements.flatMap((s) => rowsOf(s, 'service_points')).find((r) => r.account_id === accountId);
  const bills = statements.flatMap((s) => rowsOf(s, 'bills')).filter((r) => r.account_id === accountId);
  if (!account || !point || !bills.length) throw new Error(`no demo account ${accountId}`);
  const last = bills.sort((a, b) => String(b.issued_on).localeCompare(String(a.issued_on)))[0]!;
  return {
    accountId,
    accountNumber: String(account.account_number),
    serviceZip: String(point.postal_code),
    lastBillAmount: (Number(last.amount_cents) / 100).toFixed(2),
  };
}

if (process.argv[1]?.endsWith('facts.ts')) console.log(demoRegistrationFacts(process.argv[2] ?? 'acct-0002'));
