/**
 * Privacy requests in Spanish: a request filed from a Spanish page keeps its language, answers with
 * the Spanish status page, and every mail about it is in Spanish with links to Spanish pages; a
 * refused Spanish filing says what to fix in Spanish and writes nothing. The privacy choices page
 * says what the visitor chose, and what their browser signals, in the page's language.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { encodeConsentCookie } from '../../worker/consent/cookie';
import type { ConsentState } from '../../worker/consent/state';
import { formatsFor } from '../../worker/i18n/format';
import { requestPageProblems } from '../../worker/requests/messages';
import { requestProblemsIn } from '../../worker/requests/messages-es';
import { COOKIE_POLICY_VERSION } from '../../worker/shared/cookie-registry';
import { ORIGIN, latestEmail, linkCodeFrom, newClientIp, portal, requestBody, staffPost } from './support/requests';
import { givenAccount, signedIn } from './support/sign-in';

const es = formatsFor('es');
const en = formatsFor('en');
let n = 0;

async function customer() {
  const number = String(8_100_000_000 + (Date.now() % 1_000_000) * 100 + n++);
  const email = `cliente-${number}@customers.example`;
  const id = await givenAccount({ accountNumber: number, holderName: 'Rosa Delgado', emailOnFile: email, mailingPostalCode: '95990' });
  return { id, number, email, name: 'Rosa Delgado' };
}

/** A plain form post, as a browser sends it from the page at `from`. */
function postFormFrom(from: string, action: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return portal(action, {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Referer: `${ORIGIN}${from}`, ...headers },
  });
}

/** The form page at `path` and the form token the worker filled into it. */
async function formPage(path: string, cookie?: string) {
  const html = await (await portal(path, cookie ? { headers: { Cookie: cookie } } : {})).text();
  return { html, formToken: /name="formToken" value="([^"]+)"/.exec(html)![1]! };
}

const formFields = (c: { number: string; name: string }, extra: Record<string, string> = {}) => ({
  type: 'know',
  submittedBy: 'self',
  fullName: c.name,
  email: `contacto-${crypto.randomUUID().slice(0, 8)}@test.example`,
  accountNumber: c.number,
  postalCode: '95990',
  declarationName: c.name,
  declarationTrue: 'on',
  ...extra,
});

/** Files a request through the form of the page at `page` (its language's); the answer is the status page. */
async function fileFrom(page: string, c: { number: string; name: string }, extra: Record<string, string> = {}, as?: { cookie: string; loginId: string }) {
  const { formToken } = await formPage(page, as?.cookie);
  const fields = formFields(c, extra);
  const res = await postFormFrom(page, '/api/requests', { formToken, ...fields }, as ? { Cookie: as.cookie } : {});
  const html = await res.text();
  // A signed-in customer's request is filed under their sign-in address, whatever was typed.
  const row = await env.DB.prepare('SELECT id, locale, due_on FROM privacy_requests WHERE requester_email = ?1 ORDER BY received_at DESC LIMIT 1')
    .bind(as ? `${as.loginId}@test.example` : fields.email)
    .first<{ id: string; locale: string; due_on: string }>();
  return { res, html, row: row!, contact: fields.email };
}

/** The status code a page shows to come back to it. */
const statusCodeIn = (html: string) => /<input id="status-code"[^>]*value="([^"]+)"/.exec(html)![1]!;

/** The status page in Spanish, as the lookup form shows it for a code. */
async function spanishStatus(code: string) {
  const res = await postFormFrom('/es/privacy/request/status/', '/es/privacy/request/status/', { code });
  expect(res.status).toBe(200);
  return res.text();
}

describe('a request filed from a Spanish page', () => {
  it('is stored in Spanish and answered with the Spanish status page and receipt', async () => {
    const c = await customer();
    const { res, html, row } = await fileFrom('/es/privacy/request/', c);
    expect(res.status).toBe(200);
    expect(row.locale).toBe('es');
    expect(html).toMatch(/<html[^>]*lang="es"/);
    expect(html).toContain('Recibimos su solicitud.');
    expect(html).toContain('Esperando la verificación de identidad');
    expect(html).toContain(`<time datetime="${row.due_on}">${es.day(row.due_on)}</time>`);
    expect(html).toContain('Comprobante firmado (JWS)');
    expect(html).toMatch(/<a href="\/es\/privacy\/request\/status\/#code=[^"]+" data-status-link>Enlace a su solicitud<\/a>/);
    expect(html).not.toContain('Your receipt');
  });

  it('sends the confirmation link in Spanish, to the Spanish confirmation page', async () => {
    const c = await customer();
    await fileFrom('/es/privacy/request/', c);
    const mail = (await latestEmail('privacy-request-verify', c.email))!;
    expect(mail.subject).toBe('Confirme una solicitud de privacidad sobre su cuenta de servicios');
    expect(mail.body_text).toContain('Si fue usted (o usted lo autorizó), confírmela en un plazo de 72 horas');
    expect(mail.body_text).toContain('Si la página le pide un código, copie este');
    expect(linkCodeFrom(mail.body_text, '/es/privacy/request/verify/')).toMatch(/^req-/);
  });

  it('keeps English for a filing from the English page, with links to English pages', async () => {
    const c = await customer();
    const { html, row } = await fileFrom('/privacy/request/', c);
    expect(row.locale).toBe('en');
    expect(html).toMatch(/<html[^>]*lang="en"/);
    expect(html).toContain('We received your request.');
    expect(html).toContain(en.day(row.due_on));
    const mail = (await latestEmail('privacy-request-verify', c.email))!;
    expect(mail.subject).toBe('Confirm a privacy request about your utility account');
    expect(linkCodeFrom(mail.body_text, '/privacy/request/verify/')).toMatch(/^req-/);
  });

  it('answers a script in Spanish: the Spanish status path and next step', async () => {
    const c = await customer();
    const { formToken } = await formPage('/es/privacy/request/');
    const res = await portal('/api/requests', {
      method: 'POST',
      body: JSON.stringify({ formToken, ...requestBody({ accountNumber: c.number, fullName: c.name, declarationName: c.name }) }),
      headers: { 'Content-Type': 'application/json', Referer: `${ORIGIN}/es/privacy/request/`, 'CF-Connecting-IP': newClientIp() },
    });
    expect(res.status).toBe(201);
    const filed = await res.json<{ id: string; statusPath: string; nextStep: string }>();
    expect(filed.statusPath).toMatch(/^\/es\/privacy\/request\/status\/#code=/);
    expect(filed.nextStep).toContain('enviamos un enlace de verificación');
    expect(await env.DB.prepare('SELECT locale FROM privacy_requests WHERE id = ?1').bind(filed.id).first('locale')).toBe('es');
  });

  it('mails a signed-in customer the receipt in Spanish, with the due date in Spanish words', async () => {
    const c = await customer();
    const holder = await signedIn({ holderOf: [c.id] });
    const { row } = await fileFrom('/es/privacy/request/', c, {}, holder);
    expect(row.locale).toBe('es');
    const mail = (await latestEmail('privacy-request-received', `${holder.loginId}@test.example`))!;
    expect(mail.subject).toMatch(/^Recibimos su solicitud de privacidad \(/);
    expect(mail.body_text).toContain(`Le responderemos a más tardar el ${es.day(row.due_on)}.`);
    expect(mail.body_text).toContain('Oficina de privacidad de Alder Creek Water & Power');
    expect(linkCodeFrom(mail.body_text, '/es/privacy/request/status/')).toMatch(/^req-/);
  });
});

describe('the Spanish status page and mail through a request\'s life', () => {
  it('shows each state in Spanish, and mails the extension and the access package in Spanish', async () => {
    const c = await customer();
    const { html: filedPage, row, contact } = await fileFrom('/es/privacy/request/', c);
    const code = statusCodeIn(filedPage);
    expect(await spanishStatus(code)).toContain('Esperando la verificación de identidad');

    const verifyCode = linkCodeFrom((await latestEmail('privacy-request-verify', c.email))!.body_text, '/es/privacy/request/verify/');
    const verified = await postFormFrom('/es/privacy/request/verify/', '/api/requests/verify', { code: verifyCode });
    expect(verified.status).toBe(200);
    const verifiedHtml = await verified.text();
    expect(verifiedHtml).toMatch(/<html[^>]*lang="es"/);
    expect(verifiedHtml).toContain('Gracias: su solicitud quedó confirmada.');
    expect(verifiedHtml).toContain('Identidad verificada');

    const officer = await signedIn({ role: 'privacy_officer' });
    expect((await staffPost(`/requests/${row.id}/start`, officer.cookie)).status).toBe(200);
    expect(await spanishStatus(code)).toContain('>En trámite<');

    expect((await staffPost(`/requests/${row.id}/extend`, officer.cookie, { days: 30, reason: 'Archived records take longer.' })).status).toBe(200);
    const dueOn = (await env.DB.prepare('SELECT due_on FROM privacy_requests WHERE id = ?1').bind(row.id).first<string>('due_on'))!;
    const extendedHtml = await spanishStatus(code);
    expect(extendedHtml).toContain('>Plazo ampliado<');
    expect(extendedHtml).toContain(es.day(dueOn));
    const extension = (await latestEmail('privacy-request-extended', contact))!;
    expect(extension.subject).toBe('Necesitamos más tiempo para responder a su solicitud de privacidad');
    expect(extension.body_text).toContain(`Le responderemos a más tardar el ${es.day(dueOn)} (la fecha anterior era el ${es.day(row.due_on)}).`);
    expect(extension.body_text).toContain('Motivo: Archived records take longer.');
    expect(linkCodeFrom(extension.body_text, '/es/privacy/request/status/')).toBe(code);

    expect((await staffPost(`/requests/${row.id}/fulfil`, officer.cookie)).status).toBe(200);
    const done = await spanishStatus(code);
    expect(done).toContain('>Terminada<');
    expect(done).toContain('<h2>Nuestra respuesta</h2><p>Su información está lista.');
    const pkg = (await latestEmail('privacy-request-package', c.email))!;
    expect(pkg.subject).toBe('Su información personal de Alder Creek Water & Power');
    expect(pkg.body_text).toContain('El enlace funciona durante 7 días.');
    const packageCode = linkCodeFrom(pkg.body_text, '/es/privacy/request/package/');
    // The readable copy opened from the Spanish download page is in Spanish; the map's English words are marked as such.
    const readable = await postFormFrom('/es/privacy/request/package/', '/api/requests/package', { code: packageCode, format: 'html' });
    expect(readable.status).toBe(200);
    const copy = await readable.text();
    expect(copy).toMatch(/^<!doctype html><html lang="es">/);
    expect(copy).toContain('<h1>Su información personal que tiene Alder Creek Water &amp; Power</h1>');
    expect(copy).toContain('<dt>De dónde viene</dt><dd lang="en">');
    expect(copy).not.toContain('Where it comes from');
  });

  it('shows a refusal in Spanish and mails it in Spanish, after telling the officer the request is Spanish', async () => {
    const c = await customer();
    const { html, row, contact } = await fileFrom('/es/privacy/request/', c);
    const verifyCode = linkCodeFrom((await latestEmail('privacy-request-verify', c.email))!.body_text, '/es/privacy/request/verify/');
    await postFormFrom('/es/privacy/request/verify/', '/api/requests/verify', { code: verifyCode });
    const officer = await signedIn({ role: 'privacy_officer' });
    // The officer's page stays English, and says the reason will reach the requester in Spanish.
    const detail = await (await portal(`/staff/request/?id=${row.id}`, { headers: { Cookie: officer.cookie } })).text();
    expect(detail).toMatch(/<html[^>]*lang="en"/);
    expect(detail).toContain('Spanish: mail to the requester and the status page are in Spanish');
    expect((await staffPost(`/requests/${row.id}/refuse`, officer.cookie, { reason: 'El número de cuenta no es de la persona que firmó.' })).status).toBe(200);
    const refused = await spanishStatus(statusCodeIn(html));
    expect(refused).toContain('>Rechazada<');
    expect(refused).toContain('No pudimos atender esta solicitud. El número de cuenta no es de la persona que firmó.');
    const mail = (await latestEmail('privacy-request-refused', contact))!;
    expect(mail.subject).toBe('Nuestra respuesta a su solicitud de privacidad');
    expect(mail.body_text).toContain('Siga su solicitud aquí:');
    expect(mail.body_text).toContain('Agencia de Protección de la Privacidad de California');
  });

  it('records a Spanish opt-out and mails its answer in Spanish; the English page marks that answer as Spanish', async () => {
    const c = await customer();
    const { html, row } = await fileFrom('/es/privacy/request/', c, { type: 'opt_out', optOutSaleSharing: 'on' });
    const code = statusCodeIn(html);
    expect(await spanishStatus(code)).toContain('>Identidad verificada<');
    const officer = await signedIn({ role: 'privacy_officer' });
    await staffPost(`/requests/${row.id}/start`, officer.cookie);
    expect((await staffPost(`/requests/${row.id}/fulfil`, officer.cookie)).status).toBe(200);
    const mail = (await latestEmail('privacy-request-opt-out', c.email))!;
    expect(mail.subject).toBe('Anotamos sus decisiones de privacidad');
    expect(mail.body_text).toContain('Anotamos su decisión: no vender ni compartir su información personal.');
    const english = await (await postFormFrom('/privacy/request/status/', '/privacy/request/status/', { code })).text();
    expect(english).toContain('>Completed<');
    expect(english).toContain('<p lang="es">Anotamos su decisión');
  });
});

describe('a refused filing from the Spanish form', () => {
  it('goes back to the Spanish form, which names the fields in Spanish, and writes nothing', async () => {
    const { formToken } = await formPage('/es/privacy/request/');
    const before = await env.DB.prepare('SELECT count(*) AS n FROM privacy_requests').first<number>('n');
    const res = await postFormFrom('/es/privacy/request/', '/api/requests', { formToken, type: 'know', submittedBy: 'agent', fullName: 'Vera Sato', email: 'no-es-un-correo', declarationName: 'Vera Sato', declarationTrue: 'on' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!, ORIGIN);
    expect(location.pathname).toBe('/es/privacy/request/');
    expect(location.searchParams.getAll('field')).toEqual(expect.arrayContaining(['email', 'agentName', 'agentEmail']));
    const page = await (await portal(`${location.pathname}${location.search}`)).text();
    expect(page).toMatch(/<html[^>]*lang="es"/);
    expect(page).toContain('<h2>Hay un problema</h2><p>Revise algunas respuestas.</p>');
    expect(page).toContain('<a href="#email">Escriba un correo electrónico donde podamos comunicarnos con usted.</a>');
    expect(page).toContain('Escriba el nombre completo del representante.');
    expect(page).not.toContain('There is a problem');
    expect(await env.DB.prepare('SELECT count(*) AS n FROM privacy_requests').first<number>('n')).toBe(before);
    // Not even the form token was used up: the corrected form goes through with it.
    const c = await customer();
    const again = await postFormFrom('/es/privacy/request/', '/api/requests', { formToken, ...formFields(c) });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Recibimos su solicitud.');
  });

  it('says why a confirmation link was refused in Spanish', async () => {
    const res = await postFormFrom('/es/privacy/request/verify/', '/api/requests/verify', { code: 'req-nothing.abc.123.def' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toBe('/es/privacy/request/verify/?error=verify_invalid#problems');
    expect(await (await portal(location.split('#')[0]!)).text()).toContain('Este enlace de confirmación no es válido.');
  });

  it('has a Spanish message for every code and field the English pages have', () => {
    const spanish = requestProblemsIn('es');
    for (const page of ['request', 'verify', 'package'] as const) {
      expect(Object.keys(spanish[page].errors).sort(), page).toEqual(Object.keys(requestPageProblems[page].errors).sort());
      expect(Object.keys(spanish[page].fields).sort(), page).toEqual(Object.keys(requestPageProblems[page].fields).sort());
    }
  });
});

describe('the Spanish privacy choices page', () => {
  const cookieFor = async (overrides: Partial<ConsentState> = {}) => {
    const state: ConsentState = {
      consentId: `test${crypto.randomUUID().replaceAll('-', '')}`,
      policyVersion: COOKIE_POLICY_VERSION,
      preferences: false,
      analytics: true,
      gpc: false,
      method: 'settings',
      givenAt: Math.floor(Date.parse('2026-11-20T18:00:00Z') / 1000),
      ...overrides,
    };
    return `__Host-consent=${await encodeConsentCookie(state, env.LINK_SIGNING_SECRET)}`;
  };

  it('says in Spanish that no choice is made yet, and whether the browser sends GPC', async () => {
    const html = await (await portal('/es/privacy/choices/')).text();
    expect(html).toMatch(/<html[^>]*lang="es"/);
    expect(html).toContain('<p data-cc-state>Todavía no ha elegido. Mientras no elija, solo usamos las cookies estrictamente necesarias.</p>');
    expect(html).toContain('No detectada: su navegador no envía una señal de Global Privacy Control en esta visita.');
    const gpc = await (await portal('/es/privacy/choices/', { headers: { 'Sec-GPC': '1' } })).text();
    expect(gpc).toContain('Detectada: su navegador envía una señal de Global Privacy Control.');
  });

  it('describes the visitor\'s choice in Spanish, with the date in Spanish', async () => {
    const html = await (await portal('/es/privacy/choices/', { headers: { Cookie: await cookieFor() } })).text();
    expect(html).toContain('El 20 de noviembre de 2026 permitió: Estadísticas (solo propias), además de las cookies estrictamente necesarias.');
    expect(html).toMatch(/<input[^>]*name="analytics"[^>]*checked/);
    const none = await (await portal('/es/privacy/choices/', { headers: { Cookie: await cookieFor({ analytics: false }) } })).text();
    expect(none).toContain('El 20 de noviembre de 2026 eligió solo las cookies estrictamente necesarias.');
  });

  it('comes back to the Spanish page after a choice, and confirms it in Spanish', async () => {
    const res = await postFormFrom('/es/privacy/choices/', '/api/consent', { method: 'settings', choice: 'reject_all', return: '/es/privacy/choices/' }, { Origin: ORIGIN, 'CF-Connecting-IP': newClientIp() });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/es/privacy/choices/?consent=saved#cookies');
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
    const html = await (await portal('/es/privacy/choices/?consent=saved', { headers: { Cookie: cookie } })).text();
    expect(html).toMatch(/<p class="cc-flash" role="status" data-cc-flash>Guardamos sus opciones de cookies.<\/p>/);
    const withdrawn = await postFormFrom('/es/privacy/choices/', '/api/consent/withdraw', { return: '/es/privacy/choices/' }, { Origin: ORIGIN, Cookie: cookie, 'CF-Connecting-IP': newClientIp() });
    expect(withdrawn.headers.get('location')).toBe('/es/privacy/choices/?consent=withdrawn#cookies');
    const after = await (await portal('/es/privacy/choices/?consent=withdrawn', { headers: { Cookie: cookie } })).text();
    expect(after).toContain('Retiró su consentimiento: solo usamos las cookies estrictamente necesarias');
  });
});
