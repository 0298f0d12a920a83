/**
 * The authorisation server of Green Button Connect My Data, apart from HTTP: RFC 6749's
 * authorisation code grant with PKCE (RFC 7636, S256 only), refresh tokens that rotate on every use
 * with reuse detection (RFC 9700 §4.14: a used refresh token presented again ends the whole
 * authorisation and every token it issued), revocation (RFC 7009), and the check of an access token
 * on every data call. Tokens are opaque random values; D1 keeps their SHA-256 only. Every check
 * reads D1, so a revocation by the customer or staff holds from the very next call.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { cmdApplications, cmdAuthorizationMeters, cmdAuthorizations, cmdCodes, cmdConsentRequests, cmdTokens } from '../../db/schema';
import { auditInsert } from '../audit/log';
import { ApiError } from '../http/errors';
import { base64url, randomToken, sha256Hex } from '../auth/tokens';
import { isWithin, parseScope, formatScope, type Scope } from './scope';

export const ACCESS_TOKEN_SECONDS = 600;
export const CODE_SECONDS = 60;
export const CONSENT_SECONDS = 600;

export type Deps = { db: DrizzleD1Database; now: Date };
export type Application = typeof cmdApplications.$inferSelect;
export type Authorization = typeof cmdAuthorizations.$inferSelect;

/** An OAuth error as RFC 6749 §5.2 names it; the token and revocation endpoints answer `{ error, error_description }`. */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope' | 'unsupported_token_type',
    readonly description: string,
  ) {
    super(description);
  }
}

const iso = (d: Date) => d.toISOString();
const later = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000);
export const redirectUrisOf = (app: Application): string[] => JSON.parse(app.redirectUris) as string[];

/** Client authentication (client_secret_basic or client_secret_post): the application, or invalid_client. */
export async function authenticateClient(db: DrizzleD1Database, credentials: { id: string | undefined; secret: string | undefined }): Promise<Application> {
  if (!credentials.id || !credentials.secret || credentials.id.length > 100 || credentials.secret.length > 200) throw new OAuthError(401, 'invalid_client', 'Client authentication failed.');
  const [app] = await db.select().from(cmdApplications).where(eq(cmdApplications.id, credentials.id)).limit(1);
  // Compare hashes: equal length, and the secret itself is never compared byte by byte.
  if (!app || app.clientSecretHash !== (await sha256Hex(credentials.secret))) throw new OAuthError(401, 'invalid_client', 'Client authentication failed.');
  if (app.status !== 'production') throw new OAuthError(400, 'unauthorized_client', 'This application may not obtain tokens now.');
  return app;
}

export type AuthorizeRequest = { response_type?: string; client_id?: string; redirect_uri?: string; scope?: string; state?: string; code_challenge?: string; code_challenge_method?: string };

export type AuthorizeOutcome =
  /** The client or its redirect URI cannot be trusted: never redirect (RFC 6749 §4.1.2.1). */
  | { kind: 'bad_client' }
  | { kind: 'redirect'; location: string }
  | { kind: 'consent'; requestId: string };

export function redirectWith(redirectUri: string, params: Record<string, string | undefined | null>) {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * Checks an authorisation request from the browser of a signed-in customer and keeps it for the
 * consent screen. A bad client or redirect URI is never redirected to; other faults go back to the
 * registered redirect URI with the error, as RFC 6749 §4.1.2.1 says.
 */
export async function startAuthorization(deps: Deps, loginId: string, q: AuthorizeRequest): Promise<AuthorizeOutcome> {
  const { db, now } = deps;
  if (!q.client_id || !q.redirect_uri) return { kind: 'bad_client' };
  const [app] = await db.select().from(cmdApplications).where(eq(cmdApplications.id, q.client_id)).limit(1);
  if (!app || app.status !== 'production' || !redirectUrisOf(app).includes(q.redirect_uri)) return { kind: 'bad_client' };
  const back = (error: string, description: string) => ({ kind: 'redirect' as const, location: redirectWith(q.redirect_uri!, { error, error_description: description, state: q.state }) });
  if (q.response_type !== 'code') return back('unsupported_response_type', 'Only the authorization code flow is supported.');
  if (q.code_challenge_method !== 'S256' || !q.code_challenge || !/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge)) return back('invalid_request', 'PKCE with code_challenge_method S256 is required.');
  const wide = parseScope(app.scope)!;
  const asked = q.scope ? parseScope(q.scope) : wide;
  if (!asked || !isWithin(asked, wide)) return back('invalid_scope', 'The scope is not one this application may ask for.');
  if (q.state !== undefined && q.state.length > 500) return back('invalid_request', 'state is too long.');
  const requestId = randomToken(16);
  await db.insert(cmdConsentRequests).values({ id: requestId, loginId, applicationId: app.id, redirectUri: q.redirect_uri, scope: formatScope(asked), state: q.state ?? null, codeChallenge: q.code_challenge, createdAt: iso(now), expiresAt: iso(later(now, CONSENT_SECONDS)) });
  return { kind: 'consent', requestId };
}

/** The waiting request and its application, when it is this login's and still current. */
export async function consentRequest(deps: Deps, loginId: string, requestId: string) {
  const [row] = await deps.db
    .select({ request: cmdConsentRequests, application: cmdApplications })
    .from(cmdConsentRequests)
    .innerJoin(cmdApplications, eq(cmdApplications.id, cmdConsentRequests.applicationId))
    .where(and(eq(cmdConsentRequests.id, requestId), eq(cmdConsentRequests.loginId, loginId)))
    .limit(1);
  if (!row || row.request.expiresAt <= iso(deps.now) || row.application.status !== 'production') return null;
  return { ...row, scope: parseScope(row.request.scope)! };
}

/** What the customer chose on the consent screen: already checked against what they may share. */
export type Grant = { accountId: string; meterIds: string[]; scope: Scope; dataFrom: string; endsAt: Date };

/**
 * The customer's yes: an authorisation narrowed to their choice and a single-use code for it, in
 * one batch that also spends the consent request. Returns where the browser goes next.
 */
export async function approve(deps: Deps, loginId: string, pending: NonNullable<Awaited<ReturnType<typeof consentRequest>>>, grant: Grant) {
  const { db, now } = deps;
  const authorizationId = crypto.randomUUID();
  const code = randomToken(32);
  // Spend the request first: of two answers sent at once (a double click), one wins.
  const spent = await db.delete(cmdConsentRequests).where(eq(cmdConsentRequests.id, pending.request.id)).run();
  if (!spent.meta.changes) throw new ApiError(404, 'not_found', 'No such authorisation request, or it was already answered.');
  await db.batch([
    db.insert(cmdAuthorizations).values({
      id: authorizationId,
      applicationId: pending.application.id,
      accountId: grant.accountId,
      grantedBy: loginId,
      subscriptionId: randomToken(12),
      scope: formatScope(grant.scope),
      meterIds: JSON.stringify(grant.meterIds),
      dataFrom: grant.dataFrom,
      createdAt: iso(now),
      endsAt: iso(grant.endsAt),
    }),
    db.insert(cmdAuthorizationMeters).values([...new Set(grant.meterIds)].map((meterId) => ({ meterId, authorizationId }))),
    db.insert(cmdCodes).values({ codeHash: await sha256Hex(code), authorizationId, accountId: grant.accountId, redirectUri: pending.request.redirectUri, codeChallenge: pending.request.codeChallenge, expiresAt: iso(later(now, CODE_SECONDS)) }),
    auditInsert(db, { event: 'connect.authorized', actorLoginId: loginId, subjectAccountId: grant.accountId, detail: { authorization: authorizationId, application: pending.application.id, meters: grant.meterIds.length } }),
  ]);
  return { authorizationId, location: redirectWith(pending.request.redirectUri, { code, state: pending.request.state }) };
}

/** The customer's no (or a request they walked away from): back to the application with access_denied. */
export async function deny(deps: Deps, pending: NonNullable<Awaited<ReturnType<typeof consentRequest>>>) {
  await deps.db.delete(cmdConsentRequests).where(eq(cmdConsentRequests.id, pending.request.id));
  return redirectWith(pending.request.redirectUri, { error: 'access_denied', error_description: 'The customer did not authorise this request.', state: pending.request.state });
}

const isActive = (a: Authorization, now: Date) => a.endedAt === null && a.endsAt > iso(now);

export type TokenResponse = { access_token: string; token_type: 'Bearer'; expires_in: number; refresh_token: string; scope: string; resourceURI: string; authorizationURI: string };

async function issuePair(deps: Deps, authorization: Authorization, origin: string): Promise<TokenResponse> {
  const { db, now } = deps;
  const access = randomToken(32);
  const refresh = randomToken(32);
  await db.batch([
    db.insert(cmdTokens).values({ tokenHash: await sha256Hex(access), kind: 'access', authorizationId: authorization.id, accountId: authorization.accountId, createdAt: iso(now), expiresAt: iso(later(now, ACCESS_TOKEN_SECONDS)) }),
    db.insert(cmdTokens).values({ tokenHash: await sha256Hex(refresh), kind: 'refresh', authorizationId: authorization.id, accountId: authorization.accountId, createdAt: iso(now), expiresAt: authorization.endsAt }),
  ]);
  const base = `${origin.replace(/\/$/, '')}/api/espi/1_1/resource`;
  return {
    access_token: access,
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_SECONDS,
    refresh_token: refresh,
    scope: authorization.scope,
    resourceURI: `${base}/Batch/Subscription/${authorization.subscriptionId}`,
    authorizationURI: `${base}/Authorization/${authorization.id}`,
  };
}

async function authorizationById(db: DrizzleD1Database, id: string) {
  const [a] = await db.select().from(cmdAuthorizations).where(eq(cmdAuthorizations.id, id)).limit(1);
  return a ?? null;
}

/** Ends an authorisation and revokes every token it issued (one batch). */
export function endAuthorizationStatements(db: DrizzleD1Database, authorizationId: string, by: NonNullable<Authorization['endedBy']>, now: Date) {
  return [
    db.update(cmdAuthorizations).set({ endedAt: iso(now), endedBy: by }).where(and(eq(cmdAuthorizations.id, authorizationId), isNull(cmdAuthorizations.endedAt))),
    db.update(cmdTokens).set({ revokedAt: iso(now) }).where(and(eq(cmdTokens.authorizationId, authorizationId), isNull(cmdTokens.revokedAt))),
    db.delete(cmdCodes).where(eq(cmdCodes.authorizationId, authorizationId)),
  ] as const;
}

const S256 = async (verifier: string) => base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));

/** grant_type=authorization_code: the code once, from the client it was issued to, with the same redirect URI and the PKCE verifier. */
export async function exchangeCode(deps: Deps, client: Application, body: { code?: string; redirect_uri?: string; code_verifier?: string }, origin: string): Promise<TokenResponse> {
  const { db, now } = deps;
  if (!body.code || body.code.length > 200) throw new OAuthError(400, 'invalid_request', 'code is required.');
  if (!body.code_verifier) throw new OAuthError(400, 'invalid_request', 'code_verifier is required (PKCE).');
  const codeHash = await sha256Hex(body.code);
  const [code] = await db.select().from(cmdCodes).where(eq(cmdCodes.codeHash, codeHash)).limit(1);
  if (!code) throw new OAuthError(400, 'invalid_grant', 'The code is not valid.');
  const authorization = await authorizationById(db, code.authorizationId);
  if (!authorization || authorization.applicationId !== client.id) throw new OAuthError(400, 'invalid_grant', 'The code is not valid.');
  if (code.usedAt) {
    // A replayed code: whoever holds it may have the tokens too (RFC 6749 §4.1.2). End it all.
    await db.batch([...endAuthorizationStatements(db, authorization.id, 'code_replay', now), auditInsert(db, { event: 'connect.code_replayed', subjectAccountId: authorization.accountId, detail: { authorization: authorization.id } })]);
    throw new OAuthError(400, 'invalid_grant', 'The code was already used.');
  }
  if (code.expiresAt <= iso(now)) throw new OAuthError(400, 'invalid_grant', 'The code has expired.');
  if (body.redirect_uri !== code.redirectUri) throw new OAuthError(400, 'invalid_grant', 'redirect_uri does not match the authorisation request.');
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(body.code_verifier) || (await S256(body.code_verifier)) !== code.codeChallenge) throw new OAuthError(400, 'invalid_grant', 'The PKCE code_verifier does not match.');
  if (!isActive(authorization, now)) throw new OAuthError(400, 'invalid_grant', 'The authorisation has ended.');
  // Spend the code first; of two racing exchanges, one wins.
  const spent = await db.update(cmdCodes).set({ usedAt: iso(now) }).where(and(eq(cmdCodes.codeHash, codeHash), isNull(cmdCodes.usedAt))).run();
  if (!spent.meta.changes) throw new OAuthError(400, 'invalid_grant', 'The code was already used.');
  return issuePair(deps, authorization, origin);
}

/**
 * grant_type=refresh_token: a current refresh token gives a new pair and is spent. A spent one
 * presented again means two parties hold it (RFC 9700 §4.14.2): the authorisation ends, with every
 * token it issued, and the application must ask the customer again.
 */
export async function refresh(deps: Deps, client: Application, body: { refresh_token?: string; scope?: string }, origin: string): Promise<TokenResponse> {
  const { db, now } = deps;
  if (!body.refresh_token || body.refresh_token.length > 200) throw new OAuthError(400, 'invalid_request', 'refresh_token is required.');
  const tokenHash = await sha256Hex(body.refresh_token);
  const [token] = await db.select().from(cmdTokens).where(and(eq(cmdTokens.tokenHash, tokenHash), eq(cmdTokens.kind, 'refresh'))).limit(1);
  if (!token) throw new OAuthError(400, 'invalid_grant', 'The refresh token is not valid.');
  const authorization = await authorizationById(db, token.authorizationId);
  if (!authorization || authorization.applicationId !== client.id) throw new OAuthError(400, 'invalid_grant', 'The refresh token is not valid.');
  const reuse = async () => {
    await db.batch([...endAuthorizationStatements(db, authorization.id, 'refresh_reuse', now), auditInsert(db, { event: 'connect.refresh_reused', subjectAccountId: authorization.accountId, detail: { authorization: authorization.id, application: client.id } })]);
    return new OAuthError(400, 'invalid_grant', 'The refresh token was already used; the authorisation has ended.');
  };
  if (token.usedAt && !token.revokedAt) throw await reuse();
  if (token.revokedAt || token.expiresAt <= iso(now) || !isActive(authorization, now)) throw new OAuthError(400, 'invalid_grant', 'The refresh token is no longer valid.');
  if (body.scope !== undefined) {
    const asked = parseScope(body.scope);
    if (!asked || !isWithin(asked, parseScope(authorization.scope)!)) throw new OAuthError(400, 'invalid_scope', 'The scope is wider than the customer authorised.');
  }
  const spent = await db.update(cmdTokens).set({ usedAt: iso(now) }).where(and(eq(cmdTokens.tokenHash, tokenHash), isNull(cmdTokens.usedAt), isNull(cmdTokens.revokedAt))).run();
  if (!spent.meta.changes) throw await reuse();
  return issuePair(deps, authorization, origin);
}

/**
 * RFC 7009: the client's own token only (another client's is ignored, as is an unknown one); a
 * refresh token takes every token of its authorisation with it. Always succeeds for the client.
 */
export async function revokeToken(deps: Deps, client: Application, token: string | undefined) {
  const { db, now } = deps;
  if (!token || token.length > 200) throw new OAuthError(400, 'invalid_request', 'token is required.');
  const [row] = await db
    .select({ token: cmdTokens, applicationId: cmdAuthorizations.applicationId })
    .from(cmdTokens)
    .innerJoin(cmdAuthorizations, eq(cmdAuthorizations.id, cmdTokens.authorizationId))
    .where(eq(cmdTokens.tokenHash, await sha256Hex(token)))
    .limit(1);
  if (!row || row.applicationId !== client.id) return;
  const where = row.token.kind === 'refresh' ? eq(cmdTokens.authorizationId, row.token.authorizationId) : eq(cmdTokens.tokenHash, row.token.tokenHash);
  await db.update(cmdTokens).set({ revokedAt: iso(now) }).where(and(where, isNull(cmdTokens.revokedAt)));
}

export type Access = { authorization: Authorization; application: Application; scope: Scope; meterIds: string[] };

/**
 * The check on every data call: an unexpired, unrevoked access token of an authorisation that has
 * not ended, of an application in production. One D1 read. Null when any of that fails.
 */
export async function verifyAccessToken(deps: Deps, bearer: string): Promise<Access | null> {
  if (!bearer || bearer.length > 200) return null;
  const nowIso = iso(deps.now);
  const [row] = await deps.db
    .select({ authorization: cmdAuthorizations, application: cmdApplications })
    .from(cmdTokens)
    .innerJoin(cmdAuthorizations, eq(cmdAuthorizations.id, cmdTokens.authorizationId))
    .innerJoin(cmdApplications, eq(cmdApplications.id, cmdAuthorizations.applicationId))
    .where(
      and(
        eq(cmdTokens.tokenHash, await sha256Hex(bearer)),
        eq(cmdTokens.kind, 'access'),
        isNull(cmdTokens.revokedAt),
        sql`${cmdTokens.expiresAt} > ${nowIso}`,
        isNull(cmdAuthorizations.endedAt),
        sql`${cmdAuthorizations.endsAt} > ${nowIso}`,
        eq(cmdApplications.status, 'production'),
      ),
    )
    .limit(1);
  if (!row) return null;
  return { ...row, scope: parseScope(row.authorization.scope)!, meterIds: JSON.parse(row.authorization.meterIds) as string[] };
}

/** The customer (who may manage the account) or staff ends an authorisation; 'not_found' when there is no such live one. */
export async function endAuthorization(deps: Deps, authorizationId: string, by: 'customer' | 'staff', actorLoginId: string, accountIds: string[] | 'any') {
  const { db, now } = deps;
  const a = await authorizationById(db, authorizationId);
  if (!a || (accountIds !== 'any' && !accountIds.includes(a.accountId))) return 'not_found' as const;
  if (a.endedAt) return 'already_ended' as const;
  await db.batch([...endAuthorizationStatements(db, a.id, by, now), auditInsert(db, { event: 'connect.revoked', actorLoginId, subjectAccountId: a.accountId, detail: { authorization: a.id, by } })]);
  return 'ended' as const;
}

/** An administrator changes an application's status; revoking it ends every authorisation it holds. */
export async function setApplicationStatus(deps: Deps, applicationId: string, status: Application['status'], actorLoginId: string) {
  const { db, now } = deps;
  const [app] = await db.select().from(cmdApplications).where(eq(cmdApplications.id, applicationId)).limit(1);
  if (!app) return null;
  const live = status === 'revoked' ? await db.select({ id: cmdAuthorizations.id }).from(cmdAuthorizations).where(and(eq(cmdAuthorizations.applicationId, applicationId), isNull(cmdAuthorizations.endedAt))) : [];
  await db.batch([
    db.update(cmdApplications).set({ status, updatedAt: iso(now) }).where(eq(cmdApplications.id, applicationId)),
    ...live.flatMap((a) => endAuthorizationStatements(db, a.id, 'application_revoked', now)),
    auditInsert(db, { event: 'connect.application_status', actorLoginId, detail: { application: applicationId, status, endedAuthorizations: live.length } }),
  ]);
  return { ...app, status };
}

/** An administrator registers an application; the client secret is returned once and kept only as SHA-256. */
export async function registerApplication(deps: Deps, input: { name: string; organisation: string; purpose: string; redirectUris: string[]; notifyUri: string; scope: Scope; maxAuthorizationDays: number }, actorLoginId: string) {
  const { db, now } = deps;
  const id = crypto.randomUUID();
  const secret = randomToken(32);
  await db.batch([
    db.insert(cmdApplications).values({ id, name: input.name, organisation: input.organisation, purpose: input.purpose, clientSecretHash: await sha256Hex(secret), redirectUris: JSON.stringify(input.redirectUris), notifyUri: input.notifyUri, scope: formatScope(input.scope), maxAuthorizationDays: input.maxAuthorizationDays, status: 'review', createdAt: iso(now), updatedAt: iso(now) }),
    auditInsert(db, { event: 'connect.application_registered', actorLoginId, detail: { application: id } }),
  ]);
  return { clientId: id, clientSecret: secret, status: 'review' as const };
}

/** Live authorisations of these accounts (for the sharing page), with their applications. */
export function authorizationsOf(db: DrizzleD1Database, accountIds: string[]) {
  if (accountIds.length === 0) return Promise.resolve([]);
  return db
    .select({ authorization: cmdAuthorizations, application: { id: cmdApplications.id, name: cmdApplications.name, organisation: cmdApplications.organisation, purpose: cmdApplications.purpose } })
    .from(cmdAuthorizations)
    .innerJoin(cmdApplications, eq(cmdApplications.id, cmdAuthorizations.applicationId))
    .where(inArray(cmdAuthorizations.accountId, accountIds))
    .orderBy(sql`${cmdAuthorizations.createdAt} DESC`);
}

/**
 * The daily cron's share: consent requests past their 10 minutes, and codes and tokens a day past
 * their end or use (none can work again; a spent refresh token is kept that long so that its reuse
 * is still recognised as theft rather than as an unknown token).
 */
export function purgeExpiredConnectRecords(db: DrizzleD1Database, now: Date) {
  const dayAgo = iso(new Date(now.getTime() - 86_400_000));
  return db.batch([
    db.delete(cmdConsentRequests).where(sql`${cmdConsentRequests.expiresAt} <= ${iso(now)}`),
    db.delete(cmdCodes).where(sql`${cmdCodes.expiresAt} <= ${dayAgo}`),
    db.delete(cmdTokens).where(sql`${cmdTokens.expiresAt} <= ${dayAgo} OR ${cmdTokens.revokedAt} <= ${dayAgo} OR (${cmdTokens.kind} = 'access' AND ${cmdTokens.usedAt} <= ${dayAgo})`),
  ]);
}
