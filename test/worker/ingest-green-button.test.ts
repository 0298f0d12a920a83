import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { MAX_GREEN_BUTTON_BYTES } from '../../worker/ingest/green-button';
import { greenButtonFeed } from '../../worker/usage/export';
import type { MeterContext } from '../../worker/usage/meters';
import { usageShards } from '../../worker/usage/shards';
import { readDays } from '../../worker/usage/store';
import { daySlots, eachDay } from '../../worker/usage/time';
import { uniqueId } from './support/sign-in';
import { dayRow, givenIngestClient, givenMeter, givenReads, sendBatch, TZ, type GivenMeter, type TestClient } from './support/usage-fixtures';

type Rejection = { error: { code: string; message: string; fields?: { field: string; message: string }[] } };
const XML = 'application/atom+xml';
const everything = [{ from: null, to: null }];

const contextOf = (m: GivenMeter): MeterContext => ({ id: m.meterId, accountId: m.accountId, kind: m.kind, unit: m.unit, intervalMinutes: m.intervalMinutes, serialNumber: 'SN', serviceArea: m.serviceArea, street: '1 Test Street', timeZone: TZ, household: null });

async function exported(m: GivenMeter, from: string, to: string) {
  const { days } = await readDays(usageShards(env), m.meterId, from, to, everything);
  return greenButtonFeed({ meter: contextOf(m), days, from, to, origin: 'https://portal.test', utilityName: 'Test Utility' });
}

/** What a meter holds, comparable across meters: per day the values, and which were actual or estimated (missing and never read alike). */
async function holdings(meterId: string, from: string, to: string) {
  const { days } = await readDays(usageShards(env), meterId, from, to, everything);
  return days.map((d) => ({ day: d.day, vals: d.vals, quality: d.quality.replaceAll('M', '-'), total: d.total }));
}

const sendXml = (client: TestClient, xml: string, query: string) => sendBatch(client, xml, { contentType: XML, query });

// ---------------------------------------------------------------- a small hand-written feed

type Reading = { start: number; duration?: number; value?: string; quality?: string };
type Point = { name?: string; serviceKind?: number; readingType?: Record<string, string | number>; readings: Reading[]; espiNs?: string };
const hourStart = (iso: string) => Date.parse(iso) / 1000;

/** A Download My Data feed as a meter-data system writes one: pretty-printed, espi prefix, relative ids. */
function feed(points: Point[], options: { ltp?: { tzOffset: number; dstOffset: number } } = {}) {
  const base = 'https://mdm.example/DataCustodian/espi/1_1/resource';
  const entries: string[] = [];
  if (options.ltp) {
    entries.push(`  <entry>
    <id>urn:uuid:00000000-0000-0000-0000-00000000000a</id>
    <link rel="self" href="${base}/LocalTimeParameters/1"/>
    <content>
      <espi:LocalTimeParameters>
        <espi:dstEndRule>B40E2000</espi:dstEndRule>
        <espi:dstOffset>${options.ltp.dstOffset}</espi:dstOffset>
        <espi:dstStartRule>360E2000</espi:dstStartRule>
        <espi:tzOffset>${options.ltp.tzOffset}</espi:tzOffset>
      </espi:LocalTimeParameters>
    </content>
  </entry>`);
  }
  points.forEach((p, n) => {
    const up = `${base}/Subscription/9/UsagePoint/${n + 1}`;
    const ns = p.espiNs ? ` xmlns:espi="${p.espiNs}"` : '';
    const rt = { accumulationBehaviour: 4, commodity: 1, flowDirection: 1, intervalLength: 3600, kind: 12, powerOfTenMultiplier: 0, uom: 72, ...p.readingType };
    entries.push(`  <entry>
    <id>urn:uuid:00000000-0000-0000-0000-0000000001${n}0</id>
    <link rel="self" href="${up}"/>
    <link rel="related" href="${up}/MeterReading"/>
    <link rel="related" href="${base}/LocalTimeParameters/1"/>
    <title>Point ${n + 1}</title>
    <content>
      <espi:UsagePoint${ns}>
        <espi:ServiceCategory><espi:kind>${p.serviceKind ?? 0}</espi:kind></espi:ServiceCategory>
        ${p.name ? `<espi:serviceDeliveryPoint><espi:name>${p.name}</espi:name></espi:serviceDeliveryPoint>` : ''}
      </espi:UsagePoint>
    </content>
  </entry>
  <entry>
    <id>urn:uuid:00000000-0000-0000-0000-0000000001${n}1</id>
    <link rel="self" href="${up}/MeterReading/1"/>
    <link rel="up" href="${up}/MeterReading"/>
    <link rel="related" href="${up}/MeterReading/1/IntervalBlock"/>
    <link rel="related" href="${base}/ReadingType/${n + 1}"/>
    <content><espi:MeterReading/></content>
  </entry>
  <entry>
    <id>urn:uuid:00000000-0000-0000-0000-0000000001${n}2</id>
    <link rel="self" href="${base}/ReadingType/${n + 1}"/>
    <content>
      <espi:ReadingType>
${Object.entries(rt)
  .map(([k, v]) => `        <espi:${k}>${v}</espi:${k}>`)
  .join('\n')}
      </espi:ReadingType>
    </content>
  </entry>
  <entry>
    <id>urn:uuid:00000000-0000-0000-0000-0000000001${n}3</id>
    <link rel="self" href="${up}/MeterReading/1/IntervalBlock/1"/>
    <link rel="up" href="${up}/MeterReading/1/IntervalBlock"/>
    <content>
      <espi:IntervalBlock>
        <espi:interval><espi:duration>86400</espi:duration><espi:start>${p.readings[0]?.start ?? 0}</espi:start></espi:interval>
${p.readings
  .map(
    (r) => `        <espi:IntervalReading>
          ${r.quality ? `<espi:ReadingQuality><espi:quality>${r.quality}</espi:quality></espi:ReadingQuality>` : ''}
          <espi:timePeriod><espi:duration>${r.duration ?? 3600}</espi:duration><espi:start>${r.start}</espi:start></espi:timePeriod>
          ${r.value === undefined ? '' : `<espi:value>${r.value}</espi:value>`}
        </espi:IntervalReading>`,
  )
  .join('\n')}
      </espi:IntervalBlock>
    </content>
  </entry>`);
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi">
  <id>urn:uuid:00000000-0000-0000-0000-000000000001</id>
  <title>Green Button Download My Data</title>
  <updated>2026-11-01T00:00:00Z</updated>
${entries.join('\n')}
</feed>
`;
}

/** Hourly reads of one utility-local day (24 on an ordinary day). */
const hours = (day: string, value: (i: number) => string | undefined, extra: Partial<Reading> = {}) => {
  const slots = daySlots(day, TZ, 60);
  return Array.from({ length: slots.count }, (_, i) => ({ start: slots.start / 1000 + i * 3600, value: value(i), ...extra }));
};

async function refused(res: Response, status = 422) {
  expect(res.status).toBe(status);
  const body = await res.json<Rejection>();
  return body.error;
}

describe('Green Button ingest', () => {
  it('round-trips the exporter: a 15-minute electric meter over the fall-back day, over 1 MiB, lands with the same reads', async () => {
    const client = await givenIngestClient();
    const source = await givenMeter({ kind: 'electric', intervalMinutes: 15 });
    const target = await givenMeter({ kind: 'electric', intervalMinutes: 15 });
    const days = eachDay('2026-09-10', '2026-11-08');
    // Values in whole Wh (what ESPI carries for kWh at 10^0); some estimated, some missing.
    await givenReads(
      source,
      days,
      (day, slot) => (slot % 97 === 13 ? null : (((Number(day.slice(8)) * 7 + slot * 13) % 900) + 50) / 1000),
      (_, slot) => (slot % 50 === 7 ? 'E' : 'A'),
    );
    const xml = await exported(source, days[0]!, days.at(-1)!);
    expect(xml.length).toBeGreaterThan(1024 * 1024);
    const batchId = uniqueId('gb');
    const res = await sendXml(client, xml, `?batchId=${batchId}&meterId=${target.meterId}`);
    expect(res.status).toBe(201);
    const body = await res.json<{ status: string; summary: { reads: number; meterDays: number } }>();
    expect(body.status).toBe('applied');
    expect(body.summary.meterDays).toBe(days.length);
    // The fall-back day has 25 hours: 100 intervals.
    expect((await dayRow(target.meterId, '2026-11-01'))!.quality).toHaveLength(100);
    expect(await holdings(target.meterId, days[0]!, days.at(-1)!)).toEqual(await holdings(source.meterId, days[0]!, days.at(-1)!));
    // The same file again changes nothing.
    const again = await sendXml(client, xml, `?batchId=${batchId}&meterId=${target.meterId}`);
    expect(again.status).toBe(200);
    expect((await again.json<{ status: string }>()).status).toBe('already_applied');
  });

  it('round-trips an hourly water meter in gallons (10^-2) over the spring-forward day', async () => {
    const client = await givenIngestClient();
    const source = await givenMeter({ kind: 'water' });
    const target = await givenMeter({ kind: 'water' });
    const days = eachDay('2026-03-06', '2026-03-10');
    await givenReads(source, days, (day, slot) => Math.round(((Number(day.slice(8)) + slot * 3) % 40) * 100 + 37) / 100);
    const xml = await exported(source, days[0]!, days.at(-1)!);
    // Sent as application/xml, as some systems label it.
    const query = `?batchId=${uniqueId('gb')}&meterId=${target.meterId}`;
    const res = await sendBatch(client, xml, { contentType: 'application/xml; charset=utf-8', query });
    expect(res.status).toBe(201);
    expect((await dayRow(target.meterId, '2026-03-08'))!.quality).toHaveLength(23);
    expect(await holdings(target.meterId, days[0]!, days.at(-1)!)).toEqual(await holdings(source.meterId, days[0]!, days.at(-1)!));
    // The same batch id for another file is refused, and changes nothing.
    const other = await sendBatch(client, xml.replace(/<espi:value>\d+<\/espi:value>/, '<espi:value>1</espi:value>'), { contentType: 'text/xml', query });
    expect(other.status).toBe(409);
    expect((await other.json<Rejection>()).error.code).toBe('batch_id_reused');
    expect(await holdings(target.meterId, days[0]!, days.at(-1)!)).toEqual(await holdings(source.meterId, days[0]!, days.at(-1)!));
  });

  it('reads a meter-data system file of several UsagePoints named by serviceDeliveryPoint, with units, multipliers and qualities converted', async () => {
    const client = await givenIngestClient();
    const electric = await givenMeter({ kind: 'electric', intervalMinutes: 60 });
    const water = await givenMeter({ kind: 'water' });
    const day = '2026-10-05';
    const xml = feed(
      [
        { name: electric.meterId, readings: hours(day, (i) => String(1000 + i)) },
        // m³ at 10^-3 (litres) into a gallon meter; hour 3 estimated (8), hour 4 has no value (missing).
        { name: water.meterId, serviceKind: 2, readingType: { uom: 42, powerOfTenMultiplier: -3, kind: 58, commodity: 9 }, readings: hours(day, (i) => (i === 4 ? undefined : '1000')).map((r, i) => (i === 3 ? { ...r, quality: '8' } : r)) },
      ],
      { ltp: { tzOffset: -28800, dstOffset: 3600 } },
    );
    // What real exports also carry is passed over: comments, other ESPI resources, costs, tiers, CDATA.
    const extra = `  <!-- generated by the MDM -->
  <entry>
    <link rel="self" href="https://mdm.example/DataCustodian/espi/1_1/resource/Subscription/9/UsagePoint/1/ElectricPowerUsageSummary/1"/>
    <title><![CDATA[Summary & totals]]></title>
    <content><espi:ElectricPowerUsageSummary><espi:billingPeriod><espi:duration>2592000</espi:duration><espi:start>1780000000</espi:start></espi:billingPeriod></espi:ElectricPowerUsageSummary></content>
  </entry>
</feed>`;
    const realistic = xml.replace('</feed>', extra).replaceAll('<espi:timePeriod>', '<espi:cost>1200</espi:cost><espi:consumptionTier>1</espi:consumptionTier><espi:timePeriod>');
    const res = await sendXml(client, realistic, `?batchId=${uniqueId('gb')}`);
    expect(res.status).toBe(201);
    expect((await res.json<{ summary: { reads: number } }>()).summary.reads).toBe(48);
    const e = (await dayRow(electric.meterId, day))!;
    expect(JSON.parse(e.vals as string)[0]).toBe(1);
    expect(JSON.parse(e.vals as string)[23]).toBe(1.023);
    const w = (await dayRow(water.meterId, day))!;
    expect(JSON.parse(w.vals as string)[0]).toBe(264.172);
    expect(w.quality).toBe('AAAEM' + 'A'.repeat(19));
  });

  describe('refuses, naming what is at fault, and writes nothing', () => {
    const day = '2026-10-06';
    async function setUp() {
      const client = await givenIngestClient();
      const meter = await givenMeter({ kind: 'electric', intervalMinutes: 60 });
      return { client, meter };
    }
    const nothingWritten = async (meterId: string) => expect(await dayRow(meterId, day)).toBeNull();

    it('XML that is not well-formed, with its line', async () => {
      const { client, meter } = await setUp();
      const xml = feed([{ name: meter.meterId, readings: hours(day, () => '5') }]).replace('</espi:ReadingType>', '</espi:ReadingTyp>');
      const error = await refused(await sendXml(client, xml, `?batchId=${uniqueId('gb')}`));
      expect(error.fields![0]!.field).toMatch(/^\(body\) \(line \d+\)$/);
      expect(error.fields![0]!.message).toMatch(/not well-formed/);
      await nothingWritten(meter.meterId);
      for (const garbage of ['', 'not xml at all', '<feed xmlns="http://www.w3.org/2005/Atom">', '\u0000\u0001']) {
        expect((await sendXml(client, garbage, `?batchId=${uniqueId('gb')}`)).status).toBe(422);
      }
    });

    it('a root that is not an Atom feed, and ESPI resources in another namespace', async () => {
      const { client, meter } = await setUp();
      const good = feed([{ name: meter.meterId, readings: hours(day, () => '5') }]);
      const notAtom = await refused(await sendXml(client, good.replace('xmlns="http://www.w3.org/2005/Atom"', 'xmlns="http://www.w3.org/2005/Atomic"'), `?batchId=${uniqueId('gb')}`));
      expect(notAtom.fields![0]).toMatchObject({ field: expect.stringMatching(/^feed/), message: expect.stringMatching(/Atom feed/) });
      const wrongEspi = await refused(await sendXml(client, good.replace('xmlns:espi="http://naesb.org/espi"', 'xmlns:espi="http://naesb.org/espi/3"'), `?batchId=${uniqueId('gb')}`));
      expect(wrongEspi.fields![0]!.field).toMatch(/^UsagePoint \(line \d+\)$/);
      expect(wrongEspi.fields![0]!.message).toMatch(/http:\/\/naesb.org\/espi\/3/);
      await nothingWritten(meter.meterId);
    });

    it('a DOCTYPE (no entity is ever expanded)', async () => {
      const { client, meter } = await setUp();
      const xml = feed([{ name: meter.meterId, readings: hours(day, () => '5') }]).replace('<feed', '<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">]>\n<feed');
      const error = await refused(await sendXml(client, xml, `?batchId=${uniqueId('gb')}`));
      expect(error.fields![0]!.message).toMatch(/DOCTYPE/);
      await nothingWritten(meter.meterId);
    });

    it('a ReadingType the meter does not match: unit, interval, multiplier, accumulation, direction', async () => {
      const { client, meter } = await setUp();
      const cases: [Record<string, string | number>, RegExp][] = [
        [{ uom: 128 }, /^ReadingType\.uom \(line \d+\)$/],
        [{ uom: 5 }, /^ReadingType\.uom \(line \d+\)$/],
        [{ intervalLength: 900 }, /^ReadingType\.intervalLength \(line \d+\)$/],
        [{ powerOfTenMultiplier: 5 }, /^ReadingType\.powerOfTenMultiplier \(line \d+\)$/],
        [{ powerOfTenMultiplier: 'x' }, /^ReadingType\.powerOfTenMultiplier \(line \d+\)$/],
        [{ accumulationBehaviour: 1 }, /^ReadingType\.accumulationBehaviour \(line \d+\)$/],
        [{ flowDirection: 19 }, /^ReadingType\.flowDirection \(line \d+\)$/],
      ];
      for (const [readingType, field] of cases) {
        const error = await refused(await sendXml(client, feed([{ name: meter.meterId, readingType, readings: hours(day, () => '5') }]), `?batchId=${uniqueId('gb')}`));
        expect(error.code).toBe('batch_rejected');
        expect(error.fields!.map((f) => f.field)).toContainEqual(expect.stringMatching(field));
      }
      await nothingWritten(meter.meterId);
    });

    it('a UsagePoint naming no meter of the utility, or none at all, and a service kind that is not the meter\'s', async () => {
      const { client, meter } = await setUp();
      const unknown = await refused(await sendXml(client, feed([{ name: 'mtr-nobody', readings: hours(day, () => '5') }]), `?batchId=${uniqueId('gb')}`));
      expect(unknown.fields![0]).toMatchObject({ field: expect.stringMatching(/^UsagePoint\.serviceDeliveryPoint\.name \(line \d+\)$/), message: expect.stringMatching(/no known meter/) });
      const unnamed = await refused(await sendXml(client, feed([{ readings: hours(day, () => '5') }]), `?batchId=${uniqueId('gb')}`));
      expect(unnamed.fields![0]!.field).toMatch(/serviceDeliveryPoint\.name/);
      const water = await refused(await sendXml(client, feed([{ name: meter.meterId, serviceKind: 2, readings: hours(day, () => '5') }]), `?batchId=${uniqueId('gb')}`));
      expect(water.fields![0]!.field).toMatch(/ServiceCategory\.kind/);
      const twoForOne = await refused(await sendXml(client, feed([{ readings: hours(day, () => '5') }, { readings: hours(day, () => '5') }]), `?batchId=${uniqueId('gb')}&meterId=${meter.meterId}`));
      expect(twoForOne.fields![0]!.field).toBe('meterId');
      await nothingWritten(meter.meterId);
    });

    it('readings at fault, each named by its index and line: value, start, duration, negative, duplicate', async () => {
      const { client, meter } = await setUp();
      const readings = hours(day, () => '5');
      readings[2] = { ...readings[2]!, value: '1.5' };
      readings[5] = { ...readings[5]!, duration: 900 };
      readings[7] = { ...readings[7]!, start: readings[7]!.start + 60 };
      readings[9] = { ...readings[9]!, value: '-3' };
      readings[11] = { ...readings[11]!, start: readings[10]!.start };
      const first = await refused(await sendXml(client, feed([{ name: meter.meterId, readings }]), `?batchId=${uniqueId('gb')}`));
      expect(first.fields!.map((f) => f.field)).toEqual([expect.stringMatching(/^reads\[2\]\.value \(line \d+\)$/), expect.stringMatching(/^reads\[5\]\.timePeriod\.duration \(line \d+\)$/)]);
      readings[2] = { ...readings[2]!, value: '5' };
      readings[5] = { ...readings[5]!, duration: 3600 };
      const second = await refused(await sendXml(client, feed([{ name: meter.meterId, readings }]), `?batchId=${uniqueId('gb')}`));
      expect(second.code).toBe('batch_rejected');
      expect(second.fields!.map((f) => f.field).sort()).toEqual([
        expect.stringMatching(/^reads\[11\]\.start \(line \d+\)$/),
        expect.stringMatching(/^reads\[7\]\.start \(line \d+\)$/),
        expect.stringMatching(/^reads\[9\]\.value \(line \d+\)$/),
      ]);
      await nothingWritten(meter.meterId);
    });

    it('a file made for another time zone (LocalTimeParameters)', async () => {
      const { client, meter } = await setUp();
      const error = await refused(await sendXml(client, feed([{ name: meter.meterId, readings: hours(day, () => '5') }], { ltp: { tzOffset: -18000, dstOffset: 3600 } }), `?batchId=${uniqueId('gb')}`));
      expect(error.fields![0]!.field).toMatch(/^LocalTimeParameters\.tzOffset \(line \d+\)$/);
      await nothingWritten(meter.meterId);
    });

    it('a missing batch id, and a file over the Green Button limit (413), while JSON keeps the 1 MiB limit', async () => {
      const { client, meter } = await setUp();
      const xml = feed([{ name: meter.meterId, readings: hours(day, () => '5') }]);
      const noBatch = await refused(await sendXml(client, xml, ''));
      expect(noBatch.fields![0]!.field).toBe('batchId');
      const huge = xml.replace('<feed', `<!-- ${'x'.repeat(MAX_GREEN_BUTTON_BYTES)} -->\n<feed`);
      const tooBig = await refused(await sendXml(client, huge, `?batchId=${uniqueId('gb')}`), 413);
      expect(tooBig.code).toBe('payload_too_large');
      const bigJson = await sendBatch(client, { batchId: uniqueId('gb'), reads: [], note: 'x'.repeat(1024 * 1024) });
      expect(bigJson.status).toBe(413);
      await nothingWritten(meter.meterId);
    });
  });
});
