/**
 * The signed-in account home, usage and alert pages in Spanish (/es/account/…), with the
 * customer's own data, through the real worker, D1 and built site; the refusals the same as in
 * English; and alert mail and texts in each recipient's language (a login's, or the recipient's
 * own), within the segments an English text may take.
 */
import { envOf } from './support/tenants';
import { eq } from 'drizzle-orm';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { alertRecipients, logins } from '../../db/schema';
import { alertTypes } from '../../db/schema/alerts';
import { deliverNotice, smsBody } from '../../worker/alerts/delivery/deliver-notice';
import { deliverQueuedSms } from '../../worker/alerts/delivery/sms-outbox';
import { gsm7Segments, toGsm7 } from '../../worker/alerts/delivery/sms/gsm7';
import { pagePathIn } from '../../worker/i18n/locale';
import { linksIn } from '../../worker/i18n/page-links';
import { spanishTwins } from '../../worker/i18n/twins';
import { daysAgo, givenAlert } from './support/alert-fixtures';
import { ORIGIN, get, postForm } from './support/accounts';
import { freshPhone, givenHousehold, givenNotice, givenRecipient, mailsTo, phoneInbox, textsTo, withoutQuietHours } from './support/delivery-fixtures';
import { givenBilledAccount } from './support/billing-fixtures';
import { db, givenAccount, signedIn } from './support/sign-in';
import { givenIngestClient, givenMeter, givenReads } from './support/usage-fixtures';

const twins = () => spanishTwins(envOf().ASSETS, ORIGIN);
/** 2026-10-03 14:00 in Alder Creek: outside quiet hours. */
const afternoon = new Date('2026-10-03T21:00:00Z');
const deps = async (now: Date) => ({ db: db(), secret: env.LINK_SIGNING_SECRET, origin: env.PORTAL_ORIGIN, now });

const htmlLang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];
/** Links in a Spanish page to English account pages (the language switcher aside): each must say it goes to English. */
const unmarkedEnglishLinks = (html: string) =>
  [...html.matchAll(/<a href="(\/account\/[^"]*)"([^>]*)>[^<]*<\/a>( <span class="lang-note">\(en inglés\)<\/span>)?/g)]
    .filter((m) => !m[2]!.includes('data-lang-switch'))
    .filter((m) => !m[2]!.includes('hreflang="en"') || !m[3])
    .map((m) => m[1]);

async function customerWithEverything() {
  const client = await givenIngestClient();
  const accountId = await givenAccount();
  await givenBilledAccount(client, accountId);
  const meter = await givenMeter({ accountId });
  const holder = await signedIn({ holderOf: [accountId] });
  const alert = await givenAlert({ accountId, meterId: meter.meterId, firstDay: daysAgo(2), lastDay: daysAgo(1) });
  await givenReads(meter, [daysAgo(3), daysAgo(2), daysAgo(1)], () => 3);
  return { accountId, meter, holder, alert };
}

describe('the account home in Spanish', () => {
  it("shows the customer's accounts, meters, bill, balance and alerts in Spanish, with Spanish dates and money", async () => {
    const { holder } = await customerWithEverything();
    const res = await get('/es/account/', { cookie: holder.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const html = await res.text();
    expect(htmlLang(html)).toBe('es');
    expect(html).toContain('<h1>Su cuenta</h1>');
    expect(html).toContain('Usted es titular de esta cuenta.');
    expect(html).toContain('Dirección de servicio');
    expect(html).toMatch(/Medidor de agua …\S{4}, con lectura cada 60 minutos \(gal\)/);
    expect(html).toContain('Facturas y pagos');
    expect(html).toMatch(/<span class="balance-label">Saldo<\/span> <strong class="balance-amount">\$[\d,]+\.\d\d<\/strong>/);
    expect(html).toMatch(/emitida el <time datetime="2026-\d\d-\d\d">\d{1,2} de \w+ de 2026<\/time>/);
    expect(html).toContain('<strong>Una alerta abierta</strong> espera su respuesta o atención.');
    expect(html).toContain('href="/es/account/alerts/"');
    expect(html).toContain('<a href="/es/account/usage/"');
    // The language form shows the login's saved language (English until chosen).
    expect(html).toMatch(/<input type="radio" id="locale-en"[^>]*checked/);
    // No English words from the worker, and every link to a page not yet in Spanish says so.
    for (const english of ['Service address', 'You hold this account', 'Bills and payments', 'open alert', 'Last bill']) expect(html).not.toContain(english);
    expect(unmarkedEnglishLinks(html)).toEqual([]);
  });

  it('shows the same data in English on the English page', async () => {
    const { holder } = await customerWithEverything();
    const html = await (await get('/account/', { cookie: holder.cookie })).text();
    expect(htmlLang(html)).toBe('en');
    expect(html).toContain('You hold this account.');
    expect(html).toContain('Bills and payments');
    expect(html).toContain('One open alert');
    expect(html).toContain('href="/account/alerts/"');
    expect(html).not.toContain('(en inglés)');
  });
});

describe('the alert pages in Spanish', () => {
  it('lists, shows and sets alerts in Spanish, linking to the Spanish pages', async () => {
    const { accountId, holder, alert } = await customerWithEverything();
    const list = await (await get('/es/account/alerts/', { cookie: holder.cookie })).text();
    expect(htmlLang(list)).toBe('es');
    expect(list).toContain('Alertas abiertas (1)');
    expect(list).toContain(`href="/es/account/alerts/alert/?id=${alert.id}"`);
    expect(list).toContain('El agua lleva horas corriendo sin parar');
    expect(list).toContain('Todavía sin respuesta');
    expect(list).toContain('No hay alertas anteriores.');

    const detail = await (await get(`/es/account/alerts/alert/?id=${alert.id}`, { cookie: holder.cookie })).text();
    expect(htmlLang(detail)).toBe('es');
    expect(detail).toContain('<h1 data-fill="title">El agua lleva horas corriendo sin parar</h1>');
    expect(detail).toMatch(/Su medidor registró agua corriendo cada hora desde el \p{L}+, \d{1,2} de \p{L}+, 12:00 a\.m\.: 30 horas sin parar, nunca menos de 2\.5 galones por hora\./u);
    expect(detail).toMatch(/<title id="alert-chart-title">Consumo por hora del \d{1,2} de \w+ de \d{4} al/);
    expect(detail).toContain('¿Qué encontró?');
    expect(detail).toContain('Encontré la causa y la arreglé');
    expect(detail).toContain('<option value="toilet_repair">');
    expect(detail).toContain('<a href="/es/account/usage/">Ver todo su consumo</a>');
    expect(detail).toContain('<a href="/es/help/leaks-and-alerts/#what-to-do">');
    expect(unmarkedEnglishLinks(detail)).toEqual([]);

    const settings = await (await get(`/es/account/alerts/settings/?account=${accountId}`, { cookie: holder.cookie })).text();
    expect(settings).toContain('Límite por día, en galones');
    expect(settings).toContain('Nuestra configuración (24 horas)');
    expect(settings).toContain('Guardar la configuración de alertas de agua');
  });

  it('answers a plain form from a Spanish page back on the Spanish page, with its message in Spanish', async () => {
    const { holder, alert } = await customerWithEverything();
    const res = await postForm(`/api/alerts/${alert.id}/answer`, { answer: 'fixed' }, { cookie: holder.cookie, headers: { Referer: `${ORIGIN}/es/account/alerts/alert/?id=${alert.id}` } });
    expect(res.status).toBe(303);
    const location = res.headers.get('Location')!;
    expect(location).toBe(`/es/account/alerts/alert/?id=${encodeURIComponent(alert.id)}&status=answered`);
    const page = await (await get(location, { cookie: holder.cookie })).text();
    expect(page).toContain('Gracias. Guardamos su respuesta con la fecha y la hora.');
    expect(page).toContain('<strong>Arreglado</strong>');
  });
});

describe('refusals are the same in Spanish', () => {
  it('sends an anonymous visitor to the sign-in page from every Spanish signed-in page, as from the English one', async () => {
    const set = await twins();
    for (const path of ['/account/', '/account/alerts/', '/account/alerts/alert/?id=x', '/account/alerts/settings/']) {
      const english = await get(path);
      const spanish = await get(`/es${path}`);
      expect([english.status, spanish.status]).toEqual([303, 303]);
      expect(english.headers.get('Location')).toBe('/login/?error=unauthenticated');
      expect(spanish.headers.get('Location')).toBe(pagePathIn('es', '/login/?error=unauthenticated', set));
    }
    // The usage page is static in both languages; its data needs a session either way.
    expect((await get('/es/account/usage/')).status).toBe(200);
    expect((await get('/api/usage/meters', { headers: { Referer: `${ORIGIN}/es/account/usage/` } })).status).toBe(401);
  });

  it("sends someone else's alert back to the Spanish list, as for one that does not exist", async () => {
    const { alert } = await customerWithEverything();
    const stranger = await signedIn({ holderOf: [await givenAccount()] });
    const res = await get(`/es/account/alerts/alert/?id=${alert.id}`, { cookie: stranger.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/es/account/alerts/?error=not_found');
    const english = await get(`/account/alerts/alert/?id=${alert.id}`, { cookie: stranger.cookie });
    expect(english.headers.get('Location')).toBe('/account/alerts/?error=not_found');
    const list = await (await get('/es/account/alerts/?error=not_found', { cookie: stranger.cookie })).text();
    expect(list).toContain('No encontramos esa alerta o esa cuenta.');
  });
});

describe('usage in Spanish', () => {
  it('serves the Spanish usage page, and the API writes its note in the language of the page that asked', async () => {
    const page = await (await get('/es/account/usage/')).text();
    expect(htmlLang(page)).toBe('es');
    expect(page).toContain('<h1>Su consumo</h1>');
    expect(page).toContain('data-sign-in-link="inicie sesión"');

    const { meter, holder } = await customerWithEverything();
    const q = `from=${daysAgo(3)}&to=${daysAgo(1)}&resolution=hour`;
    const ask = (referer: string) => get(`/api/usage/meters/${meter.meterId}/series?${q}`, { cookie: holder.cookie, headers: { Referer: `${ORIGIN}${referer}` } });
    const es = await (await ask('/es/account/usage/')).json<{ similarHomes: { note: string } }>();
    const en = await (await ask('/account/usage/')).json<{ similarHomes: { note: string } }>();
    expect(es.similarHomes.note).toBe('Los hogares parecidos se comparan por día; elija por día, por mes o por período de facturación para verlos.');
    expect(en.similarHomes.note).toBe('Similar homes are compared by day; choose day, month or billing period to see them.');
  });
});

describe('alert mail and texts in the recipient language', () => {
  it("writes to a Spanish login in Spanish, with Spanish links, and to an English one in English", async () => {
    const h = await givenHousehold();
    await db().update(logins).set({ locale: 'es' }).where(eq(logins.id, h.holder.id));
    await deliverNotice(await deps(afternoon), (await givenNotice(h.meter)).noticeId);
    const [mail] = await mailsTo(h.holder.email);
    expect(mail!.subject).toBe('El agua lleva horas corriendo sin parar');
    expect(mail!.bodyText).toMatch(/^Hola:\n\nSobre 1 Test Street:\nSu medidor registró agua corriendo cada hora desde el jueves, 1 de octubre/);
    expect(mail!.bodyText).toContain(`${env.PORTAL_ORIGIN}/es/account/alerts/`);
    expect(mail!.bodyText).toContain(`${env.PORTAL_ORIGIN}/es/help/leaks-and-alerts/`);
    expect(mail!.bodyText).toContain(`Recibe este mensaje porque ${h.holder.email} tiene activado este tema: alertas de fugas.`);
    expect(mail!.bodyText).toContain('de lunes a viernes');
    expect(mail!.bodyText).not.toMatch(/\b(Hello|See the reads|You get this)\b/);

    const english = await givenHousehold();
    await deliverNotice(await deps(afternoon), (await givenNotice(english.meter)).noticeId);
    const [theirs] = await mailsTo(english.holder.email);
    expect(theirs!.subject).toBe('Water has been running without a break');
    expect(theirs!.bodyText).toMatch(/^Hello,/);
    expect(theirs!.bodyText).toContain(`${env.PORTAL_ORIGIN}/account/alerts/`);
    expect(theirs!.bodyText).not.toContain('/es/');
  });

  it("texts a number added from a Spanish page in Spanish, in the GSM alphabet and no more segments than English, and an English one in English", async () => {
    const h = await givenHousehold();
    await withoutQuietHours(h.accountId);
    const spanishPhone = freshPhone();
    const englishPhone = freshPhone();
    const spanishId = await givenRecipient(h.accountId, { channel: 'sms', address: spanishPhone, name: null, topics: ['high_use_period'] });
    await givenRecipient(h.accountId, { channel: 'sms', address: englishPhone, name: null, topics: ['high_use_period'] });
    await db().update(alertRecipients).set({ locale: 'es' }).where(eq(alertRecipients.id, spanishId));
    await deliverNotice(await deps(afternoon), (await givenNotice(h.meter, { type: 'high_use_period', figures: { basis: 'typical', projectedUse: 9000, typical: 4000, periodEnd: '2026-10-20' } })).noticeId);
    await deliverQueuedSms(env, db(), { now: afternoon });
    const [es] = await phoneInbox(spanishPhone);
    const [en] = await phoneInbox(englishPhone);
    // "período" and "facturación" lose the accents the GSM alphabet lacks; the keyword stays STOP.
    expect(es!.body).toMatch(/^Alder Creek: Consumo alto de agua en este periodo de facturacion en 1 Test Street\. Detalles: .*\/es\/account\/alerts\/ Responda STOP para dejar de recibir textos\.$/);
    expect(en!.body).toMatch(/^Alder Creek: High water use this billing period at 1 Test Street\. Details: .*\/account\/alerts\/ Reply STOP to end texts\.$/);
    expect(gsm7Segments(es!.body)).not.toBeNull();
    expect(gsm7Segments(es!.body)).toBeLessThanOrEqual(2);
    expect((await textsTo(spanishPhone))[0]!.kind).toBe('alert-opened');
  });

  it('remembers the language of the page a recipient was added on, and writes the alert to it in that language', async () => {
    const h = await givenHousehold();
    const address = `familia-${Date.now()}@family.example`;
    const added = await postForm('/api/preferences/recipients', { account: h.accountId, channel: 'email', address, name: 'Lucía', topics: 'continuous_flow' }, { cookie: h.cookie, headers: { Referer: `${ORIGIN}/es/account/preferences/` } });
    expect(added.status).toBe(303);
    const [row] = await db().select().from(alertRecipients).where(eq(alertRecipients.address, address));
    expect(row!.locale).toBe('es');
    await db().update(alertRecipients).set({ status: 'confirmed', confirmedAt: new Date().toISOString() }).where(eq(alertRecipients.id, row!.id));
    await deliverNotice(await deps(afternoon), (await givenNotice(h.meter)).noticeId);
    const [mail] = (await mailsTo(address)).filter((m) => m.kind === 'alert-opened');
    expect(mail!.subject).toBe('El agua lleva horas corriendo sin parar');
    // Someone the holder added: no alert-centre link, the Spanish help page and the way to leave the account.
    expect(mail!.bodyText).toContain('El titular de la cuenta nos pidió que le avisáramos');
    expect(mail!.bodyText).toContain(`${env.PORTAL_ORIGIN}/es/help/leaks-and-alerts/`);
    expect(mail!.bodyText).not.toContain('/account/alerts/');
    expect(mail!.bodyText).toContain('Para no recibir más mensajes sobre esta cuenta en esta dirección, abra:');
  });

  it('keeps every Spanish alert text, of every type and notice, within the two segments English may take', () => {
    const links = linksIn('es', new Set(['/account/alerts/']));
    const street = '12345 West Cottonwood Canyon Boulevard';
    for (const type of alertTypes) {
      for (const kind of ['water', 'electric', 'gas'] as const) {
        for (const notice of ['opened', 'reminder', 'closed'] as const) {
          for (const forLogin of [true, false]) {
            const body = smsBody({ type, meterKind: kind, notice, street }, forLogin, 'https://portal.aldercreek.example', links);
            expect(gsm7Segments(body), body).not.toBeNull();
            expect(gsm7Segments(body)!, body).toBeLessThanOrEqual(2);
          }
        }
      }
    }
  });

  it('keeps the letters Spanish has in the GSM alphabet and drops only the accents it lacks', () => {
    expect(toGsm7('Está aquí: ¿más? ¡Sí! Año, pingüino, café — “sí”')).toBe('Esta aqui: ¿mas? ¡Si! Año, pingüino, café - "si"');
    expect(gsm7Segments('á')).toBeNull();
  });
});
