import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { accounts } from './core';
import { localeColumn } from './locale';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const privacyRequestTypes = ['know', 'delete', 'correct', 'opt_out'] as const;
export type PrivacyRequestType = (typeof privacyRequestTypes)[number];

export const privacyRequestStates = ['received', 'verifying', 'verified', 'in_progress', 'extended', 'fulfilled', 'refused'] as const;
export type PrivacyRequestState = (typeof privacyRequestStates)[number];

/**
 * A consumer privacy request (CCPA: know, delete, correct, opt out / limit sensitive use).
 * Kept 24 months after it closes (11 CCR § 7101), then purged by the scheduled job. The requester's
 * own contact fields are de-identified when a deletion for the same account is fulfilled.
 */
export const privacyRequests = sqliteTable(
  'privacy_requests',
  {
    id: text('id').primaryKey(),
    type: text('type', { enum: privacyRequestTypes }).notNull(),
    state: text('state', { enum: privacyRequestStates }).notNull(),
    receivedAt: text('received_at').notNull(),
    /** Utility-local dates (YYYY-MM-DD). */
    acknowledgeBy: text('acknowledge_by').notNull(),
    dueOn: text('due_on').notNull(),
    acknowledgedAt: text('acknowledged_at'),
    extendedAt: text('extended_at'),
    extensionReason: text('extension_reason'),
    /** Set by the scheduled job the first time it finds the request past its due date. */
    overdueSince: text('overdue_since'),
    closedAt: text('closed_at'),
    refusalReason: text('refusal_reason'),
    /** What the requester is told when the request closes (also shown at the status link). */
    answer: text('answer', { mode: 'json' }).$type<RequestAnswer>(),
    submittedBy: text('submitted_by', { enum: ['self', 'agent'] }).notNull(),
    requesterName: text('requester_name').notNull(),
    requesterEmail: text('requester_email').notNull(),
    /** The language of the form it was filed on: its mail and status page are in it. */
    locale: localeColumn(),
    /** As typed on the form; matched against the utility's records, never echoed back. */
    accountNumberGiven: text('account_number_given'),
    postalCodeGiven: text('postal_code_given'),
    agentName: text('agent_name'),
    agentEmail: text('agent_email'),
    agentPermission: text('agent_permission'),
    /** Type-specific details: correction field and value, opt-out/limit choices. */
    details: text('details', { mode: 'json' }).$type<Record<string, string | boolean | null>>(),
    declarationName: text('declaration_name').notNull(),
    /** SHA-256 (hex) of the canonical submission; also in the signed receipt. */
    submissionSha256: text('submission_sha256').notNull(),
    receiptJws: text('receipt_jws').notNull(),
    /** The account the request was matched to (null when nothing matched). Never revealed to the requester. */
    accountId: text('account_id').references(() => accounts.id),
    /** The login that filed it while signed in, if any. */
    filedByLoginId: text('filed_by_login_id'),
    verificationMethod: text('verification_method', { enum: ['session', 'email_link', 'not_required'] }),
    verifiedAt: text('verified_at'),
    /** SHA-256 of the single-use verification link's nonce; cleared when the link is used. */
    verifyNonceHash: text('verify_nonce_hash'),
    verifyExpiresAt: text('verify_expires_at'),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [index('privacy_requests_due').on(t.state, t.dueOn), index('privacy_requests_account').on(t.accountId), index('privacy_requests_closed').on(t.closedAt)],
);

export type RequestAnswer = {
  summary: string;
  /** For deletions: what was kept and why. */
  retained?: { item: string; reason: string }[];
  removed?: string[];
};

/** Append-only: every state change of a request, who made it and when. No UPDATE, ever. */
export const privacyRequestHistory = sqliteTable(
  'privacy_request_history',
  {
    id: text('id').primaryKey(),
    requestId: text('request_id').notNull().references(() => privacyRequests.id),
    at: text('at').notNull(),
    fromState: text('from_state', { enum: privacyRequestStates }),
    toState: text('to_state', { enum: privacyRequestStates }).notNull(),
    actorKind: text('actor_kind', { enum: ['requester', 'staff', 'system'] }).notNull(),
    actorLoginId: text('actor_login_id'),
    /** Staff note or system reason. Staff are told not to put personal values here. */
    note: text('note'),
  },
  (t) => [index('privacy_request_history_request').on(t.requestId, t.at)],
);

/** Form-token ids already used (single use); rows expire with the token and are purged by the cron. */
export const usedFormTokens = sqliteTable('used_form_tokens', {
  jti: text('jti').primaryKey(),
  expiresAt: text('expires_at').notNull(),
});

/**
 * Public halves of every key that has signed a receipt. Recorded on first use, so a key rotated out
 * of RECEIPT_SIGNING_JWKS stays published at /.well-known/jwks.json and its receipts still verify.
 */
export const receiptSigningKeys = sqliteTable('receipt_signing_keys', {
  kid: text('kid').primaryKey(),
  publicJwk: text('public_jwk', { mode: 'json' }).$type<JsonWebKey & { kid: string }>().notNull(),
  firstUsedAt: text('first_used_at').notNull().default(now),
});

/** The customer's opt-out of sale/sharing and limit on sensitive-data use, recorded per utility account. */
export const privacyChoices = sqliteTable('privacy_choices', {
  accountId: text('account_id').primaryKey().references(() => accounts.id),
  optOutSaleSharing: integer('opt_out_sale_sharing', { mode: 'boolean' }).notNull().default(false),
  limitSensitiveUse: integer('limit_sensitive_use', { mode: 'boolean' }).notNull().default(false),
  sourceRequestId: text('source_request_id'),
  updatedAt: text('updated_at').notNull().default(now),
});


/** The categories a business reports its privacy requests under (11 CCR § 7102): an opt-out request counts once for each choice it made. */
export const requestMetricCategories = ['know', 'delete', 'correct', 'opt_out', 'limit'] as const;
export type RequestMetricCategory = (typeof requestMetricCategories)[number];

/**
 * A finished calendar year's request counts, frozen by the daily job before the requests behind
 * them are purged (they are kept 24 months after closing; the published figures stay). No one's
 * data: counts and days only. The current year is counted live from privacy_requests.
 */
export const privacyRequestMetrics = sqliteTable(
  'privacy_request_metrics',
  {
    year: integer('year').notNull(),
    category: text('category', { enum: requestMetricCategories }).notNull(),
    received: integer('received').notNull(),
    /** Fulfilled, in whole or in part. */
    complied: integer('complied').notNull(),
    denied: integer('denied').notNull(),
    /** Still open when the year was frozen (only a request stuck past the following year). */
    open: integer('open').notNull(),
    medianDays: real('median_days'),
    meanDays: real('mean_days'),
    frozenAt: text('frozen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.year, t.category] })],
);
