/**
 * The preferences page and its API: what goes where, quiet hours, extra recipients confirmed by
 * their owners and removable by either side; bad input refused with its fields named and nothing
 * written; other customers, delegates without the right, another utility's user and anonymous
 * callers refused.
 */
import { eq } from 'drizzle-orm';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { accountAccess, alertRecipients, contactPreferences, logins, recipientTopics } from '../../db/schema';
import { deliverNotice } from '../../worker/alerts/delivery/deliver-notice';
import { billingOptions } from '../../worker/payments/options';
import { signUnsubscribe } from '../../worker/preferences/unsubscribe-token';
import { septemberBill } from './support/billing-fixtures';
import { givenIngestClient, sendBatch } from './support/usage-fixtures';
import { get, postForm, postJson } from './support/accounts';
import { confirmationCodeFor, eventually, freshPhone, givenHousehold, givenNotice, givenRecipient, mailsTo, ORIGIN, phoneInbox, textsTo, withoutQuietHours } from './support/delivery-fixtures';
import { db, givenAccount, givenUtility, signedIn } from './support/sign-in';
import { installWriteLog, takeWrites } from './support/write-log';

type Prefs = { me: { email: string; topics: Record<string, { enabled: boolean }> }; recipients: { id: string; channel: string; address: string; status: string; own: boolean; topics: Record<string, { enabled: boolean; refusedByRecipient: boolean }> }[]; quietHours: { enabled: boolean; start: string | null; end: string | null; leakAlertsInQuietHours: boolean; isDefault: boolean } };

const readPrefs = async (cookie: string, account: string) => {
  const res = await get(`/api/preferences?account=${account}`, { cookie });
  expect(res.status).toBe(200);
  return res.json<Prefs>();
};

const afternoon = new Date('2026-10-03T21:00:00Z');
const deps = () => ({ db: db(), secret: env.LINK_SIGNING_SECRET, origin: env.PORTAL_ORIGIN, now: afternoon });

describe('what goes where', () => {
  it('shows the defaults before anything is saved: every alert to the login e-mail, no newsletter, quiet hours 21:00-08:00', async () => {
    const h = await givenHousehold();
    const p = await readPrefs(h.cookie, h.accountId);
    expect(p.me.email).toBe(h.holder.email);
    expect(Object.fromEntries(Object.entries(p.me.topics).map(([k, v]) => [k, v.enabled]))).toEqual({
      continuous_flow: true,
      intermittent_leak: true,
      high_use_day: true,
      high_use_period: true,
      bill_forecast: true,
      newsletter: false,
      programs: false,
    });
    expect(p.quietHours).toEqual({ enabled: true, start: '21:00', end: '08:00', leakAlertsInQuietHours: false, isDefault: true });
  });

  it('saves the topics of each recipient and the quiet hours from a plain HTML form, and delivery follows them', async () => {
    const h = await givenHousehold();
    const phone = freshPhone();
    const mobile = await givenRecipient(h.accountId, { channel: 'sms', address: phone, name: null, addedBy: h.holder.id, topics: [] });
    const res = await postForm(
      '/api/preferences',
      { account: h.accountId, recipients: `me,${mobile}`, 'me.high_use_day': 'on', 'me.newsletter': 'on', [`${mobile}.continuous_flow`]: 'on', quietHours: 'on', quietStart: '22:30', quietEnd: '06:45', leakAlertsInQuietHours: 'on' },
      { cookie: h.cookie },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe(`/account/preferences/?account=${h.accountId}&status=preferences-saved`);
    const p = await readPrefs(h.cookie, h.accountId);
    expect(Object.entries(p.me.topics).filter(([, v]) => v.enabled).map(([k]) => k)).toEqual(['high_use_day', 'newsletter']);
    expect(Object.entries(p.recipients[0]!.topics).filter(([, v]) => v.enabled).map(([k]) => k)).toEqual(['continuous_flow']);
    expect(p.quietHours).toEqual({ enabled: true, start: '22:30', end: '06:45', leakAlertsInQuietHours: true, isDefault: false });
    // Proof of each choice: how and when.
    const rows = await db().select().from(recipientTopics).where(eq(recipientTopics.recipientId, mobile));
    expect(rows.find((r) => r.topic === 'continuous_flow')).toMatchObject({ enabled: true, changedVia: 'preferences' });
    await deliverNotice(deps(), (await givenNotice(h.meter)).noticeId);
    expect(await mailsTo(h.holder.email)).toHaveLength(0);
    expect(await textsTo(phone)).toHaveLength(1);
  });

  it('turns quiet hours off, and keeps a topic the recipient turned off themselves off', async () => {
    const h = await givenHousehold();
    const sam = await givenRecipient(h.accountId, { channel: 'email', address: 'sam@family.example', topics: ['continuous_flow'] });
    await db().update(recipientTopics).set({ enabled: false, changedVia: 'link' }).where(eq(recipientTopics.recipientId, sam));
    const refused = await postJson('/api/preferences', { account: h.accountId, recipients: ['me', sam], 'me.continuous_flow': true, [`${sam}.continuous_flow`]: true }, { cookie: h.cookie });
    expect(refused.status).toBe(422);
    expect((await refused.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field)).toEqual([`${sam}.continuous_flow`]);
    const ok = await postJson('/api/preferences', { account: h.accountId, recipients: ['me', sam], 'me.continuous_flow': true, quietHours: false }, { cookie: h.cookie });
    expect(ok.status).toBe(200);
    const p = await readPrefs(h.cookie, h.accountId);
    expect(p.quietHours.enabled).toBe(false);
    expect(p.recipients[0]!.topics.continuous_flow).toEqual({ enabled: false, refusedByRecipient: true });
    const [row] = await db().select().from(contactPreferences).where(eq(contactPreferences.accountId, h.accountId));
    expect(row).toMatchObject({ quietHoursStart: null, quietHoursEnd: null });
  });
});

describe('the preferences page in Spanish', () => {
  it('shows what goes where, the recipients, paper or e-mail bills and quiet hours in Spanish at /es/account/preferences/', async () => {
    const h = await givenHousehold();
    const address = `vecina-${Date.now()}@family.example`;
    const added = await postForm('/api/preferences/recipients', { account: h.accountId, channel: 'email', address, name: 'Lucía', topics: 'continuous_flow' }, { cookie: h.cookie, headers: { Referer: `${ORIGIN}/es/account/preferences/` } });
    expect(added.headers.get('Location')).toBe(`/es/account/preferences/?account=${h.accountId}&status=recipient-invited`);
    const res = await get(added.headers.get('Location')!, { cookie: h.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="es"');
    expect(html).toContain('Enviamos una confirmación a esa dirección.');
    expect(html).toContain('<caption>Qué alertas van adónde</caption>');
    expect(html).toContain('<th scope="row">Fuga: agua que corre sin parar</th>');
    expect(html).toContain(`<th scope="col">Lucía, correo electrónico a ${address}</th>`);
    // A pending recipient, with the time its confirmation left written for a Spanish reader.
    expect(html).toMatch(/esperando a que su dueño confirme; no se envía nada antes \(confirmación enviada el <time datetime="[^"]+">\d{1,2} \p{L}+\.? \d{4}/u);
    expect(html).toContain('data-confirm="¿Dejar de enviar alertas allí?"');
    expect(html).toContain('>Enviar la confirmación de nuevo</button>');
    expect(html).toContain('Facturas en papel por correo postal');
    expect(html).toContain('Horas de silencio para los mensajes de texto');
    expect(html).toMatch(/name="quietStart"[^>]*value="21:00"/);
    expect(html).toContain('Boletín (unas pocas veces al año)');
    expect(html).not.toContain('Which alerts go where');
    expect(html).not.toContain('waiting for its owner');
  });
});

describe('bad input is refused with its fields named, and nothing is written', () => {
  it('refuses bad quiet hours, phone numbers, e-mail addresses and topics', async () => {
    const h = await givenHousehold();
    await installWriteLog();
    const cases: [string, unknown, string[]][] = [
      ['/api/preferences', { account: h.accountId, recipients: ['me'], quietHours: true, quietStart: '25:00', quietEnd: '7am' }, ['quietStart', 'quietEnd']],
      ['/api/preferences', { account: h.accountId, recipients: ['me'], quietHours: true, quietStart: '22:00', quietEnd: '22:00' }, ['quietEnd']],
      ['/api/preferences', { account: h.accountId, recipients: ['me'], quietHours: true }, ['quietStart', 'quietEnd']],
      ['/api/preferences', { account: h.accountId, recipients: ['me', '00000000-0000-4000-8000-000000000000'] }, ['recipients']],
      ['/api/preferences', { account: h.accountId, recipients: ['me'], 'me.not_a_topic': true }, ['me.not_a_topic']],
      ['/api/preferences/recipients', { account: h.accountId, channel: 'sms', address: '555-0123' }, ['address']],
      ['/api/preferences/recipients', { account: h.accountId, channel: 'sms', address: '+44 20 7946 0958' }, ['address']],
      ['/api/preferences/recipients', { account: h.accountId, channel: 'sms', address: '(209) 111-0123' }, ['address']],
      ['/api/preferences/recipients', { account: h.accountId, channel: 'email', address: 'not an address' }, ['address']],
      ['/api/preferences/recipients', { account: h.accountId, channel: 'pigeon', address: 'sam@family.example' }, ['channel']],
      ['/api/preferences/recipients', { account: h.accountId, channel: 'email', address: 'sam@family.example', topics: ['leaks'] }, ['topics.0']],
      ['/api/preferences/recipients', { account: h.accountId, channel: 'email', address: 'sam@family.example', name: 'x'.repeat(61) }, ['name']],
    ];
    for (const [path, body, fields] of cases) {
      await takeWrites();
      const res = await postJson(path, body, { cookie: h.cookie });
      expect(res.status, JSON.stringify(body)).toBe(422);
      const error = (await res.json<{ error: { code: string; fields: { field: string }[] } }>()).error;
      expect(error.code).toBe('invalid_request');
      expect(error.fields.map((f) => f.field).sort(), JSON.stringify(body)).toEqual([...fields].sort());
      // Only the session's idle clock may move.
      expect((await takeWrites()).filter((w) => w.table !== 'sessions'), JSON.stringify(body)).toEqual([]);
    }
  });

  it('sends a plain form back to the page with the field named', async () => {
    const h = await givenHousehold();
    const res = await postForm('/api/preferences/recipients', { account: h.accountId, channel: 'sms', address: '12' }, { cookie: h.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe(`/account/preferences/?account=${h.accountId}&error=invalid_request&field=address`);
  });
});

describe('extra recipients', () => {
  it('e-mails an invitation, sends nothing else before its owner confirms from the link, then alerts reach it', async () => {
    const h = await givenHousehold();
    const res = await postJson('/api/preferences/recipients', { account: h.accountId, channel: 'email', address: 'Landlord@Rentals.example', name: 'Landlord' }, { cookie: h.cookie });
    expect(res.status).toBe(200);
    const [invite] = await mailsTo('landlord@rentals.example');
    expect(invite!.kind).toBe('alert-recipient-confirm');
    expect(invite!.bodyText).toContain('1 Test Street');
    expect(invite!.bodyText).not.toMatch(/\?[^#\s]*code=/); // the code is in the fragment only
    expect(invite!.headers).toBeNull(); // a confirmation is not a mailing: no unsubscribe headers
    await deliverNotice(deps(), (await givenNotice(h.meter)).noticeId);
    expect((await mailsTo('landlord@rentals.example')).map((m) => m.kind)).toEqual(['alert-recipient-confirm']);
    const code = await confirmationCodeFor('landlord@rentals.example');
    const confirmed = await postJson('/api/subscriptions/confirm', { code });
    expect(confirmed.status).toBe(200);
    expect((await confirmed.json<{ status: string }>()).status).toBe('recipient-confirmed');
    await deliverNotice(deps(), (await givenNotice(h.meter, { type: 'intermittent_leak', figures: { highNights: 4, ofNights: 7, nightPerHour: 0.8, baselinePerHour: 0 } })).noticeId);
    expect((await mailsTo('landlord@rentals.example')).map((m) => m.kind)).toContain('alert-opened');
  });

  it('refuses a tampered, unknown or expired confirmation code', async () => {
    const h = await givenHousehold();
    await postJson('/api/preferences/recipients', { account: h.accountId, channel: 'email', address: 'aunt@family.example', name: 'Aunt' }, { cookie: h.cookie });
    const code = await confirmationCodeFor('aunt@family.example');
    const tampered = `${code.slice(0, -1)}${code.endsWith('A') ? 'B' : 'A'}`;
    expect((await postJson('/api/subscriptions/confirm', { code: tampered })).status).toBe(400);
    expect((await postJson('/api/subscriptions/confirm', { code: 'nonsense' })).status).toBe(400);
    await db().update(alertRecipients).set({ confirmExpiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(alertRecipients.address, 'aunt@family.example'));
    const expired = await postJson('/api/subscriptions/confirm', { code });
    expect(expired.status).toBe(410);
    expect((await expired.json<{ error: { code: string } }>()).error.code).toBe('link_expired');
    const [row] = await db().select().from(alertRecipients).where(eq(alertRecipients.address, 'aunt@family.example'));
    expect(row!.status).toBe('pending');
  });

  it("texts the customer's own mobile a confirmation it can answer with YES", async () => {
    const h = await givenHousehold();
    await withoutQuietHours(h.accountId);
    const phone = freshPhone();
    const res = await postJson('/api/preferences/recipients', { account: h.accountId, channel: 'sms', address: `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}` }, { cookie: h.cookie });
    expect(res.status).toBe(200);
    const [text] = await eventually(async () => { const inbox = await phoneInbox(phone); return inbox.length ? inbox : null; });
    expect(text!.body).toMatch(/^Alder Creek: you asked for water alerts by text for 1 Test Street\. Reply YES to agree .*\/alerts\/confirm\/#code=.* Reply STOP to refuse\.$/);
    const { inboundText } = await import('./support/delivery-fixtures');
    await inboundText(phone, 'YES');
    const p = await readPrefs(h.cookie, h.accountId);
    expect(p.recipients).toEqual([expect.objectContaining({ channel: 'sms', status: 'confirmed', own: true })]);
  });

  it('refuses adding the same address twice, or the login e-mail itself', async () => {
    const h = await givenHousehold();
    expect((await postJson('/api/preferences/recipients', { account: h.accountId, channel: 'email', address: 'twice@family.example', name: 'Twice' }, { cookie: h.cookie })).status).toBe(200);
    const again = await postJson('/api/preferences/recipients', { account: h.accountId, channel: 'email', address: 'twice@family.example', name: 'Twice' }, { cookie: h.cookie });
    expect(again.status).toBe(409);
    expect((await postJson('/api/preferences/recipients', { account: h.accountId, channel: 'email', address: h.holder.email, name: 'Me' }, { cookie: h.cookie })).status).toBe(409);
  });

  it('throttles invitations: 3 a day to one address however many accounts ask, 10 a day from one login', async () => {
    const target = 'popular@family.example';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const h = await givenHousehold();
      statuses.push((await postJson('/api/preferences/recipients', { account: h.accountId, channel: 'email', address: target, name: 'P' }, { cookie: h.cookie })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await mailsTo(target)).toHaveLength(3);
    const h = await givenHousehold();
    const mine: number[] = [];
    for (let i = 0; i < 11; i++) mine.push((await postJson('/api/preferences/recipients', { account: h.accountId, channel: 'email', address: `guest${i}@family.example`, name: 'G' }, { cookie: h.cookie })).status);
    expect(mine.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(mine[10]).toBe(429);
  });

  it('is removed by the account: nothing more is sent, and texts waiting for it are cancelled', async () => {
    const h = await givenHousehold();
    const phone = freshPhone();
    const id = await givenRecipient(h.accountId, { channel: 'sms', address: phone });
    await deliverNotice({ ...deps(), now: new Date('2026-10-04T06:30:00Z') }, (await givenNotice(h.meter)).noticeId);
    expect((await textsTo(phone)).map((t) => t.status)).toEqual(['queued']);
    const res = await postForm('/api/preferences/recipients/remove', { account: h.accountId, recipient: id }, { cookie: h.cookie });
    expect(res.headers.get('Location')).toBe(`/account/preferences/?account=${h.accountId}&status=recipient-removed`);
    expect((await textsTo(phone)).map((t) => t.status)).toEqual(['cancelled']);
    await deliverNotice(deps(), (await givenNotice(h.meter, { type: 'intermittent_leak', figures: {} })).noticeId);
    expect(await textsTo(phone)).toHaveLength(1);
    expect((await readPrefs(h.cookie, h.accountId)).recipients).toEqual([]);
  });

  it('re-sends a confirmation with a new code, and the old one stops working', async () => {
    const h = await givenHousehold();
    const added = await postJson('/api/preferences/recipients', { account: h.accountId, channel: 'email', address: 'slow@family.example', name: 'Slow' }, { cookie: h.cookie });
    const { recipient } = await added.json<{ recipient: string }>();
    const old = await confirmationCodeFor('slow@family.example');
    expect((await postJson('/api/preferences/recipients/resend', { account: h.accountId, recipient }, { cookie: h.cookie })).status).toBe(200);
    expect((await postJson('/api/subscriptions/confirm', { code: old })).status).toBe(400);
    const fresh = (await mailsTo('slow@family.example'))[0]!.bodyText;
    const code = decodeURIComponent(/#code=(\S+)/.exec(fresh)![1]!);
    expect((await postJson('/api/subscriptions/confirm', { code })).status).toBe(200);
  });
});

describe('who may read and change preferences', () => {
  it("refuses another customer, a delegate without the manage right, another utility's user and an anonymous caller", async () => {
    const h = await givenHousehold();
    const sam = await givenRecipient(h.accountId, { channel: 'email', address: 'sam2@family.example' });
    const other = await signedIn({ holderOf: [await givenAccount()] });
    const delegate = await signedIn({ delegateOf: [{ accountId: h.accountId, usage: true, billing: true, manage: false }] });
    const otherUtility = await givenUtility('other-utility');
    const foreign = await signedIn({ holderOf: [await givenAccount({ utilityId: otherUtility })] });
    const before = await db().select().from(alertRecipients).where(eq(alertRecipients.accountId, h.accountId));
    for (const caller of [other, delegate, foreign]) {
      expect((await get(`/api/preferences?account=${h.accountId}`, { cookie: caller.cookie })).status).toBe(404);
      expect((await postJson('/api/preferences', { account: h.accountId, recipients: ['me'], 'me.newsletter': true }, { cookie: caller.cookie })).status).toBe(404);
      expect((await postJson('/api/preferences/recipients', { account: h.accountId, channel: 'email', address: 'spy@evil.example', name: 'X' }, { cookie: caller.cookie })).status).toBe(404);
      expect((await postJson('/api/preferences/recipients/remove', { account: h.accountId, recipient: sam }, { cookie: caller.cookie })).status).toBe(404);
      const page = await get(`/account/preferences/?account=${h.accountId}`, { cookie: caller.cookie });
      expect(page.status).toBe(303);
      expect(page.headers.get('Location')).toBe('/account/?error=not_found');
    }
    expect((await get(`/api/preferences?account=${h.accountId}`)).status).toBe(401);
    expect((await postJson('/api/preferences/recipients', { account: h.accountId, channel: 'email', address: 'spy@evil.example', name: 'X' })).status).toBe(401);
    expect((await get(`/account/preferences/?account=${h.accountId}`)).headers.get('Location')).toBe('/login/?error=unauthenticated');
    expect(await db().select().from(alertRecipients).where(eq(alertRecipients.accountId, h.accountId))).toEqual(before);
    expect(await mailsTo('spy@evil.example')).toEqual([]);
  });

  it('lets a delegate with the manage right manage it', async () => {
    const h = await givenHousehold();
    const delegate = await signedIn({ delegateOf: [{ accountId: h.accountId, manage: true }] });
    expect((await get(`/api/preferences?account=${h.accountId}`, { cookie: delegate.cookie })).status).toBe(200);
    void accountAccess;
  });
});

describe('paper or e-mail bills (paperless billing) in the preferences', () => {
  type WithBills = Prefs & { bills: { paperless: boolean } | null };
  const paperlessAudit = async (accountId: string) =>
    (await env.DB.prepare("SELECT event FROM audit_events WHERE subject_account_id = ?1 AND event LIKE 'billing.paperless%' ORDER BY at").bind(accountId).all<{ event: string }>()).results.map((r) => r.event);

  it('shows what the pay page set, and sets the same state the pay page shows (one place, audited once per change)', async () => {
    const h = await givenHousehold();
    expect((await readPrefs(h.cookie, h.accountId) as WithBills).bills).toEqual({ paperless: false });
    expect((await postForm('/api/payments/paperless', { account: h.accountId, paperless: 'on' }, { cookie: h.cookie })).status).toBe(303);
    expect((await readPrefs(h.cookie, h.accountId) as WithBills).bills).toEqual({ paperless: true });
    const page = await (await get(`/account/preferences/?account=${h.accountId}`, { cookie: h.cookie })).text();
    expect(page).toMatch(/<input id="field-paperless-on" name="paperless" type="radio" value="on" checked/);
    expect(page).not.toMatch(/value="off" checked/);

    const save = (fields: Record<string, string>) => postForm('/api/preferences', { account: h.accountId, recipients: 'me', ...fields }, { cookie: h.cookie });
    expect((await save({ paperless: 'off' })).headers.get('Location')).toBe(`/account/preferences/?account=${h.accountId}&status=preferences-saved`);
    expect(await billingOptions(env.DB, h.accountId)).toEqual({ paperless: false, autopay: 'off' });
    expect(await (await get(`/account/pay/?account=${h.accountId}`, { cookie: h.cookie })).text()).toContain('Paperless billing is <strong>off</strong>');
    // Saved again as it is, or without the choice (a form that does not show it): nothing changes, nothing more is audited.
    await save({ paperless: 'off' });
    await save({});
    expect(await billingOptions(env.DB, h.accountId)).toEqual({ paperless: false, autopay: 'off' });
    expect(await paperlessAudit(h.accountId)).toEqual(['billing.paperless_on', 'billing.paperless_off']);
  });

  it('leaves the choice out for a delegate who may manage the account but not see its bills, and refuses it from them', async () => {
    const h = await givenHousehold();
    const delegate = await signedIn({ delegateOf: [{ accountId: h.accountId, usage: true, billing: false, manage: true }] });
    expect((await readPrefs(delegate.cookie, h.accountId) as WithBills).bills).toBeNull();
    const page = await (await get(`/account/preferences/?account=${h.accountId}`, { cookie: delegate.cookie })).text();
    expect(page).not.toContain('Paper or e-mail bills');
    expect(page).not.toContain('name="paperless"');
    const res = await postJson('/api/preferences', { account: h.accountId, recipients: ['me'], paperless: 'on' }, { cookie: delegate.cookie });
    expect(res.status).toBe(422);
    expect((await res.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field)).toEqual(['paperless']);
    expect(await billingOptions(env.DB, h.accountId)).toEqual({ paperless: false, autopay: 'off' });
    expect((await postJson('/api/preferences', { account: h.accountId, recipients: ['me'], paperless: 'maybe' }, { cookie: h.cookie })).status).toBe(422);
  });

  it('writes the bill-ready e-mail from an ingest to each login in its own language, the due date in words', async () => {
    const h = await givenHousehold();
    await postForm('/api/preferences', { account: h.accountId, recipients: 'me', paperless: 'on' }, { cookie: h.cookie });
    const delegate = await signedIn({ delegateOf: [{ accountId: h.accountId, billing: true }] });
    await db().update(logins).set({ locale: 'es' }).where(eq(logins.id, delegate.loginId));
    const bill = septemberBill(h.accountId);
    expect((await sendBatch(await givenIngestClient(), { batchId: `bill-${bill.id}`, bills: [bill] })).status).toBe(201);

    const [en] = (await mailsTo(h.holder.email)).filter((m) => m.kind === 'new-bill');
    expect(en!.subject).toBe('Your Alder Creek bill is ready');
    expect(en!.bodyText).toContain('It is due on October 24, 2026.');
    expect(en!.bodyText).toContain(`${env.PORTAL_ORIGIN}/account/preferences/`);

    const spanish = (await mailsTo(`${delegate.loginId}@test.example`)).filter((m) => m.kind === 'new-bill');
    expect(spanish).toHaveLength(1);
    expect(spanish[0]!.subject).toBe('Su factura de Alder Creek está lista');
    expect(spanish[0]!.bodyText).toContain('Vence el 24 de octubre de 2026.');
    expect(spanish[0]!.bodyText).toContain(`${env.PORTAL_ORIGIN}/es/account/preferences/`);
    expect(spanish[0]!.bodyText).toContain('cancelar la suscripción al boletín, al correo de programas o a las alertas no lo detiene');
    expect(spanish[0]!.bodyText).not.toMatch(/due on|Sign in/);
    expect(spanish[0]!.bodyText.endsWith('(209) 555-0142 · de lunes a viernes, de 8 a.m. a 5 p.m., hora del Pacífico\n')).toBe(true);
  });

  it('sends the bill-ready e-mail to a paperless customer who unsubscribed from everything else: it is the bill, not a topic', async () => {
    const h = await givenHousehold();
    // Newsletter on, then every alert and the newsletter off again, the newsletter by its one-click link.
    await postForm('/api/preferences', { account: h.accountId, recipients: 'me', 'me.newsletter': 'on', paperless: 'on' }, { cookie: h.cookie });
    const [me] = await db().select().from(alertRecipients).where(eq(alertRecipients.loginId, h.holder.id));
    const token = await signUnsubscribe(env.LINK_SIGNING_SECRET, me!.id, 'newsletter');
    const oneClick = await exports.default.fetch(new Request(`https://portal.test/unsubscribe/${token}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' }));
    expect(oneClick.status).toBe(200);
    expect(Object.values((await readPrefs(h.cookie, h.accountId)).me.topics).some((t) => t.enabled)).toBe(false);

    const bill = septemberBill(h.accountId);
    expect((await sendBatch(await givenIngestClient(), { batchId: `bill-${bill.id}`, bills: [bill] })).status).toBe(201);
    const notices = (await mailsTo(h.holder.email)).filter((m) => m.kind === 'new-bill');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.headers ?? {}).not.toHaveProperty('List-Unsubscribe');
    expect(notices[0]!.bodyText).toContain(`${env.PORTAL_ORIGIN}/account/preferences/`);
    expect(notices[0]!.bodyText).toContain('unsubscribing from the newsletter, program mail or alerts does not stop it');
  });
});
