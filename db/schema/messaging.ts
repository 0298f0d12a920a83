import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Every e-mail leaves through this outbox: a row is written in the same batch as the change it
 * reports, and a delivery step sends it later. Locally, a dev-only page lists it. `body_text` holds
 * bearer links, so it is kept only until delivery, or 72 hours for mail never delivered
 * (worker/mail/outbox.ts); the rest of the row records what was sent to whom and when.
 */
export const outboxEmails = sqliteTable(
  'outbox_emails',
  {
    id: text('id').primaryKey(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    bodyText: text('body_text').notNull(),
    /** What the mail is for (e.g. "verify-email", "password-reset"); lets tests and the dev page find it. */
    kind: text('kind').notNull(),
    /**
     * Extra headers for the message, as a JSON object: the one-click unsubscribe headers of a
     * non-transactional mail (RFC 8058). Removed with the body, since the unsubscribe URL holds a token.
     */
    headers: text('headers', { mode: 'json' }).$type<Record<string, string>>(),
    /** `sending`: claimed by a delivery until `next_attempt_at`; a delivery that died with it is retried after that. */
    status: text('status', { enum: ['queued', 'sending', 'sent', 'failed'] }).notNull().default('queued'),
    createdAt: text('created_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
    sentAt: text('sent_at'),
    /** Sends tried so far; after a failure the mail waits until `next_attempt_at` (worker/mail/deliver.ts). */
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at'),
  },
  (t) => [index('outbox_status').on(t.status, t.createdAt)],
);

/**
 * Append-only log of security and privacy events. `subject` names who it concerns by id only;
 * `detail` holds no secret and no personal value (no password, token, e-mail or address).
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    at: text('at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
    event: text('event').notNull(),
    actorLoginId: text('actor_login_id'),
    subjectLoginId: text('subject_login_id'),
    subjectAccountId: text('subject_account_id'),
    detail: text('detail', { mode: 'json' }).$type<Record<string, string | number | boolean | null>>(),
  },
  (t) => [index('audit_subject_login').on(t.subjectLoginId, t.at), index('audit_event').on(t.event, t.at)],
);
