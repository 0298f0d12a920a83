import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { z } from 'zod';
import type { AppEnv } from '../app-types';
import { isFormBody } from '../http/body';
import { clearRegisteredCookie } from '../http/cookies';
import { ApiError, fieldsOf, invalidRequest } from '../http/errors';
import { CONSENT_MAX_AGE_SECONDS, COOKIE_POLICY_VERSION, VISIT_COOKIE } from '../shared/cookie-registry';
import { consentFormSchema, consentJsonSchema, withdrawFormSchema, type ConsentResponse } from '../shared/consent-schema';
import { gpcSignal, recordChoice } from './middleware';
import { latestProof } from './record';
import { sameSiteTarget } from './return-path';
import { gpcNeedsRecording, nowSeconds, viewConsent, type ConsentView } from './state';
import { takeClientAllowance } from './throttle';

export function consentResponse(view: ConsentView): ConsentResponse {
  const s = view.state;
  return {
    policyVersion: COOKIE_POLICY_VERSION,
    needsChoice: !view.chosen,
    staleBecause: view.staleBecause,
    gpcSignal: view.gpcSignal,
    allowed: view.allowed,
    consent: s && {
      consentId: s.consentId,
      policyVersion: s.policyVersion,
      preferences: s.preferences,
      analytics: s.analytics,
      gpc: s.gpc,
      method: s.method,
      givenAt: new Date(s.givenAt * 1000).toISOString(),
      expiresAt: new Date((s.givenAt + CONSENT_MAX_AGE_SECONDS) * 1000).toISOString(),
    },
  };
}

type BodyKind = 'json' | 'form';

function bodyKind(c: Context): BodyKind {
  const type = c.req.header('Content-Type') ?? '';
  if (/^application\/json\b/i.test(type)) return 'json';
  if (isFormBody(c)) return 'form';
  throw new ApiError(415, 'unsupported_media_type', 'Send application/json or a form (application/x-www-form-urlencoded).');
}

async function parseBody<S extends z.ZodType>(c: Context, kind: BodyKind, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  if (kind === 'json') {
    try {
      raw = await c.req.json();
    } catch {
      throw new ApiError(400, 'bad_request', 'The body is not valid JSON.');
    }
  } else {
    raw = await c.req.parseBody();
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw invalidRequest(fieldsOf(result.error));
  return result.data;
}

export type ConsentFlash = 'saved' | 'withdrawn' | 'busy';

/** After a form post: back to the page it came from, with a flag the page shows as a message. */
function backTo(c: Context, path: string | undefined, flash: ConsentFlash, fallback: string) {
  const origin = new URL(c.req.url).origin;
  const target = sameSiteTarget(path, origin) ?? new URL(fallback, origin);
  target.searchParams.set('consent', flash);
  if (/^(\/es)?\/privacy\/choices\//.test(target.pathname)) target.hash = 'cookies';
  return c.redirect(`${target.pathname}${target.search}${target.hash}`, 303);
}

/** Analytics no longer allowed: delete the visit cookie if the browser has one. */
function dropVisitCookie(c: Context) {
  if (getCookie(c, VISIT_COOKIE) !== undefined) clearRegisteredCookie(c, VISIT_COOKIE);
}

function noStore(c: Context) {
  c.header('Cache-Control', 'no-store');
}

/**
 * Every recorded choice writes a proof row, so choices are counted per client (worker/consent/throttle.ts):
 * 30 an hour is far more than a person changing their mind needs, and stops a script posting hundreds.
 */
const mayRecord = (c: Context<AppEnv>) => takeClientAllowance(c, 'consentClient');
const tooManyChoices = () =>
  new ApiError(429, 'too_many_requests', 'Too many cookie choices came from your network. Please try again in an hour; until then your earlier choice, or only strictly necessary cookies, apply.');

export const consent = new Hono<AppEnv>()
  /** The consent on file for this browser, and what it allows on this request. */
  .get('/', async (c) => {
    noStore(c);
    const view = c.get('consent');
    const body = consentResponse(view);
    if (view.state) {
      const row = await latestProof(drizzle(c.env.DB), view.state.consentId);
      body.proof = row && { id: row.id, action: row.action, recordedAt: row.recordedAt };
    } else {
      body.proof = null;
    }
    return c.json(body);
  })
  /** Record a choice: JSON from the banner script, or a form from the banner or the choices page. */
  .post('/', async (c) => {
    noStore(c);
    const kind = bodyKind(c);
    const gpc = gpcSignal(c);
    if (kind === 'json') {
      const body = await parseBody(c, kind, consentJsonSchema);
      if (body.method === 'gpc') {
        // The page saw navigator.globalPrivacyControl. Honoured either way; stored only if it turns off analytics we had allowed.
        const view = viewConsent(c.get('consent').state, { gpcSignal: true, nowSeconds: nowSeconds() });
        if (!gpcNeedsRecording(view)) return c.json(consentResponse(view), 200);
      }
      if (!(await mayRecord(c))) throw tooManyChoices();
      await recordChoice(c, { action: 'choose', method: body.method, preferences: body.preferences, analytics: body.analytics, gpc: gpc || body.gpc === true });
      if (!c.get('consent').allowed.analytics) dropVisitCookie(c);
      return c.json(consentResponse(c.get('consent')), 201);
    }
    const form = await parseBody(c, kind, consentFormSchema);
    if (!(await mayRecord(c))) return backTo(c, form.return, 'busy', '/');
    const all = form.choice === 'accept_all';
    const custom = form.choice === 'custom';
    await recordChoice(c, {
      action: 'choose',
      method: form.method,
      preferences: all || (custom && form.preferences === 'on'),
      analytics: all || (custom && form.analytics === 'on'),
      gpc,
    });
    if (!c.get('consent').allowed.analytics) dropVisitCookie(c);
    return backTo(c, form.return, 'saved', '/');
  })
  /** Withdraw (JSON): every optional category off, the analytics cookie deleted, a proof row appended. */
  .delete('/', async (c) => {
    noStore(c);
    if (!(await mayRecord(c))) throw tooManyChoices();
    await recordChoice(c, { action: 'withdraw', method: 'settings', preferences: false, analytics: false, gpc: gpcSignal(c) });
    dropVisitCookie(c);
    return c.json(consentResponse(c.get('consent')));
  })
  /** Withdraw from the plain HTML form of the choices page. */
  .post('/withdraw', async (c) => {
    noStore(c);
    const kind = bodyKind(c);
    const form = await parseBody(c, kind, withdrawFormSchema);
    if (!(await mayRecord(c))) {
      if (kind === 'json') throw tooManyChoices();
      return backTo(c, form.return, 'busy', '/privacy/choices/');
    }
    await recordChoice(c, { action: 'withdraw', method: 'settings', preferences: false, analytics: false, gpc: gpcSignal(c) });
    dropVisitCookie(c);
    if (kind === 'json') return c.json(consentResponse(c.get('consent')));
    return backTo(c, form.return, 'withdrawn', '/privacy/choices/');
  });
