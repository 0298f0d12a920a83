/**
 * The public forms in Spanish: paying without signing in (/es/pay/, its confirmation and return
 * pages) and starting service (/es/services/start/). Each Spanish page is served at its own path,
 * its messages after a redirect are Spanish, a start request from it is kept in Spanish and its
 * e-mails follow, and payment notices go in each recipient login's language.
 */
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { logins, serviceRequests } from '../../db/schema';
import { noticeStatement, paymentNotices } from '../../worker/payments/mails';
import { addDays, localDay } from '../../worker/usage/time';
import { ORIGIN, get, givenProvableAccount, mailsTo, postForm, uniqueEmail } from './support/accounts';
import { givenHousehold } from './support/delivery-fixtures';
import { db, signedIn } from './support/sign-in';

const inDays = (n: number) => addDays(localDay(Date.now(), 'America/Los_Angeles'), n);
let ips = 0;
const freshIp = () => `203.0.113.${(ips++ % 200) + 20}`;
const fromPage = (path: string) => ({ Referer: `${ORIGIN}${path}` });
const langOf = (html: string) => /<html[^>]*\blang="([^"]+)"/.exec(html)?.[1];
const messageOf = (html: string) => /data-message[^>]*>([^<]*)</.exec(html)?.[1] ?? '';

describe('the Spanish pay pages', () => {
  it('serve the look-up and return pages in Spanish at their own paths, and send the confirmation reached directly back to the Spanish look-up', async () => {
    for (const path of ['/es/pay/', '/es/pay/return/']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(langOf(html)).toBe('es');
    }
    expect(await (await get('/es/pay/')).text()).toContain('Pagar sin iniciar sesión');
    const confirm = await get('/es/pay/confirm/');
    expect(confirm.status).toBe(303);
    expect(confirm.headers.get('Location')).toBe('/es/pay/');
    expect(langOf(await (await get('/pay/')).text())).toBe('en');
  });

  it('answer a plain-form look-up from the Spanish page with the Spanish confirmation page, amount and bounds', async () => {
    const account = await givenProvableAccount();
    const res = await postForm('/api/payments/guest/lookup', { accountNumber: account.accountNumber, serviceZip: account.zip }, { ip: freshIp(), headers: fromPage('/es/pay/') });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Language')).toBe('es');
    const html = await res.text();
    expect(langOf(html)).toBe('es');
    expect(html).toContain('Importe pendiente ahora:');
    expect(html).toContain('$164.17');
    expect(html).toMatch(/data-fill="bounds"[^>]*>De \$[\d,.]+ a \$[\d,.]+\.</);
    expect(html).toContain(`value="${account.accountNumber}"`);

    const english = await postForm('/api/payments/guest/lookup', { accountNumber: account.accountNumber, serviceZip: account.zip }, { ip: freshIp(), headers: fromPage('/pay/') });
    const englishHtml = await english.text();
    expect(langOf(englishHtml)).toBe('en');
    expect(englishHtml).toMatch(/data-fill="bounds"[^>]*>From \$[\d,.]+ to \$[\d,.]+\.</);
  });

  it('send a refused plain-form look-up back to the Spanish page, which says why in Spanish', async () => {
    const res = await postForm('/api/payments/guest/lookup', { accountNumber: '0000000000', serviceZip: '00000' }, { ip: freshIp(), headers: fromPage('/es/pay/') });
    expect(res.status).toBe(303);
    const location = res.headers.get('Location')!;
    expect(location).toMatch(/^\/es\/pay\/\?error=account_not_matched/);
    const page = await (await get(location)).text();
    expect(messageOf(page)).toBe('No encontramos ninguna cuenta con ese número de cuenta y ese código postal del servicio. Revise los dos e inténtelo de nuevo.');
    expect(messageOf(await (await get('/pay/?error=account_not_matched')).text())).toBe(
      'We could not find an account with that account number and service ZIP code. Check both and try again.',
    );
    expect(messageOf(await (await get('/es/pay/?error=invalid_request&field=amount')).text())).toBe('Faltan algunos datos o no son válidos. Revíselos e inténtelo de nuevo. Revise: Importe.');
  });
});

describe('payment notices', () => {
  it("go to each recipient in their login's language", async () => {
    const spanish = await givenHousehold();
    await db().update(logins).set({ locale: 'es' }).where(eq(logins.id, spanish.holder.id));
    const english = await givenHousehold();
    for (const h of [spanish, english]) {
      await noticeStatement(env.DB, h.accountId, null, paymentNotices.paymentReceived({ accountNumber: '1234567890', amountCents: 6418, paidAt: new Date('2026-11-27T18:00:00Z'), reference: 'pi_test', origin: ORIGIN })).run();
    }
    const [es] = await mailsTo(spanish.holder.email, 'payment-received');
    expect(es!.subject).toBe('Recibimos su pago a Alder Creek');
    expect(es!.bodyText).toContain('confirmó un pago de $64.18');
    expect(es!.bodyText).toContain('27 de noviembre de 2026');
    const [en] = await mailsTo(english.holder.email, 'payment-received');
    expect(en!.subject).toBe('We received your Alder Creek payment');
    expect(en!.bodyText).toContain('confirmed a payment of $64.18');
  });
});

describe('the Spanish start-service page', () => {
  const start = (email: string, page: string, ip = freshIp()) =>
    postForm(
      '/api/services/start',
      { contactName: 'Rocío Recién', contactEmail: email, contactPhone: '(209) 555-0188', newStreet: '3 Fern Court', newCity: 'Alder Creek', newPostalCode: '95990', startOn: inDays(14) },
      { ip, headers: fromPage(page) },
    );

  it('is served in Spanish at its own path', async () => {
    const html = await (await get('/es/services/start/')).text();
    expect(langOf(html)).toBe('es');
    expect(html).toContain('Iniciar el servicio');
    expect(html).toContain('action="/api/services/start"');
  });

  it('keeps a request sent from it in Spanish: back on the Spanish page with a Spanish receipt, and Spanish mail to the end', async () => {
    const email = uniqueEmail('nuevo');
    const res = await start(email, '/es/services/start/');
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/es/services/start/?status=start-requested');
    expect(messageOf(await (await get(res.headers.get('Location')!)).text())).toBe(
      'Recibimos su solicitud para iniciar el servicio. El personal le llamará o le escribirá para confirmar quién es usted.',
    );
    const [row] = await db().select().from(serviceRequests).where(eq(serviceRequests.contactEmail, email));
    expect(row!.locale).toBe('es');
    const [received] = await mailsTo(email, 'service-request-received');
    expect(received!.subject).toBe('Recibimos su solicitud para iniciar el servicio');
    expect(received!.bodyText).toContain('Primer día en 3 Fern Court:');

    const support = await signedIn({ role: 'support' });
    expect((await postForm('/api/staff/services/refuse', { request: row!.id, reason: 'No damos servicio en esa calle.' }, { cookie: support.cookie })).status).toBe(303);
    const [refused] = await mailsTo(email, 'service-request-refused');
    expect(refused!.subject).toBe('No pudimos atender su solicitud para iniciar el servicio');
    expect(refused!.bodyText).toContain('El motivo: No damos servicio en esa calle.');
  });

  it('keeps a request sent from the English page in English', async () => {
    const email = uniqueEmail('newcomer');
    const res = await start(email, '/services/start/');
    expect(res.headers.get('Location')).toBe('/services/start/?status=start-requested');
    const [row] = await db().select().from(serviceRequests).where(eq(serviceRequests.contactEmail, email));
    expect(row!.locale).toBe('en');
    const support = await signedIn({ role: 'support' });
    await postForm('/api/staff/services/confirm', { request: row!.id }, { cookie: support.cookie });
    expect((await mailsTo(email, 'service-request-received'))[0]!.subject).toBe('We received your request to start service');
    expect((await mailsTo(email, 'service-request-confirmed'))[0]!.subject).toBe('Confirmed: your request to start service');
  });

  it('says why a date is refused, in Spanish, back on the Spanish page', async () => {
    const res = await postForm(
      '/api/services/start',
      { contactName: 'Rocío', contactEmail: uniqueEmail('pronto'), contactPhone: '(209) 555-0188', newStreet: '3 Fern Court', newCity: 'Alder Creek', newPostalCode: '95990', startOn: inDays(0) },
      { ip: freshIp(), headers: fromPage('/es/services/start/') },
    );
    const location = res.headers.get('Location')!;
    expect(location).toMatch(/^\/es\/services\/start\/\?error=date_too_soon/);
    expect(messageOf(await (await get(location)).text())).toBe('Elija una fecha a partir de mañana: el servicio de hoy no se puede cambiar en línea.');
  });
});
