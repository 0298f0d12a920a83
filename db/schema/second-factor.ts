import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
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

/**
 * TOTP set-up beside `logins.totp_secret`, which holds the confirmed secret (sealed; read by the
 * sign-in for staff and customers alike). Here: a secret shown to the customer but not yet
 * confirmed with a code (sealed the same way, good for a short while), and when the app was set up,
 * for the security page and the access package. A staff secret an administrator enrolled has no row.
 */
export const totpEnrolments = sqliteTable('totp_enrolments', {
  loginId: text('login_id')
    .primaryKey()
    .references(() => logins.id),
  /** A new secret awaiting its first code, sealed like logins.totp_secret (worker/auth/totp-secrets.ts). */
  pendingSecret: text('pending_secret'),
  pendingExpiresAt: text('pending_expires_at'),
  /** When the current secret was confirmed; null while none is. */
  enrolledAt: text('enrolled_at'),
});

/**
 * Recovery codes: shown once, kept only as SHA-256 of the login id and the code (each code is 80
 * random bits, so a fast hash cannot be walked back), single-use. Generating a new set deletes the old.
 */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: text('id').primaryKey(),
    loginId: text('login_id')
      .notNull()
      .references(() => logins.id),
    codeHash: text('code_hash').notNull(),
    createdAt: text('created_at').notNull(),
    usedAt: text('used_at'),
  },
  (t) => [uniqueIndex('recovery_codes_hash').on(t.codeHash), index('recovery_codes_login').on(t.loginId)],
);

export const stepUpMethods = ['password', 'totp', 'passkey', 'recovery_code'] as const;
export type StepUpMethod = (typeof stepUpMethods)[number];

/**
 * The last time a session proved its login again (worker/auth/step-up.ts): its sign-in's own proof,
 * or a later confirmation. A sensitive action needs one within the step-up window.
 */
export const stepUps = sqliteTable(
  'step_ups',
  {
    /** The session's token hash (sessions.token_hash). */
    sessionHash: text('session_hash').primaryKey(),
    loginId: text('login_id')
      .notNull()
      .references(() => logins.id),
    method: text('method', { enum: stepUpMethods }).notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('step_ups_login').on(t.loginId), index('step_ups_at').on(t.at)],
);

/**
 * Browsers a login signed in from (worker/auth/devices.ts): the SHA-256 of the random id in the
 * `__Host-device` cookie, per login. A sign-in from a browser not listed mails the customer.
 */
export const knownDevices = sqliteTable(
  'known_devices',
  {
    loginId: text('login_id')
      .notNull()
      .references(() => logins.id),
    deviceHash: text('device_hash').notNull(),
    /** Coarse browser and system ("Firefox on Linux"), never the full user agent. */
    clientLabel: text('client_label'),
    firstSeenAt: text('first_seen_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.loginId, t.deviceHash] }), index('known_devices_last_seen').on(t.lastSeenAt)],
);

/**
 * The link in a new-device notice that ends that one session without signing in: single-use, kept
 * only as the SHA-256 of its random part (the link carries it in its fragment).
 */
export const sessionEndLinks = sqliteTable(
  'session_end_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    loginId: text('login_id')
      .notNull()
      .references(() => logins.id),
    /** The session it ends (sessions.token_hash). */
    sessionHash: text('session_hash').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
    usedAt: text('used_at'),
  },
  (t) => [index('session_end_links_login').on(t.loginId), index('session_end_links_expires').on(t.expiresAt)],
);
