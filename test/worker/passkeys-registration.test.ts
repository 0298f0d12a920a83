/**
 * Registering, naming and removing passkeys through the API, with a software authenticator whose
 * responses are real (ES256 signatures, CBOR attestation objects): the ceremony's checks run as
 * they do for a browser. Each refusal test breaks exactly one thing.
 */
import { and, eq } from 'drizzle-orm';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { auditEvents, logins, passkeyChallenges, passkeyCredentials, recoveryCodes } from '../../db/schema';
import { runBatch } from '../../worker/accounts/deps';
import { staffFactorGuard } from '../../worker/auth/step-up';
import { guarded } from '../../worker/http/batch-guard';
import { ApiError } from '../../worker/http/errors';
import { db, get, givenLogin, login, mailsTo, postForm, postJson, sessionCookieFrom } from './support/accounts';
import { SoftAuthenticator } from './support/passkey-authenticator';
import { errorCode, givenPasskey, passkeyIp, registrationOptions, steppedUp } from './support/passkeys';
import { signedIn } from './support/sign-in';

async function signedInCustomer() {
  const who = await givenLogin();
  const cookie = sessionCookieFrom(await login(who.email, who.password, { ip: passkeyIp() }))!;
  return { ...who, cookie };
}

const storedFor = (loginId: string) => db().select().from(passkeyCredentials).where(eq(passkeyCredentials.loginId, loginId));

describe('registering a passkey', () => {
  it('offers a discoverable, user-verified credential for the portal, with no attestation and the login as an opaque handle', async () => {
    const who = await signedInCustomer();
    const options = await registrationOptions(who.cookie);
    expect(options.rp).toEqual({ id: 'localhost', name: 'Alder Creek Water & Power' });
    expect(options.attestation).toBe('none');
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(options.user.name).toBe(who.email);
    expect(new TextDecoder().decode(Uint8Array.from(atob(options.user.id.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0)))).toBe(who.id);
    expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual([-8, -7, -257]);
    // Only the challenge's hash is kept.
    const rows = await db().select().from(passkeyChallenges).where(eq(passkeyChallenges.loginId, who.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.challengeHash).not.toContain(options.challenge);
    expect(rows[0]!.purpose).toBe('register');
  });

  it('stores the passkey, lists it by name without its key, audits it and mails the login', async () => {
    const who = await signedInCustomer();
    const { id } = await givenPasskey(who.cookie, { name: 'Kitchen tablet' });
    const [row] = await storedFor(who.id);
    expect(row).toMatchObject({ id, name: 'Kitchen tablet', signCount: 0, deviceType: 'multiDevice', backedUp: true, transports: ['internal'] });
    const list = await (await get('/api/accounts/passkeys', { cookie: who.cookie })).json<{ passkeys: Record<string, unknown>[] }>();
    expect(list.passkeys).toEqual([{ id, name: 'Kitchen tablet', createdAt: expect.any(String), lastUsedAt: null, synced: true }]);
    expect(JSON.stringify(list)).not.toContain(row!.credentialId);
    expect(JSON.stringify(list)).not.toContain(row!.publicKey);
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.subjectLoginId, who.id), eq(auditEvents.event, 'passkey.registered')));
    expect(audit?.detail).toMatchObject({ passkey: id });
    const [mail] = await mailsTo(who.email, 'passkey-added');
    expect(mail?.bodyText).toContain('"Kitchen tablet"');
  });

  it('names a passkey after the browser and the day when no name is given', async () => {
    const who = await signedInCustomer();
    const authenticator = await SoftAuthenticator.create();
    const ip = passkeyIp();
    const credential = await authenticator.register(await registrationOptions(who.cookie, ip));
    const res = await postJson('/api/accounts/passkeys/register', { name: '  ', credential }, { cookie: who.cookie, ip, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0' } });
    expect(res.status).toBe(200);
    expect((await storedFor(who.id))[0]!.name).toMatch(/^Chrome on Linux, \d{4}-\d{2}-\d{2}$/);
  });

  it('refuses a response made for another origin, and stores nothing', async () => {
    const who = await signedInCustomer();
    const credential = await (await SoftAuthenticator.create()).register(await registrationOptions(who.cookie), { origin: 'https://portal.evil.example' });
    const res = await postJson('/api/accounts/passkeys/register', { credential }, { cookie: who.cookie });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('passkey_invalid');
    expect(await storedFor(who.id)).toEqual([]);
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.subjectLoginId, who.id), eq(auditEvents.event, 'passkey.registration_refused')));
    expect(audit?.detail).toMatchObject({ reason: 'verification' });
  });

  it('refuses a response made for another RP id', async () => {
    const who = await signedInCustomer();
    const credential = await (await SoftAuthenticator.create()).register(await registrationOptions(who.cookie), { rpId: 'evil.example' });
    const res = await postJson('/api/accounts/passkeys/register', { credential }, { cookie: who.cookie });
    expect(await errorCode(res)).toBe('passkey_invalid');
    expect(await storedFor(who.id)).toEqual([]);
  });

  it('refuses an authenticator that did not verify the user', async () => {
    const who = await signedInCustomer();
    const credential = await (await SoftAuthenticator.create()).register(await registrationOptions(who.cookie), { uv: false });
    expect(await errorCode(await postJson('/api/accounts/passkeys/register', { credential }, { cookie: who.cookie }))).toBe('passkey_invalid');
  });

  it('refuses a challenge used before: a replayed registration', async () => {
    const who = await signedInCustomer();
    const authenticator = await SoftAuthenticator.create();
    const credential = await authenticator.register(await registrationOptions(who.cookie));
    expect((await postJson('/api/accounts/passkeys/register', { credential }, { cookie: who.cookie })).status).toBe(200);
    await steppedUp(who.cookie, 'passkey');
    const again = await postJson('/api/accounts/passkeys/register', { credential }, { cookie: who.cookie });
    expect(await errorCode(again)).toBe('passkey_expired');
    expect(await storedFor(who.id)).toHaveLength(1);
  });

  it('refuses a challenge the portal never issued', async () => {
    const who = await signedInCustomer();
    await registrationOptions(who.cookie);
    const credential = await (await SoftAuthenticator.create()).register(await registrationOptions(who.cookie), { challenge: 'bm90LWlzc3VlZC1ieS10aGUtcG9ydGFs' });
    expect(await errorCode(await postJson('/api/accounts/passkeys/register', { credential }, { cookie: who.cookie }))).toBe('passkey_expired');
  });

  it('refuses an expired challenge', async () => {
    const who = await signedInCustomer();
    const credential = await (await SoftAuthenticator.create()).register(await registrationOptions(who.cookie));
    await db().update(passkeyChallenges).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(passkeyChallenges.loginId, who.id));
    expect(await errorCode(await postJson('/api/accounts/passkeys/register', { credential }, { cookie: who.cookie }))).toBe('passkey_expired');
    // Used up, too: it is gone.
    expect(await db().select().from(passkeyChallenges).where(eq(passkeyChallenges.loginId, who.id))).toEqual([]);
  });

  it('refuses a challenge issued to another session of the same login', async () => {
    const who = await signedInCustomer();
    const other = sessionCookieFrom(await login(who.email, who.password, { ip: passkeyIp() }))!;
    const credential = await (await SoftAuthenticator.create()).register(await registrationOptions(who.cookie));
    expect(await errorCode(await postJson('/api/accounts/passkeys/register', { credential }, { cookie: other }))).toBe('passkey_expired');
  });

  it('keeps one live challenge per session: asking again replaces the last one', async () => {
    const who = await signedInCustomer();
    const authenticator = await SoftAuthenticator.create();
    const first = await registrationOptions(who.cookie);
    await registrationOptions(who.cookie);
    expect(await db().select().from(passkeyChallenges).where(eq(passkeyChallenges.loginId, who.id))).toHaveLength(1);
    expect(await errorCode(await postJson('/api/accounts/passkeys/register', { credential: await authenticator.register(first) }, { cookie: who.cookie }))).toBe('passkey_expired');
  });

  it('refuses a passkey that is already registered (to this login or another)', async () => {
    const who = await signedInCustomer();
    const { authenticator } = await givenPasskey(who.cookie);
    const other = await signedInCustomer();
    const res = await postJson('/api/accounts/passkeys/register', { credential: await authenticator.register(await registrationOptions(other.cookie)) }, { cookie: other.cookie });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('passkey_already_registered');
    expect(await storedFor(other.id)).toEqual([]);
  });

  it('excludes the passkeys the login has when offering a new one', async () => {
    const who = await signedInCustomer();
    const { authenticator } = await givenPasskey(who.cookie);
    const options = await registrationOptions(who.cookie);
    expect(options.excludeCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
  });

  it('refuses malformed credentials with 422 naming the fields, writing nothing', async () => {
    const who = await signedInCustomer();
    const before = (await env.DB.prepare('SELECT count(*) AS n FROM passkey_challenges').first<{ n: number }>())!.n;
    const res = await postJson('/api/accounts/passkeys/register', { name: 'x'.repeat(61), credential: { id: 'not base64url!', rawId: 'AAAA', type: 'password', response: { clientDataJSON: 'AAAA' } } }, { cookie: who.cookie });
    expect(res.status).toBe(422);
    const fields = (await res.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'credential.id', 'credential.type', 'credential.response.attestationObject']));
    expect((await env.DB.prepare('SELECT count(*) AS n FROM passkey_challenges').first<{ n: number }>())!.n).toBe(before);
    expect(await storedFor(who.id)).toEqual([]);
  });

  it('asks a session without a recent proof to confirm it is the customer first (step-up), for adding and for removing', async () => {
    const who = await signedInCustomer();
    const { id } = await givenPasskey(who.cookie);
    // A session that never proved its login again (signed in elsewhere, or long ago).
    const stale = await signedIn({ steppedUp: false });
    for (const path of ['/api/accounts/passkeys/register/options', '/api/accounts/passkeys/register']) {
      const res = await postJson(path, {}, { cookie: stale.cookie });
      expect(res.status, path).toBe(403);
      expect(await errorCode(res), path).toBe('step_up_required');
    }
    await env.DB.prepare('DELETE FROM step_ups WHERE login_id = ?1').bind(who.id).run();
    const form = await postForm('/api/accounts/passkeys/remove', { passkey: id }, { cookie: who.cookie });
    expect(form.headers.get('Location')).toMatch(/^\/account\/confirm\/\?return=%2Faccount%2Fsecurity%2F/);
    expect(await storedFor(who.id)).toHaveLength(1);
    // With a passkey, the password alone no longer confirms: the passkey (or another second factor) does.
    await steppedUp(who.cookie, 'password');
    expect(await errorCode(await postJson('/api/accounts/passkeys/remove', { passkey: id }, { cookie: who.cookie }))).toBe('step_up_required');
    await steppedUp(who.cookie, 'passkey');
    expect((await postJson('/api/accounts/passkeys/remove', { passkey: id }, { cookie: who.cookie })).status).toBe(200);
  });

  it('refuses anonymous callers', async () => {
    expect((await postJson('/api/accounts/passkeys/register/options', {})).status).toBe(401);
    expect((await postJson('/api/accounts/passkeys/register', {})).status).toBe(401);
    expect((await get('/api/accounts/passkeys')).status).toBe(401);
  });
});

describe('naming and removing passkeys', () => {
  it('renames and removes the login’s own passkey with plain forms, mailing the removal', async () => {
    const who = await signedInCustomer();
    const { id } = await givenPasskey(who.cookie);
    const renamed = await postForm('/api/accounts/passkeys/rename', { passkey: id, name: 'Work laptop' }, { cookie: who.cookie });
    expect(renamed.status).toBe(303);
    expect(renamed.headers.get('Location')).toBe('/account/security/?status=passkey-renamed');
    expect((await storedFor(who.id))[0]!.name).toBe('Work laptop');
    const removed = await postForm('/api/accounts/passkeys/remove', { passkey: id }, { cookie: who.cookie });
    expect(removed.headers.get('Location')).toBe('/account/security/?status=passkey-removed');
    expect(await storedFor(who.id)).toEqual([]);
    expect((await mailsTo(who.email, 'passkey-removed'))[0]?.bodyText).toContain('"Work laptop"');
    const events = (await db().select().from(auditEvents).where(eq(auditEvents.subjectLoginId, who.id))).map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['passkey.renamed', 'passkey.removed']));
  });

  it('removes the recovery codes with the last passkey of a login without an app, and keeps them while another passkey is left', async () => {
    const who = await signedInCustomer();
    const first = await givenPasskey(who.cookie);
    const second = await givenPasskey(who.cookie);
    expect((await postJson('/api/accounts/recovery-codes', {}, { cookie: who.cookie })).status).toBe(200);
    const codes = () => db().select().from(recoveryCodes).where(eq(recoveryCodes.loginId, who.id));
    expect(await codes()).toHaveLength(10);
    expect((await postJson('/api/accounts/passkeys/remove', { passkey: first.id }, { cookie: who.cookie })).status).toBe(200);
    expect(await codes()).toHaveLength(10);
    expect((await postJson('/api/accounts/passkeys/remove', { passkey: second.id }, { cookie: who.cookie })).status).toBe(200);
    expect(await codes()).toHaveLength(0);
  });

  it('sends a refused plain form back to the security page with the field named', async () => {
    const who = await signedInCustomer();
    const { id } = await givenPasskey(who.cookie);
    const res = await postForm('/api/accounts/passkeys/rename', { passkey: id, name: '' }, { cookie: who.cookie });
    expect(res.headers.get('Location')).toBe('/account/security/?error=invalid_request&field=name');
  });

  it('never lets a staff login remove its last second factor', async () => {
    const staff = await signedIn({ role: 'support' });
    await steppedUp(staff.cookie, 'totp');
    const { id } = await givenPasskey(staff.cookie);
    const res = await postJson('/api/accounts/passkeys/remove', { passkey: id }, { cookie: staff.cookie });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('last_second_factor');
    const second = await givenPasskey(staff.cookie);
    expect((await postJson('/api/accounts/passkeys/remove', { passkey: id }, { cookie: staff.cookie })).status).toBe(200);
    expect((await storedFor(staff.loginId)).map((p) => p.id)).toEqual([second.id]);
  });

  it('keeps a staff login’s last factor when its passkey and its authenticator app are removed at the same moment', async () => {
    const staff = await signedIn({ role: 'support' });
    await steppedUp(staff.cookie, 'totp');
    const { id } = await givenPasskey(staff.cookie);
    await db().update(logins).set({ totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }).where(eq(logins.id, staff.loginId));
    const answers = await Promise.all([
      postJson('/api/accounts/passkeys/remove', { passkey: id }, { cookie: staff.cookie }),
      postJson('/api/accounts/totp/remove', {}, { cookie: staff.cookie }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const [row] = await db().select({ totp: logins.totpSecret }).from(logins).where(eq(logins.id, staff.loginId));
    const passkeys = await storedFor(staff.loginId);
    expect(Number(row!.totp !== null) + passkeys.length).toBe(1);
  });

  it('fails the whole removal inside the transaction when a staff login would be left with no factor', async () => {
    const staff = await signedIn({ role: 'admin' });
    await db().update(logins).set({ totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }).where(eq(logins.id, staff.loginId));
    // What a removal that passed its check a moment too early would write: the batch must not apply.
    const removal = guarded(() => runBatch(db(), [db().update(logins).set({ totpSecret: null }).where(eq(logins.id, staff.loginId)), staffFactorGuard(db(), staff.loginId)]), () => new ApiError(409, 'last_second_factor', 'keep one'));
    await expect(removal).rejects.toMatchObject({ status: 409, code: 'last_second_factor' });
    const [row] = await db().select({ totp: logins.totpSecret }).from(logins).where(eq(logins.id, staff.loginId));
    expect(row!.totp).not.toBeNull();
  });
});
