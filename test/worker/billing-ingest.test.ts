import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { recordPortalPayment } from '../../worker/billing/portal-payments';
import { billingSnapshot, count, givenOtherUtilityAccount, septemberBill, waterBillLines } from './support/billing-fixtures';
import { givenAccount, uniqueId } from './support/sign-in';
import { givenIngestClient, givenMeter, sendBatch, TZ } from './support/usage-fixtures';

type Rejection = { error: { code: string; message: string; fields?: { field: string; message: string }[] } };

/** One account's month: a bill with its lines, a payment, a late fee and the balance the utility states. */
function monthBatch(accountId: string) {
  const bill = septemberBill(accountId);
  return {
    bill,
    batch: {
      batchId: uniqueId('billing'),
      bills: [bill],
      payments: [{ id: uniqueId('pay'), accountId, amountCents: 6400, paidOn: '2026-10-20', method: 'check' }],
      adjustments: [{ id: uniqueId('adj'), accountId, postedOn: '2026-10-02', kind: 'late_fee', description: 'Late fee, August bill', amountCents: 500 }],
      balances: [{ accountId, asOf: '2026-10-03', balanceCents: bill.amountCents + 500 }],
    },
  };
}

describe('billing ingest', () => {
  it('applies bills with their lines, payments, adjustments and a stated balance in one batch', async () => {
    const client = await givenIngestClient();
    const accountId = await givenAccount();
    const { batch, bill } = monthBatch(accountId);
    const res = await sendBatch(client, batch);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      status: 'applied',
      batchId: batch.batchId,
      summary: { accounts: 0, servicePoints: 0, meters: 0, reads: 0, days: 0, meterDays: 0, moves: 0, contactEdits: { count: 0, listed: [] }, bills: 1, payments: 1, adjustments: 1, balances: 1 },
    });
    const stored = await billingSnapshot(accountId);
    expect(stored.bills).toEqual([
      expect.objectContaining({ id: bill.id, period_start: '2026-09-01', period_end: '2026-09-30', issued_on: '2026-10-03', due_on: '2026-10-24', amount_cents: bill.amountCents, bill_number: 'ACW-100234', rate_name: 'Residential water R-1', updated_at: null }),
    ]);
    expect(stored.lines.map((l) => [l.position, l.kind, l.amount_cents])).toEqual([
      [1, 'fixed', 1850],
      [2, 'volume_tier', 3296],
      [3, 'volume_tier', 2363],
      [4, 'sewer', 3100],
      [5, 'tax', 530],
    ]);
    expect(stored.lines[2]).toMatchObject({ quantity: 4.4, unit: 'ccf', unit_price: 5.37, tier_from: 8, tier_to: 20, service: 'water' });
    expect(stored.payments).toEqual([expect.objectContaining({ utility_payment_id: batch.payments[0]!.id, portal_payment_id: null, status: 'posted', paid_on: '2026-10-20', posted_on: '2026-10-20', method: 'check', amount_cents: 6400 })]);
    expect(stored.adjustments).toEqual([expect.objectContaining({ kind: 'late_fee', amount_cents: 500, posted_on: '2026-10-02' })]);
    expect(stored.balances).toEqual([expect.objectContaining({ balance_cents: bill.amountCents + 500, as_of: '2026-10-03' })]);
  });

  it('changes nothing when the same batch arrives twice, or the same rows under a new batch id', async () => {
    const client = await givenIngestClient();
    const accountId = await givenAccount();
    const { batch } = monthBatch(accountId);
    expect((await sendBatch(client, batch)).status).toBe(201);
    const before = await billingSnapshot(accountId);
    const again = await sendBatch(client, batch);
    expect(again.status).toBe(200);
    expect((await again.json<{ status: string }>()).status).toBe('already_applied');
    expect(await billingSnapshot(accountId)).toEqual(before);
    // Same rows, new batch id: applied, but no row is rewritten (updated_at stays empty, line rows keep their rowids).
    expect((await sendBatch(client, { ...batch, batchId: `${batch.batchId}-again` })).status).toBe(201);
    expect(await billingSnapshot(accountId)).toEqual(before);
  });

  it('replaces a corrected bill and its lines, and keeps the lines when a bill comes back without them', async () => {
    const client = await givenIngestClient();
    const accountId = await givenAccount();
    const { batch, bill } = monthBatch(accountId);
    expect((await sendBatch(client, batch)).status).toBe(201);
    const corrected = { ...bill, amountCents: 1850 + 3296, dueOn: '2026-10-31', lines: (bill.lines as { amountCents: number }[]).slice(0, 2) };
    expect((await sendBatch(client, { batchId: uniqueId('fix'), bills: [corrected] })).status).toBe(201);
    let stored = await billingSnapshot(accountId);
    expect(stored.bills[0]).toMatchObject({ amount_cents: 5146, due_on: '2026-10-31' });
    expect(stored.bills[0]!.updated_at).not.toBeNull();
    expect(stored.lines.map((l) => l.position)).toEqual([1, 2]);
    // Sent again without lines and the same amount: the lines stay.
    const { lines: _lines, ...withoutLines } = corrected;
    expect((await sendBatch(client, { batchId: uniqueId('again'), bills: [{ ...withoutLines, billNumber: 'ACW-100234-R' }] })).status).toBe(201);
    stored = await billingSnapshot(accountId);
    expect(stored.bills[0]).toMatchObject({ bill_number: 'ACW-100234-R' });
    expect(stored.lines.map((l) => l.position)).toEqual([1, 2]);
  });

  it('rejects a batch with bad billing rows whole, naming each row and why', async () => {
    const client = await givenIngestClient();
    const accountId = await givenAccount();
    const newAccount = uniqueId('acct');
    const good = septemberBill(accountId);
    const { lines } = waterBillLines();
    const res = await sendBatch(client, {
      batchId: uniqueId('bad'),
      accounts: [{ id: newAccount, accountNumber: `AN-${newAccount}`, holderName: 'Nova Example' }],
      bills: [
        good,
        { ...septemberBill(accountId), amountCents: 100 },
        { ...septemberBill(accountId), periodEnd: '2026-08-31' },
        { ...septemberBill(accountId), lines: [{ ...lines[1], unitPrice: undefined }, ...lines.slice(2), lines[0]] },
        { ...septemberBill('acct-nobody') },
        { ...septemberBill(accountId), issuedOn: '2099-01-01', dueOn: '2099-01-20' },
        { ...septemberBill(accountId), id: good.id },
      ],
      payments: [
        { id: uniqueId('pay'), accountId, amountCents: 0, paidOn: '2026-10-20' },
        { id: uniqueId('pay'), accountId, amountCents: 100, paidOn: '2026-10-20', postedOn: '2026-10-19' },
      ],
      adjustments: [{ id: uniqueId('adj'), accountId, postedOn: '2026-10-02', kind: 'credit', description: 'Leak credit', amountCents: 2500 }],
      balances: [{ accountId, asOf: '2026-10-3', balanceCents: 12.5 }],
    });
    expect(res.status).toBe(422);
    const body = await res.json<Rejection>();
    expect(body.error.code).toBe('batch_rejected');
    expect(body.error.message).toMatch(/nothing was written/);
    expect(body.error.fields).toEqual([
      { field: 'bills[1].lines', message: "add up to 11139 cents, not the bill's amountCents (100)" },
      { field: 'bills[2].periodEnd', message: 'must not be before periodStart' },
      { field: 'bills[3].lines.0.unitPrice', message: 'is required on a volume_tier line' },
      { field: 'payments[0].amountCents', message: 'must be more than zero (a returned payment is an adjustment of kind returned_payment)' },
      { field: 'payments[1].postedOn', message: 'must not be before paidOn' },
      { field: 'adjustments[0].amountCents', message: 'a credit lowers what is owed: send it as a negative amount' },
      { field: 'balances[0].asOf', message: 'must be a date YYYY-MM-DD' },
      { field: 'balances[0].balanceCents', message: 'must be a whole number of cents' },
      { field: 'bills[6]', message: 'this bill also appears at bills[0] of this batch; send each once' },
      { field: 'bills[4].accountId', message: 'names no known account: send the account first or in this batch' },
      { field: 'bills[5].issuedOn', message: expect.stringMatching(/^is after today \(\d{4}-\d{2}-\d{2}\) in the utility's time zone$/) },
    ]);
    // Nothing of the batch was written, not even its good rows.
    expect(await count('SELECT count(*) AS n FROM accounts WHERE id = ?1', newAccount)).toBe(0);
    expect(await billingSnapshot(accountId)).toEqual({ bills: [], lines: [], payments: [], adjustments: [], balances: [] });
  });

  it('refuses a bill that would move to another account, and a balance older than the one held', async () => {
    const client = await givenIngestClient();
    const accountId = await givenAccount();
    const otherAccount = await givenAccount();
    const { batch, bill } = monthBatch(accountId);
    expect((await sendBatch(client, batch)).status).toBe(201);
    const res = await sendBatch(client, {
      batchId: uniqueId('move'),
      bills: [{ ...bill, accountId: otherAccount }],
      balances: [{ accountId, asOf: '2026-09-30', balanceCents: 0 }],
    });
    expect(res.status).toBe(422);
    expect((await res.json<Rejection>()).error.fields).toEqual([
      { field: 'bills[0].accountId', message: 'this bill is held for another account; it cannot move between accounts' },
      { field: 'balances[0].asOf', message: 'is older than the balance already held (as of 2026-10-03); send the latest' },
    ]);
  });

  it('takes bill lines as CSV for a bill it holds, refusing lines that do not add up to the bill', async () => {
    const client = await givenIngestClient();
    const accountId = await givenAccount();
    const { lines: _lines, ...bill } = septemberBill(accountId);
    expect((await sendBatch(client, { batchId: uniqueId('bill'), bills: [bill] })).status).toBe(201);
    const header = 'bill_id,kind,service,description,quantity,unit,unit_price,tier_from,tier_to,tax_rate_percent,amount_cents';
    const rows = [
      `${bill.id},fixed,water,Water service charge,1,month,18.50,,,,1850`,
      `${bill.id},volume_tier,water,"Water, tier 1",8,ccf,4.12,0,8,,3296`,
      `${bill.id},volume_tier,water,"Water, tier 2",4.4,ccf,5.37,8,20,,2363`,
      `${bill.id},sewer,sewer,Sewer service,,,,,,,3100`,
      `${bill.id},tax,,Utility users tax,,,,,,5,0x212`,
    ];
    const bad = await sendBatch(client, [header, ...rows].join('\n'), { contentType: 'text/csv', query: `?section=billLines&batchId=${uniqueId('csv')}` });
    expect(bad.status).toBe(422);
    expect((await bad.json<Rejection>()).error.fields).toEqual([
      { field: 'billLines[4].amountCents (line 6)', message: 'Invalid input: expected number, received string' },
      // The lines that could be read do not make the bill's amount either.
      { field: 'billLines[0].amountCents (line 2)', message: `the billLines of bill ${bill.id} add up to 10609 cents, not its amount (11139)` },
    ]);

    const short = await sendBatch(client, [header, ...rows.slice(0, 4)].join('\n'), { contentType: 'text/csv', query: `?section=billLines&batchId=${uniqueId('csv')}` });
    expect(short.status).toBe(422);
    expect((await short.json<Rejection>()).error.fields).toEqual([
      { field: 'billLines[0].amountCents (line 2)', message: `the billLines of bill ${bill.id} add up to 10609 cents, not its amount (11139)` },
    ]);

    rows[4] = `${bill.id},tax,,Utility users tax,,,,,,5,530`;
    const ok = await sendBatch(client, [header, ...rows].join('\n'), { contentType: 'text/csv', query: `?section=billLines&batchId=${uniqueId('csv')}` });
    expect(ok.status).toBe(201);
    expect((await billingSnapshot(accountId)).lines.map((l) => [l.position, l.description, l.unit_price])).toEqual([
      [1, 'Water service charge', 18.5],
      [2, 'Water, tier 1', 4.12],
      [3, 'Water, tier 2', 5.37],
      [4, 'Sewer service', null],
      [5, 'Utility users tax', null],
    ]);
  });

  it('takes bills and payments as CSV, one section per request, reading only plain decimal numbers', async () => {
    const client = await givenIngestClient();
    const accountId = await givenAccount();
    const billId = uniqueId('bill');
    const bills = ['id,account_id,bill_number,period_start,period_end,issued_on,due_on,amount_cents,rate_name', `${billId},${accountId},B-7,2026-09-01,2026-09-30,2026-10-03,2026-10-24,8123,"Residential water R-1, sewer S-1"`].join('\n');
    expect((await sendBatch(client, bills, { contentType: 'text/csv', query: `?section=bills&batchId=${uniqueId('csv')}` })).status).toBe(201);
    const payments = ['id,account_id,amount_cents,paid_on,method', `${uniqueId('pay')},${accountId},8123,2026-10-20,bank`, `${uniqueId('pay')},${accountId},1e3,2026-10-21,bank`].join('\n');
    const refused = await sendBatch(client, payments, { contentType: 'text/csv', query: `?section=payments&batchId=${uniqueId('csv')}` });
    expect(refused.status).toBe(422);
    expect((await refused.json<Rejection>()).error.fields).toEqual([{ field: 'payments[1].amountCents (line 3)', message: 'Invalid input: expected number, received string' }]);
    const good = payments.split('\n').slice(0, 2).join('\n');
    expect((await sendBatch(client, good, { contentType: 'text/csv', query: `?section=payments&batchId=${uniqueId('csv')}` })).status).toBe(201);
    const stored = await billingSnapshot(accountId);
    expect(stored.bills[0]).toMatchObject({ id: billId, amount_cents: 8123, rate_name: 'Residential water R-1, sewer S-1' });
    expect(stored.payments[0]).toMatchObject({ amount_cents: 8123, method: 'bank', posted_on: '2026-10-20' });
  });

  it('leaves nothing behind when the database refuses part of a batch', async () => {
    const client = await givenIngestClient();
    const existing = await givenMeter();
    const serial = (await env.DB.prepare('SELECT serial_number AS s FROM meters WHERE id = ?1').bind(existing.meterId).first<{ s: string }>())!.s;
    const accountId = await givenAccount();
    const { batch } = monthBatch(accountId);
    // Valid row by row, but the new meter reuses a serial number (unique in D1): only the database refuses it.
    const n = uniqueId('x');
    const res = await sendBatch(client, {
      ...batch,
      accounts: [{ id: `acct-${n}`, accountNumber: `AN-${n}`, holderName: 'Pat Example' }],
      servicePoints: [{ id: `sp-${n}`, accountId: `acct-${n}`, street: '9 Heron Way', city: 'Alder Creek', region: 'CA', postalCode: '95990', serviceArea: 'Ingest Valley' }],
      meters: [{ id: `mtr-${n}`, servicePointId: `sp-${n}`, serialNumber: serial, kind: 'water', unit: 'gal', intervalMinutes: 60, installedOn: '2024-01-01' }],
    });
    expect(res.status).toBe(409);
    expect((await res.json<Rejection>()).error.message).toMatch(/nothing was written/);
    expect(await billingSnapshot(accountId)).toEqual({ bills: [], lines: [], payments: [], adjustments: [], balances: [] });
    expect(await count('SELECT count(*) AS n FROM accounts WHERE id = ?1', `acct-${n}`)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM ingest_batches WHERE batch_id = ?1', batch.batchId)).toBe(0);
  });

  it('refuses to write bills, payments or balances for an account of another utility', async () => {
    const client = await givenIngestClient();
    const foreign = await givenOtherUtilityAccount();
    const res = await sendBatch(client, {
      batchId: uniqueId('foreign'),
      bills: [septemberBill(foreign)],
      payments: [{ id: uniqueId('pay'), accountId: foreign, amountCents: 100, paidOn: '2026-10-01' }],
      balances: [{ accountId: foreign, asOf: '2026-10-01', balanceCents: 0 }],
    });
    expect(res.status).toBe(422);
    expect((await res.json<Rejection>()).error.fields!.map((f) => f.field)).toEqual(['bills[0].accountId', 'payments[0].accountId', 'balances[0].accountId']);
    expect(await billingSnapshot(foreign)).toEqual({ bills: [], lines: [], payments: [], adjustments: [], balances: [] });
  });
});

describe('a payment made in the portal and posted by the utility', () => {
  const portalPayment = (accountId: string, portalPaymentId: string) =>
    recordPortalPayment(env.DB, { portalPaymentId, accountId, amountCents: 4200, method: 'card', paidAt: new Date('2026-10-21T06:30:00Z'), timeZone: TZ });

  it('is one row: pending when the processor confirms it, posted when the utility names it', async () => {
    const client = await givenIngestClient();
    const accountId = await givenAccount();
    const portalId = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
    await env.DB.batch([portalPayment(accountId, portalId)]);
    // The local day in Los Angeles: 06:30 UTC is still 20 October there.
    expect((await billingSnapshot(accountId)).payments).toEqual([expect.objectContaining({ status: 'pending', paid_on: '2026-10-20', posted_on: null, portal_payment_id: portalId })]);
    // The processor's webhook redelivered: still one row.
    await env.DB.batch([portalPayment(accountId, portalId)]);
    const utilityId = uniqueId('pay');
    const res = await sendBatch(client, { batchId: uniqueId('post'), payments: [{ id: utilityId, accountId, amountCents: 4200, paidOn: '2026-10-20', postedOn: '2026-10-22', method: 'card', portalPaymentId: portalId }] });
    expect(res.status).toBe(201);
    const { payments } = await billingSnapshot(accountId);
    expect(payments).toEqual([expect.objectContaining({ status: 'posted', utility_payment_id: utilityId, portal_payment_id: portalId, posted_on: '2026-10-22' })]);
  });

  it('is one row when the utility posts it before the processor confirms it', async () => {
    const client = await givenIngestClient();
    const accountId = await givenAccount();
    const portalId = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
    expect((await sendBatch(client, { batchId: uniqueId('post'), payments: [{ id: uniqueId('pay'), accountId, amountCents: 4200, paidOn: '2026-10-20', method: 'card', portalPaymentId: portalId }] })).status).toBe(201);
    await env.DB.batch([portalPayment(accountId, portalId)]);
    const { payments } = await billingSnapshot(accountId);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: 'posted', portal_payment_id: portalId });
  });

  it('refuses a posting that names a portal payment of another account, or one already settled', async () => {
    const client = await givenIngestClient();
    const accountId = await givenAccount();
    const other = await givenAccount();
    const portalId = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
    await env.DB.batch([portalPayment(accountId, portalId)]);
    const wrongAccount = await sendBatch(client, { batchId: uniqueId('post'), payments: [{ id: uniqueId('pay'), accountId: other, amountCents: 4200, paidOn: '2026-10-20', portalPaymentId: portalId }] });
    expect(wrongAccount.status).toBe(422);
    expect((await wrongAccount.json<Rejection>()).error.fields).toEqual([{ field: 'payments[0].portalPaymentId', message: 'names a portal payment made for another account' }]);
    const first = uniqueId('pay');
    expect((await sendBatch(client, { batchId: uniqueId('post'), payments: [{ id: first, accountId, amountCents: 4200, paidOn: '2026-10-20', portalPaymentId: portalId }] })).status).toBe(201);
    const twice = await sendBatch(client, { batchId: uniqueId('post'), payments: [{ id: uniqueId('pay'), accountId, amountCents: 4200, paidOn: '2026-10-20', portalPaymentId: portalId }] });
    expect(twice.status).toBe(422);
    expect((await twice.json<Rejection>()).error.fields).toEqual([{ field: 'payments[0].portalPaymentId', message: `was settled already by payment ${first}` }]);
  });
});
