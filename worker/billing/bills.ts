/** Reading bills: a page of an account's bills, one bill with its lines and document, the latest bill. */
import type { RateLine } from './rate-explained';
import { encodeCursor, type Cursor } from './paging';

export type BillSummary = {
  id: string;
  billNumber: string | null;
  periodStart: string;
  periodEnd: string;
  issuedOn: string;
  dueOn: string;
  amountCents: number;
  /** The utility's PDF, when it sent one. */
  document: { sizeBytes: number } | null;
};

export type BillDetail = BillSummary & {
  accountId: string;
  previousBalanceCents: number | null;
  totalDueCents: number | null;
  rateName: string | null;
  lines: (RateLine & { position: number })[];
};

const summaryColumns = `b.id, b.bill_number AS billNumber, b.period_start AS periodStart, b.period_end AS periodEnd, b.issued_on AS issuedOn,
  b.due_on AS dueOn, b.amount_cents AS amountCents, d.size_bytes AS documentBytes`;

type SummaryRow = Omit<BillSummary, 'document'> & { documentBytes: number | null };
const toSummary = ({ documentBytes, ...r }: SummaryRow): BillSummary => ({ ...r, document: documentBytes === null ? null : { sizeBytes: documentBytes } });

/**
 * A page of an account's bills, newest first, continuing before `before`. Reads the index
 * (account_id, issued_on, id) in order, so it reads the page's rows and their documents only.
 */
export async function listBills(db: D1Database, accountId: string, options: { before: Cursor | null; limit: number }) {
  const from = `FROM bills b LEFT JOIN bill_documents d ON d.bill_id = b.id`;
  const order = `ORDER BY b.issued_on DESC, b.id DESC LIMIT ?2`;
  const statement = options.before
    ? db.prepare(`SELECT ${summaryColumns} ${from} WHERE b.account_id = ?1 AND (b.issued_on, b.id) < (?3, ?4) ${order}`).bind(accountId, options.limit + 1, options.before.day, options.before.id)
    : db.prepare(`SELECT ${summaryColumns} ${from} WHERE b.account_id = ?1 ${order}`).bind(accountId, options.limit + 1);
  const res = await statement.all<SummaryRow>();
  const rows = res.results.slice(0, options.limit).map(toSummary);
  const last = rows[rows.length - 1];
  const next = res.results.length > options.limit && last ? encodeCursor({ day: last.issuedOn, id: last.id }) : null;
  return { bills: rows, next, rowsRead: res.meta.rows_read ?? 0 };
}

/** The latest bill, and the first one's period start (the account held the premises from then: see use.ts). */
export function latestBillStatements(db: D1Database, accountId: string) {
  return [
    db.prepare(`SELECT ${summaryColumns} FROM bills b LEFT JOIN bill_documents d ON d.bill_id = b.id WHERE b.account_id = ?1 ORDER BY b.issued_on DESC, b.id DESC LIMIT 1`).bind(accountId),
    db.prepare('SELECT period_start AS periodStart FROM bills WHERE account_id = ?1 ORDER BY issued_on, id LIMIT 1').bind(accountId),
  ];
}

export function readLatestBill(results: D1Result<Record<string, unknown>>[]): { last: BillSummary | null; firstBilledDay: string | null; rowsRead: number } {
  const [lastRes, firstRes] = results;
  const last = lastRes!.results[0] as SummaryRow | undefined;
  return {
    last: last ? toSummary(last) : null,
    firstBilledDay: (firstRes!.results[0] as { periodStart: string } | undefined)?.periodStart ?? null,
    rowsRead: (lastRes!.meta.rows_read ?? 0) + (firstRes!.meta.rows_read ?? 0),
  };
}

/** The account a bill belongs to (to check the caller's right before anything else is read); null when there is no such bill. */
export async function billAccount(db: D1Database, billId: string): Promise<string | null> {
  const row = await db.prepare('SELECT account_id AS accountId FROM bills WHERE id = ?1').bind(billId).first<{ accountId: string }>();
  return row?.accountId ?? null;
}

/** One bill with its lines and document, in one round trip. */
export async function readBill(db: D1Database, billId: string): Promise<BillDetail | null> {
  const [billRes, linesRes] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `SELECT ${summaryColumns}, b.account_id AS accountId, b.previous_balance_cents AS previousBalanceCents, b.total_due_cents AS totalDueCents, b.rate_name AS rateName
         FROM bills b LEFT JOIN bill_documents d ON d.bill_id = b.id WHERE b.id = ?1`,
      )
      .bind(billId),
    db
      .prepare(
        `SELECT position, kind, service, description, quantity, unit, unit_price AS unitPrice, tier_from AS tierFrom, tier_to AS tierTo,
           tou_period AS touPeriod, tax_rate_percent AS taxRatePercent, amount_cents AS amountCents FROM bill_lines WHERE bill_id = ?1 ORDER BY position`,
      )
      .bind(billId),
  ]);
  const row = billRes!.results[0] as (SummaryRow & Omit<BillDetail, keyof BillSummary | 'lines'>) | undefined;
  if (!row) return null;
  const { documentBytes, ...rest } = row;
  return { ...rest, document: documentBytes === null ? null : { sizeBytes: documentBytes }, lines: linesRes!.results as BillDetail['lines'] };
}
