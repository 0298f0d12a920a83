/**
 * Signing in with a passkey alone, and a passkey as the proof a session owes (second sign-in step,
 * step-up), with a software authenticator. Each refusal breaks exactly one thing and checks that
 * no session was started.
 */
import { and, eq } from 'drizzle-orm';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { auditEvents, passkeyChallenges, passkeyCredentials, sessions, stepUps } from '../../db/schema';
import { checkPasskeyProof, passkeyProofOptions, PasskeyRefused } from '../../worker/auth/passkeys/second-factor';
import { relyingParty } from '../../worker/auth/passkeys/relying-party';
import { startSession } from '../../worker/auth/sessions';
import { sha256Hex } from '../../worker/auth/tokens';
import { db, depsAt, get, givenLogin, login, postJson, sessionCookieFrom } from './support/accounts';
import { SoftAuthenticator } from './support/passkey-authenticator';
import { ATTEMPT_COOKIE, errorCode, givenPasskey, passkeyIp, postSignIn, signInOptions, signInWith, steppedUp } from './support/passkeys';
import { signedIn } from './support/sign-in';

const rp = relyingParty(env.PORTAL_ORIGIN);

async function customerWithPasskey(options: { counts?: boolean } = {}) {
  const who = await givenLogin();
  const cookie = sessionCookieFrom(await login(who.email, who.password, { ip: passkeyIp() }))!;
  const { authenticator, id: passkeyId } = await givenPasskey(cookie, options);
  return { ...who, cookie, authenticator, passkeyId };
}

const failures = (loginId: string) =>
  db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectLoginId, loginId), eq(auditEvents.event, 'login.passkey_failure')));

describe('signing in with a passkey alone', () => {
  it('asks for user verification, names no credential (the passkey says who), and binds the challenge to an attempt cookie', async () => {
    const { options, attemptCookie } = await signInOptions();
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required', allowCredentials: [] });
    expect(attemptCookie).toMatch(new RegExp(`^${ATTEMPT_COOKIE}=[A-Za-z0-9_-]{43}$`));
  });

  it('starts a session that has passed its second factor, and ends the attempt', async () => {
    const who = await customerWithPasskey();
    const { res, session } = await signInWith(who.authenticator);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'signed-in', redirect: '/account/?status=signed-in' });
    expect(res.headers.getSetCookie().some((c) => c.startsWith(`${ATTEMPT_COOKIE}=;`))).toBe(true);
    const [row] = await db().select().from(sessions).where(eq(sessions.tokenHash, await sha256Hex(session!.split('=')[1]!)));
    expect(row).toMatchObject({ loginId: who.id, secondFactor: 'passed', persistent: false });
    expect((await get('/api/accounts/me', { cookie: session })).status).toBe(200);
    const successes = await db().select().from(auditEvents).where(and(eq(auditEvents.subjectLoginId, who.id), eq(auditEvents.event, 'login.success')));
    expect(successes.find((e) => e.detail?.method === 'passkey')?.detail).toMatchObject({ passkey: who.passkeyId, secondFactor: true });
    const [stored] = await db().select().from(passkeyCredentials).where(eq(passkeyCredentials.id, who.passkeyId));
    expect(stored?.lastUsedAt).not.toBeNull();
  });

  it('counts as a fresh step-up by passkey, and records the browser (a new one is mailed about)', async () => {
    const who = await customerWithPasskey();
    const { res, session } = await signInWith(who.authenticator);
    const hash = await sha256Hex(session!.split('=')[1]!);
    const [stepUp] = await db().select().from(stepUps).where(eq(stepUps.sessionHash, hash));
    expect(stepUp).toMatchObject({ loginId: who.id, method: 'passkey' });
    expect(res.headers.getSetCookie().some((c) => c.startsWith('__Host-device='))).toBe(true);
  });

  it('lets staff in with a passkey alone, as a second factor passed', async () => {
    const staff = await signedIn({ role: 'privacy_officer' });
    await steppedUp(staff.cookie, 'totp');
    const { authenticator } = await givenPasskey(staff.cookie);
    const { res, session } = await signInWith(authenticator);
    expect(res.status).toBe(200);
    expect((await get('/api/staff/requests', { cookie: session })).status).toBe(200);
  });

  it('keeps the customer signed in when asked', async () => {
    const who = await customerWithPasskey();
    const { options, attemptCookie, ip } = await signInOptions();
    const res = await postSignIn(attemptCookie, await who.authenticator.assert(options), ip, { remember: true });
    const header = res.headers.getSetCookie().find((c) => c.startsWith('__Host-session='))!;
    expect(Number(/Max-Age=(\d+)/.exec(header)![1])).toBeGreaterThan(29 * 86_400);
  });

  it('refuses a response made for another origin', async () => {
    const who = await customerWithPasskey();
    const { options, attemptCookie, ip } = await signInOptions();
    const res = await postSignIn(attemptCookie, await who.authenticator.assert(options, { origin: 'https://localhost.evil.example' }), ip);
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('passkey_invalid');
    expect(sessionCookieFrom(res)).toBeNull();
    expect((await failures(who.id)).map((e) => e.detail?.reason)).toEqual(['verification']);
  });

  it('refuses a response made for another RP id', async () => {
    const who = await customerWithPasskey();
    const { options, attemptCookie, ip } = await signInOptions();
    const res = await postSignIn(attemptCookie, await who.authenticator.assert(options, { rpId: 'evil.example' }), ip);
    expect(await errorCode(res)).toBe('passkey_invalid');
    expect(sessionCookieFrom(res)).toBeNull();
  });

  it('refuses a replayed response: the challenge was used', async () => {
    const who = await customerWithPasskey();
    const { options, attemptCookie, ip } = await signInOptions();
    const credential = await who.authenticator.assert(options);
    expect((await postSignIn(attemptCookie, credential, ip)).status).toBe(200);
    const again = await postSignIn(attemptCookie, credential, ip);
    expect(await errorCode(again)).toBe('passkey_expired');
    expect(sessionCookieFrom(again)).toBeNull();
  });

  it('refuses an expired challenge', async () => {
    const who = await customerWithPasskey();
    const { options, attemptCookie, ip } = await signInOptions();
    const hash = await sha256Hex(options.challenge);
    await db().update(passkeyChallenges).set({ expiresAt: new Date(Date.now() - 1).toISOString() }).where(eq(passkeyChallenges.challengeHash, hash));
    expect(await errorCode(await postSignIn(attemptCookie, await who.authenticator.assert(options), ip))).toBe('passkey_expired');
  });

  it('refuses a response sent from another browser (without the attempt cookie, or with another attempt’s)', async () => {
    const who = await customerWithPasskey();
    const { options } = await signInOptions();
    const credential = await who.authenticator.assert(options);
    expect(await errorCode(await postSignIn(null, credential))).toBe('passkey_expired');
    const other = await signInOptions();
    expect(await errorCode(await postSignIn(other.attemptCookie, credential, other.ip))).toBe('passkey_expired');
  });

  it('refuses a counter that went back, for authenticators that count, and audits it', async () => {
    const who = await customerWithPasskey({ counts: true });
    expect((await signInWith(who.authenticator)).res.status).toBe(200);
    expect((await signInWith(who.authenticator)).res.status).toBe(200);
    const { options, attemptCookie, ip } = await signInOptions();
    const res = await postSignIn(attemptCookie, await who.authenticator.assert(options, { counter: 2 }), ip);
    expect(await errorCode(res)).toBe('passkey_invalid');
    expect((await failures(who.id)).map((e) => e.detail?.reason)).toEqual(['counter']);
    // The counter moves on with real use.
    const [row] = await db().select().from(passkeyCredentials).where(eq(passkeyCredentials.loginId, who.id));
    expect(row!.signCount).toBe(3);
  });

  it('accepts authenticators that never count (0 each time)', async () => {
    const who = await customerWithPasskey({ counts: false });
    expect((await signInWith(who.authenticator)).res.status).toBe(200);
    expect((await signInWith(who.authenticator)).res.status).toBe(200);
  });

  it('refuses a removed passkey', async () => {
    const who = await customerWithPasskey();
    expect((await postJson('/api/accounts/passkeys/remove', { passkey: who.passkeyId }, { cookie: who.cookie })).status).toBe(200);
    const { res } = await signInWith(who.authenticator);
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('passkey_unknown');
  });

  it('refuses a passkey whose user handle names another login', async () => {
    const who = await customerWithPasskey();
    const other = await customerWithPasskey();
    const { options, attemptCookie, ip } = await signInOptions();
    const res = await postSignIn(attemptCookie, await who.authenticator.assert(options, { userHandle: other.authenticator.userHandle }), ip);
    expect(await errorCode(res)).toBe('passkey_unknown');
    expect(sessionCookieFrom(res)).toBeNull();
  });

  it('refuses a passkey without user verification when it stands alone', async () => {
    const who = await customerWithPasskey();
    const { options, attemptCookie, ip } = await signInOptions();
    expect(await errorCode(await postSignIn(attemptCookie, await who.authenticator.assert(options, { uv: false }), ip))).toBe('passkey_invalid');
  });

  it('refuses a disabled login’s passkey', async () => {
    const who = await customerWithPasskey();
    await env.DB.prepare("UPDATE logins SET status = 'disabled' WHERE id = ?1").bind(who.id).run();
    expect(await errorCode((await signInWith(who.authenticator)).res)).toBe('passkey_unknown');
  });

  it('locks a client out after 10 refused passkey sign-ins, audited', async () => {
    const who = await customerWithPasskey();
    const ip = passkeyIp();
    let last: Response | null = null;
    for (let i = 0; i < 11; i++) {
      const { options, attemptCookie } = await signInOptions(ip);
      last = await postSignIn(attemptCookie, await who.authenticator.assert(options, { origin: 'https://wrong.example' }), ip);
    }
    expect(last!.status).toBe(429);
    // Even a good passkey waits out the lock from that client.
    const { options, attemptCookie } = await signInOptions(ip);
    expect((await postSignIn(attemptCookie, await who.authenticator.assert(options), ip)).status).toBe(429);
    expect((await db().select().from(auditEvents).where(and(eq(auditEvents.subjectLoginId, who.id), eq(auditEvents.event, 'login.lockout')))).length).toBe(1);
  });

  it('limits how many challenges one client may ask for', async () => {
    const ip = passkeyIp();
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await postJson('/api/accounts/passkeys/sign-in/options', {}, { ip })).status);
    expect(statuses.slice(0, 59).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('keeps one challenge per attempt, however often the page asks', async () => {
    const first = await signInOptions();
    const cookie = first.attemptCookie;
    for (let i = 0; i < 3; i++) expect((await postJson('/api/accounts/passkeys/sign-in/options', {}, { cookie, ip: first.ip })).status).toBe(200);
    const { results } = await env.DB.prepare("SELECT count(*) AS n FROM passkey_challenges WHERE purpose = 'sign_in' AND challenge_hash = ?1").bind(await sha256Hex(first.options.challenge)).all<{ n: number }>();
    expect(results[0]!.n).toBe(0);
  });

  it('refuses malformed bodies with 422 naming the fields, writing no session', async () => {
    const { attemptCookie, ip } = await signInOptions();
    const res = await postSignIn(attemptCookie, { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: '{}', authenticatorData: 'AAAA' } }, ip);
    expect(res.status).toBe(422);
    const fields = (await res.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['credential.response.clientDataJSON', 'credential.response.signature']));
  });
});

describe('a passkey as the proof a session owes', () => {
  async function pendingSessionOf(loginId: string) {
    const { tokenHash } = await startSession(db(), loginId, { persistent: false, secondFactor: 'pending' });
    return { loginId, sessionHash: tokenHash };
  }

  it('offers only the login’s own passkeys, presence enough after a password', async () => {
    const who = await customerWithPasskey();
    const session = await pendingSessionOf(who.id);
    const options = await passkeyProofOptions(await depsAt(new Date()), rp, 'second_factor', session);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([who.authenticator.id]);
    expect(options.userVerification).toBe('preferred');
    const verified = await checkPasskeyProof(await depsAt(new Date()), rp, 'second_factor', session, await who.authenticator.assert(options, { uv: false }));
    expect(verified).toMatchObject({ loginId: who.id, passkeyId: who.passkeyId, userVerified: false });
  });

  it('refuses another login’s passkey', async () => {
    const who = await customerWithPasskey();
    const other = await customerWithPasskey();
    const session = await pendingSessionOf(who.id);
    const options = await passkeyProofOptions(await depsAt(new Date()), rp, 'second_factor', session);
    await expect(checkPasskeyProof(await depsAt(new Date()), rp, 'second_factor', session, await other.authenticator.assert(options))).rejects.toMatchObject({ reason: 'other_login' });
  });

  it('refuses a challenge issued for another purpose or another session', async () => {
    const who = await customerWithPasskey();
    const session = await pendingSessionOf(who.id);
    const deps = await depsAt(new Date());
    const stepUp = await passkeyProofOptions(deps, rp, 'step_up', session);
    await expect(checkPasskeyProof(deps, rp, 'second_factor', session, await who.authenticator.assert(stepUp))).rejects.toBeInstanceOf(PasskeyRefused);
    const options = await passkeyProofOptions(deps, rp, 'second_factor', session);
    const elsewhere = await pendingSessionOf(who.id);
    await expect(checkPasskeyProof(deps, rp, 'second_factor', elsewhere, await who.authenticator.assert(options))).rejects.toMatchObject({ reason: 'challenge' });
  });

  it('requires user verification for a step-up, and refuses a challenge past its five minutes', async () => {
    const who = await customerWithPasskey();
    const session = await pendingSessionOf(who.id);
    const issued = new Date();
    const options = await passkeyProofOptions(await depsAt(issued), rp, 'step_up', session);
    expect(options.userVerification).toBe('required');
    await expect(checkPasskeyProof(await depsAt(issued), rp, 'step_up', session, await who.authenticator.assert(options, { uv: false }))).rejects.toMatchObject({ reason: 'verification' });
    const late = await passkeyProofOptions(await depsAt(issued), rp, 'step_up', session);
    await expect(checkPasskeyProof(await depsAt(new Date(issued.getTime() + 5 * 60_000 + 1)), rp, 'step_up', session, await who.authenticator.assert(late))).rejects.toMatchObject({ reason: 'challenge' });
  });

  it('gives the proof options only to the session that owes the proof', async () => {
    const who = await customerWithPasskey();
    // A full session owes no second sign-in step; an anonymous caller owes nothing.
    expect(await errorCode(await postJson('/api/accounts/passkeys/proof/options', { purpose: 'second_factor' }, { cookie: who.cookie }))).toBe('second_factor_expired');
    expect((await postJson('/api/accounts/passkeys/proof/options', { purpose: 'step_up' })).status).toBe(401);
    expect((await postJson('/api/accounts/passkeys/proof/options', { purpose: 'step_up' }, { cookie: who.cookie })).status).toBe(200);
    const { token } = await startSession(db(), who.id, { persistent: false, secondFactor: 'pending' });
    const res = await postJson('/api/accounts/passkeys/proof/options', { purpose: 'second_factor' }, { cookie: `__Host-session=${token}` });
    expect(res.status).toBe(200);
    expect((await postJson('/api/accounts/passkeys/proof/options', { purpose: 'nope' }, { cookie: who.cookie })).status).toBe(422);
  });
});
