/**
 * The support team's side of alerts: the queue of "I need help" items, one item opened (a logged
 * look-up: it shows who the customer is and how to reach them), closing an item, and a customer's
 * alert history found by account number (a logged look-up too). The queue itself shows no one's
 * identity: kind, alert type, service area, when and status only. Every look-up and every closing
 * is written to the audit log in the same batch as what it reads or changes.
 */
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import type { AlertAnswerCode, AlertType } from '../../../db/schema';
import { auditInsert } from '../../audit/log';
import type { MeterKind } from '../../usage/units';
import { ApiError } from '../../http/errors';

export type QueueItem = { id: string; kind: 'alert_help'; status: 'open' | 'closed'; openedAt: string; closedAt: string | null; alertType: AlertType | null; serviceArea: string | null };

/** Items shown per page of the queue. */
export const QUEUE_PAGE = 50;

export async function supportQueue(raw: D1Database, status: 'open' | 'closed'): Promise<{ items: QueueItem[]; open: number }> {
  const [items, count] = await raw.batch([
    raw
      .prepare(
        `SELECT s.id, s.kind, s.status, s.opened_at AS openedAt, s.closed_at AS closedAt, a.type AS alertType, sp.service_area AS serviceArea
         FROM support_items s LEFT JOIN alerts a ON a.id = s.alert_id LEFT JOIN meters m ON m.id = a.meter_id LEFT JOIN service_points sp ON sp.id = m.service_point_id
         WHERE s.status = ?1 ORDER BY ${status === 'open' ? 's.opened_at ASC' : 's.closed_at DESC'}, s.id LIMIT ${QUEUE_PAGE}`,
      )
      .bind(status),
    raw.prepare("SELECT count(*) AS n FROM support_items WHERE status = 'open'"),
  ]);
  return { items: (items?.results ?? []) as QueueItem[], open: ((count?.results?.[0] as { n: number } | undefined)?.n ?? 0) };
}

export type CustomerAlert = {
  id: string;
  type: AlertType;
  status: 'open' | 'closed';
  firstDay: string;
  lastDay: string;
  closeReason: string | null;
  meterKind: MeterKind;
  figures: Record<string, unknown>;
  answers: { answer: AlertAnswerCode; note: string | null; answeredAt: string }[];
};

export type ItemDetail = {
  item: QueueItem & { closedByLoginId: string | null; closingNote: string | null };
  customer: { accountId: string; accountNumber: string; holderName: string; emailOnFile: string | null; phoneOnFile: string | null; serviceAddress: string | null };
  alert: CustomerAlert | null;
};

async function alertsWithAnswers(raw: D1Database, where: string, param: string): Promise<CustomerAlert[]> {
  const { results } = await raw
    .prepare(
      `SELECT a.id, a.type, a.status, a.first_day AS firstDay, a.last_day AS lastDay, a.close_reason AS closeReason, m.kind AS meterKind, a.figures,
         (SELECT json_group_array(json_object('answer', x.answer, 'note', x.note, 'answeredAt', x.answered_at)) FROM (SELECT * FROM alert_answers WHERE alert_id = a.id ORDER BY answered_at, rowid) x) AS answers
       FROM alerts a JOIN meters m ON m.id = a.meter_id WHERE ${where} ORDER BY a.opened_at DESC LIMIT 100`,
    )
    .bind(param)
    .all<Omit<CustomerAlert, 'figures' | 'answers'> & { figures: string; answers: string }>();
  const parse = <T>(s: string, fallback: T): T => {
    try {
      return JSON.parse(s) as T;
    } catch {
      return fallback;
    }
  };
  return results.map((r) => ({ ...r, figures: parse(r.figures, {}), answers: parse(r.answers, []) }));
}

async function customerOf(raw: D1Database, accountId: string) {
  const row = await raw
    .prepare(
      `SELECT a.id AS accountId, a.account_number AS accountNumber, a.holder_name AS holderName, a.email_on_file AS emailOnFile, a.phone_on_file AS phoneOnFile,
         (SELECT sp.street || ', ' || sp.city || ' ' || sp.postal_code FROM service_point_tenures t JOIN service_points sp ON sp.id = t.service_point_id WHERE t.account_id = a.id ORDER BY t.end_day IS NULL DESC, t.end_day DESC LIMIT 1) AS serviceAddress
       FROM accounts a WHERE a.id = ?1`,
    )
    .bind(accountId)
    .first<ItemDetail['customer']>();
  return row ?? null;
}

/** One item with the customer and the alert behind it; the view is audited. 404 for no such item. */
export async function openSupportItem(db: DrizzleD1Database, raw: D1Database, staff: { id: string; role: string }, itemId: string): Promise<ItemDetail> {
  const item = await raw
    .prepare(
      `SELECT s.id, s.kind, s.status, s.opened_at AS openedAt, s.closed_at AS closedAt, s.closed_by_login_id AS closedByLoginId, s.closing_note AS closingNote,
         s.account_id AS accountId, s.alert_id AS alertId, a.type AS alertType, sp.service_area AS serviceArea
       FROM support_items s LEFT JOIN alerts a ON a.id = s.alert_id LEFT JOIN meters m ON m.id = a.meter_id LEFT JOIN service_points sp ON sp.id = m.service_point_id
       WHERE s.id = ?1`,
    )
    .bind(itemId.slice(0, 100))
    .first<ItemDetail['item'] & { accountId: string; alertId: string | null }>();
  if (!item) throw new ApiError(404, 'not_found', 'There is no such support item.');
  const customer = await customerOf(raw, item.accountId);
  if (!customer) throw new ApiError(404, 'not_found', 'There is no such support item.');
  const alert = item.alertId ? ((await alertsWithAnswers(raw, 'a.id = ?1', item.alertId))[0] ?? null) : null;
  await auditInsert(db, { event: 'staff.support_item_viewed', actorLoginId: staff.id, subjectAccountId: item.accountId, detail: { item: item.id, role: staff.role } });
  const { accountId: _a, alertId: _b, ...rest } = item;
  return { item: rest, customer, alert };
}

/** Closes an open item, with the agent's note (no personal values), in one batch with its audit line. */
export async function closeSupportItem(raw: D1Database, staff: { id: string; role: string }, itemId: string, note: string | undefined, now = new Date()) {
  const item = await raw.prepare('SELECT id, account_id AS accountId, status FROM support_items WHERE id = ?1').bind(itemId.slice(0, 100)).first<{ id: string; accountId: string; status: string }>();
  if (!item) throw new ApiError(404, 'not_found', 'There is no such support item.');
  if (item.status !== 'open') throw new ApiError(409, 'already_closed', 'This item is already closed.');
  // The audit line is written only if the item was still open (the same condition, in the same batch).
  const [closed] = await raw.batch([
    raw.prepare("UPDATE support_items SET status = 'closed', closed_at = ?2, closed_by_login_id = ?3, closing_note = ?4 WHERE id = ?1 AND status = 'open'").bind(item.id, now.toISOString(), staff.id, note ?? null),
    raw
      .prepare("INSERT INTO audit_events (id, at, event, actor_login_id, subject_account_id, detail) SELECT ?1, ?2, 'staff.support_item_closed', ?3, ?4, ?5 WHERE changes() > 0")
      .bind(crypto.randomUUID(), now.toISOString(), staff.id, item.accountId, JSON.stringify({ item: item.id, role: staff.role })),
  ]);
  if ((closed?.meta.changes ?? 0) === 0) throw new ApiError(409, 'already_closed', 'This item is already closed.');
  return { status: 'closed' as const };
}

/**
 * A customer's alerts and answers, by account number: the only way staff see one person's alert
 * history, and logged whether or not the number matched (as the customer look-up is).
 */
export async function customerAlerts(db: DrizzleD1Database, raw: D1Database, staff: { id: string; role: string }, accountNumber: string) {
  const account = await raw.prepare('SELECT id FROM accounts WHERE account_number = ?1').bind(accountNumber.replace(/[^0-9]/g, '')).first<{ id: string }>();
  await auditInsert(db, { event: 'staff.customer_alerts_viewed', actorLoginId: staff.id, subjectAccountId: account?.id ?? null, detail: { found: account !== null, role: staff.role } });
  if (!account) throw new ApiError(404, 'not_found', 'No account has this number.');
  const customer = await customerOf(raw, account.id);
  return { customer: customer!, alerts: await alertsWithAnswers(raw, 'a.account_id = ?1', account.id) };
}
