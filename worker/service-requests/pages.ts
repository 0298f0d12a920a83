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
import { bothLanguages } from '../i18n/locale';
import { customerRequests, openRequests } from './requests';
import { servePage } from '../requests/page-fill';
import { staffRoles } from '../auth/sessions';

const serviceMessage = codedMessage({
  en: { status: serviceStatusMessages, errors: serviceErrorMessages, fields: serviceFieldLabels },
  es: { status: serviceStatusMessagesEs, errors: serviceErrorMessagesEs, fields: serviceFieldLabelsEs },
});

const kindWords = { stop: 'Stop service', move: 'Move', start: 'Start service' } as const;
const stateWords = { submitted: 'Waiting for staff', confirmed: 'Confirmed', refused: 'Refused', withdrawn: 'Withdrawn' } as const;

type Row = Awaited<ReturnType<typeof customerRequests>>[number];

function requestLine({ r, street }: Row) {
  const dates = [r.stopOn ? `last day at ${street ?? 'the old address'}: ${r.stopOn}` : null, r.startOn ? `first day at ${r.newStreet}, ${r.newCity}: ${r.startOn}` : null].filter(Boolean).join('; ');
  const reason = r.state === 'refused' && r.refusalReason ? `<br>Why: ${escapeHtml(r.refusalReason)}` : '';
  const withdraw =
    r.state === 'submitted'
      ? `<form method="post" action="/api/services/withdraw" data-enhance><input type="hidden" name="request" value="${escapeHtml(r.id)}"><button type="submit" class="secondary">Withdraw this request</button></form>`
      : '';
  return `<li><p><strong>${escapeHtml(kindWords[r.kind])}</strong>: ${escapeHtml(dates)}. <strong>${escapeHtml(stateWords[r.state])}</strong>; asked ${when(r.createdAt)}.${reason}</p>${withdraw}</li>`;
}

const fillServices: Filler = async (c, login, rewriter) => {
  const deps = await accountDeps(c);
  const requests = await customerRequests(deps, login.id);
  const points = await deps.db
    .select({ id: servicePoints.id, street: servicePoints.street, city: servicePoints.city })
    .from(servicePointTenures)
    .innerJoin(servicePoints, eq(servicePoints.id, servicePointTenures.servicePointId))
    .innerJoin(accountAccess, and(eq(accountAccess.accountId, servicePointTenures.accountId), eq(accountAccess.loginId, login.id), eq(accountAccess.relationship, 'holder')))
    .where(isNull(servicePointTenures.endDay))
    .orderBy(servicePoints.street);
  const list = requests.length ? `<ul class="people">${requests.map(requestLine).join('')}</ul>` : '<p>None yet.</p>';
  // Every address the login holds, of any of its accounts: the worker finds the account from the address.
  const options = points.map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(`${p.street}, ${p.city}`)}</option>`).join('');
  return rewriter
    .on('[data-fill="requests"]', { element: (el) => void el.setInnerContent(list, { html: true }) })
    .on('[data-holder-forms]', { element: (el) => void (points.length ? undefined : el.replace('<p>Only an account holder can ask to stop or move service, for an address the account holds now.</p>', { html: true })) })
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
  .get('/account/services/', signedInPage(fillServices, { message: serviceMessage }))
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
