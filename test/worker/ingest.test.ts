import { env } from 'cloudflare:workers';
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { BatchProblems, checkBatch, parseRows, type RawBatch } from '../../worker/ingest/batch';
import { signClientAssertion } from '../../worker/ingest/client-assertion';
import { usageShards } from '../../worker/usage/shards';
import { localDay } from '../../worker/usage/time';
import { postJson } from './support/accounts';
import { fileRequest, requestBody, staffPost, verifyByEmail } from './support/requests';
import { signedIn, uniqueId } from './support/sign-in';
import { audience, dayRow, get, givenIngestClient, givenMeter, ingestUrl, peerSnapshot, portal, rebuildPeerDays, sendBatch, TZ, type TestClient } from './support/usage-fixtures';

type Rejection = { error: { code: string; message: string; fields?: { field: string; message: string }[] } };

/** A batch that creates one account with a service point, an hourly water meter and a day of reads. */
function newCustomerBatch(options: { serviceArea?: string; day?: string } = {}) {
  const n = uniqueId('x');
  const day = options.day ?? '2026-06-10';
  const dayStart = Date.parse(`${day}T07:00:00Z`);
  return {
    ids: { account: `acct-${n}`, sp: `sp-${n}`, meter: `mtr-${n}` },
    batch: {
      batchId: `batch-${n}`,
      accounts: [{ id: `acct-${n}`, accountNumber: `AN-${n}`, holderName: 'Pat Example', email: 'pat@customers.example' }],
      servicePoints: [{ id: `sp-${n}`, accountId: `acct-${n}`, street: '9 Heron Way', city: 'Alder Creek', region: 'CA', postalCode: '95990', serviceArea: options.serviceArea ?? 'Ingest Valley' }],
      meters: [{ id: `mtr-${n}`, servicePointId: `sp-${n}`, serialNumber: `SN-${n}`, kind: 'water', unit: 'gal', intervalMinutes: 60, installedOn: '2024-01-01' }],
      reads: Array.from({ length: 24 }, (_, h) => ({ meterId: `mtr-${n}`, start: new Date(dayStart + h * 3_600_000).toISOString(), value: h + 0.5, quality: 'actual' })),
    },
  };
}

const exists = async (table: string, id: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE id = ?1`).bind(id).first<{ n: number }>())!.n > 0;

describe('ingest authentication', () => {
  async function refused(client: TestClient, options: Parameters<typeof sendBatch>[2]) {
    const { batch, ids } = newCustomerBatch();
    const res = await sendBatch(client, batch, options);
    expect(res.status).toBe(401);
    expect((await res.json<Rejection>()).error.code).toBe('invalid_client');
    expect(await exists('accounts', ids.account)).toBe(false);
  }

  it('refuses a caller without a valid assertion before taking in the body', async () => {
    const client = await givenIngestClient();
    const token = await signClientAssertion({ privateJwk: (await givenIngestClient()).privateJwk, clientId: client.clientId, audience: audience(), method: 'POST', url: ingestUrl(), body: '{}' });
    for (const authorization of ['Bearer not-a-jwt', `Bearer ${token}`]) {
      // A body announced as 64 KiB of which only the first KiB ever comes: were the worker to read it
      // before checking the assertion, no answer would come.
      const { readable, writable } = new FixedLengthStream(64 * 1024);
      const writer = writable.getWriter();
      void writer.write(new Uint8Array(1024)).catch(() => {});
      const res = await portal('/api/ingest/batches', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: authorization }, body: readable });
      expect(res.status).toBe(401);
      expect((await res.json<Rejection>()).error.code).toBe('invalid_client');
      await writer.abort().catch(() => {});
    }
  });

  it('refuses a request without a client assertion', async () => {
    const client = await givenIngestClient();
    await refused(client, { token: 'not-a-jwt' });
    const { batch, ids } = newCustomerBatch();
    const noHeader = await portal('/api/ingest/batches', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batch) });
    expect(noHeader.status).toBe(401);
    expect(await exists('accounts', ids.account)).toBe(false);
  });

  it('refuses an assertion signed by a key other than the registered one', async () => {
    const client = await givenIngestClient();
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    await refused({ ...client, privateJwk: await exportJWK(privateKey) }, {});
  });

  it('refuses an assertion for another audience, one that lives too long, and a revoked client', async () => {
    const client = await givenIngestClient();
    await refused(client, { audience: 'https://elsewhere.example/api/ingest' });
    await refused(client, { lifetimeSeconds: 3600 });
    await refused(await givenIngestClient('revoked'), {});
  });

  it('refuses an expired assertion', async () => {
    const client = await givenIngestClient();
    const { batch } = newCustomerBatch();
    const token = await signClientAssertion({ privateJwk: client.privateJwk, clientId: client.clientId, audience: audience(), method: 'POST', url: ingestUrl(), body: JSON.stringify(batch), now: new Date(Date.now() - 10 * 60_000) });
    await refused(client, { token });
  });

  it('refuses an assertion made for a different body', async () => {
    await refused(await givenIngestClient(), { signBody: '{"batchId":"something-else"}' });
  });

  it('refuses an assertion made for another method, path or query', async () => {
    const client = await givenIngestClient();
    await refused(client, { sign: { method: 'PUT' } });
    await refused(client, { sign: { path: '/api/ingest/other' } });
    await refused(client, { query: '?note=a', sign: { query: '?note=b' } });
  });

  it('refuses a CSV batch whose batchId or section was changed under the signature', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    expect((await sendBatch(client, { ...batch, reads: [] })).status).toBe(201);
    const csv = ['meter_id,interval_start,value,quality', `${ids.meter},2026-06-11T07:00:00Z,1.5,actual`].join('\n');
    const signedFor = `?section=reads&batchId=${uniqueId('csv')}`;
    for (const sent of [`?section=reads&batchId=${uniqueId('other')}`, `?section=days&batchId=${signedFor.split('batchId=')[1]}`]) {
      const res = await sendBatch(client, csv, { contentType: 'text/csv', query: sent, sign: { query: signedFor } });
      expect(res.status).toBe(401);
      expect((await res.json<Rejection>()).error.message).toMatch(/method|URL/);
    }
    expect(await dayRow(ids.meter, '2026-06-11')).toBeNull();
    // Signed for exactly what is sent, the same CSV is applied.
    expect((await sendBatch(client, csv, { contentType: 'text/csv', query: signedFor })).status).toBe(201);
  });

  it('refuses a replayed assertion', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    const token = await signClientAssertion({ privateJwk: client.privateJwk, clientId: client.clientId, audience: audience(), method: 'POST', url: ingestUrl(), body: JSON.stringify(batch) });
    expect((await sendBatch(client, batch, { token })).status).toBe(201);
    const again = await sendBatch(client, batch, { token });
    expect(again.status).toBe(401);
    expect((await again.json<Rejection>()).error.message).toMatch(/already used/);
    expect(await exists('accounts', ids.account)).toBe(true);
  });
});

describe('ingest batches', () => {
  it('applies accounts, service points, meters and reads in one batch', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    const res = await sendBatch(client, batch);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ status: 'applied', batchId: batch.batchId, summary: { accounts: 1, servicePoints: 1, meters: 1, reads: 24, days: 0, meterDays: 1, moves: 0, contactEdits: { count: 0, listed: [] } } });
    const row = await dayRow(ids.meter, '2026-06-10');
    expect(row).toMatchObject({ quality: 'A'.repeat(24), total: 288, missing: 0, estimated: 0 });
    expect(JSON.parse(row!.vals)).toEqual(Array.from({ length: 24 }, (_, h) => h + 0.5));
  });

  it('changes nothing when the same batch arrives twice', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    expect((await sendBatch(client, batch)).status).toBe(201);
    const before = await dayRow(ids.meter, '2026-06-10');
    const peersBefore = await peerSnapshot();
    const second = await sendBatch(client, batch);
    expect(second.status).toBe(200);
    expect((await second.json<{ status: string }>()).status).toBe('already_applied');
    expect(await dayRow(ids.meter, '2026-06-10')).toEqual(before);
    expect(await peerSnapshot()).toEqual(peersBefore);
    // The same content under a new batch id is applied again, to the same effect.
    expect((await sendBatch(client, { ...batch, batchId: `${batch.batchId}-again` })).status).toBe(201);
    expect(await dayRow(ids.meter, '2026-06-10')).toEqual(before);
    expect(await peerSnapshot()).toEqual(peersBefore);
  });

  it('refuses a reused batch id with a different body', async () => {
    const client = await givenIngestClient();
    const { batch } = newCustomerBatch();
    expect((await sendBatch(client, batch)).status).toBe(201);
    const res = await sendBatch(client, { ...batch, reads: batch.reads.slice(0, 2) });
    expect(res.status).toBe(409);
    expect((await res.json<Rejection>()).error.code).toBe('batch_id_reused');
  });

  it('merges late reads and lets a correction replace its interval with its own quality flag', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    const morning = batch.reads.slice(0, 12);
    const evening = batch.reads.slice(12);
    expect((await sendBatch(client, { ...batch, reads: morning })).status).toBe(201);
    expect(await dayRow(ids.meter, '2026-06-10')).toMatchObject({ quality: 'A'.repeat(12) + '-'.repeat(12), missing: 12 });

    expect((await sendBatch(client, { batchId: uniqueId('late'), reads: evening })).status).toBe(201);
    expect(await dayRow(ids.meter, '2026-06-10')).toMatchObject({ quality: 'A'.repeat(24), missing: 0, total: 288 });

    const corrections = [
      { ...batch.reads[5]!, value: 9, quality: 'estimated' },
      { ...batch.reads[6]!, value: null, quality: 'missing' },
    ];
    expect((await sendBatch(client, { batchId: uniqueId('fix'), reads: corrections })).status).toBe(201);
    const row = await dayRow(ids.meter, '2026-06-10');
    expect(row!.quality).toBe('AAAAAEMAAAAAAAAAAAAAAAAA');
    const vals = JSON.parse(row!.vals) as (number | null)[];
    expect(vals[5]).toBe(9);
    expect(vals[6]).toBeNull();
    expect(vals[7]).toBe(7.5);
    expect(row).toMatchObject({ total: 288 - 5.5 + 9 - 6.5, missing: 1, estimated: 1 });

    // The comparison aggregates kept in step with every write match a full rebuild.
    const maintained = await peerSnapshot();
    await rebuildPeerDays();
    expect(await peerSnapshot()).toEqual(maintained);
  });

  it('accepts whole days, with 23 values on the spring-forward day', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    expect((await sendBatch(client, batch)).status).toBe(201);
    const ok = await sendBatch(client, { batchId: uniqueId('days'), days: [{ meterId: ids.meter, day: '2026-03-08', values: Array.from({ length: 23 }, () => 1), quality: 'A'.repeat(22) + 'E' }] });
    expect(ok.status).toBe(201);
    expect(await dayRow(ids.meter, '2026-03-08')).toMatchObject({ total: 23, estimated: 1 });
    const bad = await sendBatch(client, { batchId: uniqueId('days'), days: [{ meterId: ids.meter, day: '2026-11-01', values: Array.from({ length: 24 }, () => 1) }] });
    expect(bad.status).toBe(422);
    expect((await bad.json<Rejection>()).error.fields).toEqual([{ field: 'days[0].values', message: '2026-11-01 has 25 intervals of 60 minutes in America/Los_Angeles; got 24' }]);
  });

  it('rejects a batch with bad rows whole, naming each row and why', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    const bad = {
      ...batch,
      reads: [
        ...batch.reads,
        { meterId: 'mtr-nobody', start: '2026-06-10T07:00:00Z', value: 1, quality: 'actual' },
        { meterId: ids.meter, start: '2026-06-10T07:30:00Z', value: 1, quality: 'actual' },
        { meterId: ids.meter, start: '2026-06-11T07:00:00Z', value: -3, quality: 'actual' },
        { meterId: ids.meter, start: '2026-06-11T08:00:00Z', value: 4, quality: 'missing' },
        { meterId: ids.meter, start: batch.reads[0]!.start, value: 2, quality: 'actual' },
        { meterId: ids.meter, start: '2099-01-01T08:00:00Z', value: 2, quality: 'actual' },
      ],
    };
    const res = await sendBatch(client, bad);
    expect(res.status).toBe(422);
    const body = await res.json<Rejection>();
    expect(body.error.code).toBe('batch_rejected');
    expect(body.error.message).toMatch(/nothing was written/);
    expect(body.error.fields).toEqual([
      { field: 'reads[26].value', message: 'must not be negative' },
      { field: 'reads[24].meterId', message: 'names no known meter: send the meter first or in this batch' },
      { field: 'reads[25].start', message: "is not the start of one of this meter's 60-minute intervals" },
      { field: 'reads[27].value', message: 'must be empty when the quality is missing' },
      { field: 'reads[28].start', message: 'this interval also appears at reads[0] of this batch; send each once' },
      { field: 'reads[29].start', message: 'is an interval that has not ended yet' },
    ]);
    expect(await exists('accounts', ids.account)).toBe(false);
    expect(await exists('meters', ids.meter)).toBe(false);
  });

  it('applies nothing dated before the meter was installed', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    expect((await sendBatch(client, batch)).status).toBe(201);
    // installedOn is 2024-01-01, a local date: its first hour begins at 08:00 UTC (PST).
    const res = await sendBatch(client, {
      batchId: uniqueId('old'),
      reads: [
        { meterId: ids.meter, start: '1901-06-10T08:00:00Z', value: 3, quality: 'actual' },
        { meterId: ids.meter, start: '2024-01-01T07:00:00Z', value: 3, quality: 'actual' },
        { meterId: ids.meter, start: '2024-01-01T08:00:00Z', value: 3, quality: 'actual' },
      ],
      days: [{ meterId: ids.meter, day: '2023-12-31', values: Array.from({ length: 24 }, () => 1) }],
    });
    expect(res.status).toBe(422);
    expect((await res.json<Rejection>()).error.fields).toEqual([
      { field: 'reads[0].start', message: "is before the meter's install date (2024-01-01)" },
      { field: 'reads[1].start', message: "is before the meter's install date (2024-01-01)" },
      { field: 'days[0].day', message: "is before the meter's install date (2024-01-01)" },
    ]);
    for (const day of ['1901-06-10', '2023-12-31', '2024-01-01']) expect(await dayRow(ids.meter, day)).toBeNull();
    // The install day itself is the meter's first day.
    const first = await sendBatch(client, { batchId: uniqueId('first'), reads: [{ meterId: ids.meter, start: '2024-01-01T08:00:00Z', value: 3, quality: 'actual' }] });
    expect(first.status).toBe(201);
  });

  it('refuses to move an install date past reads the meter already has', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    expect((await sendBatch(client, batch)).status).toBe(201);
    const res = await sendBatch(client, { batchId: uniqueId('move'), meters: [{ ...batch.meters[0]!, installedOn: '2026-07-01' }] });
    expect(res.status).toBe(422);
    expect((await res.json<Rejection>()).error.fields).toEqual([{ field: 'meters[0].installedOn', message: 'is after reads this meter already has (from 2026-06-10)' }]);
    const installed = await env.DB.prepare('SELECT installed_on AS d FROM meters WHERE id = ?1').bind(ids.meter).first<{ d: string }>();
    expect(installed!.d).toBe('2024-01-01');
    // A new meter's own install date bounds the reads sent with it.
    const fresh = newCustomerBatch();
    fresh.batch.meters[0]!.installedOn = '2026-06-11';
    const late = await sendBatch(client, fresh.batch);
    expect(late.status).toBe(422);
    expect((await late.json<Rejection>()).error.fields!.map((f) => f.field)).toEqual(Array.from({ length: 24 }, (_, i) => `reads[${i}].start`));
  });

  it('rejects bad CSV rows by line number and accepts a good CSV', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    expect((await sendBatch(client, { ...batch, reads: [] })).status).toBe(201);
    const csv = ['meter_id,interval_start,value,quality', `${ids.meter},2026-06-11T07:00:00Z,1.5,actual`, `${ids.meter},2026-06-11T08:00:00Z,abc,actual`, `${ids.meter},2026-06-11T09:00:00Z,2,sometimes`, ''].join('\r\n');
    const res = await sendBatch(client, csv, { contentType: 'text/csv', query: `?section=reads&batchId=${uniqueId('csv')}` });
    expect(res.status).toBe(422);
    const fields = (await res.json<Rejection>()).error.fields!.map((f) => f.field);
    expect(fields).toEqual(['reads[1].value (line 3)', 'reads[2].quality (line 4)']);
    expect(await dayRow(ids.meter, '2026-06-11')).toBeNull();

    const good = ['meter_id,interval_start,value,quality', `${ids.meter},2026-06-11T07:00:00Z,1.5,actual`, `${ids.meter},2026-06-11T08:00:00Z,,missing`].join('\n');
    const ok = await sendBatch(client, good, { contentType: 'text/csv', query: `?section=reads&batchId=${uniqueId('csv')}` });
    expect(ok.status).toBe(201);
    expect(await dayRow(ids.meter, '2026-06-11')).toMatchObject({ quality: 'AM' + '-'.repeat(22), total: 1.5 });
  });

  it('accepts only plain decimal numbers in CSV, not hexadecimal, binary, exponent or infinite spellings', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    expect((await sendBatch(client, { ...batch, reads: [] })).status).toBe(201);
    const day = (values: string[]) => ['meter_id,day,values', `${ids.meter},2026-06-12,${values.join(' ')}`].join('\n');
    for (const odd of ['0x10', '0b1', '0o7', '1e1', 'Infinity', '+5', '.5', '1_000']) {
      const values = Array.from({ length: 24 }, (_, i) => (i === 3 ? odd : '1'));
      const res = await sendBatch(client, day(values), { contentType: 'text/csv', query: `?section=days&batchId=${uniqueId('csv')}` });
      expect(res.status, odd).toBe(422);
      expect((await res.json<Rejection>()).error.fields!.map((f) => f.field), odd).toEqual(['days[0].values.3 (line 2)']);
      const read = ['meter_id,interval_start,value,quality', `${ids.meter},2026-06-12T07:00:00Z,${odd},actual`].join('\n');
      const readRes = await sendBatch(client, read, { contentType: 'text/csv', query: `?section=reads&batchId=${uniqueId('csv')}` });
      expect(readRes.status, odd).toBe(422);
      expect((await readRes.json<Rejection>()).error.fields!.map((f) => f.field), odd).toEqual(['reads[0].value (line 2)']);
    }
    expect(await dayRow(ids.meter, '2026-06-12')).toBeNull();
    // Plain decimals (and the empty value of a missing read) are still read as numbers.
    const ok = await sendBatch(client, day(Array.from({ length: 24 }, (_, i) => (i === 0 ? '0.25' : '16'))), { contentType: 'text/csv', query: `?section=days&batchId=${uniqueId('csv')}` });
    expect(ok.status).toBe(201);
    expect(await dayRow(ids.meter, '2026-06-12')).toMatchObject({ total: 0.25 + 23 * 16 });
  });

  it('leaves nothing behind when the database refuses part of a batch', async () => {
    const client = await givenIngestClient();
    const { batch: first } = newCustomerBatch();
    expect((await sendBatch(client, first)).status).toBe(201);
    const peersBefore = await peerSnapshot();
    // Valid row by row, but its meter reuses the first meter's serial number (unique in D1).
    const { batch, ids } = newCustomerBatch();
    batch.meters[0]!.serialNumber = first.meters[0]!.serialNumber;
    const res = await sendBatch(client, batch);
    expect(res.status).toBe(409);
    expect((await res.json<Rejection>()).error.message).toMatch(/nothing was written/);
    expect(await exists('accounts', ids.account)).toBe(false);
    expect(await exists('service_points', ids.sp)).toBe(false);
    expect(await dayRow(ids.meter, '2026-06-10')).toBeNull();
    expect(await peerSnapshot()).toEqual(peersBefore);
    const recorded = await env.DB.prepare('SELECT count(*) AS n FROM ingest_batches WHERE batch_id = ?1').bind(batch.batchId).first<{ n: number }>();
    expect(recorded!.n).toBe(0);
  });

  it('refuses to touch an account of another utility', async () => {
    const client = await givenIngestClient();
    await env.DB.prepare("INSERT OR IGNORE INTO utilities (id, name, legal_name, time_zone, service_area, contact_email, contact_phone, privacy_email) VALUES ('other-utility','Other','Other District','America/Denver','Elsewhere','a@o.example','+1-209-555-0199','p@o.example')").run();
    const foreign = uniqueId('acct');
    await env.DB.prepare("INSERT INTO accounts (id, utility_id, account_number, holder_name) VALUES (?1, 'other-utility', ?1, 'Someone')").bind(foreign).run();
    const res = await sendBatch(client, { batchId: uniqueId('b'), accounts: [{ id: foreign, accountNumber: 'X1', holderName: 'Taken Over' }] });
    expect(res.status).toBe(422);
    const holder = await env.DB.prepare('SELECT holder_name AS h FROM accounts WHERE id = ?1').bind(foreign).first<{ h: string }>();
    expect(holder!.h).toBe('Someone');
  });

  it('feeds what it ingests to the customer usage API and a CSV export round-trips to the same totals', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    expect((await sendBatch(client, batch)).status).toBe(201);
    const { cookie } = await signedIn({ holderOf: [ids.account] });
    const csv = await (await get(`/api/usage/meters/${ids.meter}/export.csv?from=2026-06-10&to=2026-06-11`, cookie)).text();
    // Send the export back in for a second meter at a new service point.
    const target = await givenMeter({ accountId: ids.account });
    const resent = csv.replaceAll(ids.meter, target.meterId);
    const res = await sendBatch(client, resent, { contentType: 'text/csv', query: `?section=reads&batchId=${uniqueId('rt')}` });
    expect(res.status).toBe(201);
    const totals = async (meterId: string) => (await (await get(`/api/usage/meters/${meterId}/series?from=2026-06-10&to=2026-06-11&resolution=day`, cookie)).json<{ totals: { value: number; missingIntervals: number } }>()).totals;
    expect(await totals(target.meterId)).toEqual(await totals(ids.meter));
    expect((await totals(ids.meter)).value).toBe(288);
  });
});

describe('when a day has ended, by the utility-local clock (America/Los_Angeles)', () => {
  /** The problems checkBatch finds in `raw` at the instant `now` (the route passes the real clock). */
  async function problemsAt(utilityId: string, raw: RawBatch, now: string) {
    const problems = new BatchProblems();
    await checkBatch(env.DB, usageShards(env), utilityId, TZ, parseRows(raw, problems), problems, new Date(now));
    return problems.list;
  }
  const notEnded = (field: string) => [{ field, message: expect.stringMatching(/has not ended yet/) }];

  it('refuses a whole day until local midnight has passed, although the UTC date has turned', async () => {
    const { utilityId } = await givenIngestClient();
    const meter = await givenMeter();
    const day = { batchId: 'b', days: [{ meterId: meter.meterId, day: '2026-03-07', values: Array.from({ length: 24 }, () => 1) }] };
    // 07:30 UTC on 8 March is 23:30 on 7 March in Los Angeles (PST, UTC-8).
    expect(await problemsAt(utilityId, day, '2026-03-08T07:30:00Z')).toEqual(notEnded('days[0].day'));
    expect(await problemsAt(utilityId, day, '2026-03-08T08:00:00Z')).toEqual([]);
  });

  it('ends the 23-hour spring-forward day at local midnight in daylight time', async () => {
    const { utilityId } = await givenIngestClient();
    const meter = await givenMeter();
    const day = { batchId: 'b', days: [{ meterId: meter.meterId, day: '2026-03-08', values: Array.from({ length: 23 }, () => 1) }] };
    expect(await problemsAt(utilityId, day, '2026-03-09T06:59:00Z')).toEqual(notEnded('days[0].day'));
    expect(await problemsAt(utilityId, day, '2026-03-09T07:00:00Z')).toEqual([]);
  });

  it('ends a daily read of the 25-hour fall-back day at local midnight, not 24 hours after it began', async () => {
    const { utilityId } = await givenIngestClient();
    const meter = await givenMeter({ intervalMinutes: 1440 });
    const read = { batchId: 'b', reads: [{ meterId: meter.meterId, start: '2026-11-01T07:00:00Z', value: 250, quality: 'actual' }] };
    // 24 hours after the day began it is 23:00 on 1 November locally (PST after the change).
    expect(await problemsAt(utilityId, read, '2026-11-02T07:30:00Z')).toEqual(notEnded('reads[0].start'));
    expect(await problemsAt(utilityId, read, '2026-11-02T08:00:00Z')).toEqual([]);
  });
});

describe('tenure: who held a service point when', () => {
  const tenures = async (sp: string) =>
    (await env.DB.prepare('SELECT account_id AS accountId, start_day AS startDay, end_day AS endDay FROM service_point_tenures WHERE service_point_id = ?1 ORDER BY id').bind(sp).all<{ accountId: string; startDay: string | null; endDay: string | null }>()).results;
  const holder = async (sp: string) => (await env.DB.prepare('SELECT account_id AS a FROM service_points WHERE id = ?1').bind(sp).first<{ a: string }>())!.a;

  /** A customer from newCustomerBatch, applied, plus a second account that may move in. */
  async function occupiedPoint() {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    expect((await sendBatch(client, batch)).status).toBe(201);
    const newcomer = { id: uniqueId('acct-new'), accountNumber: uniqueId('AN'), holderName: 'New Holder' };
    const point = batch.servicePoints[0]!;
    return { client, ids, point, newcomer };
  }
  const summaryOf = async (res: Response) => (await res.json<{ summary: Record<string, unknown> }>()).summary;

  it("opens the first holder's tenure with the service point, from before the records began", async () => {
    const { ids } = await occupiedPoint();
    expect(await tenures(ids.sp)).toEqual([{ accountId: ids.account, startDay: null, endDay: null }]);
  });

  it('records a move: the old tenure ends the day before accountSince, the new one starts on it', async () => {
    const { client, ids, point, newcomer } = await occupiedPoint();
    const move = { accounts: [newcomer], servicePoints: [{ ...point, accountId: newcomer.id, accountSince: '2026-06-11' }] };
    const res = await sendBatch(client, { batchId: uniqueId('move'), ...move });
    expect(res.status).toBe(201);
    expect(await summaryOf(res)).toMatchObject({ servicePoints: 1, moves: 1 });
    expect(await tenures(ids.sp)).toEqual([
      { accountId: ids.account, startDay: null, endDay: '2026-06-10' },
      { accountId: newcomer.id, startDay: '2026-06-11', endDay: null },
    ]);
    expect(await holder(ids.sp)).toBe(newcomer.id);
    // The nightly extract sends the same rows again: nothing changes.
    const again = await sendBatch(client, { batchId: uniqueId('nightly'), ...move });
    expect(again.status).toBe(201);
    expect(await summaryOf(again)).toMatchObject({ moves: 0 });
    expect(await tenures(ids.sp)).toHaveLength(2);
  });

  it('takes the utility-local day the batch arrives as the move-in day when accountSince is absent', async () => {
    const { client, ids, point, newcomer } = await occupiedPoint();
    const today = localDay(Date.now(), TZ);
    expect((await sendBatch(client, { batchId: uniqueId('move'), accounts: [newcomer], servicePoints: [{ ...point, accountId: newcomer.id }] })).status).toBe(201);
    const [old, current] = await tenures(ids.sp);
    expect(current).toEqual({ accountId: newcomer.id, startDay: today, endDay: null });
    expect(old!.endDay! < today).toBe(true);
  });

  it('corrects the current holder\'s move-in day, moving the previous holder\'s move-out with it', async () => {
    const { client, ids, point, newcomer } = await occupiedPoint();
    expect((await sendBatch(client, { batchId: uniqueId('move'), accounts: [newcomer], servicePoints: [{ ...point, accountId: newcomer.id, accountSince: '2026-06-11' }] })).status).toBe(201);
    expect((await sendBatch(client, { batchId: uniqueId('fix'), servicePoints: [{ ...point, accountId: newcomer.id, accountSince: '2026-06-08' }] })).status).toBe(201);
    expect(await tenures(ids.sp)).toEqual([
      { accountId: ids.account, startDay: null, endDay: '2026-06-07' },
      { accountId: newcomer.id, startDay: '2026-06-08', endDay: null },
    ]);
  });

  it('refuses a move-in day that is not after the current holder\'s, or far in the future, and writes nothing', async () => {
    const { client, ids, point, newcomer } = await occupiedPoint();
    expect((await sendBatch(client, { batchId: uniqueId('move'), accounts: [newcomer], servicePoints: [{ ...point, accountId: newcomer.id, accountSince: '2026-06-11' }] })).status).toBe(201);
    const third = { id: uniqueId('acct-third'), accountNumber: uniqueId('AN'), holderName: 'Third Holder' };
    const early = await sendBatch(client, { batchId: uniqueId('early'), accounts: [third], servicePoints: [{ ...point, accountId: third.id, accountSince: '2026-06-11' }] });
    expect(early.status).toBe(422);
    expect((await early.json<Rejection>()).error.fields).toEqual([{ field: 'servicePoints[0].accountSince', message: "must be after the current holder's move-in day (2026-06-11)" }]);
    const far = await sendBatch(client, { batchId: uniqueId('far'), accounts: [third], servicePoints: [{ ...point, accountId: third.id, accountSince: '2099-01-01' }] });
    expect(far.status).toBe(422);
    expect((await far.json<Rejection>()).error.fields).toEqual([{ field: 'servicePoints[0].accountSince', message: 'is more than 90 days ahead' }]);
    expect(await tenures(ids.sp)).toEqual([
      { accountId: ids.account, startDay: null, endDay: '2026-06-10' },
      { accountId: newcomer.id, startDay: '2026-06-11', endDay: null },
    ]);
    expect(await exists('accounts', third.id)).toBe(false);
  });

  it('starts a new service point at accountSince when the utility sends it', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    batch.servicePoints[0] = { ...batch.servicePoints[0]!, accountSince: '2025-02-01' } as (typeof batch.servicePoints)[0];
    expect((await sendBatch(client, batch)).status).toBe(201);
    expect(await tenures(ids.sp)).toEqual([{ accountId: ids.account, startDay: '2025-02-01', endDay: null }]);
  });

  it('lets no one change a service point\'s holder without recording the tenure', async () => {
    const { ids, newcomer } = await occupiedPoint();
    await env.DB.prepare("INSERT INTO accounts (id, utility_id, account_number, holder_name) VALUES (?1, 'test-utility', ?2, 'X')").bind(newcomer.id, newcomer.accountNumber).run();
    await expect(env.DB.prepare('UPDATE service_points SET account_id = ?1 WHERE id = ?2').bind(newcomer.id, ids.sp).run()).rejects.toThrow(/without a tenure/);
    expect(await holder(ids.sp)).toBe(ids.account);
  });
});

describe('contact details the customer edited in the portal', () => {
  const contact = async (id: string) =>
    env.DB.prepare(
      'SELECT holder_name AS holderName, phone_on_file AS phone, mailing_street AS street, mailing_city AS city, phone_edited_at AS phoneEditedAt, mailing_edited_at AS mailingEditedAt FROM accounts WHERE id = ?1',
    )
      .bind(id)
      .first<{ holderName: string; phone: string | null; street: string | null; city: string | null; phoneEditedAt: string | null; mailingEditedAt: string | null }>();
  type Summary = { summary: { contactEdits: { count: number; listed: { accountId: string; field: string; editedAt: string; kept: boolean; reason: string }[] } } };

  /** An account from the utility, whose holder then changes phone and mailing address in the portal. */
  async function editedByCustomer() {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    const utilityRow = { ...batch.accounts[0]!, phone: '+1-209-555-0100', mailingStreet: '9 Heron Way', mailingCity: 'Alder Creek', mailingRegion: 'CA', mailingPostalCode: '95990' };
    expect((await sendBatch(client, { ...batch, accounts: [utilityRow] })).status).toBe(201);
    const { cookie } = await signedIn({ holderOf: [ids.account] });
    const before = new Date().toISOString();
    const saved = await postJson('/api/accounts/profile', { account: ids.account, phone: '(209) 555-0199', mailingStreet: '77 Orchard Loop', mailingCity: 'Bramble Hills', mailingRegion: 'CA', mailingPostalCode: '95994' }, { cookie });
    expect(saved.status).toBe(200);
    const edited = (await contact(ids.account))!;
    expect(edited.phoneEditedAt! >= before && edited.mailingEditedAt! >= before).toBe(true);
    return { client, ids, utilityRow, cookie, edited };
  }

  it("keeps the customer's edit against a nightly row without a newer change time, and says so in the batch's answer", async () => {
    const { client, ids, utilityRow, edited } = await editedByCustomer();
    const res = await sendBatch(client, { batchId: uniqueId('nightly'), accounts: [{ ...utilityRow, holderName: 'Pat Q. Example' }] });
    expect(res.status).toBe(201);
    expect(await contact(ids.account)).toEqual({ ...edited, holderName: 'Pat Q. Example' });
    const { summary } = await res.json<Summary>();
    expect(summary.contactEdits.count).toBe(2);
    expect(summary.contactEdits.listed).toEqual([
      { accountId: ids.account, field: 'phone', editedAt: edited.phoneEditedAt, kept: true, reason: expect.stringMatching(/^kept: the customer changed it in the portal at .* no later change time/) },
      { accountId: ids.account, field: 'mailingAddress', editedAt: edited.mailingEditedAt, kept: true, reason: expect.stringMatching(/^kept:/) },
    ]);
    // No personal value travels in the report.
    expect(JSON.stringify(summary)).not.toMatch(/555|Orchard|Heron/);
    // A change time from before the edit does not win either.
    expect((await sendBatch(client, { batchId: uniqueId('older'), accounts: [{ ...utilityRow, contactUpdatedAt: '2026-01-01T00:00:00-08:00' }] })).status).toBe(201);
    expect(await contact(ids.account)).toMatchObject({ phone: '(209) 555-0199', street: '77 Orchard Loop' });
  });

  it('applies a genuinely newer change from the utility, group by group', async () => {
    const { client, ids, utilityRow, edited } = await editedByCustomer();
    const later = new Date(Date.now() + 60_000).toISOString();
    const res = await sendBatch(client, { batchId: uniqueId('newer'), accounts: [{ ...utilityRow, phone: '+1-209-555-0142', phoneUpdatedAt: later }] });
    expect(res.status).toBe(201);
    expect(await contact(ids.account)).toEqual({ ...edited, phone: '+1-209-555-0142', phoneEditedAt: null });
    const { summary } = await res.json<Summary>();
    expect(summary.contactEdits.listed.map((e) => [e.field, e.kept])).toEqual([['phone', false], ['mailingAddress', true]]);
    expect(summary.contactEdits.listed[0]!.reason).toMatch(/^replaced: the utility's change at .* is newer/);
    // With the phone the utility's again, tomorrow's row without a change time applies as before.
    expect((await sendBatch(client, { batchId: uniqueId('next'), accounts: [{ ...utilityRow, phone: '+1-209-555-0143' }] })).status).toBe(201);
    expect(await contact(ids.account)).toMatchObject({ phone: '+1-209-555-0143', street: '77 Orchard Loop' });
  });

  it("hands a group back to the utility once its row carries the customer's own value", async () => {
    const { client, ids, utilityRow } = await editedByCustomer();
    const caughtUp = { ...utilityRow, mailingStreet: '77 Orchard Loop', mailingCity: 'Bramble Hills', mailingPostalCode: '95994' };
    const res = await sendBatch(client, { batchId: uniqueId('synced'), accounts: [caughtUp] });
    expect((await res.json<Summary>()).summary.contactEdits.listed.map((e) => e.field)).toEqual(['phone']);
    expect(await contact(ids.account)).toMatchObject({ street: '77 Orchard Loop', mailingEditedAt: null });
  });

  it("keeps a correction the privacy officer applied at the customer's request against the next nightly row", async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    const accountNumber = String(7_200_000_000 + (Date.now() % 1_000_000) * 100 + Math.floor(Math.random() * 100));
    const utilityRow = { ...batch.accounts[0]!, accountNumber, email: `pat-${accountNumber}@customers.example`, phone: '+1-209-555-0100' };
    expect((await sendBatch(client, { ...batch, accounts: [utilityRow] })).status).toBe(201);
    const officer = await signedIn({ role: 'privacy_officer' });
    const filed = await fileRequest(requestBody({ type: 'correct', accountNumber, fullName: 'Pat Example', declarationName: 'Pat Example', correctionField: 'phone_on_file', correctionValue: '+1-209-555-0177' }));
    await verifyByEmail(utilityRow.email);
    expect((await staffPost(`/requests/${filed.id}/start`, officer.cookie)).status).toBe(200);
    expect((await staffPost(`/requests/${filed.id}/correction`, officer.cookie, { decision: 'apply' })).status).toBe(200);
    const corrected = (await contact(ids.account))!;
    expect(corrected).toMatchObject({ phone: '+1-209-555-0177', phoneEditedAt: expect.any(String), mailingEditedAt: null });
    const res = await sendBatch(client, { batchId: uniqueId('nightly'), accounts: [utilityRow] });
    expect(res.status).toBe(201);
    expect(await contact(ids.account)).toEqual(corrected);
    expect((await res.json<Summary>()).summary.contactEdits.listed.map((e) => [e.field, e.kept])).toEqual([['phone', true]]);
  });

  it('records an edit only for the group the customer changed', async () => {
    const client = await givenIngestClient();
    const { batch, ids } = newCustomerBatch();
    expect((await sendBatch(client, { ...batch, accounts: [{ ...batch.accounts[0]!, phone: '+1-209-555-0100', mailingStreet: '9 Heron Way', mailingCity: 'Alder Creek', mailingRegion: 'CA', mailingPostalCode: '95990' }] })).status).toBe(201);
    const { cookie } = await signedIn({ holderOf: [ids.account] });
    expect((await postJson('/api/accounts/profile', { account: ids.account, phone: '+1-209-555-0100', mailingStreet: '12 Quarry Road', mailingCity: 'Alder Creek', mailingRegion: 'CA', mailingPostalCode: '95990' }, { cookie })).status).toBe(200);
    const after = (await contact(ids.account))!;
    expect(after.phoneEditedAt).toBeNull();
    expect(after.mailingEditedAt).not.toBeNull();
  });
});
