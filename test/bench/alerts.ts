/**
 * Alert detection benchmark (`npm run bench`, or `tsx test/bench/alerts.ts`). Three parts:
 *
 * 1. Detection quality on the demo set with its injected episodes (alerts-quality.ts): leaks
 *    found / injected, and alerts on meters with nothing injected per 1,000 meter-months, for the
 *    portal's rules and for a 24-hours-continuous rule, side by side, from the same reads.
 * 2. Ingest throughput with and without alert evaluation, in one run: the whole portal under
 *    `wrangler dev` (real ingest API, real Queue, real consumer, real D1) on a fresh copy of the demo
 *    set; each day's batch of every demo meter is posted to the ingest API. Without evaluation: reads
 *    per second until the batch is answered (detection is not in the request path). With: until the
 *    consumer has evaluated every meter of the batch (its `alerts.evaluated` log lines, counts only).
 * 3. Time from a batch accepted to the alert in the outbox, on the same portal: one leak batch at
 *    a time for demo holders with a login, the outbox watched at /dev/outbox/.
 */
import './first-tenant';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPlatformProxy } from 'wrangler';
import { demoAccounts } from '../../db/demo/customers';
import { DEMO_SEED } from '../../db/demo/dataset';
import { DEMO_CUSTOMER } from '../../db/demo/logins';
import { seededRandom } from '../../db/demo/random';
import { demoMeterDays, demoMeters, USAGE_LAST_DAY } from '../../db/demo/usage';
import { ingestAudience } from '../../worker/ingest/auth';
import { signClientAssertion } from '../../worker/ingest/client-assertion';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import { addDays, eachDay, localDay } from '../../worker/usage/time';
import { startPortal, type RunningPortal } from '../support/portal-server';
import { continuous24, ourRules, score } from './alerts-quality';

const LATENCY_HOLDERS = 8;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The running portal and the demo ingest client it was loaded with. */
type Portal = RunningPortal & { client: { clientId: string; privateJwk: Record<string, string> } };

/** Posts a batch signed by the demo ingest client, as db/demo/ingest-send.ts does. */
async function post(portal: Portal, body: unknown) {
  const text = JSON.stringify(body);
  const url = `${portal.origin}/api/ingest/batches`;
  const token = await signClientAssertion({ privateJwk: portal.client.privateJwk, clientId: portal.client.clientId, audience: ingestAudience(portal.origin), method: 'POST', url, body: new TextEncoder().encode(text) });
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: text });
  if (res.status !== 201) throw new Error(`batch refused: ${res.status} ${await res.text()}`);
}

/** Meters the consumer has reported evaluating since the log was `from` characters long. */
const evaluatedSince = (portal: Portal, from: number) =>
  [...portal.log().slice(from).matchAll(/"event":"alerts\.evaluated","meters":(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);

/** Part 2: each day's batch of every demo meter through the ingest API, then until the consumer has evaluated it. */
async function throughput(portal: Portal) {
  const meters = demoMeters(demoAccounts(seededRandom(DEMO_SEED)));
  const yesterday = addDays(localDay(Date.now(), utility.timeZone), -1);
  // The days after the demo's last day that have ended by now (at most 3).
  const days = eachDay(addDays(USAGE_LAST_DAY, 1), yesterday).slice(0, 3);
  if (days.length === 0) throw new Error('the clock is before the demo data ends');
  const perDay = [];
  for (const day of days) {
    const body = { batchId: `bench-alerts-${day}`, days: meters.flatMap((m) => demoMeterDays(m, [day], DEMO_SEED).map((d) => ({ meterId: m.id, day: d.day, values: d.vals, quality: d.quality.replaceAll('-', 'M') }))) };
    const reads = body.days.reduce((n, d) => n + d.values.length, 0);
    const logAt = portal.log().length;
    const t0 = performance.now();
    await post(portal, body);
    const answered = performance.now() - t0;
    while (evaluatedSince(portal, logAt) < meters.length) {
      if (performance.now() - t0 > 300_000) throw new Error('the consumer did not evaluate the batch within 5 minutes');
      await new Promise((r) => setTimeout(r, 20));
    }
    const evaluated = performance.now() - t0;
    perDay.push({ day, meters: meters.length, reads, answeredMs: Math.round(answered), evaluatedMs: Math.round(evaluated) });
  }
  const reads = perDay.reduce((n, d) => n + d.reads, 0);
  const answeredMs = perDay.reduce((n, d) => n + d.answeredMs, 0);
  const evaluatedMs = perDay.reduce((n, d) => n + d.evaluatedMs, 0);
  return {
    perDay,
    ingestOnlyReadsPerSecond: Math.round(reads / (answeredMs / 1000)),
    ingestWithEvaluationReadsPerSecond: Math.round(reads / (evaluatedMs / 1000)),
    evaluationMsPerMeterDay: Math.round(((evaluatedMs - answeredMs) / (perDay.length * meters.length)) * 10) / 10,
    note: 'one batch per day of every demo meter (300 hourly water, 75 15-minute electric); with evaluation = until the consumer logged every meter evaluated',
  };
}

/** Demo holders with a portal login (delivery mails holders' logins): the demo customer, and logins added here for the next accounts. */
async function addHolderLogins(DB: D1Database) {
  const holders: { accountId: string; email: string }[] = [{ accountId: 'acct-0001', email: DEMO_CUSTOMER.email }];
  const now = new Date().toISOString();
  for (let n = 2; holders.length < LATENCY_HOLDERS; n++) {
    const accountId = `acct-${String(n).padStart(4, '0')}`;
    if (accountId === 'acct-0012') continue; // moved out
    const loginId = `login-bench-${n}`;
    const email = `bench-holder-${n}@customers.example`;
    await DB.batch([
      DB.prepare("INSERT INTO logins (id, email, email_verified_at, password_hash, role, display_name, password_changed_at) VALUES (?1, ?2, ?3, 'bench:no-password', 'customer', 'Bench holder', ?3)").bind(loginId, email, now),
      DB.prepare("INSERT INTO account_access (login_id, account_id, relationship, can_view_usage, can_view_billing, can_manage, granted_at) VALUES (?1, ?2, 'holder', 1, 1, 1, ?3)").bind(loginId, accountId, now),
    ]);
    holders.push({ accountId, email });
  }
  return holders;
}

/** Part 3: a leak batch per holder through the running portal; time until its mail is in the dev outbox. */
async function latency(portal: Portal, holders: { accountId: string; email: string }[]) {
  const today = localDay(Date.now(), utility.timeZone);
  const days = [addDays(today, -2), addDays(today, -1)];
  const samples: number[] = [];
  for (const h of holders) {
    const meterId = `mtr-w-${h.accountId.slice(5)}`;
    await post(portal, { batchId: `bench-leak-${h.accountId}-${Date.now()}`, days: days.map((day) => ({ meterId, day, values: Array.from({ length: 24 }, () => 3.2) })) });
    const accepted = performance.now();
    for (;;) {
      const page = await (await fetch(`${portal.origin}/dev/outbox/`)).text();
      const mailed = page.split('<li class="mail"').some((item) => item.startsWith(' data-kind="alert-opened"') && item.includes(`<span class="to">${h.email}</span>`));
      if (mailed) break;
      if (performance.now() - accepted > 60_000) throw new Error(`no alert mail for ${h.accountId} within 60 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    samples.push(performance.now() - accepted);
  }
  return { batches: samples.length, medianMs: Math.round(median(samples)), maxMs: Math.round(Math.max(...samples)), note: 'from the 201 answer to the mail listed at /dev/outbox/ (polled every 50 ms); the queue waits up to max_batch_timeout (1 s) to fill a batch' };
}

export async function bench(): Promise<Record<string, unknown>> {
  const started = performance.now();
  const quality = score();
  const qualityMs = performance.now() - started;

  // Holders with a login for part 3 (delivery mails holders' portal logins), before the portal starts.
  let holders: { accountId: string; email: string }[] = [];
  const running = await startPortal({
    beforeStart: async (persistTo) => {
      const proxy = await getPlatformProxy<{ DB: D1Database }>({ configPath: 'wrangler.toml', persist: { path: join(persistTo, 'v3') }, remoteBindings: false });
      try {
        holders = await addHolderLogins(proxy.env.DB);
      } finally {
        await proxy.dispose();
      }
    },
  });
  const portal: Portal = { ...running, client: JSON.parse(readFileSync(join(running.persistTo, 'demo-ingest-client.json'), 'utf8')) };
  let ingest: Awaited<ReturnType<typeof throughput>>;
  let batchToOutbox: Awaited<ReturnType<typeof latency>>;
  try {
    ingest = await throughput(portal);
    batchToOutbox = await latency(portal, holders);
  } finally {
    await portal.stop();
  }
  const result = { quality: { ...quality, ms: Math.round(qualityMs) }, ingest, batchToOutbox };
  console.log(JSON.stringify({ alerts: result }, null, 2));
  const ours = quality.rules[ourRules.name]!;
  const peers = quality.rules[continuous24.name]!;
  return {
    leaksFound: ours.leaksFound,
    leaksFound24h: peers.leaksFound,
    falseAlarmsPer1000MeterMonths: ours.falseAlarmsPer1000MeterMonths,
    falseAlarmsPer1000MeterMonths24h: peers.falseAlarmsPer1000MeterMonths,
    alertsPerLeak: ours.alertsPerLeakFound,
    alertsPerLeak24h: peers.alertsPerLeakFound,
    ingestOnlyReadsPerSecond: ingest.ingestOnlyReadsPerSecond,
    ingestWithEvaluationReadsPerSecond: ingest.ingestWithEvaluationReadsPerSecond,
    evaluationMsPerMeterDay: ingest.evaluationMsPerMeterDay,
    batchToOutboxMedianMs: batchToOutbox.medianMs,
    batchToOutboxMaxMs: batchToOutbox.maxMs,
    detail: result,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
