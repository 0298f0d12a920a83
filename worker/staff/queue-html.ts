/** The queue page's table, its two views (tabs with counts) and its pager, as escaped HTML. */
import { esc } from '../requests/page-fill';
import { stateLabels } from '../requests/state-machine';
import { requestTypeLabels } from '../shared/request-schemas';
import type { QueuePage, QueueView } from './queue';

export const urgencyLabels = { overdue: 'Overdue', nearly_due: 'Nearly due', on_time: 'On time', closed: 'Closed' } as const;

const viewLabels: Record<QueueView, string> = { matched: 'Matched or verified', unmatched: 'Unmatched, unverified' };

type Filters = { type?: string; status?: string };

function queueHref(filters: Filters, view: QueueView, page = 1) {
  const q = new URLSearchParams();
  if (filters.type) q.set('type', filters.type);
  if (filters.status) q.set('status', filters.status);
  if (view !== 'matched') q.set('view', view);
  if (page > 1) q.set('page', String(page));
  const query = q.toString();
  return `/staff/${query ? `?${query}` : ''}`;
}

function tabs(page: QueuePage, filters: Filters) {
  const items = (Object.keys(viewLabels) as QueueView[]).map((view) => {
    const current = view === page.view ? ' aria-current="page"' : '';
    return `<li><a href="${esc(queueHref(filters, view))}"${current}>${esc(viewLabels[view])} (${page.counts[view]})</a></li>`;
  });
  const hint =
    page.view === 'unmatched'
      ? '<p class="hint">Filings that matched no account and were not verified (for example opt-outs anyone may send). They keep their legal deadlines: answer them here, apart from the requests above.</p>'
      : '<p class="hint">Requests that matched a utility account or were verified. Unmatched, unverified filings are under their own tab.</p>';
  return `<nav aria-label="Queue views"><ul class="inline">${items.join('')}</ul></nav>${hint}`;
}

function pager(page: QueuePage, filters: Filters) {
  if (page.pages <= 1) return '';
  const prev = page.page > 1 ? `<li><a rel="prev" href="${esc(queueHref(filters, page.view, Math.min(page.page - 1, page.pages)))}">Previous page</a></li>` : '';
  const next = page.page < page.pages ? `<li><a rel="next" href="${esc(queueHref(filters, page.view, page.page + 1))}">Next page</a></li>` : '';
  return `<nav aria-label="Pages"><ul class="inline">${prev}<li>Page ${page.page} of ${page.pages}</li>${next}</ul></nav>`;
}

export function queueHtml(page: QueuePage, filters: Filters): string {
  if (page.requests.length === 0) {
    const none = page.total === 0 ? '<p>No requests match.</p>' : `<p>There is no page ${page.page}. <a href="${esc(queueHref(filters, page.view))}">Go to the first page</a>.</p>`;
    return tabs(page, filters) + none;
  }
  const rows = page.requests
    .map(
      (r) =>
        `<tr class="urgency-${r.urgency}"><td><a href="/staff/request/?id=${encodeURIComponent(r.id)}">${esc(r.id.slice(0, 12))}…</a></td><td>${esc(requestTypeLabels[r.type])}</td><td>${esc(stateLabels[r.state])}</td><td>${esc(r.receivedAt.slice(0, 10))}</td><td>${esc(r.dueOn)}${r.extended ? ' (extended)' : ''}</td><td>${esc(urgencyLabels[r.urgency])}${r.urgency === 'closed' ? '' : ` (${r.daysLeft} days)`}</td><td>${r.submittedBy === 'agent' ? 'Agent' : 'Customer'}</td></tr>`,
    )
    .join('');
  const first = (page.page - 1) * page.pageSize + 1;
  const caption = `${page.total} requests, soonest due first${page.pages > 1 ? `: ${first}–${first + page.requests.length - 1} on page ${page.page} of ${page.pages}` : ''}`;
  return `${tabs(page, filters)}<table class="queue"><caption>${esc(caption)}</caption><thead><tr><th scope="col">Request</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Received</th><th scope="col">Due</th><th scope="col">Deadline</th><th scope="col">Filed by</th></tr></thead><tbody>${rows}</tbody></table>${pager(page, filters)}`;
}
