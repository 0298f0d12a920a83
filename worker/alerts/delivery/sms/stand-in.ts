/**
 * DEVELOPMENT ONLY: a local stand-in for the SMS provider, speaking Twilio's real protocol both ways,
 * so that `npm start` and the tests run the adapter (twilio.ts) and the webhook (inbound.ts)
 * unchanged, and texts land in /dev/outbox/ instead of on a phone.
 *
 * - Outbound: it answers `POST /2010-04-01/Accounts/{sid}/Messages.json` as Twilio does: Basic auth
 *   with the account sid and auth token (else 401, code 20003), a form body with To, From or
 *   MessagingServiceSid, and Body, checked as Twilio checks them (21604, 21211, 21603, 21602,
 *   21617), a number that replied STOP refused with 21610; 201 with the Message resource.
 * - Inbound: `standInReply` plays a phone replying: it logs the message, answers STOP, START and
 *   HELP itself as Twilio's default opt-out handling does, and calls the portal's webhook with the
 *   form parameters Twilio sends and an X-Twilio-Signature made with the auth token.
 *
 * It can never run in production: provider.ts hands it out only when ENVIRONMENT is
 * 'development', and it refuses every request itself in any other environment.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { smsStandInMessages } from '../../../../db/schema';
import { normalizeUsPhone } from '../../../shared/preference-forms';
import { utility } from '../../../tenants/scope';
import { keywordOf, startKeywords, stopKeywords } from './keywords';
import { twilioSignature } from './signature';
import type { SmsTransport } from './twilio';

export type StandInEnv = { ENVIRONMENT: string; DB: D1Database; TWILIO_ACCOUNT_SID: string; TWILIO_AUTH_TOKEN: string; SMS_FROM: string; PORTAL_ORIGIN: string };

/** The host the adapter is pointed at locally: Twilio's own, so the URL the adapter builds is the real one. */
export const STAND_IN_BASE_URL = 'https://api.twilio.com';

export class StandInRefused extends Error {
  constructor() {
    super('The SMS stand-in runs only in development.');
  }
}

const twilioError = (status: number, code: number, message: string) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

const randomHex = (bytes: number) => [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
export const newMessageSid = () => `SM${randomHex(16)}`;

/** RFC 2822 dates, as Twilio writes `date_created`. */
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

/** Whether the number's latest keyword to the stand-in was a STOP (Twilio then blocks it until START). */
export async function standInStopped(db: DrizzleD1Database, number: string) {
  const keywords = [...stopKeywords, ...startKeywords];
  const [last] = await db
    .select({ body: smsStandInMessages.body })
    .from(smsStandInMessages)
    .where(and(eq(smsStandInMessages.direction, 'inbound'), eq(smsStandInMessages.fromNumber, number), inArray(sql`upper(trim(${smsStandInMessages.body}, ' .!'))`, keywords)))
    .orderBy(desc(smsStandInMessages.createdAt))
    .limit(1);
  return last ? keywordOf(last.body)?.kind === 'stop' : false;
}

function assertDevelopment(env: { ENVIRONMENT: string }) {
  if (env.ENVIRONMENT !== 'development') throw new StandInRefused();
}

const api = new Hono<{ Bindings: StandInEnv }>().post('/2010-04-01/Accounts/:sid/Messages.json', async (c) => {
  const env = c.env;
  const expected = `Basic ${btoa(`${env.TWILIO_ACCOUNT_SID}:${env.TWILIO_AUTH_TOKEN}`)}`;
  if (c.req.header('Authorization') !== expected || c.req.param('sid') !== env.TWILIO_ACCOUNT_SID) return c.json(twilioError(401, 20003, 'Authenticate'), 401);
  if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header('Content-Type') ?? '')) return c.json(twilioError(400, 20001, 'Content-Type must be application/x-www-form-urlencoded.'), 400);
  const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const to = form.get('To');
  const from = form.get('From') ?? form.get('MessagingServiceSid');
  const body = form.get('Body');
  if (!to) return c.json(twilioError(400, 21604, "A 'To' phone number is required."), 400);
  if (!/^\+[1-9]\d{7,14}$/.test(to) || !normalizeUsPhone(to)) return c.json(twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`), 400);
  if (!from) return c.json(twilioError(400, 21603, "A 'From' phone number is required."), 400);
  if (!body) return c.json(twilioError(400, 21602, 'Message body is required.'), 400);
  if (body.length > 1600) return c.json(twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'), 400);
  const db = drizzle(env.DB);
  if (await standInStopped(db, to)) return c.json(twilioError(400, 21610, 'Attempt to send to unsubscribed recipient'), 400);
  const sid = newMessageSid();
  const created = new Date();
  const fromNumber = form.get('From') ?? env.SMS_FROM;
  await db.insert(smsStandInMessages).values({ sid, accountSid: env.TWILIO_ACCOUNT_SID, direction: 'outbound-api', fromNumber, toNumber: to, body, status: 'queued', createdAt: created.toISOString() });
  return c.json(
    {
      sid,
      account_sid: env.TWILIO_ACCOUNT_SID,
      messaging_service_sid: form.get('MessagingServiceSid'),
      from: fromNumber,
      to,
      body,
      status: 'queued',
      num_segments: String(Math.max(1, Math.ceil(body.length / 153))),
      num_media: '0',
      direction: 'outbound-api',
      api_version: '2010-04-01',
      price: null,
      price_unit: 'USD',
      error_code: null,
      error_message: null,
      date_created: rfc2822(created),
      date_updated: rfc2822(created),
      date_sent: null,
      uri: `/2010-04-01/Accounts/${env.TWILIO_ACCOUNT_SID}/Messages/${sid}.json`,
      subresource_uris: { media: `/2010-04-01/Accounts/${env.TWILIO_ACCOUNT_SID}/Messages/${sid}/Media.json` },
    },
    201,
  );
});

/** The transport the adapter uses in development: requests to Twilio's URL are answered here, in process. */
export function standInTransport(env: StandInEnv): SmsTransport {
  assertDevelopment(env);
  return {
    kind: 'stand-in',
    baseUrl: STAND_IN_BASE_URL,
    fetch: async (request) => {
      assertDevelopment(env);
      return api.fetch(request, env);
    },
  };
}

/** The stand-in's own answers to a keyword, as Twilio's default opt-out handling sends them (our words). */
const keywordReplies = () => ({
  stop: `${utility().shortName} alerts: you will get no more texts from this number. Reply START to get them again.`,
  start: `${utility().shortName} alerts: texts from this number can reach you again. Reply STOP to stop.`,
  help: `${utility().name} alerts. Help: ${utility().phoneDisplay}. Reply STOP to stop texts.`,
});

/** The form parameters Twilio posts to a messaging webhook for an incoming text. */
export function inboundParams(env: StandInEnv, message: { sid: string; from: string; body: string }): [string, string][] {
  const keyword = keywordOf(message.body);
  return [
    ['ToCountry', 'US'],
    ['SmsMessageSid', message.sid],
    ['NumMedia', '0'],
    ['SmsSid', message.sid],
    ['SmsStatus', 'received'],
    ['Body', message.body],
    ['To', env.SMS_FROM],
    ['NumSegments', '1'],
    ['MessageSid', message.sid],
    ['AccountSid', env.TWILIO_ACCOUNT_SID],
    ['From', message.from],
    ['ApiVersion', '2010-04-01'],
    ...(keyword && keyword.kind !== 'help' ? ([['OptOutType', keyword.kind === 'stop' ? 'STOP' : 'START']] as [string, string][]) : []),
  ];
}

/**
 * A phone replies to the portal's number: logged, answered as Twilio answers keywords, then handed
 * to the portal's webhook (`deliver`, the app's own fetch) signed as Twilio signs it. A `<Message>`
 * in the webhook's TwiML answer is logged as the reply the phone would get. Returns the webhook's status.
 */
export async function standInReply(env: StandInEnv, deliver: (request: Request) => Promise<Response>, message: { from: string; body: string }) {
  assertDevelopment(env);
  const db = drizzle(env.DB);
  const sid = newMessageSid();
  const now = Date.now();
  await db.insert(smsStandInMessages).values({ sid, accountSid: env.TWILIO_ACCOUNT_SID, direction: 'inbound', fromNumber: message.from, toNumber: env.SMS_FROM, body: message.body, status: 'received', createdAt: new Date(now).toISOString() });
  const keyword = keywordOf(message.body);
  if (keyword) {
    await db.insert(smsStandInMessages).values({ sid: newMessageSid(), accountSid: env.TWILIO_ACCOUNT_SID, direction: 'outbound-reply', fromNumber: env.SMS_FROM, toNumber: message.from, body: keywordReplies()[keyword.kind], status: 'sent', createdAt: new Date(now + 1).toISOString() });
  }
  const url = `${env.PORTAL_ORIGIN}/api/sms/inbound`;
  const params = inboundParams(env, { sid, from: message.from, body: message.body });
  const res = await deliver(
    new Request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': await twilioSignature(env.TWILIO_AUTH_TOKEN, url, params), 'User-Agent': 'TwilioProxy/1.1' },
      body: new URLSearchParams(params),
    }),
  );
  const twiml = await res.text();
  const reply = /<Message>([\s\S]*?)<\/Message>/.exec(twiml)?.[1];
  if (res.ok && reply) {
    const text = reply.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&');
    await db.insert(smsStandInMessages).values({ sid: newMessageSid(), accountSid: env.TWILIO_ACCOUNT_SID, direction: 'outbound-reply', fromNumber: env.SMS_FROM, toNumber: message.from, body: text, status: 'sent', createdAt: new Date(now + 2).toISOString() });
  }
  return res.status;
}

/** For the dev outbox: the stand-in's log, newest first. */
export function standInLog(env: StandInEnv, limit = 100) {
  assertDevelopment(env);
  return drizzle(env.DB).select().from(smsStandInMessages).orderBy(desc(smsStandInMessages.createdAt)).limit(limit);
}
