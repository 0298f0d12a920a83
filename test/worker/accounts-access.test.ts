import { eq } from 'drizzle-orm';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { accounts, householdProfiles, meters, outboxEmails, servicePoints } from '../../db/schema';
import app from '../../worker/index';
import { db, get, givenProvableAccount, postForm, postJson, uniqueEmail } from './support/accounts';
import { givenAccount, signedIn, uniqueId } from './support/sign-in';

const profileFields = (account: string) => ({
  account,
  displayName: 'Ada Example',
  phone: '(209) 555-0199',
  mailingStreet: '12 Heron Way',
  mailingCity: 'Alder Creek',
  mailingRegion: 'ca',
  mailingPostalCode: '95990',
  occupants: '3',
  landscapeType: 'drought_tolerant',
  landscapeSqFt: '800',
  hasPool: 'on',
  toilets: '2',
  showers: '1',
  highEfficiencyWasher: 'on',
});

describe('who may call the customer routes', () => {
  const customerRoutes: [string, string, unknown][] = [
    ['GET', '/api/accounts/me', undefined],
    ['GET', '/api/accounts/sessions', undefined],
    ['GET', '/api/accounts/profile', undefined],
    ['POST', '/api/accounts/profile', { account: 'acct-x' }],
    ['POST', '/api/accounts/logout', {}],
    ['POST', '/api/accounts/logout-everywhere', {}],
    ['POST', '/api/accounts/sessions/end', { scope: 'others' }],
    ['POST', '/api/accounts/password', { currentPassword: 'x', newPassword: 'a long enough phrase' }],
    ['POST', '/api/accounts/email', { newEmail: 'x@customers.example', currentPassword: 'x' }],
  ];
  for (const [method, path, body] of customerRoutes) {
    it(`refuses an anonymous ${method} ${path}`, async () => {
      const res = method === 'GET' ? await get(path) : await postJson(path, body);
      expect(res.status).toBe(401);
    });
  }

  it('sends an anonymous visitor of an account page to the sign-in page', async () => {
    for (const page of ['/account/', '/account/profile/', '/account/security/']) {
      const res = await get(page);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/login/?error=unauthenticated');
    }
  });

  it("refuses another customer's profile, read or write", async () => {
    const accountId = await givenAccount();
    await signedIn({ holderOf: [accountId] });
    const other = await signedIn({ holderOf: [await givenAccount()] });
    expect((await get(`/api/accounts/profile?account=${accountId}`, { cookie: other.cookie })).status).toBe(404);
    expect((await postJson('/api/accounts/profile', profileFields(accountId), { cookie: other.cookie })).status).toBe(404);
    const page = await get(`/account/profile/?account=${accountId}`, { cookie: other.cookie });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/account/?error=not_found');
    const [row] = await db().select().from(accounts).where(eq(accounts.id, accountId));
    expect(row!.mailingStreet).toBeNull();
  });

  it('refuses the profile to a delegate without the manage right, while showing the account on the dashboard', async () => {
    const accountId = await givenAccount();
    const delegate = await signedIn({ delegateOf: [{ accountId, usage: true }] });
    expect((await get(`/api/accounts/profile?account=${accountId}`, { cookie: delegate.cookie })).status).toBe(404);
    expect((await postJson('/api/accounts/profile', profileFields(accountId), { cookie: delegate.cookie })).status).toBe(404);
    const me = await (await get('/api/accounts/me', { cookie: delegate.cookie })).json<{ accounts: { id: string; relationship: string }[] }>();
    expect(me.accounts).toEqual([expect.objectContaining({ id: accountId, relationship: 'delegate' })]);
    const manager = await signedIn({ delegateOf: [{ accountId, manage: true }] });
    expect((await get(`/api/accounts/profile?account=${accountId}`, { cookie: manager.cookie })).status).toBe(200);
  });

  it('does not list an account to a delegate with no right at all, nor to another customer', async () => {
    const accountId = await givenAccount();
    const nobody = await signedIn({ delegateOf: [{ accountId }] });
    const other = await signedIn({ holderOf: [await givenAccount()] });
    for (const who of [nobody, other]) {
      const me = await (await get('/api/accounts/me', { cookie: who.cookie })).json<{ accounts: { id: string }[] }>();
      expect(me.accounts.map((a) => a.id)).not.toContain(accountId);
    }
  });
});

describe('dashboard and profile', () => {
  it('shows the holder the masked account number, service address and meters', async () => {
    const account = await givenProvableAccount();
    const [point] = await db().select().from(servicePoints).where(eq(servicePoints.accountId, account.accountId));
    await db().insert(meters).values({ id: uniqueId('mtr'), servicePointId: point!.id, serialNumber: uniqueId('W'), kind: 'water', unit: 'gal', intervalMinutes: 60, installedOn: '2020-01-01' });
    const holder = await signedIn({ holderOf: [account.accountId] });
    const me = await (await get('/api/accounts/me', { cookie: holder.cookie })).json<{ accounts: { number: string; servicePoints: { address: string; meters: { kind: string }[] }[] }[] }>();
    expect(me.accounts[0]!.number).toBe(`•••• ${account.accountNumber.slice(-4)}`);
    expect(JSON.stringify(me)).not.toContain(account.accountNumber);
    expect(me.accounts[0]!.servicePoints[0]!.address).toContain('12 Heron Way');
    expect(me.accounts[0]!.servicePoints[0]!.meters[0]!.kind).toBe('water');

    const page = await (await get('/account/', { cookie: holder.cookie })).text();
    expect(page).toContain(`•••• ${account.accountNumber.slice(-4)}`);
    expect(page).toContain('12 Heron Way');
    expect(page).toContain('Water meter');
  });

  it('saves name, phone, mailing address and household, by JSON or plain form', async () => {
    const accountId = await givenAccount();
    const holder = await signedIn({ holderOf: [accountId] });
    const form = await postForm('/api/accounts/profile', profileFields(accountId), { cookie: holder.cookie });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe(`/account/profile/?account=${accountId}&status=profile-saved`);
    const profile = await (await get(`/api/accounts/profile?account=${accountId}`, { cookie: holder.cookie })).json<Record<string, unknown>>();
    expect(profile).toMatchObject({ displayName: 'Ada Example', phone: '(209) 555-0199', mailingRegion: 'CA', occupants: 3, landscapeType: 'drought_tolerant', hasPool: true, toilets: 2, highEfficiencyWasher: true, dishwasher: false });
    const [household] = await db().select().from(householdProfiles).where(eq(householdProfiles.accountId, accountId));
    expect(household!.fixtures).toMatchObject({ toilets: 2, showers: 1, highEfficiencyWasher: true });

    const page = await (await get(`/account/profile/?account=${accountId}&status=profile-saved`, { cookie: holder.cookie })).text();
    expect(page).toContain('value="Ada Example"');
    expect(page).toMatch(/name="hasPool"[^>]*checked/);
    expect(page).toMatch(/value="drought_tolerant"[^>]*selected/);
    expect(page).toContain('Your profile is saved.');

    const bad = await postJson('/api/accounts/profile', { ...profileFields(accountId), occupants: '-1', mailingPostalCode: 'nope' }, { cookie: holder.cookie });
    expect(bad.status).toBe(422);
    const fields = (await bad.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['occupants', 'mailingPostalCode']));
  });

  it('fills the security page with sessions and sign-ins', async () => {
    const holder = await signedIn();
    const page = await (await get('/account/security/', { cookie: holder.cookie })).text();
    expect(page).toContain(`${holder.loginId}@test.example`);
    expect(page).toContain('This session');
    expect(page).toContain('name="session"');
  });
});

describe('pages filled by the worker', () => {
  it('shows the message of a known code and never echoes the query', async () => {
    const ok = await (await get('/login/?status=signed-out')).text();
    expect(ok).toContain('You are signed out.');
    const evil = await (await get('/login/?status=%3Cscript%3Ealert(1)%3C/script%3E&error=Call%20555')).text();
    expect(evil).not.toContain('<script>alert');
    expect(evil).not.toContain('Call 555');
    expect(evil).toContain('Some fields are missing');
  });

  it('never takes a link token from the URL: the landing form asks for it (the page script reads the fragment)', async () => {
    const page = await (await get('/register/verify/?token=v.abc.def.ghi')).text();
    expect(page).not.toContain('v.abc.def.ghi');
    expect(page).toMatch(/<input[^>]*name="token"/);
    expect(page).toContain('data-link-fields="token"');
  });

  it('serves the security headers on filled pages', async () => {
    const res = await get('/login/');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('dev outbox', () => {
  it('lists queued mail with clickable links in development', async () => {
    const to = uniqueEmail('outbox');
    await db().insert(outboxEmails).values({ id: uniqueId('mail'), toAddress: to, subject: 'Test link', bodyText: `Open ${env.PORTAL_ORIGIN}/register/verify/#token=v.1.abc.def now`, kind: 'verify-email' });
    const res = await get('/dev/outbox/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(to);
    expect(html).toContain('<a href="/register/verify/#token=v.1.abc.def">');
  });

  it('is not there outside development', async () => {
    const res = await app.fetch(new Request('https://portal.aldercreek-utility.example/dev/outbox/'), { ...env, ENVIRONMENT: 'production' });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('outbox');
  });
});

describe('header link', () => {
  it('offers "Sign in" to a visitor and "Your account" to a browser holding a session', async () => {
    const anonymous = await (await get('/')).text();
    expect(anonymous).toMatch(/<a class="sign-in" href="\/login\/">Sign in<\/a>/);
    const { cookie } = await signedIn();
    const signedInPage = await (await get('/', { cookie })).text();
    expect(signedInPage).toMatch(/<a class="sign-in" href="\/account\/">Your account<\/a>/);
  });
});
