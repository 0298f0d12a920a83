/**
 * Signing in with a passkey alone (a discoverable credential with user verification: something
 * the customer has, unlocked by something they know or are, so both factors at once). The browser
 * asks for a challenge as the sign-in page loads (for passkey autofill, "conditional UI") or when
 * the passkey button is pressed; the challenge is bound to a random value in the sign-in attempt's
 * cookie, so a response is only accepted from the browser that asked. The new session has passed
 * its second factor, for customers and staff alike.
 */
import { eq } from 'drizzle-orm';
import { logins } from '../../../db/schema';
import type { AccountDeps } from '../../accounts/deps';
import { runBatch } from '../../accounts/deps';
import { completedSignIn } from '../../accounts/login';
import { clearThrottles, lockedUntil, recordFailure, throttle } from '../../accounts/throttle';
import { auditInsert } from '../../audit/log';
import { ApiError } from '../../http/errors';
import type { AuthenticationCredential } from '../../shared/passkey-forms';
import { newSession, revokeSessionUpdate } from '../sessions';
import { randomToken, sha256Hex } from '../tokens';
import { authenticationOptions, PasskeyRefused, verifyAssertion } from './ceremonies';
import { bindToAttempt } from './challenges';
import { passkeyRefusalError } from './refusals';
import type { RelyingParty } from './relying-party';

/** The sign-in attempt cookie's value: 32 random bytes, base64url. */
const attemptPattern = /^[A-Za-z0-9_-]{43}$/;

const tooMany = () => new ApiError(429, 'too_many_attempts', 'Too many attempts. Please wait a while and try again, or reset your password.');

/**
 * Options for a passkey sign-in, and the attempt value to keep in the cookie. An attempt the
 * browser already holds is kept (its earlier challenge is replaced), so reloading the page does
 * not pile up rows; every request still counts toward the client's allowance.
 */
export async function passkeySignInOptions(deps: AccountDeps, rp: RelyingParty, currentAttempt: string | undefined) {
  const guard = await throttle(deps.secret, 'passkeyOptionsClient', deps.client);
  if (await lockedUntil(deps.db, [guard], deps.now)) throw tooMany();
  await recordFailure(deps.db, [guard], deps.now);
  const attempt = currentAttempt && attemptPattern.test(currentAttempt) ? currentAttempt : randomToken(32);
  const options = await authenticationOptions(deps.db, rp, { purpose: 'sign_in', binding: await bindToAttempt(attempt), loginId: null }, deps.now);
  return { attempt, options };
}

/** The new session, and the device cookie value for the new-device notice (worker/auth/devices.ts). */
export type PasskeySession = { token: string; expiresAt: Date; persistent: boolean; loginId: string; sessionHash: string; device: string };

/**
 * Checks the passkey and starts a session that has passed its second factor. Refusals count per
 * client (and are audited against the passkey's login when one was named); a login that is
 * disabled or whose e-mail was never confirmed is refused like an unknown passkey.
 * `previousToken` (the session cookie the browser sent, perhaps a pending one) is ended. Like every
 * completed sign-in, it counts as a fresh step-up (by passkey) and records the browser, mailing the
 * customer when it is new to the login (`deviceCookie`, completedSignIn in worker/accounts/login.ts).
 */
export async function signInWithPasskey(
  deps: AccountDeps,
  rp: RelyingParty,
  attempt: string | undefined,
  body: { credential: AuthenticationCredential; remember: boolean },
  previousToken?: string | null,
  deviceCookie?: string | null,
): Promise<PasskeySession> {
  const { db, now } = deps;
  const guard = await throttle(deps.secret, 'passkeyClient', deps.client);
  if (await lockedUntil(db, [guard], now)) {
    await runBatch(db, [auditInsert(db, { event: 'login.refused_locked', detail: { step: 'passkey' } })]);
    throw tooMany();
  }
  let verified;
  try {
    if (!attempt || !attemptPattern.test(attempt)) throw new PasskeyRefused('challenge');
    verified = await verifyAssertion(db, rp, { purpose: 'sign_in', binding: await bindToAttempt(attempt), loginId: null }, body.credential, now);
    const [login] = await db.select().from(logins).where(eq(logins.id, verified.loginId)).limit(1);
    if (!login || login.status !== 'active' || !login.emailVerifiedAt) throw new PasskeyRefused('unknown_credential', verified.loginId);
    const session = await newSession(db, login.id, { persistent: body.remember, role: login.role, clientLabel: deps.clientLabel, now, secondFactor: 'passed' });
    const previous = previousToken ? [revokeSessionUpdate(db, await sha256Hex(previousToken), now)] : [];
    const complete = await completedSignIn(deps, { loginId: login.id, email: login.email, sessionHash: session.tokenHash }, 'passkey', deviceCookie);
    await runBatch(db, [
      clearThrottles(db, [guard]),
      ...previous,
      session.insert,
      ...complete.statements,
      auditInsert(db, {
        event: 'login.success',
        actorLoginId: login.id,
        subjectLoginId: login.id,
        detail: { session: session.publicId, method: 'passkey', passkey: verified.passkeyId, secondFactor: true, persistent: session.persistent, client: deps.clientLabel },
      }),
    ]);
    return { token: session.token, expiresAt: session.expiresAt, persistent: session.persistent, loginId: login.id, sessionHash: session.tokenHash, device: complete.device };
  } catch (err) {
    if (!(err instanceof PasskeyRefused)) throw err;
    const locked = await recordFailure(db, [guard], now);
    await runBatch(db, [
      auditInsert(db, { event: 'login.passkey_failure', subjectLoginId: err.loginId, detail: { reason: err.reason, client: deps.clientLabel } }),
      ...locked.map((scope) => auditInsert(db, { event: 'login.lockout', subjectLoginId: err.loginId, detail: { scope } })),
    ]);
    throw passkeyRefusalError(err.reason);
  }
}
