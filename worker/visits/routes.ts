import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { takeClientAllowance } from '../consent/throttle';
import { setRegisteredCookie } from '../http/cookies';
import { ApiError, fieldsOf, invalidRequest } from '../http/errors';
import { VISIT_COOKIE } from '../shared/cookie-registry';
import { utility } from '../tenants/scope';
import { aggregateBeacon, continuesVisit, formatVisitCookie, localDay, parseVisitCookie, secondsToLocalMidnight } from './aggregate';
import { beaconSchema } from './beacon';
import { classifyPage, publicPagesOf } from './pages';
import { countReferrer } from './referrers';

/**
 * POST /api/visits: the page-view and page-leave beacon. Counted only with analytics consent on
 * file and no Global Privacy Control signal; otherwise refused with 403 and nothing written. Only
 * pages the site has count (worker/visits/pages.ts), referrers are bucketed
 * (worker/visits/referrers.ts), and each client network may send 120 beacons in ten minutes.
 */
export const visits = new Hono<AppEnv>().post('/', async (c) => {
  c.header('Cache-Control', 'no-store');
  const consent = c.get('consent');
  if (!consent.allowed.analytics) {
    throw new ApiError(403, 'consent_required', consent.gpcSignal ? 'Your browser sends a Global Privacy Control signal, so visits are not counted.' : 'Visits are counted only after you allow analytics.');
  }
  const type = c.req.header('Content-Type') ?? '';
  if (!/^(text\/plain|application\/json)\b/i.test(type)) throw new ApiError(415, 'unsupported_media_type', 'Send the beacon as JSON (text/plain or application/json).');
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    throw new ApiError(400, 'bad_request', 'The body is not valid JSON.');
  }
  const parsed = beaconSchema.safeParse(raw);
  if (!parsed.success) throw invalidRequest(fieldsOf(parsed.error));
  const beacon = parsed.data;

  const page = classifyPage(beacon.p, await publicPagesOf(c.env.ASSETS, c.req.url));
  if (page.kind === 'unknown') throw invalidRequest([{ field: 'p', message: 'Not a page of this site.' }]);
  if (page.kind === 'staff') return c.body(null, 204);
  if (!(await takeClientAllowance(c, 'visitClient'))) throw new ApiError(429, 'too_many_requests', 'Too many page views from your network; they are not counted for a while.');

  const now = new Date();
  const day = localDay(now, utility().timeZone);
  const visit = parseVisitCookie(getCookie(c, VISIT_COOKIE));
  const db = drizzle(c.env.DB);
  const referrer =
    beacon.t === 'view' && !continuesVisit(visit, day)
      ? await countReferrer(db, { secret: c.env.LINK_SIGNING_SECRET, day, domain: beacon.r, ownHost: new URL(c.req.url).hostname })
      : undefined;
  const outcome = aggregateBeacon(db, beacon, { day, visit, pageKey: page.key, ...(referrer ? { referrer } : {}) });
  const [first, ...rest] = outcome.statements;
  await db.batch([first!, ...rest]);
  if (outcome.visitCookie) {
    setRegisteredCookie(c, VISIT_COOKIE, formatVisitCookie(outcome.visitCookie), { maxAgeSeconds: Math.min(30 * 60, secondsToLocalMidnight(now, utility().timeZone)) });
  }
  return c.body(null, 204);
});
