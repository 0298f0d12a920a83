/**
 * The pages of start, stop and move: /account/services/ (a holder's requests and the stop and move
 * forms), /services/start/ (a newcomer's form, public) and /staff/services/ (the queue, for support
 * staff and administrators). Static Astro shells the worker fills; messages come from codes only.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { accountAccess, servicePointTenures, servicePoints } from '../../db/schema';
import type { AppEnv } from '../app-types';
import { accountDeps } from '../accounts/http';
import { codedMessage, escapeHtml, send, shellFor, signedInPage, when, withMessage, type Filler } from '../accounts/pages';
import { requireLogin } from '../auth/require-login';
import { serviceErrorMessages, serviceFieldLabels, serviceStatusMessages } from '../shared/service-request-forms';
import { serviceErrorMessagesEs, serviceFieldLabelsEs, serviceStatusMessagesEs } from '../shared/service-request-messages-es';
import { formatsFor } from '../i18n/format';
import { bothLanguages, type Locale } from '../i18n/locale';
import { customerRequests, openRequests } from './requests';
import { servePage } from '../requests/page-fill';
import { staffRoles } from '../auth/sessions';

const serviceMessage = codedMessage({
  en: { status: serviceStatusMessages, errors: serviceErrorMessages, fields: serviceFieldLabels },
  es: { status: serviceStatusMessagesEs, errors: serviceErrorMessagesEs, fields: serviceFieldLabelsEs },
});

/** What the customer's page says of a request, in each language (the staff queue uses the English). */
const words = {
  en: {
    kind: { stop: 'Stop service', move: 'Move', start: 'Start service' },
    state: { submitted: 'Waiting for staff', confirmed: 'Confirmed', refused: 'Refused', withdrawn: 'Withdrawn' },
    lastDay: (street: string | null, day: string) => `last day at ${street ?? 'the old address'}: ${day}`,
    firstDay: (street: string, day: string) => `first day at ${street}: ${day}`,
    why: 'Why',
    withdraw: 'Withdraw this request',
    asked: 'asked',
    none: '<p>None yet.</p>',
    notHolder: '<p>Only an account holder can ask to stop or move service, for an address the account holds now.</p>',
  },
  es: {
    kind: { stop: 'Suspender el servicio', move: 'Mudanza', start: 'Iniciar el servicio' },
    state: { submitted: 'Esperando al personal', confirmed: 'Confirmada', refused: 'Rechazada', withdrawn: 'Retirada' },
    lastDay: (street: string | null, day: string) => `último día en ${street ?? 'la dirección anterior'}: ${day}`,
    firstDay: (street: string, day: string) => `primer día en ${street}: ${day}`,
    why: 'Motivo',
    withdraw: 'Retirar esta solicitud',
    asked: 'pedida el',
    none: '<p>Todavía ninguna.</p>',
    notHolder: '<p>Solo un titular de la cuenta puede pedir suspender o mudar el servicio, para una dirección que la cuenta tiene ahora.</p>',
  },
} satisfies Record<Locale, unknown>;
const kindWords = words.en.kind;

type Row = Awaited<ReturnType<typeof customerRequests>>[number];

function requestLine(locale: Locale, { r, street }: Row) {
  const w = words[locale];
  const f = formatsFor(locale);
  const dates = [r.stopOn ? w.lastDay(street, f.day(r.stopOn)) : null, r.startOn ? w.firstDay(`${r.newStreet}, ${r.newCity}`, f.day(r.startOn)) : null].filter(Boolean).join('; ');
  const reason = r.state === 'refused' && r.refusalReason ? `<br>${w.why}: ${escapeHtml(r.refusalReason)}` : '';
  const withdraw =
    r.state === 'submitted'
      ? `<form method="post" action="/api/services/withdraw" data-enhance><input type="hidden" name="request" value="${escapeHtml(r.id)}"><button type="submit" class="secondary">${w.withdraw}</button></form>`
      : '';
  return `<li><p><strong>${escapeHtml(w.kind[r.kind])}</strong>: ${escapeHtml(dates)}. <strong>${escapeHtml(w.state[r.state])}</strong>; ${w.asked} ${f.when(r.createdAt)}.${reason}</p>${withdraw}</li>`;
}

const fillServices: Filler = async (c, login, rewriter) => {
  const locale = c.get('locale');
  const deps = await accountDeps(c);
  const requests = await customerRequests(deps, login.id);
  const points = await deps.db
    .select({ id: servicePoints.id, street: servicePoints.street, city: servicePoints.city })
    .from(servicePointTenures)
    .innerJoin(servicePoints, eq(servicePoints.id, servicePointTenures.servicePointId))
    .innerJoin(accountAccess, and(eq(accountAccess.accountId, servicePointTenures.accountId), eq(accountAccess.loginId, login.id), eq(accountAccess.relationship, 'holder')))
    .where(isNull(servicePointTenures.endDay))
    .orderBy(servicePoints.street);
  const list = requests.length ? `<ul class="people">${requests.map((row) => requestLine(locale, row)).join('')}</ul>` : words[locale].none;
  // Every address the login holds, of any of its accounts: the worker finds the account from the address.
  const options = points.map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(`${p.street}, ${p.city}`)}</option>`).join('');
  return rewriter
    .on('[data-fill="requests"]', { element: (el) => void el.setInnerContent(list, { html: true }) })
    .on('[data-holder-forms]', { element: (el) => void (points.length ? undefined : el.replace(words[locale].notHolder, { html: true })) })
    .on('[data-fill="points"]', { element: (el) => void el.setInnerContent(options, { html: true }) });
};

async function startPage(c: Context<AppEnv>) {
  const asset = await shellFor(c);
  if (!asset.ok) return new Response(asset.body, asset);
  return send(c, asset, withMessage(c, new HTMLRewriter(), serviceMessage(c)));
}

function queueHtml(rows: Awaited<ReturnType<typeof openRequests>>) {
  if (!rows.length) return '<p>No open requests.</p>';
  return rows
    .map(({ r, street }) => {
      const who = r.kind === 'start' ? `${escapeHtml(r.contactName)}, ${escapeHtml(r.contactEmail)}, ${escapeHtml(r.contactPhone)} (confirm who they are before you confirm)` : `Account ${escapeHtml(r.accountId)}`;
      const dates = [r.stopOn ? `Last day at ${escapeHtml(street ?? '')}: ${escapeHtml(r.stopOn)}` : null, r.startOn ? `First day at ${escapeHtml(`${r.newStreet}, ${r.newCity} ${r.newPostalCode}`)}: ${escapeHtml(r.startOn)}` : null].filter(Boolean).join('<br>');
      const id = escapeHtml(r.id);
      return `<section class="request" aria-labelledby="req-${id}"><h2 id="req-${id}">${escapeHtml(kindWords[r.kind])}, asked ${when(r.createdAt)}</h2><p>${who}</p><p>${dates}</p>${r.note ? `<p>Note: ${escapeHtml(r.note)}</p>` : ''}
<form method="post" action="/api/staff/services/confirm"><input type="hidden" name="request" value="${id}"><button type="submit">Confirm</button></form>
<form method="post" action="/api/staff/services/refuse"><input type="hidden" name="request" value="${id}"><label for="reason-${id}">Reason for refusing (the customer reads it)</label><input id="reason-${id}" name="reason" maxlength="500" required><button type="submit" class="secondary">Refuse</button></form></section>`;
    })
    .join('');
}

export const servicePages = new Hono<AppEnv>()
  .on('GET', bothLanguages('/account/services/'), signedInPage(fillServices, { message: serviceMessage }))
  .on(['GET'], bothLanguages('/services/start/'), startPage)
  .get('/staff/services/', requireLogin, async (c) => {
    const login = c.var.login;
    const allowed = (login.role === 'support' || login.role === 'admin') && login.secondFactor && staffRoles.includes(login.role);
    if (!allowed) return servePage(c, '/staff/services/', [{ selector: '[data-fill="queue"]', html: '<p>This queue is for support agents and administrators.</p>' }], 403);
    const message = serviceMessage(c);
    return servePage(c, '/staff/services/', [
      { selector: '[data-fill="notice"]', html: message ? `<div class="notice" role="${message.kind === 'error' ? 'alert' : 'status'}"><p>${escapeHtml(message.text)}</p></div>` : '' },
      { selector: '[data-fill="queue"]', html: queueHtml(await openRequests({ db: drizzle(c.env.DB) })) },
    ]);
  });
