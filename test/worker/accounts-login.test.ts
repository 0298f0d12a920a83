import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { auditEvents, logins, sessions, throttles } from '../../db/schema';
import type { AppEnv } from '../../worker/app-types';
import { currentKdf, hashPassword } from '../../worker/accounts/password';
import { signIn } from '../../worker/accounts/login';
import { clientHash, throttle } from '../../worker/accounts/throttle';
import { requireLogin, requireRole } from '../../worker/auth/require-login';
import { sha256Hex } from '../../worker/auth/tokens';
import { newTotpSecret, totpCode } from '../../worker/auth/totp';
import { parseTotpKeyring, sealTotpSecret } from '../../worker/auth/totp-secrets';
import { handleError } from '../../worker/http/errors';
import { db, depsAt, get, givenLogin, linkTokenSentTo, login, mailsTo, postForm, postJson, sessionCookieFrom, uniqueEmail } from './support/accounts';
import { signedIn } from './support/sign-in';

const errorCode = async (res: Response) => (await res.json<{ error: { code: string } }>()).error.code;

describe('signing in', () => {
  it('sets a __Host- session cookie: Secure, HttpOnly, SameSite=Lax, gone with the browser by default', async () => {
    const who = await givenLogin();
    const res = await login(who.email, who.password);
    expect(res.status).toBe(200);
    const header = res.headers.getSetCookie().find((c) => c.startsWith('__Host-session='))!;
    expect(header).toMatch(/; Path=\//);
    expect(header).toMatch(/; Secure/);
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; SameSite=Lax/);
    expect(header).not.toMatch(/Max-Age|Expires|Domain/i);
    // The cookie holds a random token; only its hash is stored.
    const token = sessionCookieFrom(res)!.split('=')[1]!;
    const [row] = await db().select().from(sessions).where(eq(sessions.tokenHash, await sha256Hex(token)));
    expect(row).toMatchObject({ loginId: who.id, persistent: false });
    expect((await get('/api/accounts/me', { cookie: sessionCookieFrom(res) })).status).toBe(200);
  });

  it('makes the cookie persistent only with "keep me signed in"', async () => {
    const who = await givenLogin();
    const res = await login(who.email, who.password, { remember: true });
    const header = res.headers.getSetCookie().find((c) => c.startsWith('__Host-session='))!;
    const maxAge = Number(/Max-Age=(\d+)/.exec(header)![1]);
    expect(maxAge).toBeGreaterThan(29 * 86_400);
    expect(maxAge).toBeLessThanOrEqual(30 * 86_400);
  });

  it('rotates the session on sign-in: the cookie sent before stops working', async () => {
    const who = await givenLogin();
    const first = sessionCookieFrom(await login(who.email, who.password))!;
    const second = sessionCookieFrom(await login(who.email, who.password, { cookie: first }))!;
    expect(second).not.toBe(first);
    expect((await get('/api/accounts/me', { cookie: first })).status).toBe(401);
    expect((await get('/api/accounts/me', { cookie: second })).status).toBe(200);
  });

  it('answers "no such login" and "wrong password" identically', async () => {
    const who = await givenLogin();
    const wrong = await login(who.email, 'not the password at all', { ip: '198.51.100.1' });
    const missing = await login(uniqueEmail('nobody'), 'not the password at all', { ip: '198.51.100.2' });
    expect(wrong.status).toBe(401);
    expect(missing.status).toBe(401);
    const strip = (b: { error: Record<string, unknown> }) => ({ ...b.error, requestId: undefined });
    expect(strip(await wrong.json())).toEqual(strip(await missing.json()));
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it('re-hashes a password stored with weaker parameters at sign-in', async () => {
    const who = await givenLogin();
    await db().update(logins).set({ passwordHash: await hashPassword(who.password, { ...currentKdf, iterations: 20_000 }) }).where(eq(logins.id, who.id));
    expect((await login(who.email, who.password)).status).toBe(200);
    const [row] = await db().select().from(logins).where(eq(logins.id, who.id));
    expect(row!.passwordHash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect((await login(who.email, who.password)).status).toBe(200);
  });

  it('works as a plain form post: 303 to the dashboard, or back to the sign-in page with an error', async () => {
    const who = await givenLogin();
    const ok = await postForm('/api/accounts/login', { email: who.email, password: who.password });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/account/?status=signed-in');
    expect(sessionCookieFrom(ok)).toBeTruthy();
    const bad = await postForm('/api/accounts/login', { email: who.email, password: 'wrong wrong wrong' }, { ip: '198.51.100.9' });
    expect(bad.headers.get('location')).toBe('/login/?error=invalid_credentials');
  });

  it('records success and failure in the audit log by id, with no password or e-mail', async () => {
    const who = await givenLogin();
    await login(who.email, 'wrong wrong wrong', { ip: '198.51.100.3' });
    await login(who.email, who.password, { ip: '198.51.100.3' });
    const events = await db().select().from(auditEvents).where(eq(auditEvents.subjectLoginId, who.id));
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['login.failure', 'login.success']));
    const text = JSON.stringify(events);
    expect(text).not.toContain(who.email);
    expect(text).not.toContain(who.password);
    expect(text).not.toContain('wrong wrong');
    expect(text).not.toContain('198.51.100.3');
  });
});

describe('lockout', () => {
  it('locks one login guessed from one client after 5 failures, refuses even the right password, and ends', async () => {
    const who = await givenLogin();
    const ip = '198.51.100.20';
    for (let i = 0; i < 5; i++) expect((await login(who.email, `wrong guess number ${i}`, { ip })).status).toBe(401);
    const locked = await login(who.email, who.password, { ip });
    expect(locked.status).toBe(429);
    expect(await errorCode(locked)).toBe('too_many_attempts');
    // The owner on another device is not locked out by this client's guessing.
    expect((await login(who.email, who.password, { ip: '198.51.100.21' })).status).toBe(200);
    expect((await db().select().from(auditEvents).where(and(eq(auditEvents.subjectLoginId, who.id), eq(auditEvents.event, 'login.lockout')))).length).toBe(1);
    // The lock ends.
    await db().update(throttles).set({ lockedUntil: new Date(Date.now() - 1).toISOString() });
    expect((await login(who.email, who.password, { ip })).status).toBe(200);
  });

  it('counts guesses from anywhere in one IPv6 /64 as one client', async () => {
    const who = await givenLogin();
    // A subscriber holds the whole /64: a fresh address per guess must not buy a fresh allowance.
    for (let i = 0; i < 5; i++) expect((await login(who.email, `wrong guess number ${i}`, { ip: `2001:db8:77:1::${(i + 1).toString(16)}` })).status).toBe(401);
    expect((await login(who.email, who.password, { ip: '2001:db8:77:1:ffff::9' })).status).toBe(429);
    // Another network is not locked out by this one's guessing.
    expect((await login(who.email, who.password, { ip: '2001:db8:77:2::1' })).status).toBe(200);
  });

  it('locks an unknown address exactly like a known one', async () => {
    const ip = '198.51.100.30';
    const nobody = uniqueEmail('nobody');
    for (let i = 0; i < 5; i++) expect((await login(nobody, `wrong guess number ${i}`, { ip })).status).toBe(401);
    expect((await login(nobody, 'wrong guess again', { ip })).status).toBe(429);
  });

  it('doubles each further lock, up to a cap, so every lock ends', async () => {
    const who = await givenLogin();
    const lengths: number[] = [];
    let now = new Date('2026-11-24T10:00:00Z');
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 5; i++) await signIn(await depsAt(now, '198.51.100.40'), { email: who.email, password: 'wrong password here', remember: false }).catch(() => undefined);
      const { key } = await throttle(env.LINK_SIGNING_SECRET, 'loginPair', who.email, await clientHash(env.LINK_SIGNING_SECRET, '198.51.100.40'));
      const [pair] = await db().select().from(throttles).where(eq(throttles.key, key));
      const until = Date.parse(pair!.lockedUntil!);
      lengths.push((until - now.getTime()) / 60_000);
      now = new Date(until + 1000);
    }
    expect(lengths.slice(0, 4)).toEqual([1, 2, 4, 8]);
    expect(Math.max(...lengths)).toBe(60);
    // After the last lock, the right password works again.
    await expect(signIn(await depsAt(now, '198.51.100.40'), { email: who.email, password: who.password, remember: false })).resolves.toMatchObject({ secondFactor: 'none' });
  }, 60_000); // 41 password hashes at the full KDF cost: slow on a busy machine.

  it('locks a client that tries many logins (credential stuffing)', async () => {
    const ip = '198.51.100.50';
    for (let i = 0; i < 30; i++) await login(uniqueEmail('stuffed'), 'some leaked password', { ip });
    const who = await givenLogin();
    expect((await login(who.email, who.password, { ip })).status).toBe(429);
    expect((await login(who.email, who.password, { ip: '198.51.100.51' })).status).toBe(200);
  }, 60_000); // 32 password hashes at the full KDF cost: slow on a busy machine.
});

describe('sessions', () => {
  it('ends a session after 30 idle minutes and at its absolute end', async () => {
    const who = await givenLogin();
    const idle = sessionCookieFrom(await login(who.email, who.password))!;
    const old = new Date(Date.now() - 31 * 60_000).toISOString();
    await db().update(sessions).set({ lastSeenAt: old }).where(eq(sessions.tokenHash, await sha256Hex(idle.split('=')[1]!)));
    expect((await get('/api/accounts/me', { cookie: idle })).status).toBe(401);
    const expired = sessionCookieFrom(await login(who.email, who.password))!;
    await db().update(sessions).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(sessions.tokenHash, await sha256Hex(expired.split('=')[1]!)));
    expect((await get('/api/accounts/me', { cookie: expired })).status).toBe(401);
  });

  it('lists active sessions and ends one, the others, or all', async () => {
    const who = await givenLogin();
    const a = sessionCookieFrom(await login(who.email, who.password, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' } }))!;
    const b = sessionCookieFrom(await login(who.email, who.password))!;
    const c = sessionCookieFrom(await login(who.email, who.password))!;
    const list = await (await get('/api/accounts/sessions', { cookie: a })).json<{ sessions: { id: string; current: boolean; client: string | null }[]; signIns: unknown[] }>();
    expect(list.sessions).toHaveLength(3);
    expect(list.sessions.filter((s) => s.current)).toHaveLength(1);
    expect(list.sessions.find((s) => s.current)!.client).toBe('Firefox on Linux');
    expect(list.signIns.length).toBeGreaterThanOrEqual(3);
    const other = list.sessions.find((s) => !s.current)!;
    expect((await postJson('/api/accounts/sessions/end', { scope: 'one', session: other.id }, { cookie: a })).status).toBe(200);
    const after = await (await get('/api/accounts/sessions', { cookie: a })).json<{ sessions: unknown[] }>();
    expect(after.sessions).toHaveLength(2);
    expect((await postJson('/api/accounts/sessions/end', { scope: 'others' }, { cookie: a })).status).toBe(200);
    expect((await get('/api/accounts/me', { cookie: b })).status).toBe(401);
    expect((await get('/api/accounts/me', { cookie: c })).status).toBe(401);
    expect((await get('/api/accounts/me', { cookie: a })).status).toBe(200);
    const events = await db().select().from(auditEvents).where(and(eq(auditEvents.subjectLoginId, who.id), eq(auditEvents.event, 'session.revoked')));
    expect(events.length).toBe(2);
  });

  it("refuses to end another login's session", async () => {
    const mine = await signedIn();
    const theirs = await givenLogin();
    const theirCookie = sessionCookieFrom(await login(theirs.email, theirs.password))!;
    const [theirSession] = await db().select().from(sessions).where(eq(sessions.loginId, theirs.id));
    const res = await postJson('/api/accounts/sessions/end', { scope: 'one', session: theirSession!.publicId }, { cookie: mine.cookie });
    expect(res.status).toBe(404);
    expect((await get('/api/accounts/me', { cookie: theirCookie })).status).toBe(200);
  });

  it('signs out here, and everywhere', async () => {
    const who = await givenLogin();
    const a = sessionCookieFrom(await login(who.email, who.password))!;
    const b = sessionCookieFrom(await login(who.email, who.password))!;
    const out = await postJson('/api/accounts/logout', {}, { cookie: a });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().some((c) => c.startsWith('__Host-session=;') && /Max-Age=0/.test(c))).toBe(true);
    expect((await get('/api/accounts/me', { cookie: a })).status).toBe(401);
    expect((await get('/api/accounts/me', { cookie: b })).status).toBe(200);
    const c = sessionCookieFrom(await login(who.email, who.password))!;
    expect((await postForm('/api/accounts/logout-everywhere', {}, { cookie: c })).headers.get('location')).toBe('/login/?status=signed-out-everywhere');
    expect((await get('/api/accounts/me', { cookie: b })).status).toBe(401);
    expect((await get('/api/accounts/me', { cookie: c })).status).toBe(401);
  });
});

describe('password change and reset', () => {
  it('changes the password after checking the current one; other sessions end, this one gets a new token', async () => {
    const who = await givenLogin();
    const here = sessionCookieFrom(await login(who.email, who.password))!;
    const elsewhere = sessionCookieFrom(await login(who.email, who.password))!;
    const wrong = await postJson('/api/accounts/password', { currentPassword: 'not my password', newPassword: 'a brand new long phrase' }, { cookie: here });
    expect(wrong.status).toBe(422);
    expect(await errorCode(wrong)).toBe('wrong_password');
    const weak = await postJson('/api/accounts/password', { currentPassword: who.password, newPassword: '123456654321' }, { cookie: here });
    expect(await errorCode(weak)).toBe('password_too_common');
    const ok = await postJson('/api/accounts/password', { currentPassword: who.password, newPassword: 'a brand new long phrase' }, { cookie: here });
    expect(ok.status).toBe(200);
    const rotated = sessionCookieFrom(ok)!;
    expect(rotated).not.toBe(here);
    expect((await get('/api/accounts/me', { cookie: rotated })).status).toBe(200);
    expect((await get('/api/accounts/me', { cookie: here })).status).toBe(401);
    expect((await get('/api/accounts/me', { cookie: elsewhere })).status).toBe(401);
    expect((await login(who.email, who.password)).status).toBe(401);
    expect((await login(who.email, 'a brand new long phrase')).status).toBe(200);
    expect(await mailsTo(who.email, 'password-changed')).toHaveLength(1);
  });

  it('resets a forgotten password by e-mail link: sessions end, lockout clears, the link works once', async () => {
    const who = await givenLogin();
    const session = sessionCookieFrom(await login(who.email, who.password))!;
    const ip = '198.51.100.60';
    for (let i = 0; i < 5; i++) await login(who.email, `wrong guess ${i}`, { ip });
    expect((await login(who.email, who.password, { ip })).status).toBe(429);

    const asked = await postJson('/api/accounts/password/forgot', { email: who.email });
    const unknown = await postJson('/api/accounts/password/forgot', { email: uniqueEmail('nobody') });
    expect(await asked.json()).toEqual(await unknown.json());
    const token = await linkTokenSentTo(who.email, 'password-reset');

    const weak = await postJson('/api/accounts/password/reset', { token, password: 'qwerty123456' });
    expect(await errorCode(weak)).toBe('password_too_common');
    const reset = await postJson('/api/accounts/password/reset', { token, password: 'a fresh and long phrase' });
    expect(reset.status).toBe(200);
    expect((await get('/api/accounts/me', { cookie: session })).status).toBe(401);
    expect((await login(who.email, 'a fresh and long phrase', { ip })).status).toBe(200);
    const reused = await postJson('/api/accounts/password/reset', { token, password: 'another long phrase here' });
    expect(reused.status).toBe(410);
    expect(await errorCode(reused)).toBe('link_used');
    const audit = await db().select().from(auditEvents).where(and(eq(auditEvents.subjectLoginId, who.id), eq(auditEvents.event, 'password.reset')));
    expect(audit).toHaveLength(1);
  });

  it('refuses a reset link used for another purpose, or tampered', async () => {
    const who = await givenLogin();
    await postJson('/api/accounts/password/forgot', { email: who.email });
    const token = await linkTokenSentTo(who.email, 'password-reset');
    expect(await errorCode(await postJson('/api/accounts/verify-email', { token }))).toBe('link_invalid');
    expect(await errorCode(await postJson('/api/accounts/password/reset', { token: token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), password: 'a fresh and long phrase' }))).toBe('link_invalid');
  });

  it('refuses a link whose signature is re-spelled with other unused base64 bits', async () => {
    const who = await givenLogin();
    await postJson('/api/accounts/password/forgot', { email: who.email });
    const token = await linkTokenSentTo(who.email, 'password-reset');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1)!);
    // These spellings decode to the very same MAC bytes; only the canonical one may work.
    const respelled = [0, 1, 2, 3].map((k) => alphabet[(last & ~3) + k]!).filter((c) => c !== token.at(-1));
    for (const c of respelled) {
      expect(await errorCode(await postJson('/api/accounts/password/reset', { token: token.slice(0, -1) + c, password: 'a fresh and long phrase' }))).toBe('link_invalid');
    }
  });
});

describe('e-mail change', () => {
  it('confirms the new address by link and tells the old one', async () => {
    const who = await givenLogin();
    const cookie = sessionCookieFrom(await login(who.email, who.password))!;
    const next = uniqueEmail('moved');
    const wrong = await postJson('/api/accounts/email', { newEmail: next, currentPassword: 'not my password' }, { cookie });
    expect(await errorCode(wrong)).toBe('wrong_password');
    const res = await postJson('/api/accounts/email', { newEmail: next, currentPassword: who.password }, { cookie });
    expect(res.status).toBe(200);
    expect(await mailsTo(who.email, 'email-change-notice')).toHaveLength(1);
    const token = await linkTokenSentTo(next, 'email-change');
    // Nothing changes until the link is opened.
    expect((await login(who.email, who.password)).status).toBe(200);
    expect((await postJson('/api/accounts/email/confirm', { token })).status).toBe(200);
    expect((await login(who.email, who.password, { ip: '198.51.100.70' })).status).toBe(401);
    expect((await login(next, who.password)).status).toBe(200);
    expect(await mailsTo(who.email, 'email-changed')).toHaveLength(1);
    expect((await postJson('/api/accounts/email/confirm', { token })).status).toBe(410);
    const events = await db().select().from(auditEvents).where(eq(auditEvents.subjectLoginId, who.id));
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['email.change_requested', 'email.changed']));
    expect(JSON.stringify(events)).not.toContain(next);
  });
});

describe('TOTP secrets are stored encrypted', () => {
  const storedSecret = async (id: string) => (await db().select({ totpSecret: logins.totpSecret }).from(logins).where(eq(logins.id, id)))[0]!.totpSecret!;
  async function secondStep(who: { email: string; password: string }, secret: string, ip: string) {
    const pending = sessionCookieFrom(await login(who.email, who.password, { ip }))!;
    return { pending, res: await postJson('/api/accounts/login/second-factor', { code: await totpCode(secret, new Date()) }, { cookie: pending, ip }) };
  }

  it('signs staff in with an encrypted secret; the column never holds the base32 secret', async () => {
    const secret = newTotpSecret();
    const who = await givenLogin({ role: 'support', totpSecret: secret });
    expect(await storedSecret(who.id)).toMatch(/^totp1\./);
    expect(await storedSecret(who.id)).not.toContain(secret);
    const { res } = await secondStep(who, secret, '198.51.100.150');
    expect(res.status).toBe(200);
    expect(await storedSecret(who.id)).not.toContain(secret);
  });

  it('encrypts a secret still stored in clear the next time it is used', async () => {
    const secret = newTotpSecret();
    const who = await givenLogin({ role: 'privacy_officer', totpSecret: secret });
    await db().update(logins).set({ totpSecret: secret }).where(eq(logins.id, who.id));
    const { res } = await secondStep(who, secret, '198.51.100.151');
    expect(res.status).toBe(200);
    const stored = await storedSecret(who.id);
    expect(stored).toMatch(/^totp1\./);
    expect(stored).not.toContain(secret);
  });

  it('fails closed when the secret was sealed under a key the worker does not hold: no sign-in, an audit event', async () => {
    const secret = newTotpSecret();
    const who = await givenLogin({ role: 'admin', totpSecret: secret });
    const newestKid = env.TOTP_ENCRYPTION_KEYS.split(',')[0]!.split(':')[0]!;
    const wrongRing = await parseTotpKeyring(`${newestKid}:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`);
    await db().update(logins).set({ totpSecret: await sealTotpSecret(wrongRing, who.id, secret) }).where(eq(logins.id, who.id));
    const { pending, res } = await secondStep(who, secret, '198.51.100.152');
    expect(res.status).toBe(503);
    expect(await errorCode(res)).toBe('second_factor_unavailable');
    expect(sessionCookieFrom(res)).toBeNull();
    expect((await get('/api/accounts/me', { cookie: pending })).status).toBe(401);
    const events = await db().select().from(auditEvents).where(and(eq(auditEvents.subjectLoginId, who.id), eq(auditEvents.event, 'login.second_factor_unreadable')));
    expect(events).toHaveLength(1);
  });
});

describe('staff sessions are short and never remembered', () => {
  const hashOf = async (cookie: string) => sha256Hex(cookie.split('=')[1]!);
  async function staffSignIn(role: 'support' | 'privacy_officer' | 'admin', remember: boolean, ip = '198.51.100.140') {
    const secret = newTotpSecret();
    const who = await givenLogin({ role, totpSecret: secret });
    const pending = sessionCookieFrom(await login(who.email, who.password, { remember, ip }))!;
    const passed = await postJson('/api/accounts/login/second-factor', { code: await totpCode(secret, new Date()) }, { cookie: pending, ip });
    expect(passed.status).toBe(200);
    return { who, res: passed, cookie: sessionCookieFrom(passed)! };
  }

  for (const role of ['support', 'privacy_officer', 'admin'] as const) {
    it(`ignores "keep me signed in" for ${role}: a browser-session cookie, no persistent session, ending within 8 hours`, async () => {
      const { cookie, res } = await staffSignIn(role, true);
      const header = res.headers.getSetCookie().find((c) => c.startsWith('__Host-session='))!;
      expect(header).not.toMatch(/Max-Age|Expires/i);
      const [row] = await db().select().from(sessions).where(eq(sessions.tokenHash, await hashOf(cookie)));
      expect(row!.persistent).toBe(false);
      expect(Date.parse(row!.expiresAt) - Date.parse(row!.createdAt)).toBeLessThanOrEqual(8 * 3_600_000);
      const listed = await (await get('/api/accounts/sessions', { cookie })).json<{ sessions: { current: boolean; persistent: boolean }[] }>();
      expect(listed.sessions.find((s) => s.current)).toMatchObject({ persistent: false });
    });
  }

  it('ends a staff session after 15 idle minutes, where a customer\'s lasts 30', async () => {
    const { cookie } = await staffSignIn('support', false);
    const customer = await givenLogin();
    const customerCookie = sessionCookieFrom(await login(customer.email, customer.password))!;
    const sixteenAgo = new Date(Date.now() - 16 * 60_000).toISOString();
    for (const c of [cookie, customerCookie]) await db().update(sessions).set({ lastSeenAt: sixteenAgo }).where(eq(sessions.tokenHash, await hashOf(c)));
    expect((await get('/api/accounts/me', { cookie })).status).toBe(401);
    expect((await get('/api/accounts/me', { cookie: customerCookie })).status).toBe(200);
  });

  it('ends a staff session 8 hours after sign-in however active it is, even one stored as remembered', async () => {
    const { cookie } = await staffSignIn('admin', false);
    const nineHoursAgo = new Date(Date.now() - 9 * 3_600_000).toISOString();
    // As a session remembered before this rule: persistent, 30 days to run, just used.
    await db()
      .update(sessions)
      .set({ createdAt: nineHoursAgo, persistent: true, lastSeenAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 20 * 86_400_000).toISOString() })
      .where(eq(sessions.tokenHash, await hashOf(cookie)));
    expect((await get('/api/accounts/me', { cookie })).status).toBe(401);
  });

  it('keeps a customer\'s remembered session for 30 days', async () => {
    const who = await givenLogin();
    const res = await login(who.email, who.password, { remember: true });
    const [row] = await db().select().from(sessions).where(eq(sessions.tokenHash, await hashOf(sessionCookieFrom(res)!)));
    expect(row!.persistent).toBe(true);
    expect(Date.parse(row!.expiresAt) - Date.parse(row!.createdAt)).toBe(30 * 86_400_000);
  });
});

describe('e-mail change mail is throttled', () => {
  const change = (cookie: string, ip: string, newEmail: string, password: string) => postJson('/api/accounts/email', { newEmail, currentPassword: password }, { cookie, ip });
  const signedInAt = async (ip: string) => {
    const who = await givenLogin();
    return { ...who, cookie: sessionCookieFrom(await login(who.email, who.password, { ip }))! };
  };

  it('lets one login ask for 5 changes an hour, then refuses with 429 and mails nothing', async () => {
    const ip = '198.51.100.110';
    const who = await signedInAt(ip);
    for (let i = 0; i < 5; i++) expect((await change(who.cookie, ip, uniqueEmail('target'), who.password)).status).toBe(200);
    const target = uniqueEmail('target');
    const refused = await change(who.cookie, ip, target, who.password);
    expect(refused.status).toBe(429);
    expect(await errorCode(refused)).toBe('too_many_requests');
    expect(await mailsTo(target)).toHaveLength(0);
    expect(await mailsTo(who.email, 'email-change-notice')).toHaveLength(5);
  });

  it('mails one new address at most 5 times an hour, whoever asks from wherever', async () => {
    const victim = uniqueEmail('victim');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const ip = `198.51.100.${120 + i}`;
      const who = await signedInAt(ip);
      statuses.push((await change(who.cookie, ip, victim, who.password)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(await mailsTo(victim, 'email-change')).toHaveLength(5);
  });

  it('counts on the client mail throttle shared with password reset', async () => {
    const ip = '198.51.100.130';
    for (let i = 0; i < 20; i++) await postJson('/api/accounts/password/forgot', { email: uniqueEmail('forgot') }, { ip });
    const who = await signedInAt(ip);
    const target = uniqueEmail('target');
    expect((await change(who.cookie, ip, target, who.password)).status).toBe(429);
    expect(await mailsTo(target)).toHaveLength(0);
  });
});

describe('second factor for staff', () => {
  const staffApp = new Hono<AppEnv>().use(requireLogin).get('/staff', requireRole('support', 'admin'), (c) => c.text('ok'));
  staffApp.onError(handleError);
  const callStaff = (cookie: string) => staffApp.fetch(new Request('https://portal.test/staff', { headers: { cookie } }), env);

  it('asks staff for a TOTP code after the password; the pending session grants nothing', async () => {
    const secret = newTotpSecret();
    const who = await givenLogin({ role: 'support', totpSecret: secret });
    const first = await login(who.email, who.password);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'second-factor-needed', redirect: '/login/second-factor/?status=second-factor-needed' });
    const pending = sessionCookieFrom(first)!;
    expect((await get('/api/accounts/me', { cookie: pending })).status).toBe(401);
    expect((await callStaff(pending)).status).toBe(401);

    const wrong = await postJson('/api/accounts/login/second-factor', { code: (await totpCode(secret, new Date(Date.now() - 5 * 60_000))) }, { cookie: pending });
    expect(wrong.status).toBe(401);
    expect(await errorCode(wrong)).toBe('invalid_code');

    const code = await totpCode(secret, new Date());
    const passed = await postJson('/api/accounts/login/second-factor', { code }, { cookie: pending });
    expect(passed.status).toBe(200);
    const full = sessionCookieFrom(passed)!;
    expect(full).not.toBe(pending);
    expect((await callStaff(full)).status).toBe(200);
    expect((await get('/api/accounts/me', { cookie: pending })).status).toBe(401);

    // The same code cannot be used again, even on a fresh sign-in.
    const again = sessionCookieFrom(await login(who.email, who.password))!;
    const replay = await postJson('/api/accounts/login/second-factor', { code }, { cookie: again });
    expect(await errorCode(replay)).toBe('invalid_code');
  });

  it('locks the second step after 5 wrong codes', async () => {
    const who = await givenLogin({ role: 'admin', totpSecret: newTotpSecret() });
    const pending = sessionCookieFrom(await login(who.email, who.password))!;
    for (let i = 0; i < 5; i++) expect((await postJson('/api/accounts/login/second-factor', { code: '000000' }, { cookie: pending })).status).toBe(401);
    expect((await postJson('/api/accounts/login/second-factor', { code: '000000' }, { cookie: pending })).status).toBe(429);
  });

  it('refuses a staff login with no authenticator enrolled', async () => {
    const who = await givenLogin({ role: 'privacy_officer' });
    const res = await login(who.email, who.password);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('second_factor_not_enrolled');
  });

  it('lets requireRole pass a staff session only when its second factor passed', async () => {
    const staff = await signedIn({ role: 'support' });
    expect((await callStaff(staff.cookie)).status).toBe(200);
    const customer = await signedIn();
    expect((await callStaff(customer.cookie)).status).toBe(403);
    await db().update(sessions).set({ secondFactor: 'none' }).where(eq(sessions.loginId, staff.loginId));
    const res = await callStaff(staff.cookie);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('second_factor_required');
  });

  it('asks a customer who enrolled TOTP for it too', async () => {
    const who = await givenLogin({ totpSecret: newTotpSecret() });
    expect(await (await login(who.email, who.password)).json()).toMatchObject({ status: 'second-factor-needed' });
  });
});
