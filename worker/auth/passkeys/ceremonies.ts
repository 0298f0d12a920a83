/**
 * The two WebAuthn ceremonies, on @simplewebauthn/server: registering a passkey on a signed-in
 * session, and checking an assertion (a signature by a registered passkey over a challenge we
 * issued). The library checks the origin, the RP id hash, the type, user presence and
 * verification, the signature and the counter; this module decides which challenge and which
 * stored credential a response is checked against, and keeps the counter.
 *
 * Nothing here talks HTTP. A refusal is a PasskeyRefused with a reason for the audit log; the
 * routes (and the second sign-in step) turn it into an answer, count it toward a lockout and audit it.
 */
import { generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server';
import { decodeClientDataJSON, isoBase64URL, isoUint8Array } from '@simplewebauthn/server/helpers';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { passkeyCredentials, type PasskeyPurpose } from '../../../db/schema';
import type { AuthenticationCredential, RegistrationCredential } from '../../shared/passkey-forms';
import { randomToken } from '../tokens';
import { consumeChallenge, issueChallenge, type Binding } from './challenges';
import { credentialDescriptors, findByCredentialId, passkeyCount, recordPasskeyUse, type StoredPasskey } from './credentials';
import { CHALLENGE_TTL_MS, MAX_PASSKEYS_PER_LOGIN, PASSKEY_ALGORITHMS, type RelyingParty } from './relying-party';

export type RefusalReason =
  /** No live challenge for this response: never issued, used already, another session's, or expired. */
  | 'challenge'
  /** The passkey is not registered (removed, or never was). */
  | 'unknown_credential'
  /** The passkey belongs to another login than the one the ceremony is for. */
  | 'other_login'
  /** The response's user handle names another login than the passkey's. */
  | 'user_handle'
  /** The signature counter did not move forward: a cloned authenticator, or a replayed response. */
  | 'counter'
  /** Wrong origin, RP id, type, flags or signature: the library refused it. */
  | 'verification'
  /** Registration: the passkey is already registered (to this login or another). */
  | 'duplicate'
  /** Registration: the login has as many passkeys as it may. */
  | 'limit';

export class PasskeyRefused extends Error {
  constructor(
    readonly reason: RefusalReason,
    /** The login the refused response was for, when known (for the audit line and its lockout). */
    readonly loginId: string | null = null,
  ) {
    super(`passkey refused: ${reason}`);
  }
}

/** The challenge a response claims to answer; a response whose client data does not parse answers none. */
function claimedChallenge(clientDataJSON: string): string | null {
  try {
    const data: unknown = decodeClientDataJSON(clientDataJSON);
    const challenge = (data as { challenge?: unknown } | null)?.challenge;
    return typeof challenge === 'string' && challenge.length > 0 && challenge.length <= 512 ? challenge : null;
  } catch {
    return null;
  }
}

/** The WebAuthn user handle of a login: its id (a random UUID, nothing personal). */
const userHandleOf = (loginId: string) => isoUint8Array.fromUTF8String(loginId);

export type RegistrationFor = { loginId: string; userName: string; displayName: string; binding: Binding };

/**
 * Options for navigator.credentials.create(): a discoverable credential (so it can sign in alone)
 * with user verification, no attestation (we do not restrict which authenticator a customer uses),
 * and the login's existing passkeys excluded so one authenticator is not registered twice.
 */
export async function registrationOptions(db: DrizzleD1Database, rp: RelyingParty, login: RegistrationFor, now: Date) {
  if ((await passkeyCount(db, login.loginId)) >= MAX_PASSKEYS_PER_LOGIN) throw new PasskeyRefused('limit', login.loginId);
  // The bytes, not the string: the library would take a string as text and encode it again.
  const { bytes: challenge } = await issueChallenge(db, { purpose: 'register', binding: login.binding, loginId: login.loginId, now });
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: login.userName,
    userDisplayName: login.displayName,
    userID: userHandleOf(login.loginId),
    challenge,
    timeout: CHALLENGE_TTL_MS,
    attestationType: 'none',
    excludeCredentials: await credentialDescriptors(db, login.loginId),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  });
}

/**
 * Checks the browser's answer to registrationOptions and returns the row to insert (unexecuted,
 * so the caller adds it to the batch with its audit line and notice). The challenge is used up
 * whatever the outcome.
 */
export async function verifyRegistration(
  db: DrizzleD1Database,
  rp: RelyingParty,
  login: { loginId: string; binding: Binding },
  credential: RegistrationCredential,
  name: string,
  now: Date,
) {
  const challenge = claimedChallenge(credential.response.clientDataJSON);
  const consumed = challenge ? await consumeChallenge(db, { challenge, purpose: 'register', binding: login.binding, now }) : null;
  if (!challenge || !consumed || consumed.loginId !== login.loginId) throw new PasskeyRefused('challenge', login.loginId);
  let info;
  try {
    const result = await verifyRegistrationResponse({
      response: { ...credential, clientExtensionResults: {} },
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserPresence: true,
      requireUserVerification: true,
      supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
    });
    if (!result.verified) throw new PasskeyRefused('verification', login.loginId);
    info = result.registrationInfo;
  } catch (err) {
    if (err instanceof PasskeyRefused) throw err;
    throw new PasskeyRefused('verification', login.loginId);
  }
  if ((await findByCredentialId(db, info.credential.id)) !== null) throw new PasskeyRefused('duplicate', login.loginId);
  if ((await passkeyCount(db, login.loginId)) >= MAX_PASSKEYS_PER_LOGIN) throw new PasskeyRefused('limit', login.loginId);
  const id = randomToken(12);
  const insert = db.insert(passkeyCredentials).values({
    id,
    loginId: login.loginId,
    credentialId: info.credential.id,
    publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
    signCount: info.credential.counter,
    transports: credential.response.transports ?? null,
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    name,
    createdAt: now.toISOString(),
  });
  return { id, insert };
}

/**
 * Who may answer an assertion: `loginId` for the second sign-in step and step-up (the browser is
 * told to offer only that login's passkeys, and a passkey of any other login is refused), or null
 * for a sign-in with a passkey alone (any registered passkey; the passkey says who).
 */
export type AssertionFor = { purpose: Exclude<PasskeyPurpose, 'register'>; binding: Binding; loginId: string | null };

/**
 * User verification (a PIN or biometric on the authenticator) is required wherever the passkey
 * stands alone or vouches for a sensitive action; after a password it is the second factor itself,
 * so presence is enough (and a security key without a PIN still serves).
 */
const verificationRequired = (purpose: AssertionFor['purpose']) => purpose !== 'second_factor';

/** Options for navigator.credentials.get(). */
export async function authenticationOptions(db: DrizzleD1Database, rp: RelyingParty, forWhom: AssertionFor, now: Date) {
  const { bytes: challenge } = await issueChallenge(db, { purpose: forWhom.purpose, binding: forWhom.binding, loginId: forWhom.loginId, now });
  return generateAuthenticationOptions({
    rpID: rp.id,
    challenge,
    timeout: CHALLENGE_TTL_MS,
    userVerification: verificationRequired(forWhom.purpose) ? 'required' : 'preferred',
    allowCredentials: forWhom.loginId ? await credentialDescriptors(db, forWhom.loginId) : [],
  });
}

export type VerifiedAssertion = { loginId: string; passkeyId: string; passkeyName: string; userVerified: boolean };

/**
 * Checks an assertion: the challenge (taken whatever the outcome), the passkey (registered, and
 * the right login's), then the library's checks, then the counter is recorded. Throws PasskeyRefused.
 */
export async function verifyAssertion(db: DrizzleD1Database, rp: RelyingParty, forWhom: AssertionFor, credential: AuthenticationCredential, now: Date): Promise<VerifiedAssertion> {
  const challenge = claimedChallenge(credential.response.clientDataJSON);
  const consumed = challenge ? await consumeChallenge(db, { challenge, purpose: forWhom.purpose, binding: forWhom.binding, now }) : null;
  if (!challenge || !consumed || consumed.loginId !== forWhom.loginId) throw new PasskeyRefused('challenge', forWhom.loginId);
  const stored = await findByCredentialId(db, credential.id);
  if (!stored) throw new PasskeyRefused('unknown_credential', forWhom.loginId);
  if (forWhom.loginId !== null && stored.loginId !== forWhom.loginId) throw new PasskeyRefused('other_login', forWhom.loginId);
  const handle = credential.response.userHandle;
  if (handle !== undefined && !sameHandle(handle, stored.loginId)) throw new PasskeyRefused('user_handle', stored.loginId);
  const result = await checkSignature(rp, stored, credential, challenge, verificationRequired(forWhom.purpose));
  if (!(await recordPasskeyUse(db, stored, { counter: result.newCounter, backedUp: result.credentialBackedUp, now }))) {
    // Another response from the same authenticator was recorded meanwhile: this one is the older.
    throw new PasskeyRefused('counter', stored.loginId);
  }
  return { loginId: stored.loginId, passkeyId: stored.id, passkeyName: stored.name, userVerified: result.userVerified };
}

function sameHandle(handle: string, loginId: string) {
  try {
    return isoBase64URL.toUTF8String(handle) === loginId;
  } catch {
    return false;
  }
}

async function checkSignature(rp: RelyingParty, stored: StoredPasskey, credential: AuthenticationCredential, challenge: string, requireUserVerification: boolean) {
  try {
    const result = await verifyAuthenticationResponse({
      response: { ...credential, clientExtensionResults: {} },
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: stored.credentialId, publicKey: isoBase64URL.toBuffer(stored.publicKey), counter: stored.signCount, ...(stored.transports ? { transports: stored.transports } : {}) },
      requireUserVerification,
    });
    if (!result.verified) throw new PasskeyRefused('verification', stored.loginId);
    return result.authenticationInfo;
  } catch (err) {
    if (err instanceof PasskeyRefused) throw err;
    // The library says which check failed only in its message; the counter one matters for the audit log (a cloned authenticator).
    const counter = err instanceof Error && /counter/i.test(err.message);
    throw new PasskeyRefused(counter ? 'counter' : 'verification', stored.loginId);
  }
}
