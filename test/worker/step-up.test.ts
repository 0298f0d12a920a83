/**
 * Step-up: a recent second factor (or the password, for a login without one) before a deletion
 * request, an e-mail change, a new alert recipient, autopay and second-factor changes; good for 10 minutes
 * and for the session that gave it; plain forms are sent to confirm and brought back to a page of
 * this site only.
 */
import { eq } from 'drizzle-orm';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { alertRecipients, logins, stepUps } from '../../db/schema';
import { ensureSteppedUp, safeReturnPath, STEP_UP_MS, StepUpRequired, stepUpStatement } from '../../worker/auth/step-up';
import { newTotpSecret, totpCode } from '../../worker/auth/totp';
import { db, depsAt, get, givenLogin, postForm, postJson } from './support/accounts';
import { givenAccount } from './support/sign-in';
import { fileRequest as fileJson, formToken, postForm as postRequestForm, postJson as postRequestJson, requestBody } from './support/requests';
import { ageStepUp, errorOf, pageHtml, sessionHashOf, signInFully } from './support/second-factor';

async function withApp(options: { holderOf?: string[] } = {}) {
  const totpSecret = newTotpSecret();
  const who = await givenLogin({ totpSecret, ...options });
  const { cookie } = await signInFully({ ...who, totpSecret });
  return { ...who, totpSecret, cookie };
}

/** A fresh authenticator code (the next step: the sign-in used the current one). */
const nextCode = (secret: string, steps = 1) => totpCode(secret, new Date(Date.now() + steps * 30_000));

describe('how long a proof counts', () => {
  it('lets an action through until 10 minutes after the proof, and not from then on', async () => {
    const login = await givenLogin();
    const signedIn = { id: login.id, role: 'customer' as const, sessionHash: `hash-${login.id}`, secondFactor: false, persistent: false, sessionId: 'x' };
    const at = new Date('2026-11-27T10:00:00.000Z');
    await stepUpStatement(db(), { sessionHash: signedIn.sessionHash, loginId: login.id }, 'password', at);
    await expect(ensureSteppedUp(await depsAt(new Date(at.getTime() + STEP_UP_MS - 1)), signedIn, { returnTo: null })).resolves.toBeUndefined();
    await expect(ensureSteppedUp(await depsAt(new Date(at.getTime() + STEP_UP_MS)), signedIn, { returnTo: null })).rejects.toBeInstanceOf(StepUpRequired);
    // A proof dated far ahead (clock skew) is not trusted.
    await stepUpStatement(db(), { sessionHash: signedIn.sessionHash, loginId: login.id }, 'password', new Date(at.getTime() + 5 * 60_000));
    await expect(ensureSteppedUp(await depsAt(at), signedIn, { returnTo: null })).rejects.toBeInstanceOf(StepUpRequired);
  });

  it('counts only for the session that gave it', async () => {
    const who = await givenLogin();
    const one = await signInFully(who);
    const other = await signInFully(who);
    await ageStepUp(one.cookie, STEP_UP_MS + 1);
    await ageStepUp(other.cookie, STEP_UP_MS + 1);
    expect((await postJson('/api/accounts/step-up', { password: who.password }, { cookie: one.cookie })).status).toBe(200);
    expect((await postJson('/api/accounts/email', { newEmail: `one-${who.id}@customers.example` }, { cookie: one.cookie })).status).toBe(200);
    expect((await postJson('/api/accounts/email', { newEmail: `other-${who.id}@customers.example` }, { cookie: other.cookie })).status).toBe(403);
  });

  it('stops counting a password proof once the login has a second factor', async () => {
    const who = await givenLogin();
    const { cookie } = await signInFully(who);
    const [row] = await db().select().from(stepUps).where(eq(stepUps.sessionHash, await sessionHashOf(cookie)));
    expect(row!.method).toBe('password');
    await db().update(logins).set({ totpSecret: newTotpSecret() }).where(eq(logins.id, who.id));
    const res = await postJson('/api/accounts/email', { newEmail: `moved-${who.id}@customers.example` }, { cookie });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('step_up_required');
  });
});

describe('confirming it is you', () => {
  it('offers the ways the login has, and the password only to a login without a second factor', async () => {
    const app = await withApp();
    const page = await pageHtml('/account/confirm/?return=%2Faccount%2Fsecurity%2Ftotp%2F', app.cookie);
    expect(page).toContain('data-factor="totp"');
    expect(page).not.toContain('data-factor="password"');
    expect(page).not.toContain('data-factor="recovery"');
    expect(page).toContain('name="return" value="/account/security/totp/"');

    const plain = await givenLogin();
    const { cookie } = await signInFully(plain);
    const other = await pageHtml('/account/confirm/', cookie);
    expect(other).toContain('data-factor="password"');
    expect(other).not.toContain('data-factor="totp"');
  });

  it('goes back only to a page of this site', async () => {
    for (const bad of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/account/../staff/', '/staff/', 'javascript:alert(1)', '/account/confirm/?return=/x', `/account/${'a'.repeat(400)}`, '/account/#x']) {
      expect(safeReturnPath(bad), bad).toBe('/account/security/');
    }
    expect(safeReturnPath('/account/preferences/?account=acct-1')).toBe('/account/preferences/?account=acct-1');
    expect(safeReturnPath('/privacy/request/')).toBe('/privacy/request/');

    const who = await givenLogin();
    const { cookie } = await signInFully(who);
    expect(await pageHtml('/account/confirm/?return=%2F%2Fevil.example%2F', cookie)).toContain('name="return" value="/account/security/"');
    const res = await postForm('/api/accounts/step-up', { password: who.password, return: 'https://evil.example/' }, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/account/security/?status=stepped-up');
  });

  it('counts wrong codes toward the second-step lock, audited, and refuses with the field named', async () => {
    const who = await withApp();
    for (let i = 0; i < 5; i++) {
      const res = await postJson('/api/accounts/step-up', { code: '000000' }, { cookie: who.cookie });
      expect(res.status).toBe(422);
      expect(await errorOf(res)).toMatchObject({ code: 'invalid_code', fields: [{ field: 'code' }] });
    }
    expect((await postJson('/api/accounts/step-up', { code: await nextCode(who.totpSecret) }, { cookie: who.cookie })).status).toBe(429);
  });

  it('refuses bad input naming the field: nothing, two proofs at once, a malformed code', async () => {
    const who = await withApp();
    for (const body of [{}, { code: '123456', password: 'x' }, { code: '12345' }, { recoveryCode: '' }, { return: 5, code: '123456' }]) {
      const res = await postJson('/api/accounts/step-up', body, { cookie: who.cookie });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect((await errorOf(res)).fields?.length).toBeGreaterThan(0);
    }
    expect((await postJson('/api/accounts/step-up', { code: '123456' })).status).toBe(401);
    expect((await get('/account/confirm/')).status).toBe(303);
  });
});

describe('changing the login e-mail', () => {
  it('takes the password in the form as the proof for a login without a second factor, and refuses a wrong one', async () => {
    const who = await givenLogin();
    const { cookie } = await signInFully(who);
    await ageStepUp(cookie, STEP_UP_MS + 1);
    const none = await postJson('/api/accounts/email', { newEmail: `a-${who.id}@customers.example` }, { cookie });
    expect((await errorOf(none)).code).toBe('step_up_required');
    const wrong = await postJson('/api/accounts/email', { newEmail: `a-${who.id}@customers.example`, currentPassword: 'not it at all' }, { cookie });
    expect(wrong.status).toBe(422);
    expect((await errorOf(wrong)).code).toBe('wrong_password');
    const right = await postJson('/api/accounts/email', { newEmail: `a-${who.id}@customers.example`, currentPassword: who.password }, { cookie });
    expect(right.status).toBe(200);
  });

  it('sends a login with a second factor to confirm with it, then back to the security page', async () => {
    const who = await withApp();
    await ageStepUp(who.cookie, STEP_UP_MS + 1);
    const form = await postForm('/api/accounts/email', { newEmail: `b-${who.id}@customers.example` }, { cookie: who.cookie });
    expect(form.status).toBe(303);
    expect(form.headers.get('Location')).toBe('/account/confirm/?return=%2Faccount%2Fsecurity%2F');
    // The password alone is not enough for this login, even typed into the form.
    const withPassword = await postJson('/api/accounts/email', { newEmail: `b-${who.id}@customers.example`, currentPassword: who.password }, { cookie: who.cookie });
    expect((await errorOf(withPassword)).code).toBe('step_up_required');

    const confirmed = await postForm('/api/accounts/step-up', { code: await nextCode(who.totpSecret), return: '/account/security/' }, { cookie: who.cookie });
    expect(confirmed.headers.get('Location')).toBe('/account/security/?status=stepped-up');
    expect((await postJson('/api/accounts/email', { newEmail: `b-${who.id}@customers.example` }, { cookie: who.cookie })).status).toBe(200);
    // The security page no longer asks this login for its password there.
    expect(await pageHtml('/account/security/', who.cookie)).not.toContain('field-email-change-currentPassword');
  });
});

describe('filing a deletion request while signed in', () => {
  async function holderWithApp() {
    const number = String(6_000_000_000 + Math.floor(Math.random() * 999_999_999));
    const accountId = await givenAccount({ accountNumber: number, holderName: 'Dana Holder' });
    const who = await withApp({ holderOf: [accountId] });
    const deletion = requestBody({ type: 'delete', accountNumber: number, fullName: 'Dana Holder', declarationName: 'Dana Holder' });
    return { ...who, deletion };
  }

  it('needs a recent second factor from a login that has one; the password is not enough', async () => {
    const who = await holderWithApp();
    await ageStepUp(who.cookie, STEP_UP_MS + 1);
    const stale = await postRequestJson('/api/requests', { formToken: await formToken(), ...who.deletion, password: who.password }, who.cookie);
    expect(stale.status).toBe(403);
    expect((await errorOf(stale)).code).toBe('step_up_required');
    const form = await postRequestForm('/api/requests', { formToken: await formToken(), ...(who.deletion as Record<string, string>), declarationTrue: 'on' }, who.cookie);
    expect(form.status).toBe(303);
    expect(form.headers.get('Location')).toBe('/account/confirm/?return=%2Fprivacy%2Frequest%2F');

    expect((await postJson('/api/accounts/step-up', { code: await nextCode(who.totpSecret), return: '/privacy/request/' }, { cookie: who.cookie })).status).toBe(200);
    const filed = await fileJson(who.deletion, who.cookie);
    expect(filed).toMatchObject({ type: 'delete', state: 'verified' });
  });
});

describe('adding an alert recipient', () => {
  it('needs step-up, and brings a plain form back to the account’s preferences page', async () => {
    const accountId = await givenAccount();
    const who = await givenLogin({ holderOf: [accountId] });
    const { cookie } = await signInFully(who);
    await ageStepUp(cookie, STEP_UP_MS + 1);
    const body = { account: accountId, channel: 'email', address: `partner-${accountId}@family.example`, name: 'Partner' };
    const json = await postJson('/api/preferences/recipients', body, { cookie });
    expect(json.status).toBe(403);
    expect((await errorOf(json)).code).toBe('step_up_required');
    const form = await postForm('/api/preferences/recipients', body, { cookie });
    expect(form.headers.get('Location')).toBe(`/account/confirm/?return=${encodeURIComponent(`/account/preferences/?account=${accountId}`)}`);
    expect(await db().select().from(alertRecipients).where(eq(alertRecipients.accountId, accountId))).toHaveLength(0);

    const back = await postForm('/api/accounts/step-up', { password: who.password, return: `/account/preferences/?account=${accountId}` }, { cookie });
    expect(back.headers.get('Location')).toBe(`/account/preferences/?account=${accountId}&status=stepped-up`);
    expect((await postJson('/api/preferences/recipients', body, { cookie })).status).toBe(200);
  });
});

describe('changing autopay', () => {
  it('needs step-up to start or end it, writes nothing without it, and brings a plain form back to the pay page', async () => {
    const accountId = await givenAccount();
    const who = await givenLogin({ holderOf: [accountId] });
    const { cookie } = await signInFully(who);
    await ageStepUp(cookie, STEP_UP_MS + 1);
    const enrolments = async () => (await env.DB.prepare('SELECT COUNT(*) AS n FROM autopay_enrolments WHERE account_id = ?1').bind(accountId).first<{ n: number }>())!.n;
    for (const path of ['/api/payments/autopay', '/api/payments/autopay/end']) {
      const json = await postJson(path, { account: accountId }, { cookie });
      expect(json.status, path).toBe(403);
      expect((await errorOf(json)).code, path).toBe('step_up_required');
      const form = await postForm(path, { account: accountId }, { cookie });
      expect(form.headers.get('Location'), path).toBe(`/account/confirm/?return=${encodeURIComponent(`/account/pay/?account=${accountId}`)}`);
    }
    expect(await enrolments()).toBe(0);

    await postForm('/api/accounts/step-up', { password: who.password, return: `/account/pay/?account=${accountId}` }, { cookie });
    const started = await postForm('/api/payments/autopay', { account: accountId }, { cookie });
    expect(started.status).toBe(303);
    expect(started.headers.get('Location')).not.toMatch(/^\/account\/confirm\//);
    expect(await enrolments()).toBe(1);
  });
});
