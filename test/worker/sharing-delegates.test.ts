/**
 * Additional users: the holder invites by e-mail with the rights they choose, the invitee accepts
 * with an existing or a new login, either side ends it at once, and the holders hear of every
 * change. Invitation codes cannot be forged, reused or used late; inviting needs a fresh proof;
 * bad input names its fields and writes nothing; what a delegate downloads goes in the log.
 */
import { and, eq } from 'drizzle-orm';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { accountAccess, delegateInvitations, disclosures, logins } from '../../db/schema';
import { deliverNotice } from '../../worker/alerts/delivery/deliver-notice';
import { endExpiredGrants } from '../../worker/sharing/delegates';
import { runSharingMaintenance } from '../../worker/sharing/maintenance';
import { depsAt, get, givenLogin, login, mailsTo, postForm, postJson, uniqueEmail } from './support/accounts';
import { givenHousehold, givenNotice } from './support/delivery-fixtures';
import { db, givenAccount, signedIn } from './support/sign-in';
import { givenReads } from './support/usage-fixtures';
import { installWriteLog, takeWrites } from './support/write-log';

const allRights = { usage: true, billing: true, pay: true, manage: true, alerts: true };
/** A last day within the five years a holder may choose, whatever the date the suite runs. */
const nextYear = `${new Date().getUTCFullYear() + 1}-06-30`;

/** The code of the newest invitation mailed to `address`, as the link's fragment carries it. */
async function invitationCodeFor(address: string) {
  const [mail] = await mailsTo(address, 'delegate-invitation');
  if (!mail) throw new Error('no invitation mail');
  const url = /https?:\/\/\S+/.exec(mail.bodyText)![0];
  expect(new URL(url).search).toBe('');
  return new URLSearchParams(new URL(url).hash.slice(1)).get('code')!;
}

async function invite(cookie: string, account: string, email: string, rights: Partial<typeof allRights> = { usage: true }, until?: string) {
  return postJson('/api/sharing/invitations', { account, email, ...rights, ...(until ? { until } : {}) }, { cookie });
}

async function grantOf(loginId: string, accountId: string) {
  const [row] = await db().select().from(accountAccess).where(and(eq(accountAccess.loginId, loginId), eq(accountAccess.accountId, accountId)));
  return row ?? null;
}

/** A household whose holder invited a new address, and an existing verified login at that address with a session. */
async function invitedExistingLogin(rights: Partial<typeof allRights> = { usage: true }) {
  const h = await givenHousehold();
  const invitee = await givenLogin({ email: uniqueEmail('invitee') });
  expect((await invite(h.cookie, h.accountId, invitee.email, rights)).status).toBe(200);
  const signIn = await login(invitee.email, invitee.password);
  const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
  return { h, invitee, cookie, code: await invitationCodeFor(invitee.email) };
}

describe('inviting', () => {
  it('mails the invitee a link with its code only in the fragment, tells the holder, and records the rights chosen', async () => {
    const h = await givenHousehold();
    const email = uniqueEmail('partner');
    const res = await invite(h.cookie, h.accountId, email, { usage: true, billing: true }, nextYear);
    expect(res.status).toBe(200);
    const { invitation } = await res.json<{ invitation: string }>();
    const [row] = await db().select().from(delegateInvitations).where(eq(delegateInvitations.id, invitation));
    expect(row).toMatchObject({ accountId: h.accountId, email, canViewUsage: true, canViewBilling: true, canPay: false, canManage: false, canReceiveAlerts: false, accessUntil: nextYear });
    const code = await invitationCodeFor(email);
    expect(row!.tokenHash).not.toContain(code.split('.')[1]!);
    const [mail] = await mailsTo(email, 'delegate-invitation');
    expect(mail!.bodyText).toContain('- See usage\n- See bills');
    expect(await mailsTo(h.holder.email, 'delegate-invited-notice')).toHaveLength(1);
  });

  it("writes in each reader's language: the invitee in the inviter's, each holder and the delegate in their own", async () => {
    const h = await givenHousehold();
    await db().update(logins).set({ locale: 'es' }).where(eq(logins.id, h.holder.id));
    const invitee = await givenLogin({ email: uniqueEmail('invitee') });
    expect((await invite(h.cookie, h.accountId, invitee.email, { usage: true, billing: true }, nextYear)).status).toBe(200);
    const [invitation] = await mailsTo(invitee.email, 'delegate-invitation');
    expect(invitation!.subject).toMatch(/le invita a su cuenta de /);
    expect(invitation!.bodyText).toContain('- Ver el consumo\n- Ver las facturas');
    expect(invitation!.bodyText).toContain(`Su acceso terminaría después del 30 de junio de ${nextYear.slice(0, 4)}.`);
    expect(invitation!.bodyText).toContain('/es/account/sharing/accept/#code=');
    // The holder's page in Spanish lists the waiting invitation with its rights in Spanish.
    const page = await (await get(`/es/account/sharing/?account=${h.accountId}&status=delegate-invited`, { cookie: h.cookie })).text();
    expect(page).toContain('<html lang="es"');
    expect(page).toContain('Se envió la invitación. Funciona durante 7 días');
    expect(page).toContain(`A <strong>${invitee.email}</strong>, enviada el `);
    expect(page).toContain('Podría: Ver el consumo, Ver las facturas; hasta el final del 30 de junio de');
    expect((await (await get('/es/account/sharing/accept/')).text())).toContain('Aceptar una invitación');
    const [notice] = await mailsTo(h.holder.email, 'delegate-invited-notice');
    expect(notice!.subject).toBe('Se envió una invitación a su cuenta de Alder Creek');

    // The invitee reads English: once a delegate, the notices to them are in English, the holder's stay Spanish.
    const signIn = await login(invitee.email, invitee.password);
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    expect((await postJson('/api/sharing/invitations/accept', { code: await invitationCodeFor(invitee.email) }, { cookie })).status).toBe(200);
    expect((await mailsTo(h.holder.email, 'delegate-added-notice'))[0]!.subject).toBe('Alguien tiene ahora acceso a su cuenta de Alder Creek');
    expect((await postJson('/api/sharing/delegates/end', { account: h.accountId, delegate: invitee.id }, { cookie: h.cookie })).status).toBe(200);
    expect((await mailsTo(invitee.email, 'delegate-ended'))[0]!.subject).toBe('Your access to a Alder Creek account has ended');
    expect((await mailsTo(h.holder.email, 'delegate-ended-notice'))[0]!.bodyText).toContain('El titular de la cuenta lo terminó.');
  });

  it('asks for a fresh proof first, and writes nothing without it', async () => {
    const accountId = await givenAccount();
    const holder = await signedIn({ holderOf: [accountId], steppedUp: false });
    await installWriteLog();
    await takeWrites();
    const res = await invite(holder.cookie, accountId, uniqueEmail());
    expect(res.status).toBe(403);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('step_up_required');
    expect((await takeWrites()).filter((w) => w.table !== 'sessions')).toEqual([]);
    const form = await postForm('/api/sharing/invitations', { account: accountId, email: uniqueEmail(), usage: 'on' }, { cookie: holder.cookie });
    expect(form.status).toBe(303);
    expect(form.headers.get('Location')).toBe(`/account/confirm/?return=${encodeURIComponent(`/account/sharing/?account=${accountId}`)}`);
  });

  it.each([
    ['no right at all', { email: 'x@customers.example' }, 'usage'],
    ['paying without seeing the bills', { email: 'x@customers.example', pay: true }, 'pay'],
    ['a last day already past', { email: 'x@customers.example', usage: true, until: '2020-01-01' }, 'until'],
    ['a date that does not exist', { email: 'x@customers.example', usage: true, until: '2027-02-30' }, 'until'],
    ['an address that is not one', { email: 'not-an-address', usage: true }, 'email'],
  ])('refuses %s, naming the field, and writes nothing', async (_, body, field) => {
    const h = await givenHousehold();
    await installWriteLog();
    await takeWrites();
    const res = await postJson('/api/sharing/invitations', { account: h.accountId, ...body }, { cookie: h.cookie });
    expect(res.status).toBe(422);
    const error = (await res.json<{ error: { fields: { field: string }[] } }>()).error;
    expect(error.fields.map((f) => f.field)).toContain(field);
    expect((await takeWrites()).filter((w) => w.table !== 'sessions')).toEqual([]);
  });

  it('refuses a second open invitation to the same address, and someone who already has access', async () => {
    const h = await givenHousehold();
    const email = uniqueEmail();
    expect((await invite(h.cookie, h.accountId, email)).status).toBe(200);
    expect((await invite(h.cookie, h.accountId, email)).status).toBe(409);
    expect((await invite(h.cookie, h.accountId, h.holder.email)).status).toBe(409);
  });

  it('lets only a holder invite: a delegate with every right, another customer and an anonymous caller are refused', async () => {
    const h = await givenHousehold();
    const delegate = await signedIn({ delegateOf: [{ accountId: h.accountId, ...allRights }] });
    const stranger = await signedIn({ holderOf: [await givenAccount()] });
    expect((await invite(delegate.cookie, h.accountId, uniqueEmail())).status).toBe(404);
    expect((await invite(stranger.cookie, h.accountId, uniqueEmail())).status).toBe(404);
    expect((await postJson('/api/sharing/invitations', { account: h.accountId, email: uniqueEmail(), usage: true })).status).toBe(401);
  });

  it('stops a holder at 10 invitations a day', async () => {
    const h = await givenHousehold();
    for (let i = 0; i < 10; i++) expect((await invite(h.cookie, h.accountId, uniqueEmail())).status).toBe(200);
    expect((await invite(h.cookie, h.accountId, uniqueEmail())).status).toBe(429);
  });
});

describe('accepting', () => {
  it('gives an existing login exactly the rights chosen, and tells the holder which login accepted', async () => {
    const { h, invitee, cookie, code } = await invitedExistingLogin({ usage: true, billing: true, pay: true });
    const res = await postJson('/api/sharing/invitations/accept', { code }, { cookie });
    expect(res.status).toBe(200);
    expect(await grantOf(invitee.id, h.accountId)).toMatchObject({ relationship: 'delegate', canViewUsage: true, canViewBilling: true, canPay: true, canManage: false, canReceiveAlerts: false, expiresAt: null });
    const [notice] = await mailsTo(h.holder.email, 'delegate-added-notice');
    expect(notice!.bodyText).toContain(invitee.email);
    // The delegate now sees the account's usage and bills.
    expect((await get('/api/usage/meters', { cookie })).status).toBe(200);
    expect((await get(`/api/usage/meters/${h.meter.meterId}/series?from=2026-10-01&to=2026-10-07`, { cookie })).status).toBe(200);
  });

  it('refuses a reused code', async () => {
    const { cookie, code } = await invitedExistingLogin();
    expect((await postJson('/api/sharing/invitations/accept', { code }, { cookie })).status).toBe(200);
    const again = await postJson('/api/sharing/invitations/accept', { code }, { cookie });
    expect(again.status).toBe(410);
    expect((await again.json<{ error: { code: string } }>()).error.code).toBe('invitation_used');
  });

  it('refuses a forged or altered code before anything is granted', async () => {
    const { h, invitee, cookie, code } = await invitedExistingLogin();
    const [id, secret, mac] = code.split('.') as [string, string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const forged of [`${id}.${flip(secret)}.${mac}`, `${id}.${secret}.${flip(mac)}`, `${crypto.randomUUID()}.${secret}.${mac}`, 'not-a-code']) {
      const res = await postJson('/api/sharing/invitations/accept', { code: forged }, { cookie });
      expect(res.status).toBe(400);
      expect((await res.json<{ error: { code: string } }>()).error.code).toBe('invitation_invalid');
    }
    expect(await grantOf(invitee.id, h.accountId)).toBeNull();
  });

  it('refuses an invitation past its 7 days, and one the holder withdrew', async () => {
    const late = await invitedExistingLogin();
    await db().update(delegateInvitations).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(delegateInvitations.email, late.invitee.email));
    expect((await postJson('/api/sharing/invitations/accept', { code: late.code }, { cookie: late.cookie })).status).toBe(410);

    const withdrawn = await invitedExistingLogin();
    const [row] = await db().select().from(delegateInvitations).where(eq(delegateInvitations.email, withdrawn.invitee.email));
    expect((await postJson('/api/sharing/invitations/withdraw', { account: withdrawn.h.accountId, invitation: row!.id }, { cookie: withdrawn.h.cookie })).status).toBe(200);
    const res = await postJson('/api/sharing/invitations/accept', { code: withdrawn.code }, { cookie: withdrawn.cookie });
    expect(res.status).toBe(410);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('invitation_expired');
    expect(await grantOf(withdrawn.invitee.id, withdrawn.h.accountId)).toBeNull();
  });

  it('needs a signed-in customer login with a confirmed e-mail', async () => {
    const { code } = await invitedExistingLogin();
    expect((await postJson('/api/sharing/invitations/accept', { code })).status).toBe(401);
    const staff = await signedIn({ role: 'support' });
    expect((await postJson('/api/sharing/invitations/accept', { code }, { cookie: staff.cookie })).status).toBe(403);
  });

  it('creates a login for someone without one, with the invited address already confirmed, who can then sign in', async () => {
    const h = await givenHousehold();
    const email = uniqueEmail('newcomer');
    await invite(h.cookie, h.accountId, email, { usage: true, alerts: true });
    const code = await invitationCodeFor(email);
    const res = await postForm('/api/sharing/invitations/register', { code, displayName: 'Sam', password: 'a quiet river at dawn' });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/login/?status=delegate-login-created');
    const [created] = await db().select().from(logins).where(eq(logins.email, email));
    expect(created!.emailVerifiedAt).not.toBeNull();
    expect(await grantOf(created!.id, h.accountId)).toMatchObject({ relationship: 'delegate', canViewUsage: true, canReceiveAlerts: true });
    expect((await login(email, 'a quiet river at dawn')).status).toBe(200);
    // The code is spent: it cannot make a second login.
    expect((await postForm('/api/sharing/invitations/register', { code, password: 'another quiet river' })).status).toBe(303);
    expect(await db().select().from(logins).where(eq(logins.email, email))).toHaveLength(1);
  });
});

describe('changing and ending', () => {
  it('ends access at once: the delegate\'s open session is refused on its next request, and both sides are told', async () => {
    const { h, invitee, cookie, code } = await invitedExistingLogin({ usage: true });
    await postJson('/api/sharing/invitations/accept', { code }, { cookie });
    const series = `/api/usage/meters/${h.meter.meterId}/series?from=2026-10-01&to=2026-10-07`;
    expect((await get(series, { cookie })).status).toBe(200);
    expect((await postJson('/api/sharing/delegates/end', { account: h.accountId, delegate: invitee.id }, { cookie: h.cookie })).status).toBe(200);
    expect((await get(series, { cookie })).status).toBe(404);
    expect(await mailsTo(h.holder.email, 'delegate-ended-notice')).toHaveLength(1);
    expect(await mailsTo(invitee.email, 'delegate-ended')).toHaveLength(1);
  });

  it('lets a delegate give up their access, and tells the holder', async () => {
    const { h, invitee, cookie, code } = await invitedExistingLogin();
    await postJson('/api/sharing/invitations/accept', { code }, { cookie });
    expect((await postJson('/api/sharing/leave', { account: h.accountId }, { cookie })).status).toBe(200);
    expect(await grantOf(invitee.id, h.accountId)).toBeNull();
    expect((await mailsTo(h.holder.email, 'delegate-ended-notice'))[0]!.bodyText).toContain('The person ended it themselves.');
    // A holder cannot "leave" their own account this way.
    expect((await postJson('/api/sharing/leave', { account: h.accountId }, { cookie: h.cookie })).status).toBe(404);
  });

  it('changes rights only after a fresh proof; the change applies on the next request and both sides are told', async () => {
    const accountId = await givenAccount();
    const holder = await signedIn({ holderOf: [accountId] });
    const delegate = await signedIn({ delegateOf: [{ accountId, usage: true }] });
    const stale = await signedIn({ holderOf: [accountId], steppedUp: false });
    expect((await postJson('/api/sharing/delegates', { account: accountId, delegate: delegate.loginId, usage: true, billing: true }, { cookie: stale.cookie })).status).toBe(403);
    const bills = `/api/billing/accounts/${accountId}/bills`;
    expect((await get(bills, { cookie: delegate.cookie })).status).toBe(404);
    expect((await postJson('/api/sharing/delegates', { account: accountId, delegate: delegate.loginId, usage: true, billing: true }, { cookie: holder.cookie })).status).toBe(200);
    expect(await grantOf(delegate.loginId, accountId)).toMatchObject({ canViewBilling: true, canPay: false });
    expect((await get(bills, { cookie: delegate.cookie })).status).toBe(200);
    expect(await mailsTo(`${delegate.loginId}@test.example`, 'delegate-changed')).toHaveLength(1);
  });

  it('keeps access until the end of the last day chosen, then refuses it; the daily run removes it and tells both sides', async () => {
    const h = await givenHousehold();
    const delegate = await givenLogin();
    const ended = new Date(Date.now() - 60_000).toISOString();
    await db().insert(accountAccess).values({ loginId: delegate.id, accountId: h.accountId, relationship: 'delegate', canViewUsage: true, expiresAt: ended });
    const signIn = await login(delegate.email, delegate.password);
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    expect((await get(`/api/usage/meters/${h.meter.meterId}/series?from=2026-10-01&to=2026-10-07`, { cookie })).status).toBe(404);
    expect(await endExpiredGrants(await depsAt(new Date()))).toBeGreaterThanOrEqual(1);
    expect(await grantOf(delegate.id, h.accountId)).toBeNull();
    expect((await mailsTo(delegate.email, 'delegate-ended'))[0]!.bodyText).toContain('last day chosen');
  });

  it('turns a chosen last day into the end of that day in the utility\'s time zone', async () => {
    const h = await givenHousehold();
    const email = uniqueEmail();
    await invite(h.cookie, h.accountId, email, { usage: true }, `${new Date().getUTCFullYear() + 1}-01-15`);
    const delegate = await givenLogin({ email });
    const cookie = (await login(email, delegate.password)).headers.getSetCookie()[0]!.split(';')[0]!;
    await postJson('/api/sharing/invitations/accept', { code: await invitationCodeFor(email) }, { cookie });
    // Midnight at the start of 16 January in Pacific standard time.
    expect((await grantOf(delegate.id, h.accountId))!.expiresAt).toBe(`${new Date().getUTCFullYear() + 1}-01-16T08:00:00.000Z`);
  });
});

describe('alerts for a delegate', () => {
  const deps = () => ({ db: db(), secret: env.LINK_SIGNING_SECRET, origin: env.PORTAL_ORIGIN, now: new Date('2026-10-03T21:00:00Z') });

  it('sends the account\'s alerts to a delegate given the right to receive them, stops when it is taken away, and never to one without it', async () => {
    const { h, invitee, cookie, code } = await invitedExistingLogin({ usage: true, alerts: true });
    await postJson('/api/sharing/invitations/accept', { code }, { cookie });
    const onlyUsage = await invitedExistingLogin({ usage: true });
    await postJson('/api/sharing/invitations/accept', { code: onlyUsage.code }, { cookie: onlyUsage.cookie });
    await deliverNotice(deps(), (await givenNotice(h.meter)).noticeId);
    expect((await mailsTo(invitee.email, 'alert-opened'))).toHaveLength(1);
    await deliverNotice(deps(), (await givenNotice(onlyUsage.h.meter)).noticeId);
    expect(await mailsTo(onlyUsage.invitee.email, 'alert-opened')).toHaveLength(0);

    expect((await postJson('/api/sharing/delegates', { account: h.accountId, delegate: invitee.id, usage: true }, { cookie: h.cookie })).status).toBe(200);
    await deliverNotice(deps(), (await givenNotice(h.meter, { type: 'intermittent_leak', figures: { highNights: 4, ofNights: 7, nightPerHour: 0.8, baselinePerHour: 0 } })).noticeId);
    expect(await mailsTo(invitee.email, 'alert-opened')).toHaveLength(1);
  });
});

describe('the disclosure log', () => {
  it('logs a delegate\'s download (not the holder\'s own) and shows it to the holder only', async () => {
    const h = await givenHousehold();
    await givenReads(h.meter, ['2026-10-01', '2026-10-02'], () => 1);
    const delegate = await signedIn({ delegateOf: [{ accountId: h.accountId, usage: true }] });
    const csv = `/api/usage/meters/${h.meter.meterId}/export.csv?from=2026-10-01&to=2026-10-02`;
    expect((await get(csv, { cookie: h.cookie })).status).toBe(200);
    expect(await db().select().from(disclosures).where(eq(disclosures.accountId, h.accountId))).toHaveLength(0);
    expect((await get(csv, { cookie: delegate.cookie })).status).toBe(200);
    const [logged] = await db().select().from(disclosures).where(eq(disclosures.accountId, h.accountId));
    expect(logged).toMatchObject({ recipientKind: 'delegate', recipientId: delegate.loginId, authority: `delegate:${delegate.loginId}`, resource: `/api/usage/meters/${h.meter.meterId}/export.csv`, records: 2 });
    const view = await get(`/api/sharing/accounts/${h.accountId}`, { cookie: h.cookie });
    expect((await view.json<{ disclosures: unknown[] }>()).disclosures).toHaveLength(1);
    expect((await get(`/api/sharing/accounts/${h.accountId}`, { cookie: delegate.cookie })).status).toBe(404);
  });

  it('forgets invitations a month after they closed and log entries after 24 months', async () => {
    const accountId = await givenAccount();
    const holder = await signedIn({ holderOf: [accountId] });
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await db().insert(delegateInvitations).values({ id: crypto.randomUUID(), accountId, invitedBy: holder.loginId, email: uniqueEmail(), tokenHash: 'x', canViewUsage: true, canViewBilling: false, canPay: false, canManage: false, canReceiveAlerts: false, createdAt: old, expiresAt: old });
    await db().insert(disclosures).values({ id: crypto.randomUUID(), accountId, recipientKind: 'delegate', recipientId: 'x', recipientLabel: 'x', authority: 'delegate:x', description: 'x', resource: '/x', releasedAt: '2020-01-01T00:00:00.000Z' });
    const result = await runSharingMaintenance(env);
    expect(result.forgottenInvitations).toBeGreaterThanOrEqual(1);
    expect(result.purgedDisclosures).toBeGreaterThanOrEqual(1);
    expect(await db().select().from(delegateInvitations).where(eq(delegateInvitations.accountId, accountId))).toHaveLength(0);
    expect(await db().select().from(disclosures).where(eq(disclosures.accountId, accountId))).toHaveLength(0);
  });
});
