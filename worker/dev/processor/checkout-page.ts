/**
 * The development stand-in's hosted page, where Stripe's Checkout would be: it shows what the
 * session asks for and, on "Pay", sends the portal the `checkout.session.completed` event as Stripe
 * would (JSON body, `Stripe-Signature: t=…,v1=…` with the endpoint secret) before returning the
 * browser to the session's success URL. Development only (gate.ts); elsewhere these paths fall
 * through to the site's 404 page.
 */
import { Hono, type Context } from 'hono';
import { csrf } from 'hono/csrf';
import Stripe from 'stripe';
import type { AppEnv } from '../../app-types';
import { escapeHtml } from '../../accounts/pages';
import { sessionObject } from './api';
import { devProcessorEnabled } from './gate';
import { stripeSignatureHeader } from './signature';
import { decodeSessionId, derivedId, type StandInSession } from './state';

/** Hands a request to the portal itself (the app's own fetch, in-process). */
export type Deliver = (req: Request, c: Context<AppEnv>) => Response | Promise<Response>;

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

function page(c: Context<AppEnv>, title: string, body: string, status: 200 | 404 | 410 | 502 = 200) {
  c.header('Cache-Control', 'no-store');
  return c.html(
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} | Development payment processor</title><meta name="robots" content="noindex"><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/dev-processor.css"></head>
<body><main><p><strong>Development payment processor.</strong> A stand-in for the real processor's page on a developer's machine: no card is asked for and nothing is charged.</p>
<h1>${escapeHtml(title)}</h1>
${body}</main></body></html>`,
    status,
  );
}

/** The event Stripe sends for `type`, with the session as its object. Same session, same event id: a double click is one event. */
export async function sessionEvent(id: string, state: StandInSession, origin: string, type: 'checkout.session.completed' | 'checkout.session.expired', nowS: number) {
  return {
    id: await derivedId('evt_test_', `${id}\n${type}`),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: nowS,
    data: { object: await sessionObject(id, state, origin, type === 'checkout.session.completed' ? 'complete' : 'expired') },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

async function open(c: Context<AppEnv>) {
  const id = c.req.param('id') ?? '';
  const state = await decodeSessionId(c.env.STRIPE_SECRET_KEY, id);
  return { id, state };
}

export function devProcessorPages(deliver: Deliver) {
  return new Hono<AppEnv>()
    .use('/dev/processor/*', async (c, next) => {
      // Not development on this machine: nothing here exists (the site's 404 answers).
      if (!devProcessorEnabled(c.env)) {
        const notFound = await c.env.ASSETS.fetch(new Request(c.req.url));
        return new Response(notFound.body, { status: 404, headers: notFound.headers });
      }
      await next();
    })
    .get('/dev/processor/checkout/:id', async (c) => {
      const { id, state } = await open(c);
      if (!state) return page(c, 'No such payment page', '<p>This payment page does not exist.</p>', 404);
      if (state.expires_at * 1000 < Date.now()) return page(c, 'This payment page has expired', '<p>Go back to the portal and start again.</p>', 410);
      const what =
        state.mode === 'payment'
          ? `<p>${escapeHtml(state.description ?? 'Payment')}: <strong>${dollars(state.amount_total ?? 0)}</strong></p>`
          : '<p>Save a payment method for autopay. Nothing is charged now.</p>';
      return page(
        c,
        state.mode === 'payment' ? 'Pay your bill' : 'Set up autopay',
        `${what}
<p>A real processor would ask for card or bank details here, on its own site; the portal never sees them.</p>
<form method="post" action="/dev/processor/checkout/${escapeHtml(id)}"><input type="hidden" name="action" value="pay"><button type="submit">${state.mode === 'payment' ? `Pay ${dollars(state.amount_total ?? 0)}` : 'Save payment method'}</button></form>
<form method="post" action="/dev/processor/checkout/${escapeHtml(id)}"><input type="hidden" name="action" value="cancel"><button type="submit">Cancel and go back</button></form>`,
      );
    })
    .post('/dev/processor/checkout/:id', csrf({ origin: (origin, c) => origin === new URL(c.req.url).origin }), async (c) => {
      const { id, state } = await open(c);
      if (!state) return page(c, 'No such payment page', '<p>This payment page does not exist.</p>', 404);
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      if (form.action === 'cancel') return c.redirect(state.cancel_url ?? state.success_url, 303);
      if (state.expires_at * 1000 < Date.now()) return page(c, 'This payment page has expired', '<p>Go back to the portal and start again.</p>', 410);
      const nowS = Math.floor(Date.now() / 1000);
      const payload = JSON.stringify(await sessionEvent(id, state, c.env.PORTAL_ORIGIN, 'checkout.session.completed', nowS), null, 2);
      const res = await deliver(
        new Request(`${c.env.PORTAL_ORIGIN}/api/payments/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': await stripeSignatureHeader(c.env.STRIPE_WEBHOOK_SECRET, payload, nowS), 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
          body: payload,
        }),
        c,
      );
      if (!res.ok) {
        return page(c, 'The portal refused the webhook', `<p>It answered ${res.status}: <code>${escapeHtml((await res.text()).slice(0, 500))}</code></p><p><a href="${escapeHtml(state.success_url)}">Continue to the portal anyway</a></p>`, 502);
      }
      return c.redirect(state.success_url, 303);
    });
}
