/**
 * The bill pages (static shells in site/pages/account/bills/) filled on the server with
 * HTMLRewriter, like the other account pages: they work without JavaScript and the data never
 * sits in a cached file. The dashboard's billing cards are in ./summary-html.ts.
 *
 *   /account/bills/?account=…[&before=…]           balance and the account's bills, paged
 *   /account/bills/detail/?bill=…                   one bill: charges, use, rate explained, document
 *   /account/bills/payments/?account=…[&before=…]   payment history, charges and credits outside bills
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from '../app-types';
import type { SignedInLogin } from '../auth/sessions';
import { signedInPage } from '../accounts/pages';
import { escapeHtml, html, text } from '../http/html';
import { ApiError } from '../http/errors';
import { utility } from '../shared/utility';
import { localDay } from '../usage/time';
import { unitLabels } from '../usage/units';
import { dueStatus, readBalance } from './balance';
import { listBills, type BillSummary } from './bills';
import { billView, type BillView } from './detail';
import { amountOf, fileSize, money, period, quantity, unitPrice } from './format';
import { listAdjustments, listPayments, type PaymentEntry } from './history';
import { billingGrantsStatement } from './overview';
import { balanceHtml, billHref, day, kindNames } from './summary-html';
import { decodeCursor } from './paging';
import { changeFromLastYear } from './use';

const e = escapeHtml;
const documentHref = (id: string) => `/api/billing/bills/${encodeURIComponent(id)}/document`;

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

function accountChoice(path: string, all: Grant[], chosen: Grant) {
  if (all.length < 2) return '';
  const mask = (n: string) => `•••• ${n.slice(-4)}`;
  return `<nav class="account-choice" aria-label="Accounts"><ul>${all
    .map((g) => `<li><a href="${path}?account=${encodeURIComponent(g.accountId)}"${g.accountId === chosen.accountId ? ' aria-current="page"' : ''}>Account ${e(mask(g.accountNumber))}</a></li>`)
    .join('')}</ul></nav>`;
}

const noAccount = '<p>No utility account whose bills you may see is linked to this login.</p>';

function billsTable(bills: BillSummary[], caption: string) {
  if (!bills.length) return '<p>There are no bills for this account yet.</p>';
  const rows = bills
    .map((b) => {
      const doc = b.document
        ? `<a href="${e(documentHref(b.id))}">PDF, ${e(fileSize(b.document.sizeBytes))}<span class="visually-hidden"> (bill for ${e(period(b.periodStart, b.periodEnd))})</span></a>`
        : '<span class="hint">None sent</span>';
      return `<tr><th scope="row"><a href="${e(billHref(b.id))}">${e(period(b.periodStart, b.periodEnd))}</a></th><td>${day(b.issuedOn)}</td><td>${day(b.dueOn)}</td><td class="num">${e(money(b.amountCents))}</td><td>${doc}</td></tr>`;
    })
    .join('');
  return `<div class="table-scroll"><table class="bills-table"><caption>${e(caption)}</caption><thead><tr><th scope="col">Billing period</th><th scope="col">Issued</th><th scope="col">Due</th><th scope="col" class="num">Amount</th><th scope="col">Document</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** `before` from the query: a valid cursor, or null; a forged one is refused by the API, here it simply starts over. */
const beforeOf = (c: Context<AppEnv>) => {
  const v = c.req.query('before');
  return v ? decodeCursor(v) : null;
};

const fillBills = async (c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) => {
  const choice = await chosenAccount(c, login);
  if (choice === 'refused') return c.redirect('/account/bills/?error=not_found', 303);
  if (!choice) return rewriter.on('[data-fill="summary"]', html(noAccount)).on('[data-fill="bills"]', html(''));
  const { chosen, all } = choice;
  const before = beforeOf(c);
  const [balance, page] = await Promise.all([readBalance(c.env.DB, chosen.accountId), listBills(c.env.DB, chosen.accountId, { before, limit: 24 })]);
  const latest = before ? (await listBills(c.env.DB, chosen.accountId, { before: null, limit: 1 })).bills[0] : page.bills[0];
  const due = dueStatus(balance.balanceCents, latest ?? null, localDay(Date.now(), chosen.timeZone));
  const q = `account=${encodeURIComponent(chosen.accountId)}`;
  const nav = [
    before ? `<a href="/account/bills/?${q}">Newest bills</a>` : '',
    page.next ? `<a href="/account/bills/?${q}&amp;before=${encodeURIComponent(page.next)}" rel="next">Older bills</a>` : '',
  ].filter(Boolean);
  const mask = `•••• ${chosen.accountNumber.slice(-4)}`;
  return rewriter
    .on('[data-fill="accounts"]', html(accountChoice('/account/bills/', all, chosen)))
    .on('[data-fill="summary"]', html(`<h2 id="balance-heading">Account <span class="account-number">${e(mask)}</span></h2>${balanceHtml(balance, due)}<p><a href="/account/pay/">Pay, autopay and paperless billing</a> · <a href="/account/bills/payments/?${q}">Payment history</a></p>`))
    .on('[data-fill="bills"]', html(`${billsTable(page.bills, `Bills for account ${mask}, newest first`)}${nav.length ? `<nav class="pager" aria-label="More bills"><p>${nav.join(' · ')}</p></nav>` : ''}`));
};

function linesTable(v: BillView) {
  const { bill } = v;
  if (!bill.lines.length) return '<p>The utility sent this bill\'s total only, without its charges line by line. The bill document, when there is one, shows them.</p>';
  const rows = bill.lines
    .map((l) => {
      const qty = l.quantity !== null && l.unit ? amountOf(l.quantity, l.unit) : '';
      const rate = l.taxRatePercent !== null ? `${quantity(l.taxRatePercent)}%` : l.unitPrice !== null ? `${unitPrice(l.unitPrice)} per ${l.unit ? (l.unit === 'ccf' ? 'CCF' : l.unit) : 'unit'}` : '';
      return `<tr><th scope="row">${e(l.description)}</th><td class="num">${e(qty)}</td><td class="num">${e(rate)}</td><td class="num">${e(money(l.amountCents))}</td></tr>`;
    })
    .join('');
  return `<div class="table-scroll"><table class="bill-lines"><caption>Charges on this bill</caption><thead><tr><th scope="col">Charge</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Rate</th><th scope="col" class="num">Amount</th></tr></thead><tbody>${rows}</tbody><tfoot><tr><th scope="row" colspan="3">New charges</th><td class="num">${e(money(bill.amountCents))}</td></tr></tfoot></table></div>`;
}

function useSection(v: BillView) {
  if (v.use === null) return '<p>You may see this account\'s bills, but not its meter reads: the account holder did not share usage with you.</p>';
  if (!v.use.length) return '<p>No meter of this account was read in this period.</p>';
  const rows = v.use
    .map((u) => {
      const held = u.period.start !== v.bill.periodStart || u.period.end !== v.bill.periodEnd ? ` (${period(u.period.start, u.period.end)}: the days this account held the service)` : '';
      const now = u.thisPeriod.value === null ? 'No reads' : `${amountOf(u.thisPeriod.value, u.unit)}${u.thisPeriod.quality === 'incomplete' ? ' (reads missing)' : u.thisPeriod.quality === 'estimated' ? ' (partly estimated)' : ''}${held}`;
      const before =
        u.lastYear === null
          ? u.lastYearNote === 'meter_not_installed'
            ? 'The meter was not installed yet'
            : u.lastYearNote === 'not_held_then'
              ? 'Not shown: this account did not hold this service then'
              : 'Not shown: this account was not billed for those days'
          : u.lastYear.value === null
            ? 'No reads'
            : amountOf(u.lastYear.value, u.unit);
      const change = changeFromLastYear(u);
      return `<tr><th scope="row">${kindNames[u.kind]} meter ${e(u.serial)}</th><td class="num">${e(now)}</td><td class="num">${e(before)}</td><td class="num">${change === null ? '—' : `${change > 0 ? '+' : ''}${change}%`}</td></tr>`;
    })
    .join('');
  const units = [...new Set(v.use.map((u) => unitLabels[u.unit]))].join(', ');
  return `<div class="table-scroll"><table class="bill-use"><caption>Use from ${e(period(v.bill.periodStart, v.bill.periodEnd))}, in ${e(units)}, beside the same days a year before</caption><thead><tr><th scope="col">Meter</th><th scope="col" class="num">This period</th><th scope="col" class="num">Same days last year</th><th scope="col" class="num">Change</th></tr></thead><tbody>${rows}</tbody></table></div><p class="no-print"><a href="/account/usage/?${e(new URLSearchParams({ from: v.bill.periodStart, to: v.bill.periodEnd }).toString())}">See this period's use day by day</a></p>`;
}

function billHtml(v: BillView) {
  const b = v.bill;
  const facts = [
    `<dt>Account</dt><dd><span class="account-number">${e(v.accountNumber)}</span></dd>`,
    ...v.serviceAddresses.map((a) => `<dt>Service address</dt><dd>${e(a)}</dd>`),
    b.billNumber ? `<dt>Bill number</dt><dd>${e(b.billNumber)}</dd>` : '',
    `<dt>Billing period</dt><dd>${day(b.periodStart)} to ${day(b.periodEnd)}</dd>`,
    `<dt>Issued</dt><dd>${day(b.issuedOn)}</dd>`,
    `<dt>Due</dt><dd>${day(b.dueOn)}</dd>`,
    b.previousBalanceCents !== null ? `<dt>Balance before this bill</dt><dd>${e(money(b.previousBalanceCents))}</dd>` : '',
    `<dt>New charges</dt><dd>${e(money(b.amountCents))}</dd>`,
    b.totalDueCents !== null ? `<dt>Total due on this bill</dt><dd>${e(money(b.totalDueCents))}</dd>` : '',
  ].join('');
  const doc = b.document
    ? `<p><a class="document-link" href="${e(documentHref(b.id))}">Open the bill as the utility sent it (PDF, ${e(fileSize(b.document.sizeBytes))})</a></p>`
    : `<p>The utility sent no document for this bill. This page has all of its detail and prints as a bill: use your browser's print command.</p><p class="no-print"><button type="button" data-print hidden>Print this bill</button></p>`;
  const explained = v.explanation.length
    ? v.explanation.map((x) => `<h3>${e(x.heading)}</h3><p>${x.sentences.map(e).join(' ')}</p>`).join('')
    : '<p>The rate can be explained once the utility sends this bill\'s charges line by line.</p>';
  return `<dl class="facts bill-facts">${facts}</dl>
<div class="bill-document">${doc}</div>
<h2>Charges</h2>${linesTable(v)}
<h2>Your use</h2>${useSection(v)}
<h2>Your rate, explained</h2>${explained}`;
}

const fillBill = async (c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) => {
  const billId = c.req.query('bill') ?? '';
  let view: BillView;
  try {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(billId)) throw new ApiError(404, 'not_found', 'No such bill.');
    view = await billView(c.env.DB, login.id, billId);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return c.redirect('/account/bills/?error=not_found', 303);
    throw err;
  }
  const title = `Bill for ${period(view.bill.periodStart, view.bill.periodEnd)}`;
  return rewriter
    .on('title', text(`${title} | ${utility.name}`))
    .on('[data-fill="title"]', text(title))
    .on('[data-fill="bill"]', html(billHtml(view)));
};

const methodWords: Record<PaymentEntry['method'], string> = { card: 'Card', bank: 'Bank account', check: 'Check', cash: 'Cash', autopay: 'Autopay', other: 'Other' };

function paymentStatus(p: PaymentEntry) {
  if (p.status === 'pending') return 'Received online; the utility has not posted it yet (it is already off your balance)';
  if (p.status === 'failed') return 'Did not go through';
  return p.postedOn && p.postedOn !== p.paidOn ? `Posted ${day(p.postedOn)}` : 'Posted';
}

const fillPayments = async (c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) => {
  const choice = await chosenAccount(c, login);
  if (choice === 'refused') return c.redirect('/account/bills/payments/?error=not_found', 303);
  if (!choice) return rewriter.on('[data-fill="payments"]', html(noAccount)).on('[data-fill="adjustments"]', html(''));
  const { chosen, all } = choice;
  const before = beforeOf(c);
  const [payments, adjustments] = await Promise.all([listPayments(c.env.DB, chosen.accountId, { before, limit: 24 }), listAdjustments(c.env.DB, chosen.accountId, { before: null, limit: 24 })]);
  const mask = `•••• ${chosen.accountNumber.slice(-4)}`;
  const q = `account=${encodeURIComponent(chosen.accountId)}`;
  const paymentRows = payments.payments
    .map(
      (p) =>
        `<tr><th scope="row">${day(p.paidOn)}</th><td class="num">${e(money(p.amountCents))}</td><td>${e(methodWords[p.method])}${p.throughPortal ? ' (in this portal)' : ''}</td><td>${paymentStatus(p)}</td><td><span class="reference">${e(p.reference)}</span></td></tr>`,
    )
    .join('');
  const nav = [before ? `<a href="/account/bills/payments/?${q}">Newest payments</a>` : '', payments.next ? `<a href="/account/bills/payments/?${q}&amp;before=${encodeURIComponent(payments.next)}" rel="next">Older payments</a>` : ''].filter(Boolean);
  const paymentsHtml = payments.payments.length
    ? `<div class="table-scroll"><table class="payments-table"><caption>Payments on account ${e(mask)}, newest first</caption><thead><tr><th scope="col">Paid</th><th scope="col" class="num">Amount</th><th scope="col">How</th><th scope="col">Status</th><th scope="col">Reference</th></tr></thead><tbody>${paymentRows}</tbody></table></div>${nav.length ? `<nav class="pager" aria-label="More payments"><p>${nav.join(' · ')}</p></nav>` : ''}`
    : '<p>No payments are recorded for this account yet.</p>';
  const adjustmentsHtml = adjustments.adjustments.length
    ? `<div class="table-scroll"><table class="adjustments-table"><caption>Charges and credits outside bills on account ${e(mask)}, newest first${adjustments.next ? ` (the latest ${adjustments.adjustments.length})` : ''}</caption><thead><tr><th scope="col">Posted</th><th scope="col">What</th><th scope="col" class="num">Amount</th></tr></thead><tbody>${adjustments.adjustments
        .map((a) => `<tr><th scope="row">${day(a.postedOn)}</th><td>${e(a.description)}</td><td class="num">${a.amountCents < 0 ? `${e(money(-a.amountCents))} credit` : e(money(a.amountCents))}</td></tr>`)
        .join('')}</tbody></table></div>`
    : '<p>None.</p>';
  return rewriter
    .on('[data-fill="accounts"]', html(accountChoice('/account/bills/payments/', all, chosen)))
    .on('[data-fill="payments"]', html(paymentsHtml))
    .on('[data-fill="adjustments"]', html(adjustmentsHtml));
};

export const billingPages = new Hono<AppEnv>()
  .get('/account/bills/', signedInPage(fillBills))
  .get('/account/bills/detail/', signedInPage(fillBill))
  .get('/account/bills/payments/', signedInPage(fillPayments));

