import { drizzle } from 'drizzle-orm/d1';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { setRegisteredCookie } from '../http/cookies';
import { CONSENT_COOKIE, CONSENT_MAX_AGE_SECONDS } from '../shared/cookie-registry';
import { decodeConsentCookie, encodeConsentCookie } from './cookie';
import { reflectConsent } from './reflect';
import { decideConsent, proofInsert, type ConsentAction, type ConsentChoice } from './record';
import { gpcNeedsRecording, nowSeconds, viewConsent, type ConsentState, type ConsentView } from './state';

export function gpcSignal(c: Context): boolean {
  return c.req.header('Sec-GPC')?.trim() === '1';
}

/** The consent governing this request, from the signed `__Host-consent` cookie and the Sec-GPC header. */
export async function readConsent(c: Context<AppEnv>): Promise<ConsentView> {
  const state = await decodeConsentCookie(getCookie(c, CONSENT_COOKIE), c.env.LINK_SIGNING_SECRET);
  return viewConsent(state, { gpcSignal: gpcSignal(c), nowSeconds: nowSeconds() });
}

/**
 * Records a choice: appends its proof row, then (only once the row is stored) issues the signed
 * consent cookie and makes the new consent govern the rest of this request.
 */
export async function recordChoice(c: Context<AppEnv>, choice: ConsentChoice): Promise<ConsentState> {
  const previous = c.get('consent')?.state ?? null;
  const state = decideConsent(previous, choice, nowSeconds());
  const db = drizzle(c.env.DB);
  await db.batch([proofInsert(db, state, choice.action satisfies ConsentAction)]);
  setRegisteredCookie(c, CONSENT_COOKIE, await encodeConsentCookie(state, c.env.LINK_SIGNING_SECRET), { maxAgeSeconds: CONSENT_MAX_AGE_SECONDS });
  c.set('consent', viewConsent(state, { gpcSignal: gpcSignal(c), nowSeconds: nowSeconds() }));
  return state;
}

function isHtml(res: Response) {
  return /^text\/html\b/i.test(res.headers.get('content-type') ?? '');
}

function wantsHtml(c: Context) {
  return c.req.header('Sec-Fetch-Dest') === 'document' || /\btext\/html\b/.test(c.req.header('Accept') ?? '');
}

/**
 * Runs for every request. Before the handler: puts the visitor's consent in `c.var.consent`, which
 * the cookie setter and the consent and visit routes obey. After it, for an HTML page: records a
 * Global Privacy Control opt-out (proof row with method "gpc") when the signal turns off analytics
 * that the visitor's consent cookie allowed (see gpcNeedsRecording), and rewrites the page so that
 * it shows the consent state without any script or extra request.
 */
export function consentContext(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('consent', await readConsent(c));
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return;
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/.well-known/')) return;

    if (c.res.status === 304 && wantsHtml(c)) {
      // A page cached before consent reflection: fetch it whole, since its cached copy may show a stale banner.
      const headers = new Headers(c.req.raw.headers);
      headers.delete('If-None-Match');
      headers.delete('If-Modified-Since');
      const fresh = await c.env.ASSETS.fetch(new Request(c.req.url, { method: c.req.method, headers }));
      c.res = undefined;
      c.res = new Response(fresh.body, fresh);
    }
    if (!isHtml(c.res)) return;

    if (c.req.method === 'GET' && gpcNeedsRecording(c.get('consent'))) {
      const previous = c.get('consent').state;
      await recordChoice(c, {
        action: 'choose',
        method: 'gpc',
        preferences: previous && c.get('consent').current ? previous.preferences : false,
        analytics: false,
        gpc: true,
      });
    }
    const flash = new URL(c.req.url).searchParams.get('consent');
    const locale = c.get('locale');
    c.res = reflectConsent(c.res, c.get('consent'), { flash: flash === 'saved' || flash === 'withdrawn' || flash === 'busy' ? flash : null, locale });
    // The page now depends on the visitor's cookie: never reuse it for someone else or revalidate a stale copy.
    c.header('ETag', undefined);
    c.header('Last-Modified', undefined);
    // A page that already forbids storing (signed-in pages) keeps that; others become private.
    if (!/\bno-store\b/.test(c.res.headers.get('Cache-Control') ?? '')) c.header('Cache-Control', 'private, no-cache');
    c.header('Vary', 'Cookie, Sec-GPC');
  };
}
