/**
 * The customer's side of Connect My Data in plain forms (no JavaScript): the consent screen says who
 * asks, for which data, why and until when, and lets the customer narrow it; "Connected
 * applications" lists what each may fetch and every release, and stops one. Also the whole flow
 * through the development-only third party. Reads the built pages: `npm run build` first.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/index';
import { authorizedCode, givenApplication, ORIGIN, portalFetch, startConsent, tokenRequest } from './support/connect-fixtures';
import { signedIn } from './support/sign-in';
import { givenMeter, givenReads, TZ } from './support/usage-fixtures';
import { addDays, localDay } from '../../worker/usage/time';

const form = (cookie: string, path: string, fields: [string, string][]) =>
  portalFetch(path, { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN }, body: new URLSearchParams(fields).toString() });
const page = async (cookie: string, path: string) => (await portalFetch(path, { headers: { Cookie: cookie } })).text();

async function customer() {
  const electric = await givenMeter({ kind: 'electric' });
  const water = await givenMeter({ kind: 'water', accountId: electric.accountId });
  const yesterday = addDays(localDay(Date.now(), TZ), -1);
  await givenReads(electric, [yesterday], () => 0.5);
  await givenReads(water, [yesterday], () => 1);
  const { cookie } = await signedIn({ holderOf: [electric.accountId] });
  return { cookie, electric, water };
}

describe('the consent screen', () => {
  it('says who asks, which data, why and until when, and takes a narrowed answer as a plain form', async () => {
    const c = await customer();
    const app = await givenApplication({ name: 'Solar Estimates' });
    const { request } = await startConsent(c.cookie, app);
    const html = await page(c.cookie, `/account/sharing/authorize/?request=${request}`);
    expect(html).toContain('Solar Estimates');
    expect(html).toContain('Sunny Side Analytics LLC');
    expect(html).toContain('Estimating the size of a rooftop solar system');
    expect(html).toContain('Meter reads');
    expect(html).toContain('as fine as 15-minute');
    expect(html).toContain('Billing-period totals');
    expect(html).toContain('about 13 months');
    expect(html).toMatch(/name="until" type="date"/);
    expect(html).toContain(`value="${c.water.meterId}"`);
    // Only electricity, only meter reads, 30 days.
    const res = await form(c.cookie, '/api/connect/authorize', [['request', request!], ['meter', c.electric.meterId], ['block', '4'], ['historyDays', '30'], ['decision', 'allow']]);
    expect(res.status).toBe(303);
    const to = new URL(res.headers.get('Location')!);
    expect(to.origin + to.pathname).toBe(app.redirectUri);
    expect(to.searchParams.get('code')).toBeTruthy();
    const row = await env.DB.prepare('SELECT scope, meter_ids AS meterIds FROM cmd_authorizations WHERE application_id = ?1').bind(app.clientId).first<{ scope: string; meterIds: string }>();
    expect(row).toEqual({ scope: 'FB=1_4;IntervalDuration=900;HistoryLength=2592000', meterIds: JSON.stringify([c.electric.meterId]) });
  });

  it("shows the consent screen in Spanish when the application asks for it (ui_locales) or the login chose Spanish, the application's own words marked English", async () => {
    const c = await customer();
    const app = await givenApplication({ name: 'Solar Estimates' });
    const asked = await startConsent(c.cookie, app, { uiLocales: 'es-US en' });
    expect(asked.location.pathname).toBe('/es/account/sharing/authorize/');
    const html = await page(c.cookie, `/es/account/sharing/authorize/?request=${asked.request}`);
    expect(html).toContain('<html lang="es"');
    expect(html).toContain('<h2 id="who-title">Quién lo pide</h2>');
    expect(html).toContain('<strong><span lang="en">Solar Estimates</span></strong>, de <span lang="en">Sunny Side Analytics LLC</span>.');
    expect(html).toContain('<strong>Lecturas del medidor</strong>: las lecturas de su medidor, al intervalo propio del medidor (como mucho cada 15 minutos)');
    expect(html).toContain('unos 13 meses');
    expect(html).toContain('href="/es/account/sharing/applications/"');
    expect(html).toContain('>Permitir</button>');
    expect(html).not.toMatch(/\b(Allow|Which data|Until when)\b/);

    // A login that chose Spanish gets the Spanish screen without asking; English stays the default.
    await env.DB.prepare('UPDATE logins SET locale = ?1 WHERE email IN (SELECT l.email FROM logins l JOIN account_access a ON a.login_id = l.id WHERE a.account_id = ?2)').bind('es', c.electric.accountId).run();
    expect((await startConsent(c.cookie, app)).location.pathname).toBe('/es/account/sharing/authorize/');
    expect((await startConsent(c.cookie, app, { uiLocales: 'en' })).location.pathname).toBe('/account/sharing/authorize/');
  });

  it('answers a Spanish consent screen with a Spanish list of connected applications', async () => {
    const c = await customer();
    const app = await givenApplication({ name: 'Solar Estimates' });
    await authorizedCode(c.cookie, app, [c.electric.meterId], { block: [4] });
    const html = await page(c.cookie, '/es/account/sharing/applications/');
    expect(html).toContain('<h1>Aplicaciones conectadas</h1>');
    expect(html).toContain('<h2 id="app-');
    expect(html).toContain('Lecturas del medidor: las lecturas de su medidor');
    expect(html).toMatch(/Conectada desde <time[^>]*>[^<]+<\/time>, hasta <time/);
    expect(html).toContain('Dejar de compartir con Solar Estimates');
  });

  it('sends a form that asks for more than was asked back to the page with the fields named', async () => {
    const c = await customer();
    const app = await givenApplication({ scope: 'FB=1_4;IntervalDuration=900;HistoryLength=8640000' });
    const { request } = await startConsent(c.cookie, app);
    const res = await form(c.cookie, '/api/connect/authorize', [['request', request!], ['meter', c.electric.meterId], ['block', '16'], ['decision', 'allow']]);
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe(`/account/sharing/authorize/?request=${request}&error=invalid_request&field=block`);
    const html = await page(c.cookie, res.headers.get('Location')!);
    expect(html).toContain('Please check the choices marked below.');
    expect(html).toContain('aria-invalid="true"');
  });

  it('tells the customer when the request is not from a registered application', async () => {
    const c = await customer();
    const html = await page(c.cookie, '/account/sharing/authorize/?error=oauth_bad_client');
    expect(html).toContain('does not come from an application registered with us');
  });
});

describe('connected applications', () => {
  it('lists what each application may fetch and every release to it, and stops it with one button', async () => {
    const c = await customer();
    const app = await givenApplication({ name: 'Solar Estimates' });
    const { code, verifier } = await authorizedCode(c.cookie, app, [c.electric.meterId], { block: [4] });
    const t = await (await tokenRequest(app, { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, code_verifier: verifier })).json<{ access_token: string; resourceURI: string; authorizationURI: string }>();
    expect((await portalFetch(new URL(t.resourceURI).pathname, { headers: { Authorization: `Bearer ${t.access_token}` } })).status).toBe(200);
    const html = await page(c.cookie, '/account/sharing/applications/');
    expect(html).toContain('Solar Estimates');
    expect(html).toContain('Meter reads: your meter reads');
    expect(html).toMatch(/Electricity data, meter reads, /);
    expect(html).toContain('Stop sharing with Solar Estimates');
    const stop = await form(c.cookie, '/api/connect/authorizations/revoke', [['authorization', t.authorizationURI.split('/').pop()!]]);
    expect(stop.headers.get('Location')).toBe('/account/sharing/applications/?status=connect_revoked');
    const after = await page(c.cookie, stop.headers.get('Location')!);
    expect(after).toContain('can no longer fetch your data');
    expect(after).toContain('by you');
    expect(after).not.toContain('Stop sharing with Solar Estimates');
    expect((await portalFetch(new URL(t.resourceURI).pathname, { headers: { Authorization: `Bearer ${t.access_token}` } })).status).toBe(401);
  });

  it('shows another customer none of it', async () => {
    const c = await customer();
    const app = await givenApplication({ name: 'Private Name Co' });
    await authorizedCode(c.cookie, app, [c.electric.meterId]);
    const other = await signedIn({ holderOf: [(await givenMeter()).accountId] });
    expect(await page(other.cookie, '/account/sharing/applications/')).not.toContain('Private Name Co');
  });
});

describe('the staff page of applications', () => {
  it('lets an administrator see the applications and put one on hold with a plain form; others are refused', async () => {
    const app = await givenApplication({ name: 'Staff Page App' });
    const admin = await signedIn({ role: 'admin' });
    const html = await page(admin.cookie, '/staff/connect/');
    expect(html).toContain('Staff Page App');
    expect(html).toContain('In production');
    expect(html).not.toContain(app.secret);
    const res = await form(admin.cookie, `/api/staff/connect/applications/${app.clientId}/status`, [['status', 'on_hold']]);
    expect(res.headers.get('Location')).toBe('/staff/connect/?done=status_changed');
    expect(await page(admin.cookie, '/staff/connect/?done=status_changed')).toContain('The status was changed.');
    expect((await env.DB.prepare('SELECT status FROM cmd_applications WHERE id = ?1').bind(app.clientId).first<{ status: string }>())!.status).toBe('on_hold');
    const bad = await form(admin.cookie, `/api/staff/connect/applications/${app.clientId}/status`, [['status', 'deleted']]);
    expect(bad.headers.get('Location')).toMatch(/^\/staff\/connect\/\?error=invalid_request/);
    const officer = await signedIn({ role: 'privacy_officer' });
    const refused = await portalFetch('/staff/connect/', { headers: { Cookie: officer.cookie } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain('Staff Page App');
  });
});

describe('the development third party', () => {
  it('connects, fetches, and is refused once the customer stops sharing', async () => {
    const c = await customer();
    const start = await portalFetch('/dev/third-party/start');
    expect(start.status).toBe(303);
    const authorize = await portalFetch(start.headers.get('Location')!, { headers: { Cookie: c.cookie } });
    const consent = new URL(authorize.headers.get('Location')!, ORIGIN);
    expect(consent.pathname).toBe('/account/sharing/authorize/');
    expect(await page(c.cookie, consent.pathname + consent.search)).toContain('Bright Meter (demo)');
    const allow = await form(c.cookie, '/api/connect/authorize', [['request', consent.searchParams.get('request')!], ['meter', c.water.meterId], ['block', '4'], ['decision', 'allow']]);
    const callback = new URL(allow.headers.get('Location')!);
    const connected = await (await portalFetch(callback.pathname + callback.search)).text();
    expect(connected).toContain('Fetched 1 service(s), 1 day(s) of reads');
    const session = /name="session" value="([^"]+)"/.exec(connected)![1]!;
    const applications = await page(c.cookie, '/account/sharing/applications/');
    const authorization = /name="authorization" value="([^"]+)"/.exec(applications)![1]!;
    expect(applications).toContain('Water data, meter reads');
    await form(c.cookie, '/api/connect/authorizations/revoke', [['authorization', authorization]]);
    const again = await (await form('', '/dev/third-party/fetch', [['session', session]])).text();
    expect(again).toContain('The portal refused the request (401)');
  });

  it('does not exist in production', async () => {
    for (const path of ['/dev/third-party/', '/dev/third-party/start']) {
      const ctx = createExecutionContext();
      const res = await worker.fetch(new Request(`https://portal.aldercreek-utility.example${path}`), { ...env, ENVIRONMENT: 'production' }, ctx);
      await waitOnExecutionContext(ctx);
      expect(res.status, path).toBe(404);
    }
  });
});
