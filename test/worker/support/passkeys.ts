/** Driving the passkey routes as the page scripts do, with a software authenticator. */
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { expect } from 'vitest';
import { stepUpStatement } from '../../../worker/auth/step-up';
import { resolveSession } from '../../../worker/auth/sessions';
import { db, postJson, sessionCookieFrom } from './accounts';
import { SoftAuthenticator } from './passkey-authenticator';

export const ATTEMPT_COOKIE = '__Host-passkey-attempt';

let ipCounter = 0;
/** A client address of its own (an IPv6 /64 each), so per-client counters of one test do not touch another's. */
export const passkeyIp = () => `2001:db8:5a55:${(++ipCounter).toString(16)}::1`;

export const errorCode = async (res: Response) => (await res.clone().json<{ error: { code: string } }>()).error.code;

export async function registrationOptions(cookie: string, ip = passkeyIp()) {
  const res = await postJson('/api/accounts/passkeys/register/options', {}, { cookie, ip });
  expect(res.status).toBe(200);
  return res.json<PublicKeyCredentialCreationOptionsJSON>();
}

/** Records a fresh step-up on the session (as the confirmation page does), so that it may add and remove passkeys. */
export async function steppedUp(cookie: string, method: 'password' | 'passkey' | 'totp' = 'password') {
  const login = (await resolveSession(db(), cookie.split('=')[1]!))!;
  await stepUpStatement(db(), { sessionHash: login.sessionHash, loginId: login.id }, method, new Date());
  return cookie;
}

/** Registers a new software passkey for the session's login (which must have a fresh step-up); returns the authenticator and the passkey's id. */
export async function givenPasskey(cookie: string, options: { counts?: boolean; name?: string } = {}) {
  const authenticator = await SoftAuthenticator.create({ counts: options.counts ?? false });
  const ip = passkeyIp();
  const credential = await authenticator.register(await registrationOptions(cookie, ip));
  const res = await postJson('/api/accounts/passkeys/register', { name: options.name ?? 'Test key', credential }, { cookie, ip });
  expect(res.status, await res.clone().text()).toBe(200);
  // Once the login has a passkey its password no longer counts as a step-up: as if the customer
  // then confirmed with the new passkey, so the test can go on adding and removing.
  await steppedUp(cookie, 'passkey');
  const body = await res.json<{ passkey: { id: string } }>();
  return { authenticator, id: body.passkey.id };
}

/** The sign-in options and the attempt cookie they came with. */
export async function signInOptions(ip = passkeyIp()) {
  const res = await postJson('/api/accounts/passkeys/sign-in/options', {}, { ip });
  expect(res.status).toBe(200);
  const header = res.headers.getSetCookie().find((c) => c.startsWith(`${ATTEMPT_COOKIE}=`));
  expect(header).toBeDefined();
  return { options: await res.json<PublicKeyCredentialRequestOptionsJSON>(), attemptCookie: header!.split(';')[0]!, ip };
}

export async function postSignIn(attemptCookie: string | null, credential: unknown, ip = passkeyIp(), extra: Record<string, unknown> = {}) {
  return postJson('/api/accounts/passkeys/sign-in', { credential, ...extra }, { ip, ...(attemptCookie ? { cookie: attemptCookie } : {}) });
}

/** Signs in with the authenticator alone; returns the response and the session cookie it set. */
export async function signInWith(authenticator: SoftAuthenticator) {
  const { options, attemptCookie, ip } = await signInOptions();
  const res = await postSignIn(attemptCookie, await authenticator.assert(options), ip);
  return { res, session: sessionCookieFrom(res) };
}
