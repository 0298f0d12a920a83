/**
 * The development stand-in for Stripe's API: the few endpoints the portal calls, with Stripe's
 * request format (form-encoded, bracketed keys, `Authorization: Bearer sk_…`), its object shapes
 * and its error shape. It is never mounted on the portal's routes: the Stripe SDK reaches it
 * in-process through a fetch function (worker/payments/processor.ts), so there is no `/v1/` URL
 * to find on a running portal, and the SDK's own request building is what gets exercised.
 */
import { Hono, type Context } from 'hono';
import { FormEncodingError, parseStripeForm, type FormValue } from './form-encoding';
import { derivedId, encodeSessionId, type StandInSession } from './state';

export type StandInEnv = { STRIPE_SECRET_KEY: string; PORTAL_ORIGIN: string };

/** Stripe's minimum charge in US dollars, and the limits on a session's lifetime. */
const MIN_USD_CENTS = 50;
const MIN_LIFETIME_S = 30 * 60;
const MAX_LIFETIME_S = 24 * 60 * 60;

class StripeApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 404,
    message: string,
    readonly param?: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const str = (v: FormValue | undefined) => (typeof v === 'string' ? v : undefined);
const obj = (v: FormValue | undefined) => (v && typeof v === 'object' && !Array.isArray(v) ? v : undefined);

function required(v: string | undefined, param: string) {
  if (v === undefined || v === '') throw new StripeApiError(400, `Missing required param: ${param}.`, param, 'parameter_missing');
  return v;
}

function integerParam(v: string | undefined, param: string) {
  const value = required(v, param);
  if (!/^\d{1,12}$/.test(value)) throw new StripeApiError(400, `Invalid integer: ${value}`, param, 'parameter_invalid_integer');
  return Number(value);
}

function urlParam(v: string | undefined, param: string) {
  const value = required(v, param);
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error();
  } catch {
    throw new StripeApiError(400, 'Not a valid URL', param, 'url_invalid');
  }
  return value;
}

function metadataParam(v: FormValue | undefined, param: string): Record<string, string> {
  const m = obj(v) ?? {};
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(m)) {
    if (typeof value !== 'string') throw new StripeApiError(400, 'Invalid metadata value', `${param}[${k}]`);
    if (k.length > 40 || value.length > 500) throw new StripeApiError(400, 'Metadata keys are limited to 40 characters and values to 500.', `${param}[${k}]`);
    out[k] = value;
  }
  if (Object.keys(out).length > 50) throw new StripeApiError(400, 'Metadata may have at most 50 keys.', param);
  return out;
}

/** The Checkout Session as Stripe's API returns it (fields the portal does not use are null or empty, as for a basic session). */
export async function sessionObject(id: string, s: StandInSession, origin: string, outcome: 'open' | 'complete' | 'expired' = 'open') {
  const complete = outcome === 'complete';
  return {
    id,
    object: 'checkout.session' as const,
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: s.amount_total,
    amount_total: s.amount_total,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: s.cancel_url,
    client_reference_id: s.client_reference_id,
    client_secret: null,
    consent: null,
    consent_collection: null,
    created: s.created,
    currency: s.currency,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: s.customer,
    customer_creation: s.mode === 'payment' && !s.customer ? 'if_required' : null,
    customer_details: complete ? { address: null, email: null, name: null, phone: null, tax_exempt: 'none', tax_ids: [] } : null,
    customer_email: null,
    expires_at: s.expires_at,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    metadata: s.metadata,
    mode: s.mode,
    payment_intent: complete && s.mode === 'payment' ? await derivedId('pi_test_', id) : null,
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: complete ? (s.mode === 'payment' ? 'paid' : 'no_payment_required') : s.mode === 'payment' ? 'unpaid' : 'no_payment_required',
    phone_number_collection: { enabled: false },
    recovered_from: null,
    setup_intent: s.mode === 'setup' ? await derivedId('seti_test_', id) : null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: outcome,
    submit_type: s.mode === 'payment' ? 'pay' : null,
    subscription: null,
    success_url: s.success_url,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: outcome === 'open' ? `${origin}/dev/processor/checkout/${id}` : null,
  };
}

function readSession(form: Record<string, FormValue>, nowS: number): StandInSession {
  const mode = required(str(form.mode), 'mode');
  if (mode !== 'payment' && mode !== 'setup') throw new StripeApiError(400, `Invalid mode: the stand-in supports payment and setup, not ${mode}.`, 'mode');
  const success_url = urlParam(str(form.success_url), 'success_url');
  const cancel_url = form.cancel_url === undefined ? null : urlParam(str(form.cancel_url), 'cancel_url');
  const expires_at = form.expires_at === undefined ? nowS + MAX_LIFETIME_S : integerParam(str(form.expires_at), 'expires_at');
  if (expires_at < nowS + MIN_LIFETIME_S - 5 || expires_at > nowS + MAX_LIFETIME_S + 5) {
    throw new StripeApiError(400, 'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.', 'expires_at');
  }
  let amount_total: number | null = null;
  let currency: string;
  let description: string | null = null;
  if (mode === 'payment') {
    const items = form.line_items;
    if (!Array.isArray(items) || items.length !== 1) throw new StripeApiError(400, 'The stand-in takes exactly one line item.', 'line_items');
    const item = obj(items[0]) ?? {};
    const quantity = integerParam(str(item.quantity), 'line_items[0][quantity]');
    const price = obj(item.price_data);
    if (!price) throw new StripeApiError(400, 'You must specify either `price` or `price_data` for each line item.', 'line_items[0][price_data]');
    currency = required(str(price.currency), 'line_items[0][price_data][currency]').toLowerCase();
    const unit = integerParam(str(price.unit_amount), 'line_items[0][price_data][unit_amount]');
    description = required(str(obj(price.product_data)?.name), 'line_items[0][price_data][product_data][name]');
    amount_total = unit * quantity;
    if (currency === 'usd' && amount_total < MIN_USD_CENTS) {
      throw new StripeApiError(400, 'The Checkout Session\'s total amount due must add up to at least $0.50 usd', 'line_items', 'amount_too_small');
    }
    if (amount_total > 99_999_999) throw new StripeApiError(400, 'Amount must be no more than $999,999.99', 'line_items', 'amount_too_large');
  } else {
    currency = required(str(form.currency), 'currency').toLowerCase();
  }
  if (!/^[a-z]{3}$/.test(currency)) throw new StripeApiError(400, `Invalid currency: ${currency}`, 'currency');
  const customer = str(form.customer) ?? null;
  if (customer !== null && !/^cus_test_[A-Za-z0-9]{8,40}$/.test(customer)) throw new StripeApiError(400, `No such customer: '${customer}'`, 'customer', 'resource_missing');
  return {
    mode,
    amount_total,
    currency,
    description,
    client_reference_id: str(form.client_reference_id) ?? null,
    metadata: metadataParam(form.metadata, 'metadata'),
    success_url,
    cancel_url,
    customer,
    created: nowS,
    expires_at,
    nonce: crypto.randomUUID(),
  };
}

async function formBody(c: Context) {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) throw new StripeApiError(400, 'Invalid request: Stripe accepts application/x-www-form-urlencoded bodies.');
  try {
    return parseStripeForm(new TextDecoder().decode(await c.req.arrayBuffer()));
  } catch (err) {
    if (err instanceof FormEncodingError) throw new StripeApiError(400, err.message);
    throw err;
  }
}

/** The Stripe API subset. `now` is injectable so tests can check the lifetime rules. */
export function standInApi(env: StandInEnv, now: () => Date = () => new Date()) {
  const app = new Hono();
  app.use('/v1/*', async (c, next) => {
    const auth = c.req.header('authorization') ?? '';
    const key = /^Bearer (\S+)$/.exec(auth)?.[1];
    if (!key || key !== env.STRIPE_SECRET_KEY) {
      const shown = key ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : '';
      throw new StripeApiError(401, key ? `Invalid API Key provided: ${shown}` : 'You did not provide an API key.');
    }
    await next();
  });
  app.post('/v1/checkout/sessions', async (c) => {
    const nowS = Math.floor(now().getTime() / 1000);
    const state = readSession(await formBody(c), nowS);
    const id = await encodeSessionId(env.STRIPE_SECRET_KEY, state);
    return c.json(await sessionObject(id, state, env.PORTAL_ORIGIN));
  });
  app.post('/v1/customers', async (c) => {
    const form = await formBody(c);
    return c.json({
      id: await derivedId('cus_test_', crypto.randomUUID()),
      object: 'customer',
      created: Math.floor(now().getTime() / 1000),
      description: str(form.description) ?? null,
      email: str(form.email) ?? null,
      name: str(form.name) ?? null,
      livemode: false,
      metadata: metadataParam(form.metadata, 'metadata'),
    });
  });
  app.delete('/v1/customers/:id', (c) => {
    const id = c.req.param('id');
    if (!/^cus_test_[A-Za-z0-9]{8,40}$/.test(id)) throw new StripeApiError(404, `No such customer: '${id}'`, 'id', 'resource_missing');
    return c.json({ id, object: 'customer', deleted: true });
  });
  app.all('*', (c) => {
    throw new StripeApiError(404, `Unrecognized request URL (${c.req.method}: ${new URL(c.req.url).pathname}). The development stand-in implements only what the portal calls.`);
  });
  app.onError((err, c) => {
    if (err instanceof StripeApiError) {
      return c.json({ error: { type: 'invalid_request_error', message: err.message, ...(err.param ? { param: err.param } : {}), ...(err.code ? { code: err.code } : {}) } }, err.status);
    }
    return c.json({ error: { type: 'api_error', message: 'The development stand-in failed.' } }, 500);
  });
  return app;
}
