/** Signing in (password, then a second factor where the login has one: required for staff), signing out, sessions and sign-in history. */
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { auditEvents, logins, sessions, type StepUpMethod } from '../../db/schema';
import { auditInsert } from '../audit/log';
import { deviceAtSignIn } from '../auth/devices';
import { newSession, resolveSession, revokeLoginSessionsUpdate, revokeSessionUpdate, liveSessions, staffRoles, type SignedInLogin } from '../auth/sessions';
import { secondFactorsOf, stepUpStatement } from '../auth/step-up';
import { sha256Hex } from '../auth/tokens';
import { ApiError } from '../http/errors';
import { runBatch, type AccountDeps } from './deps';
import { hashPassword, verifyPassword } from './password';
import { checkTypedFactor, type TypedFactor } from './second-factor-check';
import { clearThrottles, lockedUntil, recordFailure, throttle } from './throttle';

export type IssuedSession = {
  token: string;
  expiresAt: Date;
  persistent: boolean;
  secondFactor: 'none' | 'pending' | 'passed';
  /** The `__Host-device` cookie's value to set: given on a completed sign-in (worker/auth/devices.ts). */
  device?: string;
};

const tooMany = () => new ApiError(429, 'too_many_attempts', 'Too many attempts. Please wait a while and try again, or reset your password.');
const invalidCredentials = () => new ApiError(401, 'invalid_credentials', 'That e-mail address and password do not match a login.');

export async function loginThrottles(deps: AccountDeps, email: string) {
  return {
    pair: await throttle(deps.secret, 'loginPair', email, deps.client),
    identity: await throttle(deps.secret, 'loginIdentity', email),
    client: await throttle(deps.secret, 'loginClient', deps.client),
  };
}

/**
 * Checks e-mail and password. The same answer, after the same KDF work, whether the login does not
 * exist, is disabled or the password is wrong. `previousToken` (the cookie the browser sent) is
 * ended: a sign-in always gets a new session token. A login with a second factor (authenticator
 * app or passkey; staff must have one) gets a pending session that grants only the second step.
 * `deviceCookie` is the browser's `__Host-device` cookie, for the new-device notice.
 */
export async function signIn(
  deps: AccountDeps,
  body: { email: string; password: string; remember: boolean },
  previousToken?: string | null,
  deviceCookie?: string | null,
): Promise<IssuedSession> {
  const { db, now } = deps;
  const t = await loginThrottles(deps, body.email);
  const guards = [t.pair, t.identity, t.client];
  const [login] = await db.select().from(logins).where(eq(logins.email, body.email)).limit(1);
  if (await lockedUntil(db, guards, now)) {
    await runBatch(db, [auditInsert(db, { event: 'login.refused_locked', subjectLoginId: login?.id ?? null })]);
    throw tooMany();
  }
  const check = await verifyPassword(body.password, login?.passwordHash ?? null);
  if (!login || !check.ok || login.status !== 'active') {
    const locked = await recordFailure(db, guards, now);
    await runBatch(db, [
      auditInsert(db, { event: 'login.failure', subjectLoginId: login?.id ?? null, detail: { reason: login ? 'wrong_password' : 'no_such_login' } }),
      ...locked.map((scope) => auditInsert(db, { event: 'login.lockout', subjectLoginId: login?.id ?? null, detail: { scope } })),
    ]);
    throw invalidCredentials();
  }
  const writes: BatchItem<'sqlite'>[] = [clearThrottles(db, [t.pair, t.identity])];
  if (check.needsRehash) {
    writes.push(db.update(logins).set({ passwordHash: await hashPassword(body.password), updatedAt: now.toISOString() }).where(eq(logins.id, login.id)));
  }
  if (!login.emailVerifiedAt) {
    await runBatch(db, writes);
    throw new ApiError(403, 'email_not_verified', 'Please confirm your e-mail address first: open the link we sent you.');
  }
  const factors = await secondFactorsOf(db, login.id);
  const isStaff = staffRoles.includes(login.role);
  if (isStaff && !factors.any) {
    await runBatch(db, [...writes, auditInsert(db, { event: 'login.second_factor_missing', subjectLoginId: login.id })]);
    throw new ApiError(403, 'second_factor_not_enrolled', 'This login needs a passkey or an authenticator app, but none is set up. Ask an administrator.');
  }
  const needsSecondFactor = factors.any;
  const secondFactor = needsSecondFactor ? 'pending' : 'none';
  // "Keep me signed in" is a customer's choice; staff sessions are never remembered (worker/auth/sessions.ts).
  const session = await newSession(db, login.id, { persistent: body.remember, role: login.role, clientLabel: deps.clientLabel, now, secondFactor });
  const previous = previousToken ? [revokeSessionUpdate(db, await sha256Hex(previousToken), now)] : [];
  // Signed in with the password alone: that is this login's full proof, so it counts as a fresh step-up.
  const complete = needsSecondFactor ? null : await completedSignIn(deps, { loginId: login.id, email: login.email, sessionHash: session.tokenHash }, 'password', deviceCookie);
  await runBatch(db, [
    ...writes,
    ...previous,
    session.insert,
    ...(complete?.statements ?? []),
    auditInsert(db, {
      event: needsSecondFactor ? 'login.password_accepted' : 'login.success',
      actorLoginId: login.id,
      subjectLoginId: login.id,
      detail: { session: session.publicId, persistent: session.persistent, rehashed: check.needsRehash, client: deps.clientLabel, ...(needsSecondFactor ? {} : { method: 'password' }) },
    }),
  ]);
  return { token: session.token, expiresAt: session.expiresAt, persistent: session.persistent, secondFactor, ...(complete ? { device: complete.device } : {}) };
}

/**
 * What every completed sign-in adds to its batch, however it was proved: the step-up record (the
 * proof just given counts for STEP_UP_MS) and the browser's device record, with the new-device
 * notice when the browser is new to the login.
 */
export async function completedSignIn(
  deps: AccountDeps,
  signIn: { loginId: string; email: string; sessionHash: string },
  method: StepUpMethod,
  deviceCookie: string | null | undefined,
): Promise<{ statements: BatchItem<'sqlite'>[]; device: string }> {
  const device = await deviceAtSignIn(deps.db, { ...signIn, clientLabel: deps.clientLabel, origin: deps.origin, now: deps.now }, deviceCookie);
  return { statements: [stepUpStatement(deps.db, signIn, method, deps.now), ...device.statements], device: device.cookie };
}

/** The pending session behind the second sign-in step, or 401 `second_factor_expired`. */
export async function pendingSignIn(deps: AccountDeps, pendingToken: string | null | undefined) {
  const pending = pendingToken ? await resolveSession(deps.db, pendingToken, deps.now, { allowPending: true }) : null;
  const [row] = pending ? await deps.db.select().from(sessions).where(eq(sessions.tokenHash, pending.sessionHash)).limit(1) : [];
  if (!pending || !row || row.secondFactor !== 'pending') {
    throw new ApiError(401, 'second_factor_expired', 'The sign-in took too long. Please start again.');
  }
  return pending;
}

/**
 * Finishes the second sign-in step once a factor was proved (here for a typed code, by
 * worker/auth/passkeys/ for a passkey): replaces the pending session with a new one marked as
 * second-factor-passed (rotation on privilege change), records the step-up and the device, audits.
 * `extra` joins the same batch (e.g. a recovery code's mail).
 */
export async function finishSecondFactor(
  deps: AccountDeps,
  pending: SignedInLogin,
  method: Exclude<StepUpMethod, 'password'>,
  options: { extra?: BatchItem<'sqlite'>[]; deviceCookie?: string | null } = {},
): Promise<IssuedSession> {
  const { db, now } = deps;
  const [login] = await db.select({ email: logins.email }).from(logins).where(eq(logins.id, pending.id)).limit(1);
  const session = await newSession(db, pending.id, { persistent: pending.persistent, role: pending.role, clientLabel: deps.clientLabel, now, secondFactor: 'passed' });
  const complete = await completedSignIn(deps, { loginId: pending.id, email: login?.email ?? '', sessionHash: session.tokenHash }, method, options.deviceCookie);
  await runBatch(db, [
    ...(options.extra ?? []),
    revokeSessionUpdate(db, pending.sessionHash, now),
    session.insert,
    ...complete.statements,
    auditInsert(db, {
      event: 'login.success',
      actorLoginId: pending.id,
      subjectLoginId: pending.id,
      detail: { session: session.publicId, secondFactor: true, method, persistent: session.persistent, client: deps.clientLabel },
    }),
  ]);
  return { token: session.token, expiresAt: session.expiresAt, persistent: session.persistent, secondFactor: 'passed', device: complete.device };
}

/**
 * The second sign-in step with a typed factor: an authenticator code, or a recovery code (which is
 * then spent, audited and mailed about). `totpKeys` is TOTP_ENCRYPTION_KEYS: the stored secret is
 * sealed (worker/auth/totp-secrets.ts); one that does not open refuses the sign-in (503).
 */
export async function passSecondFactor(
  deps: AccountDeps,
  pendingToken: string | null | undefined,
  factor: TypedFactor,
  totpKeys: string | undefined,
  deviceCookie?: string | null,
): Promise<IssuedSession> {
  const pending = await pendingSignIn(deps, pendingToken);
  const extra = await checkTypedFactor(deps, pending.id, factor, {
    totpKeys,
    context: 'sign_in',
    wrong: () =>
      factor.method === 'totp'
        ? new ApiError(401, 'invalid_code', 'That code is not right, or it was already used. Wait for the next code and try again.')
        : new ApiError(401, 'invalid_recovery_code', 'That recovery code is not right, or it was already used.'),
  });
  return finishSecondFactor(deps, pending, factor.method, { extra, deviceCookie });
}

export async function signOut(deps: AccountDeps, login: SignedInLogin, everywhere: boolean) {
  const { db, now } = deps;
  await runBatch(db, [
    everywhere ? revokeLoginSessionsUpdate(db, login.id, now) : revokeSessionUpdate(db, login.sessionHash, now),
    auditInsert(db, { event: 'session.revoked', actorLoginId: login.id, subjectLoginId: login.id, detail: { scope: everywhere ? 'all' : 'current', session: login.sessionId } }),
  ]);
}

export async function listSessions(deps: AccountDeps, login: SignedInLogin) {
  const rows = await liveSessions(deps.db, login.id, deps.now);
  return rows.map((s) => ({
    id: s.publicId ?? s.tokenHash.slice(0, 16),
    current: s.tokenHash === login.sessionHash,
    client: s.clientLabel,
    persistent: s.persistent,
    secondFactor: s.secondFactor === 'passed',
    startedAt: s.createdAt,
    lastSeenAt: s.lastSeenAt,
    expiresAt: s.expiresAt,
  }));
}

/** Ends one of the login's own sessions by its public id, or every other one. */
export async function endSessions(deps: AccountDeps, login: SignedInLogin, target: { scope: 'one' | 'others' | 'all'; session?: string }) {
  const { db, now } = deps;
  if (target.scope === 'all') return signOut(deps, login, true);
  if (target.scope === 'others') {
    await runBatch(db, [
      revokeLoginSessionsUpdate(db, login.id, now, login.sessionHash),
      auditInsert(db, { event: 'session.revoked', actorLoginId: login.id, subjectLoginId: login.id, detail: { scope: 'others' } }),
    ]);
    return;
  }
  const ended = target.session
    ? await db
        .update(sessions)
        .set({ revokedAt: now.toISOString() })
        .where(and(eq(sessions.publicId, target.session), eq(sessions.loginId, login.id), isNull(sessions.revokedAt)))
        .returning({ publicId: sessions.publicId })
    : [];
  // Someone else's session id, or an ended one: the same 404 either way.
  if (!ended.length) throw new ApiError(404, 'not_found', 'There is no such active session.');
  await runBatch(db, [auditInsert(db, { event: 'session.revoked', actorLoginId: login.id, subjectLoginId: login.id, detail: { scope: 'one', session: target.session ?? null } })]);
}

const signInEvents = ['login.success', 'login.failure', 'login.lockout', 'login.second_factor_failure', 'login.refused_locked', 'login.new_device'];

/** The login's recent sign-ins and failed attempts (from the audit log). */
export async function recentSignIns(deps: AccountDeps, loginId: string) {
  const rows = await deps.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectLoginId, loginId), inArray(auditEvents.event, signInEvents)))
    .orderBy(desc(auditEvents.at))
    .limit(20);
  return rows.map((r) => ({
    at: r.at,
    outcome: r.event === 'login.success' ? 'success' : r.event === 'login.lockout' ? 'locked' : r.event === 'login.new_device' ? 'new_device' : 'failure',
    client: typeof r.detail?.client === 'string' ? r.detail.client : null,
    secondFactor: r.detail?.secondFactor === true,
    /** How the sign-in was proved: password, totp, passkey or recovery_code (older rows: none recorded). */
    method: typeof r.detail?.method === 'string' ? r.detail.method : null,
  }));
}
