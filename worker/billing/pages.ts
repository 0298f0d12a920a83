/**
 * The bill pages (static shells in site/pages/account/bills/ and site/pages/es/account/bills/)
 * filled on the server with HTMLRewriter, like the other account pages: they work without
 * JavaScript and the data never sits in a cached file. Each is in its URL's language; the
 * utility's own words (a charge's description, the rate's name) stay as it wrote them, marked as
 * English on a Spanish page. The dashboard's billing cards are in ./summary-html.ts.
 *
 *   /account/bills/?account=…[&before=…]           balance and the account's bills, paged
 *   /account/bills/detail/?bill=…                   one bill: charges, use, rate explained, document
 *   /account/bills/payments/?account=…[&before=…]   payment history, charges and credits outside bills
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from '../app-types';
import type { SignedInLogin } from '../auth/sessions';
import { keepInSwitcher, signedInPage } from '../accounts/pages';
import { escapeHtml, html, text } from '../http/html';
import { ApiError } from '../http/errors';
import { bothLanguages, type Locale } from '../i18n/locale';
import { pageLinks, type PageLinks } from '../i18n/page-links';
import { utility } from '../tenants/scope';
import { localDay } from '../usage/time';
import { unitLabelsIn } from '../usage/units';
import { dueStatus, readBalance } from './balance';
import { listBills, type BillSummary } from './bills';
import { billView, type BillView } from './detail';
import { billingFormatsFor, fileSize } from './format';
import { listAdjustments, listPayments, type PaymentEntry } from './history';
import { billingGrantsStatement } from './overview';
import { usageShards } from '../usage/shards';
import { explainRate } from './rate-explained';
import { balanceHtml, billHref, day, kindNames } from './summary-html';
import { decodeCursor } from './paging';
import { changeFromLastYear } from './use';

const e = escapeHtml;
const documentHref = (id: string) => `/api/billing/bills/${encodeURIComponent(id)}/document`;

/** The pages' words in each language. */
const words = {
  en: {
    accounts: 'Accounts',
    account: 'Account',
    noAccount: '<p>No utility account whose bills you may see is linked to this login.</p>',
    // The bill list.
    noBills: '<p>There are no bills for this account yet.</p>',
    billFor: (period: string) => `Bill for ${period}`,
    documentOf: (period: string) => `bill for ${period}`,
    pdf: 'PDF',
    noneSent: 'None sent',
    billColumns: ['Billing period', 'Issued', 'Due', 'Amount', 'Document'],
    billsCaption: (mask: string) => `Bills for account ${mask}, newest first`,
    newestBills: 'Newest bills',
    olderBills: 'Older bills',
    moreBills: 'More bills',
    pay: 'Pay, autopay and paperless billing',
    history: 'Payment history',
    // One bill.
    noLines: "<p>The utility sent this bill's total only, without its charges line by line. The bill document, when there is one, shows them.</p>",
    per: (price: string, unit: string) => `${price} per ${unit}`,
    unitName: (unit: string | null) => (unit ? (unit === 'ccf' ? 'CCF' : unit) : 'unit'),
    linesCaption: 'Charges on this bill',
    lineColumns: ['Charge', 'Quantity', 'Rate', 'Amount'],
    newCharges: 'New charges',
    noUsageRight: "<p>You may see this account's bills, but not its meter reads: the account holder did not share usage with you.</p>",
    noMeterRead: '<p>No meter of this account was read in this period.</p>',
    heldOnly: (period: string) => ` (${period}: the days this account held the service)`,
    noReads: 'No reads',
    readsMissing: ' (reads missing)',
    partlyEstimated: ' (partly estimated)',
    notInstalled: 'The meter was not installed yet',
    notHeldThen: 'Not shown: this account did not hold this service then',
    notBilledThen: 'Not shown: this account was not billed for those days',
    meter: (kind: 'water' | 'electric' | 'gas', serial: string) => `${kindNames[kind]} meter ${serial}`,
    useCaption: (period: string, units: string) => `Use from ${period}, in ${units}, beside the same days a year before`,
    useColumns: ['Meter', 'This period', 'Same days last year', 'Change'],
    dayByDay: "See this period's use day by day",
    facts: { account: 'Account', address: 'Service address', number: 'Bill number', period: 'Billing period', issued: 'Issued', due: 'Due', before: 'Balance before this bill', totalDue: 'Total due on this bill' },
    fromTo: (from: string, to: string) => `${from} to ${to}`,
    openDocument: (size: string) => `Open the bill as the utility sent it (PDF, ${size})`,
    documentLang: '',
    noDocument: "<p>The utility sent no document for this bill. This page has all of its detail and prints as a bill: use your browser's print command.</p>",
    print: 'Print this bill',
    noExplanation: "<p>The rate can be explained once the utility sends this bill's charges line by line.</p>",
    headings: { charges: 'Charges', use: 'Your use', rate: 'Your rate, explained' },
    // Payment history.
    methods: { card: 'Card', bank: 'Bank account', check: 'Check', cash: 'Cash', autopay: 'Autopay', other: 'Other' } satisfies Record<PaymentEntry['method'], string>,
    inPortal: ' (in this portal)',
    pending: 'Received online; the utility has not posted it yet (it is already off your balance)',
    failed: 'Did not go through',
    postedOn: (on: string) => `Posted ${on}`,
    posted: 'Posted',
    newestPayments: 'Newest payments',
    olderPayments: 'Older payments',
    morePayments: 'More payments',
    paymentsCaption: (mask: string) => `Payments on account ${mask}, newest first`,
    paymentColumns: ['Paid', 'Amount', 'How', 'Status', 'Reference'],
    noPayments: '<p>No payments are recorded for this account yet.</p>',
    adjustmentsCaption: (mask: string, latest: number | null) => `Charges and credits outside bills on account ${mask}, newest first${latest ? ` (the latest ${latest})` : ''}`,
    adjustmentColumns: ['Posted', 'What', 'Amount'],
    credit: (amount: string) => `${amount} credit`,
    noAdjustments: '<p>None.</p>',
  },
  es: {
    accounts: 'Cuentas',
    account: 'Cuenta',
    noAccount: '<p>No hay ninguna cuenta de servicio vinculada a este usuario cuyas facturas pueda ver.</p>',
    noBills: '<p>Todavía no hay facturas de esta cuenta.</p>',
    billFor: (period: string) => `Factura de ${period}`,
    documentOf: (period: string) => `factura de ${period}`,
    pdf: 'PDF en inglés',
    noneSent: 'No se envió',
    billColumns: ['Período de facturación', 'Emitida', 'Vence', 'Importe', 'Documento'],
    billsCaption: (mask: string) => `Facturas de la cuenta ${mask}, de la más reciente a la más antigua`,
    newestBills: 'Facturas más recientes',
    olderBills: 'Facturas anteriores',
    moreBills: 'Más facturas',
    pay: 'Pagar, pago automático y factura sin papel',
    history: 'Historial de pagos',
    noLines: '<p>La empresa envió solo el total de esta factura, sin el detalle de sus cargos. El documento de la factura, cuando lo hay, los muestra.</p>',
    per: (price: string, unit: string) => `${price} por ${unit}`,
    unitName: (unit: string | null) => (unit ? billingFormatsFor('es').unitWords[unit]?.one ?? unit : 'unidad'),
    linesCaption: 'Cargos de esta factura',
    lineColumns: ['Cargo', 'Cantidad', 'Tarifa', 'Importe'],
    newCharges: 'Cargos nuevos',
    noUsageRight: '<p>Puede ver las facturas de esta cuenta, pero no las lecturas de sus medidores: el titular de la cuenta no compartió el consumo con usted.</p>',
    noMeterRead: '<p>Ningún medidor de esta cuenta tuvo lecturas en este período.</p>',
    heldOnly: (period: string) => ` (${period}: los días en que esta cuenta tuvo el servicio)`,
    noReads: 'Sin lecturas',
    readsMissing: ' (faltan lecturas)',
    partlyEstimated: ' (en parte estimado)',
    notInstalled: 'El medidor todavía no estaba instalado',
    notHeldThen: 'No se muestra: esta cuenta no tenía este servicio entonces',
    notBilledThen: 'No se muestra: a esta cuenta no se le facturaron esos días',
    meter: (kind: 'water' | 'electric' | 'gas', serial: string) => `Medidor de ${{ water: 'agua', electric: 'electricidad', gas: 'gas' }[kind]} ${serial}`,
    useCaption: (period: string, units: string) => `Consumo en el período ${period}, en ${units}, junto a los mismos días del año anterior`,
    useColumns: ['Medidor', 'Este período', 'Mismos días del año pasado', 'Cambio'],
    dayByDay: 'Ver el consumo de este período día por día',
    facts: { account: 'Cuenta', address: 'Dirección de servicio', number: 'Número de factura', period: 'Período de facturación', issued: 'Emitida', due: 'Vence', before: 'Saldo antes de esta factura', totalDue: 'Total a pagar de esta factura' },
    fromTo: (from: string, to: string) => `del ${from} al ${to}`,
    openDocument: (size: string) => `Abrir la factura tal como la envió la empresa (PDF en inglés, ${size})`,
    documentLang: ' hreflang="en"',
    noDocument: '<p>La empresa no envió ningún documento para esta factura. Esta página tiene todo su detalle y se imprime como una factura: use el comando de imprimir de su navegador.</p>',
    print: 'Imprimir esta factura',
    noExplanation: '<p>La tarifa se podrá explicar cuando la empresa envíe el detalle de los cargos de esta factura.</p>',
    headings: { charges: 'Cargos', use: 'Su consumo', rate: 'Su tarifa, explicada' },
    methods: { card: 'Tarjeta', bank: 'Cuenta bancaria', check: 'Cheque', cash: 'Efectivo', autopay: 'Pago automático', other: 'Otro' } satisfies Record<PaymentEntry['method'], string>,
    inPortal: ' (en este portal)',
    pending: 'Recibido en línea; la empresa todavía no lo registró (ya está descontado de su saldo)',
    failed: 'No se completó',
    postedOn: (on: string) => `Registrado el ${on}`,
    posted: 'Registrado',
    newestPayments: 'Pagos más recientes',
    olderPayments: 'Pagos anteriores',
    morePayments: 'Más pagos',
    paymentsCaption: (mask: string) => `Pagos de la cuenta ${mask}, del más reciente al más antiguo`,
    paymentColumns: ['Fecha de pago', 'Importe', 'Medio', 'Estado', 'Referencia'],
    noPayments: '<p>Todavía no hay pagos registrados de esta cuenta.</p>',
    adjustmentsCaption: (mask: string, latest: number | null) => `Cargos y créditos fuera de las facturas de la cuenta ${mask}, del más reciente al más antiguo${latest ? ` (los ${latest} más recientes)` : ''}`,
    adjustmentColumns: ['Registrado', 'Concepto', 'Importe'],
    credit: (amount: string) => `crédito de ${amount}`,
    noAdjustments: '<p>Ninguno.</p>',
  },
} satisfies Record<Locale, unknown>;
type Words = (typeof words)['en'];

/** What a filler needs to write a page in its language: words, formats, links, and the utility's own words marked. */
type Page = { locale: Locale; w: Words; f: ReturnType<typeof billingFormatsFor>; links: PageLinks; utilityText: (s: string) => string };
async function pageOf(c: Context<AppEnv>): Promise<Page> {
  const locale = c.get('locale');
  return {
    locale,
    w: words[locale],
    f: billingFormatsFor(locale),
    links: await pageLinks(c),
    utilityText: (s) => (locale === 'en' ? e(s) : `<span lang="en">${e(s)}</span>`),
  };
}

const columns = (names: string[], numeric: number[] = []) => `<thead><tr>${names.map((n, i) => `<th scope="col"${numeric.includes(i) ? ' class="num"' : ''}>${n}</th>`).join('')}</tr></thead>`;
const mask = (n: string) => `•••• ${n.slice(-4)}`;

type Grant = { accountId: string; accountNumber: string; timeZone: string };

/** The account a bills page shows: `?account=` if the login may see its bills, else the first such account; null when none. */
async function chosenAccount(c: Context<AppEnv>, login: SignedInLogin): Promise<{ chosen: Grant; all: Grant[] } | null | 'refused'> {
  const all = (await billingGrantsStatement(c.env.DB, login.id).all<Grant>()).results;
  const asked = c.req.query('account');
  if (asked) {
    const chosen = all.find((g) => g.accountId === asked);
    return chosen ? { chosen, all } : 'refused';
  }
  return all[0] ? { chosen: all[0], all } : null;
}

function accountChoice(p: Page, path: string, all: Grant[], chosen: Grant) {
  if (all.length < 2) return '';
  return `<nav class="account-choice" aria-label="${p.w.accounts}"><ul>${all
    .map((g) => `<li><a href="${e(p.links.href(`${path}?account=${encodeURIComponent(g.accountId)}`))}"${g.accountId === chosen.accountId ? ' aria-current="page"' : ''}>${p.w.account} ${e(mask(g.accountNumber))}</a></li>`)
    .join('')}</ul></nav>`;
}

function billsTable(p: Page, bills: BillSummary[], caption: string) {
  const { w, f, locale } = p;
  if (!bills.length) return w.noBills;
  const rows = bills
    .map((b) => {
      const period = f.period(b.periodStart, b.periodEnd);
      const doc = b.document
        ? `<a href="${e(documentHref(b.id))}"${w.documentLang}>${w.pdf}, ${e(fileSize(b.document.sizeBytes))}<span class="visually-hidden"> (${e(w.documentOf(period))})</span></a>`
        : `<span class="hint">${w.noneSent}</span>`;
      return `<tr><th scope="row"><a href="${e(p.links.href(billHref(b.id)))}">${e(period)}</a></th><td>${day(b.issuedOn, locale)}</td><td>${day(b.dueOn, locale)}</td><td class="num">${e(f.money(b.amountCents))}</td><td>${doc}</td></tr>`;
    })
    .join('');
  return `<div class="table-scroll"><table class="bills-table"><caption>${e(caption)}</caption>${columns(w.billColumns, [3])}<tbody>${rows}</tbody></table></div>`;
}

/** Links to the newest page and the next one, when there are more. */
function pager(p: Page, label: string, newest: [string, string] | null, older: [string, string] | null) {
  const nav = [newest && p.links.a(newest[0], newest[1]), older && p.links.a(older[0], older[1], ' rel="next"')].filter(Boolean);
  return nav.length ? `<nav class="pager" aria-label="${label}"><p>${nav.join(' · ')}</p></nav>` : '';
}

/** `before` from the query: a valid cursor, or null; a forged one is refused by the API, here it simply starts over. */
const beforeOf = (c: Context<AppEnv>) => {
  const v = c.req.query('before');
  return v ? decodeCursor(v) : null;
};

const fillBills = async (c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) => {
  const choice = await chosenAccount(c, login);
  if (choice === 'refused') return c.redirect('/account/bills/?error=not_found', 303);
  const p = await pageOf(c);
  const { w } = p;
  if (!choice) return rewriter.on('[data-fill="summary"]', html(w.noAccount)).on('[data-fill="bills"]', html(''));
  const { chosen, all } = choice;
  keepInSwitcher(c, { account: chosen.accountId });
  const before = beforeOf(c);
  const [balance, page] = await Promise.all([readBalance(c.env.DB, chosen.accountId), listBills(c.env.DB, chosen.accountId, { before, limit: 24 })]);
  const latest = before ? (await listBills(c.env.DB, chosen.accountId, { before: null, limit: 1 })).bills[0] : page.bills[0];
  const due = dueStatus(balance.balanceCents, latest ?? null, localDay(Date.now(), chosen.timeZone));
  const q = `account=${encodeURIComponent(chosen.accountId)}`;
  const nav = pager(p, w.moreBills, before ? [`/account/bills/?${q}`, w.newestBills] : null, page.next ? [`/account/bills/?${q}&before=${encodeURIComponent(page.next)}`, w.olderBills] : null);
  const links = `<p>${p.links.a('/account/pay/', w.pay)} · ${p.links.a(`/account/bills/payments/?${q}`, w.history)}</p>`;
  return rewriter
    .on('[data-fill="accounts"]', html(accountChoice(p, '/account/bills/', all, chosen)))
    .on('[data-fill="summary"]', html(`<h2 id="balance-heading">${w.account} <span class="account-number">${e(mask(chosen.accountNumber))}</span></h2>${balanceHtml(balance, due, p.locale)}${links}`))
    .on('[data-fill="bills"]', html(`${billsTable(p, page.bills, w.billsCaption(mask(chosen.accountNumber)))}${nav}`));
};

function linesTable(p: Page, v: BillView) {
  const { w, f } = p;
  const { bill } = v;
  if (!bill.lines.length) return w.noLines;
  const rows = bill.lines
    .map((l) => {
      const qty = l.quantity !== null && l.unit ? f.amountOf(l.quantity, l.unit) : '';
      const rate = l.taxRatePercent !== null ? f.percent(l.taxRatePercent) : l.unitPrice !== null ? w.per(f.unitPrice(l.unitPrice), w.unitName(l.unit)) : '';
      return `<tr><th scope="row">${p.utilityText(l.description)}</th><td class="num">${e(qty)}</td><td class="num">${e(rate)}</td><td class="num">${e(f.money(l.amountCents))}</td></tr>`;
    })
    .join('');
  return `<div class="table-scroll"><table class="bill-lines"><caption>${w.linesCaption}</caption>${columns(w.lineColumns, [1, 2, 3])}<tbody>${rows}</tbody><tfoot><tr><th scope="row" colspan="3">${w.newCharges}</th><td class="num">${e(f.money(bill.amountCents))}</td></tr></tfoot></table></div>`;
}

function useSection(p: Page, v: BillView) {
  const { w, f } = p;
  if (v.use === null) return w.noUsageRight;
  if (!v.use.length) return w.noMeterRead;
  const rows = v.use
    .map((u) => {
      const held = u.period.start !== v.bill.periodStart || u.period.end !== v.bill.periodEnd ? w.heldOnly(f.period(u.period.start, u.period.end)) : '';
      const now = u.thisPeriod.value === null ? w.noReads : `${f.amountOf(u.thisPeriod.value, u.unit)}${u.thisPeriod.quality === 'incomplete' ? w.readsMissing : u.thisPeriod.quality === 'estimated' ? w.partlyEstimated : ''}${held}`;
      const before =
        u.lastYear === null
          ? u.lastYearNote === 'meter_not_installed'
            ? w.notInstalled
            : u.lastYearNote === 'not_held_then'
              ? w.notHeldThen
              : w.notBilledThen
          : u.lastYear.value === null
            ? w.noReads
            : f.amountOf(u.lastYear.value, u.unit);
      const change = changeFromLastYear(u);
      return `<tr><th scope="row">${e(w.meter(u.kind, u.serial))}</th><td class="num">${e(now)}</td><td class="num">${e(before)}</td><td class="num">${change === null ? '—' : e(f.change(change))}</td></tr>`;
    })
    .join('');
  const units = [...new Set(v.use.map((u) => unitLabelsIn(p.locale)[u.unit]))].join(', ');
  const dayByDay = p.links.a(`/account/usage/?${new URLSearchParams({ from: v.bill.periodStart, to: v.bill.periodEnd })}`, w.dayByDay);
  return `<div class="table-scroll"><table class="bill-use"><caption>${e(w.useCaption(f.period(v.bill.periodStart, v.bill.periodEnd), units))}</caption>${columns(w.useColumns, [1, 2, 3])}<tbody>${rows}</tbody></table></div><p class="no-print">${dayByDay}</p>`;
}

function billHtml(p: Page, v: BillView) {
  const { w, f, locale } = p;
  const b = v.bill;
  const fact = (term: string, value: string) => `<dt>${term}</dt><dd>${value}</dd>`;
  const facts = [
    fact(w.facts.account, `<span class="account-number">${e(v.accountNumber)}</span>`),
    ...v.serviceAddresses.map((a) => fact(w.facts.address, e(a))),
    b.billNumber ? fact(w.facts.number, e(b.billNumber)) : '',
    fact(w.facts.period, w.fromTo(day(b.periodStart, locale), day(b.periodEnd, locale))),
    fact(w.facts.issued, day(b.issuedOn, locale)),
    fact(w.facts.due, day(b.dueOn, locale)),
    b.previousBalanceCents !== null ? fact(w.facts.before, e(f.money(b.previousBalanceCents))) : '',
    fact(w.newCharges, e(f.money(b.amountCents))),
    b.totalDueCents !== null ? fact(w.facts.totalDue, e(f.money(b.totalDueCents))) : '',
  ].join('');
  const doc = b.document
    ? `<p><a class="document-link" href="${e(documentHref(b.id))}"${w.documentLang}>${e(w.openDocument(fileSize(b.document.sizeBytes)))}</a></p>`
    : `${w.noDocument}<p class="no-print"><button type="button" data-print hidden>${w.print}</button></p>`;
  // The explanation in the page's language, as HTML: the utility's words escaped (and marked on a Spanish page).
  const explanation = explainRate(b, b.lines, locale, p.utilityText);
  const explained = explanation.length ? explanation.map((x) => `<h3>${x.heading}</h3><p>${x.sentences.join(' ')}</p>`).join('') : w.noExplanation;
  return `<dl class="facts bill-facts">${facts}</dl>
<div class="bill-document">${doc}</div>
<h2>${w.headings.charges}</h2>${linesTable(p, v)}
<h2>${w.headings.use}</h2>${useSection(p, v)}
<h2>${w.headings.rate}</h2>${explained}`;
}

const fillBill = async (c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) => {
  const billId = c.req.query('bill') ?? '';
  let view: BillView;
  try {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(billId)) throw new ApiError(404, 'not_found', 'No such bill.');
    view = await billView(c.env.DB, usageShards(c.env), login.id, billId);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return c.redirect('/account/bills/?error=not_found', 303);
    throw err;
  }
  keepInSwitcher(c, { bill: billId });
  const p = await pageOf(c);
  const title = p.w.billFor(p.f.period(view.bill.periodStart, view.bill.periodEnd));
  return rewriter
    .on('title', text(`${title} | ${utility().name}`))
    .on('[data-fill="title"]', text(title))
    .on('[data-fill="bill"]', html(billHtml(p, view)));
};

function paymentStatus({ w, locale }: Page, pay: PaymentEntry) {
  if (pay.status === 'pending') return w.pending;
  if (pay.status === 'failed') return w.failed;
  return pay.postedOn && pay.postedOn !== pay.paidOn ? w.postedOn(day(pay.postedOn, locale)) : w.posted;
}

const fillPayments = async (c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) => {
  const choice = await chosenAccount(c, login);
  if (choice === 'refused') return c.redirect('/account/bills/payments/?error=not_found', 303);
  const p = await pageOf(c);
  const { w, f, locale } = p;
  if (!choice) return rewriter.on('[data-fill="payments"]', html(w.noAccount)).on('[data-fill="adjustments"]', html(''));
  const { chosen, all } = choice;
  keepInSwitcher(c, { account: chosen.accountId });
  const before = beforeOf(c);
  const [payments, adjustments] = await Promise.all([listPayments(c.env.DB, chosen.accountId, { before, limit: 24 }), listAdjustments(c.env.DB, chosen.accountId, { before: null, limit: 24 })]);
  const masked = mask(chosen.accountNumber);
  const q = `account=${encodeURIComponent(chosen.accountId)}`;
  const paymentRows = payments.payments
    .map(
      (pay) =>
        `<tr><th scope="row">${day(pay.paidOn, locale)}</th><td class="num">${e(f.money(pay.amountCents))}</td><td>${e(w.methods[pay.method])}${pay.throughPortal ? w.inPortal : ''}</td><td>${paymentStatus(p, pay)}</td><td><span class="reference">${e(pay.reference)}</span></td></tr>`,
    )
    .join('');
  const nav = pager(p, w.morePayments, before ? [`/account/bills/payments/?${q}`, w.newestPayments] : null, payments.next ? [`/account/bills/payments/?${q}&before=${encodeURIComponent(payments.next)}`, w.olderPayments] : null);
  const paymentsHtml = payments.payments.length
    ? `<div class="table-scroll"><table class="payments-table"><caption>${e(w.paymentsCaption(masked))}</caption>${columns(w.paymentColumns, [1])}<tbody>${paymentRows}</tbody></table></div>${nav}`
    : w.noPayments;
  const adjustmentsHtml = adjustments.adjustments.length
    ? `<div class="table-scroll"><table class="adjustments-table"><caption>${e(w.adjustmentsCaption(masked, adjustments.next ? adjustments.adjustments.length : null))}</caption>${columns(w.adjustmentColumns, [2])}<tbody>${adjustments.adjustments
        .map((a) => `<tr><th scope="row">${day(a.postedOn, locale)}</th><td>${p.utilityText(a.description)}</td><td class="num">${e(a.amountCents < 0 ? w.credit(f.money(-a.amountCents)) : f.money(a.amountCents))}</td></tr>`)
        .join('')}</tbody></table></div>`
    : w.noAdjustments;
  return rewriter
    .on('[data-fill="accounts"]', html(accountChoice(p, '/account/bills/payments/', all, chosen)))
    .on('[data-fill="payments"]', html(paymentsHtml))
    .on('[data-fill="adjustments"]', html(adjustmentsHtml));
};

export const billingPages = new Hono<AppEnv>()
  .on('GET', bothLanguages('/account/bills/'), signedInPage(fillBills))
  .on('GET', bothLanguages('/account/bills/detail/'), signedInPage(fillBill))
  .on('GET', bothLanguages('/account/bills/payments/'), signedInPage(fillPayments));
