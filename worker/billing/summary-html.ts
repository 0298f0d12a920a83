/**
 * Billing in a few lines of HTML, in the page's language: the balance and what is due, a period's
 * use in a sentence, and the dashboard's card per account. Apart from ./pages.ts so that the
 * dashboard (worker/accounts/pages.ts) can use it without the two page modules importing each other.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import type { SignedInLogin } from '../auth/sessions';
import { escapeHtml, html } from '../http/html';
import type { Locale } from '../i18n/locale';
import { englishLinks, pageLinks, type PageLinks } from '../i18n/page-links';
import type { Balance, DueStatus } from './balance';
import { billingFormatsFor } from './format';
import { billingOverview, type AccountBilling } from './overview';
import { usageShards } from '../usage/shards';
import { changeFromLastYear, type MeterUse } from './use';

const e = escapeHtml;
/** A utility-local day, readable and machine-readable. */
export const day = (d: string, locale: Locale = 'en') => `<time datetime="${e(d)}">${e(billingFormatsFor(locale).longDate(d))}</time>`;
export const billHref = (id: string) => `/account/bills/detail/?bill=${encodeURIComponent(id)}`;
export const kindNames = { water: 'Water', electric: 'Electricity', gas: 'Gas' } as const;

const words = {
  en: {
    balance: 'Balance',
    credit: (amount: string) => `You have a credit of ${amount}: nothing to pay. It comes off your next bill.`,
    nothing: 'Nothing to pay.',
    dueBy: (on: string) => `Due by ${on}.`,
    partPastDue: (amount: string) => `${amount} of it is past due: please pay that now.`,
    pastDue: (on: string) => `Past due: it was due by ${on}.`,
    pending: (amount: string) => `This already takes off ${amount} you paid online that the utility has not posted yet.`,
    kinds: kindNames as Record<keyof typeof kindNames, string>,
    noReads: (kind: string, serial: string) => `${kind} meter ${serial}: no reads for this period yet.`,
    incomplete: ' (some reads are missing)',
    estimated: ' (partly estimated)',
    sameAsLastYear: ', about the same as the same days last year',
    change: (pct: number, less: boolean, before: string) => `, ${pct}% ${less ? 'less' : 'more'} than the same days last year (${before})`,
    used: (kind: string, serial: string, whose: 'your' | 'the', amount: string) => `${kind} meter ${serial}: ${whose === 'your' ? 'you used' : 'the account used'} ${amount}`,
    lastBill: (amount: string, period: string) => `${amount} for ${period}`,
    issued: 'issued',
    noBill: 'No bill yet.',
    useInPeriod: 'Use in that period',
    account: 'Account',
    lastBillLabel: 'Last bill',
    paperless: 'Paperless billing',
    autopay: 'Autopay',
    onOff: { on: 'On', off: 'Off' },
    autopayStates: { off: 'Off', pending: 'Being set up', active: 'On' },
    allBills: 'All bills',
    payments: 'Payment history',
    pay: 'Pay, autopay and paperless',
    heading: 'Bills and payments',
  },
  es: {
    balance: 'Saldo',
    credit: (amount: string) => `Tiene un crédito de ${amount}: no tiene nada que pagar. Se descuenta de su próxima factura.`,
    nothing: 'No tiene nada que pagar.',
    dueBy: (on: string) => `Vence el ${on}.`,
    partPastDue: (amount: string) => `${amount} ya está vencido: por favor, páguelo ahora.`,
    pastDue: (on: string) => `Vencido: debía pagarse a más tardar el ${on}.`,
    pending: (amount: string) => `Ya se descuentan ${amount} que pagó en línea y que la empresa todavía no registró.`,
    kinds: { water: 'agua', electric: 'electricidad', gas: 'gas' },
    noReads: (kind: string, serial: string) => `Medidor de ${kind} ${serial}: todavía no hay lecturas de este período.`,
    incomplete: ' (faltan algunas lecturas)',
    estimated: ' (en parte estimado)',
    sameAsLastYear: ', más o menos lo mismo que en los mismos días del año pasado',
    change: (pct: number, less: boolean, before: string) => `, un ${pct} % ${less ? 'menos' : 'más'} que en los mismos días del año pasado (${before})`,
    used: (kind: string, serial: string, whose: 'your' | 'the', amount: string) => `Medidor de ${kind} ${serial}: ${whose === 'your' ? 'usted usó' : 'la cuenta usó'} ${amount}`,
    lastBill: (amount: string, period: string) => `${amount} por ${period}`,
    issued: 'emitida el',
    noBill: 'Todavía no hay facturas.',
    useInPeriod: 'Consumo en ese período',
    account: 'Cuenta',
    lastBillLabel: 'Última factura',
    paperless: 'Factura sin papel',
    autopay: 'Pago automático',
    onOff: { on: 'Activada', off: 'Desactivada' },
    autopayStates: { off: 'Desactivado', pending: 'En preparación', active: 'Activado' },
    allBills: 'Todas las facturas',
    payments: 'Historial de pagos',
    pay: 'Pagar, pago automático y factura sin papel',
    heading: 'Facturas y pagos',
  },
} satisfies Record<Locale, unknown>;

/** The balance in a sentence or two: what is owed, by when, or the credit; and what is already paid but not posted. */
export function balanceHtml(balance: Pick<Balance, 'balanceCents' | 'pendingCents'>, due: DueStatus, locale: Locale = 'en') {
  const w = words[locale];
  const { money } = billingFormatsFor(locale);
  const amount = (cents: number) => `<p class="balance"><span class="balance-label">${w.balance}</span> <strong class="balance-amount">${e(money(cents))}</strong></p>`;
  const lines: string[] = [];
  switch (due.state) {
    case 'credit':
      lines.push(`${amount(-due.creditCents)}<p>${e(w.credit(money(due.creditCents)))}</p>`);
      break;
    case 'nothing_due':
      lines.push(`${amount(0)}<p>${w.nothing}</p>`);
      break;
    case 'due':
      lines.push(`${amount(due.amountCents)}${due.dueOn ? `<p>${w.dueBy(day(due.dueOn, locale))}</p>` : ''}`);
      if (due.pastDueCents > 0) lines.push(`<p class="past-due">${e(w.partPastDue(money(due.pastDueCents)))}</p>`);
      break;
    case 'past_due':
      lines.push(`${amount(due.amountCents)}<p class="past-due">${w.pastDue(day(due.dueOn, locale))}</p>`);
      break;
  }
  if (balance.pendingCents > 0) lines.push(`<p class="hint">${e(w.pending(money(balance.pendingCents)))}</p>`);
  return lines.join('');
}

/** A period's use of one meter in a sentence (HTML: the serial is escaped). */
export function useSentence(u: MeterUse, whose: 'your' | 'the', locale: Locale = 'en') {
  const w = words[locale];
  const { amountOf } = billingFormatsFor(locale);
  const name = w.kinds[u.kind];
  if (u.thisPeriod.value === null) return w.noReads(name, e(u.serial));
  const amount = amountOf(u.thisPeriod.value, u.unit);
  const partial = u.thisPeriod.quality === 'incomplete' ? w.incomplete : u.thisPeriod.quality === 'estimated' ? w.estimated : '';
  const change = changeFromLastYear(u);
  const compare = change === null ? '' : change === 0 ? w.sameAsLastYear : w.change(Math.abs(change), change < 0, e(amountOf(u.lastYear!.value!, u.unit)));
  return `${w.used(name, e(u.serial), whose, e(amount))}${partial}${compare}.`;
}

/** One card per account whose bills the login may see, for the dashboard. */
export function billingCardsHtml(accounts: AccountBilling[], links: PageLinks = englishLinks) {
  if (!accounts.length) return '';
  const locale = links.locale;
  const w = words[locale];
  const { money, period } = billingFormatsFor(locale);
  const cards = accounts.map((a, i) => {
    const last = a.lastBill
      ? `${links.a(billHref(a.lastBill.id), e(w.lastBill(money(a.lastBill.amountCents), period(a.lastBill.periodStart, a.lastBill.periodEnd))))}, ${w.issued} ${day(a.lastBill.issuedOn, locale)}`
      : w.noBill;
    const use = a.use?.length ? `<dt>${w.useInPeriod}</dt><dd><ul class="plain">${a.use.map((u) => `<li>${useSentence(u, 'your', locale)}</li>`).join('')}</ul></dd>` : '';
    const q = `?account=${encodeURIComponent(a.accountId)}`;
    const link = (path: string, label: string) => links.a(path, label, ` aria-describedby="billing-account-${i}"`);
    return `<li class="account-card balance-card"><h3 id="billing-account-${i}">${w.account} <span class="account-number">${e(a.number)}</span></h3>
${balanceHtml(a.balance, a.due, locale)}
<dl class="facts"><dt>${w.lastBillLabel}</dt><dd>${last}</dd>
<dt>${w.paperless}</dt><dd>${a.options.paperless ? w.onOff.on : w.onOff.off}</dd>
<dt>${w.autopay}</dt><dd>${w.autopayStates[a.options.autopay]}</dd>${use}</dl>
<p class="card-links">${link(`/account/bills/${q}`, w.allBills)} · ${link(`/account/bills/payments/${q}`, w.payments)} · ${link('/account/pay/', w.pay)}</p></li>`;
  });
  return `<section class="billing-summary" aria-labelledby="billing-heading"><h2 id="billing-heading">${w.heading}</h2><ul class="cards billing-cards">${cards.join('\n')}</ul></section>`;
}

/** The dashboard's billing section (called by worker/accounts/pages.ts), in the page's language. */
export async function withBillingCards(c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter, links?: PageLinks) {
  const accounts = await billingOverview(c.env.DB, usageShards(c.env), login.id);
  return rewriter.on('[data-fill="billing"]', html(billingCardsHtml(accounts, links ?? (await pageLinks(c)))));
}
