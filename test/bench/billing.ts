/**
 * Billing benchmark (`npm run bench`, or alone: `npx tsx test/bench/billing.ts`). Needs `dist/`.
 *
 * On a local portal (wrangler dev, demo data with two years of reads), as the demo customer:
 * 1. The overview: the dashboard page (/account/, billing card: balance, last bill, paperless,
 *    autopay, the last period's use against last year) and its JSON (/api/billing/overview):
 *    median/p95 latency over HTTP, and the D1 rows it reads.
 * 2. The bill list over ten years of monthly bills (96 older bills pushed through the ingest API
 *    before measuring, 120 in all): the first page, and a walk through all five pages, with rows read.
 * 3. A 300 KB bill PDF (uploaded through the ingest API) downloaded through /api/billing/…/document.
 * Rows read are counted in-process afterwards (getPlatformProxy on the portal's own D1 state) by a
 * D1 wrapper that adds up `meta.rows_read` of every statement, the payments module's query
 * included. Latency includes wrangler dev's local proxy; /api/health is measured beside it for scale.
 */
import './first-tenant';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPlatformProxy } from 'wrangler';
import { billPdf } from '../../db/demo/bill-pdf';
import { DEMO_CUSTOMER } from '../../db/demo/logins';
import { listBills } from '../../worker/billing/bills';
import { billView } from '../../worker/billing/detail';
import { billingOverview } from '../../worker/billing/overview';
import { decodeCursor } from '../../worker/billing/paging';
import { ingestAudience } from '../../worker/ingest/auth';
import { signClientAssertion } from '../../worker/ingest/client-assertion';
import { usageShards, type UsageShards } from '../../worker/usage/shards';
import { addDays } from '../../worker/usage/time';
import { startPortal } from '../support/portal-server';

const ITERATIONS = 40;
const ACCOUNT = DEMO_CUSTOMER.accountId;

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { n: sorted.length, medianMs: +at(0.5).toFixed(2), p95Ms: +at(0.95).toFixed(2) };
};

async function timedGet(url: string, cookie: string, expect = 200) {
  const samples: number[] = [];
  let bytes = 0;
  for (let i = -3; i < ITERATIONS; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    const body = new Uint8Array(await res.arrayBuffer());
    if (res.status !== expect) throw new Error(`${url} answered ${res.status}`);
    if (i >= 0) samples.push(performance.now() - started);
    bytes = body.length;
  }
  return { ...stats(samples), bytes };
}

/** A D1Database that adds up rows read by every statement run through it (first() runs as all()). */
function countingD1(db: D1Database, counter = { rowsRead: 0, statements: 0 }) {
  const wrapStatement = (st: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(st, {
      get(target, prop) {
        if (prop === 'bind') return (...args: unknown[]) => wrapStatement(target.bind(...args));
        if (prop === 'all' || prop === 'run')
          return async () => {
            const res = await target.all();
            counter.rowsRead += res.meta.rows_read ?? 0;
            counter.statements++;
            return res;
          };
        if (prop === 'first')
          return async (column?: string) => {
            const res = await target.all<Record<string, unknown>>();
            counter.rowsRead += res.meta.rows_read ?? 0;
            counter.statements++;
            const row = res.results[0] ?? null;
            return column && row ? row[column] : row;
          };
        if (prop === '__inner') return target;
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  const wrapped = new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => wrapStatement(target.prepare(sql));
      if (prop === 'batch')
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements.map((s) => (s as unknown as { __inner: D1PreparedStatement }).__inner ?? s));
          for (const r of results) counter.rowsRead += r.meta.rows_read ?? 0;
          counter.statements += results.length;
          return results;
        };
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { db: wrapped, counter };
}

/** Rows read by `run` in the primary database and the usage shards together. */
async function rowsRead(env: Record<string, D1Database>, run: (db: D1Database, shards: UsageShards) => Promise<unknown>) {
  const counter = { rowsRead: 0, statements: 0 };
  const counted = Object.fromEntries(Object.entries(env).map(([name, db]) => [name, countingD1(db, counter).db])) as { DB: D1Database };
  await run(counted.DB, usageShards(counted));
  return counter;
}

/** Monthly bills from November 2016 to October 2024: the eight years before the demo's two. */
function olderBills() {
  return Array.from({ length: 96 }, (_, i) => {
    const start = new Date(Date.UTC(2016, 10 + i, 1));
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const lines = [
      { kind: 'fixed', service: 'water', description: 'Water service charge (5/8-inch meter)', quantity: 1, unit: 'month', unitPrice: 16, amountCents: 1600 },
      { kind: 'volume_tier', service: 'water', description: 'Water, tier 1 (first 8 CCF)', quantity: 5, unit: 'ccf', unitPrice: 3.6, tierFrom: 0, tierTo: 8, amountCents: 1800 },
      { kind: 'sewer', service: 'sewer', description: 'Sewer service charge', quantity: 1, unit: 'month', unitPrice: 22, amountCents: 2200 },
    ];
    return {
      id: `bill-0001-${day(start).slice(0, 7)}`,
      accountId: ACCOUNT,
      periodStart: day(start),
      periodEnd: day(end),
      issuedOn: addDays(day(end), 3),
      dueOn: addDays(day(end), 24),
      amountCents: 5600,
      rateName: 'Residential water R-1 and sewer S-1',
      lines,
    };
  });
}

export async function bench(): Promise<Record<string, unknown>> {
  const portal = await startPortal({ keepState: true });
  const result: Record<string, unknown> = {};
  try {
    const origin = portal.origin;
    const client = JSON.parse(readFileSync(join(portal.persistTo, 'demo-ingest-client.json'), 'utf8')) as { clientId: string; privateJwk: Record<string, string> };
    const signed = async (method: string, path: string, body: Uint8Array<ArrayBuffer> | string) =>
      `Bearer ${await signClientAssertion({ privateJwk: client.privateJwk, clientId: client.clientId, audience: ingestAudience(origin), method, url: `${origin}${path}`, body })}`;

    // Ten years of bills for the demo customer: eight more years through the ingest API.
    const batch = JSON.stringify({ batchId: 'bench-ten-years', bills: olderBills() });
    const ingested = await fetch(`${origin}/api/ingest/batches`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: await signed('POST', '/api/ingest/batches', batch) }, body: batch });
    if (ingested.status !== 201) throw new Error(`ingest answered ${ingested.status}: ${await ingested.text()}`);

    // A 300 KB document for the latest bill.
    const pdf = billPdf(['Alder Creek Water & Power', 'Bill for October 2026'], { padToBytes: 300 * 1024, seed: 7 });
    const billId = 'bill-0001-2026-10';
    const uploaded = await fetch(`${origin}/api/ingest/bills/${billId}/document`, { method: 'PUT', headers: { 'content-type': 'application/pdf', authorization: await signed('PUT', `/api/ingest/bills/${billId}/document`, pdf) }, body: pdf });
    if (uploaded.status !== 200 && uploaded.status !== 201) throw new Error(`upload answered ${uploaded.status}: ${await uploaded.text()}`);

    const login = await fetch(`${origin}/api/accounts/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', origin },
      body: JSON.stringify({ email: DEMO_CUSTOMER.email, password: DEMO_CUSTOMER.password }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    if (login.status !== 200 || !cookie) throw new Error(`demo login answered ${login.status}`);

    const health = await timedGet(`${origin}/api/health`, '');
    const dashboard = await timedGet(`${origin}/account/`, cookie);
    const overviewApi = await timedGet(`${origin}/api/billing/overview`, cookie);
    const firstPage = await timedGet(`${origin}/api/billing/accounts/${ACCOUNT}/bills?limit=24`, cookie);
    const billsPage = await timedGet(`${origin}/account/bills/`, cookie);
    const detailPage = await timedGet(`${origin}/account/bills/detail/?bill=${billId}`, cookie);

    // Walking all five pages of the 120 bills.
    const walks: number[] = [];
    let pages = 0;
    for (let i = -1; i < 10; i++) {
      const started = performance.now();
      let next: string | null = null;
      pages = 0;
      do {
        const res: Response = await fetch(`${origin}/api/billing/accounts/${ACCOUNT}/bills?limit=24${next ? `&before=${next}` : ''}`, { headers: { cookie } });
        next = ((await res.json()) as { next: string | null }).next;
        pages++;
      } while (next);
      if (i >= 0) walks.push(performance.now() - started);
    }

    const download = await timedGet(`${origin}/api/billing/bills/${billId}/document`, cookie);
    if (download.bytes !== pdf.length) throw new Error(`downloaded ${download.bytes} bytes, uploaded ${pdf.length}`);

    Object.assign(result, {
      health: { medianMs: health.medianMs, p95Ms: health.p95Ms },
      overview: { dashboardPage: dashboard, api: overviewApi },
      billList: { bills: 120, firstPageApi: firstPage, billsPage, walkAllPages: { pages, ...stats(walks) } },
      billDetailPage: detailPage,
      documentDownload: { ...download, kilobytes: Math.round(pdf.length / 1024), megabytesPerSecond: +((pdf.length / 1024 / 1024) / (download.medianMs / 1000)).toFixed(1) },
    });
  } finally {
    await portal.stop();
  }

  // Rows read, in-process on the same local D1 state.
  const proxy = await getPlatformProxy<{ DB: D1Database; USAGE_SHARD_1: D1Database; USAGE_SHARD_2: D1Database }>({ configPath: 'wrangler.toml', persist: { path: join(portal.persistTo, 'v3') }, remoteBindings: false });
  try {
    const DB = proxy.env.DB;
    const databases = { DB, USAGE_SHARD_1: proxy.env.USAGE_SHARD_1, USAGE_SHARD_2: proxy.env.USAGE_SHARD_2 };
    const first = await listBills(DB, ACCOUNT, { before: null, limit: 24 });
    let cursor = first.next;
    let last = first;
    while (cursor) {
      last = await listBills(DB, ACCOUNT, { before: decodeCursor(cursor), limit: 24 });
      cursor = last.next;
    }
    const lastCursor = decodeCursor(first.next!);
    Object.assign(result, {
      rowsRead: {
        overview: await rowsRead(databases, (db, shards) => billingOverview(db, shards, DEMO_CUSTOMER.id)),
        billListFirstPage: await rowsRead(databases, (db) => listBills(db, ACCOUNT, { before: null, limit: 24 })),
        billListSecondPage: await rowsRead(databases, (db) => listBills(db, ACCOUNT, { before: lastCursor, limit: 24 })),
        billListLastPage: { bills: last.bills.length, rowsRead: last.rowsRead },
        billDetail: await rowsRead(databases, (db, shards) => billView(db, shards, DEMO_CUSTOMER.id, 'bill-0001-2026-10')),
      },
    });
  } finally {
    await proxy.dispose();
    rmSync(portal.persistTo, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ billing: result }, null, 2));
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
