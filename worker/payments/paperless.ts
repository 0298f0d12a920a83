/**
 * Paperless billing: per account, on or off, in billing_preferences (the one place it is kept).
 * The pay page (/account/pay/, /api/payments/paperless) and the preferences page
 * (/account/preferences/, /api/preferences) both set it through these writes. When on, the
 * utility stops mailing paper bills and each new bill is announced by e-mail
 * (worker/preferences/bill-ready.ts).
 */
import { eq, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { billingPreferences } from '../../db/schema';
import { auditInsert } from '../audit/log';
import { statement } from './d1';

export type PaperlessChange = { accountId: string; loginId: string; paperless: boolean; now: Date };

/** The writes of one choice: the row (left alone when it already says so) and its audit line. */
export function paperlessWrites(db: DrizzleD1Database, p: PaperlessChange): BatchItem<'sqlite'>[] {
  const set = { paperless: p.paperless, changedAt: p.now.toISOString(), changedByLoginId: p.loginId };
  return [
    db
      .insert(billingPreferences)
      .values({ accountId: p.accountId, ...set })
      .onConflictDoUpdate({ target: billingPreferences.accountId, set, setWhere: sql`${billingPreferences.paperless} <> excluded.paperless` }),
    auditInsert(db, { event: p.paperless ? 'billing.paperless_on' : 'billing.paperless_off', actorLoginId: p.loginId, subjectAccountId: p.accountId }),
  ];
}

/** Whether paperless billing is on for the account (no row: paper bills); options.ts reads the same row for many accounts at once. */
export async function paperlessOf(db: DrizzleD1Database, accountId: string): Promise<boolean> {
  const [row] = await db.select({ paperless: billingPreferences.paperless }).from(billingPreferences).where(eq(billingPreferences.accountId, accountId)).limit(1);
  return row?.paperless ?? false;
}

/** The same writes as raw statements, for a batch of raw D1 statements. */
export function setPaperlessStatements(db: D1Database, p: PaperlessChange) {
  return paperlessWrites(drizzle(db), p).map((q) => statement(db, (q as unknown as { toSQL(): { sql: string; params: unknown[] } }).toSQL()));
}
