/** Signing in (password, then TOTP where enrolled or required), signing out, sessions and sign-in history. */
import { and, desc, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import { auditEvents, logins, sessions } from '../../db/schema';
import { auditInsert } from '../audit/log';
import { newSession, resolveSession, revokeLoginSessionsUpdate, revokeSessionUpdate, liveSessions, staffRoles, type SignedInLogin } from '../auth/sessions';
import { matchTotp } from '../auth/totp';
import { openTotpSecret, parseTotpKeyring, sealTotpSecret, TotpSecretUnreadable } from '../auth/totp-secrets';
import { sha256Hex } from '../auth/tokens';
import { ApiError } from '../http/errors';
import { runBatch, type AccountDeps } from './deps';
import { hashPassword, verifyPassword } from './password';
import { clearThrottles, lockedUntil, recordFailure, throttle, type Throttle } from './throttle';

export type IssuedSession = { token: string; expiresAt: Date; persistent: boolean; secondFactor: 'none' | 'pending' | 'passed' };

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
 * ended: a sign-in always gets a new session token.
 */
export async function signIn(
  deps: AccountDeps,
  body: { email: string; password: string; remember: boolean },
  previousToken?: string | null,
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
  const writes = [clearThrottles(db, [t.pair, t.identity])];
  if (check.needsRehash) {
    writes.push(db.update(logins).set({ passwordHash: await hashPassword(body.password), updatedAt: now.toISOString() }).where(eq(logins.id, login.id)) as never);
  }
  if (!login.emailVerifiedAt) {
    await runBatch(db, writes);
    throw new ApiError(403, 'email_not_verified', 'Please confirm your e-mail address first: open the link we sent you.');
  }
  const needsSecondFactor = staffRoles.includes(login.role) || login.totpSecret !== null;
  if (needsSecondFactor && !login.totpSecret) {
    await runBatch(db, [...writes, auditInsert(db, { event: 'login.second_factor_missing', subjectLoginId: login.id })]);
    throw new ApiError(403, 'second_factor_not_enrolled', 'This login needs an authenticator app, but none is set up. Ask an administrator.');
  }
  const secondFactor = needsSecondFactor ? 'pending' : 'none';
  // "Keep me signed in" is a customer's choice; staff sessions are never remembered (worker/auth/sessions.ts).
  const session = await newSession(db, login.id, { persistent: body.remember, role: login.role, clientLabel: deps.clientLabel, now, secondFactor });
  const previous = previousToken ? [revokeSessionUpdate(db, await sha256Hex(previousToken), now)] : [];
  await runBatch(db, [
    ...writes,
    ...previous,
    session.insert,
    auditInsert(db, {
      event: needsSecondFactor ? 'login.password_accepted' : 'login.success',
      actorLoginId: login.id,
      subjectLoginId: login.id,
      detail: { session: session.publicId, persistent: session.persistent, rehashed: check.needsRehash, client: deps.clientLabel },
    }),
  ]);
  return { token: session.token, expiresAt: session.expiresAt, persistent: session.persistent, secondFactor };
}

/**
 * The second sign-in step: a TOTP code on a session that owes it. Success replaces the pending
 * session with a new one marked as second-factor-passed (rotation on privilege change).
 * `totpKeys` is TOTP_ENCRYPTION_KEYS: the stored secret is sealed (worker/auth/totp-secrets.ts);
 * one that does not open refuses the sign-in, and one in clear or under an older key is sealed anew.
 */
export async function passSecondFactor(deps: AccountDeps, pendingToken: string | null | undefined, code: string, totpKeys: string): Promise<IssuedSession> {
  const { db, now } = deps;
  const pending = pendingToken ? await resolveSession(db, pendingToken, now, { allowPending: true }) : null;
  const [row] = pending ? await db.select().from(sessions).where(eq(sessions.tokenHash, pending.sessionHash)).limit(1) : [];
  if (!pending || !row || row.secondFactor !== 'pending') {
    throw new ApiError(401, 'second_factor_expired', 'The sign-in took too long. Please start again.');
  }
  const guard: Throttle = await throttle(deps.secret, 'secondFactor', pending.id);
  if (await lockedUntil(db, [guard], now)) {
    await runBatch(db, [auditInsert(db, { event: 'login.refused_locked', subjectLoginId: pending.id, detail: { step: 'second_factor' } })]);
    throw tooMany();
  }
  const [login] = await db.select().from(logins).where(eq(logins.id, pending.id)).limit(1);
  let secret: { secret: string; needsReseal: boolean } | null = null;
  const keys = login?.totpSecret ? await parseTotpKeyring(totpKeys) : null;
  if (login?.totpSecret && keys) {
    try {
      secret = await openTotpSecret(keys, login.id, login.totpSecret);
    } catch (err) {
      if (!(err instanceof TotpSecretUnreadable)) throw err;
      // A missing or wrong key: fail closed, and tell the operators (by event and id only), not the guesser's counter.
      console.error(JSON.stringify({ level: 'error', event: 'totp.secret_unreadable' }));
      await runBatch(db, [auditInsert(db, { event: 'login.second_factor_unreadable', subjectLoginId: pending.id })]);
      throw new ApiError(503, 'second_factor_unavailable', 'Your authenticator code cannot be checked right now. Please contact an administrator.');
    }
  }
  const step = secret ? await matchTotp(secret.secret, code, now, login!.totpLastStep) : null;
  const resealed = secret?.needsReseal && keys ? { totpSecret: await sealTotpSecret(keys, pending.id, secret.secret) } : {};
  // Record the step only if no one recorded it (or a later one) first: a code is accepted once.
  const claimed =
    step === null
      ? []
      : await db
          .update(logins)
          .set({ totpLastStep: step, ...resealed })
          .where(and(eq(logins.id, pending.id), or(isNull(logins.totpLastStep), lt(logins.totpLastStep, step))))
          .returning({ id: logins.id });
  if (!claimed.length) {
    const locked = await recordFailure(db, [guard], now);
    await runBatch(db, [
      auditInsert(db, { event: 'login.second_factor_failure', subjectLoginId: pending.id }),
      ...locked.map((scope) => auditInsert(db, { event: 'login.lockout', subjectLoginId: pending.id, detail: { scope } })),
    ]);
    throw new ApiError(401, 'invalid_code', 'That code is not right, or it was already used. Wait for the next code and try again.');
  }
  const session = await newSession(db, pending.id, { persistent: pending.persistent, role: pending.role, clientLabel: deps.clientLabel, now, secondFactor: 'passed' });
  await runBatch(db, [
    clearThrottles(db, [guard]),
    revokeSessionUpdate(db, pending.sessionHash, now),
    session.insert,
    auditInsert(db, { event: 'login.success', actorLoginId: pending.id, subjectLoginId: pending.id, detail: { session: session.publicId, secondFactor: true, persistent: session.persistent, client: deps.clientLabel } }),
  ]);
  return { token: session.token, expiresAt: session.expiresAt, persistent: session.persistent, secondFactor: 'passed' };
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

const signInEvents = ['login.success', 'login.failure', 'login.lockout', 'login.second_factor_failure', 'login.refused_locked'];

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
    outcome: r.event === 'login.success' ? 'success' : r.event === 'login.lockout' ? 'locked' : 'failure',
    client: typeof r.detail?.client === 'string' ? r.detail.client : null,
    secondFactor: r.detail?.secondFactor === true,
  }));
}
