/**
 * A development-only third party for Connect My Data, so that a person running `npm start` can
 * try the whole flow: "Connect" sends the browser to the portal's authorisation endpoint with PKCE;
 * the callback exchanges the code at the token endpoint and fetches the batch feed; "Fetch again"
 * shows what the application gets after the customer narrows or stops sharing; notifications of
 * new data are accepted at /dev/third-party/notify. It calls the portal in-process, as a third
 * party's server would over HTTP. Gated like the payment stand-in (dev/processor/gate.ts): in
 * production these paths are the site's 404.
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { escapeHtml } from '../../accounts/pages';
import { base64url, randomToken } from '../../auth/tokens';
import { devProcessorEnabled } from '../processor/gate';
import { DEMO_THIRD_PARTY, demoApplicationStatement, demoRedirectUri } from './demo-app';

export type Deliver = (req: Request, c: Context<AppEnv>) => Response | Promise<Response>;

type Session = { verifier: string; accessToken?: string; refreshToken?: string; resourceURI?: string };
/** The stand-in keeps its sessions in memory (one local isolate); a real third party keeps them in its own store. */
const sessions = new Map<string, Session>();
let notifications = 0;

function page(c: Context<AppEnv>, title: string, body: string, status: 200 | 400 = 200) {
  c.header('Cache-Control', 'no-store');
  return c.html(
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} | ${escapeHtml(DEMO_THIRD_PARTY.name)}</title><meta name="robots" content="noindex"><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/dev-processor.css"></head>
<body><main><p><strong>${escapeHtml(DEMO_THIRD_PARTY.name)}: a development-only third party.</strong> It stands in for an outside company's website on a developer's machine.</p>
<h1>${escapeHtml(title)}</h1>
${body}</main></body></html>`,
    status,
  );
}

const basic = () => `Basic ${btoa(`${encodeURIComponent(DEMO_THIRD_PARTY.clientId)}:${encodeURIComponent(DEMO_THIRD_PARTY.secret)}`)}`;

/** What a fetch of the batch feed gave: a sentence for the page. */
async function fetchData(c: Context<AppEnv>, deliver: Deliver, s: Session) {
  const url = new URL(s.resourceURI!);
  const res = await deliver(new Request(new URL(url.pathname, c.req.url), { headers: { Authorization: `Bearer ${s.accessToken}` } }), c);
  if (res.status !== 200) return `<p id="fetch-result">The portal refused the request (${res.status}): the customer has stopped sharing, or the access has ended.</p>`;
  const xml = await res.text();
  const count = (tag: string) => (xml.match(new RegExp(`<espi:${tag}>`, 'g')) ?? []).length;
  return `<p id="fetch-result">Fetched ${count('UsagePoint')} service(s), ${count('IntervalBlock')} day(s) of reads (${count('IntervalReading')} readings) and ${count('UsageSummary')} billing-period total(s).</p>`;
}

const fetchForm = (session: string) => `<form method="post" action="/dev/third-party/fetch"><input type="hidden" name="session" value="${escapeHtml(session)}"><button type="submit">Fetch the data again</button></form>`;

export function devThirdPartyPages(deliver: Deliver) {
  return new Hono<AppEnv>()
    .use('/dev/third-party/*', async (c, next) => {
      if (!devProcessorEnabled(c.env)) {
        const notFound = await c.env.ASSETS.fetch(new Request(c.req.url));
        return new Response(notFound.body, { status: 404, headers: notFound.headers });
      }
      await next();
    })
    .get('/dev/third-party/', (c) =>
      page(
        c,
        'See your home’s energy and water, hour by hour',
        `<p>${escapeHtml(DEMO_THIRD_PARTY.purpose)}</p><p>We fetch your data from Alder Creek Water &amp; Power through Green Button Connect My Data, only with your permission.</p>
<form method="get" action="/dev/third-party/start"><button type="submit">Connect your Alder Creek data</button></form>
<p>Notifications of new data received so far: ${notifications}.</p>`,
      ),
    )
    .get('/dev/third-party/start', async (c) => {
      const origin = new URL(c.req.url).origin;
      await (await demoApplicationStatement(c.env.DB, origin)).run();
      const session = randomToken(16);
      const verifier = randomToken(32);
      sessions.set(session, { verifier });
      const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
      const q = new URLSearchParams({ response_type: 'code', client_id: DEMO_THIRD_PARTY.clientId, redirect_uri: demoRedirectUri(origin), scope: DEMO_THIRD_PARTY.scope, state: session, code_challenge: challenge, code_challenge_method: 'S256' });
      c.header('Cache-Control', 'no-store');
      return c.redirect(`/api/connect/authorize?${q}`, 303);
    })
    .get('/dev/third-party/callback', async (c) => {
      const state = c.req.query('state') ?? '';
      const s = sessions.get(state);
      if (!s) return page(c, 'Unknown session', '<p>Start again from <a href="/dev/third-party/">the start page</a>.</p>', 400);
      const error = c.req.query('error');
      if (error) return page(c, 'Not connected', `<p>The portal answered: ${escapeHtml(error)}. Nothing was shared.</p><p><a href="/dev/third-party/">Start again</a></p>`);
      const origin = new URL(c.req.url).origin;
      const res = await deliver(
        new Request(new URL('/api/connect/token', c.req.url), {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic() },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: c.req.query('code') ?? '', redirect_uri: demoRedirectUri(origin), code_verifier: s.verifier }).toString(),
        }),
        c,
      );
      if (res.status !== 200) return page(c, 'Not connected', `<p>The token endpoint refused the code (${res.status}).</p>`, 400);
      const tokens = await res.json<{ access_token: string; refresh_token: string; resourceURI: string; scope: string }>();
      Object.assign(s, { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, resourceURI: tokens.resourceURI });
      return page(c, 'Connected', `<p>Scope granted: <code>${escapeHtml(tokens.scope)}</code>.</p>${await fetchData(c, deliver, s)}${fetchForm(state)}`);
    })
    .post('/dev/third-party/fetch', async (c) => {
      const form = await c.req.parseBody();
      const state = typeof form.session === 'string' ? form.session : '';
      const s = sessions.get(state);
      if (!s?.accessToken) return page(c, 'Unknown session', '<p>Start again from <a href="/dev/third-party/">the start page</a>.</p>', 400);
      return page(c, 'Your data', `${await fetchData(c, deliver, s)}${fetchForm(state)}`);
    })
    .post('/dev/third-party/notify', async (c) => {
      const body = await c.req.text();
      notifications += (body.match(/<espi:resources>/g) ?? []).length;
      return c.body(null, 204);
    });
}
