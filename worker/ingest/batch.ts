/**
 * Ingest batches from the utility's systems: accounts, service points, meters and reads, as JSON
 * or CSV, and billing (bills, payments, adjustments, balances; the sections are in ./billing.ts). A batch is validated row by row against itself and the database; if any row is bad the
 * whole batch is refused with every bad row named, and nothing is written. A good batch is
 * written in ONE D1 batch (a transaction): it lands whole or not at all.
 */
import { z } from 'zod';
import { meterKinds } from '../../db/schema';
import type { FieldProblem } from '../http/errors';
import type { UsageShards } from '../usage/shards';
import { dayEdges, householdBucket, type DayPatch, type Household } from '../usage/store';
import { daySlots, isDay, localDay, slotOf, slotStart } from '../usage/time';
import { baseFactor, isUnitOf, type MeterKind } from '../usage/units';
import { billingRowSchemas, billingSections, billingSummary, emptyBillingRows, type BillingRows } from './billing';
import { accountStatementRow, contactEditOutcomes, insertAccountsSql, updateAccountsSql, type ContactEditOutcome, type StoredContact } from './contact-precedence';
import { planTenureChanges, tenureStatements, type StoredTenure, type TenureChanges } from './tenure-changes';

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const id = z.string().regex(idPattern, 'must be 1 to 64 letters, digits, dots, underscores, colons or hyphens, starting with a letter or digit');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullish().transform((v) => (v ? v : null));
const localDate = z.string().refine(isDay, 'must be a date YYYY-MM-DD');
const amount = z.number().finite('must be a finite number').min(0, 'must not be negative').max(10_000_000, 'is implausibly large');
/** An instant with Z or an offset, kept as UTC ISO with milliseconds (so instants compare as strings). */
const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 instant with Z or an offset' })
  .transform((s) => new Date(s).toISOString());

export const accountRow = z.strictObject({
  id,
  accountNumber: text(32),
  holderName: text(200),
  email: z.email('must be an e-mail address').max(254).nullish().transform((v) => v ?? null),
  phone: optionalText(40),
  mailingStreet: optionalText(200),
  mailingCity: optionalText(100),
  mailingRegion: optionalText(50),
  mailingPostalCode: optionalText(20),
  status: z.enum(['active', 'closed']).default('active'),
  /**
   * When the contact details last changed in the utility's system (both groups), or per group.
   * A contact group the customer changed in the portal is replaced only by a later change
   * (see contact-precedence.ts).
   */
  contactUpdatedAt: instant.optional(),
  phoneUpdatedAt: instant.optional(),
  mailingAddressUpdatedAt: instant.optional(),
});
export const servicePointRow = z.strictObject({
  id,
  accountId: id,
  street: text(200),
  city: text(100),
  region: text(50),
  postalCode: text(20),
  serviceArea: text(100),
  /** The utility-local day `accountId` became the holder (move-in). See tenure-changes.ts for the default. */
  accountSince: localDate.optional(),
});
export const meterRow = z.strictObject({
  id,
  servicePointId: id,
  serialNumber: text(64),
  kind: z.enum(meterKinds),
  unit: z.enum(['gal', 'ccf', 'kWh', 'therm']),
  intervalMinutes: z.union([z.literal(5), z.literal(15), z.literal(30), z.literal(60), z.literal(1440)], 'must be 5, 15, 30, 60 or 1440'),
  installedOn: localDate,
});
export const readQualities = ['actual', 'estimated', 'missing'] as const;
export const readRow = z.strictObject({
  meterId: id,
  start: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant with Z or an offset' }),
  value: amount.nullable(),
  quality: z.enum(readQualities),
  /** Optional check: if given it must be the meter's unit (CSV exports carry it). */
  unit: z.string().optional(),
});
export const dayRow = z.strictObject({
  meterId: id,
  day: localDate,
  values: z.array(amount.nullable()).min(1).max(300),
  /** One letter per value: A actual, E estimated, M missing. Default: A where there is a value, M where null. */
  quality: z.string().regex(/^[AEM]+$/, 'must be letters A, E or M, one per value').optional(),
});

export const sections = ['accounts', 'servicePoints', 'meters', 'reads', 'days', ...billingSections] as const;
export type Section = (typeof sections)[number];
const rowSchemas = { accounts: accountRow, servicePoints: servicePointRow, meters: meterRow, reads: readRow, days: dayRow, ...billingRowSchemas } as const;

export const MAX_ROWS = 100_000;
export const batchEnvelope = z.strictObject({
  batchId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'must be 1 to 100 letters, digits, dots, underscores, colons or hyphens'),
  accounts: z.array(z.unknown()).max(MAX_ROWS).optional(),
  servicePoints: z.array(z.unknown()).max(MAX_ROWS).optional(),
  meters: z.array(z.unknown()).max(MAX_ROWS).optional(),
  reads: z.array(z.unknown()).max(MAX_ROWS).optional(),
  days: z.array(z.unknown()).max(MAX_ROWS).optional(),
  ...Object.fromEntries(billingSections.map((s) => [s, z.array(z.unknown()).max(MAX_ROWS).optional()])),
});

export type RawBatch = { batchId: string } & Partial<Record<Section, unknown[]>>;
export type RowRef = { section: Section; index: number; line?: number };
export type Batch = {
  batchId: string;
  accounts: (z.infer<typeof accountRow> & RowRef)[];
  servicePoints: (z.infer<typeof servicePointRow> & RowRef)[];
  meters: (z.infer<typeof meterRow> & RowRef)[];
  reads: (z.infer<typeof readRow> & RowRef)[];
  days: (z.infer<typeof dayRow> & RowRef)[];
} & BillingRows;

export class BatchProblems {
  readonly list: FieldProblem[] = [];
  add(ref: RowRef, field: string | null, message: string) {
    const where = `${ref.section}[${ref.index}]${field ? `.${field}` : ''}`;
    this.list.push({ field: ref.line ? `${where} (line ${ref.line})` : where, message });
  }
  get empty() {
    return this.list.length === 0;
  }
}

/** Parses each row with its schema; collects every problem instead of stopping at the first. */
export function parseRows(raw: RawBatch, problems: BatchProblems, lines?: Partial<Record<Section, number[]>>): Batch {
  const out = { batchId: raw.batchId, accounts: [], servicePoints: [], meters: [], reads: [], days: [], ...emptyBillingRows() } as Batch;
  for (const section of sections) {
    (raw[section] ?? []).forEach((row, index) => {
      const ref: RowRef = { section, index, ...(lines?.[section]?.[index] ? { line: lines[section]![index] } : {}) };
      if (row && typeof row === 'object' && '__columns' in row) {
        problems.add(ref, null, `this CSV line ${String((row as { __columns: string }).__columns)}`);
        return;
      }
      const parsed = rowSchemas[section].safeParse(row);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.add(ref, issue.path.join('.') || null, issue.message);
      } else {
        (out[section] as unknown[]).push({ ...parsed.data, ...ref });
      }
    });
  }
  return out;
}

// ---------------------------------------------------------------- CSV

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. Returns rows of fields and the line each row starts on. */
export function parseCsv(text: string): { rows: string[][]; lines: number[] } | { error: string } {
  const rows: string[][] = [];
  const lines: number[] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.length > 1 || row[0] !== '') {
        rows.push(row);
        lines.push(rowLine);
      }
      row = [];
      field = '';
      line++;
      rowLine = line;
    } else field += ch;
  }
  if (quoted) return { error: `a quoted field starting on line ${rowLine} is not closed` };
  row.push(field);
  if (row.length > 1 || row[0] !== '') {
    rows.push(row);
    lines.push(rowLine);
  }
  return { rows, lines };
}

const camel = (s: string) => s.trim().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const csvAliases: Record<string, string> = { intervalStart: 'start' };
/** Columns an exported CSV carries that ingest does not need. */
const csvIgnored = new Set(['intervalEnd', 'localStart']);
const numericColumns = new Set(['value', 'intervalMinutes']);
/**
 * A plain decimal number: digits, optionally a fraction. JavaScript's Number() would also take
 * "0x10" (16), "0b1", "1e1", "Infinity" or "+5"; such a cell stays text, so the row is refused.
 * A leading minus is read, so that a negative value is refused for what it is; spaces around the
 * number are ignored.
 */
const plainDecimal = /^-?\d+(\.\d+)?$/;
const csvNumber = (v: string) => (plainDecimal.test(v.trim()) ? Number(v) : v);

/** Turns a CSV (header row of snake_case or camelCase names) into rows for one section. */
export function csvToRows(section: Section, text: string): { rows: Record<string, unknown>[]; lines: number[] } | { error: string } {
  const parsed = parseCsv(text);
  if ('error' in parsed) return parsed;
  const [header, ...data] = parsed.rows;
  if (!header) return { error: 'the CSV is empty: a header row is required' };
  const columns = header.map((h) => csvAliases[camel(h)] ?? camel(h));
  const rows = data.map((fields) => {
    const row: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      if (csvIgnored.has(c)) return;
      const v = fields[i] ?? '';
      if (section === 'days' && c === 'values') row[c] = v.split(/[ ;|]+/).filter(Boolean).map((x) => (x === 'null' ? null : csvNumber(x)));
      else if (numericColumns.has(c)) row[c] = v === '' ? null : csvNumber(v);
      else if (v !== '') row[c] = v;
    });
    if (fields.length !== header.length) row.__columns = `has ${fields.length} fields, the header has ${header.length}`;
    return row;
  });
  return { rows, lines: parsed.lines.slice(1) };
}

// ---------------------------------------------------------------- validation against the database

/** How far a read's end may be ahead of our clock (the utility's clock may run a little fast). */
const CLOCK_SKEW_MS = 60_000;

type MeterInfo = { id: string; kind: MeterKind; unit: string; intervalMinutes: number; installedOn: string; serviceArea: string; household: Household | null; fromBatch: boolean };

const jsonIds = (ids: Iterable<string>) => JSON.stringify([...new Set(ids)]);

/**
 * Checks references, ownership, grids and duplicates; returns the day patches to write. Every
 * problem found is added to `problems`.
 */
export async function checkBatch(db: D1Database, shards: UsageShards, utilityId: string, timeZone: string, batch: Batch, problems: BatchProblems, now = new Date()) {
  // Duplicates inside the batch.
  const firstSeen = <T>(rows: (T & RowRef)[], key: (r: T) => string, what: string) => {
    const seen = new Map<string, number>();
    for (const r of rows) {
      const k = key(r);
      const prev = seen.get(k);
      if (prev !== undefined) problems.add(r, null, `${what} also appears at ${r.section}[${prev}] of this batch; send each once`);
      else seen.set(k, r.index);
    }
  };
  firstSeen(batch.accounts, (r) => r.id, 'this account');
  firstSeen(batch.accounts, (r) => r.accountNumber, 'this account number');
  firstSeen(batch.servicePoints, (r) => r.id, 'this service point');
  firstSeen(batch.meters, (r) => r.id, 'this meter');
  firstSeen(batch.meters, (r) => r.serialNumber, 'this serial number');

  // What the database already holds for the ids the batch names.
  const accountIds = [...batch.accounts.map((a) => a.id), ...batch.servicePoints.map((s) => s.accountId)];
  const [accRes, numRes, spRes, meterRes, tenureRes] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `SELECT a.id, a.utility_id AS utilityId, h.occupants, a.phone_on_file AS phone, a.mailing_street AS mailingStreet, a.mailing_city AS mailingCity, a.mailing_region AS mailingRegion,
           a.mailing_postal_code AS mailingPostalCode, a.phone_edited_at AS phoneEditedAt, a.mailing_edited_at AS mailingEditedAt
         FROM accounts a LEFT JOIN household_profiles h ON h.account_id = a.id WHERE a.id IN (SELECT value FROM json_each(?1))`,
      )
      .bind(jsonIds(accountIds)),
    db.prepare('SELECT id, account_number AS accountNumber FROM accounts WHERE utility_id = ?2 AND account_number IN (SELECT value FROM json_each(?1))').bind(jsonIds(batch.accounts.map((a) => a.accountNumber)), utilityId),
    db.prepare('SELECT sp.id, sp.account_id AS accountId, sp.service_area AS serviceArea, a.utility_id AS utilityId, h.occupants FROM service_points sp JOIN accounts a ON a.id = sp.account_id LEFT JOIN household_profiles h ON h.account_id = a.id WHERE sp.id IN (SELECT value FROM json_each(?1))').bind(jsonIds(batch.meters.map((m) => m.servicePointId).concat(batch.servicePoints.map((s) => s.id)))),
    db.prepare('SELECT m.id, m.kind, m.unit, m.interval_minutes AS intervalMinutes, m.installed_on AS installedOn, sp.service_area AS serviceArea, a.utility_id AS utilityId, h.occupants FROM meters m JOIN service_points sp ON sp.id = m.service_point_id JOIN accounts a ON a.id = sp.account_id LEFT JOIN household_profiles h ON h.account_id = a.id WHERE m.id IN (SELECT value FROM json_each(?1))').bind(jsonIds([...batch.meters.map((m) => m.id), ...batch.reads.map((r) => r.meterId), ...batch.days.map((d) => d.meterId)])),
    db
      .prepare('SELECT id, service_point_id AS servicePointId, account_id AS accountId, start_day AS startDay, end_day AS endDay FROM service_point_tenures WHERE service_point_id IN (SELECT value FROM json_each(?1))')
      .bind(jsonIds(batch.servicePoints.map((s) => s.id))),
  ]);
  type AccountDb = StoredContact & { id: string; utilityId: string; occupants: number | null };
  type SpDb = { id: string; accountId: string; serviceArea: string; utilityId: string; occupants: number | null };
  type MeterDb = { id: string; kind: MeterKind; unit: string; intervalMinutes: number; installedOn: string; serviceArea: string; utilityId: string; occupants: number | null };
  const dbAccounts = new Map((accRes!.results as AccountDb[]).map((a) => [a.id, a]));
  const dbNumbers = new Map((numRes!.results as { id: string; accountNumber: string }[]).map((a) => [a.accountNumber, a.id]));
  const dbSps = new Map((spRes!.results as SpDb[]).map((s) => [s.id, s]));
  const dbMeters = new Map((meterRes!.results as MeterDb[]).map((m) => [m.id, m]));
  // The first read each re-sent meter already has (a new install date may not come after it).
  const firstDays = await dayEdges(shards, batch.meters.filter((m) => dbMeters.has(m.id)).map((m) => m.id), 'min');

  const notOurs = 'is not an id this client may write (it belongs to no account of your utility)';
  for (const a of batch.accounts) {
    const existing = dbAccounts.get(a.id);
    if (existing && existing.utilityId !== utilityId) problems.add(a, 'id', notOurs);
    const owner = dbNumbers.get(a.accountNumber);
    if (owner && owner !== a.id) problems.add(a, 'accountNumber', 'is already the number of another account');
  }
  const batchAccounts = new Map(batch.accounts.map((a) => [a.id, a]));
  for (const s of batch.servicePoints) {
    const existing = dbSps.get(s.id);
    if (existing && existing.utilityId !== utilityId) problems.add(s, 'id', notOurs);
    const acc = dbAccounts.get(s.accountId);
    if (!batchAccounts.has(s.accountId) && (!acc || acc.utilityId !== utilityId)) problems.add(s, 'accountId', 'names no known account: send the account first or in this batch');
  }
  const batchSps = new Map(batch.servicePoints.map((s) => [s.id, s]));
  const ourPoints = new Set([...dbSps.values()].filter((sp) => sp.utilityId === utilityId).map((sp) => sp.id));
  // "Today" is the utility's local date: a day has ended only once local midnight has passed there.
  const today = localDay(now.getTime(), timeZone);
  const tenure = planTenureChanges(batch.servicePoints, ourPoints, tenureRes!.results as StoredTenure[], today, problems);
  const contactEdits = batch.accounts.flatMap((a) => {
    const stored = dbAccounts.get(a.id);
    return stored && stored.utilityId === utilityId ? contactEditOutcomes(a.id, a, stored) : [];
  });
  const meters = new Map<string, MeterInfo>();
  for (const [mid, m] of dbMeters) {
    if (m.utilityId === utilityId) meters.set(mid, { id: mid, kind: m.kind, unit: m.unit, intervalMinutes: m.intervalMinutes, installedOn: m.installedOn, serviceArea: m.serviceArea, household: householdBucket(m.occupants), fromBatch: false });
  }
  for (const m of batch.meters) {
    if (!isUnitOf(m.kind, m.unit === 'kWh' ? 'kWh' : m.unit)) problems.add(m, 'unit', `is not a unit for a ${m.kind} meter`);
    const existing = dbMeters.get(m.id);
    if (existing && existing.utilityId !== utilityId) {
      problems.add(m, 'id', notOurs);
      continue;
    }
    if (existing && (existing.kind !== m.kind || existing.unit !== m.unit || existing.intervalMinutes !== m.intervalMinutes)) {
      problems.add(m, null, 'changes the kind, unit or interval of a meter that already has reads; register the new meter under a new id');
    }
    const firstDay = firstDays.get(m.id);
    if (existing && firstDay && m.installedOn > firstDay) problems.add(m, 'installedOn', `is after reads this meter already has (from ${firstDay})`);
    const sp = batchSps.get(m.servicePointId);
    const spDb = dbSps.get(m.servicePointId);
    if (!sp && (!spDb || spDb.utilityId !== utilityId)) {
      problems.add(m, 'servicePointId', 'names no known service point: send it first or in this batch');
      continue;
    }
    const occupants = sp ? dbAccounts.get(sp.accountId)?.occupants : spDb!.occupants;
    meters.set(m.id, { id: m.id, kind: m.kind, unit: m.unit, intervalMinutes: m.intervalMinutes, installedOn: m.installedOn, serviceArea: sp?.serviceArea ?? spDb!.serviceArea, household: householdBucket(occupants), fromBatch: true });
  }

  // A meter sent with a wrong unit is refused above; its patches are never written.
  const factorOf = (m: MeterInfo) => (isUnitOf(m.kind, m.unit) ? baseFactor(m.kind, m.unit) : 1);
  // Reads: onto each meter's grid of local days, one patch per meter-day.
  const patches = new Map<string, DayPatch>();
  const patchFor = (meter: MeterInfo, day: string) => {
    const key = `${meter.id}\u0000${day}`;
    let p = patches.get(key);
    if (!p) {
      const count = daySlots(day, timeZone, meter.intervalMinutes).count;
      p = { meterId: meter.id, day, vals: new Array(count).fill(null), quality: '-'.repeat(count), kind: meter.kind, serviceArea: meter.serviceArea, household: meter.household, baseFactor: factorOf(meter) };
      patches.set(key, p);
    }
    return p;
  };
  const latest = now.getTime();
  const seenIntervals = new Map<string, number>();
  for (const r of batch.reads) {
    const meter = meters.get(r.meterId);
    if (!meter) {
      problems.add(r, 'meterId', 'names no known meter: send the meter first or in this batch');
      continue;
    }
    if (r.unit !== undefined && r.unit !== meter.unit) problems.add(r, 'unit', `is not this meter's unit (${meter.unit})`);
    const startMs = Date.parse(r.start);
    const slot = slotOf(startMs, timeZone, meter.intervalMinutes);
    if (!slot) {
      problems.add(r, 'start', `is not the start of one of this meter's ${meter.intervalMinutes}-minute intervals`);
      continue;
    }
    // The install date is a utility-local date: nothing of an earlier local day is the meter's.
    if (slot.day < meter.installedOn) {
      problems.add(r, 'start', `is before the meter's install date (${meter.installedOn})`);
      continue;
    }
    // The slot's own end: a daily read of a DST day lasts 23 or 25 hours, not 24.
    const slots = daySlots(slot.day, timeZone, meter.intervalMinutes);
    const endMs = slot.index === slots.count - 1 ? slots.end : slotStart(slots, slot.index + 1);
    if (endMs > latest + CLOCK_SKEW_MS) {
      problems.add(r, 'start', 'is an interval that has not ended yet');
      continue;
    }
    if (r.quality === 'missing' && r.value !== null) problems.add(r, 'value', 'must be empty when the quality is missing');
    if (r.quality !== 'missing' && r.value === null) problems.add(r, 'value', `is required when the quality is ${r.quality}`);
    const key = `${r.meterId}\u0000${startMs}`;
    const prev = seenIntervals.get(key);
    if (prev !== undefined) {
      problems.add(r, 'start', `this interval also appears at reads[${prev}] of this batch; send each once`);
      continue;
    }
    seenIntervals.set(key, r.index);
    const p = patchFor(meter, slot.day);
    p.vals[slot.index] = r.quality === 'missing' ? null : r.value;
    p.quality = p.quality.slice(0, slot.index) + (r.quality === 'actual' ? 'A' : r.quality === 'estimated' ? 'E' : 'M') + p.quality.slice(slot.index + 1);
  }
  for (const d of batch.days) {
    const meter = meters.get(d.meterId);
    if (!meter) {
      problems.add(d, 'meterId', 'names no known meter: send the meter first or in this batch');
      continue;
    }
    const count = daySlots(d.day, timeZone, meter.intervalMinutes).count;
    if (d.values.length !== count) {
      problems.add(d, 'values', `${d.day} has ${count} intervals of ${meter.intervalMinutes} minutes in ${timeZone}; got ${d.values.length}`);
      continue;
    }
    if (d.day < meter.installedOn) problems.add(d, 'day', `is before the meter's install date (${meter.installedOn})`);
    if (d.day >= today) problems.add(d, 'day', 'is a day that has not ended yet');
    const quality = d.quality ?? d.values.map((v) => (v === null ? 'M' : 'A')).join('');
    if (quality.length !== count) {
      problems.add(d, 'quality', `needs one letter per value (${count})`);
      continue;
    }
    const bad = d.values.findIndex((v, i) => (v === null) !== (quality[i] === 'M'));
    if (bad >= 0) problems.add(d, `values.${bad}`, 'must be empty exactly where the quality is M');
    const key = `${d.meterId}\u0000${d.day}`;
    if (patches.has(key)) {
      problems.add(d, null, `${d.day} of this meter is also sent as reads or days elsewhere in this batch; send each once`);
      continue;
    }
    patches.set(key, { meterId: d.meterId, day: d.day, vals: d.values, quality, kind: meter.kind, serviceArea: meter.serviceArea, household: meter.household, baseFactor: factorOf(meter) });
  }
  return { patches: [...patches.values()], tenure, contactEdits } satisfies CheckedBatch;
}

/** What checkBatch found to write besides the rows themselves. */
export type CheckedBatch = { patches: DayPatch[]; tenure: TenureChanges; contactEdits: ContactEditOutcome[] };

// ---------------------------------------------------------------- statements

const ROWS_PER_STATEMENT = 200;

function chunks<T>(rows: T[], size = ROWS_PER_STATEMENT) {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** INSERT … SELECT FROM json_each(?1) ON CONFLICT DO UPDATE, writing only when something changed. */
function upsertSql(table: string, columns: [string, string][], fixed: [string, string][], extraSet = '') {
  const all = [...columns.map(([c]) => c), ...fixed.map(([c]) => c)];
  const selects = [...columns.map(([, k]) => `value ->> '$.${k}'`), ...fixed.map(([, expr]) => expr)];
  const updatable = columns.map(([c]) => c).filter((c) => c !== 'id');
  return `INSERT INTO ${table} (${all.join(', ')}) SELECT ${selects.join(', ')} FROM json_each(?1) WHERE true
ON CONFLICT (id) DO UPDATE SET ${updatable.map((c) => `${c} = excluded.${c}`).join(', ')}${extraSet}
WHERE ${updatable.map((c) => `${table}.${c} IS NOT excluded.${c}`).join(' OR ')}`;
}

const servicePointsSql = upsertSql('service_points', [['id', 'id'], ['account_id', 'accountId'], ['street', 'street'], ['city', 'city'], ['region', 'region'], ['postal_code', 'postalCode'], ['service_area', 'serviceArea']], []);
const metersSql = upsertSql('meters', [['id', 'id'], ['service_point_id', 'servicePointId'], ['serial_number', 'serialNumber'], ['kind', 'kind'], ['unit', 'unit'], ['interval_minutes', 'intervalMinutes'], ['installed_on', 'installedOn']], []);

/** The largest number of contact-edit outcomes listed in a batch's answer (the count is always given). */
const MAX_CONTACT_EDITS_LISTED = 1000;

export type BatchSummary = {
  accounts: number;
  servicePoints: number;
  meters: number;
  reads: number;
  days: number;
  meterDays: number;
  /** Changes of a service point's holder recorded. */
  moves: number;
  /** Contact fields the customer edited in the portal that accounts rows met: kept or replaced, and why. */
  contactEdits: { count: number; listed: ContactEditOutcome[] };
} & ReturnType<typeof billingSummary>;

export function summaryOf(batch: Batch, checked: CheckedBatch): BatchSummary {
  return {
    accounts: batch.accounts.length,
    servicePoints: batch.servicePoints.length,
    meters: batch.meters.length,
    reads: batch.reads.length,
    days: batch.days.length,
    meterDays: checked.patches.length,
    moves: checked.tenure.moves.length,
    contactEdits: { count: checked.contactEdits.length, listed: checked.contactEdits.slice(0, MAX_CONTACT_EDITS_LISTED) },
    ...billingSummary(batch),
  };
}

const strip = <T extends RowRef>(r: T) => {
  const { section: _s, index: _i, line: _l, ...rest } = r;
  return rest;
};

/**
 * Every statement of a checked batch but its day rows, in order, for ONE db.batch (so it is one
 * transaction). The day rows go to the usage shards first (writeDays in worker/usage/store.ts).
 */
export function batchStatements(db: D1Database, clientId: string, utilityId: string, bodySha256: string, batch: Batch, checked: CheckedBatch, billing: D1PreparedStatement[] = []) {
  const tenure = tenureStatements(db, checked.tenure);
  return [
    ...chunks(batch.accounts).flatMap((c) => {
      const json = JSON.stringify(c.map((a) => accountStatementRow(strip(a))));
      return [db.prepare(updateAccountsSql).bind(json, utilityId), db.prepare(insertAccountsSql).bind(json, utilityId)];
    }),
    ...tenure.beforePoints,
    ...chunks(batch.servicePoints).map((c) => db.prepare(servicePointsSql).bind(JSON.stringify(c.map(strip)))),
    ...tenure.afterPoints,
    ...chunks(batch.meters).map((c) => db.prepare(metersSql).bind(JSON.stringify(c.map(strip)))),
    ...billing,
    db.prepare('INSERT INTO ingest_batches (client_id, batch_id, body_sha256, summary) VALUES (?1, ?2, ?3, ?4)').bind(clientId, batch.batchId, bodySha256, JSON.stringify(summaryOf(batch, checked))),
  ];
}
