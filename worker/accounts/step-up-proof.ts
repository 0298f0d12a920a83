/**
 * The confirmation page's proofs (POST /api/accounts/step-up): an authenticator code or a recovery
 * code for a login with a second factor, the password for a login without one. Each is throttled
 * and audited like the sign-in it repeats; success records the step-up for this session.
 */
import { auditInsert } from '../audit/log';
import { secondFactorsOf, stepUpStatement } from '../auth/step-up';
import type { SignedInLogin } from '../auth/sessions';
import { ApiError } from '../http/errors';
import type { StepUpMethod } from '../../db/schema';
import type { StepUpBody } from '../shared/second-factor-forms';
import { runBatch, type AccountDeps } from './deps';
import { confirmCurrentPassword } from './recovery';
import { checkPasskeyFactor, checkTypedFactor } from './second-factor-check';
import type { AuthenticationCredential } from '../shared/passkey-forms';

export async function proveIdentity(deps: AccountDeps, login: SignedInLogin, body: StepUpBody, totpKeys: string | undefined): Promise<{ method: StepUpMethod }> {
  const { db, now } = deps;
  const session = { sessionHash: login.sessionHash, loginId: login.id };
  let method: StepUpMethod;
  let extra: Awaited<ReturnType<typeof checkTypedFactor>> = [];
  if (body.password !== undefined) {
    const factors = await secondFactorsOf(db, login.id);
    if (factors.any) {
      throw new ApiError(422, 'second_factor_needed', 'Your login has a second factor: confirm with it, not the password.', [{ field: 'password', message: 'Use your authenticator app, passkey or a recovery code.' }]);
    }
    await confirmCurrentPassword(deps, login.id, body.password).catch((e: unknown) => {
      if (e instanceof ApiError && e.code === 'wrong_password') throw new ApiError(422, 'wrong_password', e.message, [{ field: 'password', message: 'wrong_password' }]);
      throw e;
    });
    method = 'password';
  } else if (body.code !== undefined) {
    extra = await checkTypedFactor(deps, login.id, { method: 'totp', code: body.code }, { totpKeys, context: 'step_up', wrong: () => wrongCode('code') });
    method = 'totp';
  } else {
    extra = await checkTypedFactor(deps, login.id, { method: 'recovery_code', code: body.recoveryCode! }, { totpKeys, context: 'step_up', wrong: () => wrongCode('recoveryCode') });
    method = 'recovery_code';
  }
  await runBatch(db, [
    ...extra,
    stepUpStatement(db, session, method, now),
    auditInsert(db, { event: 'step_up.success', actorLoginId: login.id, subjectLoginId: login.id, detail: { method, session: login.sessionId } }),
  ]);
  return { method };
}

function wrongCode(field: 'code' | 'recoveryCode') {
  return field === 'code'
    ? new ApiError(422, 'invalid_code', 'That code is not right, or it was already used. Wait for the next code and try again.', [{ field, message: 'That code is not right, or it was already used.' }])
    : new ApiError(422, 'invalid_recovery_code', 'That recovery code is not right, or it was already used.', [{ field, message: 'That recovery code is not right, or it was already used.' }]);
}

/** The confirmation page's passkey proof: the answer to a `step_up` challenge bound to this session. */
export async function proveIdentityWithPasskey(deps: AccountDeps, login: SignedInLogin, credential: AuthenticationCredential) {
  const { db, now } = deps;
  const extra = await checkPasskeyFactor(deps, { id: login.id, sessionHash: login.sessionHash }, credential, 'step_up');
  await runBatch(db, [
    ...extra,
    stepUpStatement(db, { sessionHash: login.sessionHash, loginId: login.id }, 'passkey', now),
    auditInsert(db, { event: 'step_up.success', actorLoginId: login.id, subjectLoginId: login.id, detail: { method: 'passkey', session: login.sessionId } }),
  ]);
  return { method: 'passkey' as const };
}
