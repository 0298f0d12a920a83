/**
 * An authenticator app (TOTP) for every login: set up with a QR code drawn on the server, counted
 * only once confirmed with a code, asked for at sign-in, removed only after step-up. The codes
 * come from @oslojs/otp inside workerd; the window (one step either side) and the replay guard are
 * ours. Real routes, real D1, the real sealed-at-rest storage.
 */
import { and, eq } from 'drizzle-orm';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { auditEvents, logins, totpEnrolments } from '../../db/schema';
import { base32Decode, matchTotp, totpCode, totpStep, TOTP_STEP_SECONDS } from '../../worker/auth/totp';
import { openTotpSecret, parseTotpKeyring } from '../../worker/auth/totp-secrets';
import { db, get, givenLogin, login, mailsTo, postForm, postJson, sessionCookieFrom } from './support/accounts';
import { ageStepUp, errorOf, pageHtml, signInFully } from './support/second-factor';
import { signedIn } from './support/sign-in';

/** The key the set-up page shows, as the customer would type it into an app. */
async function shownKey(cookie: string) {
  const page = await pageHtml('/account/security/totp/', cookie);
  const key = /<code class="secret"[^>]*>([A-Z2-7 ]+)<\/code>/.exec(page)?.[1];
  if (!key) throw new Error('no key on the set-up page');
  return { key: key.replace(/ /g, ''), page };
}

async function enrolledCustomer() {
  const who = await givenLogin();
  const { cookie } = await signInFully(who);
  expect((await postJson('/api/accounts/totp/start', {}, { cookie })).status).toBe(200);
  const { key } = await shownKey(cookie);
  const confirm = await postJson('/api/accounts/totp/confirm', { code: await totpCode(key, new Date()) }, { cookie });
  expect(confirm.status).toBe(200);
  return { ...who, cookie, totpSecret: key };
}

describe('setting up an authenticator app', () => {
  it('shows a QR code drawn as inline SVG, the key as text and an otpauth link, and keeps the secret sealed until confirmed', async () => {
    const who = await givenLogin();
    const { cookie } = await signInFully(who);
    const before = await pageHtml('/account/security/totp/', cookie);
    expect(before).toContain('Start setting up');
    expect(before).not.toContain('data-state="pending"');

    const start = await postJson('/api/accounts/totp/start', {}, { cookie });
    expect(await start.json()).toMatchObject({ status: 'totp-started', redirect: '/account/security/totp/?status=totp-started' });
    const { key, page } = await shownKey(cookie);
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    expect(page).toMatch(/<svg[^>]*role="img"[^>]*aria-label="QR code for setting up[^"]*"/);
    expect(page).toContain(`href="otpauth://totp/Alder%20Creek:${encodeURIComponent(who.email)}?`);
    expect(page).toContain(`secret=${key}`);
    expect(page).not.toMatch(/<script[^>]*>[^<]*otpauth/);

    // Stored sealed, and not yet a second factor: signing in still needs the password only.
    const [row] = await db().select().from(totpEnrolments).where(eq(totpEnrolments.loginId, who.id));
    expect(row!.pendingSecret).toMatch(/^totp1\./);
    expect(row!.pendingSecret).not.toContain(key);
    expect((await openTotpSecret(await parseTotpKeyring(env.TOTP_ENCRYPTION_KEYS), who.id, row!.pendingSecret!)).secret).toBe(key);
    expect(await (await login(who.email, who.password)).json()).toMatchObject({ status: 'signed-in' });
  });

  it('counts the app only once a code from it is confirmed; a wrong code is refused naming the field and counted', async () => {
    const who = await givenLogin();
    const { cookie } = await signInFully(who);
    await postJson('/api/accounts/totp/start', {}, { cookie });
    const { key } = await shownKey(cookie);

    const wrong = await postJson('/api/accounts/totp/confirm', { code: await totpCode(key, new Date(Date.now() - 10 * 60_000)) }, { cookie });
    expect(wrong.status).toBe(422);
    expect(await errorOf(wrong)).toMatchObject({ code: 'invalid_code', fields: [{ field: 'code' }] });
    const [stillOff] = await db().select({ totpSecret: logins.totpSecret }).from(logins).where(eq(logins.id, who.id));
    expect(stillOff!.totpSecret).toBeNull();
    expect(await db().select().from(auditEvents).where(and(eq(auditEvents.subjectLoginId, who.id), eq(auditEvents.event, 'totp.setup_failure')))).toHaveLength(1);

    const right = await postJson('/api/accounts/totp/confirm', { code: await totpCode(key, new Date()) }, { cookie });
    expect(await right.json()).toMatchObject({ status: 'totp-enabled', redirect: '/account/security/recovery-codes/?status=totp-enabled' });
    const [on] = await db().select().from(logins).where(eq(logins.id, who.id));
    expect(on!.totpSecret).toMatch(/^totp1\./);
    expect(on!.totpLastStep).toBe(totpStep(new Date()));
    const [enrolment] = await db().select().from(totpEnrolments).where(eq(totpEnrolments.loginId, who.id));
    expect(enrolment).toMatchObject({ pendingSecret: null, pendingExpiresAt: null });
    expect(enrolment!.enrolledAt).not.toBeNull();
    expect(await mailsTo(who.email, 'totp-enabled')).toHaveLength(1);

    // From now on the sign-in asks for a code.
    expect(await (await login(who.email, who.password)).json()).toMatchObject({ status: 'second-factor-needed' });
    const security = await pageHtml('/account/security/', cookie);
    expect(security).toContain('An authenticator app is set up');
  });

  it('asks for step-up before starting: a session whose proof is older than 10 minutes is sent to confirm', async () => {
    const who = await givenLogin();
    const { cookie } = await signInFully(who);
    await ageStepUp(cookie, 10 * 60_000 + 1);
    const json = await postJson('/api/accounts/totp/start', {}, { cookie });
    expect(json.status).toBe(403);
    expect((await errorOf(json)).code).toBe('step_up_required');
    const form = await postForm('/api/accounts/totp/start', {}, { cookie });
    expect(form.status).toBe(303);
    expect(form.headers.get('Location')).toBe('/account/confirm/?return=%2Faccount%2Fsecurity%2Ftotp%2F');
    expect(await db().select().from(totpEnrolments).where(eq(totpEnrolments.loginId, who.id))).toHaveLength(0);
  });

  it('refuses a set-up that took longer than 15 minutes', async () => {
    const who = await givenLogin();
    const { cookie } = await signInFully(who);
    await postJson('/api/accounts/totp/start', {}, { cookie });
    const { key } = await shownKey(cookie);
    await db().update(totpEnrolments).set({ pendingExpiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(totpEnrolments.loginId, who.id));
    const late = await postJson('/api/accounts/totp/confirm', { code: await totpCode(key, new Date()) }, { cookie });
    expect(late.status).toBe(410);
    expect((await errorOf(late)).code).toBe('totp_setup_expired');
  });

  it('refuses bad input with 422 naming the field, and anonymous callers with 401, writing nothing', async () => {
    const who = await givenLogin();
    const { cookie } = await signInFully(who);
    for (const code of ['12345', 'abcdef', '1234567', 12345, null]) {
      const res = await postJson('/api/accounts/totp/confirm', { code }, { cookie });
      expect(res.status).toBe(422);
      expect((await errorOf(res)).fields?.[0]?.field).toBe('code');
    }
    for (const path of ['/api/accounts/totp/start', '/api/accounts/totp/confirm', '/api/accounts/totp/remove']) {
      expect((await postJson(path, { code: '123456' })).status).toBe(401);
    }
    expect((await get('/account/security/totp/')).status).toBe(303);
    expect(await db().select().from(totpEnrolments).where(eq(totpEnrolments.loginId, who.id))).toHaveLength(0);
  });
});

describe('signing in with the app', () => {
  it('accepts the code of the step before and after now, and no further (the window)', async () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const now = new Date();
    const step = TOTP_STEP_SECONDS * 1000;
    expect(await matchTotp(secret, await totpCode(secret, new Date(now.getTime() - step)), now, null)).toBe(totpStep(now) - 1);
    expect(await matchTotp(secret, await totpCode(secret, new Date(now.getTime() + step)), now, null)).toBe(totpStep(now) + 1);
    expect(await matchTotp(secret, await totpCode(secret, new Date(now.getTime() - 2 * step)), now, null)).toBeNull();
    expect(await matchTotp(secret, await totpCode(secret, new Date(now.getTime() + 2 * step)), now, null)).toBeNull();
    // Typed with spaces or in lower case, the key still decodes to the same bytes.
    expect(base32Decode('jbsw y3dp ehpk 3pxp')).toEqual(base32Decode('JBSWY3DPEHPK3PXP'));

    // Through the route: the next step's code (a phone clock running 30 s fast) still signs in.
    const who = await enrolledCustomer();
    const pending = sessionCookieFrom(await login(who.email, who.password))!;
    const late = await postJson('/api/accounts/login/second-factor', { code: await totpCode(who.totpSecret, new Date(Date.now() + step)) }, { cookie: pending });
    expect(late.status).toBe(200);
  });

  it('never accepts a code twice, nor an older one after a newer was used (replay)', async () => {
    const who = await enrolledCustomer();
    const step = TOTP_STEP_SECONDS * 1000;
    const next = await totpCode(who.totpSecret, new Date(Date.now() + step));
    const first = sessionCookieFrom(await login(who.email, who.password))!;
    expect((await postJson('/api/accounts/login/second-factor', { code: next }, { cookie: first })).status).toBe(200);

    const again = sessionCookieFrom(await login(who.email, who.password))!;
    const replay = await postJson('/api/accounts/login/second-factor', { code: next }, { cookie: again });
    expect(replay.status).toBe(401);
    expect((await errorOf(replay)).code).toBe('invalid_code');
    // The current code is older than the one used: refused too.
    const older = await postJson('/api/accounts/login/second-factor', { code: await totpCode(who.totpSecret, new Date()) }, { cookie: again });
    expect(older.status).toBe(401);
    expect(await db().select().from(auditEvents).where(and(eq(auditEvents.subjectLoginId, who.id), eq(auditEvents.event, 'login.second_factor_failure')))).toHaveLength(2);
  });

  it('answers two requests racing with the same code with one session only', async () => {
    const who = await enrolledCustomer();
    const code = await totpCode(who.totpSecret, new Date(Date.now() + 30_000));
    const a = sessionCookieFrom(await login(who.email, who.password))!;
    const b = sessionCookieFrom(await login(who.email, who.password))!;
    const answers = await Promise.all([postJson('/api/accounts/login/second-factor', { code }, { cookie: a }), postJson('/api/accounts/login/second-factor', { code }, { cookie: b })]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('offers only the ways the login has on the second-step page', async () => {
    const who = await enrolledCustomer();
    const pending = sessionCookieFrom(await login(who.email, who.password))!;
    const page = await pageHtml('/login/second-factor/', pending);
    expect(page).toContain('data-factor="totp"');
    expect(page).not.toContain('data-factor="passkey"');
    // No recovery codes made yet: no recovery form to offer.
    expect(page).not.toContain('data-factor="recovery"');
  });
});

describe('removing the app', () => {
  it('needs step-up, then removes the secret, mails the customer and signs in with the password alone again', async () => {
    const who = await enrolledCustomer();
    await ageStepUp(who.cookie, 11 * 60_000);
    const refused = await postJson('/api/accounts/totp/remove', {}, { cookie: who.cookie });
    expect((await errorOf(refused)).code).toBe('step_up_required');

    // A password is not proof enough for a login with a second factor.
    const password = await postJson('/api/accounts/step-up', { password: who.password }, { cookie: who.cookie });
    expect(password.status).toBe(422);
    expect((await errorOf(password)).code).toBe('second_factor_needed');

    const code = await totpCode(who.totpSecret, new Date(Date.now() + 30_000));
    expect((await postJson('/api/accounts/step-up', { code, return: '/account/security/totp/' }, { cookie: who.cookie })).status).toBe(200);
    const removed = await postJson('/api/accounts/totp/remove', {}, { cookie: who.cookie });
    expect(await removed.json()).toMatchObject({ status: 'totp-removed' });
    const [row] = await db().select().from(logins).where(eq(logins.id, who.id));
    expect(row).toMatchObject({ totpSecret: null, totpLastStep: null });
    expect(await mailsTo(who.email, 'totp-removed')).toHaveLength(1);
    expect(await (await login(who.email, who.password)).json()).toMatchObject({ status: 'signed-in' });
  });

  it('keeps a staff login from removing its last second factor', async () => {
    const staff = await signedIn({ role: 'support' });
    await db().update(logins).set({ totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }).where(eq(logins.id, staff.loginId));
    const res = await postJson('/api/accounts/totp/remove', {}, { cookie: staff.cookie });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('last_second_factor');
  });

  it('lets a staff member enrol an app from the security page too', async () => {
    const staff = await signedIn({ role: 'admin' });
    expect((await postJson('/api/accounts/totp/start', {}, { cookie: staff.cookie })).status).toBe(200);
    const { key } = await shownKey(staff.cookie);
    expect((await postJson('/api/accounts/totp/confirm', { code: await totpCode(key, new Date()) }, { cookie: staff.cookie })).status).toBe(200);
  });
});
