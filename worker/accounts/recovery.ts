/** Password reset and change, login e-mail change. */
import { and, eq, ne } from 'drizzle-orm';
import { logins } from '../../db/schema';
import { auditInsert } from '../audit/log';
import { newSession, revokeLoginSessionsUpdate, type SignedInLogin } from '../auth/sessions';
import { ApiError } from '../http/errors';
import type { Locale } from '../i18n/locale';
import { queueEmail } from '../mail/outbox';
import { runBatch, type AccountDeps } from './deps';
import { consumeLink, issueLink } from './links';
import { loginThrottles } from './login';
import { accountMails } from './mails';
import { hashPassword, passwordProblem, verifyPassword } from './password';
import { clearLoginThrottles, loginThrottlePrefixes, lockedUntil, recordFailure, throttle } from './throttle';

function refuseWeak(password: string, email: string, field: string) {
  const problem = passwordProblem(password, { email });
  if (problem) throw new ApiError(422, problem, 'Choose another password.', [{ field, message: problem }]);
}

/**
 * Sends a reset link when the address is a confirmed, active login. Answers the same in every case
 * (and runs a KDF-free path of similar cost), so the form does not reveal which addresses have logins.
 */
export async function requestPasswordReset(deps: AccountDeps, email: string) {
  const { db, now } = deps;
  const guards = [await throttle(deps.secret, 'mailIdentity', email), await throttle(deps.secret, 'mailClient', deps.client)];
  if (await lockedUntil(db, guards, now)) return { status: 'reset-sent' as const };
  await recordFailure(db, guards, now);
  const [login] = await db.select().from(logins).where(eq(logins.email, email)).limit(1);
  if (!login || login.status !== 'active' || !login.emailVerifiedAt) return { status: 'reset-sent' as const };
  const link = await issueLink(db, deps.secret, { purpose: 'password-reset', loginId: login.id, now });
  await runBatch(db, [
    ...link.statements,
    queueEmail(db, accountMails.passwordReset(login.email, deps.origin, link.token, deps.locale)),
    auditInsert(db, { event: 'password.reset_requested', subjectLoginId: login.id }),
  ]);
  return { status: 'reset-sent' as const };
}

/** Sets a new password from a reset link: ends every session and clears the login's lockouts. */
export async function resetPassword(deps: AccountDeps, token: string, password: string) {
  const { db, now } = deps;
  let email = '';
  let locale: Locale = 'en';
  const link = await consumeLink(db, deps.secret, token, 'password-reset', now, async (row) => {
    const [login] = await db.select().from(logins).where(eq(logins.id, row.loginId)).limit(1);
    if (!login) throw new ApiError(400, 'link_invalid', 'This link is not valid.');
    email = login.email;
    locale = login.locale;
    refuseWeak(password, email, 'password');
  });
  const prefixes = await loginThrottlePrefixes(deps.secret, email);
  await runBatch(db, [
    db.update(logins).set({ passwordHash: await hashPassword(password), passwordChangedAt: now.toISOString(), updatedAt: now.toISOString() }).where(eq(logins.id, link.loginId)),
    revokeLoginSessionsUpdate(db, link.loginId, now),
    clearLoginThrottles(db, prefixes),
    queueEmail(db, accountMails.passwordChanged(email, deps.origin, locale)),
    auditInsert(db, { event: 'password.reset', subjectLoginId: link.loginId }),
    auditInsert(db, { event: 'session.revoked', subjectLoginId: link.loginId, detail: { scope: 'all', reason: 'password_reset' } }),
  ]);
  return { status: 'password-reset' as const };
}

/**
 * Checks the signed-in login's current password, counting a wrong one like a failed sign-in.
 * Every password re-entry goes through here (a password change, and the password a step-up takes
 * for a login without a second factor), so none can be guessed outside the sign-in throttle and audit.
 */
export async function confirmCurrentPassword(deps: AccountDeps, loginId: string, password: string) {
  const { db, now } = deps;
  const [login] = await db.select().from(logins).where(eq(logins.id, loginId)).limit(1);
  if (!login) throw new ApiError(401, 'unauthenticated', 'Please sign in.');
  const t = await loginThrottles(deps, login.email);
  if (await lockedUntil(db, [t.pair, t.identity], now)) throw new ApiError(429, 'too_many_attempts', 'Too many attempts. Please wait a while and try again.');
  const check = await verifyPassword(password, login.passwordHash);
  if (!check.ok) {
    const locked = await recordFailure(db, [t.pair, t.identity], now);
    await runBatch(db, [
      auditInsert(db, { event: 'password.confirm_failure', actorLoginId: login.id, subjectLoginId: login.id }),
      ...locked.map((scope) => auditInsert(db, { event: 'login.lockout', subjectLoginId: login.id, detail: { scope } })),
    ]);
    throw new ApiError(422, 'wrong_password', 'The current password is not right.', [{ field: 'currentPassword', message: 'wrong_password' }]);
  }
  return login;
}

/** Changes the password; every other session ends and this one gets a new token. */
export async function changePassword(deps: AccountDeps, signedIn: SignedInLogin, current: string, next: string) {
  const { db, now } = deps;
  const login = await confirmCurrentPassword(deps, signedIn.id, current);
  refuseWeak(next, login.email, 'newPassword');
  const session = await newSession(db, login.id, { persistent: signedIn.persistent, clientLabel: deps.clientLabel, now, secondFactor: signedIn.secondFactor ? 'passed' : 'none' });
  await runBatch(db, [
    db.update(logins).set({ passwordHash: await hashPassword(next), passwordChangedAt: now.toISOString(), updatedAt: now.toISOString() }).where(eq(logins.id, login.id)),
    revokeLoginSessionsUpdate(db, login.id, now),
    session.insert,
    queueEmail(db, accountMails.passwordChanged(login.email, deps.origin, login.locale)),
    auditInsert(db, { event: 'password.changed', actorLoginId: login.id, subjectLoginId: login.id }),
    auditInsert(db, { event: 'session.revoked', actorLoginId: login.id, subjectLoginId: login.id, detail: { scope: 'others', reason: 'password_change' } }),
  ]);
  return { status: 'password-changed' as const, session: { token: session.token, expiresAt: session.expiresAt, persistent: signedIn.persistent } };
}

/**
 * Starts an e-mail change: a link to the new address, a notice to the current one. The route has
 * checked step-up (worker/auth/step-up.ts): the password in the form, or a recent second factor.
 */
export async function requestEmailChange(deps: AccountDeps, signedIn: SignedInLogin, newEmail: string) {
  const { db, now } = deps;
  const [login] = await db.select().from(logins).where(eq(logins.id, signedIn.id)).limit(1);
  if (!login) throw new ApiError(401, 'unauthenticated', 'Please sign in.');
  if (newEmail === login.email) throw new ApiError(422, 'invalid_request', 'That is already your login e-mail.', [{ field: 'newEmail', message: 'That is already your login e-mail.' }]);
  // Each request mails the new address and the current one: counted per new address, per login and per client,
  // whether or not the new address already has a login (so the answer stays the same).
  const mailGuards = [
    await throttle(deps.secret, 'mailIdentity', newEmail),
    await throttle(deps.secret, 'mailLogin', login.id),
    await throttle(deps.secret, 'mailClient', deps.client),
  ];
  if (await lockedUntil(db, mailGuards, now)) throw new ApiError(429, 'too_many_requests', 'Too many e-mails were asked for. Please wait an hour and try again.');
  await recordFailure(db, mailGuards, now);
  const [taken] = await db.select({ id: logins.id }).from(logins).where(eq(logins.email, newEmail)).limit(1);
  const link = await issueLink(db, deps.secret, { purpose: 'email-change', loginId: login.id, newEmail, now });
  await runBatch(db, [
    // An address that already has a login gets nothing; the answer is the same.
    ...(taken ? [] : [...link.statements, queueEmail(db, accountMails.emailChangeConfirm(newEmail, deps.origin, link.token, deps.locale))]),
    queueEmail(db, accountMails.emailChangeNotice(login.email, login.locale)),
    auditInsert(db, { event: 'email.change_requested', actorLoginId: login.id, subjectLoginId: login.id }),
  ]);
  return { status: 'email-change-sent' as const };
}

/** Completes an e-mail change from the link sent to the new address. */
export async function confirmEmailChange(deps: AccountDeps, token: string) {
  const { db, now } = deps;
  let oldEmail = '';
  let locale: Locale = 'en';
  const link = await consumeLink(db, deps.secret, token, 'email-change', now, async (row) => {
    const [login] = await db.select().from(logins).where(eq(logins.id, row.loginId)).limit(1);
    if (!login || !row.newEmail) throw new ApiError(400, 'link_invalid', 'This link is not valid.');
    oldEmail = login.email;
    locale = login.locale;
    const [taken] = await db.select({ id: logins.id }).from(logins).where(and(eq(logins.email, row.newEmail), ne(logins.id, row.loginId))).limit(1);
    if (taken) throw new ApiError(409, 'email_taken', 'That e-mail address cannot be used. Choose another.');
  });
  await runBatch(db, [
    db.update(logins).set({ email: link.newEmail!, emailVerifiedAt: now.toISOString(), updatedAt: now.toISOString() }).where(eq(logins.id, link.loginId)),
    queueEmail(db, accountMails.emailChanged(oldEmail, locale)),
    auditInsert(db, { event: 'email.changed', subjectLoginId: link.loginId }),
  ]);
  return { status: 'email-changed' as const };
}

