import { describe, expect, it } from 'vitest';
import { get, givenProvableAccount, postForm, postJson } from './support/accounts';
import { eventFor, deliverEvent, rows } from './support/payments';
import { givenAccount, givenUtility, signedIn } from './support/sign-in';

type ErrorJson = { error: { code: string; message: string; fields: { field: string; message: string }[] } };

/** One account and every kind of caller the access rules distinguish. */
async function cast() {
  const account = await givenProvableAccount();
  const mine = await givenProvableAccount();
  await givenUtility('other-utility');
  const elsewhere = await givenAccount({ utilityId: 'other-utility' });
  return {
    account,
    holder: await signedIn({ holderOf: [account.accountId] }),
    otherCustomer: await signedIn({ holderOf: [mine.accountId] }),
    delegateWithout: await signedIn({ delegateOf: [{ accountId: account.accountId, usage: true, billing: false, manage: true }] }),
    delegateBilling: await signedIn({ delegateOf: [{ accountId: account.accountId, usage: true, billing: true }] }),
    delegatePayer: await signedIn({ delegateOf: [{ accountId: account.accountId, usage: true, billing: true, pay: true }] }),
    delegateManager: await signedIn({ delegateOf: [{ accountId: account.accountId, usage: true, billing: true, pay: true, manage: true }] }),
    otherUtilityUser: await signedIn({ holderOf: [elsewhere] }),
  };
}

const checkout = (accountId: string, cookie?: string) => postJson('/api/payments/checkout', { account: accountId, amount: '20.00' }, { cookie: cookie ?? null });

describe('who may pay an account, and change its autopay and paperless billing', () => {
  it('refuses an account id that is no id (a lone surrogate, a path) with a 422 naming it, before any redirect is built from it', async () => {
    const c = await cast();
    for (const [path, extra] of [['/api/payments/checkout', { amount: '20.00' }], ['/api/payments/autopay', {}], ['/api/payments/autopay/end', {}], ['/api/payments/paperless', { paperless: 'on' }]] as const) {
      for (const account of ['\ud800', '../account/', 'acct one']) {
        const res = await postJson(path, { account, ...extra }, { cookie: c.holder.cookie });
        expect(res.status, `${path} ${JSON.stringify(account)}`).toBe(422);
        expect((await res.json<ErrorJson>()).error.fields.map((f) => f.field)).toEqual(['account']);
      }
    }
  });

  it('lets the holder and a delegate with the right to pay pay; refuses another customer, a delegate without it (even one who sees the bills), another utility\'s user and an anonymous caller', async () => {
    const c = await cast();
    for (const who of [c.holder, c.delegatePayer]) {
      const res = await checkout(c.account.accountId, who.cookie);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'hand-off', redirect: expect.stringContaining('/dev/processor/checkout/cs_test_') });
    }
    for (const who of [c.otherCustomer, c.delegateWithout, c.delegateBilling, c.otherUtilityUser]) {
      const res = await checkout(c.account.accountId, who.cookie);
      expect(res.status).toBe(404);
      expect((await res.json<ErrorJson>()).error.code).toBe('not_found');
    }
    expect((await checkout(c.account.accountId)).status).toBe(401);
    expect(await rows('SELECT id FROM payment_intents WHERE account_id = ?1', c.account.accountId)).toHaveLength(2);
  });

  it('lets only the holder and a delegate with the rights to pay and manage change autopay or paperless billing', async () => {
    const c = await cast();
    const paperless = (cookie: string | undefined, value: 'on' | 'off') => postJson('/api/payments/paperless', { account: c.account.accountId, paperless: value }, { cookie: cookie ?? null });
    const autopay = (cookie?: string) => postJson('/api/payments/autopay', { account: c.account.accountId }, { cookie: cookie ?? null });
    for (const who of [c.otherCustomer, c.delegateWithout, c.delegateBilling, c.delegatePayer, c.otherUtilityUser]) {
      expect((await paperless(who.cookie, 'on')).status).toBe(404);
      expect((await autopay(who.cookie)).status).toBe(404);
      expect((await postJson('/api/payments/autopay/end', { account: c.account.accountId }, { cookie: who.cookie })).status).toBe(404);
    }
    expect((await paperless(undefined, 'on')).status).toBe(401);
    expect((await autopay()).status).toBe(401);
    expect(await rows('SELECT * FROM billing_preferences WHERE account_id = ?1', c.account.accountId)).toEqual([]);
    expect(await rows('SELECT * FROM autopay_enrolments WHERE account_id = ?1', c.account.accountId)).toEqual([]);
    expect((await paperless(c.delegateManager.cookie, 'on')).status).toBe(200);
    expect((await paperless(c.holder.cookie, 'off')).status).toBe(200);
    expect((await autopay(c.holder.cookie)).status).toBe(200);
  });

  it('shows the return page\'s payment only to those who may see the account\'s billing', async () => {
    const c = await cast();
    const started = await (await checkout(c.account.accountId, c.holder.cookie)).json<{ redirect: string; reference: string }>();
    await deliverEvent(await eventFor(started.redirect));
    const page = (cookie?: string) => get(`/account/pay/return/?payment=${started.reference}`, { cookie: cookie ?? null });
    for (const who of [c.holder, c.delegateBilling]) {
      const html = await (await page(who.cookie)).text();
      expect(html).toContain('Payment received');
      expect(html).toContain('$20.00');
    }
    for (const who of [c.otherCustomer, c.delegateWithout, c.otherUtilityUser]) {
      const res = await page(who.cookie);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('We found no payment with that reference');
      expect(html).not.toContain('$20.00');
      expect(html).not.toContain(c.account.accountNumber);
    }
    const anonymous = await page();
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login/?error=unauthenticated');
  });

  it('lists on the pay page only the accounts the login may pay', async () => {
    const c = await cast();
    const masked = `•••• ${c.account.accountNumber.slice(-4)}`;
    const holderPage = await (await get('/account/pay/', { cookie: c.holder.cookie })).text();
    // Masked, as on the overview: the page needs only enough to tell accounts apart.
    expect(holderPage).toContain(masked);
    expect(holderPage).not.toContain(c.account.accountNumber);
    expect(holderPage).toContain('$164.17');
    const without = await (await get('/account/pay/', { cookie: c.delegateWithout.cookie })).text();
    expect(without).not.toContain(masked);
    expect(without).toContain('No utility account you may pay');
    expect(await (await get('/account/pay/', { cookie: c.delegateBilling.cookie })).text()).not.toContain(masked);
    const delegate = await (await get('/account/pay/', { cookie: c.delegatePayer.cookie })).text();
    expect(delegate).toContain(masked);
    // A delegate who may pay but not manage sees no form that changes the account's arrangements.
    expect(delegate).not.toContain('action="/api/payments/paperless"');
    expect(delegate).not.toContain('action="/api/payments/autopay"');
  });

  it('refuses amounts outside the bounds, naming the field, and a body that is not a form or JSON', async () => {
    const c = await cast();
    for (const amount of ['0.99', '664.18', '12.345', '-5', '1e3', '']) {
      const res = await postJson('/api/payments/checkout', { account: c.account.accountId, amount }, { cookie: c.holder.cookie });
      expect(res.status, amount).toBe(422);
      expect((await res.json<ErrorJson>()).error.fields[0]!.field).toBe('amount');
    }
    const plain = await postForm('/api/payments/checkout', { account: c.account.accountId, amount: '664.18' }, { cookie: c.holder.cookie });
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe(`/account/pay/?account=${c.account.accountId}&error=amount_above_maximum&field=amount`);
    const text = await postJson('/api/payments/checkout', 'x', { cookie: c.holder.cookie, headers: { 'content-type': 'text/plain' } });
    expect([403, 415]).toContain(text.status);
    expect(await rows('SELECT id FROM payment_intents WHERE account_id = ?1', c.account.accountId)).toEqual([]);
  });
});
