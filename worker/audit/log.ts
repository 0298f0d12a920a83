import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { auditEvents } from '../../db/schema';

export type AuditEvent = {
  event: string;
  actorLoginId?: string | null;
  subjectLoginId?: string | null;
  subjectAccountId?: string | null;
  /** Ids, counts and outcomes only: never a secret or a personal value. */
  detail?: Record<string, string | number | boolean | null>;
};

/** The insert that records an audit event; returned unexecuted so it joins the caller's batch. */
export function auditInsert(db: DrizzleD1Database, e: AuditEvent) {
  return db.insert(auditEvents).values({
    id: crypto.randomUUID(),
    event: e.event,
    actorLoginId: e.actorLoginId ?? null,
    subjectLoginId: e.subjectLoginId ?? null,
    subjectAccountId: e.subjectAccountId ?? null,
    detail: e.detail ?? null,
  });
}
