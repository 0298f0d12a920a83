import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { givenProvableAccount, postForm, postJson } from './support/accounts';
import { payOnStandIn, rows } from './support/payments';

type ErrorJson = { error: { code: string; message: string; fields: { field: string; message: string }[] } };

let ipCounter = 0;
const run = crypto.randomUUID().slice(0, 4);
/**
 * A client of its own, so throttle counters of one test never touch another's: a /64 of its own,
 * since throttles count an IPv6 client by its /64 (worker/http/client-network.ts). `host` picks an
 * address inside it.
 */
const freshNetwork = () => {
  const net = `2001:db8:${run}:${(++ipCounter).toString(16)}`;
  return (host = 1) => `${net}::${host.toString(16)}`;
};
const freshIp = () => freshNetwork()();

const lookup = (accountNumber: string, serviceZip: string, ip: string) => postJson('/api/payments/guest/lookup', { accountNumber, serviceZip }, { ip });
const tableCounts = async () => ({
  intents: (await rows('SELECT id FROM payment_intents')).length,
  events: (await rows('SELECT event_id FROM processor_events')).length,
});

describe('paying without signing in', () => {
  it('shows the amount due for a matching account number and service ZIP, and nothing else about the account', async () => {
    const account = await givenProvableAccount();
    const res = await lookup(account.accountNumber, account.zip, freshIp());
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ amountDueCents: 16417, amountDue: '$164.17', minCents: 100, maxCents: 66417 });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers a wrong ZIP and an unknown number alike, naming the fields, and writes no intent', async () => {
    const account = await givenProvableAccount();
    const before = await tableCounts();
    const wrongZip = await lookup(account.accountNumber, '90210', freshIp());
    const unknown = await lookup('5999999999', account.zip, freshIp());
    expect(wrongZip.status).toBe(422);
    expect(unknown.status).toBe(422);
    const [a, b] = [await wrongZip.json<ErrorJson>(), await unknown.json<ErrorJson>()];
    expect(a.error.code).toBe('account_not_matched');
    expect({ ...a.error, requestId: undefined }).toEqual({ ...b.error, requestId: undefined });
    const bad = await postJson('/api/payments/guest/lookup', { accountNumber: 'abc', serviceZip: '1' }, { ip: freshIp() });
    expect(bad.status).toBe(422);
    expect((await bad.json<ErrorJson>()).error.fields.map((f) => f.field).sort()).toEqual(['accountNumber', 'serviceZip']);
    expect(await tableCounts()).toEqual(before);
  });

  it('locks one client out after 10 misses in an hour, even for a right pair afterwards', async () => {
    const account = await givenProvableAccount();
    const ip = freshIp();
    for (let i = 0; i < 10; i++) expect((await lookup(`59${String(i).padStart(8, '0')}`, '95990', ip)).status).toBe(422);
    const locked = await lookup(account.accountNumber, account.zip, ip);
    expect(locked.status).toBe(429);
    expect((await locked.json<ErrorJson>()).error.code).toBe('too_many_attempts');
    // Another client is not affected.
    expect((await lookup(account.accountNumber, account.zip, freshIp())).status).toBe(200);
  });

  it('locks one account number after 5 wrong ZIP codes from any clients, so spreading the guesses does not help', async () => {
    const account = await givenProvableAccount();
    for (const zip of ['90001', '90002', '90003', '90004', '90005']) expect((await lookup(account.accountNumber, zip, freshIp())).status).toBe(422);
    expect((await lookup(account.accountNumber, account.zip, freshIp())).status).toBe(429);
  });

  it('counts every look-up from one client, right or wrong: the 31st in an hour waits', async () => {
    const account = await givenProvableAccount();
    const ip = freshIp();
    for (let i = 0; i < 30; i++) expect((await lookup(account.accountNumber, account.zip, ip)).status).toBe(200);
    expect((await lookup(account.accountNumber, account.zip, ip)).status).toBe(429);
  });

  it('counts an IPv6 client by its /64: a fresh address in the same network gets no fresh allowance', async () => {
    const account = await givenProvableAccount();
    const network = freshNetwork();
    for (let i = 1; i <= 30; i++) expect((await lookup(account.accountNumber, account.zip, network(i))).status).toBe(200);
    expect((await lookup(account.accountNumber, account.zip, network(0xbeef))).status).toBe(429);
    expect((await lookup(account.accountNumber, account.zip, freshIp())).status).toBe(200);
  });

  it('hands a visitor off to the processor and records the payment from the webhook, with no login attached', async () => {
    const account = await givenProvableAccount();
    const ip = freshIp();
    // JavaScript off: the look-up answers with the filled confirmation page, the pay form with a 303 to the processor.
    const page = await postForm('/api/payments/guest/lookup', { accountNumber: account.accountNumber, serviceZip: account.zip }, { ip });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('$164.17');
    expect(html).toContain(`value="${account.accountNumber}"`);
    expect(html).not.toContain('12 Heron Way');
    expect(html).not.toContain('Test Holder');
    const res = await postForm('/api/payments/guest/checkout', { accountNumber: account.accountNumber, serviceZip: account.zip, amount: '164.17' }, { ip });
    expect(res.status).toBe(303);
    const url = res.headers.get('location')!;
    const [intent] = await rows<{ id: string; login_id: string | null; channel: string; amount_cents: number }>('SELECT * FROM payment_intents WHERE account_id = ?1', account.accountId);
    expect(intent).toMatchObject({ login_id: null, channel: 'guest', amount_cents: 16417 });
    const paid = await payOnStandIn(url);
    expect(paid.headers.get('location')).toBe(`${env.PORTAL_ORIGIN}/pay/return/`);
    expect((await lookup(account.accountNumber, account.zip, freshIp()).then((r) => r.json<{ amountDueCents: number }>())).amountDueCents).toBe(0);
  });

  it('refuses a guest payment for a pair that does not match, or above the bounds, before any hand-off', async () => {
    const account = await givenProvableAccount();
    const before = await tableCounts();
    const wrong = await postJson('/api/payments/guest/checkout', { accountNumber: account.accountNumber, serviceZip: '90210', amount: '10.00' }, { ip: freshIp() });
    expect(wrong.status).toBe(422);
    const tooMuch = await postJson('/api/payments/guest/checkout', { accountNumber: account.accountNumber, serviceZip: account.zip, amount: '664.18' }, { ip: freshIp() });
    expect(tooMuch.status).toBe(422);
    expect(await tooMuch.json()).toMatchObject({ error: { code: 'amount_above_maximum', fields: [{ field: 'amount', message: 'Enter an amount from $1.00 to $664.17.' }] } });
    const plain = await postForm('/api/payments/guest/checkout', { accountNumber: account.accountNumber, serviceZip: account.zip, amount: '0.50' }, { ip: freshIp() });
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe('/pay/?error=amount_below_minimum&field=amount');
    expect(await tableCounts()).toEqual(before);
  });
});
