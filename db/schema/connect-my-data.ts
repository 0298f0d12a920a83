import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { accounts } from './core';

/**
 * Green Button Connect My Data (worker/connect-my-data/): third-party applications an
 * administrator registers, the authorisations customers give them, and the OAuth codes and tokens
 * those authorisations issue. Codes and tokens are kept only as SHA-256; every row that comes from
 * a customer carries its account, so deleting the customer removes them (db/personal-data.ts),
 * which ends every authorisation at once.
 */
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const applicationStatuses = ['review', 'production', 'on_hold', 'revoked'] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];

/** ESPI ApplicationInformation, as far as the portal needs it. `id` is the OAuth client_id. */
export const cmdApplications = sqliteTable('cmd_applications', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Who runs it (shown on the consent screen). */
  organisation: text('organisation').notNull(),
  /** What the application does with the data, in its own plain words (shown on the consent screen). */
  purpose: text('purpose').notNull(),
  clientSecretHash: text('client_secret_hash').notNull(),
  /** JSON array of exact redirect URIs (compared as strings, RFC 9700 §2.1). */
  redirectUris: text('redirect_uris').notNull(),
  /** Where notifications of new data are POSTed (a BatchList of resource URIs). */
  notifyUri: text('notify_uri').notNull(),
  /** The widest ESPI scope it may ask for ("FB=1_4_5_16;IntervalDuration=900;HistoryLength=34190000"). */
  scope: text('scope').notNull(),
  /** The longest an authorisation may last, in days. */
  maxAuthorizationDays: integer('max_authorization_days').notNull().default(365),
  status: text('status', { enum: applicationStatuses }).notNull().default('review'),
  createdAt: text('created_at').notNull().default(now),
  updatedAt: text('updated_at').notNull().default(now),
});

export const authorizationEndReasons = ['customer', 'staff', 'application_revoked', 'refresh_reuse', 'code_replay'] as const;

/**
 * A customer's authorisation of one application to fetch one account's data: which meters, which
 * function blocks, how far back and until when (each no wider than the application asked for).
 * `subscription_id` names it in ESPI resource URIs. Active while `ended_at` is null and `ends_at` is ahead.
 */
export const cmdAuthorizations = sqliteTable(
  'cmd_authorizations',
  {
    id: text('id').primaryKey(),
    applicationId: text('application_id').notNull().references(() => cmdApplications.id),
    accountId: text('account_id').notNull().references(() => accounts.id),
    /** The portal login that gave it (no foreign key: the login may be deleted before the row). */
    grantedBy: text('granted_by').notNull(),
    subscriptionId: text('subscription_id').notNull(),
    /** The scope granted, as ESPI writes it (narrowed by the customer). */
    scope: text('scope').notNull(),
    /** JSON array of the meter ids the customer chose. */
    meterIds: text('meter_ids').notNull(),
    /** First utility-local day the application may read. */
    dataFrom: text('data_from').notNull(),
    createdAt: text('created_at').notNull().default(now),
    endsAt: text('ends_at').notNull(),
    endedAt: text('ended_at'),
    endedBy: text('ended_by', { enum: authorizationEndReasons }),
  },
  (t) => [index('cmd_authorizations_account').on(t.accountId, t.createdAt), index('cmd_authorizations_application').on(t.applicationId), index('cmd_authorizations_subscription').on(t.subscriptionId)],
);

/**
 * The meters of each authorisation, one row each, so that the notice of new data finds the
 * authorisations covering the meters an ingest batch wrote by index instead of reading every
 * authorisation's JSON list (worker/connect-my-data/notify.ts). Written with the authorisation.
 */
export const cmdAuthorizationMeters = sqliteTable(
  'cmd_authorization_meters',
  {
    meterId: text('meter_id').notNull(),
    authorizationId: text('authorization_id').notNull().references(() => cmdAuthorizations.id),
  },
  (t) => [primaryKey({ columns: [t.meterId, t.authorizationId] }), index('cmd_authorization_meters_authorization').on(t.authorizationId)],
);

/**
 * An authorisation request waiting for the customer's answer on the consent screen (10 minutes).
 * Kept server-side so that the consent page's address stays short (it survives a step-up).
 */
export const cmdConsentRequests = sqliteTable('cmd_consent_requests', {
  id: text('id').primaryKey(),
  loginId: text('login_id').notNull(),
  applicationId: text('application_id').notNull().references(() => cmdApplications.id),
  redirectUri: text('redirect_uri').notNull(),
  scope: text('scope').notNull(),
  state: text('state'),
  codeChallenge: text('code_challenge').notNull(),
  createdAt: text('created_at').notNull().default(now),
  expiresAt: text('expires_at').notNull(),
});

/** Authorisation codes: single use, 60 seconds, bound to the redirect URI and the PKCE challenge (S256). */
export const cmdCodes = sqliteTable('cmd_codes', {
  codeHash: text('code_hash').primaryKey(),
  authorizationId: text('authorization_id').notNull(),
  accountId: text('account_id').notNull(),
  redirectUri: text('redirect_uri').notNull(),
  codeChallenge: text('code_challenge').notNull(),
  expiresAt: text('expires_at').notNull(),
  usedAt: text('used_at'),
});

export const tokenKinds = ['access', 'refresh'] as const;

/**
 * Access and refresh tokens (opaque, 32 random bytes; SHA-256 kept). A refresh token works once:
 * using it marks `used_at` and issues a new pair; presenting a used one again ends the authorisation.
 */
export const cmdTokens = sqliteTable(
  'cmd_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    kind: text('kind', { enum: tokenKinds }).notNull(),
    authorizationId: text('authorization_id').notNull(),
    accountId: text('account_id').notNull(),
    createdAt: text('created_at').notNull().default(now),
    expiresAt: text('expires_at').notNull(),
    usedAt: text('used_at'),
    revokedAt: text('revoked_at'),
  },
  (t) => [index('cmd_tokens_authorization').on(t.authorizationId)],
);
