/**
 * The privacy officer's queue: paged, with unmatched, unverified filings in a view of their own so
 * that a flood of junk never pushes real requests off the first page.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { QueuePage } from '../../worker/staff/queue';
import { fileRequest, portal, requestBody } from './support/requests';
import { givenAccount, signedIn, uniqueId } from './support/sign-in';

const queue = async (cookie: string, query = '') => {
  const res = await portal(`/api/staff/requests${query}`, { headers: { Cookie: cookie } });
  expect(res.status).toBe(200);
  return res.json<QueuePage>();
};

describe('the request queue', () => {
  it('keeps 200 junk opt-outs from pushing a matched request off the first page of the default view', async () => {
    const officer = await signedIn({ role: 'privacy_officer' });
    const number = String(4_000_000_000 + (Date.now() % 1_000_000));
    await givenAccount({ accountNumber: number, holderName: 'Noor Haddad', emailOnFile: `${uniqueId('noor')}@customers.example` });
    // A real request (due in 45 days), then 200 opt-outs naming no account (due sooner: 15 business days), each from its own client.
    const real = await fileRequest(requestBody({ accountNumber: number, fullName: 'Noor Haddad', declarationName: 'Noor Haddad' }));
    const junk = await Promise.all(
      Array.from({ length: 200 }, (_, i) => fileRequest(requestBody({ type: 'opt_out', optOutSaleSharing: true, accountNumber: String(9_100_000_000 + i), fullName: 'Junk Filer', declarationName: 'Junk Filer' }))),
    );
    expect(junk.every((j) => j.dueOn < real.dueOn)).toBe(true);

    const first = await queue(officer.cookie);
    expect(first.view).toBe('matched');
    expect(first.requests.map((r) => r.id)).toContain(real.id);
    expect(first.requests.every((r) => r.accountMatched)).toBe(true);
    expect(first.counts.unmatched).toBeGreaterThanOrEqual(200);

    const unmatched = await queue(officer.cookie, '?view=unmatched');
    expect(unmatched.total).toBe(unmatched.counts.unmatched);
    expect(unmatched.requests).toHaveLength(unmatched.pageSize);
    expect(unmatched.pageSize).toBe(50);
    expect(unmatched.pages).toBe(Math.ceil(unmatched.total / 50));
    expect(unmatched.requests.some((r) => r.accountMatched)).toBe(false);
    const second = await queue(officer.cookie, '?view=unmatched&page=2');
    expect(second.page).toBe(2);
    const onBoth = second.requests.filter((r) => unmatched.requests.some((u) => u.id === r.id));
    expect(onBoth).toEqual([]);
    // Still by due date across pages.
    expect(unmatched.requests.at(-1)!.dueOn <= second.requests[0]!.dueOn).toBe(true);
  }, 120_000);

  it('counts every filing in exactly one view', async () => {
    const officer = await signedIn({ role: 'privacy_officer' });
    const { n } = (await env.DB.prepare('SELECT count(*) AS n FROM privacy_requests').first<{ n: number }>())!;
    const page = await queue(officer.cookie);
    expect(page.counts.matched + page.counts.unmatched).toBe(n);
  });

  it('refuses a page or view that is not one, naming the field', async () => {
    const officer = await signedIn({ role: 'privacy_officer' });
    for (const query of ['?page=0', '?page=two', '?view=everything']) {
      const res = await portal(`/api/staff/requests${query}`, { headers: { Cookie: officer.cookie } });
      expect(res.status, query).toBe(422);
      const fields = (await res.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field);
      expect(fields, query).toContain(query.slice(1, query.indexOf('=')));
    }
  });

  it('shows the views with their counts and a pager on the staff page, keeping the filters', async () => {
    const officer = await signedIn({ role: 'privacy_officer' });
    for (let i = 0; i < 51; i++) await fileRequest(requestBody({ type: 'opt_out', optOutSaleSharing: true, accountNumber: String(9_200_000_000 + i), fullName: 'Junk Filer', declarationName: 'Junk Filer' }));
    const counts = await queue(officer.cookie, '?type=opt_out');
    const html = await (await portal('/staff/?view=unmatched&type=opt_out', { headers: { Cookie: officer.cookie } })).text();
    expect(html).toContain(`Unmatched, unverified (${counts.counts.unmatched})`);
    expect(html).toContain(`Matched or verified (${counts.counts.matched})`);
    expect(html).toMatch(/<a href="\/staff\/\?type=opt_out&amp;view=unmatched" aria-current="page">/);
    expect(html).toContain('href="/staff/?type=opt_out&amp;view=unmatched&amp;page=2"');
    expect(html).toMatch(/Page 1 of \d+/);
    expect(html).toMatch(/<input type="hidden" name="view" value="unmatched"/);
  });
});
