import { env, exports } from 'cloudflare:workers';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { consentRecords, visitDailyCounts, visitDailyTotals, type VisitDimension } from '../../db/schema';
import type { AppEnv } from '../../worker/app-types';
import { encodeConsentCookie } from '../../worker/consent/cookie';
import { consentContext } from '../../worker/consent/middleware';
import { purgeExpiredConsentProof } from '../../worker/consent/retention';
import type { ConsentState } from '../../worker/consent/state';
import { setRegisteredCookie, UnconsentedCookieError, UnregisteredCookieError } from '../../worker/http/cookies';
import { handleError } from '../../worker/http/errors';
import { CONSENT_MAX_AGE_SECONDS, COOKIE_POLICY_VERSION } from '../../worker/shared/cookie-registry';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import { viewConsent } from '../../worker/consent/state';
import { localDay, pagesBucket, parseVisitCookie, secondsToLocalMidnight, timeBucket } from '../../worker/visits/aggregate';
import { countReferrer, purgeReferrerCandidates } from '../../worker/visits/referrers';

const ORIGIN = 'https://portal.test';
const db = () => drizzle(env.DB);
const portal = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${ORIGIN}${path}`, init));

type Jar = Record<string, string>;

/** Set-Cookie headers of a response, by name, with their attributes. */
function setCookies(res: Response): Record<string, { value: string; attributes: string }> {
  const out: Record<string, { value: string; attributes: string }> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...rest] = line.split(';');
    const i = pair!.indexOf('=');
    out[pair!.slice(0, i).trim()] = { value: decodeURIComponent(pair!.slice(i + 1).trim()), attributes: rest.join(';') };
  }
  return out;
}

const cookieHeader = (jar: Jar) => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ');

/** A client address of its own for each request (consent posts and beacons are throttled per client) unless a test names one. */
const newClientIp = () => `10.${crypto.getRandomValues(new Uint8Array(3)).join('.')}`;

function postJson(path: string, body: unknown, extra: { jar?: Jar; headers?: Record<string, string> } = {}) {
  return portal(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: ORIGIN, 'CF-Connecting-IP': newClientIp(), ...(extra.jar ? { Cookie: cookieHeader(extra.jar) } : {}), ...extra.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function postForm(path: string, fields: Record<string, string>, extra: { jar?: Jar; headers?: Record<string, string> } = {}) {
  return portal(path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, 'CF-Connecting-IP': newClientIp(), ...(extra.jar ? { Cookie: cookieHeader(extra.jar) } : {}), ...extra.headers },
    body: new URLSearchParams(fields).toString(),
  });
}

async function consentCookieFor(overrides: Partial<ConsentState> = {}) {
  const state: ConsentState = {
    consentId: `test${crypto.randomUUID().replaceAll('-', '')}`,
    policyVersion: COOKIE_POLICY_VERSION,
    preferences: false,
    analytics: true,
    gpc: false,
    method: 'banner',
    givenAt: Math.floor(Date.now() / 1000),
    ...overrides,
  };
  return { state, jar: { '__Host-consent': await encodeConsentCookie(state, env.LINK_SIGNING_SECRET) } as Jar };
}

const rowsFor = (consentId: string) => db().select().from(consentRecords).where(eq(consentRecords.consentId, consentId)).orderBy(sql`rowid`);
const countRecords = async () => (await db().select({ n: sql<number>`count(*)` }).from(consentRecords))[0]!.n;

type ConsentBody = {
  needsChoice: boolean;
  staleBecause: string | null;
  gpcSignal: boolean;
  policyVersion: string;
  allowed: { preferences: boolean; analytics: boolean };
  consent: null | { consentId: string; preferences: boolean; analytics: boolean; gpc: boolean; method: string; policyVersion: string };
  proof?: { id: string; action: string } | null;
};
type ErrorBody = { error: { code: string; fields?: { field: string; message: string }[] } };

describe('GET /api/consent', () => {
  it('reports no choice and only necessary cookies for a first visit', async () => {
    const res = await portal('/api/consent');
    expect(res.status).toBe(200);
    const body = await res.json<ConsentBody>();
    expect(body).toMatchObject({ needsChoice: true, consent: null, proof: null, policyVersion: COOKIE_POLICY_VERSION, allowed: { preferences: false, analytics: false } });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('returns the recorded choice with its proof row', async () => {
    const first = await postJson('/api/consent', { method: 'banner', preferences: true, analytics: false });
    const jar = { '__Host-consent': setCookies(first)['__Host-consent']!.value };
    const res = await portal('/api/consent', { headers: { Cookie: cookieHeader(jar) } });
    const body = await res.json<ConsentBody>();
    expect(body.needsChoice).toBe(false);
    expect(body.consent).toMatchObject({ preferences: true, analytics: false, method: 'banner', policyVersion: COOKIE_POLICY_VERSION });
    const rows = await rowsFor(body.consent!.consentId);
    expect(body.proof).toMatchObject({ id: rows.at(-1)!.id, action: 'choose' });
  });

  it('ignores a consent cookie whose signature does not verify', async () => {
    const { jar } = await consentCookieFor();
    const forged = { '__Host-consent': jar['__Host-consent']!.replace('.-.', '.pa.').replace(/\.[^.]+$/, '.AAAA') };
    const body = await (await portal('/api/consent', { headers: { Cookie: cookieHeader(forged) } })).json<ConsentBody>();
    expect(body.consent).toBeNull();
    expect(body.allowed.analytics).toBe(false);
  });
});

describe('POST /api/consent', () => {
  it('records a JSON choice as a proof row and sets the strictly necessary consent cookie', async () => {
    const res = await postJson('/api/consent', { method: 'banner', preferences: false, analytics: true });
    expect(res.status).toBe(201);
    const body = await res.json<ConsentBody>();
    expect(body.allowed).toEqual({ necessary: true, preferences: false, analytics: true });
    const cookie = setCookies(res)['__Host-consent']!;
    expect(cookie.attributes).toMatch(/Max-Age=31536000/);
    expect(cookie.attributes).toMatch(/Path=\//);
    expect(cookie.attributes).toMatch(/Secure/);
    expect(cookie.attributes).toMatch(/HttpOnly/);
    expect(cookie.attributes).toMatch(/SameSite=Lax/);
    expect(Object.keys(setCookies(res))).toEqual(['__Host-consent']);
    const rows = await rowsFor(body.consent!.consentId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'choose', method: 'banner', policyVersion: COOKIE_POLICY_VERSION, preferences: false, analytics: true, gpc: false });
    expect(Date.parse(rows[0]!.recordedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('records "Accept all" from the plain form and sends the visitor back with a message', async () => {
    const res = await postForm('/api/consent', { choice: 'accept_all', method: 'banner', return: '/help/leaks/' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/help/leaks/?consent=saved');
    const { state } = await readCookie(res);
    expect(state).toMatchObject({ preferences: true, analytics: true, method: 'banner' });
  });

  it('records "Reject all" from the plain form with nothing optional allowed', async () => {
    const res = await postForm('/api/consent', { choice: 'reject_all', method: 'banner', preferences: 'on', analytics: 'on', return: '/' });
    expect(res.status).toBe(303);
    const { body } = await readCookie(res);
    expect(body.allowed).toEqual({ necessary: true, preferences: false, analytics: false });
    const rows = await rowsFor(body.consent!.consentId);
    expect(rows.map((r) => [r.preferences, r.analytics])).toEqual([[false, false]]);
  });

  it('records a customized choice from the settings form and returns to the cookies section', async () => {
    const res = await postForm('/api/consent', { choice: 'custom', method: 'settings', analytics: 'on', return: '/privacy/choices/' });
    expect(res.headers.get('location')).toBe('/privacy/choices/?consent=saved#cookies');
    const { body } = await readCookie(res);
    expect(body.consent).toMatchObject({ preferences: false, analytics: true, method: 'settings' });
  });

  it('keeps the consent id when a visitor changes their mind, appending a new proof row', async () => {
    const { state, jar } = await consentCookieFor({ analytics: true });
    // The test cookie has no proof row of its own; every change appends one.
    const res = await postJson('/api/consent', { method: 'settings', preferences: false, analytics: false }, { jar: { ...jar, '__Host-visit': '2026-11-24.3' } });
    const body = await res.json<ConsentBody>();
    expect(body.consent!.consentId).toBe(state.consentId);
    expect(setCookies(res)['__Host-visit']?.attributes).toMatch(/Max-Age=0/);
    await postJson('/api/consent', { method: 'settings', preferences: true, analytics: true }, { jar: { '__Host-consent': setCookies(res)['__Host-consent']!.value } });
    const rows = await rowsFor(state.consentId);
    expect(rows.map((r) => r.analytics)).toEqual([false, true]);
  });

  const badJson: [string, unknown, string[]][] = [
    ['missing fields', {}, ['method', 'preferences', 'analytics']],
    ['wrong types', { method: 'banner', preferences: 'yes', analytics: 1 }, ['preferences', 'analytics']],
    ['an unknown method', { method: 'popup', preferences: false, analytics: false }, ['method']],
    ['an unknown field', { method: 'banner', preferences: false, analytics: false, marketing: true }, ['(body)']],
    ['a gpc record that allows analytics', { method: 'gpc', preferences: false, analytics: true, gpc: true }, ['analytics']],
    ['a gpc record without the signal', { method: 'gpc', preferences: false, analytics: false }, ['gpc']],
  ];
  for (const [name, body, fields] of badJson) {
    it(`refuses JSON with ${name} with 422 naming the fields, writing nothing`, async () => {
      const before = await countRecords();
      const res = await postJson('/api/consent', body);
      expect(res.status).toBe(422);
      const error = (await res.json<ErrorBody>()).error;
      expect(error.code).toBe('invalid_request');
      for (const field of fields) expect(error.fields!.map((f) => f.field)).toContain(field);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(await countRecords()).toBe(before);
    });
  }

  const badForms: [string, Record<string, string>, string[]][] = [
    ['an unknown choice', { choice: 'maybe', method: 'banner' }, ['choice']],
    ['a missing method', { choice: 'accept_all' }, ['method']],
    ['a return address on another site', { choice: 'accept_all', method: 'banner', return: '//evil.example/' }, ['return']],
    ['a checkbox value other than "on"', { choice: 'custom', method: 'settings', analytics: 'yes' }, ['analytics']],
  ];
  for (const [name, fields, named] of badForms) {
    it(`refuses a form with ${name} with 422 naming the fields, writing nothing`, async () => {
      const before = await countRecords();
      const res = await postForm('/api/consent', fields);
      expect(res.status).toBe(422);
      const error = (await res.json<ErrorBody>()).error;
      for (const field of named) expect(error.fields!.map((f) => f.field)).toContain(field);
      expect(await countRecords()).toBe(before);
    });
  }

  it('refuses malformed JSON with 400 and another content type with 415', async () => {
    const before = await countRecords();
    expect((await postJson('/api/consent', '{"method":')).status).toBe(400);
    const res = await portal('/api/consent', { method: 'POST', headers: { 'Content-Type': 'application/xml', Origin: ORIGIN }, body: '<consent/>' });
    expect(res.status).toBe(415);
    expect(await countRecords()).toBe(before);
  });

  it('refuses a cross-site form post and a cross-site JSON post, writing nothing', async () => {
    const before = await countRecords();
    const form = await postForm('/api/consent', { choice: 'accept_all', method: 'banner' }, { headers: { Origin: 'https://evil.example' } });
    expect(form.status).toBe(403);
    const json = await postJson('/api/consent', { method: 'banner', preferences: true, analytics: true }, { headers: { Origin: 'https://evil.example' } });
    expect(json.status).toBe(403);
    const noOrigin = await portal('/api/consent', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'cross-site' }, body: 'choice=accept_all&method=banner' });
    expect(noOrigin.status).toBe(403);
    expect(await countRecords()).toBe(before);
  });
});

describe('the form\'s return path stays on this site', () => {
  // Each passes the schema (one leading "/"), but the URL parser turns it into "//evil.example/…",
  // which a browser follows to another host.
  const normalisedAway = ['/.//evil.example/x', '/..//evil.example/', '/a/../..//evil.example/x', '/%2e//evil.example/', '/./%2E//evil.example/'];
  for (const path of normalisedAway) {
    it(`falls back to a page of this site for ${JSON.stringify(path)}`, async () => {
      const res = await postForm('/api/consent', { choice: 'reject_all', method: 'banner', return: path });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/?consent=saved');
      const withdraw = await postForm('/api/consent/withdraw', { return: path });
      expect(withdraw.headers.get('location')).toBe('/privacy/choices/?consent=withdrawn#cookies');
    });
  }

  const refused = ['//evil.example/', '/\\evil.example/', 'https://evil.example/', 'javascript:alert(1)', '/\t/evil.example/', 'evil.example'];
  for (const path of refused) {
    it(`refuses ${JSON.stringify(path)} with 422 naming return, writing nothing`, async () => {
      const before = await countRecords();
      const res = await postForm('/api/consent', { choice: 'accept_all', method: 'banner', return: path });
      expect(res.status).toBe(422);
      expect((await res.json<ErrorBody>()).error.fields!.map((f) => f.field)).toEqual(['return']);
      expect(await countRecords()).toBe(before);
    });
  }

  it('keeps a same-site path with its query, normalised', async () => {
    const res = await postForm('/api/consent', { choice: 'reject_all', method: 'banner', return: '/help/./billing/?tab=2' });
    expect(res.headers.get('location')).toBe('/help/billing/?tab=2&consent=saved');
  });
});

describe('withdrawing consent', () => {
  it('DELETE appends a withdraw row, turns everything off and deletes the analytics cookie', async () => {
    const { state, jar } = await consentCookieFor({ preferences: true, analytics: true });
    const res = await portal('/api/consent', { method: 'DELETE', headers: { Origin: ORIGIN, Cookie: cookieHeader({ ...jar, '__Host-visit': '2026-11-24.2' }) } });
    expect(res.status).toBe(200);
    const body = await res.json<ConsentBody>();
    expect(body.allowed).toEqual({ necessary: true, preferences: false, analytics: false });
    expect(body.needsChoice).toBe(false);
    const cookies = setCookies(res);
    expect(cookies['__Host-visit']!.attributes).toMatch(/Max-Age=0/);
    const rows = await rowsFor(state.consentId);
    expect(rows.at(-1)).toMatchObject({ action: 'withdraw', method: 'settings', preferences: false, analytics: false });
  });

  it('the plain withdraw form returns to the choices page with a message', async () => {
    const { state, jar } = await consentCookieFor();
    const res = await postForm('/api/consent/withdraw', { return: '/privacy/choices/' }, { jar: { ...jar, '__Host-visit': '2026-11-24.1' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/privacy/choices/?consent=withdrawn#cookies');
    expect(setCookies(res)['__Host-visit']!.attributes).toMatch(/Max-Age=0/);
    expect((await rowsFor(state.consentId)).map((r) => r.action)).toEqual(['withdraw']);
  });

  it('refuses a withdraw form with a foreign return address or from another site, writing nothing', async () => {
    const before = await countRecords();
    const bad = await postForm('/api/consent/withdraw', { return: 'https://evil.example/' });
    expect(bad.status).toBe(422);
    expect((await bad.json<ErrorBody>()).error.fields!.map((f) => f.field)).toEqual(['return']);
    const cross = await portal('/api/consent', { method: 'DELETE', headers: { Origin: 'https://evil.example' } });
    expect(cross.status).toBe(403);
    expect(await countRecords()).toBe(before);
  });
});

describe('proof of consent is append-only, then purged after 24 months', () => {
  const monthsAgo = (months: number, days = 0) => {
    const d = new Date();
    d.setUTCMonth(d.getUTCMonth() - months);
    d.setUTCDate(d.getUTCDate() - days);
    return d.toISOString();
  };
  async function givenProofRow(recordedAt: string) {
    const consentId = `aged${crypto.randomUUID().replaceAll('-', '')}`;
    await db().insert(consentRecords).values({ id: crypto.randomUUID(), consentId, action: 'choose', method: 'banner', policyVersion: COOKIE_POLICY_VERSION, preferences: false, analytics: true, gpc: false, recordedAt });
    return consentId;
  }

  it('D1 refuses to update any proof row, young or old', async () => {
    const res = await postJson('/api/consent', { method: 'banner', preferences: true, analytics: true });
    const { consent } = await res.json<ConsentBody>();
    await expect(env.DB.prepare('UPDATE consent_records SET analytics = 0 WHERE consent_id = ?').bind(consent!.consentId).run()).rejects.toThrow(/never changed/);
    const old = await givenProofRow(monthsAgo(30));
    await expect(env.DB.prepare('UPDATE consent_records SET analytics = 0 WHERE consent_id = ?').bind(old).run()).rejects.toThrow(/never changed/);
    await expect(env.DB.prepare("UPDATE consent_records SET recorded_at = '2000-01-01T00:00:00.000Z' WHERE consent_id = ?").bind(consent!.consentId).run()).rejects.toThrow(/never changed/);
    const rows = await rowsFor(consent!.consentId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.analytics).toBe(true);
  });

  it('D1 refuses to delete a row younger than 24 months, alone or among old ones', async () => {
    const young = await givenProofRow(monthsAgo(23, 27));
    const old = await givenProofRow(monthsAgo(25));
    await expect(env.DB.prepare('DELETE FROM consent_records WHERE consent_id = ?').bind(young).run()).rejects.toThrow(/24-month/);
    await expect(env.DB.prepare('DELETE FROM consent_records WHERE consent_id IN (?1, ?2)').bind(young, old).run()).rejects.toThrow(/24-month/);
    await expect(env.DB.prepare('DELETE FROM consent_records').run()).rejects.toThrow(/24-month/);
    expect(await rowsFor(young)).toHaveLength(1);
    expect(await rowsFor(old)).toHaveLength(1);
  });

  it('the daily cron purges rows older than 24 months and keeps younger ones', async () => {
    const old = await givenProofRow(monthsAgo(24, 1));
    const older = await givenProofRow(monthsAgo(40));
    const young = await givenProofRow(monthsAgo(23, 27));
    const result = await purgeExpiredConsentProof(env.DB);
    expect(result.purgedConsentRecords).toBeGreaterThanOrEqual(2);
    expect(await rowsFor(old)).toHaveLength(0);
    expect(await rowsFor(older)).toHaveLength(0);
    expect(await rowsFor(young)).toHaveLength(1);
  });

  it('stores nothing that identifies a person: no IP address, user agent or login', async () => {
    const columns = await env.DB.prepare("SELECT name FROM pragma_table_info('consent_records')").all<{ name: string }>();
    expect(columns.results.map((c) => c.name).sort()).toEqual(['action', 'analytics', 'consent_id', 'gpc', 'id', 'method', 'policy_version', 'preferences', 'recorded_at']);
  });
});

describe('stale consent asks again', () => {
  it('treats a consent for an older policy version as no consent', async () => {
    const { jar } = await consentCookieFor({ policyVersion: '2020-01-01', analytics: true });
    const body = await (await portal('/api/consent', { headers: { Cookie: cookieHeader(jar) } })).json<ConsentBody>();
    expect(body).toMatchObject({ needsChoice: true, staleBecause: 'policy_version', allowed: { analytics: false } });
    const page = await (await portal('/', { headers: { Cookie: cookieHeader(jar) } })).text();
    expect(page).toContain('data-cc-banner');
    expect(page).toMatch(/<html[^>]*data-consent="ask"/);
    expect(page).toMatch(/<html[^>]*data-analytics="off"/);
    const beacon = await sendBeacon({ t: 'view', p: '/' }, jar);
    expect(beacon.status).toBe(403);
  });

  it('treats a consent older than 12 months as no consent, and a new choice keeps the consent id', async () => {
    const { state, jar } = await consentCookieFor({ givenAt: Math.floor(Date.now() / 1000) - CONSENT_MAX_AGE_SECONDS - 86_400 });
    const body = await (await portal('/api/consent', { headers: { Cookie: cookieHeader(jar) } })).json<ConsentBody>();
    expect(body).toMatchObject({ needsChoice: true, staleBecause: 'expired', allowed: { analytics: false } });
    const again = await (await postJson('/api/consent', { method: 'banner', preferences: false, analytics: true }, { jar })).json<ConsentBody>();
    expect(again).toMatchObject({ needsChoice: false, staleBecause: null, consent: { consentId: state.consentId } });
  });
});

describe('pages reflect consent without any script', () => {
  it('shows the banner with unticked boxes on a first visit and sets no cookie', async () => {
    const res = await portal('/', { headers: { Accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('private, no-cache');
    const html = await res.text();
    expect(html).toContain('data-cc-banner');
    expect(html).toMatch(/<html[^>]*data-consent="ask"/);
    expect(html).not.toMatch(/<input[^>]*type="checkbox"[^>]*checked/);
    expect(html).toMatch(/<p class="cc-gpc" data-cc-gpc hidden>/);
  });

  it('removes the banner once a current choice is on file and tells the script whether analytics is on', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    const html = await (await portal('/', { headers: { Cookie: cookieHeader(jar) } })).text();
    expect(html).not.toContain('data-cc-banner');
    expect(html).toMatch(/<html[^>]*data-consent="chosen"/);
    expect(html).toMatch(/<html[^>]*data-analytics="on"/);
  });

  it('confirms a form post in place of the banner', async () => {
    const { jar } = await consentCookieFor({ analytics: false });
    const html = await (await portal('/?consent=saved', { headers: { Cookie: cookieHeader(jar) } })).text();
    expect(html).not.toContain('data-cc-banner');
    expect(html).toContain('Your cookie choices are saved.');
  });

  it('confirms it in Spanish on a Spanish page, linking to the Spanish choices page', async () => {
    const { jar } = await consentCookieFor({ analytics: false });
    const html = await (await portal('/es/?consent=saved', { headers: { Cookie: cookieHeader(jar) } })).text();
    expect(html).not.toContain('data-cc-banner');
    expect(html).toContain('Guardamos sus opciones de cookies.');
    expect(html).toContain('<a href="/es/privacy/choices/#cookies">Puede cambiarlas cuando quiera</a>.');
  });

  it('ticks the choices page boxes as last chosen and describes the choice', async () => {
    const { jar } = await consentCookieFor({ preferences: false, analytics: true });
    const html = await (await portal('/privacy/choices/', { headers: { Cookie: cookieHeader(jar) } })).text();
    expect(html).toMatch(/<input[^>]*name="analytics"[^>]*checked/);
    expect(html).not.toMatch(/<input[^>]*name="preferences"[^>]*checked/);
    expect(html).toContain('you allowed: Analytics (first-party only)');
    expect(html).toContain('Not detected');
  });
});

describe('Global Privacy Control', () => {
  it('honours GPC on page views without storing anything for a visitor with no consent cookie', async () => {
    const before = await countRecords();
    for (let i = 0; i < 20; i++) {
      const res = await portal(i % 2 ? '/privacy/choices/' : '/', { headers: { 'Sec-GPC': '1' } });
      expect(res.headers.getSetCookie()).toEqual([]);
      const html = await res.text();
      expect(html).toMatch(/<html[^>]*data-gpc="1"/);
      expect(html).toMatch(/<html[^>]*data-analytics="off"/);
      if (i % 2) {
        expect(html).toContain('Detected: your browser is sending a Global Privacy Control signal');
      } else {
        expect(html).toContain('data-cc-banner');
        expect(html).toMatch(/<p class="cc-gpc" data-cc-gpc>/);
        expect(html).toMatch(/<input[^>]*name="analytics"[^>]*disabled/);
      }
    }
    expect(await countRecords()).toBe(before);
  });

  it('keeps analytics off when a GPC browser clicks "Accept all"', async () => {
    const res = await postForm('/api/consent', { choice: 'accept_all', method: 'banner' }, { headers: { 'Sec-GPC': '1' } });
    const { state } = await readCookie(res);
    expect(state).toMatchObject({ preferences: true, analytics: false, gpc: true, method: 'banner' });
    const page = await (await portal('/', { headers: { 'Sec-GPC': '1', Cookie: `__Host-consent=${setCookies(res)['__Host-consent']!.value}` } })).text();
    expect(page).not.toContain('data-cc-banner');
  });

  it('turns off an earlier analytics consent as soon as the signal appears, and records that', async () => {
    const { state, jar } = await consentCookieFor({ analytics: true });
    const res = await portal('/', { headers: { 'Sec-GPC': '1', Cookie: cookieHeader(jar) } });
    expect(await res.text()).toMatch(/<html[^>]*data-analytics="off"/);
    const rows = await rowsFor(state.consentId);
    expect(rows.at(-1)).toMatchObject({ method: 'gpc', analytics: false, gpc: true });
    expect((await sendBeacon({ t: 'view', p: '/' }, jar, { 'Sec-GPC': '1' })).status).toBe(403);
  });

  it('answers a GPC record from the page script of a visitor with no consent cookie without storing it', async () => {
    const before = await countRecords();
    for (let i = 0; i < 5; i++) {
      const res = await postJson('/api/consent', { method: 'gpc', preferences: false, analytics: false, gpc: true });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()).toEqual([]);
      const body = await res.json<ConsentBody>();
      expect(body).toMatchObject({ consent: null, gpcSignal: true, needsChoice: true, allowed: { analytics: false } });
    }
    expect(await countRecords()).toBe(before);
  });

  it('records a GPC record from the page script when it turns off analytics the visitor had allowed', async () => {
    const { state, jar } = await consentCookieFor({ analytics: true });
    const res = await postJson('/api/consent', { method: 'gpc', preferences: false, analytics: false, gpc: true }, { jar });
    expect(res.status).toBe(201);
    const body = await res.json<ConsentBody>();
    expect(body.consent).toMatchObject({ consentId: state.consentId, method: 'gpc', gpc: true, analytics: false });
    expect((await rowsFor(state.consentId)).map((r) => r.method)).toEqual(['gpc']);
  });
});

describe('consent posts are throttled per client', () => {
  it('refuses a client after 30 recorded choices in an hour, writing nothing more, while other clients go on', async () => {
    const ip = newClientIp();
    const from = { 'CF-Connecting-IP': ip };
    const before = await countRecords();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await postJson('/api/consent', { method: 'banner', preferences: false, analytics: i % 2 === 0 }, { headers: from })).status);
    expect(statuses.every((s) => s === 201)).toBe(true);
    expect(await countRecords()).toBe(before + 30);

    const json = await postJson('/api/consent', { method: 'banner', preferences: false, analytics: false }, { headers: from });
    expect(json.status).toBe(429);
    expect((await json.json<ErrorBody>()).error.code).toBe('too_many_requests');
    expect(json.headers.getSetCookie()).toEqual([]);
    const withdraw = await portal('/api/consent', { method: 'DELETE', headers: { Origin: ORIGIN, ...from } });
    expect(withdraw.status).toBe(429);

    // Without JavaScript: back to the page, which says the choice was not saved.
    const form = await postForm('/api/consent', { choice: 'reject_all', method: 'banner', return: '/programs/' }, { headers: from });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/programs/?consent=busy');
    expect(form.headers.getSetCookie()).toEqual([]);
    const page = await (await portal('/programs/?consent=busy')).text();
    expect(page).toContain('data-cc-banner');
    expect(page).toContain('could not save');
    expect(await countRecords()).toBe(before + 30);

    // Another client is unaffected.
    expect((await postJson('/api/consent', { method: 'banner', preferences: false, analytics: false })).status).toBe(201);
  }, 60_000); // 35 requests: slow on a busy machine.

  it('counts every address of one IPv6 /64 as one client', async () => {
    const hex = () => crypto.getRandomValues(new Uint16Array(1))[0]!.toString(16);
    const net = `2001:db8:${hex()}:${hex()}`;
    const statuses: number[] = [];
    for (let i = 1; i <= 31; i++) statuses.push((await postJson('/api/consent', { method: 'banner', preferences: false, analytics: false }, { headers: { 'CF-Connecting-IP': `${net}::${i.toString(16)}` } })).status);
    expect(statuses.slice(0, 30).every((s) => s === 201)).toBe(true);
    expect(statuses[30]).toBe(429);
  }, 60_000);
});

describe('the cookie setter obeys the registry and the visitor’s consent', () => {
  const app = new Hono<AppEnv>()
    .use(consentContext())
    .get('/set/:name', (c) => {
      setRegisteredCookie(c, c.req.param('name'), 'x');
      return c.text('set');
    })
    .onError((err, c) => (err instanceof UnregisteredCookieError || err instanceof UnconsentedCookieError ? c.text(err.constructor.name, 409) : handleError(err, c)));
  const call = (name: string, headers: Record<string, string> = {}) => app.request(`${ORIGIN}/set/${name}`, { headers }, env);

  it('refuses a cookie that is not in the registry', async () => {
    const res = await call('_ga');
    expect(res.status).toBe(409);
    expect(await res.text()).toBe('UnregisteredCookieError');
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('refuses the analytics cookie without consent, with a refusal, and with a stale consent', async () => {
    expect(await (await call('__Host-visit')).text()).toBe('UnconsentedCookieError');
    const refused = await consentCookieFor({ analytics: false });
    expect(await (await call('__Host-visit', { Cookie: cookieHeader(refused.jar) })).text()).toBe('UnconsentedCookieError');
    const stale = await consentCookieFor({ analytics: true, policyVersion: '2019-05-01' });
    expect(await (await call('__Host-visit', { Cookie: cookieHeader(stale.jar) })).text()).toBe('UnconsentedCookieError');
  });

  it('refuses the analytics cookie while the browser sends GPC, even after consent', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    expect(await (await call('__Host-visit', { Cookie: cookieHeader(jar), 'Sec-GPC': '1' })).text()).toBe('UnconsentedCookieError');
  });

  it('sets the analytics cookie with current analytics consent, and necessary cookies always', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    const res = await call('__Host-visit', { Cookie: cookieHeader(jar) });
    expect(res.status).toBe(200);
    expect(setCookies(res)['__Host-visit']!.attributes).toMatch(/HttpOnly/);
    expect((await call('__Host-session')).status).toBe(200);
  });
});

function sendBeacon(body: unknown, jar: Jar = {}, headers: Record<string, string> = {}) {
  return portal('/api/visits', {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: ORIGIN, 'CF-Connecting-IP': newClientIp(), Cookie: cookieHeader(jar), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function readCookie(res: Response) {
  const value = setCookies(res)['__Host-consent']!.value;
  const body = await (await portal('/api/consent', { headers: { Cookie: `__Host-consent=${value}` } })).json<ConsentBody>();
  return { body, state: body.consent! };
}

const today = () => localDay(new Date(), utility.timeZone);
async function totals() {
  const row = (await db().select().from(visitDailyTotals).where(eq(visitDailyTotals.day, today())))[0];
  return row ?? { visits: 0, pageViews: 0, timedViews: 0, timeOnPageMs: 0 };
}
async function counts(dimension: VisitDimension) {
  const rows = await db().select().from(visitDailyCounts).where(sql`${visitDailyCounts.day} = ${today()} AND ${visitDailyCounts.dimension} = ${dimension}`);
  return Object.fromEntries(rows.map((r) => [r.key, r.count]));
}

describe('POST /api/visits', () => {
  it('refuses a beacon without analytics consent, writing nothing', async () => {
    const before = await totals();
    const res = await sendBeacon({ t: 'view', p: '/' });
    expect(res.status).toBe(403);
    expect((await res.json<ErrorBody>()).error.code).toBe('consent_required');
    expect(res.headers.getSetCookie()).toEqual([]);
    const refused = await consentCookieFor({ analytics: false });
    expect((await sendBeacon({ t: 'view', p: '/' }, refused.jar)).status).toBe(403);
    expect(await totals()).toEqual(before);
  });

  it('counts a new visit, its entry page and referrer domain, and sets the day-scoped visit cookie', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    const before = await totals();
    const entryBefore = (await counts('entry_page'))['/programs/'] ?? 0;
    const refBefore = (await counts('referrer_domain'))['duckduckgo.com'] ?? 0;
    const res = await sendBeacon({ t: 'view', p: '/programs/', r: 'DuckDuckGo.com' }, jar);
    expect(res.status).toBe(204);
    const visit = setCookies(res)['__Host-visit']!;
    expect(visit.value).toBe(`${today()}.1`);
    expect(visit.attributes).toMatch(/HttpOnly/);
    expect(Number(/Max-Age=(\d+)/.exec(visit.attributes)![1])).toBeLessThanOrEqual(1800);
    const after = await totals();
    expect(after.visits - before.visits).toBe(1);
    expect(after.pageViews - before.pageViews).toBe(1);
    expect((await counts('entry_page'))['/programs/']).toBe(entryBefore + 1);
    expect((await counts('referrer_domain'))['duckduckgo.com']).toBe(refBefore + 1);
  });

  it('counts a further page of the same visit without a new visit, moving it up the pages-per-visit buckets', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    const first = await sendBeacon({ t: 'view', p: '/' }, jar);
    const visitJar = { ...jar, '__Host-visit': setCookies(first)['__Host-visit']!.value };
    const before = await totals();
    const bucketsBefore = await counts('pages_per_visit');
    const res = await sendBeacon({ t: 'view', p: '/help/leaks-and-alerts/', r: 'other.example' }, visitJar);
    expect(setCookies(res)['__Host-visit']!.value).toBe(`${today()}.2`);
    const after = await totals();
    expect(after.visits - before.visits).toBe(0);
    expect(after.pageViews - before.pageViews).toBe(1);
    const buckets = await counts('pages_per_visit');
    expect(buckets['1']).toBe((bucketsBefore['1'] ?? 0) - 1);
    expect(buckets['2']).toBe((bucketsBefore['2'] ?? 0) + 1);
  });

  it('starts a new visit when the visit cookie is from another day', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    const before = await totals();
    const res = await sendBeacon({ t: 'view', p: '/' }, { ...jar, '__Host-visit': '2001-01-01.5' });
    expect(setCookies(res)['__Host-visit']!.value).toBe(`${today()}.1`);
    expect((await totals()).visits - before.visits).toBe(1);
  });

  it('adds time on page from a leave beacon to the sum and a bucket', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    const before = await totals();
    const bucketBefore = (await counts('time_on_page'))['30-60s'] ?? 0;
    const res = await sendBeacon({ t: 'leave', p: '/', ms: 42_000 }, jar);
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()).toEqual([]);
    const after = await totals();
    expect(after.timedViews - before.timedViews).toBe(1);
    expect(after.timeOnPageMs - before.timeOnPageMs).toBe(42_000);
    expect((await counts('time_on_page'))['30-60s']).toBe(bucketBefore + 1);
  });

  const badBeacons: [string, unknown, string[]][] = [
    ['an unknown type', { t: 'click', p: '/' }, ['t']],
    ['a full URL instead of a path', { t: 'view', p: 'https://portal.test/?email=a@b.example' }, ['p']],
    ['a query string in the path', { t: 'view', p: '/search?q=name' }, ['p']],
    ['a full referrer URL', { t: 'view', p: '/', r: 'https://news.example.org/story?id=1' }, ['r']],
    ['a negative time', { t: 'leave', p: '/', ms: -5 }, ['ms']],
    ['an extra field', { t: 'view', p: '/', ua: 'Mozilla/5.0' }, ['(body)']],
  ];
  for (const [name, body, fields] of badBeacons) {
    it(`refuses a beacon with ${name} with 422 naming the fields, writing nothing`, async () => {
      const { jar } = await consentCookieFor({ analytics: true });
      const before = await totals();
      const res = await sendBeacon(body, jar);
      expect(res.status).toBe(422);
      const error = (await res.json<ErrorBody>()).error;
      for (const field of fields) expect(error.fields!.map((f) => f.field)).toContain(field);
      expect(await totals()).toEqual(before);
    });
  }

  it('refuses a beacon that is not JSON, or from another site', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    expect((await sendBeacon('not json', jar)).status).toBe(400);
    expect((await sendBeacon({ t: 'view', p: '/' }, jar, { Origin: 'https://evil.example' })).status).toBe(403);
  });

  it('keeps only daily aggregates: no visit id, IP address or user agent column exists', async () => {
    const tables = await env.DB.prepare("SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name LIKE 'visit_%'").all<{ t: string; c: string }>();
    expect(tables.results.map((r) => `${r.t}.${r.c}`).sort()).toEqual([
      'visit_daily_counts.count',
      'visit_daily_counts.day',
      'visit_daily_counts.dimension',
      'visit_daily_counts.key',
      'visit_daily_totals.day',
      'visit_daily_totals.page_views',
      'visit_daily_totals.time_on_page_ms',
      'visit_daily_totals.timed_views',
      'visit_daily_totals.visits',
    ]);
  });
});

describe('the visit counter counts only pages the site has, bounded referrers, throttled', () => {
  it('refuses a beacon for a path the site does not have, writing nothing', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    for (const p of ['/no-such-page/', '/wp-admin/setup.php', `/${crypto.randomUUID()}/`, '/programs', '/privacy/versions/9-9/']) {
      const before = await totals();
      const pagesBefore = Object.keys(await counts('page')).length;
      const res = await sendBeacon({ t: 'view', p }, jar);
      expect(res.status).toBe(422);
      expect((await res.json<ErrorBody>()).error.fields!.map((f) => f.field)).toEqual(['p']);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect((await sendBeacon({ t: 'leave', p, ms: 1000 }, jar)).status).toBe(422);
      expect(await totals()).toEqual(before);
      expect(Object.keys(await counts('page')).length).toBe(pagesBefore);
    }
  });

  it('counts every page in the built sitemap by its path', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    for (const p of ['/', '/privacy/versions/1-0/', '/programs/turf-replacement/', '/privacy/request/']) {
      const before = (await counts('page'))[p] ?? 0;
      expect((await sendBeacon({ t: 'view', p }, jar)).status).toBe(204);
      expect((await counts('page'))[p]).toBe(before + 1);
    }
  });

  it('counts private pages under one key, never by path, and staff pages not at all', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    const before = (await counts('page'))['(private page)'] ?? 0;
    for (const p of ['/account/usage/', '/password/reset/', '/privacy/request/status/']) expect((await sendBeacon({ t: 'view', p }, jar)).status).toBe(204);
    const pages = await counts('page');
    expect(pages['(private page)']).toBe(before + 3);
    expect(Object.keys(pages).filter((k) => k.startsWith('/account/') || k.startsWith('/password/'))).toEqual([]);

    const totalsBefore = await totals();
    const staff = await sendBeacon({ t: 'view', p: '/staff/' }, jar);
    expect(staff.status).toBe(204);
    expect(staff.headers.getSetCookie()).toEqual([]);
    expect(await totals()).toEqual(totalsBefore);
  });

  it('counts a rare referrer under "(other)" and only its hash, and gives it its own key once common, moving its earlier visits', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    const domain = `news-${crypto.randomUUID().slice(0, 8)}.example.org`;
    const otherBefore = (await counts('referrer_domain'))['(other)'] ?? 0;
    for (let i = 0; i < 4; i++) await sendBeacon({ t: 'view', p: '/', r: domain }, jar);
    let refs = await counts('referrer_domain');
    expect(refs[domain]).toBeUndefined();
    expect(refs['(other)']).toBe(otherBefore + 4);
    const candidates = await env.DB.prepare("SELECT key FROM visit_daily_counts WHERE dimension = 'referrer_candidate'").all<{ key: string }>();
    expect(candidates.results.some((r) => r.key.includes(domain) || r.key.includes('news-'))).toBe(false);

    await sendBeacon({ t: 'view', p: '/', r: `WWW.${domain.toUpperCase()}` }, jar);
    refs = await counts('referrer_domain');
    expect(refs[domain]).toBe(5);
    expect(refs['(other)']).toBe(otherBefore);
    await sendBeacon({ t: 'view', p: '/', r: domain }, jar);
    expect((await counts('referrer_domain'))[domain]).toBe(6);
  });

  it('counts every variant of a well-known referrer under one key from the first visit', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    const before = (await counts('referrer_domain'))['google.com'] ?? 0;
    for (const r of ['www.google.co.uk', 'google.de', 'news.google.com']) await sendBeacon({ t: 'view', p: '/', r }, jar);
    expect((await counts('referrer_domain'))['google.com']).toBe(before + 3);
  });

  it('throttles beacons per client: 120 in ten minutes, then 429 and nothing written', async () => {
    const { jar } = await consentCookieFor({ analytics: true });
    const from = { 'CF-Connecting-IP': newClientIp() };
    const statuses: number[] = [];
    for (let i = 0; i < 120; i++) statuses.push((await sendBeacon({ t: 'leave', p: '/', ms: 1000 }, jar, from)).status);
    expect(statuses.every((s) => s === 204)).toBe(true);
    const before = await totals();
    const res = await sendBeacon({ t: 'view', p: '/' }, jar, from);
    expect(res.status).toBe(429);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await totals()).toEqual(before);
    expect((await sendBeacon({ t: 'view', p: '/' }, jar)).status).toBe(204);
  }, 60_000); // 122 requests: slow on a busy machine.
});

describe('referrer keys per day are bounded (domain rule, on D1)', () => {
  it('tallies at most the candidate cap, sending further unknown domains to "(other)" untallied', async () => {
    const day = `2001-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(Math.random() * 28)).padStart(2, '0')}x${crypto.randomUUID().slice(0, 4)}`;
    const limits = { promoteAt: 3, maxCandidates: 4 };
    const context = (domain: string) => ({ secret: env.LINK_SIGNING_SECRET, day, domain, ownHost: 'portal.test' });
    const outcomes = [];
    for (let i = 0; i < 10; i++) {
      const count = await countReferrer(db(), context(`site${i}.example`), limits);
      outcomes.push(count);
      if (count.candidate) await db().insert(visitDailyCounts).values({ day, dimension: 'referrer_candidate', key: count.candidate, count: 1 });
    }
    expect(outcomes.map((o) => o.key)).toEqual(Array(10).fill('(other)'));
    expect(outcomes.filter((o) => o.candidate).length).toBe(4);
    expect(await countReferrer(db(), context('portal.test'), limits)).toMatchObject({ key: '(direct)' });
    expect(await countReferrer(db(), context('l.facebook.com'), limits)).toMatchObject({ key: 'facebook.com', candidate: null });
  });

  it('the daily cron deletes candidate hashes of past days and keeps today\'s', async () => {
    const key = crypto.randomUUID();
    await db().insert(visitDailyCounts).values([
      { day: '2001-01-01', dimension: 'referrer_candidate', key, count: 2 },
      { day: today(), dimension: 'referrer_candidate', key, count: 1 },
      { day: '2001-01-01', dimension: 'referrer_domain', key, count: 7 },
    ]);
    await purgeReferrerCandidates(db());
    const rows = await db().select().from(visitDailyCounts).where(eq(visitDailyCounts.key, key));
    expect(rows.map((r) => `${r.day} ${r.dimension}`).sort()).toEqual(['2001-01-01 referrer_domain', `${today()} referrer_candidate`]);
  });
});

describe('domain rules, alone', () => {
  const base: ConsentState = { consentId: 'x'.repeat(24), policyVersion: COOKIE_POLICY_VERSION, preferences: true, analytics: true, gpc: false, method: 'banner', givenAt: 1_800_000_000 };

  it('a consent counts for exactly 12 months and only for the current policy version', () => {
    expect(viewConsent(base, { gpcSignal: false, nowSeconds: base.givenAt + CONSENT_MAX_AGE_SECONDS }).current).toBe(true);
    expect(viewConsent(base, { gpcSignal: false, nowSeconds: base.givenAt + CONSENT_MAX_AGE_SECONDS + 1 }).staleBecause).toBe('expired');
    expect(viewConsent({ ...base, policyVersion: 'old' }, { gpcSignal: false, nowSeconds: base.givenAt }).staleBecause).toBe('policy_version');
  });

  it('a GPC signal turns analytics off whatever was chosen, and a GPC-only record still asks', () => {
    expect(viewConsent(base, { gpcSignal: true, nowSeconds: base.givenAt }).allowed).toEqual({ necessary: true, preferences: true, analytics: false });
    expect(viewConsent({ ...base, method: 'gpc', analytics: false, gpc: true }, { gpcSignal: false, nowSeconds: base.givenAt }).chosen).toBe(false);
  });

  it('visit days follow the utility time zone, and the visit cookie never outlives the local day', () => {
    expect(localDay(new Date('2026-11-25T07:59:00Z'), 'America/Los_Angeles')).toBe('2026-11-24');
    expect(localDay(new Date('2026-11-25T08:00:00Z'), 'America/Los_Angeles')).toBe('2026-11-25');
    expect(secondsToLocalMidnight(new Date('2026-11-25T07:50:00Z'), 'America/Los_Angeles')).toBe(600);
    expect(parseVisitCookie('2026-11-24.3')).toEqual({ day: '2026-11-24', pages: 3 });
    for (const bad of ['', '2026-11-24', '2026-11-24.0', 'abc.1', '2026-11-24.1.extra']) expect(parseVisitCookie(bad)).toBeNull();
  });

  it('buckets pages per visit and time on page', () => {
    expect([1, 9, 10, 57].map(pagesBucket)).toEqual(['1', '9', '10+', '10+']);
    expect([0, 9_999, 10_000, 59_999, 60_000, 1_799_999, 1_800_000].map(timeBucket)).toEqual(['0-10s', '0-10s', '10-30s', '30-60s', '1-3m', '10-30m', '30m+']);
  });
});
