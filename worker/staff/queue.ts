/**
 * The privacy officer's queue: open requests first, by due date, each marked overdue / nearly due,
 * a page at a time. Two views split it: requests that matched an account or were verified (the
 * work) and unmatched, unverified filings (anyone can file one, so they must not bury the work).
 */
import { privacyRequestStates, type PrivacyRequestState, type PrivacyRequestType } from '../../db/schema';
import { localDate, urgency, type Urgency } from '../requests/deadlines';
import { closedStates } from '../requests/state-machine';
import { utility } from '../tenants/scope';

export type QueueItem = {
  id: string;
  type: PrivacyRequestType;
  state: PrivacyRequestState;
  receivedAt: string;
  dueOn: string;
  extended: boolean;
  urgency: Urgency;
  daysLeft: number;
  submittedBy: 'self' | 'agent';
  accountMatched: boolean;
};

export const queueViews = ['matched', 'unmatched'] as const;
export type QueueView = (typeof queueViews)[number];

/** Enough rows to scan at a glance, few enough that a page stays quick to read and to serve. */
export const QUEUE_PAGE_SIZE = 50;

export type QueuePage = {
  view: QueueView;
  page: number;
  pageSize: number;
  /** Requests in this view (with the type and status filters). */
  total: number;
  pages: number;
  /** How many requests each view holds, with the same filters: the tabs show them. */
  counts: Record<QueueView, number>;
  requests: QueueItem[];
};

// Verified by a session or by the link to the e-mail on file, or tied to an account: real work.
// An opt-out is "verified" without proof (none is required), so it counts only with an account.
// (coalesce: a NULL would make both the view and its negation drop the row.)
const matchedSql = "(account_id IS NOT NULL OR coalesce(verification_method, '') IN ('session', 'email_link'))";

export async function listQueue(
  raw: D1Database,
  filters: { type?: PrivacyRequestType; status?: string; view?: QueueView; page?: number },
  now = new Date(),
): Promise<QueuePage> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filters.type) {
    params.push(filters.type);
    where.push(`type = ?${params.length}`);
  }
  if (filters.status === 'open' || filters.status === 'closed') {
    where.push(`state ${filters.status === 'open' ? 'NOT IN' : 'IN'} ('fulfilled','refused')`);
  } else if (filters.status && (privacyRequestStates as readonly string[]).includes(filters.status)) {
    params.push(filters.status);
    where.push(`state = ?${params.length}`);
  }
  const view = filters.view ?? 'matched';
  const filtered = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const inView = `${filtered ? `${filtered} AND` : 'WHERE'} ${view === 'matched' ? matchedSql : `NOT ${matchedSql}`}`;
  const pageSize = QUEUE_PAGE_SIZE;
  const wanted = Math.max(1, Math.floor(filters.page ?? 1));
  const [countRows, pageRows] = await raw.batch<Record<string, unknown>>([
    raw.prepare(`SELECT coalesce(sum(${matchedSql}), 0) AS matched, coalesce(sum(NOT ${matchedSql}), 0) AS unmatched FROM privacy_requests ${filtered}`).bind(...params),
    raw
      .prepare(
        `SELECT id, type, state, received_at, due_on, extended_at, submitted_by, account_id IS NOT NULL AS matched
         FROM privacy_requests ${inView}
         ORDER BY state IN ('fulfilled','refused'), due_on, received_at, id LIMIT ?${params.length + 1} OFFSET ?${params.length + 2}`,
      )
      .bind(...params, pageSize, (wanted - 1) * pageSize),
  ]);
  const counts = countRows!.results[0] as { matched: number; unmatched: number };
  const total = Number(counts[view]);
  const today = localDate(now, utility().timeZone);
  const rows = pageRows!.results as { id: string; type: PrivacyRequestType; state: PrivacyRequestState; received_at: string; due_on: string; extended_at: string | null; submitted_by: 'self' | 'agent'; matched: number }[];
  return {
    view,
    page: wanted,
    pageSize,
    total,
    pages: Math.max(1, Math.ceil(total / pageSize)),
    counts: { matched: Number(counts.matched), unmatched: Number(counts.unmatched) },
    requests: rows.map((r) => {
      const closed = closedStates.includes(r.state);
      return {
        id: r.id,
        type: r.type,
        state: r.state,
        receivedAt: r.received_at,
        dueOn: r.due_on,
        extended: r.extended_at !== null,
        urgency: urgency(r.due_on, today, closed),
        daysLeft: Math.round((Date.parse(`${r.due_on}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000),
        submittedBy: r.submitted_by,
        accountMatched: r.matched === 1,
      };
    }),
  };
}
