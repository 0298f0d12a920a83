/**
 * D1 read replication through the Sessions API: read-heavy GETs may start on any replica; a
 * signed-in write, and a sign-in, answer with the session's bookmark in a strictly necessary cookie
 * so that the customer's next reads start no earlier than their own write; nothing else sets it.
 */
import { describe, expect, it } from 'vitest';
import { BOOKMARK_COOKIE, readsAnyReplica } from '../../worker/http/d1-session';
import { findRegisteredCookie } from '../../worker/shared/cookie-registry';
import { get, givenLogin, postForm, postJson } from './support/accounts';
import { signedIn } from './support/sign-in';
import { givenMeter } from './support/usage-fixtures';

const bookmarkFrom = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith(`${BOOKMARK_COOKIE}=`));

describe('which reads may start on a replica', () => {
  it('lets the read-heavy GETs start anywhere, and keeps every write and every other page on the primary', () => {
    expect(readsAnyReplica('GET', '/api/usage/meters/m-1/series')).toBe(true);
    expect(readsAnyReplica('GET', '/api/espi/1_1/resource/Batch/Subscription/1')).toBe(true);
    expect(readsAnyReplica('GET', '/es/account/bills/')).toBe(true);
    expect(readsAnyReplica('GET', '/privacy/request-metrics.csv')).toBe(true);
    expect(readsAnyReplica('GET', '/staff/reports/')).toBe(true);
    expect(readsAnyReplica('POST', '/api/usage/meters/m-1/series')).toBe(false);
    expect(readsAnyReplica('GET', '/account/')).toBe(false);
    expect(readsAnyReplica('GET', '/staff/')).toBe(false);
  });
});

describe('the bookmark cookie', () => {
  it('is registered as strictly necessary, for 5 minutes', () => {
    expect(findRegisteredCookie(BOOKMARK_COOKIE)).toMatchObject({ category: 'necessary', maxAgeSeconds: 300, httpOnly: true });
  });

  it('answers a signed-in write with the bookmark of what it wrote, and the next read-heavy GET starts from it', async () => {
    const meter = await givenMeter();
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    const res = await postJson('/api/accounts/language', { locale: 'es' }, { cookie });
    expect(res.status).toBeLessThan(400);
    const set = bookmarkFrom(res);
    expect(set).toMatch(new RegExp(`^${BOOKMARK_COOKIE}=[0-9a-f-]+; Max-Age=300; Path=/; HttpOnly; Secure; SameSite=Lax$`));
    const bookmark = set!.split(';')[0]!;
    const read = await get(`/api/usage/meters/${meter.meterId}/series?from=2026-01-01&to=2026-01-02&resolution=day`, { cookie: `${cookie}; ${bookmark}` });
    expect(read.status).toBe(200);
    expect(bookmarkFrom(read)).toBeUndefined();
  });

  it('is set by a sign-in, so the first pages after it find the new session on any replica', async () => {
    const who = await givenLogin();
    const res = await postForm('/api/accounts/login', { email: who.email, password: who.password });
    expect(res.status).toBe(303);
    expect(bookmarkFrom(res)).toBeDefined();
  });

  it('is not set by an anonymous write, a refused sign-in or a read', async () => {
    const consent = await postJson('/api/consent', { method: 'banner', preferences: false, analytics: false });
    expect(consent.status).toBeLessThan(300);
    expect(bookmarkFrom(consent)).toBeUndefined();
    const who = await givenLogin();
    expect(bookmarkFrom(await postForm('/api/accounts/login', { email: who.email, password: 'not the password at all' }, { ip: '198.51.100.77' }))).toBeUndefined();
    const { cookie } = await signedIn();
    expect(bookmarkFrom(await get('/account/', { cookie }))).toBeUndefined();
  });

  it('ignores a forged bookmark, answering from a replica as if there were none', async () => {
    const meter = await givenMeter();
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    for (const forged of ['nonsense', "00000000-0000001b-00000000-0000' OR 1=1", 'ffffffff-ffffffff-ffffffff-ffffffffffffffffffffffffffffffff'.slice(0, 20)]) {
      const read = await get(`/api/usage/meters/${meter.meterId}/series?from=2026-01-01&to=2026-01-02&resolution=day`, { cookie: `${cookie}; ${BOOKMARK_COOKIE}=${encodeURIComponent(forged)}` });
      expect(read.status, forged).toBe(200);
    }
  });
});
