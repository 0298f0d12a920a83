/**
 * The account pages are static Astro shells; the worker fills them for each request with
 * HTMLRewriter: the message of a redirect (`?status=`/`?error=`) and, on signed-in pages, the
 * customer's data. A link landing page never takes its token from the URL: the e-mailed link
 * carries it in the fragment, which the page's script moves into the form (or the person pastes it). So they work without JavaScript, keep the one
 * layout the site builds, and the data never sits in a cached file. Also serves the dev-only
 * outbox page.
 */
import { desc } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { outboxEmails } from '../../db/schema';
import type { AppEnv } from '../app-types';
import { resolveSession, SESSION_COOKIE, type SignedInLogin } from '../auth/sessions';
import { ApiError } from '../http/errors';
import { accountMessagesIn, checkFields, messageFor } from '../shared/account-messages';
import { formatsFor } from '../i18n/format';
import { bothLanguages, isSpanishPath, type Locale } from '../i18n/locale';
import { pageLinks, type PageLinks } from '../i18n/page-links';
import { utility } from '../tenants/scope';
import { alertsCardHtml, openAlertCount } from '../alerts/centre/card';
import { devSmsSection } from '../alerts/delivery/sms/dev-outbox';
import { passkeySection } from '../auth/passkeys/page';
import { accountDeps } from './http';
import { clientLabelIn } from './client';
import { listSessions, recentSignIns } from './login';
import { fillSecondFactorSummary, signInMethodText } from './second-factor-summary';
import { securityWords } from './security-words';
import { overview, profileAccountId, readProfile } from './profile';
import { manageableSwitcher, withSwitcher } from '../sharing/switcher';
import { withBillingCards } from '../billing/summary-html';
import { escapeHtml, html, text } from '../http/html';
import { applicationPageFor, participationOf } from '../programs/store';
import { programsOf } from '../programs/catalog';
import { titleIn } from '../programs/mails';
import type { CatalogProgram } from '../shared/program-catalog';

// Here since the account pages came first; worker/http/html.ts holds it so other page modules need not import this one.
export { escapeHtml };

/** An instant as a `<time>` for a page, in English (formatsFor(locale).when for the page's language). */
export const when = (iso: string) => formatsFor('en').when(iso);

export async function shellFor(c: Context<AppEnv>, path?: string) {
  const url = new URL(c.req.url);
  const asset = await c.env.ASSETS.fetch(new Request(new URL(path ?? url.pathname, url.origin)));
  return asset;
}

/** A page's message: always text chosen by a code, never text from the URL. */
export type PageMessage = { kind: 'status' | 'error'; text: string } | null;

/** The account pages' message, from the query's codes. */
const accountMessage = (c: Context<AppEnv>): PageMessage => messageFor({ status: c.req.query('status'), error: c.req.query('error'), field: c.req.query('field') }, c.get('locale'));

/** A capability's own message texts: a status, error code or field name to words. */
export type OwnMessages = { status: Record<string, string>; errors: Record<string, string>; fields: Record<string, string> };

/**
 * A capability's page message from the query's codes: its own texts first, then the account
 * pages' (worker/shared/account-messages.ts). Never text from the URL.
 */
export const codedMessage =
  (own: OwnMessages | Record<Locale, OwnMessages>) =>
  (c: Context<AppEnv>): PageMessage => {
    const locale = c.get('locale');
    // A capability not yet translated gives one catalog, used in both languages.
    const mine = 'status' in own ? own : own[locale];
    const shared = accountMessagesIn(locale);
    const error = c.req.query('error');
    if (error) {
      const base = mine.errors[error] ?? shared.errors[error] ?? shared.errors.invalid_request!;
      const field = c.req.query('field');
      const label = field ? (mine.fields[field] ?? shared.fields[field]) : undefined;
      return { kind: 'error', text: `${base}${label && error === 'invalid_request' ? checkFields(locale, [label]) : ''}` };
    }
    const status = c.req.query('status');
    const text = status ? (mine.status[status] ?? shared.status[status]) : undefined;
    return text ? { kind: 'status', text } : null;
  };

/** Fills the message slot (`[data-message]`). */
export function withMessage(c: Context<AppEnv>, rewriter: HTMLRewriter, message: PageMessage = accountMessage(c)) {
  if (!message) return rewriter;
  return rewriter.on('[data-message]', {
    element(el) {
      el.removeAttribute('hidden');
      el.setAttribute('class', `message message-${message.kind}`);
      if (message.kind === 'error') el.setAttribute('role', 'alert');
      el.setInnerContent(message.text);
    },
  });
}

/**
 * What the language switcher of a filled page must carry so the other language shows the same
 * thing (the thread, the account): set by the page's filler once it has checked the caller may see
 * it, never copied from the URL, so a page never echoes an identifier it did not show.
 */
const switcherQueries = new WeakMap<Request, URLSearchParams>();
export function keepInSwitcher(c: Context<AppEnv>, params: Record<string, string>) {
  switcherQueries.set(c.req.raw, new URLSearchParams(params));
}

function switcherKeepsQuery(c: Context<AppEnv>, rewriter: HTMLRewriter) {
  const kept = switcherQueries.get(c.req.raw);
  if (!kept?.size) return rewriter;
  const path = new URL(c.req.url).pathname;
  const twin = isSpanishPath(path) ? path.slice(3) : `/es${path}`;
  return rewriter.on('a[data-lang-switch]', {
    element(el) {
      if (el.getAttribute('href') === twin) el.setAttribute('href', `${twin}?${kept}`);
    },
  });
}

/** A filled page shell: never cached, since it carries the caller's data or a message meant for them. */
export function send(c: Context<AppEnv>, asset: Response, rewriter: HTMLRewriter, status = asset.status) {
  rewriter = switcherKeepsQuery(c, rewriter);
  const headers = new Headers(asset.headers);
  headers.set('Cache-Control', 'no-store');
  headers.delete('ETag');
  headers.delete('Content-Length');
  const res = rewriter.transform(new Response(asset.body, { status, headers }));
  return new Response(res.body, res);
}

/** A public page: only the message slot is filled. */
export const publicPage = () => async (c: Context<AppEnv>) => {
  const asset = await shellFor(c);
  if (!asset.ok) return new Response(asset.body, asset);
  return send(c, asset, withMessage(c, new HTMLRewriter()));
};

export type Filler = (c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) => Promise<HTMLRewriter | Response>;

/**
 * A signed-in page: anonymous callers go to the sign-in page. `message` picks the message slot's
 * text from the query's codes, when a capability has codes of its own (the pay pages).
 */
export const signedInPage = (fill: Filler, options: { message?: (c: Context<AppEnv>) => PageMessage } = {}) => async (c: Context<AppEnv>) => {
  const token = getCookie(c, SESSION_COOKIE);
  const login = token ? await resolveSession(drizzle(c.env.DB), token) : null;
  if (!login) {
    c.header('Cache-Control', 'no-store');
    return c.redirect('/login/?error=unauthenticated', 303);
  }
  const asset = await shellFor(c);
  if (!asset.ok) return new Response(asset.body, asset);
  const filled = await fill(c, login, withMessage(c, new HTMLRewriter(), (options.message ?? accountMessage)(c)));
  if (filled instanceof Response) return filled;
  return send(c, asset, filled);
};


/** The dashboard's own words, in each page language. */
const dashboardWords = {
  en: {
    account: 'Account',
    holder: 'You hold this account.',
    given: 'You were given access to this account.',
    address: 'Service address',
    meters: 'Meters',
    meter: (kind: 'water' | 'electric' | 'gas', serial: string, minutes: number, unit: string) =>
      `${kind === 'water' ? 'Water' : kind === 'electric' ? 'Electricity' : 'Gas'} meter ${serial}, read every ${minutes} minutes (${unit})`,
    profile: 'Profile and household for this account',
    preferences: 'Alerts and messages: who gets what',
    none: 'No utility account is linked to this login yet.',
  },
  es: {
    account: 'Cuenta',
    holder: 'Usted es titular de esta cuenta.',
    given: 'Le dieron acceso a esta cuenta.',
    address: 'Dirección de servicio',
    meters: 'Medidores',
    meter: (kind: 'water' | 'electric' | 'gas', serial: string, minutes: number, unit: string) =>
      `Medidor de ${kind === 'water' ? 'agua' : kind === 'electric' ? 'electricidad' : 'gas'} ${serial}, con lectura cada ${minutes} minutos (${unit})`,
    profile: 'Perfil y hogar de esta cuenta',
    preferences: 'Alertas y mensajes: quién recibe qué',
    none: 'Todavía no hay ninguna cuenta de servicio vinculada a este usuario.',
  },
} satisfies Record<Locale, unknown>;

const fillDashboard: Filler = async (c, login, rewriter) => {
  const data = await overview(await accountDeps(c), login.id);
  const links = await pageLinks(c);
  const w = dashboardWords[links.locale];
  const accountsHtml = data.accounts.length
    ? data.accounts
        .map(
          (a) => `<li class="account-card"><h2>${w.account} <span class="account-number">${escapeHtml(a.number)}</span></h2>
<p>${a.relationship === 'holder' ? w.holder : w.given}</p>
${a.servicePoints
  .map(
    (p) => `<h3>${w.address}</h3><p>${escapeHtml(p.address)}</p><h3>${w.meters}</h3><ul>${p.meters
      .map((m) => `<li>${escapeHtml(w.meter(m.kind, m.serial, m.intervalMinutes, m.unit))}</li>`)
      .join('')}</ul>`,
  )
  .join('')}
${a.rights.manage ? `<p>${links.a(`/account/profile/?account=${encodeURIComponent(a.id)}`, w.profile)} · ${links.a(`/account/preferences/?account=${encodeURIComponent(a.id)}`, w.preferences)}</p>` : ''}</li>`,
        )
        .join('')
    : `<li>${w.none}</li>`;
  const openAlerts = await openAlertCount(drizzle(c.env.DB), c.env.DB, login.id);
  const filled = rewriter
    .on('[data-fill="name"]', text(data.login.displayName || data.login.email))
    .on('[data-fill="accounts"]', html(accountsHtml))
    .on('[data-fill="alerts-card"]', html(alertsCardHtml(openAlerts, links)))
    .on(`[data-fill="locale-${data.login.locale}"]`, { element: (el) => void el.setAttribute('checked', '') });
  return withBillingCards(c, login, filled, links);
};

const fillSecurity: Filler = async (c, login, rewriter) => {
  const locale = c.get('locale');
  const w = securityWords[locale];
  const when = formatsFor(locale).when;
  const deps = await accountDeps(c);
  const me = (await overview(deps, login.id)).login;
  const sessions = await listSessions(deps, login);
  const signIns = await recentSignIns(deps, login.id);
  const sessionsHtml = sessions
    .map(
      (s) => `<li><p><strong>${escapeHtml(s.client ? clientLabelIn(s.client, locale) : w.unknownBrowser)}</strong>${s.current ? ` <span class="badge">${w.thisSession}</span>` : ''}<br>
${w.session(when(s.startedAt), when(s.lastSeenAt), s.persistent)}</p>
<form method="post" action="/api/accounts/sessions/end" data-enhance><input type="hidden" name="scope" value="one"><input type="hidden" name="session" value="${escapeHtml(s.id)}"><button type="submit">${s.current ? w.endHere : w.endOne}</button></form></li>`,
    )
    .join('');
  const signInsHtml = signIns.length
    ? signIns
        .map((e) => `<li>${when(e.at)}: ${w.outcome(e.outcome)}${e.client ? `, ${escapeHtml(clientLabelIn(e.client, locale))}` : ''}${signInMethodText(e, locale)}</li>`)
        .join('')
    : `<li>${w.noSignIns}</li>`;
  const passkeys = await passkeySection(deps.db, login, { escape: escapeHtml, when, words: w });
  return (await fillSecondFactorSummary(c, login, rewriter))
    .on('[data-fill="email"]', text(me.email))
    .on('[data-fill="passkeys"]', html(passkeys.list))
    .on('[data-fill="sign-in-methods"]', text(passkeys.methods))
    .on('[data-fill="sessions"]', html(sessionsHtml))
    .on('[data-fill="sign-ins"]', html(signInsHtml));
};

const participationWords = {
  en: { none: 'None yet.', see: 'See programs and rebates', paid: 'Paid', approved: 'Approved' },
  es: { none: 'Todavía ninguno.', see: 'Vea los programas y reembolsos', paid: 'Pagado', approved: 'Aprobado' },
} satisfies Record<Locale, unknown>;

/** The account's approved and paid program applications, each linking to its page in the page's language, named in it. */
function participationHtml(links: PageLinks, programs: Awaited<ReturnType<typeof participationOf>>, catalog: ReadonlyMap<string, CatalogProgram>) {
  const locale = links.locale;
  const w = participationWords[locale];
  if (!programs.length) return `<p>${w.none} ${links.a('/account/programs/', w.see)}.</p>`;
  const items = programs.map(
    (p) => `<li>${links.a(applicationPageFor(p.id), escapeHtml(titleIn(locale, p.programTitle, catalog.get(p.programId))))}: ${p.status === 'paid' ? w.paid : w.approved} ${formatsFor(locale).when(p.decidedAt ?? p.updatedAt)}</li>`,
  );
  return `<ul class="participation">${items.join('')}</ul>`;
}

const fillProfile: Filler = async (c, login, rewriter) => {
  const deps = await accountDeps(c);
  const accountId = await profileAccountId(deps, login.id, c.req.query('account'));
  if (!accountId) return c.redirect('/account/?error=not_found', 303);
  let profile;
  try {
    profile = await readProfile(deps, login.id, accountId);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return c.redirect('/account/?error=not_found', 303);
    throw err;
  }
  const values: Record<string, string | number | null> = {
    account: profile.account,
    displayName: profile.displayName,
    phone: profile.phone,
    mailingStreet: profile.mailingStreet,
    mailingCity: profile.mailingCity,
    mailingRegion: profile.mailingRegion,
    mailingPostalCode: profile.mailingPostalCode,
    occupants: profile.occupants,
    landscapeSqFt: profile.landscapeSqFt,
    toilets: profile.toilets,
    showers: profile.showers,
  };
  const checks: Record<string, boolean> = {
    hasPool: profile.hasPool === true,
    highEfficiencyToilets: profile.highEfficiencyToilets,
    highEfficiencyWasher: profile.highEfficiencyWasher,
    dishwasher: profile.dishwasher,
    smartIrrigation: profile.smartIrrigation,
  };
  const locale = c.get('locale');
  keepInSwitcher(c, { account: accountId });
  const catalog = await programsOf(c.env.ASSETS, c.env.PORTAL_ORIGIN);
  let r = withSwitcher(rewriter, await manageableSwitcher(deps, login.id, accountId, c.req.path, locale))
    .on('[data-fill="participation"]', html(participationHtml(await pageLinks(c), await participationOf(c.env.DB, [accountId]), catalog)))
    .on('[data-fill="account-number"]', text(profile.accountNumber))
    .on('[data-fill="email"]', text(profile.email));
  for (const [name, value] of Object.entries(values)) {
    r = r.on(`input[name="${name}"]`, { element: (el) => void (value === null || value === undefined ? el.removeAttribute('value') : el.setAttribute('value', String(value))) });
  }
  for (const [name, on] of Object.entries(checks)) {
    r = r.on(`input[name="${name}"]`, { element: (el) => void (on ? el.setAttribute('checked', '') : el.removeAttribute('checked')) });
  }
  return r.on('select[name="landscapeType"] option', {
    element: (el) => void (el.getAttribute('value') === (profile.landscapeType ?? '') ? el.setAttribute('selected', '') : el.removeAttribute('selected')),
  });
};

/** Development only: the outbox, newest first, links clickable. 404 (the site's page) elsewhere. */
async function devOutbox(c: Context<AppEnv>) {
  const origin = c.env.PORTAL_ORIGIN;
  const rows = await drizzle(c.env.DB).select().from(outboxEmails).orderBy(desc(outboxEmails.createdAt)).limit(100);
  const linkify = (body: string) =>
    escapeHtml(body).replace(/https?:\/\/[^\s<&]+(?:&#38;[^\s<&]+)*/g, (escaped) => {
      const raw = escaped.replaceAll('&#38;', '&');
      let href = raw;
      try {
        const url = new URL(raw);
        if (url.origin === origin) href = `${url.pathname}${url.search}${url.hash}`;
      } catch {
        return escaped;
      }
      return `<a href="${escapeHtml(href)}">${escaped}</a>`;
    });
  const items = rows
    .map(
      (m) => `<li class="mail" data-kind="${escapeHtml(m.kind)}"><h2>${escapeHtml(m.subject)}</h2>
<p>To <span class="to">${escapeHtml(m.toAddress)}</span> · ${escapeHtml(m.kind)} · ${escapeHtml(m.status)} · ${when(m.createdAt)}</p>
${m.headers ? `<pre class="headers">${Object.entries(m.headers).map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(v)}`).join('\n')}</pre>` : ''}<pre>${linkify(m.bodyText)}</pre></li>`,
    )
    .join('\n');
  c.header('Cache-Control', 'no-store');
  return c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Dev outbox | ${escapeHtml(utility().name)}</title><meta name="robots" content="noindex"><link rel="icon" href="/favicon.svg" type="image/svg+xml"></head>
<body><main><h1>Development outbox</h1>
<p>Mail the portal queued, newest first. Only a development worker shows this page; nothing here was sent.</p>
<ol class="outbox">${items || '<li>The outbox is empty.</li>'}</ol>
${await devSmsSection(c.env)}</main></body></html>`);
}

export const accountPages = new Hono<AppEnv>()
  .on(['GET'], bothLanguages('/login/'), publicPage())
  .on(['GET'], bothLanguages('/register/'), publicPage())
  .on(['GET'], bothLanguages('/password/forgot/'), publicPage())
  .on(['GET'], bothLanguages('/register/verify/'), publicPage())
  .on(['GET'], bothLanguages('/password/reset/'), publicPage())
  .on(['GET'], bothLanguages('/account/email/confirm/'), publicPage())
  .on('GET', bothLanguages('/account/'), signedInPage(fillDashboard))
  .on('GET', bothLanguages('/account/profile/'), signedInPage(fillProfile))
  .on('GET', bothLanguages('/account/security/'), signedInPage(fillSecurity))
  .get('/dev/outbox/', async (c, next) => {
    if (c.env.ENVIRONMENT !== 'development') {
      await next();
      return;
    }
    return devOutbox(c);
  });
