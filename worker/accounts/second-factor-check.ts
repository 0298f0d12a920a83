/**
 * Checking a second factor a person types: an authenticator (TOTP) code or a recovery code. The
 * sign-in's second step and step-up both come here, so both share one throttle (5 wrong answers
 * in 15 minutes lock the login's second step, doubling up to an hour), one audit trail and one
 * replay guard. A passkey is checked by worker/auth/passkeys/ and reported the same way.
 */
import { and, count, eq, isNull, lt, or } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { logins, recoveryCodes } from '../../db/schema';
import { auditInsert } from '../audit/log';
import { matchTotp } from '../auth/totp';
import { openTotpSecret, parseTotpKeyring, sealTotpSecret, TotpKeyringError, TotpSecretUnreadable } from '../auth/totp-secrets';
import { checkPasskeyProof, PasskeyRefused, passkeyRefusalError } from '../auth/passkeys/second-factor';
import { relyingParty } from '../auth/passkeys/relying-party';
import { ApiError } from '../http/errors';
import type { AuthenticationCredential } from '../shared/passkey-forms';
import { queueEmail } from '../mail/outbox';
import { runBatch, type AccountDeps } from './deps';
import { hashRecoveryCode, normaliseRecoveryCode } from './recovery-codes';
import { secondFactorMails } from './second-factor-mails';
import { clearThrottles, lockedUntil, recordFailure, throttle } from './throttle';

export type TypedFactor = { method: 'totp'; code: string } | { method: 'recovery_code'; code: string };

/** Where the check happens: what the audit log calls it. */
export type CheckContext = 'sign_in' | 'step_up';

export const tooManyCodes = () => new ApiError(429, 'too_many_attempts', 'Too many attempts. Please wait a while and try again, or reset your password.');

/**
 * Claims the TOTP step `code` matches for the login: true once per step (a conditional update, so
 * two requests with the same code cannot both win). A sealed secret no key opens fails closed
 * (503, audited); one in clear or under an older key is sealed anew while we are here.
 */
export async function claimTotpCode(deps: AccountDeps, loginId: string, code: string, totpKeys: string | undefined): Promise<boolean> {
  const { db, now } = deps;
  const [login] = await db.select({ totpSecret: logins.totpSecret, totpLastStep: logins.totpLastStep }).from(logins).where(eq(logins.id, loginId)).limit(1);
  if (!login?.totpSecret) return false;
  let secret: { secret: string; needsReseal: boolean };
  let keys;
  try {
    keys = await parseTotpKeyring(totpKeys);
    secret = await openTotpSecret(keys, loginId, login.totpSecret);
  } catch (err) {
    if (!(err instanceof TotpSecretUnreadable) && !(err instanceof TotpKeyringError)) throw err;
    // A missing, malformed or wrong key: fail closed, and tell the operators (by event and id only), not the guesser's counter.
    console.error(JSON.stringify({ level: 'error', event: 'totp.secret_unreadable' }));
    await runBatch(db, [auditInsert(db, { event: 'login.second_factor_unreadable', subjectLoginId: loginId })]);
    throw new ApiError(503, 'second_factor_unavailable', 'Your authenticator code cannot be checked right now. Please contact us.');
  }
  const step = await matchTotp(secret.secret, code, now, login.totpLastStep);
  if (step === null) return false;
  const resealed = secret.needsReseal ? { totpSecret: await sealTotpSecret(keys, loginId, secret.secret) } : {};
  const claimed = await db
    .update(logins)
    .set({ totpLastStep: step, ...resealed })
    .where(and(eq(logins.id, loginId), or(isNull(logins.totpLastStep), lt(logins.totpLastStep, step))))
    .returning({ id: logins.id });
  return claimed.length > 0;
}

/** Spends one of the login's unused recovery codes; true when `code` was one. */
export async function spendRecoveryCode(deps: AccountDeps, loginId: string, code: string): Promise<boolean> {
  const normalised = normaliseRecoveryCode(code);
  if (!normalised) return false;
  const used = await deps.db
    .update(recoveryCodes)
    .set({ usedAt: deps.now.toISOString() })
    .where(and(eq(recoveryCodes.codeHash, await hashRecoveryCode(loginId, normalised)), eq(recoveryCodes.loginId, loginId), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  return used.length > 0;
}

export async function unusedRecoveryCodes(deps: Pick<AccountDeps, 'db'>, loginId: string) {
  const [row] = await deps.db.select({ n: count() }).from(recoveryCodes).where(and(eq(recoveryCodes.loginId, loginId), isNull(recoveryCodes.usedAt)));
  return row?.n ?? 0;
}

/**
 * Checks a typed second factor for the login. Locked: 429 (audited). Wrong: counts toward the
 * lock, audited, then `wrong()` is thrown (each caller words it: 401 at sign-in, 422 at step-up).
 * Right: clears the counter and returns the statements to put in the caller's success batch (the
 * audit line, and for a recovery code the mail telling the customer one was used).
 */
export async function checkTypedFactor(
  deps: AccountDeps,
  loginId: string,
  factor: TypedFactor,
  options: { totpKeys: string | undefined; context: CheckContext; wrong: () => ApiError },
): Promise<BatchItem<'sqlite'>[]> {
  const { db, now } = deps;
  const guard = await throttle(deps.secret, 'secondFactor', loginId);
  if (await lockedUntil(db, [guard], now)) {
    await runBatch(db, [auditInsert(db, { event: 'login.refused_locked', subjectLoginId: loginId, detail: { step: options.context === 'sign_in' ? 'second_factor' : 'step_up' } })]);
    throw tooManyCodes();
  }
  const ok = factor.method === 'totp' ? await claimTotpCode(deps, loginId, factor.code, options.totpKeys) : await spendRecoveryCode(deps, loginId, factor.code);
  if (!ok) {
    const locked = await recordFailure(db, [guard], now);
    await runBatch(db, [
      auditInsert(db, { event: options.context === 'sign_in' ? 'login.second_factor_failure' : 'step_up.failure', subjectLoginId: loginId, actorLoginId: options.context === 'step_up' ? loginId : null, detail: { method: factor.method } }),
      ...locked.map((scope) => auditInsert(db, { event: 'login.lockout', subjectLoginId: loginId, detail: { scope } })),
    ]);
    throw options.wrong();
  }
  const writes: BatchItem<'sqlite'>[] = [clearThrottles(db, [guard])];
  if (factor.method === 'recovery_code') {
    const [login] = await db.select({ email: logins.email, locale: logins.locale }).from(logins).where(eq(logins.id, loginId)).limit(1);
    const left = await unusedRecoveryCodes(deps, loginId);
    writes.push(auditInsert(db, { event: 'recovery_code.used', actorLoginId: loginId, subjectLoginId: loginId, detail: { context: options.context, left } }));
    if (login) writes.push(queueEmail(db, secondFactorMails.recoveryCodeUsed(login.email, deps.origin, now, left, login.locale)));
  }
  return writes;
}

/**
 * Checks a passkey answer as the proof a session owes (the second sign-in step, or step-up), on
 * the same throttle and audit trail as typed codes: worker/auth/passkeys/ verifies the assertion,
 * this counts what it refuses. Success returns the statements for the caller's batch.
 */
export async function checkPasskeyFactor(
  deps: AccountDeps,
  session: { id: string; sessionHash: string },
  credential: AuthenticationCredential,
  context: CheckContext,
): Promise<BatchItem<'sqlite'>[]> {
  const { db, now } = deps;
  const guard = await throttle(deps.secret, 'secondFactor', session.id);
  if (await lockedUntil(db, [guard], now)) {
    await runBatch(db, [auditInsert(db, { event: 'login.refused_locked', subjectLoginId: session.id, detail: { step: context === 'sign_in' ? 'second_factor' : 'step_up', method: 'passkey' } })]);
    throw tooManyCodes();
  }
  try {
    const verified = await checkPasskeyProof(deps, relyingParty(deps.origin), context === 'sign_in' ? 'second_factor' : 'step_up', { loginId: session.id, sessionHash: session.sessionHash }, credential);
    return [clearThrottles(db, [guard]), auditInsert(db, { event: 'passkey.used', actorLoginId: session.id, subjectLoginId: session.id, detail: { context, passkey: verified.passkeyId } })];
  } catch (err) {
    if (!(err instanceof PasskeyRefused)) throw err;
    const locked = await recordFailure(db, [guard], now);
    await runBatch(db, [
      auditInsert(db, { event: context === 'sign_in' ? 'login.second_factor_failure' : 'step_up.failure', subjectLoginId: session.id, actorLoginId: context === 'step_up' ? session.id : null, detail: { method: 'passkey', reason: err.reason } }),
      ...locked.map((scope) => auditInsert(db, { event: 'login.lockout', subjectLoginId: session.id, detail: { scope } })),
    ]);
    throw passkeyRefusalError(err.reason);
  }
}
