import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { demoAccounts } from '../../db/demo/customers';
import { DEMO_SEED, demoStatements } from '../../db/demo/dataset';
import { DEMO_MOVE } from '../../db/demo/move';
import { seededRandom } from '../../db/demo/random';
import { demoMeterDays, demoMeters } from '../../db/demo/usage';
import { writeDays } from '../../worker/usage/store';
import { holderOn, visibleSpan, withinTenure } from '../../worker/usage/tenure';
import { bills } from '../../db/schema';
import { buildAccessPackage } from '../../worker/staff/access-package';
import { usageShards } from '../../worker/usage/shards';
import { addDays, addYears, dayStartUtc, daySlots, eachDay, localIso, slotOf } from '../../worker/usage/time';
import { conversionFactor, GALLONS_PER_CCF, GALLONS_PER_M3 } from '../../worker/usage/units';
import { db, givenAccount, signedIn, uniqueId } from './support/sign-in';
import { get, givenIngestClient, givenMeter, givenReads, sendBatch, TZ } from './support/usage-fixtures';

type Point = { start: string; end: string; label: string; value: number | null; quality: string; intervals: number; missingIntervals: number; estimatedIntervals: number; lastYear: number | null; lastYearQuality: string; similarHomes: number | null };
type SeriesBody = { unit: string; points: Point[]; totals: { value: number; lastYear: number | null; missingIntervals: number }; similarHomes: { available: boolean; note: string; minimumHomes: number }; tenure: { from: string | null; to: string | null }[]; rowsRead: number };

const series = async (cookie: string, meterId: string, q: string) => {
  const res = await get(`/api/usage/meters/${meterId}/series?${q}`, cookie);
  return { res, body: res.status === 200 ? await res.json<SeriesBody>() : null };
};

describe('utility-local days', () => {
  it('gives the spring-forward day 23 hours and the fall-back day 25', () => {
    expect(daySlots('2026-03-08', TZ, 60).count).toBe(23);
    expect(daySlots('2026-11-01', TZ, 60).count).toBe(25);
    expect(daySlots('2026-07-01', TZ, 60).count).toBe(24);
    expect(daySlots('2026-03-08', TZ, 15).count).toBe(92);
    expect(daySlots('2026-11-01', TZ, 15).count).toBe(100);
    expect(daySlots('2026-11-01', TZ, 1440).count).toBe(1);
  });

  it('starts local days at local midnight in UTC, standard and daylight time alike', () => {
    expect(new Date(dayStartUtc('2026-03-08', TZ)).toISOString()).toBe('2026-03-08T08:00:00.000Z');
    expect(new Date(dayStartUtc('2026-03-09', TZ)).toISOString()).toBe('2026-03-09T07:00:00.000Z');
    expect(new Date(dayStartUtc('2026-11-01', TZ)).toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(new Date(dayStartUtc('2026-11-02', TZ)).toISOString()).toBe('2026-11-02T08:00:00.000Z');
  });

  it('places both 01:00 hours of the fall-back day in their own slots', () => {
    expect(slotOf(Date.parse('2026-11-01T08:00:00Z'), TZ, 60)).toEqual({ day: '2026-11-01', index: 1 });
    expect(slotOf(Date.parse('2026-11-01T09:00:00Z'), TZ, 60)).toEqual({ day: '2026-11-01', index: 2 });
    expect(localIso(Date.parse('2026-11-01T08:00:00Z'), TZ)).toBe('2026-11-01T01:00:00-07:00');
    expect(localIso(Date.parse('2026-11-01T09:00:00Z'), TZ)).toBe('2026-11-01T01:00:00-08:00');
    expect(slotOf(Date.parse('2026-03-08T10:00:00Z'), TZ, 60)).toEqual({ day: '2026-03-08', index: 2 });
    expect(slotOf(Date.parse('2026-03-08T10:30:00Z'), TZ, 60)).toBeNull();
  });

  it('does calendar arithmetic across month ends and leap days', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(eachDay('2026-10-30', '2026-11-02')).toHaveLength(4);
  });
});

describe('units', () => {
  it('converts gallons to CCF and cubic metres and refuses kWh for water', () => {
    expect(conversionFactor('water', 'gal', 'ccf')).toBeCloseTo(1 / GALLONS_PER_CCF, 12);
    expect(conversionFactor('water', 'ccf', 'm3')).toBeCloseTo(GALLONS_PER_CCF / GALLONS_PER_M3, 12);
    expect(() => conversionFactor('water', 'gal', 'kWh')).toThrow();
  });
});

describe('usage series', () => {
  it('answers every resolution with consistent totals for an hourly water meter', async () => {
    const meter = await givenMeter();
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    const days = eachDay('2025-05-28', '2025-06-03');
    await givenReads(meter, days, (_d, slot) => 1 + slot / 10);
    const daily = 24 + (23 * 24) / 2 / 10; // sum of 1 + i/10 for i = 0..23
    for (const [resolution, count] of [['native', 7 * 24], ['hour', 7 * 24], ['day', 7], ['month', 2]] as const) {
      const { res, body } = await series(cookie, meter.meterId, `from=2025-05-28&to=2025-06-03&resolution=${resolution}`);
      expect(res.status).toBe(200);
      expect(body!.points).toHaveLength(count);
      expect(body!.totals.value).toBeCloseTo(daily * 7, 6);
      expect(body!.points.reduce((s, p) => s + (p.value ?? 0), 0)).toBeCloseTo(daily * 7, 6);
    }
    const { body: month } = await series(cookie, meter.meterId, 'from=2025-05-28&to=2025-06-03&resolution=month');
    expect(month!.points.map((p) => p.label)).toEqual(['2025-05', '2025-06']);
    expect(month!.points[0]!.value).toBeCloseTo(daily * 4, 6);
  });

  it('sums 15-minute electric reads into hours', async () => {
    const meter = await givenMeter({ kind: 'electric' });
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    await givenReads(meter, ['2025-01-15'], () => 0.25);
    const { body } = await series(cookie, meter.meterId, 'from=2025-01-15&to=2025-01-15&resolution=hour');
    expect(body!.points).toHaveLength(24);
    expect(body!.points.every((p) => p.value === 1 && p.intervals === 4)).toBe(true);
    const native = await series(cookie, meter.meterId, 'from=2025-01-15&to=2025-01-15&resolution=native');
    expect(native.body!.points).toHaveLength(96);
  });

  it('gives the spring-forward day 23 hourly points and the fall-back day 25', async () => {
    const meter = await givenMeter();
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    await givenReads(meter, ['2026-03-08', '2026-11-01'], () => 2);
    const spring = await series(cookie, meter.meterId, 'from=2026-03-08&to=2026-03-08&resolution=hour');
    expect(spring.body!.points).toHaveLength(23);
    expect(spring.body!.points.map((p) => p.label.slice(11))).not.toContain('02:00');
    expect(spring.body!.totals.value).toBe(46);
    const fall = await series(cookie, meter.meterId, 'from=2026-11-01&to=2026-11-01&resolution=hour');
    expect(fall.body!.points).toHaveLength(25);
    expect(fall.body!.points.filter((p) => p.label.endsWith('T01:00'))).toHaveLength(2);
    expect(fall.body!.totals.value).toBe(50);
    const days = await series(cookie, meter.meterId, 'from=2026-11-01&to=2026-11-01&resolution=day');
    expect(days.body!.points[0]).toMatchObject({ value: 50, intervals: 25, quality: 'actual' });
    expect(new Date(days.body!.points[0]!.end).getTime() - new Date(days.body!.points[0]!.start).getTime()).toBe(25 * 3_600_000);
  });

  it('sums billing periods from the account bills', async () => {
    const meter = await givenMeter();
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    await db().insert(bills).values([
      { id: uniqueId('bill'), accountId: meter.accountId, periodStart: '2025-03-01', periodEnd: '2025-03-15', issuedOn: '2025-03-18', dueOn: '2025-04-08', amountCents: 4000 },
      { id: uniqueId('bill'), accountId: meter.accountId, periodStart: '2025-03-16', periodEnd: '2025-04-14', issuedOn: '2025-04-17', dueOn: '2025-05-08', amountCents: 6000 },
    ]);
    await givenReads(meter, eachDay('2025-03-01', '2025-04-14'), (day) => (day < '2025-03-16' ? 1 : 2));
    const { body } = await series(cookie, meter.meterId, 'from=2025-03-01&to=2025-04-14&resolution=billing');
    expect(body!.points.map((p) => p.label)).toEqual(['2025-03-01 – 2025-03-15', '2025-03-16 – 2025-04-14']);
    // 15 days × 24 h × 1; the second period crosses no DST change (DST began 2025-03-09).
    expect(body!.points[0]!.value).toBe(15 * 24 - 1);
    expect(body!.points[1]!.value).toBe(30 * 24 * 2);
  });

  it('marks missing and estimated reads instead of counting them as zero', async () => {
    const meter = await givenMeter();
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    await givenReads(meter, ['2025-08-01'], (_d, slot) => (slot >= 3 && slot < 6 ? null : 1), (_d, slot) => (slot === 10 ? 'E' : 'A'));
    // 2025-08-02 has no row at all.
    const { body: native } = await series(cookie, meter.meterId, 'from=2025-08-01&to=2025-08-02&resolution=native');
    expect(native!.points[4]).toMatchObject({ value: null, quality: 'missing' });
    expect(native!.points[10]).toMatchObject({ value: 1, quality: 'estimated' });
    expect(native!.points.slice(24).every((p) => p.value === null && p.quality === 'missing')).toBe(true);
    const { body: daily } = await series(cookie, meter.meterId, 'from=2025-08-01&to=2025-08-02&resolution=day');
    expect(daily!.points[0]).toMatchObject({ value: 21, quality: 'incomplete', missingIntervals: 3, estimatedIntervals: 1 });
    expect(daily!.points[1]).toMatchObject({ value: null, quality: 'missing', missingIntervals: 24 });
    expect(daily!.totals.missingIntervals).toBe(27);
  });

  it('converts water into CCF and cubic metres, and refuses an electric unit', async () => {
    const meter = await givenMeter();
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    await givenReads(meter, ['2025-09-10'], () => 748.052 / 24);
    const ccf = await series(cookie, meter.meterId, 'from=2025-09-10&to=2025-09-10&resolution=day&unit=ccf');
    expect(ccf.body!.unit).toBe('ccf');
    expect(ccf.body!.points[0]!.value).toBeCloseTo(1, 4);
    const m3 = await series(cookie, meter.meterId, 'from=2025-09-10&to=2025-09-10&resolution=day&unit=m3');
    expect(m3.body!.points[0]!.value).toBeCloseTo(748.052 / 264.172, 4);
    const bad = await series(cookie, meter.meterId, 'from=2025-09-10&to=2025-09-10&resolution=day&unit=kWh');
    expect(bad.res.status).toBe(422);
  });

  it('puts the same period last year beside each point', async () => {
    const meter = await givenMeter();
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    await givenReads(meter, eachDay('2024-05-01', '2024-05-31'), () => 2);
    await givenReads(meter, eachDay('2025-05-01', '2025-05-31'), () => 1);
    const { body } = await series(cookie, meter.meterId, 'from=2025-05-01&to=2025-05-31&resolution=month');
    expect(body!.points[0]).toMatchObject({ value: 744, lastYear: 1488 });
    expect(body!.totals.lastYear).toBe(1488);
    const { body: daily } = await series(cookie, meter.meterId, 'from=2025-05-10&to=2025-05-10&resolution=hour');
    expect(daily!.points[0]!.lastYear).toBe(2);
  });

  it('withholds the similar-homes average until at least 10 homes contribute', async () => {
    const serviceArea = uniqueId('area');
    const homes = [];
    for (let i = 0; i < 9; i++) {
      const m = await givenMeter({ serviceArea });
      await givenReads(m, ['2025-07-04'], () => 10 + i);
      homes.push(m);
    }
    const { cookie } = await signedIn({ holderOf: [homes[0]!.accountId] });
    const nine = await series(cookie, homes[0]!.meterId, 'from=2025-07-04&to=2025-07-04&resolution=day');
    expect(nine.body!.similarHomes.available).toBe(false);
    expect(nine.body!.points[0]!.similarHomes).toBeNull();
    expect(nine.body!.similarHomes.note).toMatch(/fewer than 10/);

    const tenth = await givenMeter({ serviceArea });
    await givenReads(tenth, ['2025-07-04'], () => 20);
    const ten = await series(cookie, homes[0]!.meterId, 'from=2025-07-04&to=2025-07-04&resolution=day');
    expect(ten.body!.similarHomes.available).toBe(true);
    const expected = ((10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 20) * 24) / 10;
    expect(ten.body!.points[0]!.similarHomes).toBeCloseTo(expected, 6);
  });

  it('compares within the same household size when it is known', async () => {
    const serviceArea = uniqueId('area');
    for (let i = 0; i < 10; i++) await givenReads(await givenMeter({ serviceArea, occupants: 2 }), ['2025-07-05'], () => 5);
    for (let i = 0; i < 10; i++) await givenReads(await givenMeter({ serviceArea, occupants: 4 }), ['2025-07-05'], () => 9);
    const mine = await givenMeter({ serviceArea, occupants: 2 });
    const { cookie } = await signedIn({ holderOf: [mine.accountId] });
    const { body } = await series(cookie, mine.meterId, 'from=2025-07-05&to=2025-07-05&resolution=day');
    expect(body!.points[0]!.similarHomes).toBe(120);
  });

  it('refuses a range too long for the resolution or backwards', async () => {
    const meter = await givenMeter();
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    expect((await series(cookie, meter.meterId, 'from=2025-01-01&to=2025-12-31&resolution=native')).res.status).toBe(422);
    expect((await series(cookie, meter.meterId, 'from=2025-02-01&to=2025-01-01&resolution=day')).res.status).toBe(422);
    expect((await series(cookie, meter.meterId, 'from=yesterday&to=2025-01-01')).res.status).toBe(422);
  });
});

describe('who may see usage', () => {
  const paths = (meterId: string) => [
    `/api/usage/meters/${meterId}/series?from=2025-06-01&to=2025-06-02&resolution=day`,
    `/api/usage/meters/${meterId}/export.csv?from=2025-06-01&to=2025-06-02`,
    `/api/usage/meters/${meterId}/export.xml?from=2025-06-01&to=2025-06-02`,
  ];

  it('refuses another customer, a delegate without the usage right and an anonymous caller', async () => {
    const meter = await givenMeter();
    await givenReads(meter, ['2025-06-01'], () => 1);
    const other = await signedIn({ holderOf: [await givenAccount()] });
    const delegate = await signedIn({ delegateOf: [{ accountId: meter.accountId, usage: false, billing: true }] });
    for (const path of paths(meter.meterId)) {
      expect((await get(path, other.cookie)).status).toBe(404);
      expect((await get(path, delegate.cookie)).status).toBe(404);
      expect((await get(path)).status).toBe(401);
    }
    const list = await (await get('/api/usage/meters', other.cookie)).json<{ meters: { id: string }[] }>();
    expect(list.meters.map((m) => m.id)).not.toContain(meter.meterId);
    expect((await get('/api/usage/meters')).status).toBe(401);
    const delegateList = await (await get('/api/usage/meters', delegate.cookie)).json<{ meters: unknown[] }>();
    expect(delegateList.meters).toEqual([]);
  });

  it('lists every meter of an account with more meters than D1 binds parameters (100)', async () => {
    const accountId = await givenAccount();
    for (let i = 0; i < 120; i++) await givenMeter({ accountId });
    const { cookie } = await signedIn({ holderOf: [accountId] });
    const res = await get('/api/usage/meters', cookie);
    expect(res.status).toBe(200);
    expect((await res.json<{ meters: unknown[] }>()).meters).toHaveLength(120);
  });

  it('answers a nonexistent meter exactly like someone else’s', async () => {
    const { cookie } = await signedIn({ holderOf: [await givenAccount()] });
    const res = await get('/api/usage/meters/no-such-meter/series?from=2025-06-01&to=2025-06-02', cookie);
    expect(res.status).toBe(404);
  });

  it('lets the holder and a delegate with the usage right see the meter', async () => {
    const meter = await givenMeter();
    await givenReads(meter, ['2025-06-01'], () => 1);
    const holder = await signedIn({ holderOf: [meter.accountId] });
    const delegate = await signedIn({ delegateOf: [{ accountId: meter.accountId, usage: true }] });
    for (const cookie of [holder.cookie, delegate.cookie]) {
      for (const path of paths(meter.meterId)) expect((await get(path, cookie)).status).toBe(200);
      const list = await (await get('/api/usage/meters', cookie)).json<{ meters: { id: string; firstDay: string; lastDay: string; units: string[] }[] }>();
      expect(list.meters).toEqual([expect.objectContaining({ id: meter.meterId, firstDay: '2025-06-01', lastDay: '2025-06-01', units: ['gal', 'ccf', 'm3'] })]);
    }
  });
});

describe('exports', () => {
  it('writes a CSV whose values add up to the API totals, missing reads left empty', async () => {
    const meter = await givenMeter();
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    await givenReads(meter, eachDay('2026-10-30', '2026-11-02'), (d, slot) => (d === '2026-10-31' && slot === 7 ? null : 0.5 + (slot % 5) * 1.1));
    const res = await get(`/api/usage/meters/${meter.meterId}/export.csv?from=2026-10-30&to=2026-11-02`, cookie);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('meter_id,interval_start,interval_end,local_start,value,unit,quality');
    expect(lines).toHaveLength(1 + 24 + 24 + 25 + 24);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.filter((r) => r[6] === 'missing')).toEqual([[meter.meterId, '2026-10-31T14:00:00.000Z', '2026-10-31T15:00:00.000Z', '2026-10-31T07:00:00-07:00', '', 'gal', 'missing']]);
    const csvTotal = rows.reduce((s, r) => s + (r[4] ? Number(r[4]) : 0), 0);
    const { body } = await series(cookie, meter.meterId, 'from=2026-10-30&to=2026-11-02&resolution=day');
    expect(csvTotal).toBeCloseTo(body!.totals.value, 6);
  });

  it('writes a Green Button feed whose interval values sum to the API totals', async () => {
    const meter = await givenMeter({ kind: 'electric' });
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    await givenReads(meter, ['2026-03-07', '2026-03-08'], (_d, slot) => (slot === 3 ? null : 0.125 + (slot % 4) * 0.05), (_d, slot) => (slot === 5 ? 'E' : 'A'));
    const res = await get(`/api/usage/meters/${meter.meterId}/export.xml?from=2026-03-07&to=2026-03-08`, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom" xmlns:espi="http:\/\/naesb.org\/espi">/);
    for (const element of ['UsagePoint', 'MeterReading', 'ReadingType', 'LocalTimeParameters']) expect(xml.match(new RegExp(`<espi:${element}[ />]`, 'g'))).toHaveLength(1);
    expect(xml.match(/<espi:IntervalBlock>/g)).toHaveLength(2);
    expect(xml.match(/<entry>/g)).toHaveLength(4 + 2);
    // Atom (as the ESPI feed schema has it) wants rel, href and a Green Button type on every link.
    expect(xml.match(/<link (?![^>]*type="espi-(entry|feed)\/\w+")/g)).toBeNull();
    expect(xml).toContain('<espi:uom>72</espi:uom>');
    expect(xml).toContain('<espi:powerOfTenMultiplier>0</espi:powerOfTenMultiplier>');
    expect(xml).toContain('<espi:intervalLength>900</espi:intervalLength>');
    expect(xml).toContain('<espi:kind>0</espi:kind></espi:ServiceCategory>');
    expect(xml).toContain('<espi:tzOffset>-28800</espi:tzOffset>');
    expect(xml).toContain('<espi:dstStartRule>360E2000</espi:dstStartRule>');
    // The spring-forward block lasts 23 hours and holds 92 − 1 missing readings.
    expect(xml).toContain(`<espi:interval><espi:duration>82800</espi:duration><espi:start>${Date.parse('2026-03-08T08:00:00Z') / 1000}</espi:start></espi:interval>`);
    expect(xml.match(/<espi:IntervalReading>/g)).toHaveLength(96 - 1 + 92 - 1);
    expect(xml.match(/<espi:quality>8<\/espi:quality>/g)).toHaveLength(2);
    const wh = [...xml.matchAll(/<espi:value>(\d+)<\/espi:value>/g)].reduce((s, m) => s + Number(m[1]), 0);
    const { body } = await series(cookie, meter.meterId, 'from=2026-03-07&to=2026-03-08&resolution=day');
    expect(wh / 1000).toBeCloseTo(body!.totals.value, 6);
  });

  it('writes water in hundredths of a US gallon', async () => {
    const meter = await givenMeter();
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    await givenReads(meter, ['2025-06-01'], () => 1.25);
    const xml = await (await get(`/api/usage/meters/${meter.meterId}/export.xml?from=2025-06-01&to=2025-06-01`, cookie)).text();
    expect(xml).toContain('<espi:uom>128</espi:uom>');
    expect(xml).toContain('<espi:powerOfTenMultiplier>-2</espi:powerOfTenMultiplier>');
    expect(xml).toContain('<espi:commodity>9</espi:commodity>');
    expect(xml).toContain('<espi:value>125</espi:value>');
  });
});

describe('a service point that changed hands', () => {
  /**
   * Account A held a service point with an hourly water meter until 31 May 2026; account B moved in
   * on 1 June (sent by the utility as accountSince). Reads cover 30 May to 3 June of 2025 and 2026.
   * A reads 1 gallon an hour before the move, B's days read 2.
   */
  async function moveBetweenTwoCustomers() {
    const client = await givenIngestClient();
    const n = uniqueId('move');
    const [a, b, sp, meter] = [`acct-a-${n}`, `acct-b-${n}`, `sp-${n}`, `mtr-${n}`];
    const point = { id: sp, street: '4 Moving Lane', city: 'Alder Creek', region: 'CA', postalCode: '95990', serviceArea: 'Tenure Flats' };
    const days = [...eachDay('2025-05-30', '2025-06-03'), ...eachDay('2026-05-30', '2026-06-03')];
    const first = await sendBatch(client, {
      batchId: `${n}-1`,
      accounts: [{ id: a, accountNumber: `AN-A-${n}`, holderName: 'First Holder' }],
      servicePoints: [{ ...point, accountId: a }],
      meters: [{ id: meter, servicePointId: sp, serialNumber: `SN-${n}`, kind: 'water', unit: 'gal', intervalMinutes: 60, installedOn: '2024-01-01' }],
      days: days.map((day) => ({ meterId: meter, day, values: Array.from({ length: 24 }, () => (day >= '2026-06-01' ? 2 : 1)) })),
    });
    expect(first.status).toBe(201);
    const move = await sendBatch(client, { batchId: `${n}-2`, accounts: [{ id: b, accountNumber: `AN-B-${n}`, holderName: 'Second Holder' }], servicePoints: [{ ...point, accountId: b, accountSince: '2026-06-01' }] });
    expect(move.status).toBe(201);
    return { meter, a: { id: a, ...(await signedIn({ holderOf: [a] })) }, b: { id: b, ...(await signedIn({ holderOf: [b] })) } };
  }

  it('lists the meter to each holder with only the days of their own tenure', async () => {
    const { meter, a, b } = await moveBetweenTwoCustomers();
    type Listed = { meters: { id: string; accountId: string; firstDay: string | null; lastDay: string | null; tenure: { from: string | null; to: string | null }[] }[] };
    const listA = await (await get('/api/usage/meters', a.cookie)).json<Listed>();
    expect(listA.meters).toEqual([expect.objectContaining({ id: meter, accountId: a.id, firstDay: '2025-05-30', lastDay: '2026-05-31', tenure: [{ from: null, to: '2026-05-31' }] })]);
    const listB = await (await get('/api/usage/meters', b.cookie)).json<Listed>();
    expect(listB.meters).toEqual([expect.objectContaining({ id: meter, accountId: b.id, firstDay: '2026-06-01', lastDay: '2026-06-03', tenure: [{ from: '2026-06-01', to: null }] })]);
  });

  it("shows each holder their own days and last year's comparison only from days they held", async () => {
    const { meter, a, b } = await moveBetweenTwoCustomers();
    const range = 'from=2026-05-30&to=2026-06-03';
    const { body: dayA } = await series(a.cookie, meter, `${range}&resolution=day`);
    expect(dayA!.points.map((p) => [p.label, p.value, p.quality, p.lastYear])).toEqual([
      ['2026-05-30', 24, 'actual', 24],
      ['2026-05-31', 24, 'actual', 24],
      ['2026-06-01', null, 'not_held', 24],
      ['2026-06-02', null, 'not_held', 24],
      ['2026-06-03', null, 'not_held', 24],
    ]);
    expect(dayA!.totals).toMatchObject({ value: 48, missingIntervals: 0 });
    expect(dayA!.tenure).toEqual([{ from: null, to: '2026-05-31' }]);
    const { body: dayB } = await series(b.cookie, meter, `${range}&resolution=day`);
    expect(dayB!.points.map((p) => [p.label, p.value, p.quality, p.lastYear, p.lastYearQuality])).toEqual([
      ['2026-05-30', null, 'not_held', null, 'not_held'],
      ['2026-05-31', null, 'not_held', null, 'not_held'],
      ['2026-06-01', 48, 'actual', null, 'not_held'],
      ['2026-06-02', 48, 'actual', null, 'not_held'],
      ['2026-06-03', 48, 'actual', null, 'not_held'],
    ]);
    expect(dayB!.totals).toMatchObject({ value: 144, lastYear: null, missingIntervals: 0 });

    // Hour by hour, and by month: the move day splits exactly at local midnight.
    const { body: hourB } = await series(b.cookie, meter, `${range}&resolution=hour`);
    expect(hourB!.points.filter((p) => p.value !== null)).toHaveLength(72);
    expect(hourB!.points.find((p) => p.value !== null)!.label).toBe('2026-06-01T00:00');
    expect(hourB!.points.every((p) => p.lastYear === null)).toBe(true);
    const { body: hourA } = await series(a.cookie, meter, `${range}&resolution=native`);
    expect(hourA!.points.filter((p) => p.value !== null).map((p) => p.label).at(-1)).toBe('2026-05-31T23:00');
    const { body: monthA } = await series(a.cookie, meter, 'from=2026-05-01&to=2026-06-30&resolution=month');
    expect(monthA!.points.map((p) => [p.label, p.value, p.quality])).toEqual([['2026-05', 48, 'incomplete'], ['2026-06', null, 'not_held']]);
    const { body: monthB } = await series(b.cookie, meter, 'from=2026-05-01&to=2026-06-30&resolution=month');
    expect(monthB!.points.map((p) => [p.label, p.value, p.quality])).toEqual([['2026-05', null, 'not_held'], ['2026-06', 144, 'incomplete']]);
    expect(monthB!.points[1]!.intervals).toBe(30 * 24);
  });

  it('exports to each holder only the days of their own tenure, as CSV and as Green Button', async () => {
    const { meter, a, b } = await moveBetweenTwoCustomers();
    const csvDays = async (cookie: string) => {
      const lines = (await (await get(`/api/usage/meters/${meter}/export.csv?from=2026-05-30&to=2026-06-03`, cookie)).text()).trim().split('\r\n').slice(1);
      return [...new Set(lines.map((l) => l.split(',')[3]!.slice(0, 10)))];
    };
    expect(await csvDays(a.cookie)).toEqual(['2026-05-30', '2026-05-31']);
    expect(await csvDays(b.cookie)).toEqual(['2026-06-01', '2026-06-02', '2026-06-03']);
    const blocks = async (cookie: string) => [...(await (await get(`/api/usage/meters/${meter}/export.xml?from=2026-05-30&to=2026-06-03`, cookie)).text()).matchAll(/<title>Reads for (\d{4}-\d{2}-\d{2})<\/title>/g)].map((m) => m[1]);
    expect(await blocks(a.cookie)).toEqual(['2026-05-30', '2026-05-31']);
    expect(await blocks(b.cookie)).toEqual(['2026-06-01', '2026-06-02', '2026-06-03']);
    // A range wholly outside the caller's tenure exports no reads at all.
    expect(await (await get(`/api/usage/meters/${meter}/export.csv?from=2025-05-30&to=2025-06-03`, b.cookie)).text()).toBe('meter_id,interval_start,interval_end,local_start,value,unit,quality\r\n');
  });

  it('tells whoever acts on reads (alerts) which account held the meter on a day', async () => {
    const { meter, a, b } = await moveBetweenTwoCustomers();
    expect(await holderOn(env.DB, meter, '2025-06-01')).toBe(a.id);
    expect(await holderOn(env.DB, meter, '2026-05-31')).toBe(a.id);
    expect(await holderOn(env.DB, meter, '2026-06-01')).toBe(b.id);
    expect(await holderOn(env.DB, 'no-such-meter', '2026-06-01')).toBeNull();
  });

  it('clips a range to the days of one or more tenures', () => {
    const twice = [{ from: null, to: '2026-01-31' }, { from: '2026-06-01', to: null }];
    expect(visibleSpan(twice, '2025-12-01', '2026-03-31')).toEqual({ from: '2025-12-01', to: '2026-01-31' });
    expect(visibleSpan(twice, '2026-02-01', '2026-05-31')).toBeNull();
    expect(visibleSpan(twice, '2026-01-15', '2026-06-15')).toEqual({ from: '2026-01-15', to: '2026-06-15' });
    expect([withinTenure(twice, '2026-01-31'), withinTenure(twice, '2026-02-01'), withinTenure(twice, '2026-06-01')]).toEqual([true, false, true]);
    expect(visibleSpan([], '2026-01-01', '2026-01-31')).toBeNull();
  });

  it("puts only each holder's own days in their access package", async () => {
    const { meter, a, b } = await moveBetweenTwoCustomers();
    const usageDays = async (accountId: string) => {
      const pkg = await buildAccessPackage(env.DB, usageShards(env), { accountId, loginIds: [], emails: [] }, 'req-test');
      const rows = pkg.tables.find((t) => t.table === 'usage_days')!.rows;
      expect(rows.every((r) => r.meter_id === meter)).toBe(true);
      return { days: rows.map((r) => r.day), tenures: pkg.tables.find((t) => t.table === 'service_point_tenures')!.rows, meters: pkg.tables.find((t) => t.table === 'meters')!.rowCount };
    };
    const ofA = await usageDays(a.id);
    expect(ofA.days).toEqual([...eachDay('2025-05-30', '2025-06-03'), '2026-05-30', '2026-05-31']);
    expect(ofA.tenures).toEqual([expect.objectContaining({ start_day: null, end_day: '2026-05-31' })]);
    expect(ofA.meters).toBe(1);
    const ofB = await usageDays(b.id);
    expect(ofB.days).toEqual(eachDay('2026-06-01', '2026-06-03'));
    expect(ofB.tenures).toEqual([expect.objectContaining({ start_day: '2026-06-01', end_day: null })]);
  });
});

describe('the demo move', () => {
  it('hands sp-0012 from acct-0012 to acct-0301 on the move-in day, with bills and reads to match', async () => {
    const loaded = await env.DB.prepare("SELECT count(*) AS n FROM accounts WHERE id = 'acct-0001'").first<{ n: number }>();
    if (loaded!.n === 0) {
      const statements = demoStatements(drizzle(env.DB));
      for (let i = 0; i < statements.length; i += 200) {
        const chunk = statements.slice(i, i + 200);
        await drizzle(env.DB).batch(chunk as [(typeof chunk)[0], ...typeof chunk]);
      }
    }
    const tenures = await env.DB.prepare("SELECT account_id AS accountId, start_day AS startDay, end_day AS endDay FROM service_point_tenures WHERE service_point_id = 'sp-0012' ORDER BY id").all();
    expect(tenures.results).toEqual([
      { accountId: 'acct-0012', startDay: null, endDay: '2026-08-31' },
      { accountId: 'acct-0301', startDay: '2026-09-01', endDay: null },
    ]);
    const bills = await env.DB.prepare("SELECT account_id AS a, min(period_start) AS first, max(period_end) AS last FROM bills WHERE account_id IN ('acct-0012', 'acct-0301') GROUP BY a ORDER BY a").all();
    expect(bills.results).toEqual([
      { a: 'acct-0012', first: '2024-11-01', last: '2026-08-31' },
      { a: 'acct-0301', first: '2026-09-01', last: '2026-10-31' },
    ]);

    // Reads around the move, generated as the demo loader does, written through the real write path.
    const meter = demoMeters(demoAccounts(seededRandom(DEMO_SEED))).find((m) => m.id === 'mtr-w-0012')!;
    const days = eachDay('2026-08-30', '2026-09-02');
    const generated = demoMeterDays(meter, days, DEMO_SEED);
    await writeDays(usageShards(env), generated.map((d) => ({ meterId: meter.id, day: d.day, vals: d.vals, quality: d.quality, kind: 'water', serviceArea: meter.serviceArea, household: null, baseFactor: 1 })));
    const before = await signedIn({ holderOf: [DEMO_MOVE.former.accountId] });
    const after = await signedIn({ holderOf: [DEMO_MOVE.newcomer.id] });
    const seen = async (cookie: string) => (await series(cookie, meter.id, 'from=2026-08-30&to=2026-09-02&resolution=day')).body!.points.map((p) => (p.quality === 'not_held' ? null : p.label));
    expect(await seen(before.cookie)).toEqual(['2026-08-30', '2026-08-31', null, null]);
    expect(await seen(after.cookie)).toEqual([null, null, '2026-09-01', '2026-09-02']);
    type Listed = { meters: { id: string; tenure: unknown[] }[] };
    expect((await (await get('/api/usage/meters', after.cookie)).json<Listed>()).meters.map((m) => m.id)).toEqual(['mtr-e-0012', 'mtr-w-0012']);
  });
});
