import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accountAccess, auditEvents, linkTokens, logins, throttles } from '../../db/schema';
import { verifyEmail } from '../../worker/accounts/register';
import { signLink } from '../../worker/accounts/links';
import { env } from 'cloudflare:workers';
import { db, depsAt, givenProvableAccount, linkTokenSentTo, login, mailsTo, postForm, postJson, registerAndVerify, uniqueEmail } from './support/accounts';

const register = (account: Awaited<ReturnType<typeof givenProvableAccount>>, overrides: Record<string, string> = {}, ip?: string) =>
  postJson(
    '/api/accounts/register',
    { accountNumber: account.accountNumber, serviceZip: account.zip, lastBillAmount: account.lastBill, email: uniqueEmail(), password: 'a quiet river at dawn', ...overrides },
    ip ? { ip } : {},
  );

describe('registration', () => {
  it('registers with account proof, sends a signed link, and makes the login the holder once confirmed', async () => {
    const account = await givenProvableAccount();
    const email = uniqueEmail();
    const res = await register(account, { email, lastBillAmount: `$${account.lastBill}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'registered' });
    const [login_] = await db().select().from(logins).where(eq(logins.email, email));
    expect(login_!.emailVerifiedAt).toBeNull();
    expect(login_!.passwordHash).toMatch(/^pbkdf2-sha256\$100000\$/);
    // Not the holder until the address is confirmed.
    expect(await db().select().from(accountAccess).where(eq(accountAccess.loginId, login_!.id))).toHaveLength(0);

    const token = await linkTokenSentTo(email, 'verify-email');
    const [stored] = await db().select().from(linkTokens).where(eq(linkTokens.loginId, login_!.id));
    expect(token).not.toContain(stored!.tokenHash);
    const verified = await postJson('/api/accounts/verify-email', { token });
    expect(verified.status).toBe(200);
    const [grant] = await db().select().from(accountAccess).where(eq(accountAccess.loginId, login_!.id));
    expect(grant).toMatchObject({ accountId: account.accountId, relationship: 'holder' });
    expect((await login(email, 'a quiet river at dawn')).status).toBe(200);

    const events = await db().select().from(auditEvents).where(eq(auditEvents.subjectLoginId, login_!.id));
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['registration', 'registration.email_verified', 'login.success']));
    expect(JSON.stringify(events)).not.toContain(email);
    expect(JSON.stringify(events)).not.toContain('quiet river');
  });

  it('refuses wrong second factors with one answer that does not say which part was wrong', async () => {
    const account = await givenProvableAccount();
    const answers = [];
    for (const wrong of [{ serviceZip: '95994' }, { lastBillAmount: '99.99' }, { accountNumber: '4999999999' }] as Record<string, string>[]) {
      const res = await register(account, wrong, `198.51.100.${Math.floor(Math.random() * 200)}`);
      const body = await res.json<{ error: { code: string; message: string } }>();
      answers.push([res.status, body.error.code, body.error.message]);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]![0]).toBe(422);
    expect(answers[0]![1]).toBe('account_not_proven');
  });

  it('locks registration for an account number after repeated failed proofs, and the lock ends', async () => {
    const account = await givenProvableAccount();
    for (let i = 0; i < 5; i++) expect((await register(account, { lastBillAmount: '1.00' }, `203.0.113.${i}`)).status).toBe(422);
    // Even the right details are refused while locked, from any client.
    const locked = await register(account, {}, '203.0.113.99');
    expect(locked.status).toBe(429);
    expect((await locked.json<{ error: { code: string } }>()).error.code).toBe('too_many_attempts');
    expect((await db().select().from(auditEvents).where(eq(auditEvents.event, 'registration.lockout'))).length).toBeGreaterThan(0);
    // Time passes: move every lock into the past.
    await db().update(throttles).set({ lockedUntil: new Date(Date.now() - 1000).toISOString() });
    expect((await register(account, {}, '203.0.113.99')).status).toBe(200);
  });

  it('locks a client that guesses many account numbers, without locking other clients', async () => {
    const ip = '203.0.113.200';
    for (let i = 0; i < 10; i++) {
      const res = await postJson('/api/accounts/register', { accountNumber: String(4_200_000_000 + i * 17), serviceZip: '95990', lastBillAmount: '12.00', email: uniqueEmail(), password: 'a quiet river at dawn' }, { ip });
      expect(res.status).toBe(422);
    }
    const account = await givenProvableAccount();
    expect((await register(account, {}, ip)).status).toBe(429);
    expect((await register(account, {}, '203.0.113.201')).status).toBe(200);
  });

  it('answers the same for an e-mail that already has a login, and tells that address instead', async () => {
    const first = await givenProvableAccount();
    const { email } = await registerAndVerify(first);
    const second = await givenProvableAccount();
    const res = await register(second, { email });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'registered' });
    expect(await mailsTo(email, 'registration-existing')).toHaveLength(1);
  });

  it('refuses an account that already has a confirmed login', async () => {
    const account = await givenProvableAccount();
    await registerAndVerify(account);
    const res = await register(account);
    expect(res.status).toBe(409);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('already_registered');
  });

  it('refuses a short or common password, naming the field', async () => {
    const account = await givenProvableAccount();
    const short = await register(account, { password: 'too short' });
    expect(short.status).toBe(422);
    expect((await short.json<{ error: { fields: { field: string }[] } }>()).error.fields[0]!.field).toBe('password');
    const common = await register(account, { password: '1qaz2wsx3edc' });
    expect(common.status).toBe(422);
    expect((await common.json<{ error: { code: string } }>()).error.code).toBe('password_too_common');
  });

  it('does not let an unconfirmed login sign in', async () => {
    const account = await givenProvableAccount();
    const email = uniqueEmail();
    await register(account, { email });
    const res = await login(email, 'a quiet river at dawn');
    expect(res.status).toBe(403);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('email_not_verified');
  });
});

describe('confirmation links', () => {
  async function pendingRegistration() {
    const account = await givenProvableAccount();
    const email = uniqueEmail();
    await register(account, { email });
    return { account, email, token: await linkTokenSentTo(email, 'verify-email') };
  }

  it('refuses a reused link', async () => {
    const { token } = await pendingRegistration();
    expect((await postJson('/api/accounts/verify-email', { token })).status).toBe(200);
    const again = await postJson('/api/accounts/verify-email', { token });
    expect(again.status).toBe(410);
    expect((await again.json<{ error: { code: string } }>()).error.code).toBe('link_used');
  });

  it('refuses a tampered link before it is used, and the genuine one still works', async () => {
    const { token } = await pendingRegistration();
    const [p, exp, random, mac] = token.split('.') as [string, string, string, string];
    const tampered = [
      `${p}.${exp}.${random}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`,
      `${p}.${(parseInt(exp, 36) + 86_400).toString(36)}.${random}.${mac}`,
      `r.${exp}.${random}.${mac}`,
      'nonsense',
    ];
    for (const t of tampered) {
      const res = await postJson('/api/accounts/verify-email', { token: t });
      expect(res.status).toBe(400);
      expect((await res.json<{ error: { code: string } }>()).error.code).toBe('link_invalid');
    }
    // A correctly signed link for a random id that was never issued.
    const forged = await signLink(env.LINK_SIGNING_SECRET, 'verify-email', new Date(Date.now() + 3_600_000), 'x'.repeat(32));
    expect((await postJson('/api/accounts/verify-email', { token: forged })).status).toBe(400);
    expect((await postJson('/api/accounts/verify-email', { token })).status).toBe(200);
  });

  it('refuses an expired link', async () => {
    const { token } = await pendingRegistration();
    const later = new Date(Date.now() + 25 * 3_600_000);
    await expect(verifyEmail(await depsAt(later), token)).rejects.toMatchObject({ status: 410, code: 'link_expired' });
  });

  it('refuses a link whose stored row has expired even if the signed expiry has not', async () => {
    const { token, email } = await pendingRegistration();
    const [login_] = await db().select().from(logins).where(eq(logins.email, email));
    await db().update(linkTokens).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(linkTokens.loginId, login_!.id));
    const res = await postJson('/api/accounts/verify-email', { token });
    expect(res.status).toBe(410);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('link_expired');
  });
});

describe('registration without JavaScript', () => {
  it('answers a plain form post with a 303 back to the page and a message code', async () => {
    const account = await givenProvableAccount();
    const ok = await postForm('/api/accounts/register', { accountNumber: account.accountNumber, serviceZip: account.zip, lastBillAmount: account.lastBill, email: uniqueEmail(), password: 'a quiet river at dawn' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/register/?status=registered');
    const bad = await postForm('/api/accounts/register', { accountNumber: account.accountNumber, serviceZip: '00000', lastBillAmount: account.lastBill, email: uniqueEmail(), password: 'a quiet river at dawn' }, { ip: '198.51.100.77' });
    expect(bad.status).toBe(303);
    expect(bad.headers.get('location')).toBe('/register/?error=account_not_proven');
    const invalid = await postForm('/api/accounts/register', { accountNumber: 'abc', serviceZip: '95990', lastBillAmount: '1', email: 'x', password: 'a quiet river at dawn' });
    expect(invalid.headers.get('location')).toBe('/register/?error=invalid_request&field=accountNumber');
  });

  it('refuses a cross-site form post (CSRF) and writes nothing', async () => {
    const account = await givenProvableAccount();
    const email = uniqueEmail();
    const fields = { accountNumber: account.accountNumber, serviceZip: account.zip, lastBillAmount: account.lastBill, email, password: 'a quiet river at dawn' };
    const evil = await postForm('/api/accounts/register', fields, { headers: { origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    const noOrigin = await postForm('/api/accounts/register', fields, { headers: { origin: '' } });
    expect(noOrigin.status).toBe(403);
    expect(await db().select().from(logins).where(eq(logins.email, email))).toHaveLength(0);
  });
});
