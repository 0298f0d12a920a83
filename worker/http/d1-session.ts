/**
 * D1 read replication through the Sessions API. Every request runs its queries in one D1 session
 * (sequentially consistent: what it writes, it then reads). The read-heavy GET paths below may
 * start on any replica ('first-unconstrained'); everything else starts on the primary, as before
 * replication. So that a customer always sees their own writes — and their own sign-in — on a
 * replica, a write made with a session cookie (or one that signs in) answers with the session's
 * bookmark in the strictly necessary `__Host-db-bookmark` cookie, and a later read starts no earlier
 * than it. The bookmark names a point in the database's history: no personal data.
 *
 * The usage shards (worker/usage/shards.ts) get a session each, started the same way but with no
 * bookmark: only ingest writes usage, never a customer's request, so there is no write of theirs
 * to catch up with there.
 *
 * The queue consumers and crons do not pass through here: they use the primary binding.
 */
import { createMiddleware } from 'hono/factory';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { SESSION_COOKIE } from '../auth/sessions';
import { ESPI_PREFIX } from '../connect-my-data/espi-routes';
import { SHARD_BINDING } from '../usage/shards';
import { setRegisteredCookie } from './cookies';

export const BOOKMARK_COOKIE = '__Host-db-bookmark';

/** Reads that are many, heavy and about data the reader did not just write: usage, bills, the third parties' API, reports. */
const READ_HEAVY = ['/api/usage/', '/api/billing/', `${ESPI_PREFIX}/`, '/account/bills/', '/es/account/bills/', '/privacy/request-metrics', '/es/privacy/request-metrics', '/staff/reports/'];

export const readsAnyReplica = (method: string, path: string) => (method === 'GET' || method === 'HEAD') && READ_HEAVY.some((prefix) => path.startsWith(prefix));

/** D1 bookmarks are opaque; accept only what one looks like, so a forged cookie cannot reach D1 as anything else. */
const BOOKMARK = /^[0-9a-f]{8}(-[0-9a-f]{8,32}){3}$/;

const setsSession = (res: Response) => res.headers.getSetCookie().some((v) => v.startsWith(`${SESSION_COOKIE}=`) && !/max-age=0\b/i.test(v) && !v.startsWith(`${SESSION_COOKIE}=;`));
const clearsSession = (res: Response) => res.headers.getSetCookie().some((v) => v.startsWith(`${SESSION_COOKIE}=`) && (/max-age=0\b/i.test(v) || v.startsWith(`${SESSION_COOKIE}=;`)));

export const d1Session = createMiddleware<AppEnv>(async (c, next) => {
  // A request the worker hands to itself (the development stand-ins call back into the app) runs in
  // the session of the request that made it.
  if (typeof c.env.DB.withSession !== 'function') return next();
  const bookmark = getCookie(c, BOOKMARK_COOKIE);
  const anyReplica = readsAnyReplica(c.req.method, c.req.path);
  const start = anyReplica ? (bookmark && BOOKMARK.test(bookmark) ? bookmark : 'first-unconstrained') : 'first-primary';
  const session = c.env.DB.withSession(start);
  const shards = Object.entries(c.env)
    .filter(([name]) => SHARD_BINDING.test(name))
    .map(([name, db]) => [name, (db as D1Database).withSession(anyReplica ? 'first-unconstrained' : 'first-primary')]);
  // The session answers prepare() and batch(), which is all the worker (and drizzle) calls.
  c.env = { ...c.env, DB: session as unknown as D1Database, ...Object.fromEntries(shards) };
  await next();
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return;
  const signedIn = getCookie(c, SESSION_COOKIE) !== undefined;
  if (!(setsSession(c.res) || (signedIn && !clearsSession(c.res)))) return;
  const latest = session.getBookmark();
  if (latest && latest !== bookmark) setRegisteredCookie(c, BOOKMARK_COOKIE, latest);
});
