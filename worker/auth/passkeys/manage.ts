/**
 * A signed-in login's own passkeys: register one (two steps: options, then the browser's answer),
 * list, rename, remove. Every change is audited and mailed to the login's address. A staff login
 * must keep a passkey or an authenticator app, so its last second factor cannot be removed here.
 */
import { eq } from 'drizzle-orm';
import { logins } from '../../../db/schema';
import type { AccountDeps } from '../../accounts/deps';
import { runBatch } from '../../accounts/deps';
import { deleteRecoveryCodes } from '../../accounts/recovery-codes';
import { lockedUntil, recordFailure, throttle } from '../../accounts/throttle';
import { auditInsert } from '../../audit/log';
import { ApiError } from '../../http/errors';
import { queueEmail } from '../../mail/outbox';
import type { RegistrationCredential } from '../../shared/passkey-forms';
import { staffRoles, type SignedInLogin } from '../sessions';
import { guarded } from '../../http/batch-guard';
import { staffFactorGuard } from '../step-up';
import { PasskeyRefused, registrationOptions, verifyRegistration } from './ceremonies';
import { bindToSession } from './challenges';
import { listPasskeys, removePasskeyDelete, renamePasskey } from './credentials';
import { passkeyMails } from './mails';
import { passkeyRefusalError } from './refusals';
import type { RelyingParty } from './relying-party';

export { listPasskeys };

async function loginRow(deps: AccountDeps, loginId: string) {
  const [row] = await deps.db.select({ email: logins.email, displayName: logins.displayName, totpSecret: logins.totpSecret, locale: logins.locale }).from(logins).where(eq(logins.id, loginId)).limit(1);
  if (!row) throw new ApiError(401, 'unauthenticated', 'Please sign in.');
  return row;
}

const tooMany = () => new ApiError(429, 'too_many_attempts', 'Too many passkeys were added in a short time. Please wait a while and try again.');

/** Options for navigator.credentials.create(), bound to this session. */
export async function startPasskeyRegistration(deps: AccountDeps, rp: RelyingParty, login: SignedInLogin) {
  const row = await loginRow(deps, login.id);
  try {
    return await registrationOptions(deps.db, rp, { loginId: login.id, userName: row.email, displayName: row.displayName || row.email, binding: await bindToSession(login.sessionHash) }, deps.now);
  } catch (err) {
    if (err instanceof PasskeyRefused) throw passkeyRefusalError(err.reason);
    throw err;
  }
}

/** The name a passkey gets when the customer gives none: the browser it was made in and the day. */
export function defaultPasskeyName(clientLabel: string | null, now: Date) {
  const day = now.toISOString().slice(0, 10);
  return `${clientLabel ?? 'Passkey'}, ${day}`;
}

/** Stores the passkey the browser made, if it answers this session's challenge. */
export async function finishPasskeyRegistration(deps: AccountDeps, rp: RelyingParty, login: SignedInLogin, body: { name?: string | undefined; credential: RegistrationCredential }) {
  const { db, now } = deps;
  const guard = await throttle(deps.secret, 'passkeyRegisterLogin', login.id);
  if (await lockedUntil(db, [guard], now)) throw tooMany();
  await recordFailure(db, [guard], now);
  const row = await loginRow(deps, login.id);
  const name = body.name ?? defaultPasskeyName(deps.clientLabel, now);
  let registered;
  try {
    registered = await verifyRegistration(db, rp, { loginId: login.id, binding: await bindToSession(login.sessionHash) }, body.credential, name, now);
  } catch (err) {
    if (!(err instanceof PasskeyRefused)) throw err;
    await runBatch(db, [auditInsert(db, { event: 'passkey.registration_refused', actorLoginId: login.id, subjectLoginId: login.id, detail: { reason: err.reason, session: login.sessionId } })]);
    throw passkeyRefusalError(err.reason);
  }
  await runBatch(db, [
    registered.insert,
    auditInsert(db, { event: 'passkey.registered', actorLoginId: login.id, subjectLoginId: login.id, detail: { passkey: registered.id, session: login.sessionId, client: deps.clientLabel } }),
    queueEmail(db, passkeyMails.added(row.email, deps.origin, name, row.locale)),
  ]);
  return { id: registered.id, name };
}

export async function renameOwnPasskey(deps: AccountDeps, login: SignedInLogin, body: { passkey: string; name: string }) {
  const renamed = await renamePasskey(deps.db, login.id, body.passkey, body.name);
  // Another login's passkey, or none: the same 404.
  if (!renamed) throw new ApiError(404, 'not_found', 'There is no such passkey.');
  await runBatch(deps.db, [auditInsert(deps.db, { event: 'passkey.renamed', actorLoginId: login.id, subjectLoginId: login.id, detail: { passkey: body.passkey } })]);
}

export async function removeOwnPasskey(deps: AccountDeps, login: SignedInLogin, body: { passkey: string }) {
  const { db } = deps;
  const row = await loginRow(deps, login.id);
  const own = await listPasskeys(db, login.id);
  const passkey = own.find((p) => p.id === body.passkey);
  // Another login's passkey, or none: the same 404.
  if (!passkey) throw new ApiError(404, 'not_found', 'There is no such passkey.');
  const keepOne = 'A staff login must keep a passkey or an authenticator app. Add another first.';
  if (staffRoles.includes(login.role) && !row.totpSecret && own.length <= 1) throw new ApiError(409, 'last_second_factor', keepOne);
  const lastFactor = !row.totpSecret && own.length <= 1;
  await guarded(() => runBatch(db, [
    removePasskeyDelete(db, login.id, passkey.id),
    auditInsert(db, { event: 'passkey.removed', actorLoginId: login.id, subjectLoginId: login.id, detail: { passkey: passkey.id, session: login.sessionId, lastFactor } }),
    queueEmail(db, passkeyMails.removed(row.email, deps.origin, passkey.name, row.locale)),
    // As when the app goes (totp-enrolment.ts): with no second factor left, old recovery codes
    // must not come back to life when a new one is added.
    ...(lastFactor ? [deleteRecoveryCodes(deps, login.id)] : []),
    staffFactorGuard(db, login.id),
  ]), () => new ApiError(409, 'last_second_factor', keepOne));
}
