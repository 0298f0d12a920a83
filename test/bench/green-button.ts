/**
 * Green Button ingest benchmark (`npm run bench`, or `tsx test/bench/green-button.ts`): the same
 * reads sent as Green Button XML and as JSON, side by side in one run, through the whole portal
 * under `wrangler dev` (signed ingest API, real local D1, the alert queue as in production).
 *
 * Each format gets fresh meters of its own (15-minute electric, so both write the same new day
 * rows), and batches alternate JSON, XML, JSON, XML… so neither gains from a warmer database.
 * A batch is one meter's 60 days (5,760 reads; the JSON stays under the API's 1 MiB), and the XML is
 * what the portal's own exporter (greenButtonFeed) writes for those days. Last, one 13-month file
 * of one meter (the size a meter-data system exports, over 1 MiB, so XML only).
 */
import './first-tenant';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_SEED } from '../../db/demo/dataset';
import { generateMeterDays, dayTotal } from '../../db/demo/usage';
import { ingestAudience } from '../../worker/ingest/auth';
import { signClientAssertion } from '../../worker/ingest/client-assertion';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import { greenButtonFeed, intervalsOf } from '../../worker/usage/export';
import type { MeterContext } from '../../worker/usage/meters';
import type { StoredDay } from '../../worker/usage/store';
import { eachDay } from '../../worker/usage/time';
import { startPortal, type RunningPortal } from '../support/portal-server';

const BATCHES_PER_FORMAT = 5;
const BATCH_DAYS = eachDay('2026-06-01', '2026-07-30');
const YEAR_DAYS = eachDay('2025-10-01', '2026-10-31');

type Portal = RunningPortal & { client: { clientId: string; privateJwk: Record<string, string> } };

async function post(portal: Portal, body: string, contentType: string, query = '') {
  const url = `${portal.origin}/api/ingest/batches${query}`;
  const token = await signClientAssertion({ privateJwk: portal.client.privateJwk, clientId: portal.client.clientId, audience: ingestAudience(portal.origin), method: 'POST', url, body: new TextEncoder().encode(body) });
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': contentType, Authorization: `Bearer ${token}` }, body });
  const answer = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 201) throw new Error(`batch refused: ${res.status} ${answer.slice(0, 2000)}`);
  return { ms, summary: (JSON.parse(answer) as { summary: { reads: number; meterDays: number } }).summary };
}

const contextOf = (id: string): MeterContext => ({ id, accountId: `acct-${id}`, kind: 'electric', unit: 'kWh', intervalMinutes: 15, serialNumber: `SN-${id}`, serviceArea: 'Alder Creek (city)', street: '1 Bench Street', timeZone: utility.timeZone, household: null });

/** Demo-shaped reads of a meter, in whole Wh (what ESPI carries at 10^0), as stored days. */
function daysOf(accountIndex: number, days: string[]): StoredDay[] {
  return generateMeterDays({ kind: 'electric', intervalMinutes: 15, accountIndex, serviceArea: 'Alder Creek (city)' }, days, DEMO_SEED).map((d) => {
    const vals = d.vals.map((v) => (v === null ? null : Math.round(v * 1000) / 1000));
    return { day: d.day, vals, quality: d.quality, total: dayTotal(vals, 'electric'), missing: 0, estimated: 0 };
  });
}

/** The same reads as a JSON batch: one row per interval the feed carries (missing ones are left out of both). */
function jsonBatch(batchId: string, meter: MeterContext, days: StoredDay[]) {
  const reads = intervalsOf(meter, days, days[0]!.day, days.at(-1)!.day).flatMap((d) =>
    d.intervals.filter((i) => i.value !== null).map((i) => ({ meterId: meter.id, start: new Date(i.start).toISOString(), value: i.value, quality: i.quality })),
  );
  return JSON.stringify({ batchId, reads });
}

type Tally = { batches: number; reads: number; bytes: number; ms: number };
const add = (t: Tally, reads: number, bytes: number, ms: number) => ({ batches: t.batches + 1, reads: t.reads + reads, bytes: t.bytes + bytes, ms: t.ms + ms });
const figures = (t: Tally) => ({ ...t, ms: Math.round(t.ms), readsPerSecond: Math.round(t.reads / (t.ms / 1000)), msPerBatch: Math.round(t.ms / t.batches), kbPerBatch: Math.round(t.bytes / t.batches / 1024) });

export async function bench(): Promise<Record<string, unknown>> {
  const running = await startPortal();
  const portal: Portal = { ...running, client: JSON.parse(readFileSync(join(running.persistTo, 'demo-ingest-client.json'), 'utf8')) };
  try {
    // Fresh meters for each format, and one for the 13-month file.
    const ids = { json: [] as string[], xml: [] as string[], year: 'mtr-bench-gb-year' };
    for (let i = 0; i < BATCHES_PER_FORMAT; i++) ids.json.push(`mtr-bench-json-${i}`), ids.xml.push(`mtr-bench-gb-${i}`);
    const all = [...ids.json, ...ids.xml, ids.year];
    await post(
      portal,
      JSON.stringify({
        batchId: `bench-gb-setup-${Date.now()}`,
        accounts: all.map((m, i) => ({ id: `acct-${m}`, accountNumber: `BENCH-${i}`, holderName: 'Bench Holder' })),
        servicePoints: all.map((m) => ({ id: `sp-${m}`, accountId: `acct-${m}`, street: '1 Bench Street', city: 'Alder Creek', region: 'CA', postalCode: '95990', serviceArea: 'Alder Creek (city)' })),
        meters: all.map((m) => ({ id: m, servicePointId: `sp-${m}`, serialNumber: `SN-${m}`, kind: 'electric', unit: 'kWh', intervalMinutes: 15, installedOn: '2025-01-01' })),
      }),
      'application/json',
    );

    let json: Tally = { batches: 0, reads: 0, bytes: 0, ms: 0 };
    let xml: Tally = { batches: 0, reads: 0, bytes: 0, ms: 0 };
    for (let i = 0; i < BATCHES_PER_FORMAT; i++) {
      const days = daysOf(10 + i, BATCH_DAYS);
      const jsonBody = jsonBatch(`bench-json-${i}`, contextOf(ids.json[i]!), days);
      const xmlBody = await greenButtonFeed({ meter: contextOf(ids.xml[i]!), days, from: days[0]!.day, to: days.at(-1)!.day, origin: portal.origin, utilityName: utility.name });
      const j = await post(portal, jsonBody, 'application/json');
      const x = await post(portal, xmlBody, 'application/atom+xml', `?batchId=bench-gb-${i}&meterId=${ids.xml[i]}`);
      if (j.summary.reads !== x.summary.reads) throw new Error(`the two formats carried different reads: ${j.summary.reads} JSON, ${x.summary.reads} XML`);
      json = add(json, j.summary.reads, jsonBody.length, j.ms);
      xml = add(xml, x.summary.reads, xmlBody.length, x.ms);
    }

    const yearDays = daysOf(42, YEAR_DAYS);
    const yearBody = await greenButtonFeed({ meter: contextOf(ids.year), days: yearDays, from: yearDays[0]!.day, to: yearDays.at(-1)!.day, origin: portal.origin, utilityName: utility.name });
    const year = await post(portal, yearBody, 'application/atom+xml', `?batchId=bench-gb-year&meterId=${ids.year}`);

    const result = {
      json: figures(json),
      greenButton: figures(xml),
      thirteenMonthFile: { reads: year.summary.reads, meterDays: year.summary.meterDays, kb: Math.round(yearBody.length / 1024), ms: Math.round(year.ms), readsPerSecond: Math.round(year.summary.reads / (year.ms / 1000)) },
      note: `${BATCHES_PER_FORMAT} batches per format of one 15-minute meter's 60 days (the same reads in both), alternating; time from the signed POST to the 201 answer; then one 13-month Green Button file (JSON would need several 1 MiB batches)`,
    };
    console.log(JSON.stringify({ 'green-button': result }, null, 2));
    return {
      jsonReadsPerSecond: result.json.readsPerSecond,
      greenButtonReadsPerSecond: result.greenButton.readsPerSecond,
      jsonMsPerBatch: result.json.msPerBatch,
      greenButtonMsPerBatch: result.greenButton.msPerBatch,
      jsonKbPerBatch: result.json.kbPerBatch,
      greenButtonKbPerBatch: result.greenButton.kbPerBatch,
      thirteenMonthFileReads: result.thirteenMonthFile.reads,
      thirteenMonthFileKb: result.thirteenMonthFile.kb,
      thirteenMonthFileMs: result.thirteenMonthFile.ms,
      detail: result,
    };
  } finally {
    await portal.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
