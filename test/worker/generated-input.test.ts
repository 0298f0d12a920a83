/**
 * Every route of the app, driven with generated hostile input: wrong types, missing and extra
 * fields, odd and huge strings, deep JSON, wrong and missing content types, malformed bodies of
 * every encoding, bad and forged cookies and tokens, callers of every kind. Whatever arrives:
 * - no 5xx, ever;
 * - a refusal of an API route is the JSON error shape (422s name their fields); a refused form
 *   post may instead redirect, to a page of this site;
 * - a refused request writes nothing, except the few refusals that must record (table below).
 *
 * The route list is `app.routes`: a new route is driven without editing this file, and fails here
 * until support/route-inputs.ts says what to send it. The seed is fixed, so every run sends the same
 * requests; a failure prints the seed and fast-check's path to replay it.
 */
import fc from 'fast-check';
import { exports } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../worker/index';
import { buildWorld, forgetSessions, ORIGIN, type World } from './support/portal-world';
import { describePlan, plans, prepareCookies, send, type Plan } from './support/request-plans';
import { routeInputs, type RouteInput } from './support/route-inputs';
import { endpoints, type Endpoint } from './support/routes';
import { describeWrites, installWriteLog, removeWriteLog, takeWrites, type Write } from './support/write-log';

/** Change to explore other inputs; keep fixed in the repository so CI is reproducible. */
const SEED = 20_261_117;
const TOTAL_REQUESTS = 10_000;

/**
 * Refusals that write, on purpose, by the error code they answer with (JSON `error.code`, or the
 * `error` of a form post's redirect). Any other write by a refused request fails the test.
 * - A failed password or code check counts toward its lockout and is audited (sign-in, second
 *   step, registration proof and the same proof at alert sign-up, password and e-mail change, deletion re-entry, a passkey
 *   sign-in or registration), so that guessing is
 *   slowed and the customer sees it in their sign-in history; a refusal while locked is audited.
 * - A staff customer look-up (of the account, or of its alerts) is audited whether or not the number
 *   matched: every access is logged.
 * - An ingest request that proved its client spends its assertion (the jti is kept until it
 *   expires) even when the batch or bill document is then refused: a signed request is good for one try.
 * - Paying without signing in: every look-up counts toward the per-client limit and a miss toward
 *   the guessing limits, audited (as registration's proof); a hand-off refused for its amount after
 *   the pair matched has already counted its look-up.
 * - Accepting an invitation: a wrong code counts toward the limit on tries (per login, or per client
 *   when creating a login with it).
 */
const recordingRefusals: { route: string; codes: string[]; tables: string[] }[] = [
  { route: 'POST /api/accounts/login', codes: ['invalid_credentials'], tables: ['throttles', 'audit_events'] },
  { route: 'POST /api/accounts/login/second-factor', codes: ['invalid_code'], tables: ['throttles', 'audit_events'] },
  { route: 'POST /api/accounts/register', codes: ['account_not_proven'], tables: ['throttles', 'audit_events'] },
  { route: 'POST /api/subscriptions/sign-up', codes: ['account_not_proven'], tables: ['throttles', 'audit_events'] },
  { route: 'POST /api/accounts/password', codes: ['wrong_password'], tables: ['throttles', 'audit_events'] },
  { route: 'POST /api/accounts/email', codes: ['wrong_password'], tables: ['throttles', 'audit_events'] },
  { route: 'POST /api/requests', codes: ['wrong_password'], tables: ['throttles', 'audit_events'] },
  // A refused passkey counts toward the client's lockout (sign-in) or the login's registrations, and is audited.
  { route: 'POST /api/accounts/passkeys/sign-in', codes: ['passkey_expired', 'passkey_unknown', 'passkey_invalid'], tables: ['throttles', 'audit_events'] },
  { route: 'POST /api/accounts/passkeys/register', codes: ['passkey_expired', 'passkey_invalid', 'passkey_already_registered', 'passkey_limit'], tables: ['throttles', 'audit_events'] },
  // A wrong authenticator code, recovery code, password or passkey at the second step, at step-up
  // or when confirming a new authenticator counts toward the login's second-step lock, audited.
  { route: 'POST /api/accounts/login/recovery-code', codes: ['invalid_recovery_code'], tables: ['throttles', 'audit_events'] },
  { route: 'POST /api/accounts/login/second-factor/passkey', codes: ['passkey_expired', 'passkey_unknown', 'passkey_invalid'], tables: ['throttles', 'audit_events'] },
  { route: 'POST /api/accounts/step-up', codes: ['invalid_code', 'invalid_recovery_code', 'wrong_password'], tables: ['throttles', 'audit_events'] },
  { route: 'POST /api/accounts/step-up/passkey', codes: ['passkey_expired', 'passkey_unknown', 'passkey_invalid'], tables: ['throttles', 'audit_events'] },
  { route: 'POST /api/accounts/totp/confirm', codes: ['invalid_code'], tables: ['throttles', 'audit_events'] },
  { route: 'GET /api/staff/customers', codes: ['not_found'], tables: ['audit_events'] },
  { route: 'GET /api/staff/alerts/customer', codes: ['not_found'], tables: ['audit_events'] },
  { route: 'POST /api/ingest/batches', codes: ['invalid_request', 'unsupported_media_type', 'batch_rejected', 'batch_id_reused', 'batch_conflict', 'batch_in_progress', 'conflict'], tables: ['ingest_token_ids'] },
  { route: 'PUT /api/ingest/bills/:billId/document', codes: ['invalid_request', 'unsupported_media_type', 'not_found'], tables: ['ingest_token_ids'] },
  { route: 'POST /api/payments/guest/lookup', codes: ['account_not_matched'], tables: ['throttles', 'audit_events'] },
  { route: 'POST /api/payments/guest/checkout', codes: ['account_not_matched', 'amount_below_minimum', 'amount_above_maximum'], tables: ['throttles', 'audit_events'] },
  // A wrong invitation code counts toward the login's (or, creating a login, the client's) limit on tries.
  { route: 'POST /api/sharing/invitations/accept', codes: ['invitation_invalid'], tables: ['throttles'] },
  { route: 'POST /api/sharing/invitations/register', codes: ['invitation_invalid'], tables: ['throttles'] },
];

/**
 * Writes any request may make, refused or not, because they record how it arrived rather than
 * what it asked:
 * - a session's idle clock (`sessions.last_seen_at`, moved at most once a minute);
 * - a 429's own count and audit line (the throttle that refused it), also when a form post gets it
 *   as a redirect;
 * - a Global Privacy Control opt-out, recorded once when an HTML page is shown to a visitor who
 *   holds a consent cookie we issued (visitors without one are honoured without any row).
 */
function allowedOnRefusal(route: Endpoint, plan: Plan, res: Response, code: string | null, write: Write): boolean {
  if (write.table === 'sessions' && write.op === 'update' && write.columns.every((c) => c === 'last_seen_at')) return true;
  // A 429, or the same refusal as a form post's redirect.
  const throttled = res.status === 429 || code === 'too_many_attempts' || code === 'too_many_requests';
  if (throttled && (write.table === 'audit_events' || write.table === 'throttles')) return true;
  const gpcOnPage = plan.method === 'GET' && plan.headers['Sec-GPC'] === '1' && plan.consent === 'issued' && /^text\/html\b/i.test(res.headers.get('Content-Type') ?? '');
  if (gpcOnPage && write.table === 'consent_records' && write.op === 'insert') return true;
  // A HEAD runs its GET route but carries no body, so its refusal's code cannot be read: it may write what that route's refusals may.
  const codeAllows = (codes: string[]) => (plan.method === 'HEAD' ? true : code !== null && codes.includes(code));
  return recordingRefusals.some((r) => r.route === route.key && codeAllows(r.codes) && r.tables.includes(write.table));
}

/** Routes whose refusals are OAuth's own error shape (RFC 6749 §5.2) rather than ours. */
const oauthShaped = ['POST /api/connect/token', 'POST /api/connect/revoke'];

type ErrorShape = { error?: { code?: unknown; message?: unknown; fields?: unknown } };

type Verdict = { problem: string | null; refused: boolean; code: string | null };

/** Whether the answer is a refusal, with which code, and what is wrong with it (or null). */
function judge(route: Endpoint, plan: Plan, res: Response, text: string, writes: Write[]): Verdict {
  const status = res.status;
  const location = res.headers.get('Location');
  const redirectCode = status >= 300 && status < 400 && location ? new URL(location, ORIGIN).searchParams.get('error') : null;
  const refused = status >= 400 || redirectCode !== null;
  let code = redirectCode;
  const verdict = (problem: string | null): Verdict => ({ problem, refused, code });
  if (status >= 500) return verdict(`answered ${status}: ${text.slice(0, 300)}`);
  if (status >= 300 && status < 400) {
    if (!location) return verdict(`answered ${status} without a Location`);
    if (new URL(location, ORIGIN).origin !== ORIGIN) return verdict(`redirected off the site, to ${location}`);
  }
  if (status >= 400 && plan.method !== 'HEAD') {
    // What the request reached, not the route it was generated for: `/api/..` is the site's root.
    const path = new URL(`${ORIGIN}${plan.target}`).pathname;
    const api = path.startsWith('/api/') || path.startsWith('/.well-known/');
    const type = res.headers.get('Content-Type') ?? '';
    const json = /^application\/json\b/i.test(type);
    if (api && !json) return verdict(`refused with ${status} as ${type || 'no content type'}, not the JSON error shape`);
    if (json) {
      let body: ErrorShape;
      try {
        body = JSON.parse(text) as ErrorShape;
      } catch {
        return verdict(`refused with ${status} and a body that is not JSON: ${text.slice(0, 200)}`);
      }
      // The OAuth token and revocation endpoints answer RFC 6749 §5.2's `{ error, error_description }`,
      // which every OAuth client library reads (worker/connect-my-data/routes.ts).
      const oauth = body as { error?: unknown; error_description?: unknown };
      if (oauthShaped.includes(route.key) && typeof oauth.error === 'string' && typeof oauth.error_description === 'string') {
        code = oauth.error;
      } else {
        const e = body.error;
        if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') return verdict(`refused with ${status} without { error: { code, message } }: ${text.slice(0, 200)}`);
        code = e.code;
        if (e.fields !== undefined && (!Array.isArray(e.fields) || !e.fields.every((f) => f && typeof f.field === 'string' && typeof f.message === 'string'))) return verdict(`fields are not [{ field, message }]: ${text.slice(0, 200)}`);
        if (status === 422 && e.code === 'invalid_request' && (!Array.isArray(e.fields) || e.fields.length === 0)) return verdict(`422 invalid_request names no field: ${text.slice(0, 200)}`);
      }
    } else if (text && !/^text\/html\b/i.test(type)) {
      return verdict(`refused a page with ${status} as ${type || 'no content type'}`);
    }
  }
  if (refused) {
    const unexpected = writes.filter((w) => !allowedOnRefusal(route, plan, res, code, w));
    if (unexpected.length) return verdict(`refused with ${status}${code ? ` (${code})` : ''} but wrote: ${describeWrites(unexpected)}`);
  }
  return verdict(null);
}

const routes = endpoints(app);
const runsPerRoute = Math.ceil(TOTAL_REQUESTS / routes.length);
/** Each route its own seed, so adding a route leaves the others' requests as they were. */
const seedOf = (key: string) => [...key].reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) | 0, SEED);

let world: World;
let inputs: Record<string, RouteInput>;
const tally = { requests: 0, routes: new Set<string>(), statuses: new Map<number, number>(), byRoute: new Map<string, Map<number, number>>(), fiveHundreds: 0, refused: 0, refusedWrites: 0, recorded: 0 };
const count = (map: Map<number, number>, status: number) => map.set(status, (map.get(status) ?? 0) + 1);
const listed = (map: Map<number, number>) => [...map.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');

beforeAll(async () => {
  world = await buildWorld();
  inputs = routeInputs(world);
  await installWriteLog();
  await takeWrites();
}, 120_000);

afterAll(async () => {
  await removeWriteLog();
});

describe('generated input', () => {
  it('has a generator for every route the app serves, and none for a route it does not', () => {
    const served = routes.map((r) => r.key);
    // A Spanish page takes its English twin's generator (same handler).
    expect(routes.filter((r) => !(r.key in inputs) && !(r.englishKey && r.englishKey in inputs)).map((r) => r.key), 'routes with no generator in support/route-inputs.ts').toEqual([]);
    expect(Object.keys(inputs).filter((k) => !served.includes(k)), 'generators for routes the app no longer has').toEqual([]);
  });

  it('answers a malformed multipart body with 400 naming the body on every route that takes one', async () => {
    const malformed = { 'Content-Type': 'multipart/form-data; boundary=XyZ', Origin: ORIGIN };
    for (const route of routes.filter((r) => !['GET', 'HEAD', 'ALL'].includes(r.method))) {
      const target = route.path.replace(/:[A-Za-z]+/g, world.requests.verified);
      await takeWrites();
      const res = await exports.default.fetch(new Request(`${ORIGIN}${target}`, { method: route.method, headers: malformed, body: 'garbage' }));
      const body = await res.json<{ error: { code: string; fields?: { field: string }[] } }>();
      expect(res.status, route.key).toBe(400);
      expect(body.error.code, route.key).toBe('bad_request');
      expect(body.error.fields?.[0]?.field, route.key).toBe('(body)');
      expect(await takeWrites(), route.key).toEqual([]);
    }
    // One request per route that takes a body, one after another: more than vitest's 5 s default on a busy machine.
  }, 120_000);

  for (const route of routes) {
    it(`${route.key}: no 5xx, refusals in the error shape, no write on refusal`, async () => {
      const input = inputs[route.key] ?? (route.englishKey ? inputs[route.englishKey] : undefined);
      if (!input) throw new Error(`No generator for ${route.key}: add one to test/worker/support/route-inputs.ts`);
      const seed = seedOf(route.key);
      const property = fc.asyncProperty(plans(route, input), async (plan) => {
        const { cookie, minted } = await prepareCookies(world, plan);
        const res = await send(world, plan, cookie);
        const text = await res.text();
        const logged = await takeWrites();
        // The session minted for the caller (and the step-up its sign-in counts as) was written just before the request: not the request's doing.
        const minting = minted && logged[0]?.table === 'sessions' && logged[0].op === 'insert' ? (logged[1]?.table === 'step_ups' && logged[1].op === 'insert' ? 2 : 1) : 0;
        const writes = logged.slice(minting);
        if (writes.some((w) => w.table === 'sessions' && (w.op === 'delete' || w.columns.includes('revoked_at')))) forgetSessions();
        const { problem, refused } = judge(route, plan, res, text, writes);
        tally.requests++;
        tally.routes.add(route.key);
        count(tally.statuses, res.status);
        count(tally.byRoute.get(route.key) ?? tally.byRoute.set(route.key, new Map()).get(route.key)!, res.status);
        if (res.status >= 500) tally.fiveHundreds++;
        if (refused) {
          tally.refused++;
          if (writes.length) tally.recorded++;
          if (problem?.includes(' but wrote: ')) tally.refusedWrites++;
        }
        if (problem) throw new Error(`${problem}\n  request: ${describePlan(plan)}`);
      });
      const details = await fc.check(property, { seed, numRuns: runsPerRoute, endOnFailure: true });
      if (details.failed) {
        throw new Error(
          `${route.key} failed after ${details.numRuns} generated requests.\n` +
            `  Replay: SEED = ${SEED} in this file (route seed ${seed}, fast-check path "${details.counterexamplePath}").\n` +
            `  ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`,
        );
      }
    }, 120_000);
  }

  it(`sent at least ${TOTAL_REQUESTS.toLocaleString('en-US')} requests across every route, none answered 5xx, no refusal wrote`, () => {
    console.log(
      [
        `generated input (seed ${SEED}): ${tally.requests} requests, ${tally.routes.size} of ${routes.length} routes; statuses ${listed(tally.statuses)}; ` +
          `5xx = ${tally.fiveHundreds}; refused ${tally.refused}, of which ${tally.recorded} recorded as allowed above and ${tally.refusedWrites} wrote anything else`,
        ...[...tally.byRoute.entries()].map(([key, statuses]) => `  ${key}: ${listed(statuses)}`),
      ].join('\n'),
    );
    expect(tally.routes.size).toBe(routes.length);
    expect(tally.requests).toBeGreaterThanOrEqual(TOTAL_REQUESTS);
    expect(tally.fiveHundreds).toBe(0);
    expect(tally.refusedWrites).toBe(0);
  });
});
