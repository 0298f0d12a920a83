/**
 * The SMS provider adapter and its development-only stand-in, both ways over Twilio's protocol:
 * the Messages API request, its errors, the webhook signature, the STOP / START / YES / HELP
 * keywords, and that the stand-in can never run in production.
 */
import { and, eq } from 'drizzle-orm';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../worker/index';
import { alertRecipients, outboxSms, smsStandInMessages } from '../../db/schema';
import { smsTransport, TWILIO_API } from '../../worker/alerts/delivery/sms/provider';
import { signedText, twilioSignature, verifyTwilioSignature } from '../../worker/alerts/delivery/sms/signature';
import { StandInRefused, standInReply, standInTransport } from '../../worker/alerts/delivery/sms/stand-in';
import { messagesUrl, sendSms, SmsProviderError, type SmsTransport } from '../../worker/alerts/delivery/sms/twilio';
import { keywordOf } from '../../worker/alerts/delivery/sms/keywords';
import { db } from './support/sign-in';
import { freshPhone, givenHousehold, givenRecipient, inboundText, ORIGIN, phoneInbox, textsTo } from './support/delivery-fixtures';

const credentials = () => ({ accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, from: env.SMS_FROM });
const production = () => ({ ...env, ENVIRONMENT: 'production' });

/** A transport that records the request the adapter makes, then lets the stand-in answer it. */
function recording(): { transport: SmsTransport; requests: Request[] } {
  const inner = standInTransport(env);
  const requests: Request[] = [];
  return { requests, transport: { ...inner, fetch: async (r) => (requests.push(r.clone() as Request), inner.fetch(r)) } };
}

describe('the Twilio adapter', () => {
  it("sends the Messages API request Twilio documents: POST form, Basic auth, To/From/Body; 201 with the message's sid", async () => {
    const phone = freshPhone();
    const { transport, requests } = recording();
    const sent = await sendSms(transport, credentials(), { to: phone, body: 'Test: water is running.' });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent.status).toBe('queued');
    const [req] = requests;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe(`https://api.twilio.com/2010-04-01/Accounts/${env.TWILIO_ACCOUNT_SID}/Messages.json`);
    expect(req!.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded');
    expect(req!.headers.get('Authorization')).toBe(`Basic ${btoa(`${env.TWILIO_ACCOUNT_SID}:${env.TWILIO_AUTH_TOKEN}`)}`);
    expect(Object.fromEntries(new URLSearchParams(await req!.text()))).toEqual({ To: phone, From: env.SMS_FROM, Body: 'Test: water is running.' });
    const [logged] = await phoneInbox(phone);
    expect(logged).toMatchObject({ sid: sent.sid, direction: 'outbound-api', body: 'Test: water is running.' });
  });

  it('names a Messaging Service as MessagingServiceSid instead of From', async () => {
    const { transport, requests } = recording();
    await sendSms(transport, { ...credentials(), from: 'MG0123456789abcdef0123456789abcdef' }, { to: freshPhone(), body: 'x' });
    const form = new URLSearchParams(await requests[0]!.text());
    expect(form.get('MessagingServiceSid')).toBe('MG0123456789abcdef0123456789abcdef');
    expect(form.has('From')).toBe(false);
  });

  it("turns Twilio's error resource into an error with its code: bad number 21211, authentication 20003", async () => {
    const transport = standInTransport(env);
    await expect(sendSms(transport, credentials(), { to: '+1209555', body: 'x' })).rejects.toMatchObject({ status: 400, code: 21211 });
    await expect(sendSms(transport, { ...credentials(), authToken: 'wrong' }, { to: freshPhone(), body: 'x' })).rejects.toMatchObject({ status: 401, code: 20003 });
    await expect(sendSms(transport, credentials(), { to: freshPhone(), body: '' })).rejects.toMatchObject({ code: 21602 });
    await expect(sendSms({ kind: 'twilio', baseUrl: 'https://unreachable.invalid', fetch: () => Promise.reject(new Error('offline')) }, credentials(), { to: freshPhone(), body: 'x' })).rejects.toBeInstanceOf(SmsProviderError);
  });

  it('builds the documented URL', () => {
    expect(messagesUrl(TWILIO_API, 'AC123')).toBe('https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json');
  });
});

describe('the stand-in is for development only', () => {
  it('is what a development worker sends through; a production worker uses Twilio itself', () => {
    expect(smsTransport(env).kind).toBe('stand-in');
    const real = smsTransport(production());
    expect(real.kind).toBe('twilio');
    expect(real.baseUrl).toBe('https://api.twilio.com');
  });

  it('refuses to run in any other environment, even when called directly, and writes nothing', async () => {
    expect(() => standInTransport(production())).toThrow(StandInRefused);
    expect(() => standInTransport({ ...env, ENVIRONMENT: 'staging' })).toThrow(StandInRefused);
    // A transport made in development stops working if the environment is not development when it is used.
    const mutable = { ...env };
    const transport = standInTransport(mutable);
    mutable.ENVIRONMENT = 'production';
    const phone = freshPhone();
    await expect(transport.fetch(new Request(messagesUrl(transport.baseUrl, env.TWILIO_ACCOUNT_SID), { method: 'POST' }))).rejects.toThrow(StandInRefused);
    await expect(standInReply(production(), () => Promise.resolve(new Response()), { from: phone, body: 'STOP' })).rejects.toThrow(StandInRefused);
    expect(await db().select().from(smsStandInMessages).where(eq(smsStandInMessages.fromNumber, phone))).toEqual([]);
  });

  it('answers the dev reply route and the texts on /dev/outbox/ only in development', async () => {
    for (const path of ['/dev/sms/reply', '/dev/outbox/']) {
      const ctx = createExecutionContext();
      const init = path === '/dev/sms/reply' ? { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ from: freshPhone(), body: 'STOP' }) } : {};
      // At the utility's production host: a host of no utility would be refused before the route.
      const res = await worker.fetch(new Request(`https://portal.aldercreek-utility.example${path}`, init), production(), ctx);
      await waitOnExecutionContext(ctx);
      // Not served: the request is answered as any unknown page (404, or 405 for a POST).
      expect([404, 405], path).toContain(res.status);
      expect(await res.text()).not.toContain('Text messages');
    }
  });
});

describe('the webhook signature', () => {
  it("matches Twilio's documented example", async () => {
    const params: [string, string][] = [
      ['CallSid', 'CA1234567890ABCDE'],
      ['Caller', '+12349013030'],
      ['Digits', '1234'],
      ['From', '+12349013030'],
      ['To', '+18005551212'],
    ];
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(signedText(url, params)).toBe('https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+12349013030Digits1234From+12349013030To+18005551212');
    expect(await twilioSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(await verifyTwilioSignature('12345', url, [...params].reverse(), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
    expect(await verifyTwilioSignature('12345', url, params, '1/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(false);
    expect(await verifyTwilioSignature('12345', url, params, null)).toBe(false);
  });

  it('refuses an unsigned, mis-signed or foreign-account webhook with 403 and changes nothing', async () => {
    const h = await givenHousehold();
    const phone = freshPhone();
    const id = await givenRecipient(h.accountId, { channel: 'sms', address: phone, name: null });
    const unsigned = await exports.default.fetch(new Request(`${ORIGIN}/api/sms/inbound`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ From: phone, Body: 'STOP', AccountSid: env.TWILIO_ACCOUNT_SID }) }));
    const wrongToken = await inboundText(phone, 'STOP', { token: 'not-the-token' });
    const otherUrl = await inboundText(phone, 'STOP', { url: 'https://evil.example/api/sms/inbound' });
    const otherAccount = await inboundText(phone, 'STOP', { accountSid: 'AC00000000000000000000000000000000' });
    for (const res of [unsigned, wrongToken, otherUrl]) {
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_signature');
    }
    expect(otherAccount.status).toBe(403);
    const [row] = await db().select().from(alertRecipients).where(eq(alertRecipients.id, id));
    expect(row!.smsStoppedAt).toBeNull();
  });
});

describe('keywords', () => {
  it("reads a keyword only when it is the whole message, in any case, as carriers do", () => {
    expect(keywordOf(' stop ')).toEqual({ kind: 'stop', word: 'STOP' });
    expect(keywordOf('Unsubscribe.')).toEqual({ kind: 'stop', word: 'UNSUBSCRIBE' });
    expect(keywordOf('Yes!')).toEqual({ kind: 'start', word: 'YES' });
    expect(keywordOf('help')).toEqual({ kind: 'help', word: 'HELP' });
    expect(keywordOf('stop texting me')).toBeNull();
  });

  it('STOP stops texts to that number on every account, cancels queued ones and refuses a waiting invitation', async () => {
    const a = await givenHousehold();
    const b = await givenHousehold();
    const phone = freshPhone();
    const onA = await givenRecipient(a.accountId, { channel: 'sms', address: phone, name: null });
    const onB = await givenRecipient(b.accountId, { channel: 'sms', address: phone, status: 'pending' });
    await db().insert(outboxSms).values({ id: crypto.randomUUID(), toNumber: phone, body: 'held', kind: 'alert-opened', notBefore: new Date(Date.now() + 3_600_000).toISOString() });
    const res = await inboundText(phone, 'Stop');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/xml/);
    // Twilio answers STOP to the phone itself: the webhook adds nothing.
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<Response></Response>');
    const rows = await db().select().from(alertRecipients).where(eq(alertRecipients.address, phone));
    expect(rows.find((r) => r.id === onA)!.smsStoppedAt).not.toBeNull();
    expect(rows.find((r) => r.id === onB)).toMatchObject({ status: 'removed', removedBy: 'recipient' });
    expect((await textsTo(phone)).map((t) => t.status)).toEqual(['cancelled']);
  });

  it('START lets texts through again; YES also accepts a waiting invitation; HELP changes nothing', async () => {
    const h = await givenHousehold();
    const phone = freshPhone();
    const confirmed = await givenRecipient(h.accountId, { channel: 'sms', address: phone, name: null });
    await db().update(alertRecipients).set({ smsStoppedAt: new Date().toISOString() }).where(eq(alertRecipients.id, confirmed));
    expect((await inboundText(phone, 'HELP')).status).toBe(200);
    expect((await db().select().from(alertRecipients).where(eq(alertRecipients.id, confirmed)))[0]!.smsStoppedAt).not.toBeNull();
    await inboundText(phone, 'START');
    expect((await db().select().from(alertRecipients).where(eq(alertRecipients.id, confirmed)))[0]!.smsStoppedAt).toBeNull();

    const other = await givenHousehold();
    const invited = await givenRecipient(other.accountId, { channel: 'sms', address: phone, status: 'pending' });
    await db().update(alertRecipients).set({ confirmExpiresAt: new Date(Date.now() + 86_400_000).toISOString() }).where(eq(alertRecipients.id, invited));
    await inboundText(phone, 'yes');
    expect((await db().select().from(alertRecipients).where(eq(alertRecipients.id, invited)))[0]).toMatchObject({ status: 'confirmed' });
  });

  it('answers any other text with one line saying replies are not read', async () => {
    const res = await inboundText(freshPhone(), 'Is the water safe to drink?');
    expect(await res.text()).toContain('<Message>Alder Creek alerts: this number does not read replies.');
  });
});

describe('the stand-in plays a phone replying', () => {
  it('logs the reply, answers STOP as Twilio does, calls the webhook signed, and refuses later texts with 21610', async () => {
    const h = await givenHousehold();
    const phone = freshPhone();
    const id = await givenRecipient(h.accountId, { channel: 'sms', address: phone, name: null });
    const res = await exports.default.fetch(
      new Request(`${ORIGIN}/dev/sms/reply`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ from: phone, body: 'STOP' }), redirect: 'manual' }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/dev/outbox/#sms');
    expect((await db().select().from(alertRecipients).where(eq(alertRecipients.id, id)))[0]!.smsStoppedAt).not.toBeNull();
    const inbound = await db().select().from(smsStandInMessages).where(and(eq(smsStandInMessages.fromNumber, phone), eq(smsStandInMessages.direction, 'inbound')));
    expect(inbound.map((m) => m.body)).toEqual(['STOP']);
    expect((await phoneInbox(phone)).map((m) => m.body)).toEqual([expect.stringMatching(/no more texts from this number/)]);
    await expect(sendSms(standInTransport(env), credentials(), { to: phone, body: 'x' })).rejects.toMatchObject({ code: 21610 });
    // The outbox page lists the conversation.
    const page = await (await exports.default.fetch(new Request(`${ORIGIN}/dev/outbox/`))).text();
    expect(page).toContain('Text messages');
    expect(page).toContain('STOP');
  });

  it('shows a text held for quiet hours on the dev outbox before it is sent', async () => {
    const phone = freshPhone();
    await db().insert(outboxSms).values({ id: crypto.randomUUID(), toNumber: phone, body: 'Held until morning', kind: 'alert-opened', notBefore: new Date(Date.now() + 3_600_000).toISOString() });
    const page = await (await exports.default.fetch(new Request(`${ORIGIN}/dev/outbox/`))).text();
    expect(page).toContain('Held until morning');
    expect(page).toContain('held for quiet hours');
  });
});
