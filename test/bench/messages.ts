/**
 * Secure messages benchmark (`npm run bench`, or alone: `npx tsx test/bench/messages.ts`). Needs `dist/`.
 *
 * 1. Attachments, over HTTP on a local portal (wrangler dev, demo data, local R2), as the demo
 *    customer: a 5 MB PDF (5 MiB less 1 KiB) attached to a reply (upload: multipart POST, checked
 *    by its bytes, put in R2, rows written) and downloaded through /api/messages/attachments/:id,
 *    median/p95 over ITERATIONS. Latency includes wrangler dev's local proxy.
 * 2. The staff queue with QUEUED open conversations (and a quarter as many waiting on the customer or
 *    closed) in a local D1 of its own (getPlatformProxy):
 *    D1 rows read and latency of its first page, a page deep in the queue (after the 5,000th
 *    row), and "assigned to me" — the page the worker serves, through the same function.
 */
import './first-tenant';
import { fileURLToPath } from 'node:url';
import { DEMO_CUSTOMER } from '../../db/demo/logins';
import { staffQueue } from '../../worker/messages/store';
import { startPortal } from '../support/portal-server';
import { demoCustomerHeaders, fivePdf, stats, timedPage, withScratchD1 } from './support';

const ITERATIONS = 8;
const QUEUED = 10_000;

async function attachments() {
  const portal = await startPortal();
  try {
    const { origin } = portal;
    const headers = await demoCustomerHeaders(origin);
    const { cookie } = headers;
    const started = await fetch(`${origin}/api/messages`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ account: DEMO_CUSTOMER.accountId, subject: 'Bench', topic: 'other', body: 'Attachments bench' }) });
    if (started.status !== 200) throw new Error(`starting a conversation answered ${started.status}: ${await started.text()}`);
    const { conversation } = (await started.json()) as { conversation: string };
    const pdf = fivePdf();
    const up: number[] = [];
    const down: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const form = new FormData();
      form.append('body', `Upload ${i}`);
      form.append('files', new File([pdf], `bench-${i}.pdf`, { type: 'application/pdf' }));
      let t = performance.now();
      const res = await fetch(`${origin}/api/messages/${conversation}/reply`, { method: 'POST', headers, body: form });
      await res.arrayBuffer();
      up.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`upload answered ${res.status}`);
      const thread = (await (await fetch(`${origin}/api/messages/${conversation}`, { headers })).json()) as { messages: { attachments: { id: string }[] }[] };
      const id = thread.messages.at(-1)!.attachments[0]!.id;
      t = performance.now();
      const file = await fetch(`${origin}/api/messages/attachments/${id}`, { headers: { cookie } });
      const got = new Uint8Array(await file.arrayBuffer());
      down.push(performance.now() - t);
      if (file.status !== 200 || got.length !== pdf.length) throw new Error(`download answered ${file.status} with ${got.length} bytes`);
    }
    return { fileBytes: pdf.length, upload: stats(up), download: stats(down) };
  } finally {
    await portal.stop();
  }
}

async function queue() {
  return withScratchD1('messages', async (DB) => {
    await DB.prepare("INSERT INTO logins (id, email, password_hash, role) VALUES ('staff', 's@u.example', 'x', 'support')").run();
    const base = Date.parse('2026-01-01T00:00:00Z');
    const total = QUEUED * 1.25;
    for (let from = 0; from < total; from += 500) {
      const statements = Array.from({ length: 500 }, (_, j) => {
        const i = from + j;
        const at = new Date(base + i * 60_000).toISOString();
        // Four in five open (QUEUED in all); the fifth waiting on the customer, or closed; every tenth assigned to the member of staff.
        const status = i % 5 !== 0 ? 'open' : i % 25 === 0 ? 'closed' : 'waiting_customer';
        return DB.prepare('INSERT INTO conversations (id, account_id, subject, topic, status, assigned_to_login_id, created_at, last_message_at, closed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)').bind(
          crypto.randomUUID(), 'a', `Question ${i}`, 'other', status, i % 10 === 1 ? 'staff' : null, at, status === 'closed' ? at : null,
        );
      });
      await DB.batch(statements);
    }
    const open = (await DB.prepare("SELECT count(*) AS n FROM conversations WHERE status = 'open'").first<{ n: number }>())!.n;
    const staff = { id: 'staff', role: 'support' };
    const deep = (await DB.prepare("SELECT last_message_at || '~' || id AS cursor FROM conversations WHERE status = 'open' ORDER BY last_message_at, id LIMIT 1 OFFSET 5000").first<{ cursor: string }>())!.cursor;
    return {
      openConversations: open,
      firstPage: await timedPage(() => staffQueue(DB, staff, 'open')),
      pageAfter5000: await timedPage(() => staffQueue(DB, staff, 'open', deep)),
      assignedToMe: await timedPage(() => staffQueue(DB, staff, 'mine')),
      waitingOnCustomer: await timedPage(() => staffQueue(DB, staff, 'waiting')),
    };
  });
}

export async function bench(): Promise<Record<string, unknown>> {
  const q = await queue();
  const a = await attachments();
  return { ...a, queue: q, queueFirstPageRowsRead: q.firstPage.rowsRead, queueDeepPageRowsRead: q.pageAfter5000.rowsRead, queueMineRowsRead: q.assignedToMe.rowsRead };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await bench(), null, 2));
}
