/**
 * The signed-in billing pages in Spanish (/es/account/bills/…, /es/account/pay/…) with the
 * customer's own bills, payments and rate, through the real worker, D1 and built site: amounts,
 * dates and units written for Spanish readers, the utility's own words marked as English, links
 * kept in Spanish; the refusals the same as in English; and a payment started from a Spanish page
 * (signed in or not) brought back by the processor to the Spanish pages, its notices and the bill-ready e-mail linking there.
 */
import { envOf } from './support/tenants';
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { logins } from '../../db/schema';
import { explainRate, type RateLine } from '../../worker/billing/rate-explained';
import { pagePathIn } from '../../worker/i18n/locale';
import { spanishTwins } from '../../worker/i18n/twins';
import { noticeStatement, paymentNotices } from '../../worker/payments/mails';
import { ORIGIN, get, givenProvableAccount, mailsTo, postForm, postJson } from './support/accounts';
import { givenHousehold } from './support/delivery-fixtures';
import { septemberBill, waterBillLines } from './support/billing-fixtures';
import { deliverEvent, eventFor, sessionFromUrl } from './support/payments';
import { db, givenAccount, signedIn, uniqueId } from './support/sign-in';
import { givenIngestClient, givenMeter, givenReads, sendBatch } from './support/usage-fixtures';
import { eachDay } from '../../worker/usage/time';

const htmlLang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];
/** Links in a Spanish page to English account pages (the language switcher aside): each must say it goes to English. */
const unmarkedEnglishLinks = (html: string) =>
  [...html.matchAll(/<a href="(\/account\/[^"]*)"([^>]*)>[^<]*<\/a>( <span class="lang-note">\(en inglés\)<\/span>)?/g)]
    .filter((m) => !m[2]!.includes('data-lang-switch'))
    .filter((m) => !m[2]!.includes('hreflang="en"') || !m[3])
    .map((m) => m[1]);
/** The text of an element's content, tags dropped. */
const words = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();

/** A holder with a September water bill (lines, rate), a payment, a credit outside bills, a balance, and a metered September beside the one before. */
async function billedCustomer() {
  const client = await givenIngestClient();
  const meter = await givenMeter({ kind: 'water', unit: 'gal', intervalMinutes: 60 });
  await givenReads(meter, eachDay('2026-09-01', '2026-09-30'), () => 10);
  await givenReads(meter, eachDay('2025-09-01', '2025-09-30'), () => 12);
  const accountId = meter.accountId;
  const bill = septemberBill(accountId);
  const lastYear = { ...septemberBill(accountId), periodStart: '2025-09-01', periodEnd: '2025-09-30', issuedOn: '2025-10-03', dueOn: '2025-10-24' };
  const res = await sendBatch(client, {
    batchId: uniqueId('es-bill'),
    bills: [lastYear, bill],
    payments: [{ id: uniqueId('pay'), accountId, amountCents: 2_500, paidOn: '2026-10-15', postedOn: '2026-10-16', method: 'check' }],
    adjustments: [{ id: uniqueId('adj'), accountId, postedOn: '2026-10-16', kind: 'credit', description: 'Leak adjustment credit', amountCents: -1_000 }],
    balances: [{ accountId, asOf: '2026-10-03', balanceCents: bill.amountCents }],
  });
  expect(res.status).toBe(201);
  const holder = await signedIn({ holderOf: [accountId] });
  return { accountId, bill, holder };
}

describe('the rate explained in Spanish', () => {
  const rateLines = (): RateLine[] =>
    waterBillLines().lines.map((l) => ({ service: null, quantity: null, unit: null, unitPrice: null, tierFrom: null, tierTo: null, touPeriod: null, taxRatePercent: null, ...l }) as RateLine);

  it('says the same as the English, in Spanish, from the bill\'s own lines', () => {
    const out = explainRate({ amountCents: 11_139, rateName: 'Residential water R-1' }, rateLines(), 'es');
    expect(out.map((x) => x.topic)).toEqual(explainRate({ amountCents: 11_139, rateName: 'Residential water R-1' }, rateLines()).map((x) => x.topic));
    expect(out.map((x) => x.heading)).toEqual(['Su tarifa', 'Agua', 'Alcantarillado', 'Impuestos', 'En total']);
    expect(out[0]!.sentences).toEqual(['Esta factura aplica la tarifa Residential water R-1.']);
    expect(out[1]!.sentences).toEqual([
      'Water service charge (5/8-inch meter) ($18.50) es un cargo fijo: es el mismo sin importar cuánto consuma.',
      'El agua se cobra por tramos: cuanto más consume en un período de facturación, más cuesta cada CCF adicional. En esta factura: hasta 8 CCF, $4.12 por CCF; de 8 a 20 CCF, $5.37 por CCF.',
      'La factura cobra 12.4 CCF: 8 en el primer tramo y 4.4 en el segundo tramo; $56.59 en total.',
    ]);
    expect(out[2]!.sentences).toEqual(['Sewer service: $31.00 por el período.']);
    expect(out[3]!.sentences).toEqual(['Los impuestos suman $5.30: Utility users tax del 5% ($5.30).']);
    expect(out[4]!.sentences).toEqual(['Todo esto suma $111.39, los cargos nuevos de esta factura.']);
  });

  it('explains time-of-use electricity in Spanish, with the hours named and which cost less', () => {
    const tou = (touPeriod: RateLine['touPeriod'], quantity: number, unitPrice: number): RateLine => ({
      kind: 'time_of_use', service: 'electric', description: `Energy, ${touPeriod}`, quantity, unit: 'kWh', unitPrice, tierFrom: null, tierTo: null, touPeriod, taxRatePercent: null, amountCents: Math.round(quantity * unitPrice * 100),
    });
    const [electric] = explainRate({ amountCents: 154_460, rateName: null }, [tou('peak', 120, 0.48), tou('off_peak', 3_000, 0.29)], 'es');
    expect(electric!.heading).toBe('Electricidad');
    expect(electric!.sentences).toEqual([
      'La electricidad se cobra según la hora del día en que se usa: horas pico a $0.48 por kWh y horas fuera de pico a $0.29 por kWh.',
      'En este período usó 120 kWh en horas pico ($57.60) y 3,000 kWh en horas fuera de pico ($870.00).',
      'Si pasa parte de su consumo de horas pico a horas fuera de pico, su factura baja.',
    ]);
  });
});

describe('the bill pages in Spanish', () => {
  it("lists the customer's bills with the balance, Spanish dates and money, and links that stay in Spanish", async () => {
    const { accountId, bill, holder } = await billedCustomer();
    const res = await get('/es/account/bills/', { cookie: holder.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const html = await res.text();
    expect(htmlLang(html)).toBe('es');
    expect(html).toContain('<h1>Sus facturas</h1>');
    // $111.39 billed, less the $25.00 check and the $10.00 credit posted since.
    expect(html).toContain('<span class="balance-label">Saldo</span> <strong class="balance-amount">$76.39</strong>');
    expect(html).toContain('Vencido: debía pagarse a más tardar el <time datetime="2026-10-24">24 de octubre de 2026</time>.');
    expect(html).toContain('<th scope="col">Período de facturación</th><th scope="col">Emitida</th><th scope="col">Vence</th><th scope="col" class="num">Importe</th><th scope="col">Documento</th>');
    expect(html).toContain(`<a href="/es/account/bills/detail/?bill=${encodeURIComponent(bill.id)}">1 sept – 30 sept, 2026</a>`);
    expect(html).toContain('<td><time datetime="2026-10-03">3 de octubre de 2026</time></td>');
    expect(html).toContain('<td class="num">$111.39</td>');
    expect(html).toMatch(/<caption>Facturas de la cuenta •••• \S{4}, de la más reciente a la más antigua<\/caption>/);
    expect(html).toContain('<a href="/es/account/pay/">Pagar, pago automático y factura sin papel</a>');
    expect(html).toContain(`<a href="/es/account/bills/payments/?account=${encodeURIComponent(accountId)}">Historial de pagos</a>`);
    // The account nav goes to the Spanish bills and pay pages, now that they exist.
    expect(html).toContain('<a href="/es/account/bills/" aria-current="page">Facturas</a>');
    expect(html).toContain('<a href="/es/account/pay/">Pagar</a>');
    // The switcher keeps the account the page showed.
    expect(html).toContain(`href="/account/bills/?account=${encodeURIComponent(accountId)}" lang="en" hreflang="en" data-lang-switch`);
    for (const english of ['Billing period', 'Bills for account', 'Past due', 'Payment history', 'Balance<']) expect(html).not.toContain(english);
    expect(unmarkedEnglishLinks(html)).toEqual([]);
  });

  it('shows one bill in Spanish: its facts, charges, use beside last year and the rate explained, the utility\'s words marked as English', async () => {
    const { bill, holder } = await billedCustomer();
    const html = await (await get(`/es/account/bills/detail/?bill=${encodeURIComponent(bill.id)}`, { cookie: holder.cookie })).text();
    expect(htmlLang(html)).toBe('es');
    expect(html).toContain('<title>Factura de 1 sept – 30 sept, 2026 | Alder Creek Water &amp; Power</title>');
    expect(html).toContain('<h1 data-fill="title">Factura de 1 sept – 30 sept, 2026</h1>');
    expect(html).toContain('<dt>Período de facturación</dt><dd>del <time datetime="2026-09-01">1 de septiembre de 2026</time> al <time datetime="2026-09-30">30 de septiembre de 2026</time></dd>');
    expect(html).toContain('<dt>Vence</dt><dd><time datetime="2026-10-24">24 de octubre de 2026</time></dd>');
    expect(html).toContain('<dt>Número de factura</dt><dd>ACW-100234</dd>');
    expect(html).toContain('<dt>Cargos nuevos</dt><dd>$111.39</dd>');
    // No document: the page prints as the bill.
    expect(html).toContain('La empresa no envió ningún documento para esta factura.');
    expect(html).toContain('<button type="button" data-print hidden>Imprimir esta factura</button>');
    // Charges: the utility's descriptions in English, marked; quantities, rates and money for Spanish readers.
    expect(html).toContain('<caption>Cargos de esta factura</caption>');
    expect(html).toContain('<tr><th scope="row"><span lang="en">Water, tier 1 (first 8 CCF)</span></th><td class="num">8 CCF</td><td class="num">$4.12 por CCF</td><td class="num">$32.96</td></tr>');
    expect(html).toContain('<td class="num">$18.50 por mes</td>');
    expect(html).toContain('<td class="num">5%</td>');
    // Use: the bill's unit, last September beside this one, the change signed.
    expect(html).toMatch(/<caption>Consumo en el período 1 sept – 30 sept, 2026, en CCF \(cientos de pies cúbicos\), junto a los mismos días del año anterior<\/caption>/);
    expect(html).toMatch(/<th scope="row">Medidor de agua …\S{4}<\/th><td class="num">9\.63 CCF<\/td><td class="num">11\.55 CCF<\/td><td class="num">-17%<\/td>/);
    expect(html).toContain('<a href="/es/account/usage/?from=2026-09-01&#38;to=2026-09-30">Ver el consumo de este período día por día</a>');
    // The rate explained, in Spanish.
    expect(html).toContain('<h2>Su tarifa, explicada</h2><h3>Su tarifa</h3><p>Esta factura aplica la tarifa <span lang="en">Residential water R-1</span>.</p>');
    expect(html).toContain('El agua se cobra por tramos: cuanto más consume en un período de facturación, más cuesta cada CCF adicional. En esta factura: hasta 8 CCF, $4.12 por CCF; de 8 a 20 CCF, $5.37 por CCF.');
    expect(html).toContain('<h3>Impuestos</h3><p>Los impuestos suman $5.30: <span lang="en">Utility users tax</span> del 5% ($5.30).</p>');
    expect(html).toContain('<h3>En total</h3><p>Todo esto suma $111.39, los cargos nuevos de esta factura.</p>');
    expect(html).toContain(`href="/account/bills/detail/?bill=${encodeURIComponent(bill.id)}" lang="en" hreflang="en" data-lang-switch`);
    for (const english of ['Your rate', 'Billing period', 'is priced in tiers', 'Charges on this bill', 'Print this bill', 'Same days last year']) expect(html).not.toContain(english);
    expect(unmarkedEnglishLinks(html)).toEqual([]);

    // The English page says the same in English, with nothing marked.
    const english = await (await get(`/account/bills/detail/?bill=${encodeURIComponent(bill.id)}`, { cookie: holder.cookie })).text();
    expect(english).toContain('<h3>Your rate</h3><p>This bill applies Residential water R-1.</p>');
    expect(english).toContain('<td class="num">$4.12 per CCF</td>');
    expect(english).toContain('<dt>Billing period</dt><dd><time datetime="2026-09-01">September 1, 2026</time> to <time datetime="2026-09-30">September 30, 2026</time></dd>');
    expect(english).not.toContain('lang="en"><');
    expect(english).not.toContain('(en inglés)');
  });

  it('explains the rate in Spanish in the bill API when a Spanish page asks, in English otherwise', async () => {
    const { bill, holder } = await billedCustomer();
    const explained = async (page: string) => {
      const res = await get(`/api/billing/bills/${encodeURIComponent(bill.id)}`, { cookie: holder.cookie, headers: { Referer: `${ORIGIN}${page}` } });
      expect(res.status).toBe(200);
      return JSON.stringify((await res.json<{ explanation: unknown[] }>()).explanation);
    };
    const [spanish, english] = [await explained('/es/account/bills/'), await explained('/account/bills/')];
    expect(spanish).not.toEqual(english);
    expect(spanish).toMatch(/por CCF|cargo fijo|por mes/i);
    expect(english).toMatch(/per CCF|a month|fixed/i);
  });

  it('shows the payment history in Spanish, the credit outside bills in words and the utility\'s description marked', async () => {
    const { holder } = await billedCustomer();
    const html = await (await get('/es/account/bills/payments/', { cookie: holder.cookie })).text();
    expect(htmlLang(html)).toBe('es');
    expect(html).toContain('<h1>Historial de pagos</h1>');
    expect(html).toContain('<tr><th scope="row"><time datetime="2026-10-15">15 de octubre de 2026</time></th><td class="num">$25.00</td><td>Cheque</td><td>Registrado el <time datetime="2026-10-16">16 de octubre de 2026</time></td>');
    expect(html).toContain('<th scope="col">Fecha de pago</th><th scope="col" class="num">Importe</th><th scope="col">Medio</th><th scope="col">Estado</th><th scope="col">Referencia</th>');
    expect(html).toContain('<td><span lang="en">Leak adjustment credit</span></td><td class="num">crédito de $10.00</td>');
    expect(html).toContain('<a href="/es/account/bills/">Todas las facturas</a>');
    for (const english of ['Check<', 'Posted', 'credit</td>', 'newest first']) expect(html).not.toContain(english);
    expect(unmarkedEnglishLinks(html)).toEqual([]);
  });
});

describe('paying in Spanish', () => {
  it('shows the pay page in Spanish, and brings a payment started there back to the Spanish return page', async () => {
    const { accountId, holder } = await billedCustomer();
    const page = await (await get('/es/account/pay/', { cookie: holder.cookie })).text();
    expect(htmlLang(page)).toBe('es');
    expect(page).toContain('<h1>Pagar su factura</h1>');
    expect(page).toContain('Importe pendiente: <strong data-amount-due>$76.39</strong>');
    expect(page).toContain('<label for="amount-0">Importe a pagar, en dólares</label><p class="hint" id="amount-0-hint">De $1.00 a $576.39.</p>');
    expect(page).toContain('<button type="submit">Continuar al pago seguro</button>');
    expect(page).toContain('El pago automático está <strong>desactivado</strong>.');
    expect(page).toContain('La factura sin papel está <strong>desactivada</strong>: las facturas llegan por correo postal.');
    expect(page).toContain('Todavía no ha hecho pagos aquí.');
    for (const english of ['Amount due', 'Autopay is', 'Continue to secure payment', 'Paperless billing is']) expect(page).not.toContain(english);
    expect(unmarkedEnglishLinks(page)).toEqual([]);

    const started = await postJson('/api/payments/checkout', { account: accountId, amount: '20.00' }, { cookie: holder.cookie, headers: { Referer: `${ORIGIN}/es/account/pay/` } });
    expect(started.status).toBe(200);
    const { redirect, reference } = await started.json<{ redirect: string; reference: string }>();
    const { state } = await sessionFromUrl(redirect);
    expect(state.success_url).toBe(`${env.PORTAL_ORIGIN}/es/account/pay/return/?payment=${reference}`);
    expect(state.cancel_url).toBe(`${env.PORTAL_ORIGIN}/es/account/pay/?account=${encodeURIComponent(accountId)}&status=payment-cancelled`);

    const waiting = await (await get(`/es/account/pay/return/?payment=${reference}`, { cookie: holder.cookie })).text();
    expect(waiting).toContain('<h1 data-fill="heading">Esperando la confirmación</h1>');
    expect(waiting).toContain(`<a href="/es/account/pay/return/?payment=${reference}">Volver a comprobar</a>`);

    expect((await deliverEvent(await eventFor(redirect))).status).toBe(200);
    const back = await (await get(`/es/account/pay/return/?payment=${reference}`, { cookie: holder.cookie })).text();
    expect(htmlLang(back)).toBe('es');
    expect(back).toContain('<h1 data-fill="heading">Pago recibido</h1>');
    expect(back).toMatch(/Gracias\. El procesador de pagos confirmó su pago el <time datetime="[^"]+">\d{1,2} \p{L}+ \d{4}, \d{1,2}:\d\d\s?[ap]\.\s?m\.<\/time>\./u);
    expect(words(back)).toContain('$20.00 para la cuenta ••••');
    expect(back).toContain('<a href="/es/account/pay/">Volver a pagos</a>');
    expect(back).toContain(`href="/account/pay/return/?payment=${reference}" lang="en" hreflang="en" data-lang-switch`);

    const after = await (await get('/es/account/pay/', { cookie: holder.cookie })).text();
    expect(after).toContain('Importe pendiente: <strong data-amount-due>$56.39</strong>');
    expect(after).toMatch(new RegExp(`<li><time datetime="[^"]+">[^<]+</time>: \\$20\\.00, pagado <span class="reference">\\(referencia ${reference}\\)</span></li>`));
  });

  it('still returns a payment started from an English page to the English pages', async () => {
    const { accountId, holder } = await billedCustomer();
    const started = await postJson('/api/payments/checkout', { account: accountId, amount: '20.00' }, { cookie: holder.cookie, headers: { Referer: `${ORIGIN}/account/pay/` } });
    const { redirect, reference } = await started.json<{ redirect: string; reference: string }>();
    expect((await sessionFromUrl(redirect)).state.success_url).toBe(`${env.PORTAL_ORIGIN}/account/pay/return/?payment=${reference}`);
  });

  it('returns a visitor who paid without signing in from the Spanish pay page to the Spanish return page', async () => {
    const account = await givenProvableAccount();
    const started = await postForm('/api/payments/guest/checkout', { accountNumber: account.accountNumber, serviceZip: account.zip, amount: '12.34' }, { ip: '192.0.2.91', headers: { Referer: `${ORIGIN}/es/pay/confirm/` } });
    expect(started.status).toBe(303);
    const { state } = await sessionFromUrl(started.headers.get('Location')!);
    expect(state.success_url).toBe(`${env.PORTAL_ORIGIN}/es/pay/return/`);
    expect(state.cancel_url).toBe(`${env.PORTAL_ORIGIN}/es/pay/?status=payment-cancelled`);
  });
});

describe('billing mail in Spanish', () => {
  it("links a Spanish login's bill-ready e-mail to the Spanish bills", async () => {
    const h = await givenHousehold();
    await postForm('/api/preferences', { account: h.accountId, recipients: 'me', paperless: 'on' }, { cookie: h.cookie });
    await db().update(logins).set({ locale: 'es' }).where(eq(logins.id, h.holder.id));
    const bill = septemberBill(h.accountId);
    expect((await sendBatch(await givenIngestClient(), { batchId: `bill-${bill.id}`, bills: [bill] })).status).toBe(201);
    const [mail] = (await mailsTo(h.holder.email)).filter((m) => m.kind === 'new-bill');
    expect(mail!.bodyText).toContain(`Inicie sesión para verla y pagarla:\n${env.PORTAL_ORIGIN}/es/account/bills/\n`);
  });


  it('links payment notices for a Spanish login to the Spanish pay page, and for an English one to the English page', async () => {
    const spanish = await givenHousehold();
    await db().update(logins).set({ locale: 'es' }).where(eq(logins.id, spanish.holder.id));
    const english = await givenHousehold();
    for (const h of [spanish, english]) {
      await noticeStatement(env.DB, h.accountId, null, paymentNotices.autopayOn({ accountNumber: '1234567890', origin: ORIGIN })).run();
    }
    const [es] = await mailsTo(spanish.holder.email, 'autopay-on');
    expect(es!.bodyText).toContain(`Para desactivarlo: ${ORIGIN}/es/account/pay/\n`);
    const [en] = await mailsTo(english.holder.email, 'autopay-on');
    expect(en!.bodyText).toContain(`To turn it off: ${ORIGIN}/account/pay/\n`);
  });
});

describe('refusals are the same in Spanish', () => {
  const pages = ['/account/bills/', '/account/bills/detail/?bill=x', '/account/bills/payments/', '/account/pay/', '/account/pay/return/?payment=x'];

  it('sends an anonymous visitor to the sign-in page from every Spanish billing page, as from the English one', async () => {
    const twins = await spanishTwins(envOf().ASSETS, ORIGIN);
    for (const path of pages) {
      const [english, spanish] = [await get(path), await get(`/es${path}`)];
      expect([english.status, spanish.status]).toEqual([303, 303]);
      expect(english.headers.get('Location')).toBe('/login/?error=unauthenticated');
      expect(spanish.headers.get('Location')).toBe(pagePathIn('es', '/login/?error=unauthenticated', twins));
    }
  });

  it("sends someone else's bill and account back to the Spanish list with a Spanish message, as for ones that do not exist, and shows no one else's payment", async () => {
    const { accountId, bill } = await billedCustomer();
    const stranger = await signedIn({ holderOf: [await givenAccount()] });
    const cookie = { cookie: stranger.cookie };
    for (const [path, to] of [
      [`/account/bills/detail/?bill=${encodeURIComponent(bill.id)}`, '/account/bills/?error=not_found'],
      ['/account/bills/detail/?bill=no-such-bill', '/account/bills/?error=not_found'],
      [`/account/bills/?account=${encodeURIComponent(accountId)}`, '/account/bills/?error=not_found'],
      [`/account/bills/payments/?account=${encodeURIComponent(accountId)}`, '/account/bills/payments/?error=not_found'],
    ]) {
      const [english, spanish] = [await get(path!, cookie), await get(`/es${path}`, cookie)];
      expect([english.status, spanish.status]).toEqual([303, 303]);
      expect(english.headers.get('Location')).toBe(to);
      expect(spanish.headers.get('Location')).toBe(`/es${to}`);
    }
    const list = await (await get('/es/account/bills/?error=not_found', cookie)).text();
    expect(list).toMatch(/<div class="message message-error" data-message role="alert"[^>]*>No se encontró\.<\/div>/);
    const unknown = await (await get('/es/account/pay/return/?payment=pay_nosuchpaymentreference0', cookie)).text();
    expect(unknown).toContain('No encontramos ningún pago con esa referencia en sus cuentas. <a href="/es/account/pay/">Ir a pagos</a>.');
  });

  it('tells a login with no billing account so, in Spanish', async () => {
    const nobody = await signedIn({});
    for (const path of ['/es/account/bills/', '/es/account/bills/payments/']) {
      expect(await (await get(path, { cookie: nobody.cookie })).text()).toContain('No hay ninguna cuenta de servicio vinculada a este usuario cuyas facturas pueda ver.');
    }
    expect(await (await get('/es/account/pay/', { cookie: nobody.cookie })).text()).toContain('No hay ninguna cuenta de servicio vinculada a este usuario que usted pueda pagar.');
  });
});
