/**
 * Start, stop and move. A holder asks to stop service at one of the account's addresses, or to
 * move (stop there, start at a new address); a newcomer without an account asks to start service.
 * Each request waits in the staff queue; staff confirm it or refuse it with a reason, and the
 * customer is e-mailed either way. Confirming a stop or a move ends the account's tenure of the
 * service point on the stop day (worker/usage/tenure.ts), so from the day after, the old holder sees
 * none of the address's usage, alerts or bills; the billing system then sends the next holder.
 *
 * Dates are days in the utility's time zone, from tomorrow to 90 days ahead: today's service cannot
 * change online. Requests are throttled (worker/accounts/throttle.ts): each is a row staff work.
 */
import { and, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import { accountAccess, servicePointTenures, servicePoints, serviceRequests, type ServiceRequestKind } from '../../db/schema';
import { runBatch, type AccountDeps } from '../accounts/deps';
import { lockedUntil, recordFailure, throttle } from '../accounts/throttle';
import { auditInsert } from '../audit/log';
import { assertAccountRight } from '../auth/account-access';
import { ApiError } from '../http/errors';
import { queueEmail } from '../mail/outbox';
import { accountTimeZone } from '../preferences/store';
import { holdersOf, type Recipient } from '../mail/recipients';
import type { MoveServiceBody, StartServiceBody, StopServiceBody } from '../shared/service-request-forms';
import { utility } from '../tenants/scope';
import { addDays, localDay } from '../usage/time';
import { serviceMails, type RequestSummary } from './mails';

export const MAX_DAYS_AHEAD = 90;

const tooMany = () => new ApiError(429, 'too_many_requests', 'Too many requests. Please wait a day, or call us.');

/** Refuses a day before tomorrow or past 90 days ahead, naming the field. */
function checkDay(field: string, day: string, today: string) {
  if (day <= today) throw new ApiError(422, 'date_too_soon', 'Choose a date from tomorrow on.', [{ field, message: 'Choose a date from tomorrow on.' }]);
  if (day > addDays(today, MAX_DAYS_AHEAD)) throw new ApiError(422, 'date_too_far', 'Choose a date within the next 90 days.', [{ field, message: 'Choose a date within the next 90 days.' }]);
}

/** The point must be one the account holds now; its open tenure is what a stop ends. */
async function heldPoint(deps: AccountDeps, accountId: string, servicePointId: string) {
  const [row] = await deps.db
    .select({ street: servicePoints.street })
    .from(servicePointTenures)
    .innerJoin(servicePoints, eq(servicePoints.id, servicePointTenures.servicePointId))
    .where(and(eq(servicePointTenures.servicePointId, servicePointId), eq(servicePointTenures.accountId, accountId), isNull(servicePointTenures.endDay)))
    .limit(1);
  if (!row) throw new ApiError(422, 'invalid_request', 'That is not a service address this account holds.', [{ field: 'servicePoint', message: 'Not a service address of this account.' }]);
  return row.street;
}

/** The account (one the login holds) that holds the point now, when the form named none: the page lists every held address. */
async function holdingAccount(deps: AccountDeps, loginId: string, servicePointId: string) {
  const [row] = await deps.db
    .select({ accountId: servicePointTenures.accountId })
    .from(servicePointTenures)
    .innerJoin(accountAccess, and(eq(accountAccess.accountId, servicePointTenures.accountId), eq(accountAccess.loginId, loginId), eq(accountAccess.relationship, 'holder')))
    .where(and(eq(servicePointTenures.servicePointId, servicePointId), isNull(servicePointTenures.endDay)))
    .limit(1);
  if (!row) throw new ApiError(422, 'invalid_request', 'That is not a service address you hold.', [{ field: 'servicePoint', message: 'Not a service address of your accounts.' }]);
  return row.accountId;
}

async function assertHolder(deps: AccountDeps, loginId: string, accountId: string) {
  const grant = await assertAccountRight(deps.db, loginId, accountId, 'manage');
  // Stopping service ends the account's supply: the holder's decision, not a delegate's.
  if (grant.relationship !== 'holder') throw new ApiError(404, 'not_found', 'No such account.');
}

type StopOrMove = StopServiceBody & Partial<Pick<MoveServiceBody, 'startOn' | 'newStreet' | 'newCity' | 'newPostalCode'>>;

/** A stop, or with a new address a move, asked by the account's holder. */
export async function askToStopOrMove(deps: AccountDeps, loginId: string, kind: 'stop' | 'move', body: StopOrMove) {
  const { db, now } = deps;
  const account = body.account ?? (await holdingAccount(deps, loginId, body.servicePoint));
  await assertHolder(deps, loginId, account);
  const today = localDay(now.getTime(), await accountTimeZone(db, account));
  checkDay('stopOn', body.stopOn, today);
  if (kind === 'move') checkDay('startOn', body.startOn!, today);
  const street = await heldPoint(deps, account, body.servicePoint);
  const [open] = await db
    .select({ id: serviceRequests.id })
    .from(serviceRequests)
    .where(and(eq(serviceRequests.servicePointId, body.servicePoint), eq(serviceRequests.state, 'submitted')))
    .limit(1);
  if (open) throw new ApiError(409, 'request_open', 'There is already an open request for this address.', [{ field: 'servicePoint', message: 'A request for it is open.' }]);
  const guard = [await throttle(deps.secret, 'serviceRequestLogin', loginId)];
  if (await lockedUntil(db, guard, now)) throw tooMany();
  await recordFailure(db, guard, now);
  const id = crypto.randomUUID();
  const summary: RequestSummary = { kind, street, stopOn: body.stopOn, startOn: body.startOn ?? null, newStreet: body.newStreet ?? null, locale: deps.locale };
  await runBatch(db, [
    db.insert(serviceRequests).values({
      id,
      kind,
      accountId: account,
      loginId,
      servicePointId: body.servicePoint,
      stopOn: body.stopOn,
      startOn: body.startOn ?? null,
      newStreet: body.newStreet ?? null,
      newCity: body.newCity ?? null,
      newPostalCode: body.newPostalCode ?? null,
      note: body.note ?? null,
      locale: deps.locale,
      createdAt: now.toISOString(),
    }),
    ...(await holdersOf(db, account)).map((to) => queueEmail(db, serviceMails.received(to.email, deps.origin, { ...summary, locale: to.locale }))),
    auditInsert(db, { event: 'service_request.submitted', actorLoginId: loginId, subjectAccountId: account, detail: { request: id, kind } }),
  ]);
  return { status: kind === 'stop' ? ('stop-requested' as const) : ('move-requested' as const), request: id };
}

/** A newcomer's start, without a login: staff confirm who they are before acting on it. */
export async function askToStart(deps: AccountDeps, body: StartServiceBody) {
  const { db, now } = deps;
  checkDay('startOn', body.startOn, localDay(now.getTime(), utility().timeZone));
  const guards = [await throttle(deps.secret, 'serviceStartClient', deps.client), await throttle(deps.secret, 'serviceStartAddress', body.contactEmail)];
  if (await lockedUntil(db, guards, now)) throw tooMany();
  await recordFailure(db, guards, now);
  const id = crypto.randomUUID();
  await runBatch(db, [
    db.insert(serviceRequests).values({
      id,
      kind: 'start',
      startOn: body.startOn,
      newStreet: body.newStreet,
      newCity: body.newCity,
      newPostalCode: body.newPostalCode,
      contactName: body.contactName,
      contactEmail: body.contactEmail,
      contactPhone: body.contactPhone,
      note: body.note ?? null,
      locale: deps.locale,
      createdAt: now.toISOString(),
    }),
    queueEmail(db, serviceMails.received(body.contactEmail, deps.origin, { kind: 'start', street: null, stopOn: null, startOn: body.startOn, newStreet: body.newStreet, locale: deps.locale })),
    auditInsert(db, { event: 'service_request.submitted', detail: { request: id, kind: 'start' } }),
  ]);
  return { status: 'start-requested' as const };
}

/** The requests of every account the login holds, newest first. */
export async function customerRequests(deps: AccountDeps, loginId: string) {
  const held = deps.db.select({ id: accountAccess.accountId }).from(accountAccess).where(and(eq(accountAccess.loginId, loginId), eq(accountAccess.relationship, 'holder')));
  return deps.db
    .select({ r: serviceRequests, street: servicePoints.street })
    .from(serviceRequests)
    .leftJoin(servicePoints, eq(servicePoints.id, serviceRequests.servicePointId))
    .where(or(eq(serviceRequests.loginId, loginId), inArray(serviceRequests.accountId, held)))
    .orderBy(desc(serviceRequests.createdAt))
    .limit(50);
}

/** A holder withdraws a request staff have not answered yet. */
export async function withdrawRequest(deps: AccountDeps, loginId: string, requestId: string) {
  const mine = (await customerRequests(deps, loginId)).find((x) => x.r.id === requestId);
  if (!mine) throw new ApiError(404, 'not_found', 'No such request.', [{ field: 'request', message: 'Not one of your requests.' }]);
  const [row] = await deps.db
    .update(serviceRequests)
    .set({ state: 'withdrawn', decidedAt: deps.now.toISOString() })
    .where(and(eq(serviceRequests.id, requestId), eq(serviceRequests.state, 'submitted')))
    .returning();
  if (!row) throw new ApiError(409, 'request_closed', 'This request has already been answered.');
  await runBatch(deps.db, [auditInsert(deps.db, { event: 'service_request.withdrawn', actorLoginId: loginId, subjectAccountId: row.accountId, detail: { request: row.id } })]);
  return { status: 'request-withdrawn' as const };
}

/** The open queue for staff, oldest first (one page; the index on state and created_at serves it). */
export function openRequests(deps: Pick<AccountDeps, 'db'>, limit = 50) {
  return deps.db
    .select({ r: serviceRequests, street: servicePoints.street })
    .from(serviceRequests)
    .leftJoin(servicePoints, eq(servicePoints.id, serviceRequests.servicePointId))
    .where(eq(serviceRequests.state, 'submitted'))
    .orderBy(serviceRequests.createdAt)
    .limit(limit);
}

async function submitted(deps: AccountDeps, requestId: string) {
  const [row] = await deps.db.select({ r: serviceRequests, street: servicePoints.street }).from(serviceRequests).leftJoin(servicePoints, eq(servicePoints.id, serviceRequests.servicePointId)).where(eq(serviceRequests.id, requestId)).limit(1);
  if (!row) throw new ApiError(404, 'not_found', 'No such request.', [{ field: 'request', message: 'No such request.' }]);
  if (row.r.state !== 'submitted') throw new ApiError(409, 'request_closed', 'This request has already been answered.');
  return row;
}

/**
 * Who hears of a decision, each in their own language: the account's holders (their logins'), or a
 * newcomer's own address (the language of the page the request was sent from).
 */
async function recipientsOf(deps: AccountDeps, r: typeof serviceRequests.$inferSelect): Promise<Recipient[]> {
  if (r.accountId) return holdersOf(deps.db, r.accountId);
  return r.contactEmail ? [{ email: r.contactEmail, locale: r.locale }] : [];
}

/** What a request's mail says of it; `locale` (the page it was sent from) is replaced by each holder's own. */
const summaryOf = (row: { r: typeof serviceRequests.$inferSelect; street: string | null }): RequestSummary => ({
  kind: row.r.kind as ServiceRequestKind,
  street: row.street,
  stopOn: row.r.stopOn,
  startOn: row.r.startOn,
  newStreet: row.r.newStreet,
  locale: row.r.locale,
});

/**
 * Staff confirm: a stop or move ends the account's tenure of the point on the stop day, in the same
 * batch as the decision, so the old holder's access to the days after ends at once.
 */
export async function confirmRequest(deps: AccountDeps, staffId: string, requestId: string) {
  const { db, now } = deps;
  const row = await submitted(deps, requestId);
  const r = row.r;
  const endTenure =
    r.kind !== 'start' && r.servicePointId && r.accountId && r.stopOn
      ? [
          db
            .update(servicePointTenures)
            .set({ endDay: r.stopOn })
            .where(and(eq(servicePointTenures.servicePointId, r.servicePointId), eq(servicePointTenures.accountId, r.accountId), isNull(servicePointTenures.endDay))),
        ]
      : [];
  const [claimed] = await db
    .update(serviceRequests)
    .set({ state: 'confirmed', decidedBy: staffId, decidedAt: now.toISOString() })
    .where(and(eq(serviceRequests.id, requestId), eq(serviceRequests.state, 'submitted')))
    .returning();
  if (!claimed) throw new ApiError(409, 'request_closed', 'This request has already been answered.');
  await runBatch(db, [
    ...endTenure,
    ...(await recipientsOf(deps, r)).map((to) => queueEmail(db, serviceMails.confirmed(to.email, deps.origin, { ...summaryOf(row), locale: to.locale }))),
    auditInsert(db, { event: 'service_request.confirmed', actorLoginId: staffId, subjectAccountId: r.accountId, detail: { request: r.id, kind: r.kind } }),
  ]);
  return { status: 'request-confirmed' as const };
}

export async function refuseRequest(deps: AccountDeps, staffId: string, requestId: string, reason: string) {
  const { db, now } = deps;
  const row = await submitted(deps, requestId);
  const [claimed] = await db
    .update(serviceRequests)
    .set({ state: 'refused', refusalReason: reason, decidedBy: staffId, decidedAt: now.toISOString() })
    .where(and(eq(serviceRequests.id, requestId), eq(serviceRequests.state, 'submitted')))
    .returning();
  if (!claimed) throw new ApiError(409, 'request_closed', 'This request has already been answered.');
  await runBatch(db, [
    ...(await recipientsOf(deps, row.r)).map((to) => queueEmail(db, serviceMails.refused(to.email, deps.origin, { ...summaryOf(row), locale: to.locale, reason }))),
    auditInsert(db, { event: 'service_request.refused', actorLoginId: staffId, subjectAccountId: row.r.accountId, detail: { request: row.r.id } }),
  ]);
  return { status: 'request-refused' as const };
}

