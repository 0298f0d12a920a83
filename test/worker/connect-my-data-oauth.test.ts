/**
 * Connect My Data's authorisation server: the code flow with PKCE, consent with narrowing,
 * rotating refresh tokens with reuse detection, revocation by the application, the customer and
 * staff, and every negative case a third party (or an attacker holding one of its values) can try.
 * Time is never waited for: expiry is set in the rows.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { cmdAuthorizations, cmdCodes, cmdTokens } from '../../db/schema';
import { eq } from 'drizzle-orm';
import { sha256Hex } from '../../worker/auth/tokens';
import { planDeletion } from '../../worker/staff/deletion';
import { SIGN_IN_RETURN_COOKIE } from '../../worker/auth/sign-in-return';
import { givenLogin, login, postJson, sessionCookieFrom } from './support/accounts';
import { authorizedCode, authorizeUrl, decide, espiGet, givenApplication, ORIGIN, portalFetch, SCOPE, startConsent, tokenRequest, tokensFor, verifierFor, type TestApp } from './support/connect-fixtures';
import { totpCode } from '../../worker/auth/totp';
import { db, signedIn } from './support/sign-in';
import { givenMeter } from './support/usage-fixtures';

async function customerWithMeters() {
  const electric = await givenMeter({ kind: 'electric' });
  const water = await givenMeter({ kind: 'water', accountId: electric.accountId });
  const { cookie, loginId } = await signedIn({ holderOf: [electric.accountId] });
  return { cookie, loginId, accountId: electric.accountId, electric: electric.meterId, water: water.meterId };
}

const count = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
const cmdRowCounts = async () => Promise.all(['cmd_consent_requests', 'cmd_authorizations', 'cmd_codes', 'cmd_tokens'].map(count));

const expectOAuthError = async (res: Response, status: number, error: string) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('Cache-Control')).toBe('no-store');
  expect((await res.json<{ error: string }>()).error).toBe(error);
};

/** Negative cases of the protocol, named so that `npm run bench` can count them. */
describe('Connect My Data OAuth: negative cases', () => {
  it('never redirects to an unregistered client, and writes nothing for it', async () => {
    const { cookie } = await customerWithMeters();
    const app = await givenApplication();
    const before = await cmdRowCounts();
    const res = await portalFetch(`/api/connect/authorize?response_type=code&client_id=nobody&redirect_uri=${encodeURIComponent(app.redirectUri)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/account/sharing/authorize/?error=oauth_bad_client');
    expect(await cmdRowCounts()).toEqual(before);
  });

  it('never redirects to a redirect URI the application did not register', async () => {
    const { cookie } = await customerWithMeters();
    const app = await givenApplication();
    for (const wrong of ['https://evil.example/callback', `${app.redirectUri}/more`, `${app.redirectUri}?x=1`, app.redirectUri.replace('https:', 'http:')]) {
      const { res } = await startConsent(cookie, app, { redirectUri: wrong });
      expect(res.headers.get('Location'), wrong).toBe('/account/sharing/authorize/?error=oauth_bad_client');
    }
  });

  it('refuses an application in review, on hold or revoked', async () => {
    const { cookie } = await customerWithMeters();
    for (const status of ['review', 'on_hold', 'revoked'] as const) {
      const { res } = await startConsent(cookie, await givenApplication({ status }));
      expect(res.headers.get('Location'), status).toBe('/account/sharing/authorize/?error=oauth_bad_client');
    }
  });

  it('sends a request without PKCE, or with the plain method, back with invalid_request and the state', async () => {
    const { cookie } = await customerWithMeters();
    const app = await givenApplication();
    for (const options of [{ challenge: null }, { method: null }, { method: 'plain' }, { challenge: 'short' }]) {
      const { location } = await startConsent(cookie, app, options);
      expect(location.origin + location.pathname, JSON.stringify(options)).toBe(app.redirectUri);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe('state-123');
    }
  });

  it('refuses a scope wider than the application registered (invalid_scope)', async () => {
    const { cookie } = await customerWithMeters();
    const app = await givenApplication({ scope: 'FB=1_4;IntervalDuration=3600;HistoryLength=8640000' });
    for (const scope of ['FB=1_4_16;IntervalDuration=3600;HistoryLength=8640000', 'FB=1_4;IntervalDuration=900;HistoryLength=8640000', 'FB=1_4;IntervalDuration=3600;HistoryLength=99999999', 'FB=4;IntervalDuration=3600;HistoryLength=86400', 'nonsense']) {
      const { location } = await startConsent(cookie, app, { scope });
      expect(location.searchParams.get('error'), scope).toBe('invalid_scope');
    }
  });

  it('refuses an unsupported response type', async () => {
    const { cookie } = await customerWithMeters();
    const app = await givenApplication();
    const url = (await import('./support/connect-fixtures')).authorizeUrl;
    const res = await portalFetch((await url(app)).replace('response_type=code', 'response_type=token'), { headers: { Cookie: cookie } });
    expect(new URL(res.headers.get('Location')!).searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('refuses a missing or wrong PKCE verifier (invalid_grant), and the code still works once with the right one', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const { code, verifier } = await authorizedCode(c.cookie, app, [c.electric]);
    await expectOAuthError(await tokenRequest(app, { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri }), 400, 'invalid_request');
    await expectOAuthError(await tokenRequest(app, { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, code_verifier: verifierFor('someone-else') }), 400, 'invalid_grant');
    const ok = await tokenRequest(app, { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, code_verifier: verifier });
    expect(ok.status).toBe(200);
  });

  it('refuses a code exchanged with another redirect URI than the request named', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const { code, verifier } = await authorizedCode(c.cookie, app, [c.electric]);
    await expectOAuthError(await tokenRequest(app, { grant_type: 'authorization_code', code, redirect_uri: 'https://evil.example/callback', code_verifier: verifier }), 400, 'invalid_grant');
  });

  it('refuses a replayed code and ends the authorisation, so the tokens it gave stop working', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const { code, verifier } = await authorizedCode(c.cookie, app, [c.electric]);
    const params = { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, code_verifier: verifier };
    const first = await (await tokenRequest(app, params)).json<{ access_token: string; resourceURI: string }>();
    expect((await espiGet(first.resourceURI, first.access_token)).status).toBe(200);
    await expectOAuthError(await tokenRequest(app, params), 400, 'invalid_grant');
    expect((await espiGet(first.resourceURI, first.access_token)).status).toBe(401);
  });

  it('refuses an expired code', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const { code, verifier } = await authorizedCode(c.cookie, app, [c.electric]);
    await db().update(cmdCodes).set({ expiresAt: '2000-01-01T00:00:00.000Z' }).where(eq(cmdCodes.codeHash, await sha256Hex(code)));
    await expectOAuthError(await tokenRequest(app, { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, code_verifier: verifier }), 400, 'invalid_grant');
  });

  it('refuses a wrong client secret (401 invalid_client) and a code issued to another application', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const other = await givenApplication();
    const { code, verifier } = await authorizedCode(c.cookie, app, [c.electric]);
    const params = { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, code_verifier: verifier };
    const wrong = await tokenRequest(app, params, { secret: 'not-the-secret' });
    await expectOAuthError(wrong, 401, 'invalid_client');
    await expectOAuthError(await tokenRequest(null, params), 401, 'invalid_client');
    await expectOAuthError(await tokenRequest(other, params), 400, 'invalid_grant');
    // The code was not spent by any of those: its own client still gets tokens (client_secret_post this time).
    expect((await tokenRequest(app, params, { auth: 'post' })).status).toBe(200);
  });

  it('refuses an unknown grant type and a body that is not a form', async () => {
    const app = await givenApplication();
    await expectOAuthError(await tokenRequest(app, { grant_type: 'password', username: 'a', password: 'b' }), 400, 'unsupported_grant_type');
    await expectOAuthError(await tokenRequest(app, {}), 400, 'invalid_request');
    const json = await portalFetch('/api/connect/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"grant_type":"authorization_code"}' });
    await expectOAuthError(json, 400, 'invalid_request');
  });

  it('refuses an expired access token', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const t = await tokensFor(c.cookie, app, [c.electric]);
    await db().update(cmdTokens).set({ expiresAt: '2000-01-01T00:00:00.000Z' }).where(eq(cmdTokens.tokenHash, await sha256Hex(t.access_token)));
    const res = await espiGet(t.resourceURI, t.access_token);
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toContain('invalid_token');
  });

  it('refuses a missing, malformed or unknown bearer token', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const t = await tokensFor(c.cookie, app, [c.electric]);
    expect((await espiGet(t.resourceURI, null)).status).toBe(401);
    expect((await espiGet(t.resourceURI, 'not a token')).status).toBe(401);
    expect((await espiGet(t.resourceURI, t.refresh_token)).status).toBe(401);
  });

  it('revokes an access token (RFC 7009), and a refresh token with every token of its authorisation', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const other = await givenApplication();
    const t = await tokensFor(c.cookie, app, [c.electric]);
    // Another application cannot revoke it (the answer is 200 either way, RFC 7009 §2.2).
    expect((await tokenRequest(other, { token: t.access_token }, { path: '/api/connect/revoke' })).status).toBe(200);
    expect((await espiGet(t.resourceURI, t.access_token)).status).toBe(200);
    expect((await tokenRequest(app, { token: t.access_token, token_type_hint: 'access_token' }, { path: '/api/connect/revoke' })).status).toBe(200);
    expect((await espiGet(t.resourceURI, t.access_token)).status).toBe(401);
    const t2 = await (await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json<{ access_token: string; refresh_token: string }>();
    expect((await espiGet(t.resourceURI, t2.access_token)).status).toBe(200);
    expect((await tokenRequest(app, { token: t2.refresh_token }, { path: '/api/connect/revoke' })).status).toBe(200);
    expect((await espiGet(t.resourceURI, t2.access_token)).status).toBe(401);
    await expectOAuthError(await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: t2.refresh_token }), 400, 'invalid_grant');
  });

  it('rotates refresh tokens, and a reused one ends the whole authorisation', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const t1 = await tokensFor(c.cookie, app, [c.electric]);
    const r2 = await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: t1.refresh_token });
    expect(r2.status).toBe(200);
    const t2 = await r2.json<{ access_token: string; refresh_token: string }>();
    expect(t2.refresh_token).not.toBe(t1.refresh_token);
    expect((await espiGet(t1.resourceURI, t2.access_token)).status).toBe(200);
    // The old refresh token again: someone else holds a copy. Everything of this authorisation ends.
    await expectOAuthError(await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: t1.refresh_token }), 400, 'invalid_grant');
    expect((await espiGet(t1.resourceURI, t2.access_token)).status).toBe(401);
    await expectOAuthError(await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: t2.refresh_token }), 400, 'invalid_grant');
    const [a] = await db().select().from(cmdAuthorizations).where(eq(cmdAuthorizations.accountId, c.accountId));
    expect(a!.endedBy).toBe('refresh_reuse');
  });

  it('refuses a refresh that asks for a wider scope than the customer granted (scope escalation)', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const t = await tokensFor(c.cookie, app, [c.electric], { block: [4] });
    expect(t.scope).toBe('FB=1_4;IntervalDuration=900;HistoryLength=34128000');
    await expectOAuthError(await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: t.refresh_token, scope: SCOPE }), 400, 'invalid_scope');
    // The refused refresh did not spend the token.
    expect((await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: t.refresh_token, scope: 'FB=1_4;IntervalDuration=900;HistoryLength=86400' })).status).toBe(200);
  });

  it('refuses a refresh token of another application', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const other = await givenApplication();
    const t = await tokensFor(c.cookie, app, [c.electric]);
    await expectOAuthError(await tokenRequest(other, { grant_type: 'refresh_token', refresh_token: t.refresh_token }), 400, 'invalid_grant');
    expect((await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).status).toBe(200);
  });

  it('never serves another customer’s resource with a valid token', async () => {
    const a = await customerWithMeters();
    const b = await customerWithMeters();
    const app = await givenApplication();
    const ta = await tokensFor(a.cookie, app, [a.electric]);
    const tb = await tokensFor(b.cookie, app, [b.electric]);
    expect((await espiGet(tb.resourceURI, ta.access_token)).status).toBe(404);
    expect((await espiGet(tb.authorizationURI, ta.access_token)).status).toBe(404);
    expect((await espiGet(ta.resourceURI, ta.access_token)).status).toBe(200);
  });

  it('lets no one answer a consent request but the customer it was made for, nor share a meter they do not hold', async () => {
    const a = await customerWithMeters();
    const b = await customerWithMeters();
    const app = await givenApplication();
    const { request } = await startConsent(a.cookie, app);
    expect((await decide(b.cookie, { request, decision: 'allow', meter: [b.electric], block: [4] })).status).toBe(404);
    const before = await cmdRowCounts();
    const res = await decide(a.cookie, { request, decision: 'allow', meter: [b.electric], block: [4] });
    expect(res.status).toBe(422);
    expect((await res.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field)).toContain('meter');
    expect(await cmdRowCounts()).toEqual(before);
  });

  it('lets the customer only narrow: no block, history or end beyond what was asked', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication({ scope: 'FB=1_4_5;IntervalDuration=900;HistoryLength=8640000' });
    const { request } = await startConsent(c.cookie, app);
    const before = await cmdRowCounts();
    for (const [body, field] of [
      [{ block: [4, 16] }, 'block'],
      [{ block: [4], historyDays: 101 }, 'historyDays'],
      [{ block: [4], until: '2999-01-01' }, 'until'],
      [{ block: [] }, 'block'],
    ] as const) {
      const res = await decide(c.cookie, { request, decision: 'allow', meter: [c.electric], ...body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect((await res.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field)).toContain(field);
    }
    expect(await cmdRowCounts()).toEqual(before);
  });

  it('asks for a recent re-authentication before a release is authorised', async () => {
    const electric = await givenMeter({ kind: 'electric' });
    const { cookie } = await signedIn({ holderOf: [electric.accountId], steppedUp: false });
    const app = await givenApplication();
    const { request } = await startConsent(cookie, app);
    const before = await cmdRowCounts();
    const res = await decide(cookie, { request, decision: 'allow', meter: [electric.meterId], block: [4] });
    expect(res.status).toBe(403);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('step_up_required');
    expect(await cmdRowCounts()).toEqual(before);
    // A plain form goes to the confirmation page, which brings the customer back to this request.
    const form = await portalFetch('/api/connect/authorize', { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN }, body: new URLSearchParams({ request: request!, decision: 'allow', meter: electric.meterId, block: '4' }).toString() });
    expect(form.status).toBe(303);
    expect(form.headers.get('Location')).toBe(`/account/confirm/?return=${encodeURIComponent(`/account/sharing/authorize/?request=${request}`)}`);
  });

  it('takes one answer to a consent request sent twice at once (a double click makes one authorisation)', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const { request } = await startConsent(c.cookie, app);
    const answer = { request, decision: 'allow', meter: [c.electric], block: [4] };
    const statuses = (await Promise.all([decide(c.cookie, answer), decide(c.cookie, answer)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 404]);
    expect((await env.DB.prepare('SELECT count(*) AS n FROM cmd_authorizations WHERE application_id = ?1').bind(app.clientId).first<{ n: number }>())!.n).toBe(1);
  });

  it('lets a delegate without the manage right share nothing', async () => {
    const electric = await givenMeter({ kind: 'electric' });
    const { cookie } = await signedIn({ delegateOf: [{ accountId: electric.accountId, usage: true }] });
    const app = await givenApplication();
    const { request } = await startConsent(cookie, app);
    expect((await decide(cookie, { request, decision: 'allow', meter: [electric.meterId], block: [4] })).status).toBe(422);
  });

  it('sends a refusal back to the application as access_denied and spends the request', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const { request } = await startConsent(c.cookie, app);
    const res = await decide(c.cookie, { request, decision: 'deny' });
    const to = new URL((await res.json<{ redirect: string }>()).redirect);
    expect(to.searchParams.get('error')).toBe('access_denied');
    expect(to.searchParams.get('state')).toBe('state-123');
    expect((await decide(c.cookie, { request, decision: 'allow', meter: [c.electric], block: [4] })).status).toBe(404);
  });

  it('stops the application at its next call once the customer revokes, or staff do', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const t = await tokensFor(c.cookie, app, [c.electric]);
    const authorization = t.authorizationURI.split('/').pop()!;
    // Another customer cannot end it.
    const other = await signedIn({ holderOf: [(await givenMeter()).accountId] });
    const refused = await portalFetch('/api/connect/authorizations/revoke', { method: 'POST', headers: { Cookie: other.cookie, 'Content-Type': 'application/json', Origin: ORIGIN }, body: JSON.stringify({ authorization }) });
    expect(refused.status).toBe(404);
    expect((await espiGet(t.resourceURI, t.access_token)).status).toBe(200);
    const res = await portalFetch('/api/connect/authorizations/revoke', { method: 'POST', headers: { Cookie: c.cookie, 'Content-Type': 'application/json', Origin: ORIGIN }, body: JSON.stringify({ authorization }) });
    expect(res.status).toBe(200);
    expect((await espiGet(t.resourceURI, t.access_token)).status).toBe(401);
    await expectOAuthError(await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: t.refresh_token }), 400, 'invalid_grant');

    const t2 = await tokensFor(c.cookie, app, [c.electric]);
    const officer = await signedIn({ role: 'privacy_officer' });
    const staffRes = await portalFetch(`/api/staff/connect/authorizations/${t2.authorizationURI.split('/').pop()}/revoke`, { method: 'POST', headers: { Cookie: officer.cookie, 'Content-Type': 'application/json', Origin: ORIGIN }, body: '{}' });
    expect(staffRes.status).toBe(200);
    expect((await espiGet(t2.resourceURI, t2.access_token)).status).toBe(401);
  });

  it('stops every authorisation of an application an administrator revokes or puts on hold', async () => {
    const c = await customerWithMeters();
    const app: TestApp = await givenApplication();
    const t = await tokensFor(c.cookie, app, [c.electric]);
    const admin = await signedIn({ role: 'admin' });
    const set = (status: string) => portalFetch(`/api/staff/connect/applications/${app.clientId}/status`, { method: 'POST', headers: { Cookie: admin.cookie, 'Content-Type': 'application/json', Origin: ORIGIN }, body: JSON.stringify({ status }) });
    expect((await set('on_hold')).status).toBe(200);
    expect((await espiGet(t.resourceURI, t.access_token)).status).toBe(401);
    await expectOAuthError(await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: t.refresh_token }), 400, 'unauthorized_client');
    expect((await set('production')).status).toBe(200);
    expect((await espiGet(t.resourceURI, t.access_token)).status).toBe(200);
    expect((await set('revoked')).status).toBe(200);
    expect((await set('production')).status).toBe(200);
    expect((await espiGet(t.resourceURI, t.access_token)).status).toBe(401);
  });
});

describe('Connect My Data OAuth: the flow', () => {
  it('forgets expired consent requests, codes and tokens in the daily cron, but keeps a refresh token spent today so its reuse is still caught', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const t = await tokensFor(c.cookie, app, [c.electric]);
    await startConsent(c.cookie, app);
    const rotated = await (await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json<{ access_token: string }>();
    const later = new Date(Date.now() + 2 * 86_400_000);
    const { purgeExpiredConnectRecords } = await import('../../worker/connect-my-data/oauth');
    await purgeExpiredConnectRecords(db(), new Date(Date.now() + 60_000));
    await expectOAuthError(await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: t.refresh_token }), 400, 'invalid_grant');
    expect((await db().select().from(cmdAuthorizations).where(eq(cmdAuthorizations.accountId, c.accountId)))[0]!.endedBy).toBe('refresh_reuse');
    await purgeExpiredConnectRecords(db(), later);
    const left = await env.DB.prepare('SELECT count(*) AS n FROM cmd_tokens WHERE account_id = ?1').bind(c.accountId).first<{ n: number }>();
    expect(left!.n).toBe(0);
    expect((await env.DB.prepare('SELECT count(*) AS n FROM cmd_consent_requests WHERE login_id = ?1').bind(c.loginId).first<{ n: number }>())!.n).toBe(0);
    expect(rotated.access_token).toBeTruthy();
  });

  it('ends every authorisation of a customer whose data is deleted (the personal-data map removes them with their tokens)', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const t = await tokensFor(c.cookie, app, [c.electric]);
    expect((await espiGet(t.resourceURI, t.access_token)).status).toBe(200);
    const plan = planDeletion(env.DB, { accountId: c.accountId, loginIds: [c.loginId], emails: [] });
    await env.DB.batch(plan.statements);
    expect((await espiGet(t.resourceURI, t.access_token)).status).toBe(401);
    await expectOAuthError(await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: t.refresh_token }), 400, 'invalid_grant');
    for (const table of ['cmd_authorizations', 'cmd_tokens', 'cmd_codes']) expect((await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE account_id = ?1`).bind(c.accountId).first<{ n: number }>())!.n, table).toBe(0);
  });

  it('gives a third party short-lived tokens for what the customer chose, and echoes the state', async () => {
    const c = await customerWithMeters();
    const app = await givenApplication();
    const { code, state, verifier } = await authorizedCode(c.cookie, app, [c.electric], { block: [4, 5] });
    expect(state).toBe('state-123');
    const res = await tokenRequest(app, { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const t = await res.json<{ token_type: string; expires_in: number; scope: string; resourceURI: string; authorizationURI: string }>();
    expect(t.token_type).toBe('Bearer');
    expect(t.expires_in).toBe(600);
    expect(t.scope).toBe('FB=1_4_5;IntervalDuration=900;HistoryLength=34128000');
    expect(t.resourceURI).toMatch(/\/api\/espi\/1_1\/resource\/Batch\/Subscription\/[A-Za-z0-9_-]+$/);
    expect(t.authorizationURI).toMatch(/\/api\/espi\/1_1\/resource\/Authorization\/[0-9a-f-]{36}$/);
  });

  it('lets an administrator register an application, whose secret is shown once and works only in production', async () => {
    const admin = await signedIn({ role: 'admin' });
    const support = await signedIn({ role: 'support' });
    const body = { name: 'Water Wise', organisation: 'Water Wise Inc.', purpose: 'Finding leaks from your hourly water use.', redirectUris: ['https://waterwise.example/cb'], notifyUri: 'https://waterwise.example/notify', scope: 'FB=1_4;IntervalDuration=3600;HistoryLength=8640000' };
    const post = (cookie: string, b: unknown) => portalFetch('/api/staff/connect/applications', { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json', Origin: ORIGIN }, body: JSON.stringify(b) });
    expect((await post(support.cookie, body)).status).toBe(403);
    expect((await post(admin.cookie, { ...body, scope: 'FB=99' })).status).toBe(422);
    const res = await post(admin.cookie, body);
    expect(res.status).toBe(201);
    const created = await res.json<{ clientId: string; clientSecret: string; status: string }>();
    expect(created.status).toBe('review');
    const app: TestApp = { clientId: created.clientId, secret: created.clientSecret, redirectUri: body.redirectUris[0]!, notifyUri: body.notifyUri };
    await expectOAuthError(await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: 'x' }), 400, 'unauthorized_client');
    const list = await portalFetch('/api/staff/connect/applications', { headers: { Cookie: admin.cookie } });
    const text = await list.text();
    expect(text).toContain('Water Wise');
    expect(text).not.toContain(created.clientSecret);
    expect(text).not.toContain('client_secret_hash');
  });
});

describe('Connect My Data: limits on what a login can repeat', () => {
  it('stops one login at 30 consent requests an hour (each writes a row), without writing the 31st', async () => {
    const { cookie } = await customerWithMeters();
    const app = await givenApplication();
    for (let i = 0; i < 30; i++) expect((await startConsent(cookie, app)).request, `request ${i + 1}`).not.toBeNull();
    const before = await count('cmd_consent_requests');
    const { res } = await startConsent(cookie, app);
    expect(res.headers.get('Location')).toBe('/account/sharing/authorize/?error=too_many_requests');
    expect(await count('cmd_consent_requests')).toBe(before);
  });
});

describe('Connect My Data: a customer who is signed out when the application sends them', () => {
  const cookieValue = (res: Response, name: string) => res.headers.getSetCookie().find((v) => v.startsWith(`${name}=`));

  it('comes back to the application’s request once signed in, with the password and the second factor', async () => {
    const app = await givenApplication();
    const meter = await givenMeter({ kind: 'electric' });
    const secret = 'JBSWY3DPEHPK3PXP';
    const who = await givenLogin({ holderOf: [meter.accountId], totpSecret: secret });
    const request = await authorizeUrl(app);
    const signedOut = await portalFetch(request);
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/login/?error=unauthenticated');
    const kept = cookieValue(signedOut, SIGN_IN_RETURN_COOKIE)!;
    expect(kept).toMatch(/HttpOnly/i);
    expect(kept).toMatch(/Max-Age=600/);
    const returnCookie = kept.split(';')[0]!;

    // Password first (a second factor is due), then the code: only the completed sign-in goes back.
    const first = await login(who.email, who.password, { cookie: returnCookie });
    expect((await first.json<{ status: string; redirect: string }>()).redirect).toBe('/login/second-factor/?status=second-factor-needed');
    const second = await postJson('/api/accounts/login/second-factor', { code: await totpCode(secret, new Date()) }, { cookie: [sessionCookieFrom(first), returnCookie].join('; ') });
    const body = await second.json<{ redirect: string }>();
    expect(body.redirect).toBe(`${request}&status=signed-in`);
    // The kept address is forgotten once used.
    expect(cookieValue(second, SIGN_IN_RETURN_COOKIE)).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);

    const consent = await portalFetch(body.redirect, { headers: { Cookie: sessionCookieFrom(second)! } });
    expect(consent.status).toBe(303);
    expect(consent.headers.get('location')).toMatch(/^\/account\/sharing\/authorize\/\?request=/);
  });

  it('goes to the account page when the kept address is anything but an authorisation request', async () => {
    const who = await givenLogin();
    for (const forged of ['/account/payments/', 'https://elsewhere.example/api/connect/authorize?x=1', '/api/connect/authorize?x=1%0d%0aSet-Cookie:a=b"', '//elsewhere.example/']) {
      const res = await login(who.email, who.password, { cookie: `${SIGN_IN_RETURN_COOKIE}=${encodeURIComponent(forged)}` });
      expect((await res.json<{ redirect: string }>()).redirect, forged).toBe('/account/?status=signed-in');
    }
  });
});
