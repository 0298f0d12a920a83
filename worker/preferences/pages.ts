/**
 * The pages of preferences and subscriptions, static Astro shells the worker fills with
 * HTMLRewriter (as worker/accounts/pages.ts does for the account pages), so each works without
 * JavaScript:
 * - /account/preferences/: what goes where, quiet hours, people who get alerts (signed in);
 * - /alerts/sign-up/, /alerts/confirm/, /unsubscribe/: public, messages from codes only;
 * - /unsubscribe/<token>: the RFC 8058 `List-Unsubscribe` URL. A mail client POSTs
 *   `List-Unsubscribe=One-Click` to it and the topic is off; a client that opens it in a browser
 *   instead (RFC 2369) gets the page with one button that makes the same POST. GET never changes
 *   anything, so a link scanner opening it does no harm.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { accountDeps } from '../accounts/http';
import { escapeHtml, send, shellFor } from '../accounts/pages';
import { profileAccountId } from '../accounts/profile';
import { manageableSwitcher, withSwitcher } from '../sharing/switcher';
import { resolveSession, SESSION_COOKIE, type SignedInLogin } from '../auth/sessions';
import { ApiError } from '../http/errors';
import { accountMessagesIn, checkFields } from '../shared/account-messages';
import { preferenceErrorMessages, preferenceFieldLabels, preferenceMessagesEs, preferenceStatusMessages } from '../shared/preference-forms';
import { formatsFor } from '../i18n/format';
import { bothLanguages, type Locale } from '../i18n/locale';
import { alertTypes } from '../../db/schema/alerts';
import { readPreferences, type PreferencesView, type RecipientView } from './preferences';
import { ONE_CLICK_BODY } from './topic-mail';
import { topicLabelsIn, topicShortLabelsIn } from './topics';
import { unsubscribe } from './unsubscribe';
import { verifyUnsubscribe, type UnsubscribeTopic } from './unsubscribe-token';
import { html, text } from '../http/html';

type Message = { kind: 'status' | 'error'; text: string };

const catalogs: Record<Locale, { status: Record<string, string>; errors: Record<string, string>; fields: Record<string, string> }> = {
  en: { status: preferenceStatusMessages, errors: preferenceErrorMessages, fields: preferenceFieldLabels },
  es: preferenceMessagesEs,
};

/** A page's message from the redirect's codes, in the page's language; never text from the URL. */
export function preferenceMessage(query: { status?: string | null; error?: string | null; field?: string | null }, locale: Locale = 'en'): Message | null {
  const own = catalogs[locale];
  const shared = accountMessagesIn(locale);
  if (query.error) {
    const base = own.errors[query.error] ?? shared.errors[query.error] ?? shared.errors.invalid_request!;
    const label = query.field ? (own.fields[query.field] ?? shared.fields[query.field]) : undefined;
    return { kind: 'error', text: `${base}${label && query.error === 'invalid_request' ? checkFields(locale, [label]) : ''}` };
  }
  const text = query.status ? (own.status[query.status] ?? shared.status[query.status]) : undefined;
  return text ? { kind: 'status', text } : null;
}

function messageHandler(message: Message | null) {
  return {
    element(el: Element) {
      if (!message) return;
      el.removeAttribute('hidden');
      el.setAttribute('class', `message message-${message.kind}`);
      if (message.kind === 'error') el.setAttribute('role', 'alert');
      el.setInnerContent(message.text);
    },
  };
}


const queryMessage = (c: Context<AppEnv>) => preferenceMessage({ status: c.req.query('status'), error: c.req.query('error'), field: c.req.query('field') }, c.get('locale'));

/** A public page in the request's language (its shell is at the request's own path). */
const publicPage = () => async (c: Context<AppEnv>) => {
  const asset = await shellFor(c);
  if (!asset.ok) return new Response(asset.body, asset);
  return send(c, asset, new HTMLRewriter().on('[data-message]', messageHandler(queryMessage(c))));
};


const checkbox = (name: string, label: string, checked: boolean, disabled = false) =>
  `<label class="topic-box"><input type="checkbox" name="${escapeHtml(name)}" value="on"${checked ? ' checked' : ''}${disabled ? ' disabled' : ''}><span class="visually-hidden">${escapeHtml(label)}</span></label>`;

/** What the preferences page says of its recipients, in each language. */
const pageWords = {
  en: {
    yourMobile: (address: string) => `Your mobile ${address}`,
    yourEmail: (address: string) => `Your e-mail ${address}`,
    yourEmailShort: 'your e-mail',
    signedUp: 'Signed up without a login',
    added: 'Someone you added',
    textTo: 'text to',
    emailTo: 'e-mail to',
    pending: 'waiting for its owner to confirm; nothing is sent before',
    sent: 'confirmation sent',
    stopped: 'replied STOP: no texts until it replies START',
    confirmed: 'confirmed',
    alert: 'Alert',
    caption: 'Which alerts go where',
    refused: 'Turned off by the recipient',
    nobody: 'No one else gets alerts for this account.',
    removeConfirm: 'Stop sending alerts there?',
    remove: 'Remove',
    resend: 'Send the confirmation again',
    textsGo: 'Texts go to',
    stopTexts: 'Stop texts to this number',
  },
  es: {
    yourMobile: (address: string) => `Su celular ${address}`,
    yourEmail: (address: string) => `Su correo electrónico ${address}`,
    yourEmailShort: 'su correo electrónico',
    signedUp: 'Inscrito sin usuario del portal',
    added: 'Alguien que usted agregó',
    textTo: 'texto a',
    emailTo: 'correo electrónico a',
    pending: 'esperando a que su dueño confirme; no se envía nada antes',
    sent: 'confirmación enviada el',
    stopped: 'respondió STOP: no recibe textos hasta que responda START',
    confirmed: 'confirmado',
    alert: 'Alerta',
    caption: 'Qué alertas van adónde',
    refused: 'Desactivada por quien la recibe',
    nobody: 'Nadie más recibe alertas de esta cuenta.',
    removeConfirm: '¿Dejar de enviar alertas allí?',
    remove: 'Quitar',
    resend: 'Enviar la confirmación de nuevo',
    textsGo: 'Los textos van al',
    stopTexts: 'Dejar de enviar textos a este número',
  },
} satisfies Record<Locale, unknown>;

function recipientTitle(locale: Locale, r: RecipientView) {
  const w = pageWords[locale];
  if (r.own) return r.channel === 'sms' ? w.yourMobile(r.address) : w.yourEmail(r.address);
  return `${r.name ?? (r.origin === 'sign_up' ? w.signedUp : w.added)}, ${r.channel === 'sms' ? w.textTo : w.emailTo} ${r.address}`;
}

/** A recipient's state as HTML (the time a confirmation was sent in the page's language). */
function recipientState(locale: Locale, r: RecipientView) {
  const w = pageWords[locale];
  if (r.status === 'pending') return `${escapeHtml(w.pending)}${r.confirmSentAt ? ` (${w.sent} ${formatsFor(locale).when(r.confirmSentAt)})` : ''}`;
  if (r.smsStopped) return escapeHtml(w.stopped);
  return escapeHtml(w.confirmed);
}

/** The table of what goes where: alert types down, recipients across; one labelled checkbox per cell. */
function matrix(locale: Locale, p: PreferencesView) {
  const w = pageWords[locale];
  const labels = topicLabelsIn[locale];
  const columns = [{ key: 'me', title: w.yourEmail(p.me.email), short: w.yourEmailShort, topics: p.me.topics }, ...p.recipients.map((r) => ({ key: r.id, title: recipientTitle(locale, r), short: recipientTitle(locale, r), topics: r.topics }))];
  const head = `<tr><th scope="col">${w.alert}</th>${columns.map((col) => `<th scope="col">${escapeHtml(col.title)}</th>`).join('')}</tr>`;
  const rows = alertTypes
    .map(
      (t) =>
        `<tr><th scope="row">${escapeHtml(labels[t])}</th>${columns
          .map((col) => {
            const state = col.topics[t];
            const note = state.refusedByRecipient ? `<br><small>${w.refused}</small>` : '';
            return `<td>${checkbox(`${col.key}.${t}`, `${labels[t]}: ${col.short}`, state.enabled, state.refusedByRecipient)}${note}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<table class="topic-matrix"><caption>${w.caption}</caption><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

const recipientForm = (action: string, p: PreferencesView, r: RecipientView, button: string, confirm?: string) =>
  `<form method="post" action="/api/preferences/recipients/${action}" data-enhance${confirm ? ` data-confirm="${escapeHtml(confirm)}"` : ''}><input type="hidden" name="account" value="${escapeHtml(p.account)}"><input type="hidden" name="recipient" value="${escapeHtml(r.id)}"><button type="submit" class="secondary">${escapeHtml(button)}</button></form>`;

function recipientList(locale: Locale, p: PreferencesView) {
  const w = pageWords[locale];
  const others = p.recipients.filter((r) => !r.own);
  if (!others.length) return `<p>${w.nobody}</p>`;
  return `<ul class="recipients">${others
    .map(
      (r) => `<li><p><strong>${escapeHtml(recipientTitle(locale, r))}</strong><br>${recipientState(locale, r)}.</p>
${recipientForm('remove', p, r, w.remove, w.removeConfirm)}${r.status === 'pending' ? recipientForm('resend', p, r, w.resend) : ''}</li>`,
    )
    .join('')}</ul>`;
}

function ownMobile(locale: Locale, p: PreferencesView) {
  const w = pageWords[locale];
  const mine = p.recipients.find((r) => r.own && r.channel === 'sms');
  if (!mine) return '';
  return `<p>${w.textsGo} <strong>${escapeHtml(mine.address)}</strong>: ${recipientState(locale, mine)}.</p>
${recipientForm('remove', p, mine, w.stopTexts)}`;
}

async function fillPreferences(c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter): Promise<HTMLRewriter | Response> {
  const locale = c.get('locale');
  const deps = await accountDeps(c);
  const accountId = await profileAccountId(deps, login.id, c.req.query('account'));
  if (!accountId) return c.redirect('/account/?error=not_found', 303);
  let p: PreferencesView;
  try {
    p = await readPreferences(deps, login.id, accountId);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return c.redirect('/account/?error=not_found', 303);
    throw err;
  }
  const hasOwnMobile = p.recipients.some((r) => r.own && r.channel === 'sms');
  const listed = ['me', ...p.recipients.map((r) => r.id)].join(',');
  const quiet = p.quietHours;
  const value = (v: string) => ({ element: (el: Element) => void el.setAttribute('value', v) });
  const check = (on: boolean) => ({ element: (el: Element) => void (on ? el.setAttribute('checked', '') : el.removeAttribute('checked')) });
  return withSwitcher(rewriter, await manageableSwitcher(deps, login.id, accountId, c.req.path, locale))
    .on('[data-fill="account-number"]', text(p.accountNumber))
    .on('[data-fill="street"]', text(p.street ?? ''))
    .on('[data-fill="login-email"]', text(p.me.email))
    .on('input[name="account"]', value(p.account))
    .on('input[name="recipients"]', value(listed))
    .on('[data-fill="matrix"]', html(matrix(locale, p)))
    .on('input[name="me.newsletter"]', check(p.me.topics.newsletter.enabled))
    .on('input[name="me.programs"]', check(p.me.topics.programs.enabled))
    .on('input[name="quietHours"]', check(quiet.enabled))
    .on('input[name="quietStart"]', value(quiet.start ?? '21:00'))
    .on('input[name="quietEnd"]', value(quiet.end ?? '08:00'))
    .on('input[name="leakAlertsInQuietHours"]', check(quiet.leakAlertsInQuietHours))
    .on('[data-fill="own-mobile"]', html(ownMobile(locale, p)))
    .on('[data-own-mobile-form]', { element: (el) => void (hasOwnMobile ? el.setAttribute('hidden', '') : el.removeAttribute('hidden')) })
    .on('[data-fill="recipients"]', html(recipientList(locale, p)))
    // Paper or e-mail bills, for a login that may see the account's bills; gone for anyone else (nothing posted, nothing changed).
    .on('[data-fill="bills"]', { element: (el) => void (p.bills ? undefined : el.remove()) })
    .on('input[name="paperless"]', { element: (el) => void (p.bills && el.getAttribute('value') === (p.bills.paperless ? 'on' : 'off') ? el.setAttribute('checked', '') : el.removeAttribute('checked')) });
}

const signedInPage = (fill: typeof fillPreferences) => async (c: Context<AppEnv>) => {
  const token = getCookie(c, SESSION_COOKIE);
  const login = token ? await resolveSession(drizzle(c.env.DB), token) : null;
  if (!login) {
    c.header('Cache-Control', 'no-store');
    return c.redirect('/login/?error=unauthenticated', 303);
  }
  const asset = await shellFor(c);
  if (!asset.ok) return new Response(asset.body, asset);
  const filled = await fill(c, login, new HTMLRewriter().on('[data-message]', messageHandler(queryMessage(c))));
  if (filled instanceof Response) return filled;
  return send(c, asset, filled);
};

/** The one-click page: the form posts back to the same URL with the RFC 8058 body. */
const oneClickWords = {
  en: {
    ask: (what: string) => `Stop ${what} to this address?`,
    button: 'Unsubscribe',
    expired: 'This unsubscribe link has expired. Sign in to choose what you get, or call us.',
    unchanged: 'Nothing was changed. To unsubscribe, press the button.',
    everything: 'every message about this account',
  },
  es: {
    ask: (what: string) => `¿Dejar de enviar ${what} a esta dirección?`,
    button: 'Cancelar la suscripción',
    expired: 'Este enlace para cancelar la suscripción venció. Inicie sesión para elegir qué recibe, o llámenos.',
    unchanged: 'No se cambió nada. Para cancelar la suscripción, pulse el botón.',
    everything: 'todos los mensajes sobre esta cuenta',
  },
} satisfies Record<Locale, unknown>;

/** The unsubscribe token of /unsubscribe/:token (an empty one fails verification like any wrong one). */
const tokenOf = (c: Context<AppEnv>) => c.req.param('token') ?? '';

const inLanguage = (locale: Locale, path: string) => (locale === 'es' ? `/es${path}` : path);

async function oneClickPage(c: Context<AppEnv>, message: Message | null, status: number, form: { token: string; what: string } | null) {
  const locale = c.get('locale');
  const asset = await shellFor(c, inLanguage(locale, '/unsubscribe/'));
  if (!asset.ok) return new Response(asset.body, asset);
  let rewriter = new HTMLRewriter().on('[data-message]', messageHandler(message));
  rewriter = rewriter.on('[data-code-form]', {
    element(el) {
      if (!form) {
        el.remove();
        return;
      }
      // Replace the code form with the one-click form: same button, the token already in the URL.
      el.replace(
        `<form method="post" action="${inLanguage(locale, `/unsubscribe/${escapeHtml(form.token)}`)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><p>${escapeHtml(oneClickWords[locale].ask(form.what))}</p><button type="submit">${oneClickWords[locale].button}</button></form>`,
        { html: true },
      );
    },
  });
  return send(c, asset, rewriter, status);
}

const tokenMessage = (locale: Locale, reason: 'invalid' | 'expired'): Message =>
  reason === 'expired' ? { kind: 'error', text: oneClickWords[locale].expired } : { kind: 'error', text: accountMessagesIn(locale).errors.link_invalid! };

const whatOf = (locale: Locale, topic: UnsubscribeTopic) => (topic === 'all' ? oneClickWords[locale].everything : topicShortLabelsIn[locale][topic]);

export const preferencePages = new Hono<AppEnv>()
  .on('GET', bothLanguages('/account/preferences/'), signedInPage(fillPreferences))
  .on('GET', bothLanguages('/alerts/sign-up/'), publicPage())
  .on('GET', bothLanguages('/alerts/confirm/'), publicPage())
  .on('GET', bothLanguages('/unsubscribe/'), publicPage())
  .on('GET', bothLanguages('/unsubscribe/:token'), async (c) => {
    const check = await verifyUnsubscribe(c.env.LINK_SIGNING_SECRET, tokenOf(c));
    if (!check.ok) return oneClickPage(c, tokenMessage(c.get('locale'), check.reason), check.reason === 'expired' ? 410 : 400, null);
    return oneClickPage(c, null, 200, { token: tokenOf(c), what: whatOf(c.get('locale'), check.topic) });
  })
  .on('POST', bothLanguages('/unsubscribe/:token'), async (c) => {
    // RFC 8058: the one-click POST carries exactly this field; anything else is not an unsubscribe.
    const type = c.req.header('content-type') ?? '';
    const form = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type) ? await c.req.parseBody() : {};
    if (`List-Unsubscribe=${form['List-Unsubscribe']}` !== ONE_CLICK_BODY) {
      const check = await verifyUnsubscribe(c.env.LINK_SIGNING_SECRET, tokenOf(c));
      if (!check.ok) return oneClickPage(c, tokenMessage(c.get('locale'), check.reason), check.reason === 'expired' ? 410 : 400, null);
      return oneClickPage(c, { kind: 'error', text: oneClickWords[c.get('locale')].unchanged }, 400, { token: tokenOf(c), what: whatOf(c.get('locale'), check.topic) });
    }
    try {
      const result = await unsubscribe(await accountDeps(c), tokenOf(c), 'one_click');
      return oneClickPage(c, { kind: 'status', text: catalogs[c.get('locale')].status.unsubscribed! + (result.masked ? ` (${result.masked})` : '') }, 200, null);
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'link_invalid' || err.code === 'link_expired')) return oneClickPage(c, tokenMessage(c.get('locale'), err.code === 'link_expired' ? 'expired' : 'invalid'), err.status, null);
      throw err;
    }
  });
