/**
 * The pay pages are static Astro shells (site/pages/account/pay/, site/pages/pay/) that the worker
 * fills with HTMLRewriter, as the account pages are: they work without JavaScript and the data never
 * sits in a cached file. The return pages show only what the verified webhook recorded.
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-types';
import { accessibleAccounts, grantAllows, grantSql } from '../auth/account-access';
import type { SignedInLogin } from '../auth/sessions';
import { maskAccountNumber } from '../accounts/client';
import { codedMessage, send, shellFor, signedInPage, withMessage } from '../accounts/pages';
import { escapeHtml } from '../http/html';
import { paymentErrorMessages, paymentStatusMessages } from '../shared/payment-forms';
import { paymentErrorMessagesEs, paymentStatusMessagesEs } from '../shared/payment-messages-es';
import { bothLanguages } from '../i18n/locale';
import { utility } from '../shared/utility';
import { formatDollars, paymentBounds, type PaymentBounds } from './amount';
import { amountDueCents } from './amount-due';
import { orm } from './d1';
import { billingOptionsFor } from './options';
import { isPaymentReference } from './references';

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: utility.timeZone });
const when = (iso: string) => `<time datetime="${escapeHtml(iso)}">${escapeHtml(dateTime.format(new Date(iso)))}</time>`;
const dollarsInput = (cents: number) => (Math.max(cents, 0) / 100).toFixed(2);

/** The pay pages' message from the query's codes, in the page's language; the account pages' texts fill the gaps. */
const messageFor = codedMessage({
  en: { status: paymentStatusMessages, errors: paymentErrorMessages, fields: { amount: 'Amount' } },
  es: { status: paymentStatusMessagesEs, errors: paymentErrorMessagesEs, fields: { amount: 'Importe' } },
});

const html = (value: string) => ({ element: (el: Element) => void el.setInnerContent(value, { html: true }) });
const text = (value: string) => ({ element: (el: Element) => void el.setInnerContent(value) });
const attr = (name: string, value: string) => ({ element: (el: Element) => void el.setAttribute(name, value) });

const intentStatusText: Record<string, string> = {
  open: 'started, not completed',
  processing: 'being processed by the bank',
  paid: 'paid',
  failed: 'did not go through',
  expired: 'not completed',
};

type AccountRow = { id: string; number: string; relationship: string; can_view_billing: number; can_manage: number };

async function fillPay(c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) {
  const db = c.env.DB;
  const grants = (await accessibleAccounts(orm(db), login.id)).filter((g) => grantAllows(g, 'pay'));
  if (!grants.length) return rewriter.on('[data-fill="pay-accounts"]', html('<p>No utility account you may pay is linked to this login.</p>'));
  const { results: accounts } = await db
    .prepare(
      `SELECT a.id, a.account_number AS number, g.relationship, g.can_view_billing, g.can_manage
         FROM account_access g JOIN accounts a ON a.id = g.account_id
        WHERE g.login_id = ?1 AND a.id IN (SELECT value FROM json_each(?2)) ORDER BY a.account_number`,
    )
    .bind(login.id, JSON.stringify(grants.map((g) => g.accountId)))
    .all<AccountRow>();
  const options = await billingOptionsFor(db, accounts.map((a) => a.id));
  const sections: string[] = [];
  for (const [i, a] of accounts.entries()) {
    const due = await amountDueCents(db, a.id);
    const bounds = paymentBounds(due);
    const mayArrange = a.relationship === 'holder' || a.can_manage === 1;
    const opts = options.get(a.id)!;
    const { results: recent } = await db
      .prepare(`SELECT id, amount_cents, status, created_at, completed_at FROM payment_intents WHERE account_id = ?1 AND status <> 'open' ORDER BY created_at DESC LIMIT 5`)
      .bind(a.id)
      .all<{ id: string; amount_cents: number; status: string; created_at: string; completed_at: string | null }>();
    const hidden = `<input type="hidden" name="account" value="${escapeHtml(a.id)}">`;
    const autopay =
      opts.autopay === 'active'
        ? `<p>Autopay is <strong>on</strong>: your saved payment method pays each bill on its due date.</p>${mayArrange ? `<form method="post" action="/api/payments/autopay/end">${hidden}<button type="submit" class="secondary">Turn off autopay</button></form>` : ''}`
        : `<p>Autopay is <strong>${opts.autopay === 'pending' ? 'being set up' : 'off'}</strong>.</p>${mayArrange ? `<form method="post" action="/api/payments/autopay">${hidden}<button type="submit" class="secondary">Set up autopay on the processor's page</button></form>` : ''}`;
    const paperless = `<p>Paperless billing is <strong>${opts.paperless ? 'on' : 'off'}</strong>${opts.paperless ? ': we e-mail you when a bill is ready and mail no paper bill.' : ': bills come by mail.'}</p>${
      mayArrange
        ? `<form method="post" action="/api/payments/paperless">${hidden}<input type="hidden" name="paperless" value="${opts.paperless ? 'off' : 'on'}"><button type="submit" class="secondary">${opts.paperless ? 'Mail me paper bills again' : 'Go paperless'}</button></form><p class="hint">The same choice is in your <a href="/account/preferences/?account=${escapeHtml(encodeURIComponent(a.id))}">messages and preferences</a>.</p>`
        : ''
    }`;
    const history = recent.length
      ? `<ul class="pay-history">${recent
          .map((p) => `<li>${when(p.completed_at ?? p.created_at)}: ${escapeHtml(formatDollars(p.amount_cents))}, ${escapeHtml(intentStatusText[p.status] ?? p.status)} <span class="reference">(reference ${escapeHtml(p.id)})</span></li>`)
          .join('')}</ul>`
      : '<p>No payments made here yet.</p>';
    sections.push(`<section class="pay-account" aria-labelledby="pay-account-${i}">
<h2 id="pay-account-${i}">Account <span class="account-number">${escapeHtml(maskAccountNumber(a.number))}</span></h2>
<p class="amount-due">Amount due now: <strong data-amount-due>${escapeHtml(formatDollars(due))}</strong>${due < 0 ? ' (a credit)' : ''}</p>
<form method="post" action="/api/payments/checkout" class="pay-form">${hidden}
<div class="field"><label for="amount-${i}">Amount to pay, in dollars</label><p class="hint" id="amount-${i}-hint">From ${escapeHtml(formatDollars(bounds.minCents))} to ${escapeHtml(formatDollars(bounds.maxCents))}.</p>
<input id="amount-${i}" name="amount" inputmode="decimal" autocomplete="off" required maxlength="12" value="${escapeHtml(dollarsInput(due > 0 ? due : 0))}" aria-describedby="amount-${i}-hint"></div>
<button type="submit">Continue to secure payment</button></form>
<h3>Autopay</h3>${autopay}
<h3>Paperless billing</h3>${paperless}${mayArrange ? '' : '<p class="hint">Only the account holder, or someone they allowed to manage the account, can change autopay or paperless billing.</p>'}
<h3>Payments made here</h3>${history}
</section>`);
  }
  return rewriter.on('[data-fill="pay-accounts"]', html(sections.join('\n')));
}

async function fillReturn(c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) {
  const reference = c.req.query('payment');
  const db = c.env.DB;
  const intent = isPaymentReference(reference)
    ? await db
        .prepare(
          `SELECT p.id, p.amount_cents, p.status, p.completed_at, a.account_number
             FROM payment_intents p JOIN accounts a ON a.id = p.account_id
             JOIN account_access g ON g.account_id = p.account_id AND g.login_id = ?2 AND ${grantSql('g', 'billing')}
            WHERE p.id = ?1`,
        )
        .bind(reference, login.id)
        .first<{ id: string; amount_cents: number; status: string; completed_at: string | null; account_number: string }>()
    : null;
  let body: string;
  let heading = 'Your payment';
  if (!intent) {
    body = '<p>We found no payment with that reference on your accounts. <a href="/account/pay/">Go to payments</a>.</p>';
  } else {
    const amount = escapeHtml(formatDollars(intent.amount_cents));
    const about = `<p>${amount} for account <span class="account-number">${escapeHtml(maskAccountNumber(intent.account_number))}</span>, reference <span class="reference">${escapeHtml(intent.id)}</span>.</p>`;
    if (intent.status === 'paid') {
      heading = 'Payment received';
      body = `<p class="message message-status" role="status">Thank you. The payment processor confirmed your payment${intent.completed_at ? ` on ${when(intent.completed_at)}` : ''}.</p>${about}<p>It already counts in the amount due shown here; the utility records it on your account within two business days.</p>`;
    } else if (intent.status === 'processing') {
      heading = 'Payment being processed';
      body = `${about}<p>Your bank payment is on its way. Bank payments take up to four business days; it shows as paid when the processor confirms it.</p>`;
    } else if (intent.status === 'open') {
      heading = 'Waiting for confirmation';
      body = `${about}<p>We have not heard from the payment processor yet. This usually takes a few seconds. <a href="/account/pay/return/?payment=${escapeHtml(intent.id)}">Check again</a>.</p>`;
    } else {
      heading = 'Payment not completed';
      body = `${about}<p>The payment did not go through, and nothing was charged. <a href="/account/pay/">Try again</a>.</p>`;
    }
  }
  return rewriter.on('[data-fill="heading"]', text(heading)).on('[data-fill="payment"]', html(body));
}

/** The answer to a plain-form look-up: the amount due and the form that hands off, nothing else about the account. */
export async function guestConfirmPage(c: Context<AppEnv>, p: { accountNumber: string; serviceZip: string; amountDueCents: number; bounds: PaymentBounds }) {
  // The look-up is an API call: its answer is the confirmation page in the language of the page that sent it.
  const spanish = c.get('locale') === 'es';
  const asset = await shellFor(c, spanish ? '/es/pay/confirm/' : '/pay/confirm/');
  if (!asset.ok) return new Response(asset.body, asset);
  const [from, to] = [formatDollars(p.bounds.minCents), formatDollars(p.bounds.maxCents)];
  const rewriter = new HTMLRewriter()
    .on('[data-fill="amount-due"]', text(formatDollars(p.amountDueCents)))
    .on('[data-fill="bounds"]', text(spanish ? `De ${from} a ${to}.` : `From ${from} to ${to}.`))
    .on('input[name="accountNumber"]', attr('value', p.accountNumber))
    .on('input[name="serviceZip"]', attr('value', p.serviceZip))
    .on('input[name="amount"]', attr('value', dollarsInput(p.amountDueCents)));
  const res = send(c, asset, rewriter, 200);
  res.headers.set('Content-Language', c.get('locale'));
  return res;
}

const publicPage = async (c: Context<AppEnv>) => {
  const asset = await shellFor(c);
  if (!asset.ok) return new Response(asset.body, asset);
  // The public pay pages' message slot (signed-in pages get theirs from signedInPage, with the same codes).
  return send(c, asset, withMessage(c, new HTMLRewriter(), messageFor(c)));
};

export const paymentPages = new Hono<AppEnv>()
  .get('/account/pay/', signedInPage(fillPay, { message: messageFor }))
  .get('/account/pay/return/', signedInPage(fillReturn, { message: messageFor }))
  .on(['GET'], bothLanguages('/pay/'), publicPage)
  // The confirmation only exists as the answer to a look-up; reached directly it has nothing to show.
  .on(['GET'], bothLanguages('/pay/confirm/'), (c) => c.redirect('/pay/', 303))
  .on(['GET'], bothLanguages('/pay/return/'), publicPage);
