/**
 * A passkey as the proof a session owes: the second sign-in step after a password
 * (`second_factor`, on the pending session) or a step-up before a sensitive action (`step_up`, on
 * a signed-in session). The challenge is bound to that session and names its login, so only that
 * login's passkeys answer it, and only in the browser holding the session.
 *
 * The contract with the second sign-in step and the confirmation page (worker/accounts/login.ts,
 * worker/auth/step-up.ts), which own what follows a proof (rotating the session, recording the
 * step-up, counting failures on their own throttle):
 * 1. the page's script asks `POST /api/accounts/passkeys/proof/options` with `{ purpose }`
 *    (routes.ts: `passkeyProofOptions` below) and hands the options to the browser;
 * 2. it posts the browser's answer to the step's own route as `{ credential }`
 *    (`passkeyAssertionBody`, worker/shared/passkey-forms.ts);
 * 3. that route calls `checkPasskeyProof`: it returns the passkey used, or throws PasskeyRefused,
 *    whose `reason` goes in the audit line and which `passkeyRefusalError(reason)` turns into the answer.
 */
import type { AccountDeps } from '../../accounts/deps';
import type { AuthenticationCredential } from '../../shared/passkey-forms';
import { authenticationOptions, verifyAssertion, type VerifiedAssertion } from './ceremonies';
import { bindToSession } from './challenges';
import type { RelyingParty } from './relying-party';

export type ProofPurpose = 'second_factor' | 'step_up';

/** The session owing the proof: its login and token hash (SignedInLogin's `id` and `sessionHash`). */
export type ProvingSession = { loginId: string; sessionHash: string };

/** Options for navigator.credentials.get() offering only this login's passkeys. */
export async function passkeyProofOptions(deps: Pick<AccountDeps, 'db' | 'now'>, rp: RelyingParty, purpose: ProofPurpose, session: ProvingSession) {
  return authenticationOptions(deps.db, rp, { purpose, binding: await bindToSession(session.sessionHash), loginId: session.loginId }, deps.now);
}

/** Checks the answer to passkeyProofOptions; throws PasskeyRefused. */
export async function checkPasskeyProof(
  deps: Pick<AccountDeps, 'db' | 'now'>,
  rp: RelyingParty,
  purpose: ProofPurpose,
  session: ProvingSession,
  credential: AuthenticationCredential,
): Promise<VerifiedAssertion> {
  return verifyAssertion(deps.db, rp, { purpose, binding: await bindToSession(session.sessionHash), loginId: session.loginId }, credential, deps.now);
}

export { PasskeyRefused } from './ceremonies';
export { passkeyRefusalError } from './refusals';
