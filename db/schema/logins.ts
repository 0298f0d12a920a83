import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { accounts } from './core';
import { localeColumn } from './locale';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const loginRoles = ['customer', 'support', 'privacy_officer', 'programs', 'admin'] as const;
export type LoginRole = (typeof loginRoles)[number];

/** A portal identity (an e-mail and a password), apart from the utility accounts it may see. */
export const logins = sqliteTable(
  'logins',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    emailVerifiedAt: text('email_verified_at'),
    /** Self-describing hash: algorithm and parameters travel with it so they can be raised later. */
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: loginRoles }).notNull().default('customer'),
    displayName: text('display_name'),
    /** The language of the mail and texts this login receives ('en' or 'es'). */
    locale: localeColumn(),
    status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
    /**
     * The TOTP secret (RFC 6238) when a second factor is enrolled; required for staff roles. Sealed
     * with AES-256-GCM under TOTP_ENCRYPTION_KEYS (`totp1.<kid>.<iv>.<ciphertext>`,
     * worker/auth/totp-secrets.ts), never the base32 secret itself.
     */
    totpSecret: text('totp_secret'),
    /** The last 30-second step accepted, so the same code is never accepted twice. */
    totpLastStep: integer('totp_last_step'),
    passwordChangedAt: text('password_changed_at'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at'),
  },
  (t) => [uniqueIndex('logins_email').on(t.email)],
);

/**
 * Which utility accounts a login may see and what it may do there. The holder has every right;
 * a delegate only those the holder granted.
 */
export const accountAccess = sqliteTable(
  'account_access',
  {
    loginId: text('login_id').notNull().references(() => logins.id),
    accountId: text('account_id').notNull().references(() => accounts.id),
    relationship: text('relationship', { enum: ['holder', 'delegate'] }).notNull(),
    canViewUsage: integer('can_view_usage', { mode: 'boolean' }).notNull().default(true),
    canViewBilling: integer('can_view_billing', { mode: 'boolean' }).notNull().default(false),
    /** Manage alerts and contact settings for the account. */
    canManage: integer('can_manage', { mode: 'boolean' }).notNull().default(false),
    canPay: integer('can_pay', { mode: 'boolean' }).notNull().default(false),
    /** Receive the account's alerts at the delegate's own address. */
    canReceiveAlerts: integer('can_receive_alerts', { mode: 'boolean' }).notNull().default(false),
    /** A delegate's access ends at this instant (the end of the last day the holder chose), or never when null. */
    expiresAt: text('expires_at'),
    grantedAt: text('granted_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.loginId, t.accountId] }), index('account_access_account').on(t.accountId)],
);

/** Server-side sessions. Only a SHA-256 of the cookie's random token is stored. */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    /** Random id shown to the customer in "active sessions" (the token hash never leaves the server); always set by startSession. */
    publicId: text('public_id'),
    loginId: text('login_id').notNull().references(() => logins.id),
    persistent: integer('persistent', { mode: 'boolean' }).notNull().default(false),
    createdAt: text('created_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    /** Absolute end; the idle limit is checked against last_seen_at. */
    expiresAt: text('expires_at').notNull(),
    revokedAt: text('revoked_at'),
    /** Coarse client description for "your active sessions" (browser family and OS), never the full user agent. */
    clientLabel: text('client_label'),
    /**
     * 'none': no second factor asked; 'pending': password accepted, second factor still owed (the
     * session grants nothing but the second step); 'passed': second factor verified.
     */
    secondFactor: text('second_factor', { enum: ['none', 'pending', 'passed'] }).notNull().default('none'),
  },
  (t) => [index('sessions_login').on(t.loginId), uniqueIndex('sessions_public_id').on(t.publicId)],
);
