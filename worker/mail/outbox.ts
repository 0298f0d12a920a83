import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { outboxEmails } from '../../db/schema';

export type OutgoingEmail = { to: string; subject: string; text: string; kind: string };

/**
 * The insert that queues an e-mail. Returned unexecuted so callers put it in the same
 * `db.batch([...])` as the change it reports: both land, or neither.
 */
export function queueEmail(db: DrizzleD1Database, email: OutgoingEmail) {
  return db.insert(outboxEmails).values({
    id: crypto.randomUUID(),
    toAddress: email.to,
    subject: email.subject,
    bodyText: email.text,
    kind: email.kind,
  });
}
