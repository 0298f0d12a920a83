import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { logins } from './logins';

/**
 * Second factors beyond the password. Passkeys (WebAuthn): the credentials a login registered and
 * the single-use challenges of the ceremonies in flight (worker/auth/passkeys/). TOTP, recovery
 * codes, step-up and known devices follow below.
 *
 * Nothing here is a secret that signs a login in by itself: a passkey's private key never leaves
 * the authenticator, the portal keeps its public key; a challenge is kept only as its SHA-256.
 */
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const passkeyDeviceTypes = ['singleDevice', 'multiDevice'] as const;

/** A passkey (WebAuthn public-key credential) a login registered. A login may hold several. */
export const passkeyCredentials = sqliteTable(
  'passkey_credentials',
  {
    /** Our own random id: what forms and the security page name it by (the credential id stays on the server). */
    id: text('id').primaryKey(),
    loginId: text('login_id')
      .notNull()
      .references(() => logins.id),
    /** The authenticator's credential id (base64url), unique across every login. */
    credentialId: text('credential_id').notNull(),
    /** The COSE public key (base64url) from registration. */
    publicKey: text('public_key').notNull(),
    /** The authenticator's signature counter; 0 for authenticators that do not count (most passkeys). */
    signCount: integer('sign_count').notNull().default(0),
    /** How the browser may reach the authenticator (usb, nfc, ble, hybrid, internal), as it reported them. */
    transports: text('transports', { mode: 'json' }).$type<string[]>(),
    /** singleDevice: bound to one authenticator; multiDevice: a synced passkey. */
    deviceType: text('device_type', { enum: passkeyDeviceTypes }).notNull(),
    /** Whether the passkey was backed up (synced) when last used. */
    backedUp: integer('backed_up', { mode: 'boolean' }).notNull().default(false),
    /** The name the customer gave it ("Phone", "Office key"). */
    name: text('name').notNull(),
    createdAt: text('created_at').notNull().default(now),
    lastUsedAt: text('last_used_at'),
  },
  (t) => [uniqueIndex('passkey_credentials_credential').on(t.credentialId), index('passkey_credentials_login').on(t.loginId)],
);

/**
 * What a challenge was issued for: registering a passkey on a signed-in session, signing in with a
 * passkey alone, the second sign-in step after a password, or a step-up before a sensitive action.
 */
export const passkeyPurposes = ['register', 'sign_in', 'second_factor', 'step_up'] as const;
export type PasskeyPurpose = (typeof passkeyPurposes)[number];

/**
 * Challenges of ceremonies in flight: single-use (deleted when a response is checked against it,
 * right or wrong), short-lived, and bound to what asked for it: a session (by its token hash) or,
 * for a sign-in with a passkey alone, the sign-in attempt's cookie (by its hash). Only the
 * challenge's SHA-256 is kept. The daily cron removes any left behind.
 */
export const passkeyChallenges = sqliteTable(
  'passkey_challenges',
  {
    /** SHA-256 (hex) of the challenge the browser signs. */
    challengeHash: text('challenge_hash').primaryKey(),
    purpose: text('purpose', { enum: passkeyPurposes }).notNull(),
    /** The login the ceremony is for; null for a sign-in with a passkey alone, where the passkey says who. */
    loginId: text('login_id').references(() => logins.id),
    /** SHA-256 (hex) of what the challenge is bound to: the session's token hash, or the sign-in attempt cookie. */
    bindingHash: text('binding_hash').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('passkey_challenges_binding').on(t.bindingHash), index('passkey_challenges_expires').on(t.expiresAt), index('passkey_challenges_login').on(t.loginId)],
);
