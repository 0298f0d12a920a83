/**
 * Signing in, registering and resetting a password in Spanish: the Spanish pages are served and
 * carry their messages in Spanish after a redirect; a refused form from a Spanish page comes back
 * to the Spanish page (plain post) or names it (script); registration keeps the page's language
 * on the new login. Account mail goes in the recipient's language: the page's language for mail
 * answering what was typed there, the login's own language for mail about the login, with links to
 * the Spanish pages in a Spanish mail.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { logins } from '../../db/schema';
import { accountMails } from '../../worker/accounts/mails';
import { createRecoveryCodes } from '../../worker/accounts/recovery-codes';
import { secondFactorMails } from '../../worker/accounts/second-factor-mails';
import { passkeyMails } from '../../worker/auth/passkeys/mails';
import type { Locale } from '../../worker/i18n/locale';
import { SPANISH_MAIL_PAGES } from '../../worker/mail/mail-language';
import {
  ORIGIN,
  db,
  depsAt,
  get,
  givenLogin,
  givenProvableAccount,
  linkTokenSentTo,
  login,
  mailsTo,
  postForm,
  postJson,
  sessionCookieFrom,
  uniqueEmail,
} from './support/accounts';
import { givenPasskey, steppedUp } from './support/passkeys';
import { signInFully } from './support/second-factor';

const fromSpanish = (page: string) => ({ headers: { Referer: `${ORIGIN}/es${page}` } });
const fromEnglish = (page: string) => ({ headers: { Referer: `${ORIGIN}${page}` } });

async function givenLoginIn(locale: Locale, options: Parameters<typeof givenLogin>[0] = {}) {
  const who = await givenLogin(options);
  await db().update(logins).set({ locale }).where(eq(logins.id, who.id));
  return who;
}

const localeOf = async (email: string) => (await db().select({ locale: logins.locale }).from(logins).where(eq(logins.email, email)))[0]?.locale;

/** The newest mail of `kind` to `address`. */
async function newestMail(address: string, kind: string) {
  const [mail] = await mailsTo(address, kind);
  if (!mail) throw new Error(`no ${kind} mail to that address`);
  return mail;
}

/** The portal links in a mail, as paths. */
const linkedPaths = (text: string) => [...text.matchAll(/https?:\/\/[^\s),]+/g)].map((m) => new URL(m[0]).pathname);

/** Words only a Spanish mail has, and only an English one. */
const SPANISH = /\b(usted|su usuario|llámenos|contraseña)\b/i;
const ENGLISH = /\b(your|you|the|call us)\b/;

describe('the Spanish sign-in pages', () => {
  it('serves each page in Spanish at its /es/ path, with its English twin as the alternate', async () => {
    for (const page of ['/login/', '/login/second-factor/', '/register/', '/register/verify/', '/password/forgot/', '/password/reset/', '/account/end-session/', '/account/email/confirm/']) {
      const res = await get(`/es${page}`);
      expect(res.status, page).toBe(200);
      const html = await res.text();
      expect(html, page).toContain('<html lang="es"');
      expect(html, page).toMatch(new RegExp(`<a href="${page}" lang="en" hreflang="en" data-lang-switch>English</a>`));
    }
  });

  it('shows the message of a redirect in Spanish, never text from the URL', async () => {
    const html = await (await get('/es/login/?error=invalid_credentials')).text();
    expect(html).toContain('Ese correo electrónico y esa contraseña no coinciden con ningún usuario.');
    const reset = await (await get('/es/password/forgot/?status=reset-sent')).text();
    expect(reset).toContain('Si esa dirección pertenece a un usuario, le enviamos un enlace');
    const field = await (await get('/es/register/?error=invalid_request&field=serviceZip')).text();
    expect(field).toContain('Revise: Código postal del servicio.');
  });

  it('never copies a secret a link wrongly carries in its query into the page, not even into the language switcher', async () => {
    for (const page of ['/account/end-session/', '/es/account/end-session/', '/password/reset/', '/es/register/verify/']) {
      const html = await (await get(`${page}?token=secret-from-the-query&code=another-secret`)).text();
      expect(html, page).not.toContain('secret-from-the-query');
      expect(html, page).not.toContain('another-secret');
    }
  });

  it('asks a signed-out visitor of the Spanish confirmation page to sign in on the Spanish sign-in page', async () => {
    const res = await get('/es/account/confirm/');
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/es/login/?error=unauthenticated');
  });

  it('offers the Spanish confirmation page with its line about the proof in Spanish, and a way back to a Spanish page', async () => {
    const who = await givenLogin();
    const { cookie } = await signInFully(who);
    const html = await (await get('/es/account/confirm/?return=%2Fes%2Faccount%2Fconfirm%2F', { cookie })).text();
    expect(html).toContain('<html lang="es"');
    expect(html).toMatch(/Hace poco confirmó que es usted: puede seguir adelante hasta las? \d{1,2}:\d{2}/);
    // A Spanish page may be returned to; the confirmation page itself may not.
    const back = await (await get('/es/account/confirm/?return=%2Fes%2Faccount%2Fpreferences%2F', { cookie })).text();
    expect(back).toContain('name="return" value="/es/account/preferences/"');
    expect(back).toMatch(/href="\/es\/account\/preferences\/" data-fill="return-link"/);
    expect(html).toContain('name="return" value="/account/security/"');
    expect(back).not.toContain('data-fill="return-english"');

    // Back to a page with no Spanish twin: the link says it leads to English.
    const twins = (await (await get('/i18n/twins.json')).json<{ pages: string[] }>()).pages;
    const englishOnly = ['/account/preferences/', '/account/security/', '/privacy/request/'].find((p) => !twins.includes(p));
    if (englishOnly) {
      const toEnglish = await (await get(`/es/account/confirm/?return=${encodeURIComponent(englishOnly)}`, { cookie })).text();
      const link = /<a ([^>]*)>Volver sin confirmar<\/a><span data-fill="return-english"> \(en inglés\)<\/span>/.exec(toEnglish);
      expect(link?.[1]?.split(' ').sort()).toEqual([`href="${englishOnly}"`, 'data-fill="return-link"', 'hreflang="en"'].sort());
    }
  });
});

describe('a refused sign-in from the Spanish page', () => {
  it('goes back to the Spanish sign-in page with the error code (plain form)', async () => {
    const who = await givenLogin();
    const res = await postForm('/api/accounts/login', { email: who.email, password: 'not the password at all' }, fromSpanish('/login/'));
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/es/login/?error=invalid_credentials');
    const page = await (await get(res.headers.get('Location')!)).text();
    expect(page).toContain('Ese correo electrónico y esa contraseña no coinciden con ningún usuario.');
  });

  it('answers the script in Spanish, and the same refusal from the English page in English', async () => {
    const who = await givenLogin();
    const es = await postJson('/api/accounts/login', { email: who.email, password: 'not the password at all' }, fromSpanish('/login/'));
    expect(es.status).toBe(401);
    const esBody = await es.json<{ error: { code: string; message: string } }>();
    expect(esBody.error.code).toBe('invalid_credentials');
    expect(esBody.error.message).toMatch(SPANISH);
    const en = await postJson('/api/accounts/login', { email: who.email, password: 'not the password at all' }, fromEnglish('/login/'));
    const enMessage = (await en.json<{ error: { message: string } }>()).error.message;
    expect(enMessage).toBe('That e-mail address and password do not match a login.');
    expect(esBody.error.message).not.toBe(enMessage);
  });

  it('sends a missing field back to the Spanish page naming it', async () => {
    const res = await postForm('/api/accounts/login', { email: 'nobody@customers.example' }, fromSpanish('/login/'));
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/es/login/?error=invalid_request&field=password');
    expect(await (await get(res.headers.get('Location')!)).text()).toContain('Revise: Contraseña.');
  });
});

describe('a successful sign-in from the Spanish page', () => {
  it('lands on the account page, in Spanish once that page has its twin', async () => {
    const who = await givenLogin();
    const twins = await (await get('/i18n/twins.json')).json<{ pages: string[] }>();
    const account = twins.pages.includes('/account/') ? '/es/account/' : '/account/';
    const plain = await postForm('/api/accounts/login', { email: who.email, password: who.password }, fromSpanish('/login/'));
    expect(plain.status).toBe(303);
    expect(plain.headers.get('Location')).toBe(`${account}?status=signed-in`);
    const script = await login(who.email, who.password, fromSpanish('/login/'));
    expect(script.status).toBe(200);
    expect((await script.json<{ redirect: string }>()).redirect).toBe(`${account}?status=signed-in`);
  });
});

describe('registering from the Spanish page', () => {
  const registration = (account: Awaited<ReturnType<typeof givenProvableAccount>>, email: string) => ({
    accountNumber: account.accountNumber,
    serviceZip: account.zip,
    lastBillAmount: account.lastBill,
    email,
    password: 'un río tranquilo al amanecer',
  });

  it('keeps Spanish as the login language and mails the confirmation in Spanish, linking to the Spanish page', async () => {
    const account = await givenProvableAccount();
    const email = uniqueEmail();
    const res = await postForm('/api/accounts/register', registration(account, email), fromSpanish('/register/'));
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/es/register/?status=registered');
    expect(await localeOf(email)).toBe('es');

    const mail = await newestMail(email, 'verify-email');
    expect(mail.subject).toBe('Confirme su correo electrónico para Alder Creek en línea');
    expect(mail.bodyText).toMatch(SPANISH);
    expect(mail.bodyText).not.toMatch(ENGLISH);
    expect(mail.bodyText).toContain('Si la página le pide un código, copie este');
    expect(mail.bodyText).toContain('de lunes a viernes, de 8 a.m. a 5 p.m., hora del Pacífico');
    expect(linkedPaths(mail.bodyText)).toEqual(['/es/register/verify/']);

    // The link's page confirms, and sends the Spanish visitor to the Spanish sign-in page.
    const token = await linkTokenSentTo(email, 'verify-email');
    const verified = await postForm('/api/accounts/verify-email', { token }, fromSpanish('/register/verify/'));
    expect(verified.headers.get('Location')).toBe('/es/login/?status=email-verified');
  });

  it('keeps English for a login registered from the English page, with English mail', async () => {
    const account = await givenProvableAccount();
    const email = uniqueEmail();
    expect((await postJson('/api/accounts/register', registration(account, email), fromEnglish('/register/'))).status).toBe(200);
    expect(await localeOf(email)).toBe('en');
    const mail = await newestMail(email, 'verify-email');
    expect(mail.subject).toBe('Confirm your e-mail address for Alder Creek online');
    expect(linkedPaths(mail.bodyText)).toEqual(['/register/verify/']);
  });

  it('refuses a failed proof back on the Spanish page, storing nothing', async () => {
    const account = await givenProvableAccount();
    const email = uniqueEmail();
    const res = await postForm('/api/accounts/register', { ...registration(account, email), lastBillAmount: '1.00' }, { ...fromSpanish('/register/'), ip: '198.51.100.201' });
    expect(res.headers.get('Location')).toBe('/es/register/?error=account_not_proven');
    expect(await localeOf(email)).toBeUndefined();
    expect(await mailsTo(email)).toHaveLength(0);
  });

  it('tells an address that already has a login in the language of the page that was used', async () => {
    const who = await givenLogin();
    const account = await givenProvableAccount();
    await postJson('/api/accounts/register', registration(account, who.email), fromSpanish('/register/'));
    const mail = await newestMail(who.email, 'registration-existing');
    expect(mail.subject).toBe('Ya tiene un usuario de Alder Creek en línea');
    expect(linkedPaths(mail.bodyText)).toEqual(['/es/login/', '/es/password/forgot/']);
  });
});

describe('a forgotten password from the Spanish pages', () => {
  it('mails the link in the language of the page it was asked on, and the change notice in the login’s language', async () => {
    const who = await givenLoginIn('en');
    const asked = await postForm('/api/accounts/password/forgot', { email: who.email }, fromSpanish('/password/forgot/'));
    expect(asked.headers.get('Location')).toBe('/es/password/forgot/?status=reset-sent');
    const mail = await newestMail(who.email, 'password-reset');
    expect(mail.subject).toBe('Elija una contraseña nueva para Alder Creek en línea');
    expect(mail.bodyText).not.toMatch(ENGLISH);
    expect(linkedPaths(mail.bodyText)).toEqual(['/es/password/reset/']);

    const token = await linkTokenSentTo(who.email, 'password-reset');
    const weak = await postForm('/api/accounts/password/reset', { token, password: 'qwerty123456' }, fromSpanish('/password/reset/'));
    expect(weak.headers.get('Location')).toBe('/es/password/reset/?error=password_too_common&field=password');
    expect(await (await get(weak.headers.get('Location')!)).text()).toContain('Esa contraseña es demasiado común');

    const reset = await postJson('/api/accounts/password/reset', { token, password: 'una frase nueva y bastante larga' }, fromSpanish('/password/reset/'));
    expect(reset.status).toBe(200);
    expect((await reset.json<{ redirect: string }>()).redirect).toBe('/es/login/?status=password-reset');
    // The login is English: the notice about it is too, whatever page the reset was made on.
    const changed = await newestMail(who.email, 'password-changed');
    expect(changed.subject).toBe('Your Alder Creek online password was changed');
    expect(linkedPaths(changed.bodyText)).toEqual(['/password/forgot/']);
  });

  it('writes the change notice in Spanish to a Spanish login reset from the English page', async () => {
    const who = await givenLoginIn('es');
    await postJson('/api/accounts/password/forgot', { email: who.email }, fromEnglish('/password/forgot/'));
    expect((await newestMail(who.email, 'password-reset')).subject).toBe('Choose a new password for Alder Creek online');
    const token = await linkTokenSentTo(who.email, 'password-reset');
    expect((await postJson('/api/accounts/password/reset', { token, password: 'una frase nueva y bastante larga' }, fromEnglish('/password/reset/'))).status).toBe(200);
    const changed = await newestMail(who.email, 'password-changed');
    expect(changed.subject).toBe('Se cambió su contraseña de Alder Creek en línea');
    expect(changed.bodyText).not.toMatch(ENGLISH);
    expect(linkedPaths(changed.bodyText)).toEqual(['/es/password/forgot/']);
  });
});

describe('mail about an existing login, in its language', () => {
  it('tells a Spanish login of a new browser in Spanish, with a Spanish date and the Spanish end-session page', async () => {
    const who = await givenLoginIn('es');
    await signInFully(who);
    await login(who.email, who.password, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' } });
    const mail = await newestMail(who.email, 'new-device-sign-in');
    expect(mail.subject).toBe('Nuevo inicio de sesión en su usuario de Alder Creek en línea');
    expect(mail.bodyText).toMatch(/Cuándo: (lunes|martes|miércoles|jueves|viernes|sábado|domingo), \d{1,2} de \w+ de \d{4}/);
    expect(mail.bodyText).toContain('Navegador: Firefox en Linux');
    expect(linkedPaths(mail.bodyText)).toEqual(['/es/account/end-session/', '/es/password/forgot/']);
  });

  it('tells an English login of a new browser in English', async () => {
    const who = await givenLoginIn('en');
    await signInFully(who);
    await login(who.email, who.password);
    const mail = await newestMail(who.email, 'new-device-sign-in');
    expect(mail.subject).toBe('New sign-in to your Alder Creek online login');
    expect(linkedPaths(mail.bodyText)).toEqual(['/account/end-session/', '/password/forgot/']);
  });

  it('mails new recovery codes and a new passkey in the login’s language, whatever page the request came from', async () => {
    for (const locale of ['es', 'en'] as const) {
      const who = await givenLoginIn(locale);
      await createRecoveryCodes({ ...(await depsAt(new Date())), locale: locale === 'es' ? 'en' : 'es' }, who.id);
      const codes = await newestMail(who.email, 'recovery-codes-created');
      expect(codes.subject).toBe(locale === 'es' ? 'Códigos de recuperación nuevos para su usuario de Alder Creek en línea' : 'New recovery codes for your Alder Creek online login');

      const { cookie } = await signInFully(who);
      await steppedUp(cookie);
      await givenPasskey(cookie, { name: 'Llave de la cocina' });
      const added = await newestMail(who.email, 'passkey-added');
      expect(added.subject).toBe(locale === 'es' ? 'Se agregó una llave de acceso a su usuario de Alder Creek en línea' : 'A passkey was added to your Alder Creek online login');
      expect(added.bodyText).toContain('"Llave de la cocina"');
    }
  });

  it('mails an e-mail change link in the page’s language and the notices to the old address in the login’s', async () => {
    const who = await givenLoginIn('es');
    const { cookie } = await signInFully(who);
    const newEmail = uniqueEmail('nueva');
    const res = await postJson('/api/accounts/email', { newEmail, currentPassword: who.password }, { cookie, ...fromEnglish('/account/security/') });
    expect(res.status, await res.clone().text()).toBe(200);
    const confirm = await newestMail(newEmail, 'email-change');
    expect(confirm.subject).toBe('Confirm your new e-mail address for Alder Creek online');
    expect(linkedPaths(confirm.bodyText)).toEqual(['/account/email/confirm/']);
    expect((await newestMail(who.email, 'email-change-notice')).subject).toBe('Se está cambiando su correo electrónico de Alder Creek en línea');

    const token = await linkTokenSentTo(newEmail, 'email-change');
    const done = await postForm('/api/accounts/email/confirm', { token }, fromSpanish('/account/email/confirm/'));
    expect(done.status).toBe(303);
    const changed = await newestMail(who.email, 'email-changed');
    expect(changed.subject).toBe('Se cambió su correo electrónico de Alder Creek en línea');
    expect(changed.bodyText).not.toMatch(ENGLISH);
  });
});

describe('every account mail', () => {
  const origin = 'https://portal.example';
  const at = new Date('2026-11-27T23:30:00Z');
  const builders = (locale: Locale) => [
    accountMails.verifyEmail('a@customers.example', origin, 'tok', locale),
    accountMails.alreadyRegistered('a@customers.example', origin, locale),
    accountMails.passwordReset('a@customers.example', origin, 'tok', locale),
    accountMails.passwordChanged('a@customers.example', origin, locale),
    accountMails.emailChangeConfirm('a@customers.example', origin, 'tok', locale),
    accountMails.emailChangeNotice('a@customers.example', locale),
    accountMails.emailChanged('a@customers.example', locale),
    secondFactorMails.totpEnabled('a@customers.example', origin, locale),
    secondFactorMails.totpRemoved('a@customers.example', origin, locale),
    secondFactorMails.recoveryCodesCreated('a@customers.example', origin, locale),
    secondFactorMails.recoveryCodeUsed('a@customers.example', origin, at, 1, locale),
    secondFactorMails.newDevice('a@customers.example', origin, at, null, 'tok', locale),
    passkeyMails.added('a@customers.example', origin, 'Phone', locale),
    passkeyMails.removed('a@customers.example', origin, 'Phone', locale),
  ];

  it('has a Spanish subject and text of its own for each English one, of the same kind', () => {
    const en = builders('en');
    const es = builders('es');
    expect(es.map((m) => m.kind)).toEqual(en.map((m) => m.kind));
    for (const [i, mail] of es.entries()) {
      expect(mail.subject, mail.kind).not.toBe(en[i]!.subject);
      expect(mail.text, mail.kind).toMatch(SPANISH);
      expect(mail.text, mail.kind).not.toMatch(ENGLISH);
      expect(en[i]!.text, mail.kind).not.toMatch(SPANISH);
      expect(en[i]!.text.endsWith(`Alder Creek Water & Power\n(209) 555-0142 · Monday to Friday, 8 a.m. to 5 p.m. Pacific time\n`), mail.kind).toBe(true);
    }
  });

  it('writes dates and counts in Spanish', () => {
    const used = secondFactorMails.recoveryCodeUsed('a@customers.example', origin, at, 1, 'es').text;
    expect(used).toContain('el viernes, 27 de noviembre de 2026');
    expect(used).toContain('le queda 1 código sin usar');
    expect(secondFactorMails.recoveryCodeUsed('a@customers.example', origin, at, 0, 'es').text).toContain('no le quedan códigos sin usar');
    expect(secondFactorMails.newDevice('a@customers.example', origin, at, null, 'tok', 'es').text).toContain('Navegador: desconocido');
  });

  it('links a Spanish mail only to Spanish pages the site has', async () => {
    const twins = new Set((await (await get('/i18n/twins.json')).json<{ pages: string[] }>()).pages);
    for (const page of SPANISH_MAIL_PAGES) expect(twins.has(page), page).toBe(true);
    for (const mail of builders('es')) {
      for (const path of linkedPaths(mail.text)) {
        const english = path.startsWith('/es/') ? path.slice(3) : path;
        if (path.startsWith('/es/')) expect(twins.has(english), path).toBe(true);
        // And to the Spanish page whenever the site has one: add a new twin to SPANISH_MAIL_PAGES.
        else expect(twins.has(path), `${mail.kind} links to ${path}, which has a Spanish twin now: list it in SPANISH_MAIL_PAGES`).toBe(false);
        expect((await get(path)).status, path).not.toBe(404);
      }
    }
  });
});
