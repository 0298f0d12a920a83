import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { balanceOf, dueStatus, readBalance, type LedgerEntry } from '../../worker/billing/balance';
import { failPortalPayment, recordPortalPayment } from '../../worker/billing/portal-payments';
import { demoLedgers } from '../../db/demo/billing';
import { demoAccounts } from '../../db/demo/customers';
import { DEMO_SEED } from '../../db/demo/dataset';
import { DEMO_MOVE } from '../../db/demo/move';
import { seededRandom } from '../../db/demo/random';
import { septemberBill } from './support/billing-fixtures';
import { givenAccount, uniqueId } from './support/sign-in';
import { givenIngestClient, sendBatch, TZ } from './support/usage-fixtures';

const bill = (day: string, cents: number): LedgerEntry => ({ kind: 'bill', day, cents });
const adjustment = (day: string, cents: number): LedgerEntry => ({ kind: 'adjustment', day, cents });
const payment = (day: string, cents: number, status: 'pending' | 'posted' | 'failed' = 'posted'): LedgerEntry => ({ kind: 'payment', day, cents, status });

describe('balance arithmetic', () => {
  it('agrees with the demo ledgers: each account owes its last bill, the holder who moved out owes nothing, the newcomer its own October bill', () => {
    const ledgers = demoLedgers(demoAccounts(seededRandom(DEMO_SEED)), DEMO_SEED);
    const owed = new Map(
      ledgers.map((l) => {
        const entries: LedgerEntry[] = [...l.bills.map((b) => bill(b.issuedOn, b.amountCents)), ...l.adjustments.map((a) => adjustment(a.postedOn, a.amountCents)), ...l.payments.map((p) => payment(p.paidOn, p.amountCents))];
        return [l.balance.accountId, { balance: balanceOf(l.balance, entries).balanceCents, last: l.bills.at(-1)! }];
      }),
    );
    expect(owed.size).toBe(301);
    for (const [accountId, o] of owed) {
      if (accountId === DEMO_MOVE.former.accountId) expect(o, accountId).toMatchObject({ balance: 0, last: { periodEnd: DEMO_MOVE.moveOut } });
      else expect(o.balance, accountId).toBe(o.last.amountCents);
    }
    expect(ledgers.find((l) => l.balance.accountId === DEMO_MOVE.newcomer.id)!.bills.map((b) => b.periodStart)).toEqual(['2026-09-01', '2026-10-01']);
  });

  it('starts from the stated balance and adds only what is dated after its day', () => {
    const stated = { balanceCents: 10_000, asOf: '2026-10-03' };
    const b = balanceOf(stated, [bill('2026-10-03', 10_000), bill('2026-11-03', 8_000), payment('2026-10-03', 5_000), payment('2026-10-20', 10_000), adjustment('2026-11-05', 500), adjustment('2026-09-30', -900)]);
    // 10,000 stated (includes the 3 October bill and payment) + 8,000 + 500 - 10,000.
    expect(b.balanceCents).toBe(8_500);
    expect(b.since).toEqual({ billedCents: 8_000, adjustedCents: 500, paidCents: 10_000 });
    expect(b.pendingCents).toBe(0);
  });

  it('takes a portal payment off at once, whatever its day, and ignores a failed one', () => {
    const stated = { balanceCents: 8_000, asOf: '2026-11-10' };
    const b = balanceOf(stated, [payment('2026-11-09', 3_000, 'pending'), payment('2026-11-11', 1_000, 'failed')]);
    expect(b.balanceCents).toBe(5_000);
    expect(b.pendingCents).toBe(3_000);
  });

  it('counts every entry when the utility stated no balance', () => {
    expect(balanceOf(null, [bill('2025-01-03', 6_000), bill('2025-02-03', 7_000), payment('2025-01-20', 6_000), adjustment('2025-02-10', -1_500)]).balanceCents).toBe(5_500);
    expect(balanceOf(null, []).balanceCents).toBe(0);
  });

  it('goes into credit when more was paid than owed', () => {
    expect(balanceOf({ balanceCents: 2_000, asOf: '2026-10-01' }, [payment('2026-10-02', 5_000)]).balanceCents).toBe(-3_000);
  });

  it('says what is due by when: a credit, nothing, due by the last bill\'s date, or past due after it', () => {
    const last = { dueOn: '2026-11-24', amountCents: 8_000 };
    expect(dueStatus(-3_000, last, '2026-11-01')).toEqual({ state: 'credit', creditCents: 3_000 });
    expect(dueStatus(0, last, '2026-11-01')).toEqual({ state: 'nothing_due' });
    expect(dueStatus(8_000, last, '2026-11-24')).toEqual({ state: 'due', amountCents: 8_000, dueOn: '2026-11-24', pastDueCents: 0 });
    expect(dueStatus(5_000, last, '2026-11-10')).toEqual({ state: 'due', amountCents: 5_000, dueOn: '2026-11-24', pastDueCents: 0 });
    expect(dueStatus(8_000, last, '2026-11-25')).toEqual({ state: 'past_due', amountCents: 8_000, dueOn: '2026-11-24' });
    expect(dueStatus(8_000, null, '2026-11-25')).toEqual({ state: 'due', amountCents: 8_000, dueOn: null, pastDueCents: 0 });
  });

  it('says which part is past due when an earlier bill was left unpaid and the last one is not due yet', () => {
    expect(dueStatus(13_000, { dueOn: '2026-12-24', amountCents: 8_000 }, '2026-12-01')).toEqual({ state: 'due', amountCents: 13_000, dueOn: '2026-12-24', pastDueCents: 5_000 });
  });
});

describe('the balance read from what the utility sent and what was paid in the portal', () => {
  it('follows a month: statement, new bill, payment at the counter, portal payment, then the utility posting it', async () => {
    const client = await givenIngestClient();
    const accountId = await givenAccount();
    const september = septemberBill(accountId);
    const october = { ...septemberBill(accountId), periodStart: '2026-10-01', periodEnd: '2026-10-31', issuedOn: '2026-11-03', dueOn: '2026-11-24' };
    const send = async (body: Record<string, unknown>) => expect((await sendBatch(client, { batchId: uniqueId('month'), ...body })).status).toBe(201);

    await send({ bills: [september], balances: [{ accountId, asOf: '2026-10-03', balanceCents: september.amountCents }] });
    expect((await readBalance(env.DB, accountId)).balanceCents).toBe(11_139);

    await send({ payments: [{ id: uniqueId('pay'), accountId, amountCents: 11_139, paidOn: '2026-10-20', method: 'check' }], bills: [october] });
    expect((await readBalance(env.DB, accountId)).balanceCents).toBe(11_139);

    const portalId = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
    await env.DB.batch([recordPortalPayment(env.DB, { portalPaymentId: portalId, accountId, amountCents: 5_000, method: 'card', paidAt: new Date('2026-11-10T20:00:00Z'), timeZone: TZ })]);
    let balance = await readBalance(env.DB, accountId);
    expect(balance.balanceCents).toBe(6_139);
    expect(balance.pendingCents).toBe(5_000);

    // The utility posts the portal payment and states a new balance including it: counted once.
    await send({ payments: [{ id: uniqueId('pay'), accountId, amountCents: 5_000, paidOn: '2026-11-10', postedOn: '2026-11-12', method: 'card', portalPaymentId: portalId }] });
    balance = await readBalance(env.DB, accountId);
    expect(balance.balanceCents).toBe(6_139);
    expect(balance.pendingCents).toBe(0);
    await send({ balances: [{ accountId, asOf: '2026-11-12', balanceCents: 6_139 }], adjustments: [{ id: uniqueId('adj'), accountId, postedOn: '2026-11-13', kind: 'credit', description: 'Leak adjustment', amountCents: -1_139 }] });
    balance = await readBalance(env.DB, accountId);
    expect(balance.balanceCents).toBe(5_000);
    expect(balance.stated).toEqual({ balanceCents: 6_139, asOf: '2026-11-12' });
  });

  it('puts a failed portal payment back on the balance', async () => {
    const accountId = await givenAccount();
    const client = await givenIngestClient();
    expect((await sendBatch(client, { batchId: uniqueId('b'), balances: [{ accountId, asOf: '2026-11-01', balanceCents: 4_000 }] })).status).toBe(201);
    const portalId = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
    await env.DB.batch([recordPortalPayment(env.DB, { portalPaymentId: portalId, accountId, amountCents: 4_000, method: 'bank', paidAt: new Date(), timeZone: TZ })]);
    expect((await readBalance(env.DB, accountId)).balanceCents).toBe(0);
    await env.DB.batch([failPortalPayment(env.DB, portalId)]);
    expect((await readBalance(env.DB, accountId)).balanceCents).toBe(4_000);
  });
});
