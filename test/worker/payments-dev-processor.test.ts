import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../../worker/index';
import { devProcessorEnabled, isLocalOrigin } from '../../worker/dev/processor/gate';
import { processorFetch } from '../../worker/payments/processor';
import { givenProvableAccount, postForm } from './support/accounts';
import { rows } from './support/payments';
import { signedIn } from './support/sign-in';

/** wrangler.toml's own [vars]: what a deploy runs with. */
const production = { ...env, ENVIRONMENT: 'production', PORTAL_ORIGIN: 'https://portal.aldercreek-utility.example' };

describe('the development payment processor', () => {
  it('exists only in development on a localhost origin', () => {
    expect(devProcessorEnabled({ ENVIRONMENT: 'development', PORTAL_ORIGIN: 'http://localhost:8787' })).toBe(true);
    expect(devProcessorEnabled({ ENVIRONMENT: 'development', PORTAL_ORIGIN: 'http://127.0.0.1:9000' })).toBe(true);
    expect(devProcessorEnabled({ ENVIRONMENT: 'production', PORTAL_ORIGIN: 'http://localhost:8787' })).toBe(false);
    expect(devProcessorEnabled({ ENVIRONMENT: 'development', PORTAL_ORIGIN: 'https://portal.aldercreek-utility.example' })).toBe(false);
    expect(devProcessorEnabled({ ENVIRONMENT: 'staging', PORTAL_ORIGIN: 'http://localhost:8787' })).toBe(false);
    for (const origin of ['https://localhost.evil.example', 'http://localhost@evil.example', 'not a url', 'http://10.0.0.1']) expect(isLocalOrigin(origin), origin).toBe(false);
  });

  it('sends the SDK to api.stripe.com, never to the stand-in, in the production configuration', () => {
    expect(processorFetch(production)).toBe(fetch);
    expect(processorFetch({ ...production, ENVIRONMENT: 'development' })).toBe(fetch);
    expect(processorFetch(env)).not.toBe(fetch);
  });

  it('answers its hosted page with the site\'s 404 in production, and a Pay there sends no webhook', async () => {
    // A real session id, made in development, replayed against a production worker.
    const account = await givenProvableAccount();
    const holder = await signedIn({ holderOf: [account.accountId] });
    const url = (await postForm('/api/payments/checkout', { account: account.accountId, amount: '10.00' }, { cookie: holder.cookie })).headers.get('location')!;
    const path = new URL(url).pathname;
    for (const config of [production, { ...env, PORTAL_ORIGIN: production.PORTAL_ORIGIN }, { ...env, ENVIRONMENT: 'production' }]) {
      const page = await app.fetch(new Request(`https://portal.test${path}`), config);
      expect(page.status).toBe(404);
      expect(await page.text()).not.toContain('Development payment processor');
      const pay = await app.fetch(
        new Request(`https://portal.test${path}`, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://portal.test' } }),
        config,
      );
      expect(pay.status).toBe(404);
    }
    expect(await rows("SELECT status FROM payment_intents WHERE account_id = ?1", account.accountId)).toEqual([{ status: 'open' }]);
    expect(await rows('SELECT * FROM payments WHERE account_id = ?1', account.accountId)).toEqual([]);
  });

  it('keeps the Stripe API stand-in off every route, in development too', async () => {
    for (const path of ['/v1/checkout/sessions', '/api/v1/checkout/sessions', '/dev/processor/v1/customers']) {
      const res = await app.fetch(new Request(`https://portal.test${path}`, { method: 'POST', headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://portal.test' }, body: 'mode=payment' }), env);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(await res.text()).not.toContain('checkout.session');
    }
  });

  it('refuses a forged or edited session id', async () => {
    const res = await app.fetch(new Request('https://portal.test/dev/processor/checkout/cs_test_eyJtb2RlIjoicGF5bWVudCJ9AAAAAAAAAAAAAAAAAAAAAA'), env);
    expect(res.status).toBe(404);
  });
});
