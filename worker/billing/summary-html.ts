/**
 * Billing in a few lines of HTML: the balance and what is due, a period's use in a sentence, and
 * the dashboard's card per account. Apart from ./pages.ts so that the dashboard
 * (worker/accounts/pages.ts) can use it without the two page modules importing each other.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import type { SignedInLogin } from '../auth/sessions';
import { escapeHtml, html } from '../http/html';
import type { Balance, DueStatus } from './balance';
import { amountOf, longDate, money, period } from './format';
import { billingOverview, type AccountBilling } from './overview';
import { changeFromLastYear, type MeterUse } from './use';

const e = escapeHtml;
/** A utility-local day, readable and machine-readable. */
export const day = (d: string) => `<time datetime="${e(d)}">${e(longDate(d))}</time>`;
export const billHref = (id: string) => `/account/bills/detail/?bill=${encodeURIComponent(id)}`;
export const kindNames = { water: 'Water', electric: 'Electricity', gas: 'Gas' } as const;

/** The balance in a sentence or two: what is owed, by when, or the credit; and what is already paid but not posted. */
export function balanceHtml(balance: Pick<Balance, 'balanceCents' | 'pendingCents'>, due: DueStatus) {
  const lines: string[] = [];
  switch (due.state) {
    case 'credit':
      lines.push(`<p class="balance"><span class="balance-label">Balance</span> <strong class="balance-amount">${e(money(-due.creditCents))}</strong></p><p>You have a credit of ${e(money(due.creditCents))}: nothing to pay. It comes off your next bill.</p>`);
      break;
    case 'nothing_due':
      lines.push(`<p class="balance"><span class="balance-label">Balance</span> <strong class="balance-amount">${e(money(0))}</strong></p><p>Nothing to pay.</p>`);
      break;
    case 'due':
      lines.push(`<p class="balance"><span class="balance-label">Balance</span> <strong class="balance-amount">${e(money(due.amountCents))}</strong></p>${due.dueOn ? `<p>Due by ${day(due.dueOn)}.</p>` : ''}`);
      if (due.pastDueCents > 0) lines.push(`<p class="past-due">${e(money(due.pastDueCents))} of it is past due: please pay that now.</p>`);
      break;
    case 'past_due':
      lines.push(`<p class="balance"><span class="balance-label">Balance</span> <strong class="balance-amount">${e(money(due.amountCents))}</strong></p><p class="past-due">Past due: it was due by ${day(due.dueOn)}.</p>`);
      break;
  }
  if (balance.pendingCents > 0) lines.push(`<p class="hint">This already takes off ${e(money(balance.pendingCents))} you paid online that the utility has not posted yet.</p>`);
  return lines.join('');
}

export function useSentence(u: MeterUse, whose: 'your' | 'the') {
  const name = kindNames[u.kind];
  if (u.thisPeriod.value === null) return `${name} meter ${e(u.serial)}: no reads for this period yet.`;
  const amount = amountOf(u.thisPeriod.value, u.unit);
  const partial = u.thisPeriod.quality === 'incomplete' ? ' (some reads are missing)' : u.thisPeriod.quality === 'estimated' ? ' (partly estimated)' : '';
  const change = changeFromLastYear(u);
  const compare =
    change === null
      ? ''
      : change === 0
        ? ', about the same as the same days last year'
        : `, ${Math.abs(change)}% ${change < 0 ? 'less' : 'more'} than the same days last year (${e(amountOf(u.lastYear!.value!, u.unit))})`;
  return `${name} meter ${e(u.serial)}: ${whose === 'your' ? 'you used' : 'the account used'} ${e(amount)}${partial}${compare}.`;
}

const optionWords = { autopay: { off: 'Off', pending: 'Being set up', active: 'On' } } as const;

/** One card per account whose bills the login may see, for the dashboard. */
export function billingCardsHtml(accounts: AccountBilling[]) {
  if (!accounts.length) return '';
  const cards = accounts.map((a, i) => {
    const last = a.lastBill
      ? `<a href="${e(billHref(a.lastBill.id))}">${e(money(a.lastBill.amountCents))} for ${e(period(a.lastBill.periodStart, a.lastBill.periodEnd))}</a>, issued ${day(a.lastBill.issuedOn)}`
      : 'No bill yet.';
    const use = a.use?.length ? `<dt>Use in that period</dt><dd><ul class="plain">${a.use.map((u) => `<li>${useSentence(u, 'your')}</li>`).join('')}</ul></dd>` : '';
    const q = `?account=${encodeURIComponent(a.accountId)}`;
    return `<li class="account-card balance-card"><h3 id="billing-account-${i}">Account <span class="account-number">${e(a.number)}</span></h3>
${balanceHtml(a.balance, a.due)}
<dl class="facts"><dt>Last bill</dt><dd>${last}</dd>
<dt>Paperless billing</dt><dd>${a.options.paperless ? 'On' : 'Off'}</dd>
<dt>Autopay</dt><dd>${optionWords.autopay[a.options.autopay]}</dd>${use}</dl>
<p class="card-links"><a href="/account/bills/${q}" aria-describedby="billing-account-${i}">All bills</a> · <a href="/account/bills/payments/${q}" aria-describedby="billing-account-${i}">Payment history</a> · <a href="/account/pay/" aria-describedby="billing-account-${i}">Pay, autopay and paperless</a></p></li>`;
  });
  return `<section class="billing-summary" aria-labelledby="billing-heading"><h2 id="billing-heading">Bills and payments</h2><ul class="cards billing-cards">${cards.join('\n')}</ul></section>`;
}

/** The dashboard's billing section (called by worker/accounts/pages.ts). */
export async function withBillingCards(c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) {
  const accounts = await billingOverview(c.env.DB, login.id);
  return rewriter.on('[data-fill="billing"]', html(billingCardsHtml(accounts)));
}
