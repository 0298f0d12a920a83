/**
 * HTTP of Green Button Connect My Data's authorisation server (oauth.ts holds the logic):
 * /api/connect/authorize (the customer's browser), /api/connect/token and /api/connect/revoke (the
 * third party's server; RFC 6749 §5.2 error bodies), the customer's revocation, and the
 * administrators' registry of applications under /api/staff/connect.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { lockedUntil, recordFailure, throttle } from '../accounts/throttle';
import { accountIdsWithRight } from '../auth/account-access';
import { requireLogin, requireRole } from '../auth/require-login';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions';
import { ensureSteppedUp, stepUpPageFor, StepUpRequired } from '../auth/step-up';
import { cmdApplications } from '../../db/schema';
import { ApiError, invalidRequest } from '../http/errors';
import { validate } from '../http/validate';
import { isFormPost, problemQuery } from '../requests/form-io';
import { readFormOrJson } from '../http/body';
import { applicationStatusBody, authorizeQuery, consentDecisionBody, registerApplicationBody, revokeAuthorizationBody } from '../shared/connect-forms';
import { checkGrant, shareableAccounts } from './consent';
import { approve, authenticateClient, consentRequest, deny, endAuthorization, exchangeCode, OAuthError, redirectUrisOf, refresh, registerApplication, revokeToken, setApplicationStatus, startAuthorization } from './oauth';
import { parseScope } from './scope';
import { loginLocale } from '../accounts/language';
import type { Locale } from '../i18n/locale';
import { rememberSignInReturn } from '../auth/sign-in-return';

export const CONSENT_PAGE = '/account/sharing/authorize/';
export const APPLICATIONS_PAGE = '/account/sharing/applications/';
/** Paths a third party's server calls without a session or an Origin (exempt from the same-origin check). */
export const OAUTH_MACHINE_PATHS = ['/api/connect/token', '/api/connect/revoke'];

const deps = (c: Context<AppEnv>) => ({ db: drizzle(c.env.DB), now: new Date() });

/** RFC 6749 §5.2: `{ error, error_description }`, never cached; 401 invalid_client carries WWW-Authenticate. */
function oauthError(c: Context<AppEnv>, e: OAuthError) {
  c.header('Cache-Control', 'no-store');
  if (e.status === 401) c.header('WWW-Authenticate', 'Basic realm="connect-my-data"');
  return c.json({ error: e.error, error_description: e.description }, e.status);
}

/** The client's id and secret from HTTP Basic (RFC 6749 §2.3.1, form-encoded parts) or the body. */
function clientCredentials(c: Context<AppEnv>, body: Record<string, string>) {
  const header = c.req.header('Authorization') ?? '';
  const m = /^Basic ([A-Za-z0-9+/=]{1,600})$/.exec(header);
  if (m) {
    let decoded = '';
    try {
      decoded = atob(m[1]!);
    } catch {
      return { id: undefined, secret: undefined };
    }
    const i = decoded.indexOf(':');
    if (i < 0) return { id: undefined, secret: undefined };
    const unescape = (s: string) => {
      try {
        return decodeURIComponent(s.replaceAll('+', ' '));
      } catch {
        return undefined;
      }
    };
    return { id: unescape(decoded.slice(0, i)), secret: unescape(decoded.slice(i + 1)) };
  }
  return { id: body.client_id, secret: body.client_secret };
}

/** The token and revocation endpoints take application/x-www-form-urlencoded only (RFC 6749 §3.2). */
async function oauthForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header('Content-Type') ?? '')) throw new OAuthError(400, 'invalid_request', 'Send application/x-www-form-urlencoded.');
  const form = await c.req.parseBody({ all: true });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) {
    // RFC 6749 §3.1: parameters sent more than once are an error.
    if (Array.isArray(v) || typeof v !== 'string') throw new OAuthError(400, 'invalid_request', `${k} must be sent once, as text.`);
    out[k] = v;
  }
  return out;
}

const oauthEndpoint = (handle: (c: Context<AppEnv>, body: Record<string, string>) => Promise<Response>) => async (c: Context<AppEnv>) => {
  try {
    return await handle(c, await oauthForm(c));
  } catch (e) {
    if (e instanceof OAuthError) return oauthError(c, e);
    throw e;
  }
};

/** Where a refused consent form goes back to (the page with an error code and the fields). */
/** The first language of an OpenID Connect `ui_locales` list ("es-US en") the portal speaks. */
export function uiLocale(list: string | undefined): Locale | null {
  for (const tag of (list ?? '').split(' ')) {
    const primary = tag.split('-')[0]!.toLowerCase();
    if (primary === 'es' || primary === 'en') return primary;
  }
  return null;
}

const backToConsent = (request: string, e: ApiError) => `${CONSENT_PAGE}?request=${encodeURIComponent(request)}&${problemQuery(e.code, e.fields)}`;

export const connectApi = new Hono<AppEnv>()
  // The third party sends the customer's browser here. Signed out, they sign in first.
  .get('/authorize', validate('query', authorizeQuery), async (c) => {
    c.header('Cache-Control', 'no-store');
    const query = c.req.valid('query');
    const token = getCookie(c, SESSION_COOKIE);
    const login = token ? await resolveSession(drizzle(c.env.DB), token) : null;
    // The third party's page sent the browser here, so the request has no page language of its own:
    // the application's ui_locales, else the login's chosen language, picks the consent screen's.
    const locale = uiLocale(query.ui_locales) ?? (login ? await loginLocale(drizzle(c.env.DB), login.id) : 'en');
    c.header('Content-Language', locale);
    const page = (path: string) => (locale === 'es' ? `/es${path}` : path);
    if (!login) {
      // Back here once signed in, however the sign-in goes (password, second factor, passkey).
      const url = new URL(c.req.url);
      rememberSignInReturn(c, `${url.pathname}${url.search}`);
      return c.redirect(page('/login/?error=unauthenticated'), 303);
    }
    // Each consent request is a row: counted per login, as other repeatable writes are.
    const guard = [await throttle(c.env.LINK_SIGNING_SECRET, 'connectConsentLogin', login.id)];
    const now = new Date();
    if (await lockedUntil(drizzle(c.env.DB), guard, now)) return c.redirect(page(`${CONSENT_PAGE}?error=too_many_requests`), 303);
    const outcome = await startAuthorization(deps(c), login.id, query);
    if (outcome.kind === 'consent') await recordFailure(drizzle(c.env.DB), guard, now);
    if (outcome.kind === 'bad_client') return c.redirect(page(`${CONSENT_PAGE}?error=oauth_bad_client`), 303);
    if (outcome.kind === 'redirect') return c.redirect(outcome.location, 303);
    return c.redirect(page(`${CONSENT_PAGE}?request=${encodeURIComponent(outcome.requestId)}`), 303);
  })
  // The customer's answer. Authorising a release needs a recent proof that it is them (step-up).
  .post('/authorize', requireLogin, async (c) => {
    const form = isFormPost(c);
    const body = await readFormOrJson(c, consentDecisionBody).catch((e: unknown) => {
      if (form && e instanceof ApiError) return e;
      throw e;
    });
    if (body instanceof ApiError) return c.redirect(`${CONSENT_PAGE}?${problemQuery(body.code, body.fields)}`, 303);
    const d = deps(c);
    const pending = await consentRequest(d, c.var.login.id, body.request);
    if (!pending) {
      if (form) return c.redirect(`${CONSENT_PAGE}?error=oauth_request_expired`, 303);
      throw new ApiError(404, 'not_found', 'No such authorisation request, or it has expired.');
    }
    try {
      if (body.decision === 'deny') return form ? c.redirect(await deny(d, pending), 303) : c.json({ redirect: await deny(d, pending) });
      await ensureSteppedUp(d, c.var.login, { returnTo: `${CONSENT_PAGE}?request=${body.request}` });
      const grant = checkGrant(await shareableAccounts(d.db, c.env.DB, c.var.login.id), body, pending.scope, pending.application.maxAuthorizationDays, d.now);
      const { location } = await approve(d, c.var.login.id, pending, grant);
      return form ? c.redirect(location, 303) : c.json({ redirect: location });
    } catch (e) {
      if (form && e instanceof StepUpRequired) return c.redirect(stepUpPageFor(`${CONSENT_PAGE}?request=${body.request}`), 303);
      if (form && e instanceof ApiError) return c.redirect(backToConsent(body.request, e), 303);
      throw e;
    }
  })
  .post(
    '/token',
    oauthEndpoint(async (c, body) => {
      c.header('Cache-Control', 'no-store');
      c.header('Pragma', 'no-cache');
      const client = await authenticateClient(drizzle(c.env.DB), clientCredentials(c, body));
      if (body.grant_type === 'authorization_code') return c.json(await exchangeCode(deps(c), client, body, c.env.PORTAL_ORIGIN));
      if (body.grant_type === 'refresh_token') return c.json(await refresh(deps(c), client, body, c.env.PORTAL_ORIGIN));
      throw new OAuthError(400, body.grant_type ? 'unsupported_grant_type' : 'invalid_request', 'grant_type must be authorization_code or refresh_token.');
    }),
  )
  .post(
    '/revoke',
    oauthEndpoint(async (c, body) => {
      const client = await authenticateClient(drizzle(c.env.DB), clientCredentials(c, body));
      if (body.token_type_hint !== undefined && !['access_token', 'refresh_token'].includes(body.token_type_hint)) throw new OAuthError(400, 'unsupported_token_type', 'token_type_hint must be access_token or refresh_token.');
      await revokeToken(deps(c), client, body.token);
      return c.body(null, 200);
    }),
  )
  // The customer ends an authorisation from the sharing page: effective on the application's next call.
  .post('/authorizations/revoke', requireLogin, async (c) => {
    const form = isFormPost(c);
    try {
      const body = await readFormOrJson(c, revokeAuthorizationBody);
      const mine = await accountIdsWithRight(drizzle(c.env.DB), c.var.login.id, 'manage');
      const result = await endAuthorization(deps(c), body.authorization, 'customer', c.var.login.id, mine);
      if (result === 'not_found') throw new ApiError(404, 'not_found', 'No such authorisation.');
      return form ? c.redirect(`${APPLICATIONS_PAGE}?status=connect_revoked`, 303) : c.json({ ok: true, result });
    } catch (e) {
      if (form && e instanceof ApiError) return c.redirect(`${APPLICATIONS_PAGE}?${problemQuery(e.code, e.fields)}`, 303);
      throw e;
    }
  });

const admins = requireRole('admin');

/** /api/staff/connect: administrators register applications and change their status; privacy officers and administrators end an authorisation. */
export const staffConnect = new Hono<AppEnv>()
  .use(requireLogin)
  .get('/applications', admins, async (c) => {
    c.header('Cache-Control', 'no-store');
    const rows = await drizzle(c.env.DB).select().from(cmdApplications);
    return c.json({ applications: rows.map(({ clientSecretHash: _secret, ...a }) => ({ ...a, redirectUris: redirectUrisOf({ ...a, clientSecretHash: '' }) })) });
  })
  .post('/applications', admins, validate('json', registerApplicationBody), async (c) => {
    const body = c.req.valid('json');
    const scope = parseScope(body.scope);
    if (!scope) throw invalidRequest([{ field: 'scope', message: 'must be an ESPI scope this portal serves, like FB=1_4_5_16;IntervalDuration=900;HistoryLength=34128000' }]);
    c.header('Cache-Control', 'no-store');
    return c.json(await registerApplication(deps(c), { ...body, scope }, c.var.login.id), 201);
  })
  // JSON, or the staff page's plain form (answered with a redirect back to it).
  .post('/applications/:id/status', admins, async (c) => {
    const form = isFormPost(c);
    try {
      const body = await readFormOrJson(c, applicationStatusBody);
      const app = await setApplicationStatus(deps(c), c.req.param('id'), body.status, c.var.login.id);
      if (!app) throw new ApiError(404, 'not_found', 'No such application.');
      return form ? c.redirect('/staff/connect/?done=status_changed', 303) : c.json({ id: app.id, status: app.status });
    } catch (e) {
      if (form && e instanceof ApiError) return c.redirect(`/staff/connect/?${problemQuery(e.code, e.fields)}`, 303);
      throw e;
    }
  })
  .post('/authorizations/:id/revoke', requireRole('privacy_officer', 'admin'), async (c) => {
    const result = await endAuthorization(deps(c), c.req.param('id'), 'staff', c.var.login.id, 'any');
    if (result === 'not_found') throw new ApiError(404, 'not_found', 'No such authorisation.');
    return c.json({ ok: true, result });
  });

