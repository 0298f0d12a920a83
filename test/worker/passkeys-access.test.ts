/**
 * Whose passkeys are whose: another customer can neither see, rename nor remove mine; the access
 * package lists that my passkeys exist (name and dates) and never their key material; a deletion
 * removes them; challenges nobody answered are purged by the daily cron.
 */
import { eq } from 'drizzle-orm';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { auditEvents, passkeyChallenges, passkeyCredentials } from '../../db/schema';
import { purgeExpiredChallenges } from '../../worker/auth/passkeys/challenges';
import { buildAccessPackage } from '../../worker/staff/access-package';
import { usageShards } from '../../worker/usage/shards';
import { planDeletion } from '../../worker/staff/deletion';
import { db, get, givenLogin, login, postForm, postJson, sessionCookieFrom } from './support/accounts';
import { errorCode, givenPasskey, passkeyIp, registrationOptions } from './support/passkeys';
import { givenAccount } from './support/sign-in';

async function customer(holderOf: string[] = []) {
  const who = await givenLogin({ holderOf });
  const cookie = sessionCookieFrom(await login(who.email, who.password, { ip: passkeyIp() }))!;
  return { ...who, cookie };
}

const passkeysOf = (loginId: string) => db().select().from(passkeyCredentials).where(eq(passkeyCredentials.loginId, loginId));

describe('another customer and my passkeys', () => {
  it('cannot list them: each login sees its own only', async () => {
    const me = await customer();
    const { id } = await givenPasskey(me.cookie, { name: 'My phone' });
    const other = await customer();
    const theirs = await (await get('/api/accounts/passkeys', { cookie: other.cookie })).json<{ passkeys: { id: string }[] }>();
    expect(theirs.passkeys).toEqual([]);
    const security = await (await get('/account/security/', { cookie: other.cookie })).text();
    expect(security).not.toContain('My phone');
    expect(security).not.toContain(id);
    expect(await (await get('/account/security/', { cookie: me.cookie })).text()).toContain('My phone');
  });

  it('cannot rename or remove them: the same 404 as for a passkey that does not exist, nothing changed, nothing mailed', async () => {
    const me = await customer();
    const { id } = await givenPasskey(me.cookie, { name: 'My phone' });
    const other = await customer();
    const rename = await postJson('/api/accounts/passkeys/rename', { passkey: id, name: 'Hijacked' }, { cookie: other.cookie });
    const remove = await postJson('/api/accounts/passkeys/remove', { passkey: id }, { cookie: other.cookie });
    const none = await postJson('/api/accounts/passkeys/remove', { passkey: 'no-such-passkey' }, { cookie: other.cookie });
    for (const res of [rename, remove, none]) {
      expect(res.status).toBe(404);
      expect(await errorCode(res)).toBe('not_found');
    }
    const form = await postForm('/api/accounts/passkeys/remove', { passkey: id }, { cookie: other.cookie });
    expect(form.headers.get('Location')).toBe('/account/security/?error=not_found');
    expect(await passkeysOf(me.id)).toMatchObject([{ id, name: 'My phone' }]);
    expect((await db().select().from(auditEvents).where(eq(auditEvents.subjectLoginId, other.id))).map((e) => e.event)).not.toContain('passkey.removed');
  });

  it('cannot answer my registration challenge with theirs', async () => {
    const me = await customer();
    const other = await customer();
    const mine = await registrationOptions(me.cookie);
    const { SoftAuthenticator } = await import('./support/passkey-authenticator');
    const credential = await (await SoftAuthenticator.create()).register(mine);
    expect(await errorCode(await postJson('/api/accounts/passkeys/register', { credential }, { cookie: other.cookie }))).toBe('passkey_expired');
    expect(await passkeysOf(other.id)).toEqual([]);
    expect(await passkeysOf(me.id)).toEqual([]);
  });
});

describe('passkeys in the personal-data map', () => {
  it('lists in the access package that a passkey exists, with its name and dates, never its credential id or public key; a deletion removes it', async () => {
    const accountId = await givenAccount();
    const me = await customer([accountId]);
    await givenPasskey(me.cookie, { name: 'Hall tablet' });
    const [row] = await passkeysOf(me.id);
    const subject = { accountId, loginIds: [me.id], emails: [me.email] };
    const pkg = await buildAccessPackage(env.DB, usageShards(env), subject, 'req-passkeys');
    const table = pkg.tables.find((t) => t.table === 'passkey_credentials')!;
    expect(table.rows).toEqual([{ name: 'Hall tablet', created_at: row!.createdAt, last_used_at: null }]);
    const text = JSON.stringify(pkg);
    expect(text).not.toContain(row!.credentialId);
    expect(text).not.toContain(row!.publicKey);

    await registrationOptions(me.cookie); // a challenge in flight, tied to the login
    const plan = planDeletion(env.DB, subject);
    await env.DB.batch(plan.statements);
    expect(await passkeysOf(me.id)).toEqual([]);
    expect(await db().select().from(passkeyChallenges).where(eq(passkeyChallenges.loginId, me.id))).toEqual([]);
    expect(plan.answer.removed).toEqual(expect.arrayContaining(['Passkeys you registered for signing in']));
  });

  it('purges challenges past their end, keeping live ones', async () => {
    const me = await customer();
    await registrationOptions(me.cookie);
    const later = new Date(Date.now() + 6 * 60_000);
    const { removed } = await purgeExpiredChallenges(db(), later);
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await db().select().from(passkeyChallenges).where(eq(passkeyChallenges.loginId, me.id))).toEqual([]);
    await registrationOptions(me.cookie);
    await purgeExpiredChallenges(db(), new Date());
    expect(await db().select().from(passkeyChallenges).where(eq(passkeyChallenges.loginId, me.id))).toHaveLength(1);
  });
});
