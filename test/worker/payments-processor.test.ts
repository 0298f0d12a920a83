import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { standInApi } from '../../worker/dev/processor/api';
import { parseStripeForm } from '../../worker/dev/processor/form-encoding';
import { decodeSessionId } from '../../worker/dev/processor/state';
import { paymentProcessor, processorFetch, ProcessorUnavailable, stripeClient, WebhookNotVerified } from '../../worker/payments/processor';

/** The stand-in behind a recorder, so a test sees the exact HTTP request the Stripe SDK built. */
function recordingProcessor(overrides: Partial<typeof env> = {}) {
  const config = { ...env, ...overrides };
  const seen: { method: string; url: URL; headers: Headers; body: string }[] = [];
  const inner = processorFetch(config);
  const recorder = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push({ method: req.method, url: new URL(req.url), headers: req.headers, body: new TextDecoder().decode(await req.clone().arrayBuffer()) });
    return inner(req);
  }) as typeof fetch;
  return { processor: paymentProcessor(config, stripeClient(config, recorder)), seen };
}

const handOff = {
  reference: 'pay-0001',
  accountId: 'acct-0001',
  amountCents: 6418,
  currency: 'usd' as const,
  signature: 'sig-value',
  description: 'Alder Creek Water & Power bill payment',
  successUrl: 'http://localhost:8787/account/pay/return/?intent=pay-0001',
  cancelUrl: 'http://localhost:8787/account/pay/?status=payment-cancelled',
  expiresAt: new Date(Date.now() + 60 * 60 * 1000),
};

async function hmacHex(secret: string, text: string) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return [...new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(text)))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Stripe's documented scheme, written out here rather than taken from the code under test. */
async function signedHeader(payload: string, t = Math.floor(Date.now() / 1000), secret = env.STRIPE_WEBHOOK_SECRET) {
  return `t=${t},v1=${await hmacHex(secret, `${t}.${payload}`)}`;
}

describe('Stripe SDK inside workerd, pointed at the development stand-in', () => {
  it('creates a Checkout Session with a form-encoded POST /v1/checkout/sessions carrying only amount, references and return URLs', async () => {
    const { processor, seen } = recordingProcessor();
    const session = await processor.startPayment(handOff);
    expect(seen).toHaveLength(1);
    const req = seen[0]!;
    expect(req.method).toBe('POST');
    expect(req.url.pathname).toBe('/v1/checkout/sessions');
    expect(req.url.hostname).toBe('api.stripe.com');
    expect(req.headers.get('authorization')).toBe(`Bearer ${env.STRIPE_SECRET_KEY}`);
    expect(req.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    expect(req.headers.get('idempotency-key')).toBe('portal-payment-pay-0001');
    expect(req.headers.get('stripe-version')).toMatch(/^\d{4}-\d{2}-\d{2}/);
    const form = parseStripeForm(req.body);
    expect(form).toMatchObject({
      mode: 'payment',
      client_reference_id: 'pay-0001',
      line_items: [{ quantity: '1', price_data: { currency: 'usd', unit_amount: '6418', product_data: { name: handOff.description } } }],
      metadata: { portal_reference: 'pay-0001', portal_account: 'acct-0001', portal_signature: 'sig-value' },
      success_url: handOff.successUrl,
      cancel_url: handOff.cancelUrl,
      expires_at: String(Math.floor(handOff.expiresAt.getTime() / 1000)),
    });
    // Nothing that identifies a person goes to the processor: no e-mail, name, address or account number.
    expect(Object.keys(form).sort()).toEqual(['cancel_url', 'client_reference_id', 'expires_at', 'line_items', 'metadata', 'mode', 'payment_intent_data', 'submit_type', 'success_url']);
    expect(session.sessionId).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${env.PORTAL_ORIGIN}/dev/processor/checkout/${session.sessionId}`);
    const state = await decodeSessionId(env.STRIPE_SECRET_KEY, session.sessionId);
    expect(state).toMatchObject({ mode: 'payment', amount_total: 6418, currency: 'usd', client_reference_id: 'pay-0001' });
  });

  it('creates a customer holding only the account reference, then a setup-mode session for autopay, and deletes the customer to end it', async () => {
    const { processor, seen } = recordingProcessor();
    const customerId = await processor.createCustomer('acct-0001', 'autopay-1');
    expect(customerId).toMatch(/^cus_test_/);
    expect(parseStripeForm(seen[0]!.body)).toEqual({ description: 'Utility autopay', metadata: { portal_account: 'acct-0001' } });
    const session = await processor.startAutopaySetup({ ...handOff, reference: 'autopay-1', processorCustomerId: customerId });
    expect(parseStripeForm(seen[1]!.body)).toMatchObject({ mode: 'setup', currency: 'usd', customer: customerId, client_reference_id: 'autopay-1' });
    expect(session.url).toContain('/dev/processor/checkout/cs_test_');
    await processor.endAutopay(customerId);
    expect(seen[2]!.method).toBe('DELETE');
    expect(seen[2]!.url.pathname).toBe(`/v1/customers/${customerId}`);
  });

  it('reports a refused request (wrong API key, amount below Stripe minimum) as the processor being unavailable, not as the customer\'s fault', async () => {
    const res = await standInApi(env).fetch(new Request('https://api.stripe.com/v1/checkout/sessions', { method: 'POST', headers: { authorization: 'Bearer sk_test_wrong' } }));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('Invalid API Key') } });
    // The SDK holding another key than the stand-in's.
    const wrongKey = paymentProcessor(env, stripeClient({ ...env, STRIPE_SECRET_KEY: 'sk_test_not_the_one' }, processorFetch(env)));
    await expect(wrongKey.startPayment(handOff)).rejects.toBeInstanceOf(ProcessorUnavailable);
    const { processor } = recordingProcessor();
    await expect(processor.startPayment({ ...handOff, amountCents: 49 })).rejects.toBeInstanceOf(ProcessorUnavailable);
  });

  it('answers an unknown Stripe endpoint with Stripe\'s 404 error shape', async () => {
    const res = await standInApi(env).fetch(new Request('https://api.stripe.com/v1/charges', { headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}` } }));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('Unrecognized request URL') } });
  });
});

describe('webhook verification (constructEventAsync with WebCrypto)', () => {
  const event = JSON.stringify({ id: 'evt_test_1', object: 'event', type: 'checkout.session.completed', data: { object: { id: 'cs_test_x' } } });
  const processor = paymentProcessor(env);

  it('accepts a body signed with the endpoint secret in Stripe\'s t=…,v1=… scheme', async () => {
    const parsed = await processor.verifyEvent(event, await signedHeader(event));
    expect(parsed.id).toBe('evt_test_1');
  });

  it('accepts a header with several v1 signatures when one matches (Stripe signs with old and new secrets while one is rolled)', async () => {
    const t = Math.floor(Date.now() / 1000);
    const good = await signedHeader(event, t);
    const header = `t=${t},v1=${'0'.repeat(64)},${good.split(',')[1]}`;
    await expect(processor.verifyEvent(event, header)).resolves.toMatchObject({ id: 'evt_test_1' });
  });

  it('refuses a body changed after signing (amount tampering), another secret, a missing header and a v0-only header', async () => {
    const header = await signedHeader(event);
    await expect(processor.verifyEvent(event.replace('cs_test_x', 'cs_test_y'), header)).rejects.toBeInstanceOf(WebhookNotVerified);
    await expect(processor.verifyEvent(event, await signedHeader(event, undefined, 'whsec_another'))).rejects.toBeInstanceOf(WebhookNotVerified);
    await expect(processor.verifyEvent(event, undefined)).rejects.toBeInstanceOf(WebhookNotVerified);
    const t = Math.floor(Date.now() / 1000);
    await expect(processor.verifyEvent(event, `t=${t},v0=${await hmacHex(env.STRIPE_WEBHOOK_SECRET, `${t}.${event}`)}`)).rejects.toBeInstanceOf(WebhookNotVerified);
  });

  it('refuses a correctly signed event replayed more than five minutes after it was signed', async () => {
    const old = Math.floor(Date.now() / 1000) - 301;
    await expect(processor.verifyEvent(event, await signedHeader(event, old))).rejects.toThrow('too_old');
    await expect(processor.verifyEvent(event, await signedHeader(event, old + 2))).resolves.toBeTruthy();
  });
});
