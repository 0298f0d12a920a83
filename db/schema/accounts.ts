import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { accounts } from './core';
import { logins } from './logins';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const linkPurposes = ['verify-email', 'password-reset', 'email-change'] as const;
export type LinkPurpose = (typeof linkPurposes)[number];

/**
 * Single-use links sent by e-mail. The link carries a random id, its expiry and an HMAC over both
 * and the purpose; only a SHA-256 of the random id is stored here, and `used_at` is set when the
 * link is consumed, so a link works once.
 */
export const linkTokens = sqliteTable(
  'link_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    purpose: text('purpose', { enum: linkPurposes }).notNull(),
    loginId: text('login_id').notNull().references(() => logins.id),
    /** For 'verify-email' at registration: the utility account the registrant proved. */
    accountId: text('account_id').references(() => accounts.id),
    /** For 'email-change': the address that becomes the login e-mail once confirmed. */
    newEmail: text('new_email'),
    createdAt: text('created_at').notNull().default(now),
    expiresAt: text('expires_at').notNull(),
    usedAt: text('used_at'),
  },
  (t) => [index('link_tokens_login').on(t.loginId, t.purpose)],
);

/**
 * Failure counters behind rate limits and lockouts. `key` names what is counted, never in clear:
 * e.g. "login-id:<hmac of the e-mail>", "client:<hmac of the IP address>". A lock ends at
 * `locked_until`; each further lock in a row lasts twice as long, up to a cap, so it always ends.
 */
export const throttles = sqliteTable('throttles', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: text('window_started_at').notNull(),
  lockedUntil: text('locked_until'),
  /** Locks in a row (reset after a quiet day or a success): sets the next lock's length. */
  lockouts: integer('lockouts').notNull().default(0),
  updatedAt: text('updated_at').notNull(),
});
