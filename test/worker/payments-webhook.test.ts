import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { amountDueCents } from '../../worker/payments/amount-due';
import { isLiveKey } from '../../worker/payments/deps';
import { paymentProcessor } from '../../worker/payments/processor';
import { applyProcessorEvent, EventRefused } from '../../worker/payments/webhook';
import type Stripe from 'stripe';
import { givenProvableAccount, mailsTo, portal, postForm } from './support/accounts';
import { deliverEvent, eventFor, payOnStandIn, rows, sessionFromUrl, stripeSigned } from './support/payments';
import { signedIn } from './support/sign-in';

/** A holder with an account owing $164.17 who has started paying `amount` through the portal. */
async function startedPayment(amount = '64.18') {
  const account = await givenProvableAccount();
  const holder = await signedIn({ holderOf: [account.accountId] });
  const res = await postForm('/api/payments/checkout', { account: account.accountId, amount }, { cookie: holder.cookie });
  expect(res.status).toBe(303);
  const url = res.headers.get('location')!;
  const [intent] = await rows<{ id: string; status: string; amount_cents: number; processor_session_id: string }>('SELECT * FROM payment_intents WHERE account_id = ?1', account.accountId);
  return { account, holder, url, intent: intent! };
}

const ledger = (accountId: string) => rows<{ portal_payment_id: string; amount_cents: number; status: string; method: string }>('SELECT * FROM payments WHERE account_id = ?1', accountId);

describe('paying through the processor, signed in', () => {
  it('hands off to the processor with a server-computed intent and marks nothing paid until the webhook', async () => {
    const { account, url, intent } = await startedPayment();
    expect(url).toBe(`${env.PORTAL_ORIGIN}/dev/processor/checkout/${intent.processor_session_id}`);
    expect(intent).toMatchObject({ status: 'open', amount_cents: 6418 });
    const { state } = await sessionFromUrl(url);
    expect(state).toMatchObject({ mode: 'payment', amount_total: 6418, currency: 'usd', client_reference_id: intent.id });
    expect(state.metadata).toMatchObject({ portal_reference: intent.id, portal_account: account.accountId });
    // The return URL carries only our reference; visiting it changes nothing.
    expect(state.success_url).toBe(`${env.PORTAL_ORIGIN}/account/pay/return/?payment=${intent.id}`);
    expect(await ledger(account.accountId)).toEqual([]);
  });

  it('records the payment once the stand-in\'s signed webhook confirms it: the amount due drops by it, and the payer is told', async () => {
    const { account, holder, url, intent } = await startedPayment();
    expect(await amountDueCents(env.DB, account.accountId)).toBe(16417);
    const paid = await payOnStandIn(url);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`${env.PORTAL_ORIGIN}/account/pay/return/?payment=${intent.id}`);
    const [after] = await rows<{ status: string; processor_payment_id: string }>('SELECT * FROM payment_intents WHERE id = ?1', intent.id);
    expect(after).toMatchObject({ status: 'paid', processor_payment_id: expect.stringMatching(/^pi_test_/) });
    expect(await ledger(account.accountId)).toMatchObject([{ portal_payment_id: intent.id, amount_cents: 6418, status: 'pending', method: 'card' }]);
    expect(await amountDueCents(env.DB, account.accountId)).toBe(16417 - 6418);
    const audit = await rows<{ event: string }>("SELECT event FROM audit_events WHERE subject_account_id = ?1 AND event LIKE 'payment.%' ORDER BY at", account.accountId);
    expect(audit.map((a) => a.event)).toEqual(['payment.started', 'payment.confirmed']);
    const [mail] = await mailsTo(`${holder.loginId}@test.example`, 'payment-received');
    expect(mail!.bodyText).toContain(`a payment of $64.18 on account •••• ${account.accountNumber.slice(-4)}`);
    expect(mail!.bodyText).toContain(`Reference: ${intent.id}.`);
    expect(mail!.bodyText).not.toContain(account.accountNumber);
  });

  it('applies a redelivered event once, and a second, different completion event for the same payment not at all', async () => {
    const { account, holder, url } = await startedPayment();
    const event = await eventFor(url);
    const first = await deliverEvent(event);
    expect(await first.json()).toEqual({ received: true, outcome: 'applied' });
    const again = await deliverEvent(event);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, outcome: 'duplicate' });
    const other = await deliverEvent(await eventFor(url, 'checkout.session.completed', () => {}, 'evt_test_another_delivery_id'));
    expect(await other.json()).toEqual({ received: true, outcome: 'ignored' });
    expect(await ledger(account.accountId)).toHaveLength(1);
    expect(await amountDueCents(env.DB, account.accountId)).toBe(16417 - 6418);
    expect(await mailsTo(`${holder.loginId}@test.example`, 'payment-received')).toHaveLength(1);
  });

  it('refuses, writes nothing for, an unsigned event, one signed with another secret, one whose body changed after signing, and one replayed after five minutes', async () => {
    const { account, url } = await startedPayment();
    const event = await eventFor(url);
    const before = (await rows('SELECT event_id FROM processor_events')).length;
    const unsigned = await deliverEvent(event, { header: null });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toMatchObject({ error: { code: 'signature_invalid' } });
    expect((await deliverEvent(event, { secret: 'whsec_someone_else' })).status).toBe(400);
    const payload = JSON.stringify(event);
    const header = await stripeSigned(payload);
    const edited = await portal('/api/payments/webhook', {
      method: 'POST',
      body: payload.replace('"amount_total":6418', '"amount_total":1'),
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
    });
    expect(edited.status).toBe(400);
    const replay = await deliverEvent(event, { t: Math.floor(Date.now() / 1000) - 360 });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: { code: 'event_too_old' } });
    expect((await rows('SELECT event_id FROM processor_events')).length).toBe(before);
    expect(await ledger(account.accountId)).toEqual([]);
  });

  it.each([
    ['amount', (s: Record<string, unknown>) => void (s.amount_total = 100), 'amount_mismatch'],
    ['currency', (s: Record<string, unknown>) => void (s.currency = 'cad'), 'currency_mismatch'],
    ['account', (s: Record<string, unknown>) => void ((s.metadata as Record<string, string>).portal_account = 'acct-someone-else'), 'account_mismatch'],
    ['portal signature', (s: Record<string, unknown>) => void ((s.metadata as Record<string, string>).portal_signature = 'A'.repeat(43)), 'signature_mismatch'],
    ['session id', (s: Record<string, unknown>) => void (s.id = 'cs_test_another_session'), 'session_mismatch'],
  ])('refuses a processor-signed event whose %s differs from what the portal signed, and audits it', async (_what, edit, reason) => {
    const { account, url, intent } = await startedPayment();
    const res = await deliverEvent(await eventFor(url, 'checkout.session.completed', edit));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: 'event_refused' } });
    expect(await ledger(account.accountId)).toEqual([]);
    expect((await rows<{ status: string }>('SELECT status FROM payment_intents WHERE id = ?1', intent.id))[0]!.status).toBe('open');
    const [audit] = await rows<{ detail: string }>("SELECT detail FROM audit_events WHERE event = 'payment.webhook_refused' AND subject_account_id = ?1", account.accountId);
    expect(JSON.parse(audit!.detail)).toMatchObject({ reason });
  });

  it('refuses a test-mode event when the portal holds a live key, even with every other field right', async () => {
    expect(isLiveKey('sk_live_abc')).toBe(true);
    expect(isLiveKey('rk_live_abc')).toBe(true);
    expect(isLiveKey(env.STRIPE_SECRET_KEY)).toBe(false);
    const { account, url } = await startedPayment();
    const event = (await eventFor(url)) as unknown as Stripe.Event;
    const deps = { db: env.DB, secret: env.LINK_SIGNING_SECRET, origin: env.PORTAL_ORIGIN, processor: paymentProcessor(env), now: new Date(), timeZone: 'America/Los_Angeles', client: 'test', live: true };
    await expect(applyProcessorEvent(deps, event)).rejects.toMatchObject({ reason: 'test_mode_event' });
    await expect(applyProcessorEvent(deps, event)).rejects.toBeInstanceOf(EventRefused);
    expect(await ledger(account.accountId)).toEqual([]);
  });

  it('refuses an event naming a payment the portal never started', async () => {
    const { url } = await startedPayment();
    const res = await deliverEvent(await eventFor(url, 'checkout.session.completed', (s) => void (s.client_reference_id = 'pay_2222222222222222')));
    expect(res.status).toBe(422);
  });

  it('waits for a bank payment: completed-but-unpaid is processing, then the async success posts it once', async () => {
    const { account, url, intent } = await startedPayment();
    await deliverEvent(await eventFor(url, 'checkout.session.completed', (s) => void (s.payment_status = 'unpaid')));
    expect((await rows<{ status: string }>('SELECT status FROM payment_intents WHERE id = ?1', intent.id))[0]!.status).toBe('processing');
    expect(await ledger(account.accountId)).toEqual([]);
    const ok = await deliverEvent(await eventFor(url, 'checkout.session.async_payment_succeeded'));
    expect(await ok.json()).toMatchObject({ outcome: 'applied' });
    expect(await ledger(account.accountId)).toMatchObject([{ amount_cents: 6418, method: 'bank', status: 'pending' }]);
  });

  it('marks a failed bank payment failed and an abandoned page expired, without touching the ledger', async () => {
    const failed = await startedPayment();
    await deliverEvent(await eventFor(failed.url, 'checkout.session.completed', (s) => void (s.payment_status = 'unpaid')));
    await deliverEvent(await eventFor(failed.url, 'checkout.session.async_payment_failed'));
    expect((await rows<{ status: string }>('SELECT status FROM payment_intents WHERE id = ?1', failed.intent.id))[0]!.status).toBe('failed');
    expect(await ledger(failed.account.accountId)).toEqual([]);
    const abandoned = await startedPayment();
    await deliverEvent(await eventFor(abandoned.url, 'checkout.session.expired'));
    expect((await rows<{ status: string }>('SELECT status FROM payment_intents WHERE id = ?1', abandoned.intent.id))[0]!.status).toBe('expired');
  });

  it('acknowledges events the portal does not act on, so the processor stops retrying them', async () => {
    const res = await deliverEvent({ id: 'evt_test_unrelated_1', object: 'event', type: 'customer.created', created: 1, livemode: false, data: { object: { id: 'cus_test_x', object: 'customer' } } });
    expect(await res.json()).toEqual({ received: true, outcome: 'ignored' });
  });

  it('answers a verified body that is not an event with a 400, not a 500', async () => {
    const res = await deliverEvent({ hello: 'world' });
    expect(res.status).toBe(400);
  });
});
