/**
 * Program applications benchmark (`npm run bench`, or alone: `npx tsx test/bench/programs.ts`). Needs `dist/`.
 *
 * 1. Documents, over HTTP on a local portal (wrangler dev, demo data, local R2), as the demo
 *    customer: an application for the toilet rebate with a 5 MB receipt (multipart POST: answers
 *    judged by the program's front matter, the file by its bytes, put in R2, rows and mail written),
 *    then the receipt downloaded through /api/programs/documents/:id; median/p95 over APPLICATIONS
 *    (the day's limit on applications per login).
 * 2. The staff queue with QUEUED applications waiting to be checked (and a quarter as many waiting
 *    on the customer or approved) in a local D1 of its own: D1 rows read and latency of its first
 *    page, a page after the 5,000th row, and "approved rebates to pay", through the function the
 *    worker serves the page with.
 */
import './first-tenant';
import { fileURLToPath } from 'node:url';
import { DEMO_CUSTOMER } from '../../db/demo/logins';
import { staffQueue } from '../../worker/programs/store';
import { startPortal } from '../support/portal-server';
import { demoCustomerHeaders, fivePdf, stats, timedPage, withScratchD1 } from './support';

const APPLICATIONS = 5;
const QUEUED = 10_000;

async function documents() {
  const portal = await startPortal();
  try {
    const { origin } = portal;
    const headers = await demoCustomerHeaders(origin);
    const { cookie } = headers;
    const pdf = fivePdf();
    const installed = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    const up: number[] = [];
    const down: number[] = [];
    for (let i = 0; i < APPLICATIONS; i++) {
      const form = new FormData();
      for (const [k, v] of Object.entries({ program: 'efficient-toilet', account: DEMO_CUSTOMER.accountId, 'answers.old-toilet-flush': 'three-or-more', 'answers.watersense': 'yes', 'answers.toilets': '1', 'answers.installed-on': installed })) form.append(k, v);
      form.append('documents.receipt', new File([pdf], `receipt-${i}.pdf`, { type: 'application/pdf' }));
      let t = performance.now();
      const res = await fetch(`${origin}/api/programs/applications`, { method: 'POST', headers, body: form });
      const body = await res.text();
      up.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`applying answered ${res.status}: ${body}`);
      const { application } = JSON.parse(body) as { application: string };
      const { documents: docs } = (await (await fetch(`${origin}/api/programs/applications/${application}`, { headers })).json()) as { documents: { id: string }[] };
      t = performance.now();
      const file = await fetch(`${origin}/api/programs/documents/${docs[0]!.id}`, { headers: { cookie } });
      const got = new Uint8Array(await file.arrayBuffer());
      down.push(performance.now() - t);
      if (file.status !== 200 || got.length !== pdf.length) throw new Error(`download answered ${file.status} with ${got.length} bytes`);
    }
    return { fileBytes: pdf.length, apply: stats(up), download: stats(down) };
  } finally {
    await portal.stop();
  }
}

async function queue() {
  return withScratchD1('programs', async (DB) => {
    const base = Date.parse('2026-01-01T00:00:00Z');
    const total = QUEUED * 1.25;
    for (let from = 0; from < total; from += 500) {
      const statements = Array.from({ length: 500 }, (_, j) => {
        const i = from + j;
        const at = new Date(base + i * 60_000).toISOString();
        // Four in five waiting to be checked (QUEUED in all); the fifth waiting on the customer, or approved.
        const status = i % 5 !== 0 ? 'submitted' : i % 10 === 0 ? 'approved' : 'need_info';
        return DB.prepare("INSERT INTO program_applications (id, account_id, program_id, program_title, program_kind, answers, status, created_at, updated_at, documents_kept_days) VALUES (?1, 'a', 'efficient-toilet', 'High-efficiency toilet rebate', ?2, '[]', ?3, ?4, ?4, 90)").bind(
          crypto.randomUUID(), i % 20 === 0 ? 'program' : 'rebate', status, at,
        );
      });
      await DB.batch(statements);
    }
    const waiting = (await DB.prepare("SELECT count(*) AS n FROM program_applications WHERE status = 'submitted'").first<{ n: number }>())!.n;
    const deep = (await DB.prepare("SELECT updated_at || '~' || id AS cursor FROM program_applications WHERE status = 'submitted' ORDER BY updated_at, id LIMIT 1 OFFSET 5000").first<{ cursor: string }>())!.cursor;
    return {
      waitingApplications: waiting,
      firstPage: await timedPage(() => staffQueue(DB, 'submitted')),
      pageAfter5000: await timedPage(() => staffQueue(DB, 'submitted', deep)),
      approvedToPay: await timedPage(() => staffQueue(DB, 'approved')),
      waitingOnCustomer: await timedPage(() => staffQueue(DB, 'need_info')),
    };
  });
}

export async function bench(): Promise<Record<string, unknown>> {
  const q = await queue();
  const d = await documents();
  return { ...d, queue: q, queueFirstPageRowsRead: q.firstPage.rowsRead, queueDeepPageRowsRead: q.pageAfter5000.rowsRead, queueToPayRowsRead: q.approvedToPay.rowsRead };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await bench(), null, 2));
}
