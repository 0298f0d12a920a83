/**
 * Additional users ("delegates"): the holder of an account invites someone by e-mail, with the
 * rights they choose (see usage, see bills, pay, manage alerts, receive alerts) and optionally a
 * last day; the invitee accepts with a new or existing login; either side ends it, at once (every
 * check reads account_access on each request, so an open session loses access on its next one).
 * The holders are told of every change by e-mail, and the delegate of every change to their access.
 *
 * Inviting and widening someone's rights are step-up actions (the route asks); invitations are
 * throttled per holder and per address, since each mails someone who did not ask.
 */
import { and, eq, gt, isNotNull, isNull, lte, ne } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { accountAccess, accounts, alertRecipients, delegateInvitations, logins } from '../../db/schema';
import { maskAccountNumber } from '../accounts/client';
import { runBatch, type AccountDeps } from '../accounts/deps';
import { lockedUntil, recordFailure, throttle } from '../accounts/throttle';
import { auditInsert } from '../audit/log';
import { assertAccountRight } from '../auth/account-access';
import { hashPassword, passwordProblem } from '../accounts/password';
import { ApiError } from '../http/errors';
import { queueEmail } from '../mail/outbox';
import { holdersOf, type Recipient } from '../mail/recipients';
import { accountTimeZone, loginRecipient, newLoginRecipient, serviceStreet } from '../preferences/store';
import type { DelegateRightsBody, InviteDelegateBody, RightKey } from '../shared/sharing-forms';
import { addDays, dayStartUtc, localDay } from '../usage/time';
import { newInvitationCode, readInvitationCode } from './invitation-code';
import { sharingMails, type AccountLabel } from './mails';

/** How long an invitation link works. */
export const INVITATION_LIFETIME_MS = 7 * 86_400_000;

export type Rights = Record<RightKey, boolean>;

const grantColumns = (r: Rights) => ({ canViewUsage: r.usage, canViewBilling: r.billing, canPay: r.pay, canManage: r.manage, canReceiveAlerts: r.alerts });
export const rightsOf = (g: { canViewUsage: boolean; canViewBilling: boolean; canPay: boolean; canManage: boolean; canReceiveAlerts: boolean }): Rights => ({
  usage: g.canViewUsage,
  billing: g.canViewBilling,
  pay: g.canPay,
  manage: g.canManage,
  alerts: g.canReceiveAlerts,
});

const notFound = () => new ApiError(404, 'not_found', 'No such account.');
const invalid = () => new ApiError(400, 'invitation_invalid', 'This invitation is not valid. Ask the account holder to send a new one.', [{ field: 'code', message: 'Not a valid invitation code.' }]);
const lapsed = () => new ApiError(410, 'invitation_expired', 'This invitation has expired or was withdrawn. Ask the account holder to send a new one.');
const used = () => new ApiError(410, 'invitation_used', 'This invitation has already been accepted.');
const tooMany = () => new ApiError(429, 'too_many_requests', 'Too many invitations were sent. Please wait a day and try again.');

/** Only a holder shares the account (a delegate with every right still may not pass it on). */
async function assertHolder(deps: AccountDeps, loginId: string, accountId: string) {
  const grant = await assertAccountRight(deps.db, loginId, accountId, 'usage').catch(() => null);
  if (!grant || grant.relationship !== 'holder') throw notFound();
}

/** The end of the chosen last day in the account's time zone, refusing a day already past. */
async function accessEnd(deps: AccountDeps, accountId: string, until: string | undefined) {
  if (!until) return null;
  const zone = await accountTimeZone(deps.db, accountId);
  if (until < localDay(deps.now.getTime(), zone)) throw new ApiError(422, 'date_in_past', 'Choose today or a later date.', [{ field: 'until', message: 'Choose today or a later date.' }]);
  if (until > addDays(localDay(deps.now.getTime(), zone), 5 * 366)) throw new ApiError(422, 'invalid_request', 'Choose a date within five years.', [{ field: 'until', message: 'Choose a date within five years.' }]);
  return new Date(dayStartUtc(addDays(until, 1), zone)).toISOString();
}

async function accountLabel(deps: AccountDeps, accountId: string): Promise<AccountLabel> {
  const [account] = await deps.db.select({ number: accounts.accountNumber }).from(accounts).where(eq(accounts.id, accountId)).limit(1);
  return { number: maskAccountNumber(account?.number ?? ''), street: await serviceStreet(deps.db, accountId) };
}

const tellHolders = async (deps: AccountDeps, accountId: string, mail: (to: Recipient) => Parameters<typeof queueEmail>[1]) =>
  (await holdersOf(deps.db, accountId)).map((to) => queueEmail(deps.db, mail(to)));

async function loginEmail(deps: AccountDeps, loginId: string) {
  const [row] = await deps.db.select({ email: logins.email, locale: logins.locale, verified: logins.emailVerifiedAt, role: logins.role }).from(logins).where(eq(logins.id, loginId)).limit(1);
  return row ?? null;
}

/** A delegate's grant, or 404 (also for a holder: a holder cannot be edited as a delegate). */
async function delegateGrant(deps: AccountDeps, accountId: string, delegateId: string) {
  const [grant] = await deps.db
    .select()
    .from(accountAccess)
    .where(and(eq(accountAccess.accountId, accountId), eq(accountAccess.loginId, delegateId), eq(accountAccess.relationship, 'delegate')))
    .limit(1);
  if (!grant) throw new ApiError(404, 'not_found', 'That person has no access to this account.', [{ field: 'delegate', message: 'Not a person with access to this account.' }]);
  return grant;
}

/** Statements giving or taking away the delegate's own alert recipient row as the alerts right says. */
async function alertRowStatements(deps: AccountDeps, accountId: string, loginId: string, receives: boolean): Promise<BatchItem<'sqlite'>[]> {
  const row = await loginRecipient(deps.db, accountId, loginId);
  if (receives && !row) return newLoginRecipient(deps.db, accountId, loginId, deps.now).statements;
  if (!receives && row) return [deps.db.update(alertRecipients).set({ status: 'removed', removedAt: deps.now.toISOString(), removedBy: 'account' }).where(eq(alertRecipients.id, row.id))];
  return [];
}

export async function inviteDelegate(deps: AccountDeps, loginId: string, body: InviteDelegateBody) {
  const { db, now } = deps;
  await assertHolder(deps, loginId, body.account);
  const email = body.email;
  const expiresAccess = await accessEnd(deps, body.account, body.until);
  const [existing] = await db
    .select({ loginId: logins.id })
    .from(logins)
    .innerJoin(accountAccess, and(eq(accountAccess.loginId, logins.id), eq(accountAccess.accountId, body.account)))
    .where(eq(logins.email, email))
    .limit(1);
  if (existing) throw new ApiError(409, 'already_has_access', 'That login already has access to this account.', [{ field: 'email', message: 'Already has access.' }]);
  const [pending] = await db
    .select({ id: delegateInvitations.id })
    .from(delegateInvitations)
    .where(and(eq(delegateInvitations.accountId, body.account), eq(delegateInvitations.email, email), isNull(delegateInvitations.acceptedAt), isNull(delegateInvitations.withdrawnAt), gt(delegateInvitations.expiresAt, now.toISOString())))
    .limit(1);
  if (pending) throw new ApiError(409, 'invitation_pending', 'An invitation to that address is already waiting. Withdraw it first to send a new one.', [{ field: 'email', message: 'Already invited.' }]);
  const guards = [await throttle(deps.secret, 'delegateInviteLogin', loginId), await throttle(deps.secret, 'delegateInviteAddress', email)];
  if (await lockedUntil(db, guards, now)) throw tooMany();
  await recordFailure(db, guards, now);

  const id = crypto.randomUUID();
  const { code, hash } = await newInvitationCode(deps.secret, id);
  const expiresAt = new Date(now.getTime() + INVITATION_LIFETIME_MS);
  const [inviter] = await db.select({ name: logins.displayName, email: logins.email, locale: logins.locale }).from(logins).where(eq(logins.id, loginId)).limit(1);
  const account = await accountLabel(deps, body.account);
  const rights: Rights = { usage: body.usage, billing: body.billing, pay: body.pay, manage: body.manage, alerts: body.alerts };
  const invitation = { inviter: inviter?.name ?? inviter?.email ?? null, account, rights, until: body.until ?? null, expiresAt };
  await runBatch(db, [
    db.insert(delegateInvitations).values({
      id,
      accountId: body.account,
      invitedBy: loginId,
      email,
      tokenHash: hash,
      ...grantColumns(rights),
      accessUntil: body.until ?? null,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    }),
    // The invitee has no login yet: invited in the language the inviter reads our mail in.
    queueEmail(db, sharingMails.invitation({ email, locale: inviter?.locale ?? deps.locale }, deps.origin, code, invitation)),
    ...(await tellHolders(deps, body.account, (to) => sharingMails.holderInvited(to, deps.origin, { ...invitation, email }))),
    auditInsert(db, { event: 'sharing.delegate_invited', actorLoginId: loginId, subjectAccountId: body.account, detail: { invitation: id, until: expiresAccess } }),
  ]);
  return { status: 'delegate-invited' as const, invitation: id };
}

export async function withdrawInvitation(deps: AccountDeps, loginId: string, body: { account: string; invitation: string }) {
  const { db, now } = deps;
  await assertHolder(deps, loginId, body.account);
  const [row] = await db
    .update(delegateInvitations)
    .set({ withdrawnAt: now.toISOString() })
    .where(and(eq(delegateInvitations.id, body.invitation), eq(delegateInvitations.accountId, body.account), isNull(delegateInvitations.acceptedAt), isNull(delegateInvitations.withdrawnAt)))
    .returning();
  if (!row) throw new ApiError(404, 'not_found', 'No such waiting invitation on this account.', [{ field: 'invitation', message: 'Not a waiting invitation of this account.' }]);
  const account = await accountLabel(deps, body.account);
  await runBatch(db, [
    ...(await tellHolders(deps, body.account, (to) => sharingMails.holderWithdrew(to, deps.origin, { email: row.email, account }))),
    auditInsert(db, { event: 'sharing.invitation_withdrawn', actorLoginId: loginId, subjectAccountId: body.account, detail: { invitation: row.id } }),
  ]);
  return { status: 'invitation-withdrawn' as const };
}

async function liveInvitation(deps: AccountDeps, code: string) {
  const read = await readInvitationCode(deps.secret, code);
  if (!read) throw invalid();
  const [row] = await deps.db.select().from(delegateInvitations).where(eq(delegateInvitations.id, read.id)).limit(1);
  if (!row || row.tokenHash !== read.hash) throw invalid();
  if (row.acceptedAt) throw used();
  if (row.withdrawnAt || Date.parse(row.expiresAt) <= deps.now.getTime()) throw lapsed();
  if (row.accessUntil && row.accessUntil < localDay(deps.now.getTime(), await accountTimeZone(deps.db, row.accountId))) throw lapsed();
  return row;
}

/** The invitation the code names, counting a wrong code against `actor` (a login, or the client without one). */
async function invitationFor(deps: AccountDeps, code: string, actor: string) {
  const guard = [await throttle(deps.secret, 'delegateAcceptLogin', actor)];
  if (await lockedUntil(deps.db, guard, deps.now)) throw new ApiError(429, 'too_many_requests', 'Too many invitation codes were tried. Please wait an hour and try again.');
  try {
    return await liveInvitation(deps, code);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'invitation_invalid') await recordFailure(deps.db, guard, deps.now);
    throw err;
  }
}

type Invitation = typeof delegateInvitations.$inferSelect;

/** Claims the invitation (once: two tabs cannot both win) and returns the statements that grant its access and tell the holders. */
async function grantFromInvitation(deps: AccountDeps, row: Invitation, loginId: string, loginAddress: string) {
  const { db, now } = deps;
  const expiresAt = row.accessUntil ? new Date(dayStartUtc(addDays(row.accessUntil, 1), await accountTimeZone(db, row.accountId))).toISOString() : null;
  const [claimed] = await db
    .update(delegateInvitations)
    .set({ acceptedAt: now.toISOString(), acceptedBy: loginId })
    .where(and(eq(delegateInvitations.id, row.id), isNull(delegateInvitations.acceptedAt), isNull(delegateInvitations.withdrawnAt)))
    .returning();
  if (!claimed) throw used();
  const rights = rightsOf(row);
  const account = await accountLabel(deps, row.accountId);
  return [
    db.insert(accountAccess).values({ loginId, accountId: row.accountId, relationship: 'delegate', ...grantColumns(rights), expiresAt, grantedAt: now.toISOString() }),
    ...(await alertRowStatements(deps, row.accountId, loginId, rights.alerts)),
    ...(await tellHolders(deps, row.accountId, (to) => sharingMails.holderAccepted(to, deps.origin, { invited: row.email, login: loginAddress, account, rights, until: row.accessUntil }))),
    auditInsert(db, { event: 'sharing.delegate_added', actorLoginId: loginId, subjectAccountId: row.accountId, detail: { invitation: row.id } }),
  ];
}

/**
 * Accepts an invitation with the signed-in login. The code proves the invitation reached its
 * mailbox; the login may use another address (a work address invited, a home login accepting),
 * so the holders are told which login accepted. Wrong codes are counted per login.
 */
export async function acceptInvitation(deps: AccountDeps, loginId: string, code: string) {
  const row = await invitationFor(deps, code, loginId);
  const me = await loginEmail(deps, loginId);
  if (!me) throw new ApiError(401, 'unauthenticated', 'Please sign in.');
  if (me.role !== 'customer') throw new ApiError(403, 'not_a_customer_login', 'Staff logins cannot be given access to customer accounts.');
  if (!me.verified) throw new ApiError(403, 'email_not_verified', 'Confirm your login e-mail address first, then accept the invitation.');
  const [has] = await deps.db.select().from(accountAccess).where(and(eq(accountAccess.loginId, loginId), eq(accountAccess.accountId, row.accountId))).limit(1);
  if (has) throw new ApiError(409, 'already_has_access', 'Your login already has access to this account.');
  await runBatch(deps.db, await grantFromInvitation(deps, row, loginId, me.email));
  return { status: 'invitation-accepted' as const, account: row.accountId };
}

/**
 * Someone invited without a login creates one as they accept: its e-mail is the invited address,
 * already proven by the code that reached it, so no confirmation link is needed. An address that
 * has a login is told to sign in instead (only the mailbox's owner holds the code, so this tells
 * no one else anything).
 */
export async function registerAndAccept(deps: AccountDeps, body: { code: string; password: string; displayName?: string | undefined }) {
  const { db, now } = deps;
  const row = await invitationFor(deps, body.code, `client:${deps.client}`);
  const [existing] = await db.select({ id: logins.id }).from(logins).where(eq(logins.email, row.email)).limit(1);
  if (existing) throw new ApiError(409, 'login_exists', 'You already have a login with this address: sign in, then open the invitation link again.');
  const problem = passwordProblem(body.password, { email: row.email });
  if (problem) throw new ApiError(422, problem, 'Choose another password.', [{ field: 'password', message: problem }]);
  const passwordHash = await hashPassword(body.password);
  const loginId = crypto.randomUUID();
  const at = now.toISOString();
  await runBatch(db, [
    db.insert(logins).values({ id: loginId, email: row.email, emailVerifiedAt: at, passwordHash, role: 'customer', locale: deps.locale, displayName: body.displayName ?? null, passwordChangedAt: at, createdAt: at }),
    auditInsert(db, { event: 'registration.by_invitation', subjectLoginId: loginId, subjectAccountId: row.accountId }),
  ]);
  let grant: BatchItem<'sqlite'>[];
  try {
    grant = await grantFromInvitation(deps, row, loginId, row.email);
  } catch (err) {
    // Another tab accepted it first: the login made for it goes too, so no login is left without its invitation.
    await db.delete(logins).where(eq(logins.id, loginId));
    throw err;
  }
  await runBatch(db, grant);
  return { status: 'delegate-login-created' as const, account: row.accountId };
}

/** Changes a delegate's rights or last day (holder only); both sides are told. */
export async function updateDelegate(deps: AccountDeps, loginId: string, body: DelegateRightsBody) {
  const { db, now } = deps;
  await assertHolder(deps, loginId, body.account);
  const grant = await delegateGrant(deps, body.account, body.delegate);
  const expiresAt = await accessEnd(deps, body.account, body.until);
  const rights: Rights = { usage: body.usage, billing: body.billing, pay: body.pay, manage: body.manage, alerts: body.alerts };
  const delegate = await loginEmail(deps, grant.loginId);
  const account = await accountLabel(deps, body.account);
  await runBatch(db, [
    db.update(accountAccess).set({ ...grantColumns(rights), expiresAt }).where(and(eq(accountAccess.accountId, body.account), eq(accountAccess.loginId, grant.loginId), eq(accountAccess.relationship, 'delegate'))),
    ...(await alertRowStatements(deps, body.account, grant.loginId, rights.alerts)),
    ...(await tellHolders(deps, body.account, (to) => sharingMails.holderChanged(to, deps.origin, { login: delegate?.email ?? null, account, rights, until: body.until ?? null }))),
    ...(delegate ? [queueEmail(db, sharingMails.delegateChanged(delegate, deps.origin, { account, rights, until: body.until ?? null }))] : []),
    auditInsert(db, { event: 'sharing.delegate_changed', actorLoginId: loginId, subjectAccountId: body.account, subjectLoginId: grant.loginId, detail: { at: now.toISOString() } }),
  ]);
  return { status: 'delegate-updated' as const };
}

type EndedBy = 'holder' | 'delegate' | 'end_date';

/** The statements that end a delegate's access at once, and tell both sides why. */
async function endStatements(deps: AccountDeps, accountId: string, delegateId: string, by: EndedBy, actor: string | null) {
  const { db } = deps;
  const delegate = await loginEmail(deps, delegateId);
  const account = await accountLabel(deps, accountId);
  return [
    db.delete(accountAccess).where(and(eq(accountAccess.accountId, accountId), eq(accountAccess.loginId, delegateId), eq(accountAccess.relationship, 'delegate'))),
    ...(await alertRowStatements(deps, accountId, delegateId, false)),
    ...(await tellHolders(deps, accountId, (to) => sharingMails.holderEnded(to, deps.origin, { login: delegate?.email ?? null, account, by }))),
    ...(delegate ? [queueEmail(db, sharingMails.delegateEnded(delegate, deps.origin, { account, by }))] : []),
    auditInsert(db, { event: 'sharing.delegate_ended', actorLoginId: actor, subjectAccountId: accountId, subjectLoginId: delegateId, detail: { by } }),
  ];
}

export async function endDelegate(deps: AccountDeps, loginId: string, body: { account: string; delegate: string }) {
  await assertHolder(deps, loginId, body.account);
  await delegateGrant(deps, body.account, body.delegate);
  await runBatch(deps.db, await endStatements(deps, body.account, body.delegate, 'holder', loginId));
  return { status: 'delegate-ended' as const };
}

/** A delegate gives up their own access to an account. */
export async function leaveAccount(deps: AccountDeps, loginId: string, body: { account: string }) {
  const [grant] = await deps.db
    .select()
    .from(accountAccess)
    .where(and(eq(accountAccess.accountId, body.account), eq(accountAccess.loginId, loginId), eq(accountAccess.relationship, 'delegate')))
    .limit(1);
  if (!grant) throw notFound();
  await runBatch(deps.db, await endStatements(deps, body.account, loginId, 'delegate', loginId));
  return { status: 'left-account' as const };
}

/** Daily cron: removes grants past their last day (already refused by every check) and tells both sides. */
export async function endExpiredGrants(deps: AccountDeps) {
  const due = await deps.db
    .select({ accountId: accountAccess.accountId, loginId: accountAccess.loginId })
    .from(accountAccess)
    .where(and(eq(accountAccess.relationship, 'delegate'), isNotNull(accountAccess.expiresAt), lte(accountAccess.expiresAt, deps.now.toISOString())))
    .limit(200);
  for (const g of due) await runBatch(deps.db, await endStatements(deps, g.accountId, g.loginId, 'end_date', null));
  return due.length;
}

/** What the sharing page shows a holder: the people with access, invitations still open. */
export async function accountSharing(deps: AccountDeps, loginId: string, accountId: string) {
  const { db, now } = deps;
  await assertHolder(deps, loginId, accountId);
  const people = await db
    .select({ grant: accountAccess, email: logins.email, name: logins.displayName })
    .from(accountAccess)
    .innerJoin(logins, eq(logins.id, accountAccess.loginId))
    .where(and(eq(accountAccess.accountId, accountId), ne(accountAccess.loginId, loginId)))
    .orderBy(accountAccess.grantedAt);
  const invitations = await db
    .select()
    .from(delegateInvitations)
    .where(and(eq(delegateInvitations.accountId, accountId), isNull(delegateInvitations.acceptedAt), isNull(delegateInvitations.withdrawnAt), gt(delegateInvitations.expiresAt, now.toISOString())))
    .orderBy(delegateInvitations.createdAt);
  const zone = await accountTimeZone(db, accountId);
  return {
    account: accountId,
    label: await accountLabel(deps, accountId),
    timeZone: zone,
    today: localDay(now.getTime(), zone),
    people: people
      .filter((p) => !p.grant.expiresAt || p.grant.expiresAt > now.toISOString())
      .map((p) => ({
        login: p.grant.loginId,
        email: p.email,
        name: p.name,
        relationship: p.grant.relationship,
        rights: rightsOf(p.grant),
        until: p.grant.expiresAt ? addDays(localDay(Date.parse(p.grant.expiresAt), zone), -1) : null,
        since: p.grant.grantedAt,
      })),
    invitations: invitations.map((i) => ({ id: i.id, email: i.email, rights: rightsOf(i), until: i.accessUntil, expiresAt: i.expiresAt, sentAt: i.createdAt })),
  };
}
