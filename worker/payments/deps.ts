import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { clientHash } from '../accounts/throttle';
import type { Locale } from '../i18n/locale';
import { utility } from '../tenants/scope';
import { paymentProcessor, type PaymentProcessor, type ProcessorEnv } from './processor';

/** What the payment flows need from the outside; routes build it, tests pass their own clock or processor. */
export type PaymentDeps = {
  db: D1Database;
  /** LINK_SIGNING_SECRET: signs payment terms and keys the throttle counters. */
  secret: string;
  /** PORTAL_ORIGIN: the processor's return URLs point here. */
  origin: string;
  /** The language of the page the payment starts from: the processor returns the payer to that language's pages. */
  locale?: Locale;
  processor: PaymentProcessor;
  now: Date;
  timeZone: string;
  /** Keyed hash of the client's address (accounts/throttle.clientHash). */
  client: string;
  /** The processor's key is a live one: test-mode events are refused. */
  live: boolean;
};

/** A live secret or restricted key (`sk_live_…`, `rk_live_…`): money moves, so test-mode events must not. */
export const isLiveKey = (key: string) => /^(sk|rk)_live_/.test(key);

/**
 * One SDK client per isolate and configuration: building Stripe's client sets up every API
 * resource, which a webhook that only verifies a signature should not pay for on each request.
 */
const processors = new Map<string, PaymentProcessor>();
function processorFor(env: ProcessorEnv) {
  // Each utility has its own processor account (its own keys) and origin.
  const key = [env.STRIPE_SECRET_KEY, env.STRIPE_WEBHOOK_SECRET, env.ENVIRONMENT, env.PORTAL_ORIGIN].join('\n');
  let processor = processors.get(key);
  if (!processor) processors.set(key, (processor = paymentProcessor(env)));
  return processor;
}

export async function paymentDeps(c: Context<AppEnv>): Promise<PaymentDeps> {
  const env = c.env;
  return {
    db: env.DB,
    secret: env.LINK_SIGNING_SECRET,
    origin: env.PORTAL_ORIGIN,
    locale: c.get('locale'),
    processor: processorFor(env),
    now: new Date(),
    timeZone: utility().timeZone,
    client: await clientHash(env.LINK_SIGNING_SECRET, c.req.header('cf-connecting-ip')),
    live: isLiveKey(env.STRIPE_SECRET_KEY),
  };
}

/** Where the processor sends the payer back: `path` (an English page) at the origin, in the language they paid from. */
export const returnUrl = (deps: Pick<PaymentDeps, 'origin' | 'locale'>, path: string) => `${deps.origin}${deps.locale === 'es' ? '/es' : ''}${path}`;
