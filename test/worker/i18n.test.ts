/**
 * The worker's languages: a request's language comes from its URL (or, for an API call, the page
 * that made it), errors answer in it, and a login keeps the language its mail is written in.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { logins } from '../../db/schema';
import { pagePathIn, requestLocale } from '../../worker/i18n/locale';
import { ORIGIN, db, get, givenLogin, login, postForm, postJson, sessionCookieFrom } from './support/accounts';

const twins = new Set(['/', '/login/', '/account/']);

describe('the language of a request', () => {
  it('is the page URL for a page, whatever page linked to it', () => {
    expect(requestLocale(new Request(`${ORIGIN}/es/login/`))).toBe('es');
    expect(requestLocale(new Request(`${ORIGIN}/es`))).toBe('es');
    expect(requestLocale(new Request(`${ORIGIN}/login/`, { headers: { Referer: `${ORIGIN}/es/` } }))).toBe('en');
    expect(requestLocale(new Request(`${ORIGIN}/estimates/`))).toBe('en');
  });

  it('is the sending page for an API call, only when that page is ours', () => {
    expect(requestLocale(new Request(`${ORIGIN}/api/accounts/login`, { headers: { Referer: `${ORIGIN}/es/login/` } }))).toBe('es');
    expect(requestLocale(new Request(`${ORIGIN}/api/accounts/login`, { headers: { Referer: 'https://elsewhere.example/es/login/' } }))).toBe('en');
    expect(requestLocale(new Request(`${ORIGIN}/api/accounts/login`, { headers: { Referer: 'not a url' } }))).toBe('en');
    expect(requestLocale(new Request(`${ORIGIN}/api/accounts/login`))).toBe('en');
  });

  it('sends a Spanish visitor to the Spanish twin of a page, keeping the query, and nowhere that has none', () => {
    expect(pagePathIn('es', '/login/?error=invalid_credentials', twins)).toBe('/es/login/?error=invalid_credentials');
    expect(pagePathIn('es', '/account/#alerts', twins)).toBe('/es/account/#alerts');
    expect(pagePathIn('es', '/staff/', twins)).toBe('/staff/');
    expect(pagePathIn('es', '/es/login/', twins)).toBe('/es/login/');
    expect(pagePathIn('en', '/login/', twins)).toBe('/login/');
  });
});

describe('errors in the language of the page', () => {
  it('answers a refused form from a Spanish page in Spanish, naming the same fields', async () => {
    const res = await postJson('/api/accounts/login', { email: 'not an address' }, { headers: { Referer: `${ORIGIN}/es/login/` } });
    expect(res.status).toBe(422);
    const body = await res.json<{ error: { code: string; message: string; fields: { field: string; message: string }[] } }>();
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toBe('La solicitud tiene datos que faltan o no son válidos.');
    expect(body.error.fields.map((f) => f.field).sort()).toEqual(['email', 'password']);
    for (const f of body.error.fields) expect(f.message).not.toMatch(/\b(the|is|must|enter)\b/i);
  });

  it('answers the same form from an English page in English', async () => {
    const res = await postJson('/api/accounts/login', { email: 'not an address' }, { headers: { Referer: `${ORIGIN}/login/` } });
    expect((await res.json<{ error: { message: string } }>()).error.message).toBe('The request has fields that are missing or not valid.');
  });
});

describe("a login's language", () => {
  it('is English for a login registered before languages, and saved when chosen, back on the account page in that language', async () => {
    const who = await givenLogin();
    const cookie = sessionCookieFrom(await login(who.email, who.password))!;
    const locale = async () => (await db().select({ locale: logins.locale }).from(logins).where(eq(logins.id, who.id)))[0]!.locale;
    expect(await locale()).toBe('en');

    const toSpanish = await postForm('/api/accounts/language', { locale: 'es' }, { cookie, headers: { Referer: `${ORIGIN}/account/` } });
    expect(toSpanish.status).toBe(303);
    expect(toSpanish.headers.get('Location')).toBe('/es/account/?status=language-saved');
    expect(await locale()).toBe('es');

    // Chosen from a Spanish page, English stays English: the route chose the page, not the referrer.
    const toEnglish = await postJson('/api/accounts/language', { locale: 'en' }, { cookie, headers: { Referer: `${ORIGIN}/es/account/` } });
    expect(toEnglish.status).toBe(200);
    expect((await toEnglish.json<{ redirect: string }>()).redirect).toBe('/account/?status=language-saved');
    expect(await locale()).toBe('en');
  });

  it('refuses a language we do not write in, naming the field, and changes nothing', async () => {
    const who = await givenLogin();
    const cookie = sessionCookieFrom(await login(who.email, who.password))!;
    const res = await postJson('/api/accounts/language', { locale: 'fr' }, { cookie });
    expect(res.status).toBe(422);
    expect((await res.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field)).toEqual(['locale']);
    expect((await db().select({ locale: logins.locale }).from(logins).where(eq(logins.id, who.id)))[0]!.locale).toBe('en');
  });

  it('cannot be set without signing in', async () => {
    expect((await postJson('/api/accounts/language', { locale: 'es' })).status).toBe(401);
  });

  it('shows on the account page as the checked choice', async () => {
    const who = await givenLogin();
    const cookie = sessionCookieFrom(await login(who.email, who.password))!;
    await postJson('/api/accounts/language', { locale: 'es' }, { cookie });
    const page = await get('/account/', { cookie });
    const html = await page.text();
    expect(html).toMatch(/<input[^>]*value="es"[^>]*checked/);
    expect(html).not.toMatch(/<input[^>]*value="en"[^>]*checked/);
  });

  it('shows the security page in Spanish at /es/: sessions, sign-ins, passkeys and second factor in Spanish words and dates', async () => {
    const who = await givenLogin();
    const cookie = sessionCookieFrom(await login(who.email, who.password, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' } }))!;
    const html = await (await get('/es/account/security/', { cookie })).text();
    expect(html).toContain('<html lang="es"');
    expect(html).toContain('<strong>Firefox en Linux</strong> <span class="badge">Esta sesión</span>');
    expect(html).toMatch(/Inició sesión el <time datetime="[^"]+">\d{1,2} [a-z]{3,4}\.? \d{4}/);
    expect(html).toContain('Todavía no tiene ninguna llave de acceso.');
    expect(html).toContain('No hay ninguna aplicación de autenticación configurada.');
    expect(html).toMatch(/: inició sesión/);
    expect(html).not.toMatch(/Signed in|This session|No authenticator app/);
  });

  it("says 'Su cuenta' in a Spanish page's header to a browser with a session, linking the Spanish account home", async () => {
    const who = await givenLogin();
    const cookie = sessionCookieFrom(await login(who.email, who.password))!;
    expect(await (await get('/es/contact/', { cookie })).text()).toMatch(/<a class="sign-in" href="\/es\/account\/">Su cuenta<\/a>/);
    expect(await (await get('/contact/', { cookie })).text()).toMatch(/<a class="sign-in" href="\/account\/">Your account<\/a>/);
  });
});
