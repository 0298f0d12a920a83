import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { accounts } from './core';

/**
 * Applications for programs and rebates (worker/programs/). What a program asks and which
 * documents it needs come from its Markdown front matter (site/content/<tenant>/programs/); an application
 * keeps the program's title and the answers as they were when it was sent. Documents live in R2
 * (binding PROGRAM_DOCUMENTS) under random keys.
 *
 * Retention (worker/programs/retention.ts, daily cron): documents are deleted the program's
 * `documentsKeptDays` after the decision (documents_delete_on); a decided application with its
 * history is deleted 3 years after it was decided. A customer's withdrawal (status `withdrawn`,
 * only while undecided) counts as the decision for both.
 */
export const programApplicationStatuses = ['submitted', 'need_info', 'approved', 'denied', 'paid', 'withdrawn'] as const;
export type ProgramApplicationStatus = (typeof programApplicationStatuses)[number];

export const programApplications = sqliteTable(
  'program_applications',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull().references(() => accounts.id),
    /** Who applied (null once that login is deleted). */
    applicantLoginId: text('applicant_login_id'),
    programId: text('program_id').notNull(),
    programTitle: text('program_title').notNull(),
    programKind: text('program_kind', { enum: ['rebate', 'program'] }).notNull(),
    /** JSON: [{ id, label, answer, shown }] in the program's order, as the customer saw them. */
    answers: text('answers').notNull(),
    /** The day the measure was installed, from the program's install-date question: the usage page marks it once approved. */
    installedOn: text('installed_on'),
    status: text('status', { enum: programApplicationStatuses }).notNull().default('submitted'),
    /** What staff said last to the customer: the information they need, or why it was denied. */
    staffNote: text('staff_note'),
    /** What was paid, and how (a rebate). */
    paidCents: integer('paid_cents'),
    paidOn: text('paid_on'),
    paidBy: text('paid_by', { enum: ['bill_credit', 'cheque'] }),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    /** When it was decided for good (denied, paid, approved for a program that pays nothing, or withdrawn by the customer). */
    decidedAt: text('decided_at'),
    /** The day the documents are deleted: the program's documentsKeptDays after the decision. */
    documentsDeleteOn: text('documents_delete_on'),
    /** How many days the program keeps documents after the decision, as it said when this was sent. */
    documentsKeptDays: integer('documents_kept_days').notNull(),
  },
  (t) => [
    // The staff queue pages by (status, updated_at, id): each page reads only its own rows.
    index('program_applications_queue').on(t.status, t.updatedAt, t.id),
    index('program_applications_account').on(t.accountId, t.createdAt),
    index('program_applications_documents_due').on(t.documentsDeleteOn),
    index('program_applications_decided').on(t.decidedAt),
    check('program_applications_paid', sql`(status = 'paid') = (paid_cents IS NOT NULL)`),
  ],
);

export const programApplicationDocuments = sqliteTable(
  'program_application_documents',
  {
    id: text('id').primaryKey(),
    applicationId: text('application_id').notNull().references(() => programApplications.id),
    /** Which of the program's documents this file is (its id in the front matter). */
    requirementId: text('requirement_id').notNull(),
    /** A random key in the PROGRAM_DOCUMENTS bucket; says nothing about the customer or the file. */
    objectKey: text('object_key').notNull(),
    fileName: text('file_name').notNull(),
    /** Judged from the file's first bytes, not from what the browser declared. */
    contentType: text('content_type', { enum: ['application/pdf', 'image/jpeg', 'image/png', 'image/heic'] }).notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('program_application_documents_application').on(t.applicationId)],
);

/** Every status an application has had, with what the customer was told: the history they follow. */
export const programApplicationEvents = sqliteTable(
  'program_application_events',
  {
    id: text('id').primaryKey(),
    applicationId: text('application_id').notNull().references(() => programApplications.id),
    status: text('status', { enum: programApplicationStatuses }).notNull(),
    /** What the customer was told (the information asked for, the reason for a denial), or what they answered. */
    note: text('note'),
    actorKind: text('actor_kind', { enum: ['customer', 'staff'] }).notNull(),
    /** The customer or member of staff (null once that login is deleted). */
    actorLoginId: text('actor_login_id'),
    at: text('at').notNull(),
  },
  (t) => [index('program_application_events_application').on(t.applicationId, t.at)],
);
