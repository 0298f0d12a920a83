/**
 * Two years of the demo utility's billing for every demo account, generated from a seed per
 * account (so the bills in db/demo/dataset.ts and the rest here agree without sharing state):
 * monthly bills with their lines on the demo rates (tiered water, sewer, time-of-use electricity
 * where the account has an electric meter, a 5% utility users tax), a payment of each bill but the
 * last, the odd late fee, a leak credit for the demo customer, and the balance the billing system
 * states as of the last bill. The demo customer's last 12 bills also come with a PDF.
 *
 * The demo customer's bills charge what its meters read in each whole month of reads. Other
 * accounts' quantities follow a seasonal model of their own (computing them from two years of
 * interval reads for 300 accounts would slow every load), so their billed CCF and their period's
 * metered use differ a little.
 *
 * The move of db/demo/move.ts shows in the bills too: the former holder's last bill is the one for
 * the month before the move (paid: the account is closed and settled), and the new holder's bills
 * start with the month of the move-in.
 */
import type { BatchItem } from 'drizzle-orm/batch';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { chunkRowsForInsert } from '../batching';
import { accountBalances, adjustments, billLines, payments } from '../schema';
import { addDays, daysBetween, eachDay } from '../../worker/usage/time';
import { GALLONS_PER_CCF } from '../../worker/usage/units';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import { billPdf } from './bill-pdf';
import type { DemoAccount } from './customers';
import { DEMO_MOVE } from './move';
import { seededRandom } from './random';
import { dayTotal, generateMeterDays, USAGE_FIRST_DAY, USAGE_LAST_DAY } from './usage';

/** The demo customer's account (db/demo/logins.ts), whose bills follow its reads exactly. */
const DEMO_CUSTOMER_ACCOUNT = 'acct-0001';

/** The demo's "today" (db/demo/dataset.ts repeats it for the base data). */
const TODAY = '2026-11-24';
export const BILL_MONTHS = 24;
/** How many of the demo customer's latest bills come with a document (older ones print from the page). */
export const DOCUMENT_MONTHS = 12;

type Line = {
  kind: 'fixed' | 'volume_tier' | 'energy_tier' | 'time_of_use' | 'sewer' | 'tax' | 'other';
  service: 'water' | 'sewer' | 'electric' | 'gas' | null;
  description: string;
  quantity: number | null;
  unit: 'gal' | 'ccf' | 'kWh' | 'therm' | 'day' | 'month' | null;
  unitPrice: number | null;
  tierFrom: number | null;
  tierTo: number | null;
  touPeriod: 'peak' | 'mid_peak' | 'off_peak' | 'super_off_peak' | null;
  taxRatePercent: number | null;
  amountCents: number;
};

export type DemoBill = {
  id: string;
  accountId: string;
  billNumber: string;
  periodStart: string;
  periodEnd: string;
  issuedOn: string;
  dueOn: string;
  amountCents: number;
  previousBalanceCents: number;
  totalDueCents: number;
  rateName: string;
  lines: Line[];
};
export type DemoPayment = { utilityPaymentId: string; accountId: string; method: 'card' | 'bank' | 'check'; amountCents: number; paidOn: string; postedOn: string };
export type DemoAdjustment = { id: string; accountId: string; postedOn: string; kind: 'late_fee' | 'credit'; description: string; amountCents: number };
export type DemoLedger = { bills: DemoBill[]; payments: DemoPayment[]; adjustments: DemoAdjustment[]; balance: { accountId: string; asOf: string; balanceCents: number } };

const line = (l: Partial<Line> & Pick<Line, 'kind' | 'description' | 'amountCents'>): Line => ({
  service: null,
  quantity: null,
  unit: null,
  unitPrice: null,
  tierFrom: null,
  tierTo: null,
  touPeriod: null,
  taxRatePercent: null,
  ...l,
});
const priced = (quantity: number, unitPrice: number) => Math.round(quantity * unitPrice * 100);
const round1 = (x: number) => Math.round(x * 10) / 10;

/** The demo rates: what Alder Creek charges (fictional, in the range of California utilities). */
export const demoRates = {
  waterServiceCharge: 18.5,
  waterTiers: [
    { from: 0, to: 8, price: 4.12, name: 'Water, tier 1 (first 8 CCF)' },
    { from: 8, to: 20, price: 5.37, name: 'Water, tier 2 (8 to 20 CCF)' },
    { from: 20, to: null, price: 7.8, name: 'Water, tier 3 (above 20 CCF)' },
  ],
  sewerServiceCharge: 24,
  sewerPerCcf: 2.15,
  electricPerDay: 0.39,
  peak: 0.48,
  offPeak: 0.29,
  usersTaxPercent: 5,
} as const;

function billLinesFor(ccf: number, kwh: number | null, days: number): Line[] {
  const r = demoRates;
  const lines: Line[] = [line({ kind: 'fixed', service: 'water', description: 'Water service charge (5/8-inch meter)', quantity: 1, unit: 'month', unitPrice: r.waterServiceCharge, amountCents: priced(1, r.waterServiceCharge) })];
  for (const t of r.waterTiers) {
    const q = round1(Math.max(0, Math.min(ccf, t.to ?? Infinity) - t.from));
    if (q > 0) lines.push(line({ kind: 'volume_tier', service: 'water', description: t.name, quantity: q, unit: 'ccf', unitPrice: t.price, tierFrom: t.from, tierTo: t.to, amountCents: priced(q, t.price) }));
  }
  lines.push(
    line({ kind: 'sewer', service: 'sewer', description: 'Sewer service charge', quantity: 1, unit: 'month', unitPrice: r.sewerServiceCharge, amountCents: priced(1, r.sewerServiceCharge) }),
    line({ kind: 'sewer', service: 'sewer', description: 'Sewer, per CCF of water', quantity: ccf, unit: 'ccf', unitPrice: r.sewerPerCcf, amountCents: priced(ccf, r.sewerPerCcf) }),
  );
  if (kwh !== null) {
    const peak = Math.round(kwh * 0.3);
    lines.push(
      line({ kind: 'fixed', service: 'electric', description: 'Electric customer charge', quantity: days, unit: 'day', unitPrice: r.electricPerDay, amountCents: priced(days, r.electricPerDay) }),
      line({ kind: 'time_of_use', service: 'electric', description: 'Electricity, peak hours', quantity: peak, unit: 'kWh', unitPrice: r.peak, touPeriod: 'peak', amountCents: priced(peak, r.peak) }),
      line({ kind: 'time_of_use', service: 'electric', description: 'Electricity, off-peak hours', quantity: kwh - peak, unit: 'kWh', unitPrice: r.offPeak, touPeriod: 'off_peak', amountCents: priced(kwh - peak, r.offPeak) }),
    );
  }
  const taxable = lines.reduce((s, l) => s + l.amountCents, 0);
  lines.push(line({ kind: 'tax', description: 'Utility users tax', taxRatePercent: r.usersTaxPercent, amountCents: Math.round((taxable * r.usersTaxPercent) / 100) }));
  return lines;
}

/** 1.0 in winter, up to about 1.45 in July (irrigation). */
const waterSeason = (month: number) => [1, 0.95, 1, 1.05, 1.2, 1.35, 1.45, 1.4, 1.2, 1.05, 1, 1][month]!;
const powerSeason = (month: number) => [1.1, 1.05, 0.95, 0.9, 0.9, 1.05, 1.2, 1.2, 1.05, 0.95, 1, 1.1][month]!;

/** Whole months of the account's demo reads: gallons as CCF and kWh, by YYYY-MM (cached: the loader asks more than once). */
const meteredCache = new Map<string, Map<string, { ccf: number | null; kwh: number | null }>>();
function meteredMonths(account: DemoAccount, accountIndex: number, seed: number) {
  const key = `${seed}/${account.id}`;
  let months = meteredCache.get(key);
  if (months) return months;
  months = new Map();
  const firstWhole = USAGE_FIRST_DAY.endsWith('-01') ? USAGE_FIRST_DAY : `${addMonths(USAGE_FIRST_DAY.slice(0, 7), 1)}-01`;
  const days = eachDay(firstWhole, USAGE_LAST_DAY);
  for (const meter of account.meters) {
    // The same meter as demoMeters() makes it (its accountIndex counts from 1), so the same reads.
    for (const d of generateMeterDays({ ...meter, accountIndex: accountIndex + 1, serviceArea: account.servicePoint.serviceArea }, days, seed)) {
      const ym = d.day.slice(0, 7);
      const m = months.get(ym) ?? { ccf: null, kwh: null };
      const total = dayTotal(d.vals, meter.kind);
      if (meter.kind === 'water') m.ccf = (m.ccf ?? 0) + total;
      else m.kwh = (m.kwh ?? 0) + total;
      months.set(ym, m);
    }
  }
  for (const m of months.values()) {
    if (m.ccf !== null) m.ccf = round1(m.ccf / GALLONS_PER_CCF);
    if (m.kwh !== null) m.kwh = Math.round(m.kwh);
  }
  meteredCache.set(key, months);
  return months;
}
const addMonths = (ym: string, n: number) => new Date(Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(5, 7)) - 1 + n, 1)).toISOString().slice(0, 7);

/**
 * One account's ledger. `window` bounds the months it held its service point (its first and last
 * day, utility-local): a month outside is not billed, and a closed account's last bill is paid.
 */
export function demoLedger(account: DemoAccount, accountIndex: number, seed: number, window: { from?: string; through?: string } = {}): DemoLedger {
  const metered = account.id === DEMO_CUSTOMER_ACCOUNT ? meteredMonths(account, accountIndex, seed) : null;
  const random = seededRandom(seed * 31 + accountIndex);
  const electric = account.meters.some((m) => m.kind === 'electric');
  const waterBase = 3.8 + random.next() * 4;
  const powerBase = 600 + random.next() * 350;
  const method = random.pick(['card', 'bank', 'check'] as const);
  const end = new Date(`${TODAY}T00:00:00Z`);
  const n = account.id.slice(5);
  const bills: DemoBill[] = [];
  const paid: DemoPayment[] = [];
  const adjusted: DemoAdjustment[] = [];
  let balance = 0;
  // What the billing system states as of the last bill's issue: the balance with that bill, before anything after it.
  let stated = 0;
  for (let m = BILL_MONTHS; m >= 1; m--) {
    const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - m, 1));
    const periodStart = start.toISOString().slice(0, 10);
    const periodEnd = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    if (window.from && periodStart < window.from) continue;
    if (window.through && periodEnd > window.through) break;
    const issuedOn = addDays(periodEnd, 3);
    const dueOn = addDays(issuedOn, 21);
    const month = start.getUTCMonth();
    const modelCcf = round1(waterBase * waterSeason(month) * (0.85 + random.next() * 0.3));
    const modelKwh = electric ? Math.round(powerBase * powerSeason(month) * (0.9 + random.next() * 0.2)) : null;
    const read = metered?.get(periodStart.slice(0, 7));
    const ccf = read?.ccf ?? modelCcf;
    const kwh = electric ? (read?.kwh ?? modelKwh) : null;
    const lines = billLinesFor(ccf, kwh, daysBetween(periodStart, periodEnd) + 1);
    const amountCents = lines.reduce((s, l) => s + l.amountCents, 0);
    const ym = periodStart.slice(0, 7);
    bills.push({
      id: `bill-${n}-${ym}`,
      accountId: account.id,
      billNumber: `ACW-${account.accountNumber.slice(-6)}-${ym.replace('-', '')}`,
      periodStart,
      periodEnd,
      issuedOn,
      dueOn,
      amountCents,
      previousBalanceCents: balance,
      totalDueCents: balance + amountCents,
      rateName: electric ? 'Residential water R-1, sewer S-1 and time-of-use electricity E-TOU' : 'Residential water R-1 and sewer S-1',
      lines,
    });
    balance += amountCents;
    stated = balance;
    if (m === 1) break; // The latest bill is still to be paid.
    // The demo customer had a leak fixed in July 2026: a credit on the August account.
    if (accountIndex === 0 && ym === '2026-07') {
      adjusted.push({ id: `adj-${n}-${ym}-leak`, accountId: account.id, postedOn: addDays(issuedOn, 4), kind: 'credit', description: 'Leak adjustment for the July 2026 bill', amountCents: -2460 });
      balance -= 2460;
    }
    const late = random.chance(0.06);
    if (late) {
      adjusted.push({ id: `adj-${n}-${ym}-late`, accountId: account.id, postedOn: addDays(dueOn, 1), kind: 'late_fee', description: `Late fee (${ym} bill)`, amountCents: 500 });
      balance += 500;
    }
    const paidOn = late ? addDays(dueOn, random.int(3, 6)) : addDays(issuedOn, random.int(5, 18));
    paid.push({ utilityPaymentId: `pay-${n}-${ym}`, accountId: account.id, method, amountCents: balance, paidOn, postedOn: method === 'check' ? addDays(paidOn, 1) : paidOn });
    balance = 0;
  }
  const last = bills[bills.length - 1]!;
  // A closed account's last bill was paid after it was issued: that payment counts after the statement.
  return { bills, payments: paid, adjustments: adjusted, balance: { accountId: account.id, asOf: last.issuedOn, balanceCents: stated } };
}

/** The account that moved in (db/demo/move.ts): the former holder's service point and meters under the newcomer's name. */
export function demoNewcomerAccount(accounts: DemoAccount[]): DemoAccount {
  const former = accounts.find((a) => a.id === DEMO_MOVE.former.accountId)!;
  const { id, accountNumber, holderName, email, phone } = DEMO_MOVE.newcomer;
  return { ...former, id, accountNumber, holderName, email, phone };
}

/** Every demo account's ledger, the move's new holder last (its bills from the move-in on; the former holder's up to the move-out); `withMove` false for a demo utility without the move (move.ts is Alder Creek's). */
export function demoLedgers(accounts: DemoAccount[], seed: number, withMove = true): DemoLedger[] {
  if (!withMove) return accounts.map((a, i) => demoLedger(a, i, seed));
  return [
    ...accounts.map((a, i) => demoLedger(a, i, seed, a.id === DEMO_MOVE.former.accountId ? { through: DEMO_MOVE.moveOut } : {})),
    demoLedger(demoNewcomerAccount(accounts), DEMO_MOVE.newcomer.accountIndex, seed, { from: DEMO_MOVE.moveIn }),
  ];
}

/** Bill lines, payments, adjustments and stated balances of every demo account (the bills themselves are in dataset.ts). */
export function demoBillingStatements(db: DrizzleD1Database, accounts: DemoAccount[], seed: number, withMove = true): BatchItem<'sqlite'>[] {
  const statements: BatchItem<'sqlite'>[] = [];
  const all = demoLedgers(accounts, seed, withMove);
  const lineRows = all.flatMap((l) => l.bills.flatMap((b) => b.lines.map((x, i) => ({ billId: b.id, position: i + 1, ...x }))));
  for (const chunk of chunkRowsForInsert(lineRows)) statements.push(db.insert(billLines).values(chunk));
  for (const chunk of chunkRowsForInsert(all.flatMap((l) => l.payments.map((p) => ({ ...p, status: 'posted' as const }))))) statements.push(db.insert(payments).values(chunk));
  const adjustmentRows = all.flatMap((l) => l.adjustments);
  for (const chunk of chunkRowsForInsert(adjustmentRows)) statements.push(db.insert(adjustments).values(chunk));
  for (const chunk of chunkRowsForInsert(all.map((l) => l.balance))) statements.push(db.insert(accountBalances).values(chunk));
  return statements;
}

/** The PDF the billing system would have sent for a bill (text only, padded to a realistic size). */
export function demoBillDocument(account: DemoAccount, bill: DemoBill): Uint8Array<ArrayBuffer> {
  const dollars = (c: number) => `$${(c / 100).toFixed(2)}`;
  const text = [
    utility.legalName,
    `${utility.address.street}, ${utility.address.city}, ${utility.address.region} ${utility.address.postalCode}   ${utility.phoneDisplay}`,
    '',
    `${account.holderName}`,
    `${account.servicePoint.street}, ${account.servicePoint.city}, CA ${account.servicePoint.postalCode}`,
    '',
    `Account number ${account.accountNumber}      Bill ${bill.billNumber}`,
    `Billing period ${bill.periodStart} to ${bill.periodEnd}      Issued ${bill.issuedOn}      Due ${bill.dueOn}`,
    `Rate: ${bill.rateName}`,
    '',
    ...bill.lines.map((l) => `${l.description.padEnd(44)} ${l.quantity !== null ? `${l.quantity} ${l.unit === 'ccf' ? 'CCF' : l.unit}`.padEnd(14) : ''.padEnd(14)} ${dollars(l.amountCents).padStart(10)}`),
    '',
    `Previous balance ${dollars(bill.previousBalanceCents)}      New charges ${dollars(bill.amountCents)}      Total due ${dollars(bill.totalDueCents)}`,
    '',
    'Pay online at the customer portal, by phone, by mail or in person. Thank you.',
  ];
  return billPdf(text, { padToBytes: 96 * 1024, seed: Number(account.id.slice(5)) });
}
