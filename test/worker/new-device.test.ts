/**
 * New-device notice: a completed sign-in from a browser the login has not used before mails the
 * login's address (time, coarse browser label, no IP) with a link whose secret rides in the
 * fragment and that ends that one session without signing anyone in. The browser is recognised by
 * a strictly necessary HttpOnly cookie holding a random id, of which only a hash is kept.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, knownDevices, sessionEndLinks } from '../../db/schema';
import { purgeSecondFactorRecords } from '../../worker/accounts/second-factor-maintenance';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_SECONDS } from '../../worker/auth/devices';
import { newTotpSecret, totpCode } from '../../worker/auth/totp';
import { cookieRegistry } from '../../worker/shared/cookie-registry';
import { db, get, givenLogin, login, mailsTo, postForm, postJson, sessionCookieFrom } from './support/accounts';
import { deviceCookieFrom, errorOf, signInFully } from './support/second-factor';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

/** The end-session token in the newest new-device mail to `email`, and the mail. */
async function noticeTo(email: string) {
  const [mail] = await mailsTo(email, 'new-device-sign-in');
  if (!mail) return null;
  const url = new URL(/https?:\/\/\S+\/account\/end-session\/\S*/.exec(mail.bodyText)![0]);
  return { mail, url, token: new URLSearchParams(url.hash.slice(1)).get('token')! };
}

describe('recognising a browser', () => {
  it('gives a signing-in browser a long-lived HttpOnly device cookie, registered as strictly necessary, and keeps only its hash', async () => {
    const who = await givenLogin();
    const res = await login(who.email, who.password);
    const header = res.headers.getSetCookie().find((c) => c.startsWith(`${DEVICE_COOKIE}=`))!;
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; Secure/);
    expect(header).toMatch(/; SameSite=Lax/);
    expect(header).toMatch(/; Path=\//);
    expect(header).toContain(`Max-Age=${DEVICE_COOKIE_MAX_AGE_SECONDS}`);
    const value = header.split(';')[0]!.split('=')[1]!;
    const rows = await db().select().from(knownDevices).where(eq(knownDevices.loginId, who.id));
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(value);
    expect(cookieRegistry.find((c) => c.name === DEVICE_COOKIE)).toMatchObject({ category: 'necessary', httpOnly: true, maxAgeSeconds: DEVICE_COOKIE_MAX_AGE_SECONDS });
  });

  it('sends nothing for the first browser a login ever uses, nor for a browser it used before', async () => {
    const who = await givenLogin();
    const first = await signInFully(who);
    const again = await signInFully(who, { device: first.device });
    expect(again.device).toBe(first.device);
    expect(await mailsTo(who.email, 'new-device-sign-in')).toHaveLength(0);
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.subjectLoginId, who.id), eq(auditEvents.event, 'login.new_device')));
    expect(audit!.detail).toMatchObject({ notified: false });
  });

  it('ignores a device cookie that is not one of ours and treats the browser as new', async () => {
    const who = await givenLogin();
    await signInFully(who);
    const res = await login(who.email, who.password, { cookie: `${DEVICE_COOKIE}=not-a-device` });
    expect(deviceCookieFrom(res)).not.toBe(`${DEVICE_COOKIE}=not-a-device`);
    expect(await mailsTo(who.email, 'new-device-sign-in')).toHaveLength(1);
  });
});

describe('the new-device notice', () => {
  it('mails when, which kind of browser and a fragment link, with no IP address, when a new browser signs in', async () => {
    const who = await givenLogin();
    await signInFully(who);
    const res = await login(who.email, who.password, { ip: '198.51.100.77', headers: { 'user-agent': FIREFOX } });
    expect(res.status).toBe(200);
    const notice = (await noticeTo(who.email))!;
    expect(notice.mail.subject).toContain('New sign-in');
    expect(notice.mail.bodyText).toContain('Browser: Firefox on Linux');
    expect(notice.mail.bodyText).toMatch(/When: \w+day, \w+ \d{1,2}, \d{4} at \d{1,2}:\d{2} [AP]M P[SD]T/);
    expect(notice.mail.bodyText).not.toContain('198.51.100');
    expect(notice.mail.bodyText).not.toContain(FIREFOX);
    expect(notice.url.pathname).toBe('/account/end-session/');
    expect(notice.url.search).toBe('');
    expect(notice.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The code stands alone too, for a browser without JavaScript.
    expect(notice.mail.bodyText).toContain(`\n${notice.token}\n`);
    const stored = await db().select().from(sessionEndLinks).where(eq(sessionEndLinks.loginId, who.id));
    expect(JSON.stringify(stored)).not.toContain(notice.token);
  });

  it('waits for the second factor: a password alone on a login with an app sends nothing', async () => {
    const totpSecret = newTotpSecret();
    const who = await givenLogin({ totpSecret });
    await signInFully({ ...who, totpSecret });
    const pending = sessionCookieFrom(await login(who.email, who.password))!;
    expect(await mailsTo(who.email, 'new-device-sign-in')).toHaveLength(0);
    const done = await postJson('/api/accounts/login/second-factor', { code: await totpCode(totpSecret, new Date(Date.now() + 30_000)) }, { cookie: pending });
    expect(done.status).toBe(200);
    expect(await mailsTo(who.email, 'new-device-sign-in')).toHaveLength(1);
  });
});

describe('the end-session link', () => {
  async function intruded() {
    const who = await givenLogin();
    const mine = await signInFully(who);
    const theirs = await signInFully(who);
    const notice = (await noticeTo(who.email))!;
    return { who, mine, theirs, token: notice.token };
  }

  it('ends the session it names, and no other, without signing anyone in', async () => {
    const { who, mine, theirs, token } = await intruded();
    expect((await get('/api/accounts/me', { cookie: theirs.cookie })).status).toBe(200);
    const res = await postJson('/api/accounts/sessions/end-by-link', { token });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'session-ended-by-link' });
    expect(res.headers.getSetCookie()).toEqual([]);
    expect((await get('/api/accounts/me', { cookie: theirs.cookie })).status).toBe(401);
    expect((await get('/api/accounts/me', { cookie: mine.cookie })).status).toBe(200);
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.subjectLoginId, who.id), eq(auditEvents.event, 'session.revoked')));
    expect(audit!.detail).toMatchObject({ scope: 'one', reason: 'new_device_link' });
  });

  it('works once: a used link is refused with 410', async () => {
    const { token } = await intruded();
    expect((await postJson('/api/accounts/sessions/end-by-link', { token })).status).toBe(200);
    const again = await postJson('/api/accounts/sessions/end-by-link', { token });
    expect(again.status).toBe(410);
    expect((await errorOf(again)).code).toBe('link_used');
  });

  it('refuses a tampered or unknown link with 400, an expired one with 410, and changes nothing', async () => {
    const { theirs, token } = await intruded();
    const flipped = `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;
    for (const bad of [flipped, token.slice(0, 42), `${token}x`, 'a.b.c']) {
      const res = await postJson('/api/accounts/sessions/end-by-link', { token: bad });
      expect(res.status, bad).toBe(400);
      expect((await errorOf(res)).code).toBe('link_invalid');
    }
    await db().update(sessionEndLinks).set({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    const expired = await postJson('/api/accounts/sessions/end-by-link', { token });
    expect(expired.status).toBe(410);
    expect((await errorOf(expired)).code).toBe('link_expired');
    expect((await get('/api/accounts/me', { cookie: theirs.cookie })).status).toBe(200);
  });

  it('works as a plain form from the landing page, which never reads a token from the URL', async () => {
    const { token } = await intruded();
    const page = await (await get(`/account/end-session/?token=${token}`)).text();
    expect(page).toContain('data-link-fields="token"');
    expect(page).not.toContain(token);
    const res = await postForm('/api/accounts/sessions/end-by-link', { token });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/account/end-session/?status=session-ended-by-link');
    const bad = await postForm('/api/accounts/sessions/end-by-link', { token: '' });
    expect(bad.headers.get('Location')).toBe('/account/end-session/?error=invalid_request&field=token');
  });

  it('is forgotten by the daily clean-up a day after it was used', async () => {
    const { who, token } = await intruded();
    await postJson('/api/accounts/sessions/end-by-link', { token });
    await purgeSecondFactorRecords(db(), new Date(Date.now() + 2 * 86_400_000));
    expect(await db().select().from(sessionEndLinks).where(eq(sessionEndLinks.loginId, who.id))).toHaveLength(0);
  });
});
