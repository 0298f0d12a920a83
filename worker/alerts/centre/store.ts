/**
 * The alert centre's domain: which alerts a login may see, one alert with the reads behind it, and
 * what the customer does about it (answers, saving actions). Apart from HTTP; routes and pages call
 * these.
 *
 * Who may see an alert: a login holding the usage right on the account the alert was raised for
 * (alerts are usage data). Detection raises an alert only for the holder whose tenure the episode's
 * days lie in, and the reads shown beside it are bounded by that account's tenure
 * (worker/usage/tenure.ts), so a new occupant never sees the previous one's alerts or reads.
 */
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import type { AlertAnswerCode, AlertType } from '../../../db/schema';
import { maskAccountNumber } from '../../accounts/client';
import { accountIdsWithRight, assertAccountRight } from '../../auth/account-access';
import { ApiError, invalidRequest } from '../../http/errors';
import { meterContext, type MeterContext } from '../../usage/meters';
import type { UsageShards } from '../../usage/shards';
import { readDayTotals } from '../../usage/store';
import { meterTenures, type DayRange } from '../../usage/tenure';
import { addDays, daysBetween, localDay } from '../../usage/time';
import { usageSeries, type Point } from '../../usage/series';
import { baseUnit, conversionFactor, roundFor, type DisplayUnit } from '../../usage/units';
import { beforeAfter, readSpan, type BeforeAfter } from './before-after';
import { helpConversationStatements } from '../../messages/alert-help';
import { actionsFor, alertTypeLabels, answersFor, dismisses, stopsReminders, type SavingAction } from './vocabulary';

export type AlertRow = {
  id: string;
  accountId: string;
  meterId: string;
  type: AlertType;
  status: 'open' | 'closed';
  firstDay: string;
  lastDay: string;
  figures: Record<string, unknown>;
  openedAt: string;
  closedAt: string | null;
  closedDay: string | null;
  closeReason: 'resolved' | 'corrected' | 'moved_out' | 'dismissed' | null;
  remindersStoppedAt: string | null;
};

export type AlertListItem = Omit<AlertRow, 'figures'> & {
  /** Masked, as the dashboard shows it ("•••• 0001"). */
  accountNumber: string;
  meterKind: MeterContext['kind'];
  meterUnit: MeterContext['unit'];
  street: string;
  answer: { answer: AlertAnswerCode; answeredAt: string } | null;
};

const alertColumns = `a.id, a.account_id AS accountId, a.meter_id AS meterId, a.type, a.status, a.first_day AS firstDay, a.last_day AS lastDay,
  a.opened_at AS openedAt, a.closed_at AS closedAt, a.closed_day AS closedDay, a.close_reason AS closeReason, a.reminders_stopped_at AS remindersStoppedAt`;

/** Most alerts a list shows (open ones first, then the newest past ones). */
export const LIST_LIMIT = 200;

/** Every alert of every account on which the login holds the usage right: open first, newest first. */
export async function alertsFor(db: DrizzleD1Database, raw: D1Database, loginId: string): Promise<AlertListItem[]> {
  const accountIds = await accountIdsWithRight(db, loginId, 'usage');
  if (accountIds.length === 0) return [];
  const { results } = await raw
    .prepare(
      `SELECT ${alertColumns}, acc.account_number AS accountNumber, m.kind AS meterKind, m.unit AS meterUnit, sp.street,
         (SELECT json_object('answer', x.answer, 'answeredAt', x.answered_at) FROM alert_answers x WHERE x.alert_id = a.id ORDER BY x.answered_at DESC, x.rowid DESC LIMIT 1) AS answer
       FROM alerts a JOIN accounts acc ON acc.id = a.account_id JOIN meters m ON m.id = a.meter_id JOIN service_points sp ON sp.id = m.service_point_id
       WHERE a.account_id IN (SELECT value FROM json_each(?1))
       ORDER BY a.status = 'open' DESC, a.opened_at DESC, a.id LIMIT ${LIST_LIMIT}`,
    )
    .bind(JSON.stringify(accountIds))
    .all<Omit<AlertListItem, 'answer'> & { answer: string | null }>();
  return results.map((r) => ({ ...r, accountNumber: maskAccountNumber(r.accountNumber), answer: r.answer ? (JSON.parse(r.answer) as AlertListItem['answer']) : null }));
}

/** How many open alerts the login can see (the dashboard card). */
export async function openAlertCount(db: DrizzleD1Database, raw: D1Database, loginId: string): Promise<number> {
  const accountIds = await accountIdsWithRight(db, loginId, 'usage');
  if (accountIds.length === 0) return 0;
  const row = await raw.prepare("SELECT count(*) AS n FROM alerts WHERE status = 'open' AND account_id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(accountIds)).first<{ n: number }>();
  return row?.n ?? 0;
}

async function loadAlert(raw: D1Database, alertId: string): Promise<AlertRow | null> {
  const row = await raw.prepare(`SELECT ${alertColumns}, a.figures FROM alerts a WHERE a.id = ?1`).bind(alertId).first<Omit<AlertRow, 'figures'> & { figures: string }>();
  if (!row) return null;
  let figures: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(row.figures) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) figures = parsed as Record<string, unknown>;
  } catch {
    // A figures column that does not parse shows no figures, not an error page.
  }
  return { ...row, figures };
}

/**
 * The alert if the login may see it (usage right on its account), else 404: the same answer as for
 * an alert that does not exist, so another account's alert ids reveal nothing.
 */
export async function alertForViewer(db: DrizzleD1Database, raw: D1Database, loginId: string, alertId: string): Promise<AlertRow> {
  const alert = alertId.length <= 100 ? await loadAlert(raw, alertId) : null;
  if (!alert) throw new ApiError(404, 'not_found', 'No such alert.');
  try {
    await assertAccountRight(db, loginId, alert.accountId, 'usage');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) throw new ApiError(404, 'not_found', 'No such alert.');
    throw e;
  }
  return alert;
}

/** The local day "today" for the utility; reads are complete up to the day before. */
export const utilityToday = (timeZone: string, now: Date) => localDay(now.getTime(), timeZone);

/**
 * The days the chart shows: for a leak, the hours of the last days of the episode (up to a week,
 * with the day before it began when it fits), where flow that never stops is visible; for high use
 * and bills, four weeks of days ending with the alert's last day, where one day or a run of days
 * stands out against the home's usual days.
 */
export function chartWindow(alert: Pick<AlertRow, 'type' | 'firstDay' | 'lastDay'>): { from: string; to: string; resolution: 'hour' | 'day' } {
  if (alert.type === 'continuous_flow' || alert.type === 'intermittent_leak') {
    const dayBefore = addDays(alert.firstDay, -1);
    const weekStart = addDays(alert.lastDay, -6);
    return { from: dayBefore > weekStart ? dayBefore : weekStart, to: alert.lastDay, resolution: 'hour' };
  }
  return { from: addDays(alert.lastDay, -27), to: alert.lastDay, resolution: 'day' };
}

export type ActionView = { action: SavingAction; takenOn: string; recordedAt: string; effect: BeforeAfter };
export type AnswerView = { answer: AlertAnswerCode; note: string | null; answeredAt: string; byYou: boolean };

export type AlertDetail = {
  alert: AlertRow;
  meter: Pick<MeterContext, 'id' | 'kind' | 'unit' | 'serialNumber' | 'street' | 'timeZone'>;
  chart: { from: string; to: string; resolution: 'hour' | 'day'; unit: DisplayUnit; points: Pick<Point, 'label' | 'value' | 'quality'>[] };
  /** The customer's daily threshold in the meter's unit, when this alert compares with it. */
  dayThreshold: number | null;
  answers: AnswerView[];
  actions: ActionView[];
  allowedAnswers: AlertAnswerCode[];
  allowedActions: SavingAction[];
  /** Set when the customer said "fixed" but reads after that day still show the condition. */
  stillShowingSinceFixed: boolean;
  today: string;
};

/** Everything the alert page shows, for a login already allowed to see `alert`. */
export async function alertDetail(db: DrizzleD1Database, raw: D1Database, shards: UsageShards, loginId: string, alert: AlertRow, now = new Date()): Promise<AlertDetail> {
  const meter = await meterContext(db, alert.meterId, alert.accountId);
  if (!meter) throw new ApiError(404, 'not_found', 'No such alert.');
  const tenure: DayRange[] = (await meterTenures(raw, alert.meterId, [alert.accountId])).map(({ from, to }) => ({ from, to }));
  const window = chartWindow(alert);
  const unit = meter.unit as DisplayUnit;
  const series = await usageSeries(shards, meter, { from: window.from, to: window.to, resolution: window.resolution, unit }, null, tenure);

  const [answerRows, actionRows, settings] = await raw.batch([
    raw.prepare('SELECT answer, note, answered_at AS answeredAt, login_id AS loginId FROM alert_answers WHERE alert_id = ?1 ORDER BY answered_at, rowid').bind(alert.id),
    raw.prepare('SELECT action, taken_on AS takenOn, recorded_at AS recordedAt FROM alert_actions WHERE alert_id = ?1 ORDER BY taken_on, action').bind(alert.id),
    raw.prepare('SELECT day_threshold AS dayThreshold FROM alert_settings WHERE account_id = ?1 AND kind = ?2').bind(alert.accountId, meter.kind),
  ]);
  const answers = ((answerRows?.results ?? []) as { answer: AlertAnswerCode; note: string | null; answeredAt: string; loginId: string | null }[]).map((a) => ({ answer: a.answer, note: a.note, answeredAt: a.answeredAt, byYou: a.loginId === loginId }));
  const actionsStored = (actionRows?.results ?? []) as { action: SavingAction; takenOn: string; recordedAt: string }[];

  const today = utilityToday(meter.timeZone, now);
  const lastComplete = addDays(today, -1);
  let actions: ActionView[] = [];
  const span = readSpan(actionsStored.map((a) => a.takenOn));
  if (span) {
    const { days } = await readDayTotals(shards, meter.id, span.from, span.to < lastComplete ? span.to : lastComplete, tenure);
    actions = actionsStored.map((a) => ({ ...a, effect: beforeAfter(days, a.takenOn, lastComplete) }));
  }

  const baseThreshold = alert.type === 'high_use_day' ? ((settings?.results?.[0] as { dayThreshold: number | null } | undefined)?.dayThreshold ?? null) : null;
  // Thresholds are stored in the kind's base unit (gallons, kWh, therms); the chart is in the meter's unit.
  const dayThreshold = baseThreshold === null ? null : roundFor(unit, baseThreshold * conversionFactor(meter.kind, baseUnit(meter.kind), unit));

  const lastFixed = [...answers].reverse().find((a) => a.answer === 'fixed');
  const stillShowingSinceFixed = alert.status === 'open' && lastFixed !== undefined && alert.lastDay > localDay(Date.parse(lastFixed.answeredAt), meter.timeZone);

  return {
    alert,
    meter: { id: meter.id, kind: meter.kind, unit: meter.unit, serialNumber: meter.serialNumber, street: meter.street, timeZone: meter.timeZone },
    chart: { ...window, unit, points: series.points.map((p) => ({ label: p.label, value: p.value, quality: p.quality })) },
    dayThreshold,
    answers,
    actions,
    allowedAnswers: answersFor(alert.type),
    allowedActions: actionsFor(alert.type, meter.kind),
    stillShowingSinceFixed,
    today,
  };
}

/** Most answers one alert keeps: enough to change one's mind a few times, not a log anyone can fill. */
export const MAX_ANSWERS_PER_ALERT = 10;

export type AnswerResult = { status: 'answered' | 'answered-help'; closed: boolean; supportItemId: string | null };

/**
 * Records the customer's answer with its time (append-only), in one batch with what it changes:
 * - fixed, not a leak, expected use: no more reminders for this alert;
 * - not a leak, expected use: the alert closes ("dismissed") if it is open;
 * - need help: an item in the support team's queue (one open item per alert; asking again while
 *   one is open adds the answer but no second item), continued as a secure conversation
 *   (worker/messages/alert-help.ts): one per help item, each further answer a message in it.
 */
export async function answerAlert(raw: D1Database, loginId: string, alert: AlertRow, body: { answer: AlertAnswerCode; note?: string | undefined }, timeZone: string, now = new Date()): Promise<AnswerResult> {
  if (!answersFor(alert.type).includes(body.answer)) {
    throw invalidRequest([{ field: 'answer', message: `This alert can be answered: ${answersFor(alert.type).join(', ')}.` }]);
  }
  const count = await raw.prepare('SELECT count(*) AS n FROM alert_answers WHERE alert_id = ?1').bind(alert.id).first<{ n: number }>();
  if ((count?.n ?? 0) >= MAX_ANSWERS_PER_ALERT) throw new ApiError(409, 'too_many_answers', `This alert already has ${MAX_ANSWERS_PER_ALERT} answers. Please call us if your answer has changed again.`);
  const at = now.toISOString();
  const answerId = crypto.randomUUID();
  const statements = [
    raw.prepare('INSERT INTO alert_answers (id, alert_id, account_id, login_id, answer, note, answered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)').bind(answerId, alert.id, alert.accountId, loginId, body.answer, body.note ?? null, at),
  ];
  if (stopsReminders(body.answer)) statements.push(raw.prepare('UPDATE alerts SET reminders_stopped_at = coalesce(reminders_stopped_at, ?2) WHERE id = ?1').bind(alert.id, at));
  if (dismisses(body.answer)) {
    statements.push(
      raw.prepare("UPDATE alerts SET status = 'closed', closed_at = ?2, closed_day = ?3, close_reason = 'dismissed' WHERE id = ?1 AND status = 'open'").bind(alert.id, at, utilityToday(timeZone, now)),
    );
  }
  let supportItemId: string | null = null;
  if (body.answer === 'need_help') {
    supportItemId = crypto.randomUUID();
    statements.push(
      raw
        .prepare("INSERT INTO support_items (id, kind, account_id, alert_id, answer_id, status, opened_at) SELECT ?1, 'alert_help', ?2, ?3, ?4, 'open', ?5 WHERE NOT EXISTS (SELECT 1 FROM support_items WHERE alert_id = ?3 AND status = 'open')")
        .bind(supportItemId, alert.accountId, alert.id, answerId, at),
    );
  }
  // The help request also opens (or adds to) a secure conversation, so customer and support talk in one place.
  const helpStatements = body.answer === 'need_help' ? helpConversationStatements(raw, { alertId: alert.id, accountId: alert.accountId, loginId, typeLabel: alertTypeLabels[alert.type], note: body.note ?? null, at }) : [];
  const results = await raw.batch([...statements, ...helpStatements]);
  if (body.answer === 'need_help' && (results[statements.length - 1]?.meta.changes ?? 0) === 0) {
    supportItemId = (await raw.prepare("SELECT id FROM support_items WHERE alert_id = ?1 AND status = 'open'").bind(alert.id).first<{ id: string }>())?.id ?? null;
  }
  return { status: body.answer === 'need_help' ? 'answered-help' : 'answered', closed: dismisses(body.answer) && alert.status === 'open', supportItemId };
}

/** How far back a customer may date an action: the alert's own time, give or take. */
export const ACTION_MAX_DAYS_BEFORE_ALERT = 30;

/**
 * Records a saving action taken about the alert (one per alert and action: recording it again
 * moves its day). The day must lie between a month before the alert began and today.
 */
export async function recordAction(raw: D1Database, loginId: string, alert: AlertRow, meterKind: MeterContext['kind'], body: { action: SavingAction; takenOn?: string | undefined }, today: string, now = new Date()) {
  if (!actionsFor(alert.type, meterKind).includes(body.action)) {
    throw invalidRequest([{ field: 'action', message: 'Choose one of the actions listed for this alert.' }]);
  }
  const takenOn = body.takenOn ?? today;
  const earliest = addDays(alert.firstDay, -ACTION_MAX_DAYS_BEFORE_ALERT);
  if (takenOn > today) throw invalidRequest([{ field: 'takenOn', message: 'The day cannot be in the future.' }]);
  if (takenOn < earliest) throw invalidRequest([{ field: 'takenOn', message: `The day can be at most ${ACTION_MAX_DAYS_BEFORE_ALERT} days before the alert began (${earliest}).` }]);
  await raw
    .prepare(
      `INSERT INTO alert_actions (id, alert_id, account_id, login_id, action, taken_on, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
       ON CONFLICT (alert_id, action) DO UPDATE SET taken_on = excluded.taken_on, recorded_at = excluded.recorded_at, login_id = excluded.login_id`,
    )
    .bind(crypto.randomUUID(), alert.id, alert.accountId, loginId, body.action, takenOn, now.toISOString())
    .run();
  return { status: 'action-saved' as const, takenOn, daysAgo: daysBetween(takenOn, today) };
}
