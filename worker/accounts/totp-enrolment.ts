/**
 * Setting up and removing an authenticator app (TOTP), for customers and staff alike.
 *
 * Start (after step-up): a new secret is sealed into `totp_enrolments.pending_secret` for 15
 * minutes and shown on /account/security/totp/ as a QR code (drawn on the server, worker/auth/
 * totp-qr.ts) and as text. Confirm: the first code from the app proves it holds the secret; only
 * then does the secret move to `logins.totp_secret` and count at sign-in, the code's step is
 * recorded (it cannot be replayed at the next sign-in), and the confirmation counts as a step-up.
 * Remove (after step-up): the secret goes; when no second factor is left, so do recovery codes.
 * Staff cannot remove their last second factor. Every change is audited and mailed to the login.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { logins, totpEnrolments } from '../../db/schema';
import { auditInsert } from '../audit/log';
import { secondFactorsOf, staffFactorGuard, stepUpStatement } from '../auth/step-up';
import { guarded } from '../http/batch-guard';
import { staffRoles, type SignedInLogin } from '../auth/sessions';
import { matchTotp, newTotpSecret, totpKeyUri } from '../auth/totp';
import { openTotpSecret, parseTotpKeyring, sealTotpSecret, TotpKeyringError, TotpSecretUnreadable } from '../auth/totp-secrets';
import { ApiError } from '../http/errors';
import { queueEmail } from '../mail/outbox';
import { utility } from '../tenants/scope';
import { runBatch, type AccountDeps } from './deps';
import { deleteRecoveryCodes } from './recovery-codes';
import { tooManyCodes } from './second-factor-check';
import { secondFactorMails } from './second-factor-mails';
import { clearThrottles, lockedUntil, recordFailure, throttle } from './throttle';

/** Long enough to install an app and scan; a secret left unconfirmed after that is never used. */
export const TOTP_SETUP_MS = 15 * 60_000;

async function keyring(totpKeys: string | undefined) {
  try {
    return await parseTotpKeyring(totpKeys);
  } catch (err) {
    if (!(err instanceof TotpKeyringError)) throw err;
    console.error(JSON.stringify({ level: 'error', event: 'totp.keyring_unusable' }));
    throw new ApiError(503, 'second_factor_unavailable', 'Authenticator apps cannot be set up right now. Please try again later.');
  }
}

async function loginRow(deps: AccountDeps, loginId: string) {
  const [login] = await deps.db.select().from(logins).where(eq(logins.id, loginId)).limit(1);
  if (!login) throw new ApiError(401, 'unauthenticated', 'Please sign in.');
  return login;
}

/** Starts (or restarts) a set-up: a new secret, waiting for its first code. The route checked step-up. */
export async function startTotpEnrolment(deps: AccountDeps, signedIn: SignedInLogin, totpKeys: string | undefined) {
  const { db, now } = deps;
  const login = await loginRow(deps, signedIn.id);
  if (login.totpSecret) throw new ApiError(409, 'totp_already_enabled', 'An authenticator app is already set up. Remove it first to set up another.');
  const sealed = await sealTotpSecret(await keyring(totpKeys), login.id, newTotpSecret());
  const pending = { pendingSecret: sealed, pendingExpiresAt: new Date(now.getTime() + TOTP_SETUP_MS).toISOString() };
  await runBatch(db, [
    db.insert(totpEnrolments).values({ loginId: login.id, ...pending }).onConflictDoUpdate({ target: totpEnrolments.loginId, set: pending }),
    auditInsert(db, { event: 'totp.setup_started', actorLoginId: login.id, subjectLoginId: login.id }),
  ]);
  return { status: 'totp-started' as const };
}

export type PendingTotp = { secret: string; uri: string; expiresAt: string };

/** The set-up waiting for its first code, opened for display, or null (none, or expired). */
export async function pendingTotp(deps: AccountDeps, loginId: string, totpKeys: string | undefined): Promise<PendingTotp | null> {
  const { db, now } = deps;
  const [row] = await db
    .select({ pendingSecret: totpEnrolments.pendingSecret, pendingExpiresAt: totpEnrolments.pendingExpiresAt, email: logins.email })
    .from(totpEnrolments)
    .innerJoin(logins, eq(logins.id, totpEnrolments.loginId))
    .where(and(eq(totpEnrolments.loginId, loginId), gt(totpEnrolments.pendingExpiresAt, now.toISOString())))
    .limit(1);
  if (!row?.pendingSecret || !row.pendingExpiresAt) return null;
  try {
    const { secret } = await openTotpSecret(await keyring(totpKeys), loginId, row.pendingSecret);
    // The app lists the entry as "Alder Creek: <e-mail>"; the e-mail never leaves the page it is shown on.
    return { secret, uri: totpKeyUri(utility().shortName, row.email, secret), expiresAt: row.pendingExpiresAt };
  } catch (err) {
    if (err instanceof TotpSecretUnreadable) return null;
    throw err;
  }
}

/**
 * Confirms the set-up with the app's first code. Wrong codes count on the login's second-step
 * throttle (the same one the sign-in uses). Success answers whether recovery codes should be made
 * next (the login has none unused).
 */
export async function confirmTotpEnrolment(deps: AccountDeps, signedIn: SignedInLogin, code: string, totpKeys: string | undefined) {
  const { db, now } = deps;
  const login = await loginRow(deps, signedIn.id);
  if (login.totpSecret) throw new ApiError(409, 'totp_already_enabled', 'An authenticator app is already set up.');
  const pending = await pendingTotp(deps, login.id, totpKeys);
  if (!pending) throw new ApiError(410, 'totp_setup_expired', 'The set-up took too long. Please start again: you will get a new QR code.');
  const guard = await throttle(deps.secret, 'secondFactor', login.id);
  if (await lockedUntil(db, [guard], now)) {
    await runBatch(db, [auditInsert(db, { event: 'login.refused_locked', subjectLoginId: login.id, detail: { step: 'totp_setup' } })]);
    throw tooManyCodes();
  }
  const step = await matchTotp(pending.secret, code, now, null);
  if (step === null) {
    const locked = await recordFailure(db, [guard], now);
    await runBatch(db, [
      auditInsert(db, { event: 'totp.setup_failure', actorLoginId: login.id, subjectLoginId: login.id }),
      ...locked.map((scope) => auditInsert(db, { event: 'login.lockout', subjectLoginId: login.id, detail: { scope } })),
    ]);
    throw new ApiError(422, 'invalid_code', 'That code is not right. Check the app shows the entry you just added, and enter its current code.', [{ field: 'code', message: 'That code is not right.' }]);
  }
  const sealed = await sealTotpSecret(await keyring(totpKeys), login.id, pending.secret);
  // Only if nothing was confirmed meanwhile (two tabs): the first confirmation wins.
  const enabled = await db
    .update(logins)
    .set({ totpSecret: sealed, totpLastStep: step, updatedAt: now.toISOString() })
    .where(and(eq(logins.id, login.id), isNull(logins.totpSecret)))
    .returning({ id: logins.id });
  if (!enabled.length) throw new ApiError(409, 'totp_already_enabled', 'An authenticator app is already set up.');
  await runBatch(db, [
    clearThrottles(db, [guard]),
    db.update(totpEnrolments).set({ pendingSecret: null, pendingExpiresAt: null, enrolledAt: now.toISOString() }).where(eq(totpEnrolments.loginId, login.id)),
    stepUpStatement(db, { sessionHash: signedIn.sessionHash, loginId: login.id }, 'totp', now),
    queueEmail(db, secondFactorMails.totpEnabled(login.email, deps.origin, login.locale)),
    auditInsert(db, { event: 'totp.enabled', actorLoginId: login.id, subjectLoginId: login.id }),
  ]);
  return { status: 'totp-enabled' as const };
}

/** Removes the authenticator app. The route checked step-up. */
export async function removeTotp(deps: AccountDeps, signedIn: SignedInLogin) {
  const { db, now } = deps;
  const login = await loginRow(deps, signedIn.id);
  if (!login.totpSecret) throw new ApiError(409, 'totp_not_enabled', 'No authenticator app is set up.');
  const factors = await secondFactorsOf(db, login.id);
  const lastFactor = factors.passkeys === 0;
  const keepOne = 'A staff login must keep a passkey or an authenticator app. Add a passkey first, then remove the app.';
  if (lastFactor && staffRoles.includes(login.role)) throw new ApiError(409, 'last_second_factor', keepOne);
  const writes: BatchItem<'sqlite'>[] = [
    db.update(logins).set({ totpSecret: null, totpLastStep: null, updatedAt: now.toISOString() }).where(eq(logins.id, login.id)),
    db.delete(totpEnrolments).where(eq(totpEnrolments.loginId, login.id)),
    queueEmail(db, secondFactorMails.totpRemoved(login.email, deps.origin, login.locale)),
    auditInsert(db, { event: 'totp.removed', actorLoginId: login.id, subjectLoginId: login.id, detail: { lastFactor } }),
  ];
  // Recovery codes stand in for a second factor; with none left they would be a back door to nothing.
  if (lastFactor) writes.push(deleteRecoveryCodes(deps, login.id));
  await guarded(() => runBatch(db, [...writes, staffFactorGuard(db, login.id)]), () => new ApiError(409, 'last_second_factor', keepOne));
  return { status: 'totp-removed' as const };
}
