import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import worker from '../../worker/index';
import { detectionMessages, type DetectionMessage } from '../../worker/alerts/detection/queue';
import { eachDay } from '../../worker/usage/time';
import { addDays, daySlots, localDay, slotStart } from '../../worker/usage/time';
import { givenLogin } from './support/accounts';
import { givenAccount, uniqueId } from './support/sign-in';
import { givenIngestClient, givenMeter, givenReads, sendBatch, TZ } from './support/usage-fixtures';

async function waitFor<T>(probe: () => Promise<T | null | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the alert queue in workerd', () => {
  it('turns a batch with water running for three days into one alert in the outbox, and the same batch again or a correction into none more', async () => {
    const client = await givenIngestClient();
    const n = uniqueId('q');
    const email = `${n}@customers.example`;
    const yesterday = addDays(localDay(Date.now(), TZ), -1);
    const days = [addDays(yesterday, -2), addDays(yesterday, -1), yesterday];
    // Alerts go to whom the account chose: here its holder's portal login (the e-mail on file gets none unless signed up).
    await givenAccount({ id: `acct-${n}`, accountNumber: `AN-${n}` });
    await givenLogin({ email, holderOf: [`acct-${n}`] });
    const reads = days.flatMap((day) => {
      const slots = daySlots(day, TZ, 60);
      return Array.from({ length: slots.count }, (_, i) => ({ meterId: `mtr-${n}`, start: new Date(slotStart(slots, i)).toISOString(), value: 2.5, quality: 'actual' }));
    });
    const res = await sendBatch(client, {
      batchId: `b-${n}`,
      accounts: [{ id: `acct-${n}`, accountNumber: `AN-${n}`, holderName: 'Pat Example', email }],
      servicePoints: [{ id: `sp-${n}`, accountId: `acct-${n}`, street: '9 Heron Way', city: 'Alder Creek', region: 'CA', postalCode: '95990', serviceArea: 'Queue Valley' }],
      meters: [{ id: `mtr-${n}`, servicePointId: `sp-${n}`, serialNumber: `SN-${n}`, kind: 'water', unit: 'gal', intervalMinutes: 60, installedOn: '2024-01-01' }],
      reads,
    });
    expect(res.status).toBe(201);
    const mail = await waitFor(() => env.DB.prepare("SELECT subject, kind FROM outbox_emails WHERE to_address = ?1").bind(email).first<{ subject: string; kind: string }>());
    expect(mail.kind).toBe('alert-opened');
    expect(mail.subject).toMatch(/running/);
    const alerts = await env.DB.prepare('SELECT type, status FROM alerts WHERE account_id = ?1').bind(`acct-${n}`).all();
    expect(alerts.results).toEqual([{ type: 'continuous_flow', status: 'open' }]);

    // The same batch again (already applied), then a correction of one hour under a new batch id:
    // the alert takes the corrected figure, and there is still one alert, one notice, one mail.
    const again = await sendBatch(client, { batchId: `b-${n}`, accounts: [{ id: `acct-${n}`, accountNumber: `AN-${n}`, holderName: 'Pat Example', email }], servicePoints: [{ id: `sp-${n}`, accountId: `acct-${n}`, street: '9 Heron Way', city: 'Alder Creek', region: 'CA', postalCode: '95990', serviceArea: 'Queue Valley' }], meters: [{ id: `mtr-${n}`, servicePointId: `sp-${n}`, serialNumber: `SN-${n}`, kind: 'water', unit: 'gal', intervalMinutes: 60, installedOn: '2024-01-01' }], reads });
    expect((await again.json<{ status: string }>()).status).toBe('already_applied');
    expect((await sendBatch(client, { batchId: `b2-${n}`, reads: [{ ...reads[30]!, value: 1.5 }] })).status).toBe(201);
    await waitFor(async () => {
      const row = await env.DB.prepare('SELECT figures FROM alerts WHERE account_id = ?1').bind(`acct-${n}`).first<{ figures: string }>();
      return row && (JSON.parse(row.figures) as { minPerHour: number }).minPerHour === 1.5;
    });
    const counts = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM alerts WHERE account_id = ?1) AS alerts, (SELECT count(*) FROM alert_notices n JOIN alerts a ON a.id = n.alert_id WHERE a.account_id = ?1) AS notices,
         (SELECT count(*) FROM outbox_emails WHERE to_address = ?2) AS mails`,
    )
      .bind(`acct-${n}`, email)
      .first();
    expect(counts).toEqual({ alerts: 1, notices: 1, mails: 1 });
  });

  /** Runs the worker's own queue() handler on a batch made as the Queues runtime makes it. */
  async function consume(bodies: unknown[]) {
    const batch = createMessageBatch('alert-detection', bodies.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: 1, body })));
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    return getQueueResult(batch, ctx);
  }

  it('acknowledges a message once its meters are evaluated, and its alert is then in D1', async () => {
    const accountId = await givenAccount();
    await givenLogin({ holderOf: [accountId] });
    const meter = await givenMeter({ accountId });
    const today = localDay(Date.now(), TZ);
    await givenReads(meter, eachDay(addDays(today, -30), addDays(today, -1)), (day, slot) => (day >= addDays(today, -2) ? 3 : [7, 19].includes(slot) ? 25 : 0));
    const [message] = detectionMessages({ utilityId: 'test-utility', timeZone: TZ, acceptedAt: new Date(), meterDays: [{ meterId: meter.meterId, day: addDays(today, -2) }, { meterId: meter.meterId, day: addDays(today, -1) }], servicePoints: [] });
    expect(message!.meters).toEqual([[meter.meterId, addDays(today, -2), addDays(today, -1)]]);
    const result = await consume([message]);
    expect(result.explicitAcks).toEqual(['msg-0']);
    expect(result.retryMessages).toEqual([]);
    const alert = await env.DB.prepare('SELECT type, status FROM alerts WHERE meter_id = ?1').bind(meter.meterId).first();
    expect(alert).toEqual({ type: 'continuous_flow', status: 'open' });
    // The same message again (Queues deliver at least once): acknowledged, nothing new.
    expect((await consume([message])).explicitAcks).toEqual(['msg-0']);
    expect((await env.DB.prepare('SELECT count(*) AS n FROM alert_notices n JOIN alerts a ON a.id = n.alert_id WHERE a.meter_id = ?1').bind(meter.meterId).first<{ n: number }>())!.n).toBe(1);
  });

  it('retries a message whose evaluation failed, and logs no meter or account', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const meter = await givenMeter();
    await givenReads(meter, ['2026-10-01'], () => 1);
    // An unknown time zone makes evaluation throw (as a D1 outage would).
    const broken: DetectionMessage = { v: 1, utilityId: 'test-utility', timeZone: 'Nowhere/Atlantis', acceptedAt: new Date().toISOString(), meters: [[meter.meterId, '2026-10-01', '2026-10-01']], servicePoints: [] };
    const result = await consume([broken]);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([expect.objectContaining({ msgId: 'msg-0' })]);
    const logged = errors.mock.calls.map((c) => String(c[0])).join('\n');
    expect(logged).toContain('alerts.evaluation_failed');
    expect(logged).not.toContain(meter.meterId);
    expect(logged).not.toContain(meter.accountId);
    errors.mockRestore();
  });

  it('acknowledges a message it cannot read instead of retrying it for ever', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await consume([{ v: 2, anything: true }, 'not json at all']);
    expect(result.explicitAcks).toEqual(['msg-0', 'msg-1']);
    expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).toContain('alerts.bad_message');
    errors.mockRestore();
  });

  it('splits a large batch into messages of at most 100 meters, and names moved service points once', () => {
    const meterDays = Array.from({ length: 250 }, (_, i) => ({ meterId: `m-${i}`, day: '2026-10-01' }));
    const messages = detectionMessages({ utilityId: 'u', timeZone: TZ, acceptedAt: new Date(), meterDays, servicePoints: ['sp-1'] });
    expect(messages.map((m) => m.meters.length)).toEqual([100, 100, 50]);
    expect(messages.map((m) => m.servicePoints)).toEqual([['sp-1'], [], []]);
    expect(JSON.stringify(messages[0]).length).toBeLessThan(128 * 1024);
  });
});
