/**
 * The staff console's alert pages, filled by the worker (site/pages/staff/alerts/…):
 * - /staff/alerts/: de-identified counts for an ended month (every staff role); for support agents
 *   and administrators also the queue of help requests (no identities) and the customer alert
 *   look-up by account number (logged);
 * - /staff/alerts/help/?id=: one help request, with the customer and the alert (a logged look-up),
 *   and the form that closes it.
 * Anyone without the role gets the page with a refusal, never data.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../../app-types';
import { requireLogin } from '../../auth/require-login';
import { ApiError, handleError } from '../../http/errors';
import { esc, noticeFromQuery, problemsFromQuery, servePage, type Fill, type ProblemCatalog } from '../../requests/page-fill';
import { customerAlertsQuery, staffCountsQuery, supportQueueQuery } from '../../shared/alert-forms';
import { utility } from '../../tenants/scope';
import { alertDetail as alertSentence } from '../describe';
import { longDay } from '../centre/format';
import { alertTypeLabels, answeredLabels, closeReasonLabels } from '../centre/vocabulary';
import { countableMonths, monthCounts, type MonthCounts } from './counts';
import type { ProtectedCells } from './deidentify';
import { countRoles, countsMonth, supportRoles } from './routes';
import { customerAlerts, openSupportItem, supportQueue, type CustomerAlert, type QueueItem } from './support';

const monthFormat = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthName = (m: string) => monthFormat.format(new Date(`${m}-01T00:00:00Z`));
const at = (iso: string | null) => (iso ? `<time datetime="${esc(iso)}">${esc(new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: utility().timeZone }).format(new Date(iso)))}</time>` : '—');
const answerCellLabel = (key: string) => (key === 'none' ? 'No answer yet' : (answeredLabels as Record<string, string>)[key] ?? key);

function cellsTable(caption: string, keyHeading: string, cells: ProtectedCells, label: (key: string) => string, minHomes: number) {
  if (cells.withheld) return `<p><strong>${esc(caption)}:</strong> not shown: fewer than ${minHomes} homes.</p>`;
  const rows = cells.cells.map((c) => `<tr><th scope="row">${esc(label(c.key))}</th><td>${c.homes}</td><td>${c.alerts}</td></tr>`);
  if (cells.other) rows.push(`<tr><th scope="row">Others combined (each under ${minHomes} homes)</th><td>${cells.other.homes}</td><td>${cells.other.alerts}</td></tr>`);
  return `<table class="data"><caption>${esc(caption)}</caption><thead><tr><th scope="col">${esc(keyHeading)}</th><th scope="col">Homes</th><th scope="col">Alerts</th></tr></thead><tbody>${rows.join('')}</tbody><tfoot><tr><th scope="row">All</th><td>${cells.total.homes}</td><td>${cells.total.alerts}</td></tr></tfoot></table>`;
}

export function countsHtml(counts: MonthCounts, months: string[]) {
  const picker = `<form method="get" action="/staff/alerts/" class="filters"><label for="month">Month</label><select id="month" name="month">${months
    .map((m) => `<option value="${esc(m)}"${m === counts.month ? ' selected' : ''}>${esc(monthName(m))}</option>`)
    .join('')}</select><button type="submit">Show</button></form>`;
  const types = counts.types
    .map((t) => {
      const title = alertTypeLabels[t.type];
      if (t.byArea.withheld) return `<h3>${esc(title)}</h3><p>Not shown: fewer than ${counts.minHomes} homes had this alert in ${esc(monthName(counts.month))}.</p>`;
      return `<h3>${esc(title)}</h3>${cellsTable(`${title}: by service area`, 'Service area', t.byArea, (k) => k, counts.minHomes)}${cellsTable(`${title}: by the customer's answer`, 'Answer', t.byAnswer, answerCellLabel, counts.minHomes)}`;
    })
    .join('');
  return `${picker}<p class="hint">Alerts whose episode began in ${esc(monthName(counts.month))}. Each figure counts at least ${counts.minHomes} homes (service addresses); smaller groups are combined, or not shown. Only months that have ended are counted, so no figure changes from one day to the next.</p>${types}`;
}

function queueHtml(queue: { items: QueueItem[]; open: number }, status: 'open' | 'closed') {
  const tabs = `<nav aria-label="Help requests"><ul class="inline"><li><a href="/staff/alerts/"${status === 'open' ? ' aria-current="page"' : ''}>Open (${queue.open})</a></li><li><a href="/staff/alerts/?status=closed"${status === 'closed' ? ' aria-current="page"' : ''}>Recently closed</a></li></ul></nav>`;
  if (queue.items.length === 0) return `${tabs}<p>${status === 'open' ? 'No open help requests.' : 'No closed help requests.'}</p>`;
  const rows = queue.items
    .map((i) => `<tr><td>${at(i.openedAt)}</td><td>${esc(i.alertType ? alertTypeLabels[i.alertType] : 'Alert')}</td><td>${esc(i.serviceArea ?? '—')}</td><td>${status === 'closed' ? at(i.closedAt) : 'Open'}</td><td><a href="/staff/alerts/help/?id=${encodeURIComponent(i.id)}">Open this request</a></td></tr>`)
    .join('');
  return `${tabs}<table class="queue"><caption>Customers who answered an alert with "I need help"${status === 'open' ? ', oldest first' : ''}</caption><thead><tr><th scope="col">Asked</th><th scope="col">Alert</th><th scope="col">Service area</th><th scope="col">Status</th><th scope="col">Details (logged)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function alertsTable(alerts: CustomerAlert[]) {
  if (alerts.length === 0) return '<p>This account has no alerts.</p>';
  const rows = alerts
    .map((a) => {
      const answers = a.answers.map((x) => `${esc(answeredLabels[x.answer])} (${at(x.answeredAt)})${x.note ? `: “${esc(x.note)}”` : ''}`).join('<br>') || 'No answer';
      const status = a.status === 'open' ? 'Open' : a.closeReason ? (closeReasonLabels as Record<string, string>)[a.closeReason] ?? 'Ended' : 'Ended';
      return `<tr><td>${esc(alertTypeLabels[a.type])}</td><td>${esc(longDay(a.firstDay))}${a.firstDay !== a.lastDay ? ` to ${esc(longDay(a.lastDay))}` : ''}</td><td>${esc(status)}</td><td>${esc(alertSentence({ type: a.type, kind: a.meterKind, figures: a.figures, firstDay: a.firstDay, lastDay: a.lastDay }))}</td><td>${answers}</td></tr>`;
    })
    .join('');
  return `<table class="data"><caption>Alerts, newest first</caption><thead><tr><th scope="col">Alert</th><th scope="col">Days</th><th scope="col">Status</th><th scope="col">What the reads showed</th><th scope="col">Answers</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function customerFacts(c: { accountNumber: string; holderName: string; emailOnFile: string | null; phoneOnFile: string | null; serviceAddress: string | null }) {
  const facts: [string, string][] = [
    ['Account number', c.accountNumber],
    ['Name', c.holderName],
    ['E-mail on file', c.emailOnFile ?? '—'],
    ['Phone on file', c.phoneOnFile ?? '—'],
    ['Service address', c.serviceAddress ?? '—'],
  ];
  return `<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

const closeProblems: ProblemCatalog = {
  errors: { invalid_request: 'Check the note.', already_closed: 'This request was already closed.', not_found: 'There is no such help request.', forbidden: 'Your role does not allow that.' },
  fallback: 'The request was not closed. Reload the page and try again.',
  fields: { note: { message: 'A note is at most 500 characters, and holds no personal data.', anchor: 'close-note' } },
};

const isSupport = (c: Context<AppEnv>) => c.var.login.role === 'support' || c.var.login.role === 'admin';

export const alertStaffPages = new Hono<AppEnv>()
  .use('/staff/alerts/*', requireLogin)
  .get('/staff/alerts/', countRoles, async (c) => {
    const parsed = staffCountsQuery.safeParse(c.req.query());
    let month: string;
    try {
      month = countsMonth(parsed.success ? parsed.data.month : undefined);
    } catch {
      month = countsMonth(undefined);
    }
    const fills: Fill[] = [{ selector: '[data-fill="counts"]', html: countsHtml(await monthCounts(c.env.DB, month), countableMonths(utility().timeZone)) }];
    if (isSupport(c)) {
      const status = supportQueueQuery.safeParse(c.req.query()).data?.status ?? 'open';
      fills.push({ selector: '[data-fill="help"]', html: queueHtml(await supportQueue(c.env.DB, status), status) });
      const lookup = customerAlertsQuery.safeParse(c.req.query());
      let found = '';
      if (lookup.success) {
        try {
          const result = await customerAlerts(drizzle(c.env.DB), c.env.DB, { id: c.var.login.id, role: c.var.login.role }, lookup.data.accountNumber);
          found = `${customerFacts(result.customer)}${alertsTable(result.alerts)}`;
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 404)) throw e;
          found = '<p role="status">No account has this number.</p>';
        }
      }
      fills.push({ selector: '[data-fill="customer-alerts"]', html: found });
      if (lookup.success) fills.push({ selector: '#accountNumber', attributes: { value: lookup.data.accountNumber } });
    } else {
      fills.push({ selector: '[data-fill="support-only"]', html: '<p>The help queue and the customer alert look-up are for support agents and administrators.</p>' });
    }
    return servePage(c, '/staff/alerts/', fills);
  })
  .get('/staff/alerts/help/', supportRoles, async (c) => {
    const url = new URL(c.req.url);
    const id = (url.searchParams.get('id') ?? '').slice(0, 100);
    const d = await openSupportItem(drizzle(c.env.DB), c.env.DB, { id: c.var.login.id, role: c.var.login.role }, id);
    const closeForm =
      d.item.status === 'open'
        ? `<h2>Close this request</h2><form method="post" action="/api/staff/alerts/help/${encodeURIComponent(d.item.id)}/close" class="actions"><label for="close-note">Note (what was done; no personal data)</label><textarea id="close-note" name="note" rows="2" maxlength="500"></textarea><button type="submit">Close the request</button></form>`
        : `<p>Closed ${at(d.item.closedAt)}${d.item.closingNote ? `: ${esc(d.item.closingNote)}` : '.'}</p>`;
    const html = `<h2>Customer</h2>${customerFacts(d.customer)}<h2>The alert</h2>${d.alert ? alertsTable([d.alert]) : '<p>The alert is no longer held.</p>'}<p>Asked for help ${at(d.item.openedAt)}.</p>${closeForm}`;
    return servePage(c, '/staff/alerts/help/', [
      { selector: '[data-fill="problems"]', html: problemsFromQuery(url, closeProblems) + noticeFromQuery(url, { closed: 'The request is closed.' }) },
      { selector: '[data-fill="item"]', html },
    ]);
  })
  .onError((err, c) => {
    const status = err instanceof HTTPException ? err.status : 500;
    if (status !== 401 && status !== 403 && status !== 404) return handleError(err, c);
    const message =
      status === 401
        ? '<p>Please <a href="/login/">sign in</a> with your staff account.</p>'
        : status === 403
          ? '<p>Your role does not allow this page. Help requests are worked by support agents.</p>'
          : '<p>There is no such help request.</p>';
    const page = new URL(c.req.url).pathname.startsWith('/staff/alerts/help/') ? '/staff/alerts/help/' : '/staff/alerts/';
    const fills: Fill[] = [{ selector: page === '/staff/alerts/' ? '[data-fill="counts"]' : '[data-fill="item"]', html: message }, { selector: '[data-fill="support-only"]', remove: true }];
    return servePage(c, page, fills, status);
  });
