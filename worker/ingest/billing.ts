/**
 * Billing sections of an ingest batch: bills (with their lines), bill lines sent on their own
 * (CSV), payments and adjustments posted by the utility, and the balance it states. They go
 * through the same path as the rest of a batch (worker/ingest/batch.ts): each row parsed with its
 * schema, then checked against itself and the database, every problem named, and a good batch
 * written in the one D1 batch with everything else, writing only rows that change.
 *
 * What the rows mean is in db/schema/billing.ts; how the balance is computed from them in
 * worker/billing/balance.ts.
 */
import { z } from 'zod';
import { adjustmentKinds, billLineKinds, billLineUnits, billServices, paymentMethods, touPeriods } from '../../db/schema';
import { daysBetween, isDay, localDay } from '../usage/time';
import { newBillNoticeStatement } from '../preferences/bill-ready';
import type { BatchProblems, RowRef } from './batch';

// The same id and text rules as batch.ts (kept here, not imported: batch.ts imports this module).
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1 to 64 letters, digits, dots, underscores, colons or hyphens, starting with a letter or digit');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullish().transform((v) => (v ? v : null));
const localDate = z.string().refine(isDay, 'must be a date YYYY-MM-DD');

/** $10 million: far above any bill, far below where integer cents lose precision. */
const MAX_CENTS = 1_000_000_000;
const cents = z.number().int('must be a whole number of cents').min(-MAX_CENTS, 'is implausibly large').max(MAX_CENTS, 'is implausibly large');
const measure = (max: number) => z.number().finite('must be a finite number').min(0, 'must not be negative').max(max, 'is implausibly large');

/** The longest billing period accepted (a first or final bill can run past a month; a year and a bit at most). */
export const MAX_PERIOD_DAYS = 400;
export const MAX_LINES_PER_BILL = 200;

const lineShape = {
  kind: z.enum(billLineKinds),
  service: z.enum(billServices).nullish().transform((v) => v ?? null),
  description: text(200),
  quantity: measure(1e9).nullish().transform((v) => v ?? null),
  unit: z.enum(billLineUnits).nullish().transform((v) => v ?? null),
  unitPrice: measure(1e6).nullish().transform((v) => v ?? null),
  tierFrom: measure(1e9).nullish().transform((v) => v ?? null),
  tierTo: measure(1e9).nullish().transform((v) => v ?? null),
  touPeriod: z.enum(touPeriods).nullish().transform((v) => v ?? null),
  taxRatePercent: measure(100).nullish().transform((v) => v ?? null),
  amountCents: cents,
};

type LineFields = { [K in keyof typeof lineShape]: z.output<(typeof lineShape)[K]> };

const tierUnits: Record<'volume_tier' | 'energy_tier', readonly string[]> = { volume_tier: ['gal', 'ccf'], energy_tier: ['kWh', 'therm'] };

/** What each kind of line must carry, so the bill page can explain the rate from it. */
function lineRules(l: LineFields, ctx: z.RefinementCtx) {
  const problem = (path: keyof LineFields, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const need = (...fields: (keyof LineFields)[]) => {
    for (const f of fields) if (l[f] === null) problem(f, `is required on a ${l.kind} line`);
  };
  if (l.kind === 'volume_tier' || l.kind === 'energy_tier') {
    need('quantity', 'unit', 'unitPrice', 'tierFrom');
    if (l.unit !== null && !tierUnits[l.kind].includes(l.unit)) problem('unit', `must be ${tierUnits[l.kind].join(' or ')} on a ${l.kind} line`);
    if (l.tierFrom !== null && l.tierTo !== null && l.tierTo <= l.tierFrom) problem('tierTo', 'must be above tierFrom');
  } else {
    if (l.tierFrom !== null) problem('tierFrom', 'belongs on volume_tier and energy_tier lines only');
    if (l.tierTo !== null) problem('tierTo', 'belongs on volume_tier and energy_tier lines only');
  }
  if (l.kind === 'time_of_use') {
    need('quantity', 'unit', 'unitPrice', 'touPeriod');
    if (l.unit !== null && l.unit !== 'kWh') problem('unit', 'must be kWh on a time_of_use line');
  } else if (l.touPeriod !== null) problem('touPeriod', 'belongs on time_of_use lines only');
  if (l.kind !== 'tax' && l.taxRatePercent !== null) problem('taxRatePercent', 'belongs on tax lines only');
  if (l.quantity !== null && l.unit === null && l.kind !== 'volume_tier' && l.kind !== 'energy_tier' && l.kind !== 'time_of_use') problem('unit', 'is required with a quantity');
}

export const billLine = z.strictObject(lineShape).superRefine(lineRules);
/** A line sent on its own (the CSV way): the bill it belongs to; lines keep the order they are sent in. */
export const billLineRow = z.strictObject({ billId: id, ...lineShape }).superRefine(lineRules);

export const billRow = z
  .strictObject({
    id,
    accountId: id,
    billNumber: optionalText(40),
    periodStart: localDate,
    periodEnd: localDate,
    issuedOn: localDate,
    dueOn: localDate,
    /** The bill's new charges: the sum of its lines. */
    amountCents: cents,
    previousBalanceCents: cents.nullish().transform((v) => v ?? null),
    totalDueCents: cents.nullish().transform((v) => v ?? null),
    rateName: optionalText(200),
    /** Replaces the lines held for the bill; leave out to keep them. */
    lines: z.array(billLine).max(MAX_LINES_PER_BILL).optional(),
  })
  .superRefine((b, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (b.periodEnd < b.periodStart) problem('periodEnd', 'must not be before periodStart');
    else if (daysBetween(b.periodStart, b.periodEnd) + 1 > MAX_PERIOD_DAYS) problem('periodEnd', `a billing period may cover at most ${MAX_PERIOD_DAYS} days`);
    if (b.issuedOn < b.periodStart) problem('issuedOn', 'must not be before the period starts');
    if (b.dueOn < b.issuedOn) problem('dueOn', 'must not be before issuedOn');
    if (b.lines?.length) {
      const sum = b.lines.reduce((s, l) => s + l.amountCents, 0);
      if (sum !== b.amountCents) problem('lines', `add up to ${sum} cents, not the bill's amountCents (${b.amountCents})`);
    }
  });

export const paymentRow = z
  .strictObject({
    /** The utility's id for the payment. */
    id,
    accountId: id,
    amountCents: cents.refine((v) => v > 0, 'must be more than zero (a returned payment is an adjustment of kind returned_payment)'),
    paidOn: localDate,
    /** When it was applied to the account; defaults to paidOn. */
    postedOn: localDate.optional(),
    method: z.enum(paymentMethods).default('other'),
    /** The portal's id of a payment made in the portal, which this posting settles. */
    portalPaymentId: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, 'must be the portal payment id, 8 to 100 letters, digits, underscores or hyphens').optional(),
  })
  .transform((p) => ({ ...p, postedOn: p.postedOn ?? p.paidOn, portalPaymentId: p.portalPaymentId ?? null }))
  .superRefine((p, ctx) => {
    if (p.postedOn < p.paidOn) ctx.addIssue({ code: 'custom', path: ['postedOn'], message: 'must not be before paidOn' });
  });

/** Which way each kind moves the balance (+1 owed more, -1 owed less, 0 either). */
const adjustmentSign: Record<(typeof adjustmentKinds)[number], 1 | -1 | 0> = {
  credit: -1,
  late_fee: 1,
  returned_payment: 1,
  deposit: 1,
  refund: 1,
  correction: 0,
  other: 0,
};

export const adjustmentRow = z
  .strictObject({
    id,
    accountId: id,
    postedOn: localDate,
    kind: z.enum(adjustmentKinds),
    /** Shown to the customer as is. */
    description: text(200),
    amountCents: cents.refine((v) => v !== 0, 'must not be zero'),
  })
  .superRefine((a, ctx) => {
    const sign = adjustmentSign[a.kind];
    if (sign === -1 && a.amountCents > 0) ctx.addIssue({ code: 'custom', path: ['amountCents'], message: 'a credit lowers what is owed: send it as a negative amount' });
    if (sign === 1 && a.amountCents < 0) ctx.addIssue({ code: 'custom', path: ['amountCents'], message: `a ${a.kind} raises what is owed: send it as a positive amount` });
  });

export const balanceRow = z.strictObject({
  accountId: id,
  /** The last local day whose entries the balance includes. */
  asOf: localDate,
  /** Positive: the customer owes; negative: a credit. */
  balanceCents: cents,
});

export const billingSections = ['bills', 'billLines', 'payments', 'adjustments', 'balances'] as const;
export type BillingSection = (typeof billingSections)[number];
export const billingRowSchemas = { bills: billRow, billLines: billLineRow, payments: paymentRow, adjustments: adjustmentRow, balances: balanceRow } as const;

export type BillRow = z.output<typeof billRow>;
export type BillLine = z.output<typeof billLine>;
export type BillLineRow = z.output<typeof billLineRow>;
export type PaymentRow = z.output<typeof paymentRow>;
export type AdjustmentRow = z.output<typeof adjustmentRow>;
export type BalanceRow = z.output<typeof balanceRow>;

export type BillingRows = {
  bills: (BillRow & RowRef)[];
  billLines: (BillLineRow & RowRef)[];
  payments: (PaymentRow & RowRef)[];
  adjustments: (AdjustmentRow & RowRef)[];
  balances: (BalanceRow & RowRef)[];
};

export const emptyBillingRows = (): BillingRows => ({ bills: [], billLines: [], payments: [], adjustments: [], balances: [] });

/** Columns a CSV of a billing section carries as numbers (read only when they are plain decimals). */
const csvNumbers = new Set(['amountCents', 'previousBalanceCents', 'totalDueCents', 'balanceCents', 'quantity', 'unitPrice', 'tierFrom', 'tierTo', 'taxRatePercent']);
const plainDecimal = /^-?\d+(\.\d+)?$/;

/**
 * Billing columns of rows made by batch.ts's csvToRows (which reads its own numeric columns only):
 * a plain decimal becomes a number; anything else ("0x10", "1e3") stays text and the row is refused.
 */
export function billingCsvNumbers(rows: Record<string, unknown>[]) {
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) if (csvNumbers.has(k) && typeof v === 'string' && plainDecimal.test(v.trim())) row[k] = Number(v);
  }
  return rows;
}

// ---------------------------------------------------------------- checks against the batch and the database

/** What a checked batch writes: only what is new or changed. */
export type BillingPlan = {
  bills: BillRow[];
  /** Bills whose lines are replaced, with their new lines (position from 1). */
  lines: { billId: string; lines: (BillLine & { position: number })[] }[];
  payments: PaymentRow[];
  adjustments: AdjustmentRow[];
  balances: BalanceRow[];
  /** Bills this batch creates (not updates): what a new-bill notice is about. */
  newBillIds: string[];
};

const jsonIds = (ids: Iterable<string | null | undefined>) => JSON.stringify([...new Set([...ids].filter((v): v is string => typeof v === 'string'))]);

type StoredLine = { billId: string } & LineFields;
const lineKey = (l: LineFields) =>
  JSON.stringify([l.kind, l.service, l.description, l.quantity, l.unit, l.unitPrice, l.tierFrom, l.tierTo, l.touPeriod, l.taxRatePercent, l.amountCents]);

/**
 * Checks the billing rows against each other, the batch's accounts and the database; every
 * problem is added to `problems`. Returns what to write.
 */
export async function checkBilling(
  db: D1Database,
  utilityId: string,
  timeZone: string,
  batch: BillingRows & { accounts: { id: string }[] },
  problems: BatchProblems,
  now = new Date(),
): Promise<BillingPlan> {
  const plan: BillingPlan = { bills: [], lines: [], payments: [], adjustments: [], balances: [], newBillIds: [] };
  if (!billingSections.some((s) => batch[s].length > 0)) return plan;
  const today = localDay(now.getTime(), timeZone);

  const duplicates = <T>(rows: (T & RowRef)[], key: (r: T) => string | null, what: string) => {
    const seen = new Map<string, number>();
    for (const r of rows) {
      const k = key(r);
      if (k === null) continue;
      const prev = seen.get(k);
      if (prev !== undefined) problems.add(r, null, `${what} also appears at ${r.section}[${prev}] of this batch; send each once`);
      else seen.set(k, r.index);
    }
  };
  duplicates(batch.bills, (r) => r.id, 'this bill');
  duplicates(batch.payments, (r) => r.id, 'this payment');
  duplicates(batch.payments, (r) => r.portalPaymentId, 'this portal payment');
  duplicates(batch.adjustments, (r) => r.id, 'this adjustment');
  duplicates(batch.balances, (r) => r.accountId, "this account's balance");

  const accountIds = [...batch.bills, ...batch.payments, ...batch.adjustments, ...batch.balances].map((r) => r.accountId);
  const billIds = [...batch.bills.map((b) => b.id), ...batch.billLines.map((l) => l.billId)];
  const [accRes, billRes, lineRes, payURes, payPRes, adjRes, balRes] = await db.batch<Record<string, unknown>>([
    db.prepare('SELECT id, utility_id AS utilityId FROM accounts WHERE id IN (SELECT value FROM json_each(?1))').bind(jsonIds(accountIds)),
    db.prepare('SELECT b.id, b.account_id AS accountId, b.amount_cents AS amountCents, a.utility_id AS utilityId FROM bills b JOIN accounts a ON a.id = b.account_id WHERE b.id IN (SELECT value FROM json_each(?1))').bind(jsonIds(billIds)),
    db.prepare(
      'SELECT bill_id AS billId, kind, service, description, quantity, unit, unit_price AS unitPrice, tier_from AS tierFrom, tier_to AS tierTo, tou_period AS touPeriod, tax_rate_percent AS taxRatePercent, amount_cents AS amountCents FROM bill_lines WHERE bill_id IN (SELECT value FROM json_each(?1)) ORDER BY bill_id, position',
    ).bind(jsonIds(billIds)),
    db.prepare('SELECT p.id AS rowId, p.account_id AS accountId, p.utility_payment_id AS utilityPaymentId, p.portal_payment_id AS portalPaymentId, a.utility_id AS utilityId FROM payments p JOIN accounts a ON a.id = p.account_id WHERE p.utility_payment_id IN (SELECT value FROM json_each(?1))').bind(jsonIds(batch.payments.map((p) => p.id))),
    db.prepare('SELECT p.id AS rowId, p.account_id AS accountId, p.utility_payment_id AS utilityPaymentId, p.portal_payment_id AS portalPaymentId FROM payments p WHERE p.portal_payment_id IN (SELECT value FROM json_each(?1))').bind(jsonIds(batch.payments.map((p) => p.portalPaymentId))),
    db.prepare('SELECT j.id, j.account_id AS accountId, a.utility_id AS utilityId FROM adjustments j JOIN accounts a ON a.id = j.account_id WHERE j.id IN (SELECT value FROM json_each(?1))').bind(jsonIds(batch.adjustments.map((a) => a.id))),
    db.prepare('SELECT account_id AS accountId, as_of AS asOf FROM account_balances WHERE account_id IN (SELECT value FROM json_each(?1))').bind(jsonIds(batch.balances.map((b) => b.accountId))),
  ]);
  type Owned = { accountId: string; utilityId: string };
  const dbAccounts = new Map((accRes!.results as { id: string; utilityId: string }[]).map((a) => [a.id, a]));
  const dbBills = new Map((billRes!.results as ({ id: string; amountCents: number } & Owned)[]).map((b) => [b.id, b]));
  const storedLines = new Map<string, StoredLine[]>();
  for (const l of lineRes!.results as StoredLine[]) storedLines.set(l.billId, [...(storedLines.get(l.billId) ?? []), l]);
  type PaymentDb = { rowId: number; accountId: string; utilityPaymentId: string | null; portalPaymentId: string | null };
  const byUtilityId = new Map((payURes!.results as (PaymentDb & { utilityId: string })[]).map((p) => [p.utilityPaymentId!, p]));
  const byPortalId = new Map((payPRes!.results as PaymentDb[]).map((p) => [p.portalPaymentId!, p]));
  const dbAdjustments = new Map((adjRes!.results as ({ id: string } & Owned)[]).map((a) => [a.id, a]));
  const dbBalances = new Map((balRes!.results as { accountId: string; asOf: string }[]).map((b) => [b.accountId, b.asOf]));

  const inBatch = new Set(batch.accounts.map((a) => a.id));
  const notOurs = 'is not an id this client may write (it belongs to no account of your utility)';
  /** An account of this client's utility, in the database or in this batch. */
  const checkAccount = (r: { accountId: string } & RowRef) => {
    const ok = inBatch.has(r.accountId) || dbAccounts.get(r.accountId)?.utilityId === utilityId;
    if (!ok) problems.add(r, 'accountId', 'names no known account: send the account first or in this batch');
    return ok;
  };
  /** A row that exists already must be ours and stay on its account. */
  const checkExisting = (r: { accountId: string } & RowRef, existing: Owned | undefined, what: string) => {
    if (!existing) return;
    if (existing.utilityId !== utilityId) problems.add(r, 'id', notOurs);
    else if (existing.accountId !== r.accountId) problems.add(r, 'accountId', `this ${what} is held for another account; it cannot move between accounts`);
  };
  const notFuture = (r: RowRef, field: string, day: string) => {
    if (day > today) problems.add(r, field, `is after today (${today}) in the utility's time zone`);
  };

  // Lines sent on their own, by bill, in the order sent.
  const sectionLines = new Map<string, (BillLineRow & RowRef)[]>();
  for (const l of batch.billLines) sectionLines.set(l.billId, [...(sectionLines.get(l.billId) ?? []), l]);
  const replaceLines = (billId: string, lines: LineFields[]) => {
    const stored = storedLines.get(billId) ?? [];
    const same = stored.length === lines.length && stored.every((s, i) => lineKey(s) === lineKey(lines[i]!));
    if (!same) plan.lines.push({ billId, lines: lines.map((l, i) => ({ ...stripLine(l), position: i + 1 })) });
  };

  const batchBills = new Map(batch.bills.map((b) => [b.id, b]));
  for (const b of batch.bills) {
    checkAccount(b);
    const existing = dbBills.get(b.id);
    checkExisting(b, existing, 'bill');
    notFuture(b, 'issuedOn', b.issuedOn);
    const separate = sectionLines.get(b.id);
    if (b.lines && separate) {
      problems.add(b, 'lines', `are also sent in billLines (billLines[${separate[0]!.index}]); send a bill's lines one way`);
      continue;
    }
    const lines = b.lines ?? separate;
    if (separate && separate.length > MAX_LINES_PER_BILL) problems.add(separate[MAX_LINES_PER_BILL]!, null, `a bill may have at most ${MAX_LINES_PER_BILL} lines`);
    if (separate) {
      const sum = separate.reduce((s, l) => s + l.amountCents, 0);
      if (sum !== b.amountCents) problems.add(separate[0]!, 'amountCents', `the billLines of bill ${b.id} add up to ${sum} cents, not its amountCents (${b.amountCents})`);
    } else if (!lines) {
      const stored = storedLines.get(b.id);
      const sum = stored?.reduce((s, l) => s + l.amountCents, 0);
      if (stored?.length && sum !== b.amountCents) problems.add(b, 'amountCents', `differs from the lines already held for this bill (${sum} cents); send its lines again`);
    }
    plan.bills.push(strip(b));
    if (!existing) plan.newBillIds.push(b.id);
    if (lines) replaceLines(b.id, lines);
  }
  for (const [billId, lines] of sectionLines) {
    if (batchBills.has(billId)) continue;
    const existing = dbBills.get(billId);
    if (!existing || existing.utilityId !== utilityId) {
      for (const l of lines) problems.add(l, 'billId', 'names no known bill: send the bill first or in this batch');
      continue;
    }
    if (lines.length > MAX_LINES_PER_BILL) problems.add(lines[MAX_LINES_PER_BILL]!, null, `a bill may have at most ${MAX_LINES_PER_BILL} lines`);
    const sum = lines.reduce((s, l) => s + l.amountCents, 0);
    if (sum !== existing.amountCents) problems.add(lines[0]!, 'amountCents', `the billLines of bill ${billId} add up to ${sum} cents, not its amount (${existing.amountCents})`);
    replaceLines(billId, lines);
  }

  for (const p of batch.payments) {
    if (!checkAccount(p)) continue;
    notFuture(p, 'paidOn', p.paidOn);
    notFuture(p, 'postedOn', p.postedOn);
    const byId = byUtilityId.get(p.id);
    checkExisting(p, byId, 'payment');
    if (byId?.portalPaymentId && p.portalPaymentId && byId.portalPaymentId !== p.portalPaymentId) {
      problems.add(p, 'portalPaymentId', `differs from the portal payment this payment settled before (${byId.portalPaymentId})`);
    }
    const portal = p.portalPaymentId ? byPortalId.get(p.portalPaymentId) : undefined;
    if (portal) {
      if (portal.accountId !== p.accountId) problems.add(p, 'portalPaymentId', 'names a portal payment made for another account');
      else if (portal.utilityPaymentId && portal.utilityPaymentId !== p.id) problems.add(p, 'portalPaymentId', `was settled already by payment ${portal.utilityPaymentId}`);
      else if (byId && byId.rowId !== portal.rowId) problems.add(p, 'portalPaymentId', 'this payment was posted before without it, and the portal holds that portal payment apart; correct it with the utility\'s support');
    }
    plan.payments.push(strip(p));
  }

  for (const a of batch.adjustments) {
    if (!checkAccount(a)) continue;
    checkExisting(a, dbAdjustments.get(a.id), 'adjustment');
    notFuture(a, 'postedOn', a.postedOn);
    plan.adjustments.push(strip(a));
  }

  for (const b of batch.balances) {
    if (!checkAccount(b)) continue;
    notFuture(b, 'asOf', b.asOf);
    const held = dbBalances.get(b.accountId);
    if (held && held > b.asOf) problems.add(b, 'asOf', `is older than the balance already held (as of ${held}); send the latest`);
    plan.balances.push(strip(b));
  }
  return plan;
}

function strip<T extends RowRef>(r: T): Omit<T, keyof RowRef> {
  const { section: _s, index: _i, line: _l, ...rest } = r;
  return rest;
}

function stripLine(l: LineFields): LineFields {
  return {
    kind: l.kind,
    service: l.service,
    description: l.description,
    quantity: l.quantity,
    unit: l.unit,
    unitPrice: l.unitPrice,
    tierFrom: l.tierFrom,
    tierTo: l.tierTo,
    touPeriod: l.touPeriod,
    taxRatePercent: l.taxRatePercent,
    amountCents: l.amountCents,
  };
}

// ---------------------------------------------------------------- statements

const nowSql = `strftime('%Y-%m-%dT%H:%M:%fZ','now')`;
const ROWS_PER_STATEMENT = 200;

function chunks<T>(rows: T[], size = ROWS_PER_STATEMENT) {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** INSERT … SELECT FROM json_each(?1) ON CONFLICT DO UPDATE of `updatable`, writing only when one of them changed. */
function upsertSql(table: string, key: string, columns: [column: string, jsonKey: string][], updatable: string[], fixed: [column: string, expr: string][] = []) {
  const names = [...columns.map(([c]) => c), ...fixed.map(([c]) => c)];
  const values = [...columns.map(([, k]) => `value ->> '$.${k}'`), ...fixed.map(([, e]) => e)];
  return `INSERT INTO ${table} (${names.join(', ')}) SELECT ${values.join(', ')} FROM json_each(?1) WHERE true
ON CONFLICT (${key}) DO UPDATE SET ${updatable.map((c) => `${c} = excluded.${c}`).join(', ')}, updated_at = ${nowSql}
WHERE ${updatable.map((c) => `${table}.${c} IS NOT excluded.${c}`).join(' OR ')}`;
}

const billColumns: [string, string][] = [
  ['id', 'id'],
  ['account_id', 'accountId'],
  ['period_start', 'periodStart'],
  ['period_end', 'periodEnd'],
  ['issued_on', 'issuedOn'],
  ['due_on', 'dueOn'],
  ['amount_cents', 'amountCents'],
  ['bill_number', 'billNumber'],
  ['previous_balance_cents', 'previousBalanceCents'],
  ['total_due_cents', 'totalDueCents'],
  ['rate_name', 'rateName'],
];
const billsSql = upsertSql('bills', 'id', billColumns, billColumns.map(([c]) => c).filter((c) => c !== 'id' && c !== 'account_id'));

const lineColumns: [string, string][] = [
  ['bill_id', 'billId'],
  ['position', 'position'],
  ['kind', 'kind'],
  ['service', 'service'],
  ['description', 'description'],
  ['quantity', 'quantity'],
  ['unit', 'unit'],
  ['unit_price', 'unitPrice'],
  ['tier_from', 'tierFrom'],
  ['tier_to', 'tierTo'],
  ['tou_period', 'touPeriod'],
  ['tax_rate_percent', 'taxRatePercent'],
  ['amount_cents', 'amountCents'],
];
const deleteLinesSql = 'DELETE FROM bill_lines WHERE bill_id IN (SELECT value FROM json_each(?1))';
const insertLinesSql = `INSERT INTO bill_lines (${lineColumns.map(([c]) => c).join(', ')}) SELECT ${lineColumns.map(([, k]) => `value ->> '$.${k}'`).join(', ')} FROM json_each(?1)`;

/** A portal payment the utility now posts: the portal's pending row becomes this posting (one row per payment). */
const settlePortalPaymentsSql = `UPDATE payments SET utility_payment_id = j.id, method = j.method, amount_cents = j.amountCents, paid_on = j.paidOn,
  posted_on = j.postedOn, status = 'posted', updated_at = ${nowSql}
FROM (SELECT value ->> '$.id' AS id, value ->> '$.portalPaymentId' AS portalPaymentId, value ->> '$.method' AS method, value ->> '$.amountCents' AS amountCents,
        value ->> '$.paidOn' AS paidOn, value ->> '$.postedOn' AS postedOn FROM json_each(?1)) AS j
WHERE payments.portal_payment_id = j.portalPaymentId AND payments.utility_payment_id IS NULL`;
const paymentsSql = `INSERT INTO payments (account_id, utility_payment_id, portal_payment_id, method, amount_cents, paid_on, posted_on, status)
SELECT value ->> '$.accountId', value ->> '$.id', value ->> '$.portalPaymentId', value ->> '$.method', value ->> '$.amountCents', value ->> '$.paidOn', value ->> '$.postedOn', 'posted'
FROM json_each(?1) WHERE true
ON CONFLICT (utility_payment_id) DO UPDATE SET portal_payment_id = coalesce(excluded.portal_payment_id, payments.portal_payment_id), method = excluded.method,
  amount_cents = excluded.amount_cents, paid_on = excluded.paid_on, posted_on = excluded.posted_on, status = 'posted', updated_at = ${nowSql}
WHERE payments.portal_payment_id IS NOT coalesce(excluded.portal_payment_id, payments.portal_payment_id) OR payments.method IS NOT excluded.method
   OR payments.amount_cents IS NOT excluded.amount_cents OR payments.paid_on IS NOT excluded.paid_on OR payments.posted_on IS NOT excluded.posted_on OR payments.status <> 'posted'`;

const adjustmentColumns: [string, string][] = [
  ['id', 'id'],
  ['account_id', 'accountId'],
  ['posted_on', 'postedOn'],
  ['kind', 'kind'],
  ['description', 'description'],
  ['amount_cents', 'amountCents'],
];
const adjustmentsSql = upsertSql('adjustments', 'id', adjustmentColumns, ['posted_on', 'kind', 'description', 'amount_cents']);

/** A stated balance replaces the held one unless the held one is newer (checked too, so a race cannot roll it back). */
const balancesSql = `INSERT INTO account_balances (account_id, balance_cents, as_of) SELECT value ->> '$.accountId', value ->> '$.balanceCents', value ->> '$.asOf' FROM json_each(?1) WHERE true
ON CONFLICT (account_id) DO UPDATE SET balance_cents = excluded.balance_cents, as_of = excluded.as_of, updated_at = ${nowSql}
WHERE account_balances.as_of <= excluded.as_of AND (account_balances.balance_cents IS NOT excluded.balance_cents OR account_balances.as_of IS NOT excluded.as_of)`;

/**
 * Every statement of a checked plan, in order, for the batch's one db.batch (after accounts, before the batch record).
 * Last, the new-bill e-mails for accounts with paperless billing (worker/preferences/bill-ready.ts), so a bill and its notice land together.
 */
export function billingStatements(db: D1Database, plan: BillingPlan, origin: string): D1PreparedStatement[] {
  const withPortal = plan.payments.filter((p) => p.portalPaymentId);
  const created = new Set(plan.newBillIds);
  return [
    ...chunks(plan.bills).map((c) => db.prepare(billsSql).bind(JSON.stringify(c))),
    ...chunks(plan.lines).flatMap((c) => [
      db.prepare(deleteLinesSql).bind(JSON.stringify(c.map((b) => b.billId))),
      ...chunks(c.flatMap((b) => b.lines.map((l) => ({ billId: b.billId, ...l })))).map((rows) => db.prepare(insertLinesSql).bind(JSON.stringify(rows))),
    ]),
    ...chunks(withPortal).map((c) => db.prepare(settlePortalPaymentsSql).bind(JSON.stringify(c))),
    ...chunks(plan.payments).map((c) => db.prepare(paymentsSql).bind(JSON.stringify(c))),
    ...chunks(plan.adjustments).map((c) => db.prepare(adjustmentsSql).bind(JSON.stringify(c))),
    ...chunks(plan.balances).map((c) => db.prepare(balancesSql).bind(JSON.stringify(c))),
    ...chunks(plan.bills.filter((b) => created.has(b.id))).map((c) => newBillNoticeStatement(db, origin, c)),
  ];
}

/** Counts of billing rows in a batch, for its summary (nothing when it has none, so other summaries stay as they were). */
export function billingSummary(batch: BillingRows): Partial<Record<BillingSection, number>> {
  const out: Partial<Record<BillingSection, number>> = {};
  for (const s of billingSections) if (batch[s].length) out[s] = batch[s].length;
  return out;
}
