/**
 * Writes Green Button feeds made by the portal's own exporter from demo reads, for schema
 * validation outside the worker (.ci/run runs xmllint on them against ../shared/espi/feed.xsd).
 *   tsx test/support/green-button-sample.ts OUTPUT_DIR
 * Covers an hourly water meter and a 15-minute electric meter over both DST changes of 2026.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateMeterDays, dayTotal } from '../../db/demo/usage';
import { DEMO_SEED } from '../../db/demo/dataset';
import { utility } from '../../worker/shared/utility';
import type { MeterContext } from '../../worker/usage/meters';
import { greenButtonFeed } from '../../worker/usage/export';
import { eachDay } from '../../worker/usage/time';

const out = process.argv[2] ?? '.bench/green-button';
mkdirSync(out, { recursive: true });
const from = '2026-03-07';
const to = '2026-11-02';
const days = eachDay(from, to);
const samples: { meter: MeterContext }[] = [
  { meter: { id: 'mtr-w-0007', accountId: 'acct-0007', kind: 'water', unit: 'gal', intervalMinutes: 60, serialNumber: 'W70000007', serviceArea: 'Alder Creek (city)', street: '1 Sample Street', timeZone: utility.timeZone, household: null } },
  { meter: { id: 'mtr-e-0008', accountId: 'acct-0008', kind: 'electric', unit: 'kWh', intervalMinutes: 15, serialNumber: 'E50000008', serviceArea: 'Alder Creek (city)', street: '2 Sample Street', timeZone: utility.timeZone, household: null } },
];
for (const { meter } of samples) {
  const generated = generateMeterDays({ kind: meter.kind as 'water' | 'electric', intervalMinutes: meter.intervalMinutes, accountIndex: 7, serviceArea: meter.serviceArea }, days, DEMO_SEED);
  const stored = generated.map((d) => ({ ...d, total: dayTotal(d.vals, meter.kind as 'water' | 'electric'), missing: [...d.quality].filter((q) => q === 'M' || q === '-').length, estimated: [...d.quality].filter((q) => q === 'E').length }));
  const xml = await greenButtonFeed({ meter, days: stored, from, to, origin: 'https://portal.aldercreek-utility.example', utilityName: utility.name });
  const file = join(out, `green-button-${meter.id}.xml`);
  writeFileSync(file, xml);
  console.log(file);
}
