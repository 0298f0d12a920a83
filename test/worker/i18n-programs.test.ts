/**
 * Program applications in Spanish (/es/account/programs/…): the list, the form and an application's
 * page filled with the customer's own data in Spanish words (the program's Spanish title, questions
 * and answers from the catalog's `texts.es`, Spanish statuses and dates), refusals of the answers in
 * Spanish (the program's own reason when an answer rules the application out), mail that links the
 * Spanish page; and the authenticator-app and recovery-code pages in Spanish. Real worker, D1 and
 * built site (npm run build first).
 */
import { envOf } from './support/tenants';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { newTotpSecret, totpCode } from '../../worker/auth/totp';
import { spanishMessage } from '../../worker/i18n/api-errors-es';
import { programCatalog } from '../../worker/shared/program-catalog';
import { get, givenLogin, mailsTo, ORIGIN, portal, postForm, postJson } from './support/accounts';
import { pageHtml, signInFully } from './support/second-factor';
import { givenAccount, signedIn } from './support/sign-in';

const htmlLang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const APPLY_PAGE = '/es/account/programs/apply/home-water-checkup/';
const fromPage = (page: string) => ({ Referer: `${ORIGIN}${page}` });
/** The text a page shows inside one element, tags dropped. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

async function customerWithAccount() {
  const accountId = await givenAccount();
  const customer = await signedIn({ holderOf: [accountId] });
  return { accountId, customer };
}

/** A check-up application (no documents), sent from the Spanish form by its script. */
async function applyInSpanish(cookie: string, accountId: string, answers: Record<string, string> = { 'last-visit': 'no', 'time-of-day': 'afternoon', sprinklers: 'yes' }) {
  return postJson('/api/programs/applications', { program: 'home-water-checkup', account: accountId, answers }, { cookie, headers: fromPage(APPLY_PAGE) });
}

async function spanishCatalog() {
  const res = await envOf().ASSETS.fetch(new Request(`${ORIGIN}/programs/catalog.json`));
  return new Map(programCatalog.parse(await res.json()).programs.map((p) => [p.id, p]));
}

describe('program applications in Spanish', () => {
  it('takes an application from the Spanish form and sends the customer on to its Spanish page, with mail that links it', async () => {
    const { accountId, customer } = await customerWithAccount();
    await env.DB.prepare("UPDATE logins SET locale = 'es' WHERE id = ?1").bind(customer.loginId).run();
    const res = await applyInSpanish(customer.cookie, accountId);
    expect(res.status).toBe(200);
    const body = await res.json<{ application: string; redirect: string }>();
    expect(body.redirect).toBe(`/es/account/programs/application/?id=${body.application}&status=applied`);
    const email = (await env.DB.prepare('SELECT email FROM logins WHERE id = ?1').bind(customer.loginId).first<{ email: string }>())!.email;
    const [mail] = await mailsTo(email, 'program-application-received');
    expect(mail!.bodyText).toContain(`${env.PORTAL_ORIGIN}/es/account/programs/application/?id=${body.application}`);
  });

  it("lists the customer's applications in Spanish: Spanish title, status and date, links to the Spanish pages", async () => {
    const { accountId, customer } = await customerWithAccount();
    const id = (await (await applyInSpanish(customer.cookie, accountId)).json<{ application: string }>()).application;
    const res = await get('/es/account/programs/', { cookie: customer.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const html = await res.text();
    expect(htmlLang(html)).toBe('es');
    expect(html).toContain('<h1>Sus programas y reembolsos</h1>');
    expect(html).toContain('<caption>Las más recientes primero</caption>');
    expect(html).toContain(`<a href="/es/account/programs/application/?id=${id}">Revisión gratuita del agua en su casa</a>`);
    expect(html).toContain('Enviada: la estamos revisando');
    expect(html).toMatch(/<time datetime="[^"]+">\d{1,2} \w+ \d{4}/);
    expect(html).toContain('href="/es/account/programs/apply/turf-replacement/"');
    for (const english of ['Newest first', 'Submitted', 'No applications yet', 'Free home water check-up']) expect(html).not.toContain(english);
    // The English page shows the same application in English.
    const en = await (await get('/account/programs/', { cookie: customer.cookie })).text();
    expect(en).toContain(`<a href="/account/programs/application/?id=${id}">Free home water check-up</a>`);
    expect(en).toContain('Submitted: we are checking it');
  });

  it("shows one application in Spanish: the program's Spanish questions and the answers in Spanish words, its history, and the form to answer", async () => {
    const { accountId, customer } = await customerWithAccount();
    const toilet = await postJson(
      '/api/programs/applications',
      { program: 'efficient-toilet', account: accountId, answers: { 'old-toilet-flush': 'unknown', watersense: 'yes', toilets: '2', 'installed-on': daysAgo(10) } },
      { cookie: customer.cookie },
    );
    // The toilet rebate needs its receipt: an application without one is refused.
    expect(toilet.status).toBe(422);
    const id = (await (await applyInSpanish(customer.cookie, accountId)).json<{ application: string }>()).application;
    const staff = await signedIn({ role: 'programs' });
    expect((await postJson(`/api/staff/programs/${id}/need-info`, { note: 'Díganos un número de teléfono.' }, { cookie: staff.cookie })).status).toBe(200);

    const html = await pageHtml(`/es/account/programs/application/?id=${id}`, customer.cookie);
    expect(htmlLang(html)).toBe('es');
    expect(html).toContain('<h1 data-fill="title">Revisión gratuita del agua en su casa</h1>');
    const text = textOf(html);
    expect(text).toContain('Estado Necesitamos más información de usted');
    expect(text).toContain('Lo que necesitamos Díganos un número de teléfono.');
    expect(text).toContain('Sus respuestas');
    expect(text).toContain('¿Se hizo una revisión en esta dirección en los últimos 3 años? No');
    expect(text).toContain('¿Cuándo prefiere la visita? Una tarde de lunes a viernes');
    expect(text).toContain('¿Hay un sistema de riego automático para revisar? Sí');
    expect(text).toMatch(/Historial Enviada: la estamos revisando · Usted · \d/);
    expect(text).toContain('Necesitamos más información de usted · Equipo del programa');
    expect(html).toContain('<h2 id="respond-title">Envíe lo que le pedimos</h2>');
    expect(html).toContain(`action="/api/programs/applications/${id}/respond"`);
    for (const english of ['Your answers', 'History', 'A weekday afternoon', 'Program team', 'What we need']) expect(html).not.toContain(english);

    // Staff read the answers as they were stored, in English.
    const staffPage = await pageHtml(`/staff/programs/application/?id=${id}`, staff.cookie);
    expect(textOf(staffPage)).toContain('When would you like the visit? A weekday afternoon');
  });

  it('offers the Spanish form with the accounts the login may apply for, and says so when there is none', async () => {
    const { customer } = await customerWithAccount();
    const html = await pageHtml('/es/account/programs/apply/efficient-toilet/', customer.cookie);
    expect(htmlLang(html)).toBe('es');
    expect(html).toMatch(/<option value="[^"]+">Cuenta [^<]+<\/option>/);
    expect(html).toContain('<legend>¿Cuánta agua usaba el inodoro viejo en cada descarga?</legend>');
    const nobody = await signedIn();
    expect(textOf(await pageHtml('/es/account/programs/apply/efficient-toilet/', nobody.cookie))).toContain('Este usuario no tiene ninguna cuenta así.');
  });
});

describe('refusals of a Spanish application', () => {
  it("gives the program's own reason in Spanish beside the answer that rules the application out, to the page's script", async () => {
    const { accountId, customer } = await customerWithAccount();
    const res = await applyInSpanish(customer.cookie, accountId, { 'last-visit': 'yes', 'time-of-day': 'morning', sprinklers: 'no' });
    expect(res.status).toBe(422);
    const { error } = await res.json<{ error: { code: string; message: string; fields: { field: string; message: string }[] } }>();
    expect(error.code).toBe('not_eligible');
    expect(error.message).toBe('Según las respuestas, no podemos aceptar esta solicitud.');
    expect(error.fields).toEqual([{ field: 'answers.last-visit', message: 'Cada dirección puede tener una revisión cada 3 años.' }]);
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM program_applications WHERE account_id = ?1').bind(accountId).first<{ n: number }>()).toEqual({ n: 0 });

    // The same answers from the English page: the English reason.
    const en = await postJson('/api/programs/applications', { program: 'home-water-checkup', account: accountId, answers: { 'last-visit': 'yes', 'time-of-day': 'morning', sprinklers: 'no' } }, { cookie: customer.cookie });
    expect((await en.json<{ error: { fields: { message: string }[] } }>()).error.fields[0]!.message).toBe('Each address can have one check-up every 3 years.');
  });

  it('sends a plain form back to the Spanish form, which says why in Spanish beside the question', async () => {
    const { accountId, customer } = await customerWithAccount();
    const res = await postForm(
      '/api/programs/applications',
      { program: 'home-water-checkup', account: accountId, 'answers.last-visit': 'yes', 'answers.time-of-day': 'morning', 'answers.sprinklers': 'no' },
      { cookie: customer.cookie, headers: fromPage(APPLY_PAGE) },
    );
    expect(res.status).toBe(303);
    const location = res.headers.get('Location')!;
    expect(location).toBe(`${APPLY_PAGE}?error=not_eligible&field=answers.last-visit`);
    const html = await pageHtml(location, customer.cookie);
    expect(html).toContain('Según sus respuestas, no podemos aceptar esta solicitud. El motivo aparece junto a cada respuesta. Revise: ¿Se hizo una revisión en esta dirección en los últimos 3 años?');
    expect(html).toMatch(/data-field-error="answers.last-visit"[^>]*>Cada dirección puede tener una revisión cada 3 años\.<\/p>/);
  });

  it('answers every refusal of the answers in Spanish, naming each field, and writes nothing', async () => {
    const { accountId, customer } = await customerWithAccount();
    const bad = { 'last-visit': 'maybe', 'time-of-day': 'midnight', 'not-asked': 'x' };
    const res = await applyInSpanish(customer.cookie, accountId, bad);
    expect(res.status).toBe(422);
    const { error } = await res.json<{ error: { code: string; message: string; fields: { field: string; message: string }[] } }>();
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('La solicitud tiene datos que faltan o no son válidos.');
    expect(error.fields.map((f) => f.field).sort()).toEqual(['answers.last-visit', 'answers.not-asked', 'answers.sprinklers', 'answers.time-of-day']);
    const byField = Object.fromEntries(error.fields.map((f) => [f.field, f.message]));
    expect(byField['answers.sprinklers']).toBe('es obligatorio');
    expect(byField['answers.not-asked']).toBe('no es una pregunta de este programa');
    expect(byField['answers.last-visit']).toBe('debe ser sí o no');
    expect(byField['answers.time-of-day']).toBe('debe ser una de las opciones ofrecidas');
    const english = /\b(the|must|is|be|of|one|choices|yes)\b/i;
    for (const message of Object.values(byField)) expect(message).not.toMatch(english);
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM program_applications WHERE account_id = ?1').bind(accountId).first<{ n: number }>()).toEqual({ n: 0 });
  });

  it("has the program's reasons in Spanish in the catalog for every question that has one", async () => {
    for (const program of (await spanishCatalog()).values()) {
      for (const q of program.application.questions) {
        if (!('ineligible' in q) || !q.ineligible) continue;
        const spanish = program.texts.es?.questions[q.id]?.ineligible;
        expect(spanish, `${program.id}/${q.id}`).toBeTruthy();
        expect(spanish).not.toBe(q.ineligible);
        // A reason is the program's words, not a sentence the general error table could know.
        expect(spanishMessage(q.ineligible)).toBeUndefined();
      }
    }
  });
});

describe('the authenticator app and recovery codes in Spanish', () => {
  it('walks the authenticator set-up in Spanish: the QR code described in Spanish, the end of the set-up a Spanish date', async () => {
    const who = await givenLogin();
    const { cookie } = await signInFully(who);
    const start = await postJson('/api/accounts/totp/start', {}, { cookie, headers: fromPage('/es/account/security/totp/') });
    expect(start.status).toBe(200);
    const html = await pageHtml('/es/account/security/totp/', cookie);
    expect(htmlLang(html)).toBe('es');
    expect(html).toContain('<h1>Aplicación de autenticación</h1>');
    expect(html).toContain('Código QR para configurar');
    expect(html).toMatch(/Esta configuración vence <span data-fill="totp-expires">el <time datetime="[^"]+">\d{1,2} \w+ \d{4}/);
    expect(html).not.toContain('data-state="start"');
    expect(html).not.toContain('QR code for setting up');
    const key = /<code class="secret"[^>]*>([A-Z2-7 ]+)<\/code>/.exec(html)![1]!.replace(/ /g, '');
    const confirm = await postJson('/api/accounts/totp/confirm', { code: await totpCode(key, new Date()) }, { cookie, headers: fromPage('/es/account/security/totp/') });
    expect(confirm.status).toBe(200);
    expect((await confirm.json<{ redirect: string }>()).redirect).toBe('/es/account/security/recovery-codes/?status=totp-enabled');
    const enabled = await pageHtml('/es/account/security/totp/', cookie);
    expect(enabled).toContain('Su aplicación de autenticación está configurada');
    expect(enabled).toContain('<a href="/es/account/security/recovery-codes/">Sus códigos de recuperación</a>');
  });

  it('makes recovery codes from the Spanish page and shows them on it, in Spanish, once; then counts them in Spanish', async () => {
    const totpSecret = newTotpSecret();
    const who = await givenLogin({ totpSecret });
    const { cookie } = await signInFully({ ...who, totpSecret });
    const res = await postForm('/api/accounts/recovery-codes', {}, { cookie, headers: fromPage('/es/account/security/recovery-codes/') });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(htmlLang(page)).toBe('es');
    expect(page).toContain('Sus nuevos códigos de recuperación están abajo. Los códigos anteriores ya no sirven.');
    expect([...page.matchAll(/<li><code>[0-9A-Z-]+<\/code><\/li>/g)]).toHaveLength(10);
    const later = await pageHtml('/es/account/security/recovery-codes/', cookie);
    expect(later).toMatch(/10 de 10 códigos sin usar; los creó el <time datetime="[^"]+">\d{1,2} \w+ \d{4}/);
    expect(later).not.toContain('codes are unused');
  });

  it('links the Spanish twins from the Spanish security page, without saying they are in English', async () => {
    const who = await givenLogin();
    const { cookie } = await signInFully(who);
    const html = await pageHtml('/es/account/security/', cookie);
    expect(html).toContain('href="/es/account/security/totp/"');
    expect(html).toContain('href="/es/account/security/recovery-codes/"');
    expect(html).not.toMatch(/href="\/account\/security\/(totp|recovery-codes)\/"/);
  });

  it('sends an anonymous visitor of the Spanish pages to the Spanish sign-in', async () => {
    for (const path of ['/es/account/security/totp/', '/es/account/security/recovery-codes/', '/es/account/programs/', APPLY_PAGE, '/es/account/programs/application/?id=x']) {
      const res = await portal(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('Location'), path).toMatch(/^\/es\/login\/\?error=unauthenticated/);
    }
  });
});
