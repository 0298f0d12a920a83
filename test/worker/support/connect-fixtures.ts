/**
 * Connect My Data test helpers: a registered application, a customer who authorises it (through the
 * real authorize and consent endpoints), and calls to the token endpoint and the ESPI API as the
 * application's server makes them.
 */
import { env, exports } from 'cloudflare:workers';
import { cmdApplications } from '../../../db/schema';
import { base64url, sha256Hex } from '../../../worker/auth/tokens';
import { db, uniqueId } from './sign-in';

export const ORIGIN = 'https://portal.test';
export const SCOPE = 'FB=1_4_5_16;IntervalDuration=900;HistoryLength=34128000';

export type TestApp = { clientId: string; secret: string; redirectUri: string; notifyUri: string };

export async function givenApplication(options: { status?: 'review' | 'production' | 'on_hold' | 'revoked'; scope?: string; name?: string } = {}): Promise<TestApp> {
  const clientId = uniqueId('app');
  const secret = `secret-${clientId}`;
  const redirectUri = `https://${clientId}.third-party.example/callback`;
  const notifyUri = `https://${clientId}.third-party.example/notify`;
  await db()
    .insert(cmdApplications)
    .values({ id: clientId, name: options.name ?? 'Solar Estimates', organisation: 'Sunny Side Analytics LLC', purpose: 'Estimating the size of a rooftop solar system from your electricity use.', clientSecretHash: await sha256Hex(secret), redirectUris: JSON.stringify([redirectUri]), notifyUri, scope: options.scope ?? SCOPE, status: options.status ?? 'production' });
  return { clientId, secret, redirectUri, notifyUri };
}

export const verifierFor = (seed: string) => `verifier-${seed}-${'x'.repeat(43)}`.slice(0, 64);
export async function challengeOf(verifier: string) {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export const portalFetch = (path: string, init: RequestInit = {}) => exports.default.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }));

/** The authorisation request's URL (query), as a third party builds it. */
export async function authorizeUrl(app: TestApp, options: { verifier?: string; scope?: string; state?: string; redirectUri?: string; method?: string | null; challenge?: string | null; uiLocales?: string } = {}) {
  const q = new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: options.redirectUri ?? app.redirectUri, state: options.state ?? 'state-123' });
  if (options.scope) q.set('scope', options.scope);
  const challenge = options.challenge === undefined ? await challengeOf(options.verifier ?? verifierFor('default')) : options.challenge;
  if (challenge !== null) q.set('code_challenge', challenge);
  if (options.method !== null) q.set('code_challenge_method', options.method ?? 'S256');
  if (options.uiLocales) q.set('ui_locales', options.uiLocales);
  return `/api/connect/authorize?${q}`;
}

/** Starts an authorisation in the customer's browser: the consent request id. */
export async function startConsent(cookie: string, app: TestApp, options: Parameters<typeof authorizeUrl>[1] = {}) {
  const res = await portalFetch(await authorizeUrl(app, options), { headers: { Cookie: cookie } });
  const location = new URL(res.headers.get('Location') ?? '', ORIGIN);
  return { res, location, request: location.searchParams.get('request') };
}

/** The customer's answer (JSON). */
export function decide(cookie: string, body: Record<string, unknown>) {
  return portalFetch('/api/connect/authorize', { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json', Origin: ORIGIN }, body: JSON.stringify(body) });
}

/** The whole customer side: authorise `meters` and get the code back at the redirect URI. */
export async function authorizedCode(cookie: string, app: TestApp, meters: string[], options: { verifier?: string; block?: number[]; historyDays?: number; until?: string } = {}) {
  const verifier = options.verifier ?? verifierFor('default');
  const { request } = await startConsent(cookie, app, { verifier });
  if (!request) throw new Error('no consent request');
  const res = await decide(cookie, { request, decision: 'allow', meter: meters, block: options.block ?? [4, 5, 16], ...(options.historyDays ? { historyDays: options.historyDays } : {}), ...(options.until ? { until: options.until } : {}) });
  if (res.status !== 200) throw new Error(`consent answered ${res.status}: ${await res.text()}`);
  const redirect = new URL((await res.json<{ redirect: string }>()).redirect);
  return { code: redirect.searchParams.get('code')!, state: redirect.searchParams.get('state'), verifier };
}

/** POST to the token (or revocation) endpoint as the application's server: form body, HTTP Basic by default. */
export function tokenRequest(app: TestApp | null, params: Record<string, string>, options: { path?: string; auth?: 'basic' | 'post' | 'none'; secret?: string } = {}) {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams(params);
  const secret = options.secret ?? app?.secret ?? '';
  if (app && (options.auth ?? 'basic') === 'basic') headers.Authorization = `Basic ${btoa(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(secret)}`)}`;
  if (app && options.auth === 'post') {
    body.set('client_id', app.clientId);
    body.set('client_secret', secret);
  }
  return portalFetch(options.path ?? '/api/connect/token', { method: 'POST', headers, body: body.toString() });
}

export type Tokens = { access_token: string; refresh_token: string; expires_in: number; scope: string; resourceURI: string; authorizationURI: string; token_type: string };

export async function tokensFor(cookie: string, app: TestApp, meters: string[], options: Parameters<typeof authorizedCode>[3] = {}) {
  const { code, verifier } = await authorizedCode(cookie, app, meters, options);
  const res = await tokenRequest(app, { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, code_verifier: verifier });
  if (res.status !== 200) throw new Error(`token answered ${res.status}: ${await res.text()}`);
  return res.json<Tokens>();
}

/** A data call as the application's server makes it. */
export const espiGet = (pathOrUrl: string, accessToken: string | null) => {
  const path = pathOrUrl.startsWith('http') ? new URL(pathOrUrl).pathname + new URL(pathOrUrl).search : pathOrUrl;
  return portalFetch(path, { headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {} });
};

export const portalOrigin = () => env.PORTAL_ORIGIN;
