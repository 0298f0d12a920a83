import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { explainRate, type RateLine } from '../../worker/billing/rate-explained';
import { GALLONS_PER_CCF } from '../../worker/usage/units';
import { septemberBill, waterBillLines } from './support/billing-fixtures';
import { givenAccount, signedIn, uniqueId } from './support/sign-in';
import { get, givenIngestClient, givenMeter, givenReads, sendBatch } from './support/usage-fixtures';
import { addDays, eachDay } from '../../worker/usage/time';

type Rejection = { error: { code: string; fields?: { field: string; message: string }[] } };
type BillPage = { bills: { id: string; issuedOn: string; periodStart: string; amountCents: number; document: unknown }[]; next: string | null };

/** Monthly bills for `months` months ending with September 2026, newest last. */
function monthlyBills(accountId: string, months: number) {
  return Array.from({ length: months }, (_, i) => {
    const start = new Date(Date.UTC(2026, 8 - (months - 1 - i), 1));
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
    const d = (x: Date) => x.toISOString().slice(0, 10);
    return { id: `${accountId}-b${String(i).padStart(3, '0')}`, accountId, periodStart: d(start), periodEnd: d(end), issuedOn: addDays(d(end), 3), dueOn: addDays(d(end), 24), amountCents: 5_000 + i };
  });
}

const rateLines = (): RateLine[] =>
  waterBillLines().lines.map((l) => ({ service: null, quantity: null, unit: null, unitPrice: null, tierFrom: null, tierTo: null, touPeriod: null, taxRatePercent: null, ...l }) as RateLine);

describe('the rate in plain words', () => {
  it('explains fixed charges, tiers with what was used in each, sewer and taxes, from the bill\'s own lines', () => {
    const out = explainRate({ amountCents: 11_139, rateName: 'Residential water R-1' }, rateLines());
    expect(out.map((x) => x.heading)).toEqual(['Your rate', 'Water', 'Sewer', 'Taxes', 'In all']);
    expect(out[0]!.sentences).toEqual(['This bill applies Residential water R-1.']);
    expect(out[1]!.sentences).toEqual([
      'Water service charge (5/8-inch meter) ($18.50) is a fixed charge: it is the same however much water you use.',
      'Water is priced in tiers: the more you use in a billing period, the more each further CCF costs. On this bill, the first 8 CCF cost $4.12 each; from 8 to 20 CCF, $5.37 each.',
      'You were billed for 12.4 CCF: 8 in the first tier and 4.4 in the second tier, $56.59 in all.',
    ]);
    expect(out[2]!.sentences).toEqual(['Sewer service: $31.00 for the period.']);
    expect(out[3]!.sentences).toEqual(['Taxes add $5.30: Utility users tax at 5% ($5.30).']);
    expect(out[4]!.sentences).toEqual(['Together these come to $111.39, the new charges on this bill.']);
  });

  it('explains time-of-use electricity and says which hours cost less', () => {
    const tou = (touPeriod: RateLine['touPeriod'], quantity: number, unitPrice: number): RateLine => ({
      kind: 'time_of_use', service: 'electric', description: `Energy, ${touPeriod}`, quantity, unit: 'kWh', unitPrice, tierFrom: null, tierTo: null, touPeriod, taxRatePercent: null, amountCents: Math.round(quantity * unitPrice * 100),
    });
    const lines = [tou('peak', 120, 0.48), tou('off_peak', 300, 0.29)];
    const [electric] = explainRate({ amountCents: 14_460, rateName: null }, lines);
    expect(electric!.sentences).toEqual([
      'Electricity is priced by the time of day you use it: peak hours at $0.48 per kWh and off-peak hours at $0.29 per kWh.',
      'This period you used 120 kWh in peak hours ($57.60) and 300 kWh in off-peak hours ($87.00).',
      'Moving use from peak hours to off-peak hours lowers the bill.',
    ]);
  });

  it('says nothing it cannot: no lines, no explanation', () => {
    expect(explainRate({ amountCents: 100, rateName: 'R-1' }, [])).toEqual([]);
  });
});

describe('the bill list', () => {
  it('pages through ten years of monthly bills, newest first, from the index', async () => {
    const client = await givenIngestClient();
    const accountId = await givenAccount();
    const bills = monthlyBills(accountId, 120);
    expect((await sendBatch(client, { batchId: uniqueId('decade'), bills })).status).toBe(201);
    const holder = await signedIn({ holderOf: [accountId] });
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/api/billing/accounts/${accountId}/bills?limit=24${next ? `&before=${next}` : ''}`, holder.cookie);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const page = await res.json<BillPage>();
      seen.push(...page.bills.map((b) => b.id));
      next = page.next;
      pages++;
    } while (next);
    expect(pages).toBe(5);
    expect(seen).toEqual(bills.map((b) => b.id).reverse());
    // The index serves the page: D1 reads the page's rows (and one more to know there is a next page), not the ten years.
    const plan = await env.DB.prepare("EXPLAIN QUERY PLAN SELECT b.id FROM bills b LEFT JOIN bill_documents d ON d.bill_id = b.id WHERE b.account_id = ?1 AND (b.issued_on, b.id) < ('2020-01-01', 'x') ORDER BY b.issued_on DESC, b.id DESC LIMIT 25").bind(accountId).all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join('\n')).toMatch(/USING (COVERING )?INDEX bills_account_issued/);
    expect(plan.results.map((r) => r.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('refuses a cursor it did not make and a page size out of bounds, naming the field', async () => {
    const accountId = await givenAccount();
    const holder = await signedIn({ holderOf: [accountId] });
    const bad = await get(`/api/billing/accounts/${accountId}/bills?before=not-a-cursor`, holder.cookie);
    expect(bad.status).toBe(422);
    expect((await bad.json<Rejection>()).error.fields).toEqual([{ field: 'before', message: 'is not a cursor from a previous page' }]);
    const big = await get(`/api/billing/accounts/${accountId}/bills?limit=1000`, holder.cookie);
    expect(big.status).toBe(422);
    expect((await big.json<Rejection>()).error.fields!.map((f) => f.field)).toEqual(['limit']);
  });
});

describe('a bill\'s detail', () => {
  /** A water meter read 10 gallons an hour this September and 12 an hour the September before. */
  async function billedMeterAccount(options: { billedLastYear: boolean }) {
    const client = await givenIngestClient();
    const meter = await givenMeter({ kind: 'water', unit: 'gal', intervalMinutes: 60 });
    await givenReads(meter, eachDay('2026-09-01', '2026-09-30'), () => 10);
    await givenReads(meter, eachDay('2025-09-01', '2025-09-30'), () => 12);
    const bill = septemberBill(meter.accountId);
    const lastYear = { ...septemberBill(meter.accountId), periodStart: '2025-09-01', periodEnd: '2025-09-30', issuedOn: '2025-10-03', dueOn: '2025-10-24' };
    expect((await sendBatch(client, { batchId: uniqueId('b'), bills: options.billedLastYear ? [lastYear, bill] : [bill] })).status).toBe(201);
    return { meter, bill };
  }

  it('shows the lines, the rate explained, and the period\'s use beside the same days last year, in the bill\'s unit', async () => {
    const { meter, bill } = await billedMeterAccount({ billedLastYear: true });
    const holder = await signedIn({ holderOf: [meter.accountId] });
    const res = await get(`/api/billing/bills/${bill.id}`, holder.cookie);
    expect(res.status).toBe(200);
    const view = await res.json<{ bill: { lines: unknown[]; amountCents: number; document: unknown }; explanation: { heading: string }[]; use: unknown[] }>();
    expect(view.bill.lines).toHaveLength(5);
    expect(view.bill.document).toBeNull();
    expect(view.explanation.map((x) => x.heading)).toContain('Water');
    // September has 30 days; the 1 November DST change is outside it, so 720 hours each year.
    const ccf = (gallons: number) => Math.round((gallons / GALLONS_PER_CCF) * 1e5) / 1e5;
    expect(view.use).toEqual([
      {
        meterId: meter.meterId,
        kind: 'water',
        serial: expect.stringMatching(/^…/),
        unit: 'ccf',
        period: { start: '2026-09-01', end: '2026-09-30' },
        thisPeriod: { value: ccf(7_200), quality: 'actual', missingIntervals: 0 },
        lastYear: { value: ccf(8_640), quality: 'actual', missingIntervals: 0 },
        lastYearNote: null,
      },
    ]);
  });

  it('never shows a previous occupant\'s use: last year is left out when this account was not billed then', async () => {
    const { meter, bill } = await billedMeterAccount({ billedLastYear: false });
    const holder = await signedIn({ holderOf: [meter.accountId] });
    const view = await (await get(`/api/billing/bills/${bill.id}`, holder.cookie)).json<{ use: { lastYear: unknown; lastYearNote: string }[] }>();
    expect(view.use[0]).toMatchObject({ lastYear: null, lastYearNote: 'not_billed_then' });
  });

  it('counts a bill\'s use only on the days the account held each service point (worker/usage/tenure.ts), and last year only where it held it then', async () => {
    // The account moves within the utility's area on 16 September 2026, keeping its account (so it
    // was billed last year): from sp1, which a newcomer takes, to sp2, whose holder moves out.
    const client = await givenIngestClient();
    const n = uniqueId('mv');
    const [mover, before, after] = [`acct-m-${n}`, `acct-p-${n}`, `acct-n-${n}`];
    const point = (id: string) => ({ id, street: `${id} Moving Lane`, city: 'Alder Creek', region: 'CA', postalCode: '95990', serviceArea: 'Tenure Flats' });
    const meter = (id: string, sp: string) => ({ id, servicePointId: sp, serialNumber: `SN-${id}`, kind: 'water', unit: 'gal', intervalMinutes: 60, installedOn: '2024-01-01' });
    const [sp1, sp2, m1, m2] = [`sp1-${n}`, `sp2-${n}`, `mtr-${n}-1`, `mtr-${n}-2`];
    const setUp = await sendBatch(client, {
      batchId: `${n}-1`,
      accounts: [{ id: mover, accountNumber: `AN-M-${n}`, holderName: 'Moving Holder' }, { id: before, accountNumber: `AN-P-${n}`, holderName: 'Previous Occupant' }],
      servicePoints: [{ ...point(sp1), accountId: mover }, { ...point(sp2), accountId: before }],
      meters: [meter(m1, sp1), meter(m2, sp2)],
    });
    expect(setUp.status).toBe(201);
    const move = await sendBatch(client, {
      batchId: `${n}-2`,
      accounts: [{ id: after, accountNumber: `AN-N-${n}`, holderName: 'Newcomer' }],
      servicePoints: [{ ...point(sp1), accountId: after, accountSince: '2026-09-16' }, { ...point(sp2), accountId: mover, accountSince: '2026-09-16' }],
    });
    expect(move.status).toBe(201);
    const given = (meterId: string, servicePointId: string) => ({ meterId, servicePointId, accountId: mover, serviceArea: 'Tenure Flats', kind: 'water' as const, unit: 'gal' as const, intervalMinutes: 60, occupants: null });
    await givenReads(given(m1, sp1), [...eachDay('2025-09-01', '2025-09-30'), ...eachDay('2026-09-01', '2026-09-30')], (day) => (day < '2026-01-01' ? 12 : 10));
    await givenReads(given(m2, sp2), [...eachDay('2025-09-01', '2025-09-30'), ...eachDay('2026-09-01', '2026-09-30')], (day) => (day < '2026-01-01' ? 30 : 20));
    const bill = septemberBill(mover);
    const lastYear = { ...septemberBill(mover), periodStart: '2025-09-01', periodEnd: '2025-09-30', issuedOn: '2025-10-03', dueOn: '2025-10-24' };
    expect((await sendBatch(client, { batchId: `${n}-3`, bills: [lastYear, bill] })).status).toBe(201);

    const holder = await signedIn({ holderOf: [mover] });
    const view = await (await get(`/api/billing/bills/${bill.id}`, holder.cookie)).json<{ use: unknown[] }>();
    const ccf = (gallons: number) => Math.round((gallons / GALLONS_PER_CCF) * 1e5) / 1e5;
    expect(view.use).toEqual([
      // The old home up to the move, beside the same 15 days a year before (held then too).
      expect.objectContaining({ meterId: m1, period: { start: '2026-09-01', end: '2026-09-15' }, thisPeriod: { value: ccf(15 * 24 * 10), quality: 'actual', missingIntervals: 0 }, lastYear: { value: ccf(15 * 24 * 12), quality: 'actual', missingIntervals: 0 }, lastYearNote: null }),
      // The new home from the move: a year before, its reads were the previous occupant's.
      expect.objectContaining({ meterId: m2, period: { start: '2026-09-16', end: '2026-09-30' }, thisPeriod: { value: ccf(15 * 24 * 20), quality: 'actual', missingIntervals: 0 }, lastYear: null, lastYearNote: 'not_held_then' }),
    ]);
    const page = await (await get(`/account/bills/detail/?bill=${encodeURIComponent(bill.id)}`, holder.cookie)).text();
    expect(page).toContain('the days this account held the service');
    // The bill names both homes the account held in its period.
    expect(page).toContain(`${sp1} Moving Lane`);
    expect(page).toContain(`${sp2} Moving Lane`);
    expect(page).toContain('Not shown: this account did not hold this service then');
  });

  it('shows a delegate with the billing right but not the usage right the bill without meter reads', async () => {
    const { meter, bill } = await billedMeterAccount({ billedLastYear: true });
    const delegate = await signedIn({ delegateOf: [{ accountId: meter.accountId, billing: true, usage: false }] });
    const view = await (await get(`/api/billing/bills/${bill.id}`, delegate.cookie)).json<{ use: unknown; bill: { lines: unknown[] } }>();
    expect(view.use).toBeNull();
    expect(view.bill.lines).toHaveLength(5);
  });
});

describe('the billing overview', () => {
  it('gives each account the login may see bills of: balance, due date, last bill, paperless and autopay, and the last period\'s use', async () => {
    const client = await givenIngestClient();
    const meter = await givenMeter();
    await givenReads(meter, eachDay('2026-09-01', '2026-09-30'), () => 5);
    const bill = septemberBill(meter.accountId);
    expect((await sendBatch(client, { batchId: uniqueId('b'), bills: [bill], balances: [{ accountId: meter.accountId, asOf: '2026-10-03', balanceCents: bill.amountCents }] })).status).toBe(201);
    const usageOnlyAccount = await givenAccount();
    const holder = await signedIn({ holderOf: [meter.accountId], delegateOf: [{ accountId: usageOnlyAccount, usage: true, billing: false }] });
    const res = await get('/api/billing/overview', holder.cookie);
    expect(res.status).toBe(200);
    const { accounts } = await res.json<{ accounts: Record<string, unknown>[] }>();
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({
      accountId: meter.accountId,
      relationship: 'holder',
      balance: { balanceCents: 11_139, pendingCents: 0 },
      // Due by 24 October 2026, which has passed.
      due: { state: 'past_due', amountCents: 11_139, dueOn: '2026-10-24' },
      lastBill: { id: bill.id, amountCents: 11_139, periodStart: '2026-09-01' },
      options: { paperless: false, autopay: 'off' },
      use: [{ unit: 'gal', thisPeriod: { value: 3_600, quality: 'actual' }, lastYear: null, lastYearNote: 'not_billed_then' }],
    });
  });
});
