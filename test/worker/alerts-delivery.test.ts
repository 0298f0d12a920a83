/**
 * Delivery of alert notices inside workerd, with the real D1, the real outbox and the SMS stand-in
 * answering the adapter over Twilio's protocol: who hears, on which channel, when, and once.
 */
import { and, eq } from 'drizzle-orm';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { alertDeliveries, alertRecipients, contactPreferences, outboxEmails, outboxSms, recipientTopics } from '../../db/schema';
import { deliverAlert } from '../../worker/alerts/delivery/deliver-alert';
import { deliverNotice } from '../../worker/alerts/delivery/deliver-notice';
import { deliverQueuedSms, redactStaleSms, TEXTS_CRON } from '../../worker/alerts/delivery/sms-outbox';
import worker from '../../worker/index';
import { deliverQueued } from '../../worker/mail/deliver';
import { DELIVERED_BODY } from '../../worker/mail/outbox';
import { verifyUnsubscribe } from '../../worker/preferences/unsubscribe-token';
import { db } from './support/sign-in';
import { freshPhone, givenHousehold, givenNotice, givenRecipient, mailsTo, phoneInbox, textsTo, withoutQuietHours } from './support/delivery-fixtures';

const deps = (now: Date) => ({ db: db(), secret: env.LINK_SIGNING_SECRET, origin: env.PORTAL_ORIGIN, now });
/** 2026-10-03 14:00 in Alder Creek (PDT): outside the default quiet hours. */
const afternoon = new Date('2026-10-03T21:00:00Z');
/** 2026-10-03 23:30 PDT: inside the default quiet hours (21:00-08:00). */
const lateNight = new Date('2026-10-04T06:30:00Z');

describe('who hears about an alert', () => {
  it("e-mails the holder's login by default, with nothing set up, and the one-click unsubscribe headers", async () => {
    const h = await givenHousehold();
    const { noticeId } = await givenNotice(h.meter);
    const result = await deliverNotice(deps(afternoon), noticeId);
    expect(result).toMatchObject({ email: 1, sms: 0 });
    const [mail] = await mailsTo(h.holder.email);
    expect(mail!.kind).toBe('alert-opened');
    expect(mail!.subject).toMatch(/running without a break/);
    expect(mail!.bodyText).toContain('1 Test Street');
    expect(mail!.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const url = new URL(/^<(.+)>$/.exec(mail!.headers!['List-Unsubscribe']!)![1]!);
    expect(url.origin).toBe(env.PORTAL_ORIGIN);
    expect(url.pathname).toMatch(/^\/unsubscribe\/[^/]+$/);
    // The token names the holder's recipient row and this alert's topic, nothing else.
    const check = await verifyUnsubscribe(env.LINK_SIGNING_SECRET, url.pathname.split('/').pop()!);
    const [row] = await db().select().from(alertRecipients).where(eq(alertRecipients.loginId, h.holder.id));
    expect(check).toEqual({ ok: true, recipientId: row!.id, topic: 'continuous_flow' });
    // The body's own links keep the token in the fragment.
    expect(mail!.bodyText).toMatch(/\/unsubscribe\/#code=/);
    expect(mail!.bodyText).toContain('/account/preferences/');
  });

  it('sends each alert type only where the customer chose it: channel per alert type', async () => {
    const h = await givenHousehold();
    const phone = freshPhone();
    // The customer's own mobile gets leak alerts only; their e-mail gets high use only.
    await givenRecipient(h.accountId, { channel: 'sms', address: phone, name: null, addedBy: h.holder.id, topics: ['continuous_flow'] });
    await deliverNotice(deps(afternoon), (await givenNotice(h.meter, { type: 'high_use_day', figures: { basis: 'threshold', total: 900, threshold: 500 } })).noticeId);
    const [me] = await db().select().from(alertRecipients).where(eq(alertRecipients.loginId, h.holder.id));
    await db().update(recipientTopics).set({ enabled: false }).where(and(eq(recipientTopics.recipientId, me!.id), eq(recipientTopics.topic, 'continuous_flow')));
    const leak = await deliverNotice(deps(afternoon), (await givenNotice(h.meter)).noticeId);
    expect(leak).toMatchObject({ email: 0, sms: 1, held: 0 });
    expect((await mailsTo(h.holder.email)).map((m) => m.subject)).toEqual([expect.stringMatching(/High water use in one day/)]);
    const [text] = await textsTo(phone);
    expect(text!.kind).toBe('alert-opened');
    expect(await phoneInbox(phone)).toHaveLength(0); // queued; delivery sends it
    await deliverQueuedSms(env, db(), { now: afternoon });
    const [got] = await phoneInbox(phone);
    expect(got!.body).toMatch(/^Alder Creek: Water has been running without a break at 1 Test Street\. Details: .*\/account\/alerts\/ Reply STOP to end texts\.$/);
    expect(got!.body.length).toBeLessThanOrEqual(306);
    const [sent] = await textsTo(phone);
    expect(sent).toMatchObject({ status: 'sent', body: '(Removed after delivery.)' });
    expect(sent!.providerSid).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('tells people the holder added once they confirmed, never while pending, and not a number that replied STOP', async () => {
    const h = await givenHousehold();
    const pending = await givenRecipient(h.accountId, { channel: 'email', address: 'pending@family.example', status: 'pending' });
    const confirmed = await givenRecipient(h.accountId, { channel: 'email', address: 'sam@family.example' });
    const stopped = freshPhone();
    const stoppedId = await givenRecipient(h.accountId, { channel: 'sms', address: stopped });
    await db().update(alertRecipients).set({ smsStoppedAt: new Date().toISOString() }).where(eq(alertRecipients.id, stoppedId));
    await deliverNotice(deps(afternoon), (await givenNotice(h.meter)).noticeId);
    expect(await mailsTo('pending@family.example')).toHaveLength(0);
    expect(await textsTo(stopped)).toHaveLength(0);
    const [mail] = await mailsTo('sam@family.example');
    // Someone the holder added: no alert-centre link (they cannot sign in), a way to leave the account.
    expect(mail!.bodyText).not.toContain('/account/alerts/');
    expect(mail!.bodyText).toContain('To get no more messages about this account at this address');
    const tokens = [...mail!.bodyText.matchAll(/#code=([^\s]+)/g)].map((m) => decodeURIComponent(m[1]!));
    const checks = await Promise.all(tokens.map((t) => verifyUnsubscribe(env.LINK_SIGNING_SECRET, t)));
    expect(checks).toEqual([
      { ok: true, recipientId: confirmed, topic: 'continuous_flow' },
      { ok: true, recipientId: confirmed, topic: 'all' },
    ]);
    void pending;
  });

  it('stops telling a login that can no longer see the account', async () => {
    const h = await givenHousehold();
    await deliverNotice(deps(afternoon), (await givenNotice(h.meter)).noticeId);
    await env.DB.prepare('DELETE FROM account_access WHERE login_id = ?1').bind(h.holder.id).run();
    await deliverNotice(deps(afternoon), (await givenNotice(h.meter, { type: 'intermittent_leak', figures: { highNights: 4, ofNights: 7, nightPerHour: 0.8, baselinePerHour: 0 } })).noticeId);
    expect(await mailsTo(h.holder.email)).toHaveLength(1);
  });
});

describe('once per notice', () => {
  it('delivers the same notice once, however often detection hands it over', async () => {
    const h = await givenHousehold();
    const phone = freshPhone();
    await givenRecipient(h.accountId, { channel: 'sms', address: phone, name: null });
    const { noticeId } = await givenNotice(h.meter);
    const first = await deliverAlert(env, noticeId);
    const again = await deliverAlert(env, noticeId);
    await Promise.all([deliverNotice(deps(afternoon), noticeId), deliverNotice(deps(afternoon), noticeId)]);
    expect(first).toMatchObject({ email: 1, sms: 1 });
    expect(again).toMatchObject({ email: 0, sms: 0 });
    expect(await mailsTo(h.holder.email)).toHaveLength(1);
    expect(await textsTo(phone)).toHaveLength(1);
    expect(await db().select().from(alertDeliveries).where(eq(alertDeliveries.noticeId, noticeId))).toHaveLength(2);
  });

  it('sends a reminder and the closing notice as notices of their own', async () => {
    const h = await givenHousehold();
    const { alertId, noticeId } = await givenNotice(h.meter);
    await deliverNotice(deps(afternoon), noticeId);
    const reminder = crypto.randomUUID();
    await env.DB.prepare("INSERT INTO alert_notices (id, alert_id, kind, day) VALUES (?1, ?2, 'reminder', '2026-10-06')").bind(reminder, alertId).run();
    await deliverNotice(deps(afternoon), reminder);
    const subjects = (await mailsTo(h.holder.email)).map((m) => m.subject);
    expect(subjects).toContain('Still happening: Water has been running without a break');
    expect(subjects).toHaveLength(2);
  });
});

describe('quiet hours', () => {
  it('holds a text queued at night until the quiet hours end, and sends e-mail at once', async () => {
    const h = await givenHousehold();
    const phone = freshPhone();
    await givenRecipient(h.accountId, { channel: 'sms', address: phone, name: null, topics: ['continuous_flow', 'high_use_day'] });
    const result = await deliverNotice(deps(lateNight), (await givenNotice(h.meter)).noticeId);
    expect(result).toMatchObject({ email: 1, sms: 1, held: 1 });
    const [held] = await textsTo(phone);
    // 08:00 PDT on 4 October.
    expect(held!.notBefore).toBe('2026-10-04T15:00:00.000Z');
    expect(await deliverQueuedSms(env, db(), { now: new Date('2026-10-04T14:59:00Z') })).toMatchObject({ sent: 0 });
    expect(await phoneInbox(phone)).toHaveLength(0);
    await deliverQueuedSms(env, db(), { now: new Date('2026-10-04T15:00:00Z') });
    expect(await phoneInbox(phone)).toHaveLength(1);
  });

  it('texts a leak at once during quiet hours when the customer asked to be woken for one, and holds high use', async () => {
    const h = await givenHousehold();
    const phone = freshPhone();
    await givenRecipient(h.accountId, { channel: 'sms', address: phone, name: null, topics: ['continuous_flow', 'high_use_day'] });
    await db().insert(contactPreferences).values({ accountId: h.accountId, quietHoursStart: '22:00', quietHoursEnd: '07:00', leakAlertsInQuietHours: true });
    await deliverNotice(deps(lateNight), (await givenNotice(h.meter)).noticeId);
    await deliverNotice(deps(lateNight), (await givenNotice(h.meter, { type: 'high_use_day', figures: { basis: 'threshold', total: 900, threshold: 500 } })).noticeId);
    const texts = await textsTo(phone);
    const leak = texts.find((t) => t.body.includes('running'))!;
    const high = texts.find((t) => t.body.includes('High'))!;
    expect(leak.notBefore).toBe(lateNight.toISOString());
    expect(high.notBefore).toBe('2026-10-04T14:00:00.000Z');
  });

  it('sends at once when the customer turned quiet hours off', async () => {
    const h = await givenHousehold();
    const phone = freshPhone();
    await givenRecipient(h.accountId, { channel: 'sms', address: phone, name: null });
    await db().insert(contactPreferences).values({ accountId: h.accountId, quietHoursStart: null, quietHoursEnd: null });
    expect(await deliverNotice(deps(lateNight), (await givenNotice(h.meter)).noticeId)).toMatchObject({ sms: 1, held: 0 });
  });

  it('drops a held text about an alert that closed before the quiet hours ended', async () => {
    const h = await givenHousehold();
    const phone = freshPhone();
    await givenRecipient(h.accountId, { channel: 'sms', address: phone, name: null });
    const { alertId, noticeId } = await givenNotice(h.meter);
    await deliverNotice(deps(lateNight), noticeId);
    await env.DB.prepare("UPDATE alerts SET status = 'closed', closed_at = ?2, closed_day = '2026-10-04', close_reason = 'corrected' WHERE id = ?1").bind(alertId, new Date().toISOString()).run();
    expect((await deliverQueuedSms(env, db(), { now: new Date('2026-10-04T16:00:00Z') })).dropped).toBeGreaterThanOrEqual(1);
    const [text] = await textsTo(phone);
    expect(text).toMatchObject({ status: 'cancelled', body: '(Removed: not sent.)' });
    expect(await phoneInbox(phone)).toHaveLength(0);
  });
});

describe('sending', () => {
  it('hands the unsubscribe headers to Cloudflare Email sending and removes them from the outbox with the body', async () => {
    const h = await givenHousehold();
    await deliverNotice(deps(afternoon), (await givenNotice(h.meter)).noticeId);
    const [queued] = await mailsTo(h.holder.email);
    // The real local binding, watched: what deliverQueued passes it is what Cloudflare would send.
    const seen: Parameters<SendEmail['send']>[0][] = [];
    const binding: SendEmail = { send: async (message: never) => (seen.push(message), env.EMAIL.send(message)) } as unknown as SendEmail;
    await deliverQueued({ ENVIRONMENT: 'production', EMAIL: binding }, db(), { limit: 500 });
    const sent = seen.find((m) => 'to' in m && m.to === h.holder.email) as EmailMessageBuilder | undefined;
    expect(sent?.headers).toEqual(queued!.headers);
    expect(sent?.headers?.['List-Unsubscribe']).toMatch(/^<https?:\/\/.+\/unsubscribe\/.+>$/);
    const [after] = await db().select().from(outboxEmails).where(eq(outboxEmails.id, queued!.id));
    expect(after).toMatchObject({ status: 'sent', bodyText: DELIVERED_BODY, headers: null });
  });

  it('gives up on a number the provider refuses for good, and marks a number the provider says replied STOP', async () => {
    const h = await givenHousehold();
    const phone = freshPhone();
    const id = await givenRecipient(h.accountId, { channel: 'sms', address: phone, name: null });
    // The phone told the provider STOP directly (the stand-in logs it, as Twilio would know it).
    await env.DB.prepare("INSERT INTO sms_stand_in_messages (sid, account_sid, direction, from_number, to_number, body, status) VALUES (?1, ?2, 'inbound', ?3, ?4, 'STOP', 'received')")
      .bind(`SM${crypto.randomUUID().replaceAll('-', '')}`, env.TWILIO_ACCOUNT_SID, phone, env.SMS_FROM)
      .run();
    await deliverNotice(deps(afternoon), (await givenNotice(h.meter)).noticeId);
    expect(await deliverQueuedSms(env, db(), { now: afternoon })).toMatchObject({ failed: 1, sent: 0 });
    const [text] = await textsTo(phone);
    expect(text).toMatchObject({ status: 'failed', errorCode: 21610 });
    const [row] = await db().select().from(alertRecipients).where(eq(alertRecipients.id, id));
    expect(row!.smsStoppedAt).not.toBeNull();
  });

  it('sends a text again whose delivery died after claiming it, once the claim has lapsed, and not before', async () => {
    const phone = freshPhone();
    const id = crypto.randomUUID();
    await db().insert(outboxSms).values({ id, toNumber: phone, body: 'Alder Creek: a test text.', kind: 'alert', status: 'sending', notBefore: '2026-10-03T21:10:00.000Z' });
    expect(await deliverQueuedSms(env, db(), { now: afternoon })).toMatchObject({ sent: 0 });
    expect((await textsTo(phone))[0]).toMatchObject({ status: 'sending', body: 'Alder Creek: a test text.' });
    expect(await deliverQueuedSms(env, db(), { now: new Date('2026-10-03T21:10:00Z') })).toMatchObject({ sent: 1 });
    expect((await textsTo(phone))[0]).toMatchObject({ status: 'sent', body: '(Removed after delivery.)' });
  });

  it('keeps no text body once sent', async () => {
    const h = await givenHousehold();
    await withoutQuietHours(h.accountId);
    const phone = freshPhone();
    await givenRecipient(h.accountId, { channel: 'sms', address: phone, name: null });
    await deliverAlert(env, (await givenNotice(h.meter)).noticeId);
    const rows = await db().select().from(outboxSms).where(eq(outboxSms.toNumber, phone));
    expect(rows.map((r) => r.body)).toEqual(['(Removed after delivery.)']);
  });
});

describe('the crons', () => {
  it('sends texts whose quiet hours ended on the frequent cron, and gives up on texts 72 hours overdue on the daily one', async () => {
    const due = freshPhone();
    const stale = freshPhone();
    await db().insert(outboxSms).values([
      { id: crypto.randomUUID(), toNumber: due, body: 'Held overnight', kind: 'alert-opened', notBefore: new Date(Date.now() - 60_000).toISOString() },
      { id: crypto.randomUUID(), toNumber: stale, body: 'Too old', kind: 'alert-opened', notBefore: new Date(Date.now() - 73 * 3_600_000).toISOString() },
    ]);
    expect((await redactStaleSms(db())).redacted).toBeGreaterThanOrEqual(1);
    expect((await textsTo(stale))[0]).toMatchObject({ status: 'failed', body: '(Removed: not delivered within 72 hours.)' });
    const ctx = createExecutionContext();
    await worker.scheduled!({ cron: TEXTS_CRON, scheduledTime: Date.now(), type: 'scheduled', noRetry() {} } as ScheduledController, env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await phoneInbox(due)).map((m) => m.body)).toEqual(['Held overnight']);
    expect(await phoneInbox(stale)).toEqual([]);
  });
});
