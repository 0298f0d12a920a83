import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../app-types';
import { auditInsert } from '../audit/log';
import { handleError } from '../http/errors';
import { requireLogin } from '../auth/require-login';
import { esc, noticeFromQuery, problemsFromQuery, servePage } from '../requests/page-fill';
import { stateLabels } from '../requests/state-machine';
import { queueQuerySchema, requestTypeLabels } from '../shared/request-schemas';
import { requestDetail } from './detail';
import { staffActionProblems } from './messages';
import { findCustomer } from './lookup';
import { listQueue } from './queue';
import type { Locale } from '../i18n/locale';
import { queueHtml, urgencyLabels } from './queue-html';
import { lookupRoles, privacyRoles } from './routes';

const urgencyLabel = urgencyLabels;

/** The request's language, and what it means for the reasons an officer types (they go into the requester's mail as written). */
const languageNote: Record<Locale, string> = {
  en: 'English',
  es: 'Spanish: mail to the requester and the status page are in Spanish, so write an extension or refusal reason in Spanish',
};

const actionForm = (id: string, action: string, label: string, fields = '') =>
  `<form method="post" action="/api/staff/requests/${encodeURIComponent(id)}/${action}">${fields}<button type="submit">${esc(label)}</button></form>`;

function detailHtml(d: Awaited<ReturnType<typeof requestDetail>>): string {
  const r = d.request;
  const facts: [string, unknown][] = [
    ['Type', requestTypeLabels[r.type]],
    ['Status', stateLabels[r.state]],
    ['Received', r.receivedAt],
    ['Acknowledge by', `${r.acknowledgeBy} (acknowledged ${r.acknowledgedAt ?? 'not yet'})`],
    ['Due', `${r.dueOn} — ${urgencyLabel[r.urgency]}`],
    ['Extension', r.extendedAt ? `${r.extendedAt.slice(0, 10)}: ${r.extensionReason}` : 'None'],
    ['Filed by', r.submittedBy === 'agent' ? `Agent ${r.agentName} <${r.agentEmail}>` : 'The customer'],
    ...(r.submittedBy === 'agent' ? ([['Signed permission', r.agentPermission]] as [string, unknown][]) : []),
    ['Customer name given', r.requesterName],
    ['Contact e-mail', r.requesterEmail],
    ['Language', languageNote[r.locale]],
    ['Notices go to', r.noticeTo ?? 'No one: the request is not verified or matched no account (the requester reads the answer at their status link)'],
    ['Signed declaration', r.declarationName],
    ['Account matched', r.accountMatched ? 'Yes' : 'No account matched these details'],
    ['Verification', r.verifiedAt ? `${r.verificationMethod} at ${r.verifiedAt}` : 'Not verified yet'],
    ['Submission SHA-256', r.submissionSha256],
  ];
  if (r.details && r.type === 'opt_out') facts.push(['Choices', `${r.details.optOutSaleSharing ? 'Opt out of sale/sharing. ' : ''}${r.details.limitSensitiveUse ? 'Limit sensitive use.' : ''}`]);
  const correction = d.correction
    ? `<h2>Correction</h2><table class="data"><caption>${esc(d.correction.label)}</caption><thead><tr><th scope="col">On file now</th><th scope="col">Requested</th></tr></thead><tbody><tr><td>${esc(d.correction.current ?? '(nothing on file)')}</td><td>${esc(d.correction.requested)}</td></tr></tbody></table>`
    : '';
  const answer = r.answer
    ? `<h2>Answer given</h2><p>${esc(r.answer.summary)}</p>${r.answer.retained?.length ? `<ul>${r.answer.retained.map((x) => `<li>${esc(x.item)}: ${esc(x.reason)}</li>`).join('')}</ul>` : ''}`
    : '';
  const actions: string[] = [];
  if (d.next.includes('in_progress')) actions.push(actionForm(r.id, 'start', 'Start work', '<label for="note-start">Note (no personal data)</label><input id="note-start" name="note" maxlength="500">'));
  if (d.next.includes('fulfilled')) {
    if (r.type === 'correct') {
      actions.push(actionForm(r.id, 'correction', 'Apply the correction', '<input type="hidden" name="decision" value="apply">'));
      actions.push(actionForm(r.id, 'correction', 'Refuse the correction', '<input type="hidden" name="decision" value="refuse"><label for="reason-correction">Reason the requester will read</label><textarea id="reason-correction" name="reason" rows="2" required></textarea>'));
    } else {
      const label = { know: 'Send the access package', delete: 'Delete by de-identification', opt_out: 'Record the opt-out', correct: '' }[r.type];
      actions.push(actionForm(r.id, 'fulfil', label));
    }
  }
  if (d.next.includes('extended')) actions.push(actionForm(r.id, 'extend', 'Extend the deadline', '<label for="days">Days (1–45)</label><input id="days" name="days" type="number" min="1" max="45" value="45" required><label for="reason-extend">Reason the requester will read</label><textarea id="reason-extend" name="reason" rows="2" required></textarea>'));
  if (d.next.includes('refused') && r.type !== 'correct') actions.push(actionForm(r.id, 'refuse', 'Refuse the request', '<label for="reason-refuse">Reason the requester will read</label><textarea id="reason-refuse" name="reason" rows="2" required></textarea>'));
  else if (d.next.includes('refused') && !d.next.includes('fulfilled')) actions.push(actionForm(r.id, 'refuse', 'Refuse the request', '<label for="reason-refuse">Reason the requester will read</label><textarea id="reason-refuse" name="reason" rows="2" required></textarea>'));
  const history = `<table class="data"><caption>History</caption><thead><tr><th scope="col">When</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Who</th><th scope="col">Note</th></tr></thead><tbody>${d.history
    .map((h) => `<tr><td>${esc(h.at)}</td><td>${esc(h.from ?? '—')}</td><td>${esc(h.to)}</td><td>${esc(h.actorKind)}${h.actorLoginId ? ` (${esc(h.actorLoginId)})` : ''}</td><td>${esc(h.note ?? '')}</td></tr>`)
    .join('')}</tbody></table>`;
  return `<h2>Request <code>${esc(r.id)}</code></h2><dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>${correction}${answer}${
    actions.length ? `<h2>Actions</h2><div class="actions">${actions.join('')}</div>` : ''
  }${history}`;
}

const doneMessages = { started: 'Work started.', extended: 'Deadline extended; the requester was told why.', refused: 'Request refused; the requester was told why.', fulfilled: 'Request fulfilled.', corrected: 'Decision recorded.' };

/** The staff console's pages, filled by the worker. Anyone without the role gets the page with a refusal, never data. */
export const staffPages = new Hono<AppEnv>()
  .use('/staff/*', requireLogin)
  .get('/staff/', privacyRoles, async (c) => {
    const parsed = queueQuerySchema.safeParse(c.req.query());
    const filters = parsed.success ? parsed.data : { view: 'matched' as const, page: 1 };
    return servePage(c, '/staff/', [
      { selector: '[data-fill="queue"]', html: queueHtml(await listQueue(c.env.DB, filters), filters) },
      ...(filters.view !== 'matched' ? [{ selector: 'input[data-fill="view"]', attributes: { value: filters.view } }] : []),
      ...(filters.type ? [{ selector: `#type option[value="${filters.type}"]`, attributes: { selected: '' } }] : []),
      ...(filters.status ? [{ selector: `#status option[value="${filters.status}"]`, attributes: { selected: '' } }] : []),
    ]);
  })
  .get('/staff/request/', privacyRoles, async (c) => {
    const url = new URL(c.req.url);
    const id = url.searchParams.get('id') ?? '';
    const detail = await requestDetail(c.env, id.slice(0, 100), c.var.login.id);
    return servePage(c, '/staff/request/', [
      { selector: '[data-fill="problems"]', html: problemsFromQuery(url, staffActionProblems) + noticeFromQuery(url, doneMessages) },
      { selector: '[data-fill="request"]', html: detailHtml(detail) },
    ]);
  })
  .get('/staff/customers/', lookupRoles, async (c) => {
    const number = (c.req.query('accountNumber') ?? '').trim();
    if (!/^[0-9 -]{4,20}$/.test(number)) return servePage(c, '/staff/customers/', []);
    const customer = await findCustomer(c.env.DB, number);
    await auditInsert(drizzle(c.env.DB), { event: 'staff.customer_viewed', actorLoginId: c.var.login.id, subjectAccountId: customer?.accountId ?? null, detail: { found: customer !== null, role: c.var.login.role } });
    const html = customer
      ? `<dl class="facts">${(
          [
            ['Account number', customer.accountNumber],
            ['Name', customer.holderName],
            ['E-mail on file', customer.emailOnFile ?? '—'],
            ['Phone on file', customer.phoneOnFile ?? '—'],
            ['Mailing address', customer.mailingAddress ?? '—'],
            ['Service address', customer.serviceAddress ?? '—'],
            ['Status', customer.status],
            ['Portal logins', customer.portalLogins],
            ['Open privacy requests', customer.openRequests],
          ] as [string, unknown][]
        )
          .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
          .join('')}</dl>`
      : '<p role="status">No account has this number.</p>';
    return servePage(c, '/staff/customers/', [
      { selector: '[data-fill="customer"]', html },
      { selector: '#accountNumber', attributes: { value: number } },
    ]);
  })
  .onError((err, c) => {
    const status = err instanceof HTTPException ? err.status : 500;
    if (status !== 401 && status !== 403 && status !== 404) return handleError(err, c);
    const message =
      status === 401
        ? '<p>Please <a href="/login/">sign in</a> with your staff account.</p>'
        : status === 403
          ? '<p>Your role does not allow this page. Privacy requests are worked by the privacy officer.</p>'
          : '<p>There is no such request.</p>';
    const path = new URL(c.req.url).pathname;
    const page = path.startsWith('/staff/request/') ? '/staff/request/' : path.startsWith('/staff/customers/') ? '/staff/customers/' : '/staff/';
    const selector = page === '/staff/' ? '[data-fill="queue"]' : page === '/staff/request/' ? '[data-fill="request"]' : '[data-fill="customer"]';
    return servePage(c, page, [{ selector, html: message }], status);
  });

