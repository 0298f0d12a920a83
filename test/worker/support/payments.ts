import { env } from 'cloudflare:workers';
import { sessionEvent } from '../../../worker/dev/processor/checkout-page';
import { decodeSessionId, type StandInSession } from '../../../worker/dev/processor/state';
import { ORIGIN, portal } from './accounts';

/** Stripe's documented signature, computed here and not by the code under test. */
export async function stripeSigned(payload: string, t = Math.floor(Date.now() / 1000), secret = env.STRIPE_WEBHOOK_SECRET) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${t}.${payload}`)));
  return `t=${t},v1=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** POSTs an event to the webhook as Stripe does: JSON, signed, no cookie, no Origin. */
export async function deliverEvent(event: unknown, options: { t?: number; secret?: string; header?: string | null } = {}) {
  const payload = JSON.stringify(event);
  const header = options.header === undefined ? await stripeSigned(payload, options.t, options.secret) : options.header;
  return portal('/api/payments/webhook', {
    method: 'POST',
    body: payload,
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0', ...(header ? { 'stripe-signature': header } : {}) },
  });
}

/** The session a hand-off URL names (the stand-in signs its state into the id). */
export async function sessionFromUrl(url: string) {
  const id = new URL(url).pathname.split('/').at(-1)!;
  const state = await decodeSessionId(env.STRIPE_SECRET_KEY, id);
  if (!state) throw new Error('not a stand-in session');
  return { id, state };
}

type EventType = 'checkout.session.completed' | 'checkout.session.expired' | 'checkout.session.async_payment_succeeded' | 'checkout.session.async_payment_failed';

/** The event the processor would send for that session, with `edit` applied to the session object (tampering). */
export async function eventFor(url: string, type: EventType = 'checkout.session.completed', edit: (session: Record<string, unknown>, state: StandInSession) => void = () => {}, eventId?: string) {
  const { id, state } = await sessionFromUrl(url);
  const base = await sessionEvent(id, state, env.PORTAL_ORIGIN, type === 'checkout.session.expired' ? 'checkout.session.expired' : 'checkout.session.completed', Math.floor(Date.now() / 1000));
  const session = base.data.object as unknown as Record<string, unknown>;
  if (type.startsWith('checkout.session.async_payment')) session.payment_status = type.endsWith('succeeded') ? 'paid' : 'unpaid';
  edit(session, state);
  return { ...base, type, id: eventId ?? (type === base.type ? base.id : `${base.id}_${type.split('.').at(-1)}`) };
}

/** Follows the stand-in's hosted page as a browser would: GET it, press Pay. */
export async function payOnStandIn(url: string, action: 'pay' | 'cancel' = 'pay') {
  const path = new URL(url).pathname;
  const page = await portal(path);
  if (page.status !== 200) throw new Error(`stand-in page answered ${page.status}`);
  return portal(path, { method: 'POST', body: new URLSearchParams({ action }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN } });
}

export async function rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]) {
  return (await env.DB.prepare(sql).bind(...params).all<T>()).results;
}
