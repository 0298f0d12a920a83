/**
 * Payments benchmark (`npm run bench`, or alone: `npx tsx test/bench/payments.ts`). Needs `dist/`.
 *
 * On a local portal (wrangler dev, demo data, the development processor), with its secrets known
 * here so events can be signed as the processor signs them:
 * 1. Hand-off: POST /api/payments/guest/checkout until the 303 to the processor's page (account
 *    proof, bounds from the balance, intent row, the Stripe SDK's session request to the stand-in).
 * 2. Webhook handling time: POST /api/payments/webhook with a signed checkout.session.completed
 *    event, for (a) a new payment (signature, checks, one D1 batch with the ledger row), (b) the
 *    same event redelivered (answered as a duplicate), (c) a bad signature (refused before any read).
 * Each request comes from its own client address, so the guessing throttles do not interfere.
 */
import './first-tenant';
import { fileURLToPath } from 'node:url';
import { demoRegistrationFacts } from '../../db/demo/facts';
import { generateDevSecrets } from '../../db/demo/dev-secrets';
import { sessionEvent } from '../../worker/dev/processor/checkout-page';
import { stripeSignatureHeader } from '../../worker/dev/processor/signature';
import { decodeSessionId } from '../../worker/dev/processor/state';
import { startPortal } from '../support/portal-server';

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { n: sorted.length, medianMs: +at(0.5).toFixed(2), p95Ms: +at(0.95).toFixed(2), minMs: +sorted[0]!.toFixed(2) };
};

/** Demo account n's number and service ZIP, as db/demo/customers.ts derives them (checked against the facts helper once). */
const demo = (n: number) => ({ accountNumber: String(4_100_000_000 + n * 7919), serviceZip: n % 5 === 0 ? '95994' : '95990' });

const PAYMENTS = 120;

export async function bench() {
  const check = demoRegistrationFacts('acct-0010');
  if (check.accountNumber !== demo(10).accountNumber || check.serviceZip !== demo(10).serviceZip) throw new Error('demo account numbering changed');
  const secrets = await generateDevSecrets();
  const portal = await startPortal({ secrets });
  const post = (path: string, body: string, headers: Record<string, string>) => fetch(`${portal.origin}${path}`, { method: 'POST', body, headers, redirect: 'manual' });
  const timed = async (f: () => Promise<Response>, expected: number) => {
    const started = performance.now();
    const res = await f();
    const body = await res.text();
    const ms = performance.now() - started;
    if (res.status !== expected) throw new Error(`expected ${expected}, got ${res.status}: ${body.slice(0, 200)}`);
    return { ms, res };
  };
  try {
    // What any request costs on this machine (wrangler dev's proxy, the worker's middleware), for scale.
    const health: number[] = [];
    for (let i = 0; i < 60; i++) health.push((await timed(() => fetch(`${portal.origin}/api/health`), 200)).ms);
    const handOffs: number[] = [];
    const sessions: string[] = [];
    for (let n = 1; n <= PAYMENTS + 3; n++) {
      const { ms, res } = await timed(
        () =>
          post('/api/payments/guest/checkout', new URLSearchParams({ ...demo(n + 100), amount: '10.00' }).toString(), {
            'content-type': 'application/x-www-form-urlencoded',
            origin: portal.origin,
            'cf-connecting-ip': `10.77.${Math.floor(n / 250)}.${n % 250}`,
          }),
        303,
      );
      if (n > 3) handOffs.push(ms); // the first few warm the worker up
      sessions.push(new URL(res.headers.get('location')!).pathname.split('/').at(-1)!);
    }

    const webhook = async (payload: string, header: string, expected: number) =>
      (await timed(() => post('/api/payments/webhook', payload, { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header }), expected)).ms;
    const events: string[] = [];
    for (const id of sessions) {
      const state = await decodeSessionId(secrets.STRIPE_SECRET_KEY!, id);
      if (!state) throw new Error('could not read a session id');
      events.push(JSON.stringify(await sessionEvent(id, state, portal.origin, 'checkout.session.completed', Math.floor(Date.now() / 1000))));
    }
    const sign = (payload: string) => stripeSignatureHeader(secrets.STRIPE_WEBHOOK_SECRET!, payload, Math.floor(Date.now() / 1000));
    const applied: number[] = [];
    const duplicate: number[] = [];
    const refused: number[] = [];
    for (const [i, payload] of events.entries()) {
      const ms = await webhook(payload, await sign(payload), 200);
      if (i >= 3) applied.push(ms);
    }
    for (const payload of events.slice(3)) duplicate.push(await webhook(payload, await sign(payload), 200));
    for (const payload of events.slice(3)) refused.push(await webhook(payload, `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`, 400));
    return {
      baselineHealthRequestMs: stats(health.slice(10)),
      handOffRoundTripMs: stats(handOffs),
      webhookNewPaymentMs: stats(applied),
      webhookRedeliveredMs: stats(duplicate),
      webhookBadSignatureMs: stats(refused),
    };
  } finally {
    await portal.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await bench(), null, 2));
