/**
 * The payment processor adapter: Stripe, through Stripe's official SDK, which runs on Workers over
 * `fetch` (Stripe.createFetchHttpClient) and verifies webhooks with WebCrypto
 * (constructEventAsync + createSubtleCryptoProvider). The portal only ever sends Stripe an amount,
 * opaque references and return URLs, and receives a hosted page URL: the card or bank form is
 * entirely Stripe's (PCI DSS SAQ A shape), and no customer name, e-mail or address is sent.
 *
 * In development the same SDK talks to the stand-in (worker/dev/processor/) in-process instead of
 * api.stripe.com; nothing else differs.
 */
import Stripe from 'stripe';
import { standInApi } from '../dev/processor/api';
import { devProcessorEnabled } from '../dev/processor/gate';

export type ProcessorEnv = { STRIPE_SECRET_KEY: string; STRIPE_WEBHOOK_SECRET: string; ENVIRONMENT: string; PORTAL_ORIGIN: string };

/** What the portal asks the processor to collect: all of it computed on the server. */
export type PaymentHandOff = {
  /** Our payment intent id: Checkout's client_reference_id and metadata. */
  reference: string;
  accountId: string;
  amountCents: number;
  currency: 'usd';
  /** The portal's HMAC over reference, account, amount and currency (worker/payments/intent-signature.ts). */
  signature: string;
  /** Shown on the processor's page. */
  description: string;
  successUrl: string;
  cancelUrl: string;
  expiresAt: Date;
};

export type AutopayHandOff = Omit<PaymentHandOff, 'amountCents' | 'description'> & { processorCustomerId: string };

export type HandOff = { sessionId: string; url: string };

/** The processor could not be reached or refused the request: our side, never the customer's input. */
export class ProcessorUnavailable extends Error {}

/** A webhook that is not Stripe's, or too old (replayed): refused before anything is read from it. */
export class WebhookNotVerified extends Error {}

/** How long after Stripe signs an event we still accept it (Stripe's own default: 5 minutes). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export const metadataKeys = { reference: 'portal_reference', account: 'portal_account', signature: 'portal_signature' } as const;

function metadata(h: { reference: string; accountId: string; signature: string }) {
  return { [metadataKeys.reference]: h.reference, [metadataKeys.account]: h.accountId, [metadataKeys.signature]: h.signature };
}

/** The fetch the SDK uses: api.stripe.com in production, the stand-in's app in development. */
export function processorFetch(env: ProcessorEnv): typeof fetch {
  if (!devProcessorEnabled(env)) return fetch;
  const api = standInApi(env);
  return (async (input: RequestInfo | URL, init?: RequestInit) => api.fetch(new Request(input, init))) as typeof fetch;
}

export function stripeClient(env: ProcessorEnv, fetchFn: typeof fetch = processorFetch(env)) {
  return new Stripe(env.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(fetchFn),
    // A customer is waiting on the hand-off: fail within seconds rather than Stripe's default 80.
    timeout: 15_000,
    maxNetworkRetries: 2,
    telemetry: false,
    appInfo: { name: 'utility-privacy-portal' },
  });
}

const cryptoProvider = Stripe.createSubtleCryptoProvider();

async function call<T>(what: () => Promise<T>): Promise<T> {
  try {
    return await what();
  } catch (err) {
    // Stripe's errors can echo parameters; keep only their type for the log.
    console.error(JSON.stringify({ level: 'error', event: 'processor.request_failed', kind: err instanceof Stripe.errors.StripeError ? err.type : 'unknown' }));
    throw new ProcessorUnavailable('The payment processor did not accept the request.');
  }
}

export function paymentProcessor(env: ProcessorEnv, stripe: Stripe = stripeClient(env)) {
  return {
    /** A hosted Checkout page (mode payment) for exactly this amount. */
    async startPayment(h: PaymentHandOff): Promise<HandOff> {
      const session = await call(() =>
        stripe.checkout.sessions.create(
          {
            mode: 'payment',
            submit_type: 'pay',
            line_items: [{ quantity: 1, price_data: { currency: h.currency, unit_amount: h.amountCents, product_data: { name: h.description } } }],
            client_reference_id: h.reference,
            metadata: metadata(h),
            payment_intent_data: { metadata: metadata(h), description: h.description },
            success_url: h.successUrl,
            cancel_url: h.cancelUrl,
            expires_at: Math.floor(h.expiresAt.getTime() / 1000),
          },
          // Our intent id: a retried create returns the same session instead of a second one.
          { idempotencyKey: `portal-payment-${h.reference}` },
        ),
      );
      if (!session.url) throw new ProcessorUnavailable('The payment processor returned no page.');
      return { sessionId: session.id, url: session.url };
    },

    /** A customer record at the processor holding nothing but our account reference: saved methods hang off it. */
    async createCustomer(accountId: string, reference: string) {
      const customer = await call(() =>
        stripe.customers.create({ description: 'Utility autopay', metadata: { [metadataKeys.account]: accountId } }, { idempotencyKey: `portal-customer-${reference}` }),
      );
      return customer.id;
    },

    /** A hosted Checkout page (mode setup) saving a payment method for autopay; no charge now. */
    async startAutopaySetup(h: AutopayHandOff): Promise<HandOff> {
      const session = await call(() =>
        stripe.checkout.sessions.create(
          {
            mode: 'setup',
            currency: h.currency,
            customer: h.processorCustomerId,
            client_reference_id: h.reference,
            metadata: metadata(h),
            setup_intent_data: { metadata: metadata(h), description: 'Autopay for a utility account' },
            success_url: h.successUrl,
            cancel_url: h.cancelUrl,
            expires_at: Math.floor(h.expiresAt.getTime() / 1000),
          },
          { idempotencyKey: `portal-autopay-${h.reference}` },
        ),
      );
      if (!session.url) throw new ProcessorUnavailable('The payment processor returned no page.');
      return { sessionId: session.id, url: session.url };
    },

    /** Ends autopay at the processor: deleting the customer removes every saved payment method with it. */
    async endAutopay(processorCustomerId: string) {
      await call(() => stripe.customers.del(processorCustomerId));
    },

    /**
     * Verifies `Stripe-Signature` over the exact raw body with the endpoint secret and refuses an
     * event signed more than WEBHOOK_TOLERANCE_SECONDS ago (a replay), then parses it.
     */
    async verifyEvent(rawBody: string, signatureHeader: string | undefined, now = new Date()): Promise<Stripe.Event> {
      if (!signatureHeader) throw new WebhookNotVerified('No Stripe-Signature header.');
      try {
        return await stripe.webhooks.constructEventAsync(rawBody, signatureHeader, env.STRIPE_WEBHOOK_SECRET, WEBHOOK_TOLERANCE_SECONDS, cryptoProvider, now.getTime());
      } catch (err) {
        if (err instanceof Stripe.errors.StripeSignatureVerificationError) throw new WebhookNotVerified(/tolerance/i.test(err.message) ? 'too_old' : 'bad_signature');
        // A verified body that is not JSON.
        throw new WebhookNotVerified('unreadable');
      }
    },
  };
}

export type PaymentProcessor = ReturnType<typeof paymentProcessor>;
