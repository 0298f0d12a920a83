/**
 * Writes Green Button feeds made by the portal's own exporter from demo reads, for schema
 * validation outside the worker (.ci/run runs xmllint on them against ../shared/espi/feed.xsd).
 *   tsx test/support/green-button-sample.ts OUTPUT_DIR
 * Covers an hourly water meter and a 15-minute electric meter over both DST changes of 2026, as
 * Download My Data feeds and as every Connect My Data resource (worker/connect-my-data/espi.ts:
 * batch, UsagePoint, MeterReading, ReadingType, IntervalBlock, LocalTimeParameters, UsageSummary,
 * Authorization, each as a feed or an entry) plus a notification's BatchList.
 */
import { DEFAULT_TENANT } from '../../worker/tenants/registry';
import { inTenant } from '../../worker/tenants/scope';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateMeterDays, dayTotal } from '../../db/demo/usage';
import { DEMO_SEED } from '../../db/demo/dataset';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import type { MeterContext } from '../../worker/usage/meters';
import { greenButtonFeed } from '../../worker/usage/export';
import { eachDay } from '../../worker/usage/time';
import { espiResource, parseEspiPath, type EspiSource } from '../../worker/connect-my-data/espi';
import { batchListXml } from '../../worker/connect-my-data/notify';
import { parseScope } from '../../worker/connect-my-data/scope';
import type { StoredDay } from '../../worker/usage/store';

const out = process.argv[2] ?? '.bench/green-button';
mkdirSync(out, { recursive: true });
const from = '2026-03-07';
const to = '2026-11-02';
const days = eachDay(from, to);
const samples: { meter: MeterContext }[] = [
  { meter: { id: 'mtr-w-0007', accountId: 'acct-0007', kind: 'water', unit: 'gal', intervalMinutes: 60, serialNumber: 'W70000007', serviceArea: 'Alder Creek (city)', street: '1 Sample Street', timeZone: utility.timeZone, household: null } },
  { meter: { id: 'mtr-e-0008', accountId: 'acct-0008', kind: 'electric', unit: 'kWh', intervalMinutes: 15, serialNumber: 'E50000008', serviceArea: 'Alder Creek (city)', street: '2 Sample Street', timeZone: utility.timeZone, household: null } },
];
const origin = 'https://portal.aldercreek-utility.example';
// The samples are Alder Creek's: everything below runs as that utility, as one of its requests would.
await inTenant(DEFAULT_TENANT, async () => {
for (const { meter } of samples) {
  const generated = generateMeterDays({ kind: meter.kind as 'water' | 'electric', intervalMinutes: meter.intervalMinutes, accountIndex: 7, serviceArea: meter.serviceArea }, days, DEMO_SEED);
  const stored = generated.map((d) => ({ ...d, total: dayTotal(d.vals, meter.kind as 'water' | 'electric'), missing: [...d.quality].filter((q) => q === 'M' || q === '-').length, estimated: [...d.quality].filter((q) => q === 'E').length }));
  const xml = await greenButtonFeed({ meter, days: stored, from, to, origin: 'https://portal.aldercreek-utility.example', utilityName: utility.name });
  const file = join(out, `green-button-${meter.id}.xml`);
  writeFileSync(file, xml);
  console.log(file);
  await connectMyDataSamples(meter, stored);
}
});

/** Every Connect My Data resource of one meter, through the same code the worker serves them with. */
async function connectMyDataSamples(meter: MeterContext, stored: StoredDay[]) {
  const source: EspiSource = {
    meter: async () => meter,
    tenure: async () => [{ from: null, to: null }],
    days: async (_id, a, b) => stored.filter((d) => d.day >= a && d.day <= b),
    dayTotals: async (_id, a, b) => stored.filter((d) => d.day >= a && d.day <= b),
    billPeriods: async () => [{ start: '2026-09-01', end: '2026-09-30' }, { start: '2026-10-01', end: '2026-10-31' }],
    utilityName: async () => utility.name,
  };
  const authorization = { id: '0d9c5a6e-1f2b-4c3d-8e4f-5a6b7c8d9e0f', applicationId: 'app', accountId: meter.accountId, grantedBy: 'login', subscriptionId: 'sub-sample', scope: 'FB=1_4_5_16;IntervalDuration=900;HistoryLength=34128000', meterIds: JSON.stringify([meter.id]), dataFrom: from, createdAt: '2026-11-02T10:00:00.000Z', endsAt: '2027-11-02T08:00:00.000Z', endedAt: null, endedBy: null };
  const access = { authorization, meterIds: [meter.id], scope: parseScope(authorization.scope)!, application: { name: 'Sample application' } };
  const now = new Date('2026-11-03T12:00:00Z');
  const up = (await espiResource({ source, access, path: parseEspiPath('Subscription/sub-sample/UsagePoint')!, origin, now }))!.xml.match(/UsagePoint\/([0-9a-f]{8})"/)![1]!;
  const rt = `${up.slice(0, 8)}`;
  const paths: Record<string, string> = {
    batch: 'Batch/Subscription/sub-sample',
    'usage-points': 'Subscription/sub-sample/UsagePoint',
    'usage-point': `Subscription/sub-sample/UsagePoint/${up}`,
    'meter-readings': `Subscription/sub-sample/UsagePoint/${up}/MeterReading`,
    'meter-reading': `Subscription/sub-sample/UsagePoint/${up}/MeterReading/1`,
    'interval-blocks': `Subscription/sub-sample/UsagePoint/${up}/MeterReading/1/IntervalBlock`,
    'interval-block': `Subscription/sub-sample/UsagePoint/${up}/MeterReading/1/IntervalBlock/20261101`,
    'usage-summaries': `Subscription/sub-sample/UsagePoint/${up}/UsageSummary`,
    'local-time': `LocalTimeParameters/${rt}`,
    'reading-type': `ReadingType/${rt}-${meter.unit}-${meter.intervalMinutes}`,
    authorization: `Authorization/${authorization.id}`,
  };
  for (const [name, path] of Object.entries(paths)) {
    const answer = await espiResource({ source, access, path: parseEspiPath(path)!, origin, now, range: { to: to } });
    if (!answer) throw new Error(`connect my data sample: ${path} answered nothing`);
    const cmdFile = join(out, `connect-${meter.kind}-${name}.xml`);
    writeFileSync(cmdFile, answer.xml);
    console.log(cmdFile);
  }
  const notice = join(out, `connect-${meter.kind}-batch-list.xml`);
  writeFileSync(notice, batchListXml([`${origin}/api/espi/1_1/resource/Batch/Subscription/sub-sample`]));
  console.log(notice);
}
