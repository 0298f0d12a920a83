/**
 * The pay pages are static Astro shells (site/pages/account/pay/, site/pages/pay/) that the worker
 * fills with HTMLRewriter, as the account pages are: they work without JavaScript and the data never
 * sits in a cached file. The return pages show only what the verified webhook recorded. Each page
 * is in its URL's language (/es/…); the processor returns a payer to the pages of the language they
 * paid from (./intents.ts).
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-types';
import { accessibleAccounts, grantAllows, grantSql } from '../auth/account-access';
import type { SignedInLogin } from '../auth/sessions';
import { maskAccountNumber } from '../accounts/client';
import { codedMessage, keepInSwitcher, send, shellFor, signedInPage, withMessage } from '../accounts/pages';
import { escapeHtml } from '../http/html';
import { paymentErrorMessages, paymentStatusMessages } from '../shared/payment-forms';
import { paymentErrorMessagesEs, paymentStatusMessagesEs } from '../shared/payment-messages-es';
import { billingFormatsFor } from '../billing/format';
import { formatsFor } from '../i18n/format';
import { bothLanguages, type Locale } from '../i18n/locale';
import { pageLinks } from '../i18n/page-links';
import { formatDollars, paymentBounds, type PaymentBounds } from './amount';
import { amountDueCents } from './amount-due';
import { orm } from './d1';
import { billingOptionsFor } from './options';
import { isPaymentReference } from './references';

const dollarsInput = (cents: number) => (Math.max(cents, 0) / 100).toFixed(2);

/** The pay pages' message from the query's codes, in the page's language; the account pages' texts fill the gaps. */
const messageFor = codedMessage({
  en: { status: paymentStatusMessages, errors: paymentErrorMessages, fields: { amount: 'Amount' } },
  es: { status: paymentStatusMessagesEs, errors: paymentErrorMessagesEs, fields: { amount: 'Importe' } },
});

const html = (value: string) => ({ element: (el: Element) => void el.setInnerContent(value, { html: true }) });
const text = (value: string) => ({ element: (el: Element) => void el.setInnerContent(value) });
const attr = (name: string, value: string) => ({ element: (el: Element) => void el.setAttribute(name, value) });

/** The signed-in pay pages' words in each language (amounts and dates come formatted, already escaped). */
const words = {
  en: {
    noAccount: '<p>No utility account you may pay is linked to this login.</p>',
    intentStatus: { open: 'started, not completed', processing: 'being processed by the bank', paid: 'paid', failed: 'did not go through', expired: 'not completed' } as Record<string, string>,
    autopayOn: '<p>Autopay is <strong>on</strong>: your saved payment method pays each bill on its due date.</p>',
    autopayOff: (pending: boolean) => `<p>Autopay is <strong>${pending ? 'being set up' : 'off'}</strong>.</p>`,
    autopayEnd: 'Turn off autopay',
    autopayStart: "Set up autopay on the processor's page",
    paperless: (on: boolean) => `<p>Paperless billing is <strong>${on ? 'on' : 'off'}</strong>${on ? ': we e-mail you when a bill is ready and mail no paper bill.' : ': bills come by mail.'}</p>`,
    paperOn: 'Mail me paper bills again',
    paperOff: 'Go paperless',
    sameChoice: (link: string) => `<p class="hint">The same choice is in your ${link}.</p>`,
    preferences: 'messages and preferences',
    historyItem: (at: string, amount: string, status: string, reference: string) => `${at}: ${amount}, ${status} <span class="reference">(reference ${reference})</span>`,
    noHistory: '<p>No payments made here yet.</p>',
    account: 'Account',
    amountDue: (amount: string, credit: boolean) => `Amount due now: <strong data-amount-due>${amount}</strong>${credit ? ' (a credit)' : ''}`,
    amountLabel: 'Amount to pay, in dollars',
    bounds: (from: string, to: string) => `From ${from} to ${to}.`,
    continue: 'Continue to secure payment',
    autopay: 'Autopay',
    paperlessHeading: 'Paperless billing',
    onlyHolder: '<p class="hint">Only the account holder, or someone they allowed to manage the account, can change autopay or paperless billing.</p>',
    madeHere: 'Payments made here',
    // The return page.
    yourPayment: 'Your payment',
    notFound: (link: string) => `<p>We found no payment with that reference on your accounts. ${link}.</p>`,
    goToPayments: 'Go to payments',
    about: (amount: string, account: string, reference: string) => `<p>${amount} for account <span class="account-number">${account}</span>, reference <span class="reference">${reference}</span>.</p>`,
    received: 'Payment received',
    thanks: (at: string | null) => `Thank you. The payment processor confirmed your payment${at ? ` on ${at}` : ''}.`,
    counts: '<p>It already counts in the amount due shown here; the utility records it on your account within two business days.</p>',
    processing: 'Payment being processed',
    onItsWay: '<p>Your bank payment is on its way. Bank payments take up to four business days; it shows as paid when the processor confirms it.</p>',
    waiting: 'Waiting for confirmation',
    notHeard: (link: string) => `<p>We have not heard from the payment processor yet. This usually takes a few seconds. ${link}.</p>`,
    checkAgain: 'Check again',
    notCompleted: 'Payment not completed',
    didNotGoThrough: (link: string) => `<p>The payment did not go through, and nothing was charged. ${link}.</p>`,
    tryAgain: 'Try again',
  },
  es: {
    noAccount: '<p>No hay ninguna cuenta de servicio vinculada a este usuario que usted pueda pagar.</p>',
    intentStatus: { open: 'iniciado, sin completar', processing: 'en trámite en el banco', paid: 'pagado', failed: 'no se completó', expired: 'sin completar' } as Record<string, string>,
    autopayOn: '<p>El pago automático está <strong>activado</strong>: su método de pago guardado paga cada factura en su fecha de vencimiento.</p>',
    autopayOff: (pending: boolean) => `<p>El pago automático está <strong>${pending ? 'en preparación' : 'desactivado'}</strong>.</p>`,
    autopayEnd: 'Desactivar el pago automático',
    autopayStart: 'Activar el pago automático en la página del procesador',
    paperless: (on: boolean) => `<p>La factura sin papel está <strong>${on ? 'activada' : 'desactivada'}</strong>${on ? ': le avisamos por correo electrónico cuando hay una factura lista y no le enviamos factura en papel.' : ': las facturas llegan por correo postal.'}</p>`,
    paperOn: 'Volver a recibir facturas en papel',
    paperOff: 'Recibir la factura sin papel',
    sameChoice: (link: string) => `<p class="hint">La misma opción está en sus ${link}.</p>`,
    preferences: 'mensajes y preferencias',
    historyItem: (at: string, amount: string, status: string, reference: string) => `${at}: ${amount}, ${status} <span class="reference">(referencia ${reference})</span>`,
    noHistory: '<p>Todavía no ha hecho pagos aquí.</p>',
    account: 'Cuenta',
    amountDue: (amount: string, credit: boolean) => `Importe pendiente: <strong data-amount-due>${amount}</strong>${credit ? ' (un crédito)' : ''}`,
    amountLabel: 'Importe a pagar, en dólares',
    bounds: (from: string, to: string) => `De ${from} a ${to}.`,
    continue: 'Continuar al pago seguro',
    autopay: 'Pago automático',
    paperlessHeading: 'Factura sin papel',
    onlyHolder: '<p class="hint">Solo el titular de la cuenta, o alguien a quien le haya permitido administrarla, puede cambiar el pago automático o la factura sin papel.</p>',
    madeHere: 'Pagos hechos aquí',
    yourPayment: 'Su pago',
    notFound: (link: string) => `<p>No encontramos ningún pago con esa referencia en sus cuentas. ${link}.</p>`,
    goToPayments: 'Ir a pagos',
    about: (amount: string, account: string, reference: string) => `<p>${amount} para la cuenta <span class="account-number">${account}</span>, referencia <span class="reference">${reference}</span>.</p>`,
    received: 'Pago recibido',
    thanks: (at: string | null) => `Gracias. El procesador de pagos confirmó su pago${at ? ` el ${at}` : ''}.`,
    counts: '<p>Ya cuenta en el importe pendiente que se muestra aquí; la empresa lo registra en su cuenta en un plazo de dos días hábiles.</p>',
    processing: 'Pago en trámite',
    onItsWay: '<p>Su pago bancario está en camino. Los pagos bancarios tardan hasta cuatro días hábiles; aparece como pagado cuando el procesador lo confirma.</p>',
    waiting: 'Esperando la confirmación',
    notHeard: (link: string) => `<p>Todavía no tenemos noticias del procesador de pagos. Esto suele tardar unos segundos. ${link}.</p>`,
    checkAgain: 'Volver a comprobar',
    notCompleted: 'Pago no completado',
    didNotGoThrough: (link: string) => `<p>El pago no se completó y no se cobró nada. ${link}.</p>`,
    tryAgain: 'Intentar de nuevo',
  },
} satisfies Record<Locale, unknown>;

type AccountRow = { id: string; number: string; relationship: string; can_view_billing: number; can_manage: number };

async function fillPay(c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) {
  const db = c.env.DB;
  const locale = c.get('locale');
  const w = words[locale];
  const { money } = billingFormatsFor(locale);
  const { when } = formatsFor(locale);
  const grants = (await accessibleAccounts(orm(db), login.id)).filter((g) => grantAllows(g, 'pay'));
  if (!grants.length) return rewriter.on('[data-fill="pay-accounts"]', html(w.noAccount));
  const links = await pageLinks(c);
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
        ? `${w.autopayOn}${mayArrange ? `<form method="post" action="/api/payments/autopay/end">${hidden}<button type="submit" class="secondary">${w.autopayEnd}</button></form>` : ''}`
        : `${w.autopayOff(opts.autopay === 'pending')}${mayArrange ? `<form method="post" action="/api/payments/autopay">${hidden}<button type="submit" class="secondary">${w.autopayStart}</button></form>` : ''}`;
    const paperless = `${w.paperless(opts.paperless)}${
      mayArrange
        ? `<form method="post" action="/api/payments/paperless">${hidden}<input type="hidden" name="paperless" value="${opts.paperless ? 'off' : 'on'}"><button type="submit" class="secondary">${opts.paperless ? w.paperOn : w.paperOff}</button></form>${w.sameChoice(links.a(`/account/preferences/?account=${encodeURIComponent(a.id)}`, w.preferences))}`
        : ''
    }`;
    const history = recent.length
      ? `<ul class="pay-history">${recent
          .map((p) => `<li>${w.historyItem(when(p.completed_at ?? p.created_at), escapeHtml(money(p.amount_cents)), escapeHtml(w.intentStatus[p.status] ?? p.status), escapeHtml(p.id))}</li>`)
          .join('')}</ul>`
      : w.noHistory;
    sections.push(`<section class="pay-account" aria-labelledby="pay-account-${i}">
<h2 id="pay-account-${i}">${w.account} <span class="account-number">${escapeHtml(maskAccountNumber(a.number))}</span></h2>
<p class="amount-due">${w.amountDue(escapeHtml(money(due)), due < 0)}</p>
<form method="post" action="/api/payments/checkout" class="pay-form">${hidden}
<div class="field"><label for="amount-${i}">${w.amountLabel}</label><p class="hint" id="amount-${i}-hint">${escapeHtml(w.bounds(money(bounds.minCents), money(bounds.maxCents)))}</p>
<input id="amount-${i}" name="amount" inputmode="decimal" autocomplete="off" required maxlength="12" value="${escapeHtml(dollarsInput(due > 0 ? due : 0))}" aria-describedby="amount-${i}-hint"></div>
<button type="submit">${w.continue}</button></form>
<h3>${w.autopay}</h3>${autopay}
<h3>${w.paperlessHeading}</h3>${paperless}${mayArrange ? '' : w.onlyHolder}
<h3>${w.madeHere}</h3>${history}
</section>`);
  }
  return rewriter.on('[data-fill="pay-accounts"]', html(sections.join('\n')));
}

async function fillReturn(c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) {
  const reference = c.req.query('payment');
  const db = c.env.DB;
  const locale = c.get('locale');
  const w = words[locale];
  const links = await pageLinks(c);
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
  let heading = w.yourPayment;
  if (!intent) {
    body = w.notFound(links.a('/account/pay/', w.goToPayments));
  } else {
    keepInSwitcher(c, { payment: intent.id });
    const amount = escapeHtml(billingFormatsFor(locale).money(intent.amount_cents));
    const about = w.about(amount, escapeHtml(maskAccountNumber(intent.account_number)), escapeHtml(intent.id));
    if (intent.status === 'paid') {
      heading = w.received;
      body = `<p class="message message-status" role="status">${w.thanks(intent.completed_at ? formatsFor(locale).when(intent.completed_at) : null)}</p>${about}${w.counts}`;
    } else if (intent.status === 'processing') {
      heading = w.processing;
      body = `${about}${w.onItsWay}`;
    } else if (intent.status === 'open') {
      heading = w.waiting;
      body = `${about}${w.notHeard(links.a(`/account/pay/return/?payment=${encodeURIComponent(intent.id)}`, w.checkAgain))}`;
    } else {
      heading = w.notCompleted;
      body = `${about}${w.didNotGoThrough(links.a('/account/pay/', w.tryAgain))}`;
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
  .on('GET', bothLanguages('/account/pay/'), signedInPage(fillPay, { message: messageFor }))
  .on('GET', bothLanguages('/account/pay/return/'), signedInPage(fillReturn, { message: messageFor }))
  .on(['GET'], bothLanguages('/pay/'), publicPage)
  // The confirmation only exists as the answer to a look-up; reached directly it has nothing to show.
  .on(['GET'], bothLanguages('/pay/confirm/'), (c) => c.redirect('/pay/', 303))
  .on(['GET'], bothLanguages('/pay/return/'), publicPage);
