/**
 * A generated request ("plan"): who sends it, to which path, with which headers, cookies and body.
 * Plans are plain data so fast-check can generate, print and replay them; `send` turns one into a
 * real request to the worker, filling in what must be signed at send time.
 */
import fc from 'fast-check';
import { env, exports } from 'cloudflare:workers';
import { ingestAudience, signedUrl } from '../../../worker/ingest/auth';
import { signClientAssertion } from '../../../worker/ingest/client-assertion';
import { bodies, queries, type BodyPlan } from './arbitraries';
import { cookieFor, formToken, fuzzCallers, ORIGIN, type FuzzCaller, type World } from './portal-world';
import { FRESH_FORM_TOKEN, SIGNED_ASSERTION, type RouteInput } from './route-inputs';
import type { Endpoint } from './routes';

export type Plan = {
  caller: FuzzCaller;
  method: string;
  /** Path and query, percent-encoded. */
  target: string;
  body: BodyPlan | null;
  /** Send the body as a stream of unknown length (chunked), not a buffer. */
  streamed: boolean;
  consent: 'none' | 'issued' | 'forged' | 'garbage';
  origin: 'same' | 'none' | 'foreign' | 'null';
  headers: Record<string, string>;
};

const withoutBody = new Set(['GET', 'HEAD']);

function fillPath(path: string, values: Record<string, string>) {
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => values[name] ?? 'x');
}

const clientIps = fc.constantFrom('192.0.2.10', '192.0.2.11', '198.51.100.7', '2001:db8::1', 'not-an-address', '');

/** Every request the generator may send to one route. */
export function plans(route: Endpoint, input: RouteInput): fc.Arbitrary<Plan> {
  // A GET route also answers HEAD (Hono runs the GET handler): try it now and then.
  const methods = route.method === 'ALL' ? (input.anyOf?.methods ?? ['GET', 'POST']) : route.method === 'GET' ? ['GET', 'GET', 'GET', 'GET', 'GET', 'HEAD'] : [route.method];
  const mount = route.path.replace(/\*$/, '');
  const path: fc.Arbitrary<string> = input.anyOf
    ? input.anyOf.paths.map((p) => `${mount}${p}`)
    : fc.record(input.params ?? {}).map((values) => fillPath(route.path, values as Record<string, string>));
  const query = input.query ? fc.option(queries(input.query), { freq: 4, nil: '' }) : fc.option(queries(fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 2 })), { freq: 1, nil: '' });
  const body = bodies(input.body?.values ?? fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }), input.body?.kinds ?? ['json']);
  const headers = fc.record({
    extra: input.headers ?? fc.constant({}),
    accept: fc.constantFrom<string | null>(null, 'application/json', 'text/html,application/xhtml+xml', '*/*'),
    gpc: fc.boolean(),
    ip: clientIps,
    fetchSite: fc.constantFrom<string | null>(null, null, null, 'same-origin', 'cross-site', 'none'),
    junkCookie: fc.constantFrom<string | null>(null, null, null, 'a=b', `big=${'x'.repeat(4_000)}`, '=;;;=', '__Host-session=1; __Host-session=2'),
  });
  return fc
    .record({
      caller: fc.constantFrom(...fuzzCallers),
      method: fc.constantFrom(...methods),
      path,
      query,
      body,
      streamed: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      consent: fc.constantFrom('none', 'none', 'issued', 'forged', 'garbage'),
      origin: fc.constantFrom('same', 'same', 'same', 'same', 'same', 'same', 'none', 'foreign', 'null'),
      headers,
    } as const)
    .map(({ path: p, query: q, headers: h, body: b, method, ...rest }): Plan => {
      const plan: Plan = {
        ...rest,
        method,
        target: q ? `${p}?${q}` : p,
        body: withoutBody.has(method) ? null : b,
        headers: {
          ...h.extra,
          ...(h.accept ? { Accept: h.accept } : {}),
          ...(h.gpc ? { 'Sec-GPC': '1' } : {}),
          ...(h.ip ? { 'CF-Connecting-IP': h.ip } : {}),
          ...(h.fetchSite ? { 'Sec-Fetch-Site': h.fetchSite } : {}),
          ...(h.junkCookie ? { 'X-Junk-Cookie': h.junkCookie } : {}),
        },
      };
      // Short, so that a failure report stays readable even for a 1 MiB body.
      return Object.defineProperty(plan, fc.toStringMethod, { value: () => describePlan(plan), enumerable: false });
    });
}

export function describePlan(plan: Plan): string {
  const body = plan.body?.body;
  const shown = body === null || body === undefined ? 'none' : typeof body === 'string' ? JSON.stringify(body.length > 300 ? `${body.slice(0, 300)}… (${body.length} chars)` : body) : `${body.length} bytes`;
  return `${plan.method} ${plan.target.length > 300 ? `${plan.target.slice(0, 300)}…` : plan.target} as ${plan.caller}; origin ${plan.origin}; consent ${plan.consent}; headers ${JSON.stringify(plan.headers).slice(0, 300)}; body (${plan.body?.kind ?? 'none'}, ${plan.body?.contentType ?? 'no type'}${plan.streamed ? ', streamed' : ''}): ${shown}`;
}

function consentCookie(world: World, kind: Plan['consent']): string | null {
  if (kind === 'issued') return world.consentCookie;
  if (kind === 'forged') return `${world.consentCookie.slice(0, -4)}AAAA`;
  if (kind === 'garbage') return '__Host-consent=1.x.y.z.banner.0.%%';
  return null;
}

/** The cookies a plan's caller carries (a signed-in caller's session is reused until one ends); `minted`: a session row was written for it. */
export async function prepareCookies(world: World, plan: Plan) {
  const session = await cookieFor(world, plan.caller, { reuse: true });
  const parts = [session.cookie, consentCookie(world, plan.consent), plan.headers['X-Junk-Cookie'] ?? null].filter((c): c is string => !!c);
  return { cookie: parts.length ? parts.join('; ') : null, minted: session.minted };
}

/** Sends a plan; fresh form tokens and ingest assertions are signed here, for exactly this request. */
export async function send(world: World, plan: Plan, cookie: string | null): Promise<Response> {
  const url = `${ORIGIN}${plan.target}`;
  const { 'X-Junk-Cookie': _junk, ...headers } = plan.headers;
  let body = plan.body?.body ?? null;
  // The placeholder as it stands in JSON or multipart, or percent-encoded in a URL-encoded form.
  for (const placeholder of [FRESH_FORM_TOKEN, encodeURIComponent(FRESH_FORM_TOKEN)]) {
    if (typeof body === 'string' && body.includes(placeholder)) body = body.replaceAll(placeholder, await formToken());
  }
  if (headers.Authorization?.includes(SIGNED_ASSERTION)) {
    const assertion = await signClientAssertion({
      privateJwk: world.ingest.privateJwk,
      clientId: world.ingest.clientId,
      audience: ingestAudience(env.PORTAL_ORIGIN),
      method: plan.method,
      // As the portal names itself (PORTAL_ORIGIN), whatever host the request arrived at.
      url: signedUrl(env.PORTAL_ORIGIN, url),
      body: body ?? '',
    });
    headers.Authorization = headers.Authorization.replace(SIGNED_ASSERTION, assertion);
  }
  if (plan.body?.contentType) headers['Content-Type'] = plan.body.contentType;
  if (plan.origin === 'same') headers.Origin = ORIGIN;
  else if (plan.origin === 'foreign') headers.Origin = 'https://evil.example';
  else if (plan.origin === 'null') headers.Origin = 'null';
  if (cookie) headers.Cookie = cookie;
  let init: RequestInit = { method: plan.method, headers, redirect: 'manual' };
  if (body !== null) {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    init = { ...init, body: plan.streamed ? new Blob([bytes]).stream() : bytes };
  }
  return exports.default.fetch(new Request(url, init));
}
