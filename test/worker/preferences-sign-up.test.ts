/**
 * Alerts without a portal login: the account proof registration asks for, throttled on the same
 * counters, then an address its owner confirms; the holders are told.
 */
import { eq } from 'drizzle-orm';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { alertRecipients, recipientTopics } from '../../db/schema';
import { deliverNotice } from '../../worker/alerts/delivery/deliver-notice';
import { get, givenLogin, givenProvableAccount, ORIGIN, postForm, postJson } from './support/accounts';
import { confirmationCodeFor, eventually, freshPhone, givenNotice, inboundText, mailsTo, phoneInbox, withoutQuietHours } from './support/delivery-fixtures';
import { db, uniqueId } from './support/sign-in';
import { installWriteLog, takeWrites } from './support/write-log';
import { meters } from '../../db/schema';

const afternoon = new Date('2026-10-03T21:00:00Z');

async function provableWithMeter() {
  const account = await givenProvableAccount();
  const [sp] = await env.DB.prepare('SELECT id FROM service_points WHERE account_id = ?1').bind(account.accountId).all<{ id: string }>().then((r) => r.results);
  const meterId = uniqueId('mtr');
  await db().insert(meters).values({ id: meterId, servicePointId: sp!.id, serialNumber: uniqueId('SN'), kind: 'water', unit: 'gal', intervalMinutes: 60, installedOn: '2020-01-01' });
  return { ...account, meter: { meterId, accountId: account.accountId } };
}

const proof = (a: { accountNumber: string; zip: string; lastBill: string }) => ({ accountNumber: a.accountNumber, serviceZip: a.zip, lastBillAmount: a.lastBill });

describe('signing up for alerts without a portal login', () => {
  it('proves the account, mails a confirmation, tells the holder, and alerts the address once it is confirmed', async () => {
    const a = await provableWithMeter();
    const holder = await givenLogin({ holderOf: [a.accountId] });
    const address = `${uniqueId('tenant')}@mail.example`;
    const res = await postJson('/api/subscriptions/sign-up', { ...proof(a), channel: 'email', address, topics: ['continuous_flow', 'high_use_day'] });
    expect(res.status).toBe(200);
    expect((await res.json<{ status: string }>()).status).toBe('sign-up-sent');
    const [row] = await db().select().from(alertRecipients).where(eq(alertRecipients.address, address));
    expect(row).toMatchObject({ accountId: a.accountId, origin: 'sign_up', status: 'pending', loginId: null });
    const topics = await db().select().from(recipientTopics).where(eq(recipientTopics.recipientId, row!.id));
    expect(topics.filter((t) => t.enabled).map((t) => t.topic).sort()).toEqual(['continuous_flow', 'high_use_day']);
    expect(topics.every((t) => t.changedVia === 'sign_up')).toBe(true);
    const [notice] = await mailsTo(holder.email);
    expect(notice!.kind).toBe('alert-sign-up-notice');
    expect(notice!.bodyText).not.toContain(address); // masked
    expect(notice!.bodyText).toContain(`${address[0]}•••@mail.example`);

    await deliverNotice({ db: db(), secret: env.LINK_SIGNING_SECRET, origin: env.PORTAL_ORIGIN, now: afternoon }, (await givenNotice(a.meter as never)).noticeId);
    expect((await mailsTo(address)).map((m) => m.kind)).toEqual(['alert-recipient-confirm']);
    expect((await postJson('/api/subscriptions/confirm', { code: await confirmationCodeFor(address) })).status).toBe(200);
    await deliverNotice({ db: db(), secret: env.LINK_SIGNING_SECRET, origin: env.PORTAL_ORIGIN, now: afternoon }, (await givenNotice(a.meter as never)).noticeId);
    const [alert] = await mailsTo(address);
    expect(alert!.kind).toBe('alert-opened');
    expect(alert!.headers!['List-Unsubscribe']).toMatch(/\/unsubscribe\//);
  });

  it("keeps the language of the Spanish sign-up page: Spanish pages, confirmation in Spanish, the holder told in the holder's own language", async () => {
    const a = await provableWithMeter();
    const holder = await givenLogin({ holderOf: [a.accountId] });
    const address = `${uniqueId('inquilina')}@mail.example`;
    const spanishPage = { Referer: `${ORIGIN}/es/alerts/sign-up/` };
    const res = await postForm('/api/subscriptions/sign-up', { ...proof(a), channel: 'email', address, topics: 'continuous_flow' }, { headers: spanishPage });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/es/alerts/sign-up/?status=sign-up-sent');
    const page = await (await get(res.headers.get('Location')!)).text();
    expect(page).toContain('<html lang="es"');
    expect(page).toContain('Gracias. Enviamos una confirmación a la dirección que nos dio.');
    const [row] = await db().select().from(alertRecipients).where(eq(alertRecipients.address, address));
    expect(row!.locale).toBe('es');
    const [confirm] = await mailsTo(address);
    expect(confirm!.subject).toMatch(/^Confirme: alertas de agua y energía de Alder Creek para /);
    expect(confirm!.bodyText).toContain('Usted pidió recibir alertas de fugas sobre');
    expect(confirm!.bodyText).toContain('/es/alerts/confirm/#code=');
    expect((await mailsTo(holder.email))[0]!.subject).toMatch(/^Someone signed up for Alder Creek alerts about /);

    // A wrong proof from the Spanish page comes back to it with the Spanish message.
    const refused = await postForm('/api/subscriptions/sign-up', { ...proof(a), lastBillAmount: '1.00', channel: 'email', address: `${uniqueId('x')}@mail.example` }, { headers: spanishPage, ip: '192.0.2.77' });
    expect(refused.headers.get('Location')).toMatch(/^\/es\/alerts\/sign-up\/\?error=/);
    expect(await (await get(refused.headers.get('Location')!)).text()).toContain('No pudimos relacionar esos datos con una cuenta de servicio.');
  });

  it('answers the confirmation and unsubscribe pages in Spanish at /es/', async () => {
    const confirm = await (await get('/es/alerts/confirm/?status=recipient-confirmed')).text();
    expect(confirm).toContain('Confirmado. Desde ahora recibirá las alertas de esta cuenta.');
    const oneClick = await get('/es/unsubscribe/not-a-token');
    expect(oneClick.status).toBe(400);
    const html = await oneClick.text();
    expect(html).toContain('<html lang="es"');
    expect(html).toContain('Este enlace no es válido.');
  });

  it('signs up a mobile, confirmed by replying YES', async () => {
    const a = await provableWithMeter();
    await withoutQuietHours(a.accountId);
    const phone = freshPhone();
    expect((await postJson('/api/subscriptions/sign-up', { ...proof(a), channel: 'sms', address: phone })).status).toBe(200);
    const [text] = await eventually(async () => { const inbox = await phoneInbox(phone); return inbox.length ? inbox : null; });
    expect(text!.body).toMatch(/you asked for water alerts by text for 12 Heron Way\. Reply YES/);
    await inboundText(phone, 'YES');
    const [row] = await db().select().from(alertRecipients).where(eq(alertRecipients.address, phone));
    expect(row!.status).toBe('confirmed');
  });

  it('refuses a wrong proof with the same answer as registration, and locks after 5 on one account number (counters shared with registration)', async () => {
    const a = await provableWithMeter();
    const wrong = { ...proof(a), lastBillAmount: '1.00', channel: 'email', address: 'guess@mail.example' };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await postJson('/api/subscriptions/sign-up', wrong, { ip: `198.51.100.${i + 1}` })).status);
    // Two more failures at registration reach the same counter.
    for (let i = 0; i < 2; i++) statuses.push((await postJson('/api/accounts/register', { ...proof(a), lastBillAmount: '1.00', email: 'guess@mail.example', password: 'a long and quiet river' }, { ip: `198.51.100.${i + 10}` })).status);
    const locked = await postJson('/api/subscriptions/sign-up', { ...proof(a), channel: 'email', address: 'guess@mail.example' }, { ip: '198.51.100.50' });
    expect(statuses).toEqual([422, 422, 422, 422, 422]);
    expect(locked.status).toBe(429);
    expect(await db().select().from(alertRecipients).where(eq(alertRecipients.accountId, a.accountId))).toEqual([]);
    expect(await mailsTo('guess@mail.example')).toEqual([]);
  });

  it('refuses bad addresses and numbers with the field named and writes nothing', async () => {
    const a = await provableWithMeter();
    await installWriteLog();
    for (const [body, fields] of [
      [{ ...proof(a), channel: 'sms', address: '911' }, ['address']],
      [{ ...proof(a), channel: 'email', address: 'nobody' }, ['address']],
      [{ ...proof(a), channel: 'email', address: 'ok@mail.example', topics: ['everything'] }, ['topics.0']],
      [{ ...proof(a), serviceZip: '9599', channel: 'email', address: 'ok@mail.example' }, ['serviceZip']],
      [{ channel: 'email', address: 'ok@mail.example' }, ['accountNumber', 'serviceZip', 'lastBillAmount']],
    ] as [Record<string, unknown>, string[]][]) {
      await takeWrites();
      const res = await postJson('/api/subscriptions/sign-up', body);
      expect(res.status).toBe(422);
      expect((await res.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field).sort()).toEqual([...fields].sort());
      expect(await takeWrites()).toEqual([]);
    }
  });

  it('answers a plain form with a redirect to the page and a message code, never text', async () => {
    const a = await provableWithMeter();
    const res = await postForm('/api/subscriptions/sign-up', { ...proof(a), channel: 'email', address: `${uniqueId('f')}@mail.example`, topics: 'continuous_flow' });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/alerts/sign-up/?status=sign-up-sent');
  });

  it('sends a confirmed address nothing new when it signs up again, and the answer is the same', async () => {
    const a = await provableWithMeter();
    const address = `${uniqueId('again')}@mail.example`;
    await postJson('/api/subscriptions/sign-up', { ...proof(a), channel: 'email', address });
    await postJson('/api/subscriptions/confirm', { code: await confirmationCodeFor(address) });
    const again = await postJson('/api/subscriptions/sign-up', { ...proof(a), channel: 'email', address }, { ip: '203.0.113.7' });
    expect(again.status).toBe(200);
    expect((await again.json<{ status: string }>()).status).toBe('sign-up-sent');
    expect((await mailsTo(address)).filter((m) => m.kind === 'alert-recipient-confirm')).toHaveLength(1);
  });
});
