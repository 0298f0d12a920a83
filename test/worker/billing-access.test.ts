import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { billPdf } from '../../db/demo/bill-pdf';
import { givenBilledAccount, givenOtherUtilityAccount, uploadDocument } from './support/billing-fixtures';
import { signedIn, uniqueId } from './support/sign-in';
import { get, givenIngestClient, portal, sendBatch } from './support/usage-fixtures';

/** A page request as a browser makes it, without following the redirect. */
const page = (path: string, cookie?: string) => portal(path, { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });

/**
 * Every billing route and page, for everyone who might ask: the holder and a delegate with the
 * billing right see the account's bills; a delegate without it, another customer, another
 * utility's customer and an anonymous caller do not, and cannot tell the account exists.
 */
async function world() {
  const client = await givenIngestClient();
  const { accountId, billId, bill } = await givenBilledAccount(client);
  expect((await uploadDocument(client, billId, billPdf(['A bill']))).status).toBe(201);
  expect(
    (await sendBatch(client, {
      batchId: uniqueId('pay'),
      payments: [{ id: uniqueId('pay'), accountId, amountCents: 2_500, paidOn: '2026-10-15', method: 'check' }],
      adjustments: [{ id: uniqueId('adj'), accountId, postedOn: '2026-10-16', kind: 'credit', description: 'Leak adjustment credit', amountCents: -1_000 }],
    })).status,
  ).toBe(201);
  const other = await givenBilledAccount(client);
  return {
    accountId,
    billId,
    bill,
    callers: {
      holder: await signedIn({ holderOf: [accountId] }),
      billingDelegate: await signedIn({ delegateOf: [{ accountId, billing: true }] }),
      usageOnlyDelegate: await signedIn({ delegateOf: [{ accountId, usage: true, billing: false, manage: true }] }),
      otherCustomer: await signedIn({ holderOf: [other.accountId] }),
      otherUtilityCustomer: await signedIn({ holderOf: [await givenOtherUtilityAccount()] }),
    },
  };
}

const allowed = ['holder', 'billingDelegate'] as const;
const refused = ['usageOnlyDelegate', 'otherCustomer', 'otherUtilityCustomer'] as const;

describe('who may see billing, route by route', () => {
  it('answers the account routes to the holder and a billing delegate, 404 to the rest and 401 to anonymous callers', async () => {
    const w = await world();
    const routes = [
      `/api/billing/accounts/${w.accountId}/bills`,
      `/api/billing/accounts/${w.accountId}/payments`,
      `/api/billing/accounts/${w.accountId}/adjustments`,
      `/api/billing/bills/${w.billId}`,
      `/api/billing/bills/${w.billId}/document`,
    ];
    for (const route of routes) {
      for (const who of allowed) expect((await get(route, w.callers[who].cookie)).status, `${who} ${route}`).toBe(200);
      for (const who of refused) {
        const res = await get(route, w.callers[who].cookie);
        expect(res.status, `${who} ${route}`).toBe(404);
        expect(await res.text()).not.toContain(w.bill.amountCents.toString());
      }
      expect((await get(route)).status, `anonymous ${route}`).toBe(401);
    }
    // The refusal for someone else's account reads exactly like one for an account that does not exist.
    const missing = await get(`/api/billing/accounts/acct-does-not-exist/bills`, w.callers.otherCustomer.cookie);
    const foreign = await get(`/api/billing/accounts/${w.accountId}/bills`, w.callers.otherCustomer.cookie);
    const strip = (b: { error: { requestId?: string } }) => ({ ...b.error, requestId: undefined });
    expect(strip(await foreign.json())).toEqual(strip(await missing.json()));
  });

  it('lists in the overview only the accounts the caller may see bills of', async () => {
    const w = await world();
    const ids = async (who: keyof typeof w.callers) => (await (await get('/api/billing/overview', w.callers[who].cookie)).json<{ accounts: { accountId: string }[] }>()).accounts.map((a) => a.accountId);
    expect(await ids('holder')).toEqual([w.accountId]);
    expect(await ids('billingDelegate')).toEqual([w.accountId]);
    for (const who of refused) expect(await ids(who)).not.toContain(w.accountId);
    expect((await get('/api/billing/overview')).status).toBe(401);
  });

  it('fills the bill pages for those who may see them and sends everyone else away', async () => {
    const w = await world();
    const pages = [`/account/bills/?account=${w.accountId}`, `/account/bills/detail/?bill=${w.billId}`, `/account/bills/payments/?account=${w.accountId}`];
    for (const path of pages) {
      for (const who of allowed) {
        const res = await page(path, w.callers[who].cookie);
        expect(res.status, `${who} ${path}`).toBe(200);
        expect(res.headers.get('cache-control')).toBe('no-store');
        const html = await res.text();
        expect(html).toMatch(/\$111\.39|\$25\.00/);
      }
      for (const who of refused) {
        const res = await page(path, w.callers[who].cookie);
        expect(res.status, `${who} ${path}`).toBe(303);
        expect(res.headers.get('location')).toMatch(/\?error=not_found$/);
      }
      const anonymous = await page(path);
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get('location')).toBe('/login/?error=unauthenticated');
    }
  });

  it('shows the holder\'s balance card on the dashboard, and none for an account shared without the billing right', async () => {
    const w = await world();
    const holderPage = await (await get('/account/', w.callers.holder.cookie)).text();
    expect(holderPage).toContain('Bills and payments');
    expect(holderPage).toContain(`/account/bills/detail/?bill=${encodeURIComponent(w.billId)}`);
    const delegatePage = await (await get('/account/', w.callers.usageOnlyDelegate.cookie)).text();
    expect(delegatePage).not.toContain('Bills and payments');
    expect(delegatePage).not.toContain(w.billId);
  });
});

describe('the bill pages', () => {
  it('show the balance, the bills with their documents, and a bill with its charges, use and explained rate', async () => {
    const w = await world();
    const cookie = w.callers.holder.cookie;
    const list = await (await get(`/account/bills/?account=${w.accountId}`, cookie)).text();
    // Stated 111.39 as of the bill's day; then 25.00 paid and a 10.00 credit.
    expect(list).toContain('<strong class="balance-amount">$76.39</strong>');
    expect(list).toContain(`href="/api/billing/bills/${w.billId}/document"`);
    expect(list).toContain('Sep 1 – Sep 30, 2026');

    const detail = await (await get(`/account/bills/detail/?bill=${w.billId}`, cookie)).text();
    expect(detail).toContain('<title>Bill for Sep 1 – Sep 30, 2026 | Alder Creek Water &amp; Power</title>');
    expect(detail).toContain('Water, tier 2 (8 to 20 CCF)');
    expect(detail).toContain('Your rate, explained');
    expect(detail).toContain('Open the bill as the utility sent it (PDF, 1 KB)');
    expect(detail).not.toContain('data-print');

    const payments = await (await get(`/account/bills/payments/?account=${w.accountId}`, cookie)).text();
    expect(payments).toContain('$25.00');
    expect(payments).toContain('Leak adjustment credit');
    expect(payments).toContain('$10.00 credit');
  });

  it('offer printing where the utility sent no document', async () => {
    const client = await givenIngestClient();
    const { accountId, billId } = await givenBilledAccount(client);
    const holder = await signedIn({ holderOf: [accountId] });
    const detail = await (await get(`/account/bills/detail/?bill=${billId}`, holder.cookie)).text();
    expect(detail).toContain('The utility sent no document for this bill');
    expect(detail).toContain('<button type="button" data-print hidden>Print this bill</button>');
    expect(await env.DB.prepare('SELECT count(*) AS n FROM bill_documents WHERE bill_id = ?1').bind(billId).first()).toEqual({ n: 0 });
  });
});
