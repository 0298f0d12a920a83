/** The privacy officer's queue: open requests first, by due date, each marked overdue / nearly due. */
import { privacyRequestStates, type PrivacyRequestState, type PrivacyRequestType } from '../../db/schema';
import { localDate, urgency, type Urgency } from '../requests/deadlines';
import { closedStates } from '../requests/state-machine';
import { utility } from '../shared/utility';

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

export async function listQueue(raw: D1Database, filters: { type?: PrivacyRequestType; status?: string }, now = new Date()): Promise<QueueItem[]> {
  const where: string[] = [];
  const params: string[] = [];
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
  const sql = `SELECT id, type, state, received_at, due_on, extended_at, submitted_by, account_id IS NOT NULL AS matched
    FROM privacy_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY state IN ('fulfilled','refused'), due_on, received_at LIMIT 500`;
  const { results } = await raw.prepare(sql).bind(...params).all<{ id: string; type: PrivacyRequestType; state: PrivacyRequestState; received_at: string; due_on: string; extended_at: string | null; submitted_by: 'self' | 'agent'; matched: number }>();
  const today = localDate(now, utility.timeZone);
  return results.map((r) => {
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
  });
}
