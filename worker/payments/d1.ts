/**
 * Payments write with raw D1 statements, because the ledger row (worker/billing/portal-payments.ts)
 * is one and a batch cannot mix them with drizzle queries. These bridge the shared drizzle helpers.
 */
import { drizzle } from 'drizzle-orm/d1';
import { auditInsert, type AuditEvent } from '../audit/log';
import { queueEmail, type OutgoingEmail } from '../mail/outbox';

export const orm = (db: D1Database) => drizzle(db);

/** A drizzle query (its `toSQL()`) as a raw statement, for a batch with other raw statements. */
export function statement(db: D1Database, q: { sql: string; params: unknown[] }) {
  return db.prepare(q.sql).bind(...q.params);
}

export const auditStatement = (db: D1Database, e: AuditEvent) => statement(db, auditInsert(orm(db), e).toSQL());

export const emailStatement = (db: D1Database, mail: OutgoingEmail) => statement(db, queueEmail(orm(db), mail).toSQL());
