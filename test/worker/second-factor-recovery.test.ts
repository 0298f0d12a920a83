/**
 * Recovery codes: made only for a login with a second factor and after step-up, shown once (as
 * the answer to the request that made them), kept only hashed, each good for one sign-in or one
 * step-up; using one is audited and mailed. Making a new set retires the old one.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, recoveryCodes } from '../../db/schema';
import { hashRecoveryCode, normaliseRecoveryCode, RECOVERY_CODE_COUNT } from '../../worker/accounts/recovery-codes';
import { newTotpSecret } from '../../worker/auth/totp';
import { db, givenLogin, login, mailsTo, postForm, postJson, sessionCookieFrom } from './support/accounts';
import { ageStepUp, errorOf, pageHtml, signInFully } from './support/second-factor';

async function customerWithApp() {
  const totpSecret = newTotpSecret();
  const who = await givenLogin({ totpSecret });
  const { cookie } = await signInFully({ ...who, totpSecret });
  return { ...who, totpSecret, cookie };
}

async function makeCodes(cookie: string) {
  const res = await postJson('/api/accounts/recovery-codes', {}, { cookie });
  expect(res.status).toBe(200);
  return (await res.json<{ codes: string[] }>()).codes;
}

describe('making recovery codes', () => {
  it('shows ten codes once, as the answer to the form, and keeps only their hashes', async () => {
    const who = await customerWithApp();
    const res = await postForm('/api/accounts/recovery-codes', {}, { cookie: who.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toContain('no-store');
    const page = await res.text();
    const shown = [...page.matchAll(/<li><code>([0-9A-Z-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    expect(shown).toHaveLength(RECOVERY_CODE_COUNT);
    for (const code of shown) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(new Set(shown).size).toBe(RECOVERY_CODE_COUNT);

    const rows = await db().select().from(recoveryCodes).where(eq(recoveryCodes.loginId, who.id));
    expect(rows).toHaveLength(RECOVERY_CODE_COUNT);
    const stored = JSON.stringify(rows);
    for (const code of shown) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(normaliseRecoveryCode(code)!);
    }
    expect(rows.map((r) => r.codeHash).sort()).toEqual((await Promise.all(shown.map((c) => hashRecoveryCode(who.id, normaliseRecoveryCode(c)!)))).sort());

    // Never shown again: the page only counts them.
    const later = await pageHtml('/account/security/recovery-codes/', who.cookie);
    for (const code of shown) expect(later).not.toContain(code);
    expect(later).toContain('10 of 10 codes are unused');
    expect(await mailsTo(who.email, 'recovery-codes-created')).toHaveLength(1);
  });

  it('refuses a login without a second factor, and asks for step-up first', async () => {
    const plain = await givenLogin();
    const { cookie } = await signInFully(plain);
    const none = await postJson('/api/accounts/recovery-codes', {}, { cookie });
    expect(none.status).toBe(409);
    expect((await errorOf(none)).code).toBe('second_factor_missing');

    const who = await customerWithApp();
    await ageStepUp(who.cookie, 10 * 60_000 + 5);
    const stale = await postForm('/api/accounts/recovery-codes', {}, { cookie: who.cookie });
    expect(stale.status).toBe(303);
    expect(stale.headers.get('Location')).toBe('/account/confirm/?return=%2Faccount%2Fsecurity%2Frecovery-codes%2F');
    expect(await db().select().from(recoveryCodes).where(eq(recoveryCodes.loginId, who.id))).toHaveLength(0);
  });

  it('retires every earlier code when a new set is made', async () => {
    const who = await customerWithApp();
    const first = await makeCodes(who.cookie);
    await makeCodes(who.cookie);
    const pending = sessionCookieFrom(await login(who.email, who.password))!;
    const old = await postJson('/api/accounts/login/recovery-code', { recoveryCode: first[0] }, { cookie: pending });
    expect(old.status).toBe(401);
    expect((await errorOf(old)).code).toBe('invalid_recovery_code');
  });
});

describe('signing in with a recovery code', () => {
  it('signs in once with a code, however it is typed, then mails and audits its use', async () => {
    const who = await customerWithApp();
    const codes = await makeCodes(who.cookie);
    const pending = sessionCookieFrom(await login(who.email, who.password))!;
    expect(await pageHtml('/login/second-factor/', pending)).toContain('data-factor="recovery"');
    const typed = codes[3]!.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
    const res = await postJson('/api/accounts/login/recovery-code', { recoveryCode: typed }, { cookie: pending });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'signed-in-with-recovery-code' });
    const session = sessionCookieFrom(res)!;
    expect((await postJson('/api/accounts/totp/remove', {}, { cookie: session })).status).toBe(200);

    const [mail] = await mailsTo(who.email, 'recovery-code-used');
    expect(mail!.bodyText).toContain('9 unused codes are left');
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.subjectLoginId, who.id), eq(auditEvents.event, 'recovery_code.used')));
    expect(audit!.detail).toMatchObject({ context: 'sign_in', left: 9 });
    expect(JSON.stringify(audit)).not.toContain(codes[3]);
  });

  it('never accepts the same code twice (reuse), also not for step-up', async () => {
    const who = await customerWithApp();
    const codes = await makeCodes(who.cookie);
    const first = sessionCookieFrom(await login(who.email, who.password))!;
    expect((await postJson('/api/accounts/login/recovery-code', { recoveryCode: codes[0] }, { cookie: first })).status).toBe(200);
    const second = sessionCookieFrom(await login(who.email, who.password))!;
    const reused = await postJson('/api/accounts/login/recovery-code', { recoveryCode: codes[0] }, { cookie: second });
    expect(reused.status).toBe(401);
    expect((await errorOf(reused)).code).toBe('invalid_recovery_code');
    const stepUp = await postJson('/api/accounts/step-up', { recoveryCode: codes[0] }, { cookie: who.cookie });
    expect(stepUp.status).toBe(422);
    expect(await errorOf(stepUp)).toMatchObject({ code: 'invalid_recovery_code', fields: [{ field: 'recoveryCode' }] });
    expect(await db().select().from(recoveryCodes).where(and(eq(recoveryCodes.loginId, who.id), isNull(recoveryCodes.usedAt)))).toHaveLength(RECOVERY_CODE_COUNT - 1);
  });

  it('answers two requests racing with one code with one session only', async () => {
    const who = await customerWithApp();
    const [code] = await makeCodes(who.cookie);
    const a = sessionCookieFrom(await login(who.email, who.password))!;
    const b = sessionCookieFrom(await login(who.email, who.password))!;
    const answers = await Promise.all([a, b].map((cookie) => postJson('/api/accounts/login/recovery-code', { recoveryCode: code }, { cookie })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('does not take another login’s code', async () => {
    const mine = await customerWithApp();
    const theirs = await customerWithApp();
    const [code] = await makeCodes(theirs.cookie);
    const pending = sessionCookieFrom(await login(mine.email, mine.password))!;
    expect((await postJson('/api/accounts/login/recovery-code', { recoveryCode: code }, { cookie: pending })).status).toBe(401);
  });

  it('refuses bad input naming the field, and a caller with no pending sign-in', async () => {
    const who = await customerWithApp();
    const pending = sessionCookieFrom(await login(who.email, who.password))!;
    for (const recoveryCode of ['', 'x'.repeat(65), 42, null]) {
      const res = await postJson('/api/accounts/login/recovery-code', { recoveryCode }, { cookie: pending });
      expect(res.status).toBe(422);
      expect((await errorOf(res)).fields?.[0]?.field).toBe('recoveryCode');
    }
    const noSession = await postJson('/api/accounts/login/recovery-code', { recoveryCode: 'AAAA-AAAA-AAAA-AAAA' });
    expect(noSession.status).toBe(401);
    expect((await errorOf(noSession)).code).toBe('second_factor_expired');
  });

  it('locks the second step after 5 wrong recovery codes, shared with authenticator codes', async () => {
    const who = await customerWithApp();
    await makeCodes(who.cookie);
    const pending = sessionCookieFrom(await login(who.email, who.password))!;
    for (let i = 0; i < 3; i++) expect((await postJson('/api/accounts/login/recovery-code', { recoveryCode: `AAAA-AAAA-AAAA-AAA${i}` }, { cookie: pending })).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await postJson('/api/accounts/login/second-factor', { code: '000000' }, { cookie: pending })).status).toBe(401);
    expect((await postJson('/api/accounts/login/recovery-code', { recoveryCode: 'AAAA-AAAA-AAAA-AAAA' }, { cookie: pending })).status).toBe(429);
  });
});

describe('losing the last second factor', () => {
  it('removes the recovery codes with the last second factor: they would stand in for nothing', async () => {
    const who = await customerWithApp();
    await makeCodes(who.cookie);
    expect((await postJson('/api/accounts/totp/remove', {}, { cookie: who.cookie })).status).toBe(200);
    expect(await db().select().from(recoveryCodes).where(eq(recoveryCodes.loginId, who.id))).toHaveLength(0);
  });
});
