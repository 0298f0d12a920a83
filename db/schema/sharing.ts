import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { accounts } from './core';
import { logins } from './logins';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const disclosureRecipientKinds = ['third_party', 'delegate', 'vendor'] as const;
export type DisclosureRecipientKind = (typeof disclosureRecipientKinds)[number];

/**
 * The disclosure log: one row per release of an account's data to anyone outside the utility and
 * the account holder (a third party's API call, a delegate's export, a vendor batch). The customer
 * reads it on their sharing page and in the access package. `recipient_label` is the name as it
 * stood at the time, so the log still reads true after an application is renamed or removed.
 */
export const disclosures = sqliteTable(
  'disclosures',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull().references(() => accounts.id),
    recipientKind: text('recipient_kind', { enum: disclosureRecipientKinds }).notNull(),
    /** The third-party application, delegate login or vendor the data went to. */
    recipientId: text('recipient_id').notNull(),
    recipientLabel: text('recipient_label').notNull(),
    /** Under which authorisation: a Connect My Data authorisation id, or the delegate grant ("delegate:<login id>"). */
    authority: text('authority').notNull(),
    /** What was released, in a customer's words ("Electric use, 15-minute reads, 1 Oct 2025 – 31 Oct 2026"). */
    description: text('description').notNull(),
    /** The resource as requested (a path; never a token or query string). */
    resource: text('resource').notNull(),
    records: integer('records').notNull().default(0),
    releasedAt: text('released_at').notNull().default(now),
  },
  (t) => [index('disclosures_account').on(t.accountId, t.releasedAt)],
);

export const delegateRights = ['usage', 'billing', 'pay', 'manage', 'alerts'] as const;

/**
 * An invitation to become a delegate on an account. The link carries a random token (in the URL
 * fragment, so no log keeps it); only its SHA-256 is stored, and it works once, until `expires_at`,
 * unless the holder withdraws it first.
 */
export const delegateInvitations = sqliteTable(
  'delegate_invitations',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull().references(() => accounts.id),
    invitedBy: text('invited_by').notNull().references(() => logins.id),
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    canViewUsage: integer('can_view_usage', { mode: 'boolean' }).notNull(),
    canViewBilling: integer('can_view_billing', { mode: 'boolean' }).notNull(),
    canPay: integer('can_pay', { mode: 'boolean' }).notNull(),
    canManage: integer('can_manage', { mode: 'boolean' }).notNull(),
    canReceiveAlerts: integer('can_receive_alerts', { mode: 'boolean' }).notNull(),
    /** The last day (in the utility's time zone) the access lasts, or null for until either side ends it. */
    accessUntil: text('access_until'),
    createdAt: text('created_at').notNull().default(now),
    expiresAt: text('expires_at').notNull(),
    acceptedAt: text('accepted_at'),
    acceptedBy: text('accepted_by').references(() => logins.id),
    withdrawnAt: text('withdrawn_at'),
  },
  (t) => [index('delegate_invitations_account').on(t.accountId, t.createdAt), index('delegate_invitations_token').on(t.tokenHash)],
);
