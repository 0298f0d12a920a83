/**
 * The data custodian API of Connect My Data: what a third party gets with a valid token (only the
 * meters, blocks, history and tenure the customer authorised, for water and electricity), that
 * every release lands in the customer's disclosure log, and the notifications of new data through
 * the queue with their retries. (Schema validity of each resource: test/site/connect-my-data-espi-schema.test.ts.)
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { handleNotificationBatch, notificationMessages, notifyNewData, retryDelay, type NotificationMessage } from '../../worker/connect-my-data/notify';
import { parseEspiPath } from '../../worker/connect-my-data/espi';
import { addDays, localDay } from '../../worker/usage/time';
import { espiGet, givenApplication, ORIGIN, portalFetch, tokensFor } from './support/connect-fixtures';
import { givenAccount, signedIn } from './support/sign-in';
import { givenMeter, givenReads, TZ } from './support/usage-fixtures';

const today = () => localDay(Date.now(), TZ);
const days = () => [addDays(today(), -3), addDays(today(), -2), addDays(today(), -1)];
const compact = (d: string) => d.replaceAll('-', '');

async function customerWithReads() {
  const electric = await givenMeter({ kind: 'electric' });
  const water = await givenMeter({ kind: 'water', accountId: electric.accountId });
  await givenReads(electric, days(), (_d, slot) => 0.25 + slot / 1000, (_d, slot) => (slot === 3 ? 'E' : 'A'));
  await givenReads(water, days(), () => 2);
  const { cookie } = await signedIn({ holderOf: [electric.accountId] });
  return { cookie, accountId: electric.accountId, electric, water };
}

const disclosuresOf = (accountId: string) => env.DB.prepare('SELECT recipient_kind AS kind, recipient_label AS label, authority, description, resource, records FROM disclosures WHERE account_id = ?1 ORDER BY released_at').bind(accountId).all<{ kind: string; label: string; authority: string; description: string; resource: string; records: number }>();

describe('the ESPI resource API', () => {
  it('serves the authorised subscription as an Atom feed, water and electricity, and logs the release', async () => {
    const c = await customerWithReads();
    const app = await givenApplication({ name: 'Home Energy Coach' });
    const t = await tokensFor(c.cookie, app, [c.electric.meterId, c.water.meterId]);
    const res = await espiGet(`${t.resourceURI}?published-min=2000-01-01T00:00:00Z`, t.access_token);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/atom+xml; charset=utf-8');
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    expect(xml.match(/<espi:UsagePoint>/g)).toHaveLength(2);
    expect(xml).toContain('<espi:kind>0</espi:kind>'); // electricity
    expect(xml).toContain('<espi:kind>2</espi:kind>'); // water
    expect(xml.match(/<espi:IntervalBlock>/g)).toHaveLength(6);
    expect(xml).toContain('<espi:ReadingQuality><espi:quality>8</espi:quality></espi:ReadingQuality>');
    expect(xml).not.toContain(c.electric.meterId);
    expect(xml).not.toContain(c.accountId);
    const log = (await disclosuresOf(c.accountId)).results;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ kind: 'third_party', label: 'Home Energy Coach', authority: t.authorizationURI.split('/').pop(), resource: new URL(t.resourceURI).pathname });
    expect(log[0]!.description).toMatch(/^Electricity and Water data, meter reads, /);
    expect(log[0]!.records).toBeGreaterThan(96 * 3);
  });

  it('serves each resource on its own, and logs each call', async () => {
    const c = await customerWithReads();
    const app = await givenApplication();
    const t = await tokensFor(c.cookie, app, [c.water.meterId]);
    const feed = await (await espiGet(t.resourceURI.replace('/Batch/Subscription/', '/Subscription/') + '/UsagePoint', t.access_token)).text();
    const up = /UsagePoint\/([0-9a-f]{8})"/.exec(feed)![1]!;
    const sub = t.resourceURI.replace('/Batch/Subscription/', '/Subscription/');
    for (const path of [`${sub}/UsagePoint/${up}`, `${sub}/UsagePoint/${up}/MeterReading`, `${sub}/UsagePoint/${up}/MeterReading/1`, `${sub}/UsagePoint/${up}/MeterReading/1/IntervalBlock`, `${sub}/UsagePoint/${up}/MeterReading/1/IntervalBlock/${compact(days()[1]!)}`, `${sub}/UsagePoint/${up}/UsageSummary`, t.authorizationURI]) {
      const res = await espiGet(path, t.access_token);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toMatch(/<(feed|entry) xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    }
    const rt = /ReadingType\/([\w-]+)"/.exec(await (await espiGet(`${sub}/UsagePoint/${up}/MeterReading`, t.access_token)).text())![1]!;
    expect((await espiGet(t.resourceURI.replace(/Batch\/Subscription\/.*/, `ReadingType/${rt}`), t.access_token)).status).toBe(200);
    expect((await espiGet(t.resourceURI.replace(/Batch\/Subscription\/.*/, `LocalTimeParameters/${up}`), t.access_token)).status).toBe(200);
    // A day before the authorised history, a usage point not chosen, nonsense: 404, and not logged.
    const before = (await disclosuresOf(c.accountId)).results.length;
    for (const path of [`${sub}/UsagePoint/${up}/MeterReading/1/IntervalBlock/20000101`, `${sub}/UsagePoint/00000000`, `${sub}/Nothing`, `${sub}/UsagePoint/${up}/MeterReading/2`]) expect((await espiGet(path, t.access_token)).status, path).toBe(404);
    expect((await disclosuresOf(c.accountId)).results.length).toBe(before);
    expect(before).toBe(11);
  });

  it('serves only what the customer narrowed it to: the meters and blocks chosen, the history shortened', async () => {
    const c = await customerWithReads();
    const app = await givenApplication();
    const t = await tokensFor(c.cookie, app, [c.electric.meterId], { block: [4], historyDays: 2 });
    const xml = await (await espiGet(t.resourceURI, t.access_token)).text();
    expect(xml.match(/<espi:UsagePoint>/g)).toHaveLength(1);
    expect(xml).not.toContain('<espi:kind>2</espi:kind>');
    // Only the last two days (history 2), and no read quality (block 5 was not granted).
    expect(xml.match(/<espi:IntervalBlock>/g)).toHaveLength(2);
    expect(xml).not.toContain(`Reads for ${days()[0]}`);
    expect(xml).not.toContain('ReadingQuality');
    const sub = t.resourceURI.replace('/Batch/Subscription/', '/Subscription/');
    const up = /UsagePoint\/([0-9a-f]{8})"/.exec(xml)![1]!;
    expect((await espiGet(`${sub}/UsagePoint/${up}/UsageSummary`, t.access_token)).status).toBe(404);
  });

  it('sums 15-minute reads into the interval the application asked for', async () => {
    const c = await customerWithReads();
    const app = await givenApplication({ scope: 'FB=1_4;IntervalDuration=3600;HistoryLength=8640000' });
    const t = await tokensFor(c.cookie, app, [c.electric.meterId], { block: [4] });
    const xml = await (await espiGet(t.resourceURI, t.access_token)).text();
    expect(xml).toContain('<espi:intervalLength>3600</espi:intervalLength>');
    expect(xml).not.toContain('<espi:duration>900</espi:duration>');
  });

  it('shows a third party only the days within the authorising customer’s tenure', async () => {
    const c = await customerWithReads();
    const [d1, d2, d3] = days();
    // The service point changes hands: the old holder to d2, the new one from d3.
    const newAccount = await givenAccount();
    const sp = (await env.DB.prepare('SELECT service_point_id AS sp FROM meters WHERE id = ?1').bind(c.electric.meterId).first<{ sp: string }>())!.sp;
    await env.DB.batch([
      env.DB.prepare('UPDATE service_point_tenures SET end_day = ?2 WHERE service_point_id = ?1').bind(sp, d2),
      env.DB.prepare('INSERT INTO service_point_tenures (service_point_id, account_id, start_day, end_day) VALUES (?1, ?2, ?3, NULL)').bind(sp, newAccount, d3),
      env.DB.prepare('UPDATE service_points SET account_id = ?2 WHERE id = ?1').bind(sp, newAccount),
    ]);
    const app = await givenApplication();
    const old = await tokensFor(c.cookie, app, [c.electric.meterId]);
    const oldXml = await (await espiGet(old.resourceURI, old.access_token)).text();
    expect(oldXml).toContain(`Reads for ${d1}`);
    expect(oldXml).toContain(`Reads for ${d2}`);
    expect(oldXml).not.toContain(`Reads for ${d3}`);
    const newcomer = await signedIn({ holderOf: [newAccount] });
    const fresh = await tokensFor(newcomer.cookie, app, [c.electric.meterId]);
    const freshXml = await (await espiGet(fresh.resourceURI, fresh.access_token)).text();
    expect(freshXml).not.toContain(`Reads for ${d1}`);
    expect(freshXml).not.toContain(`Reads for ${d2}`);
    expect(freshXml).toContain(`Reads for ${d3}`);
  });

  it('parses only the resource paths it serves', () => {
    expect(parseEspiPath('Batch/Subscription/abc')).toEqual({ kind: 'batch', subscription: 'abc' });
    expect(parseEspiPath('Subscription/abc/UsagePoint/0a1b2c3d/MeterReading/1/IntervalBlock/20261101')).toEqual({ kind: 'interval_block', subscription: 'abc', usagePoint: '0a1b2c3d', day: '2026-11-01' });
    for (const bad of ['', 'Subscription', 'Subscription/abc/UsagePoint/x/MeterReading/1/IntervalBlock/20261399', 'Subscription/a b', 'Subscription/abc/UsagePoint/x/Other', '../etc/passwd']) expect(parseEspiPath(bad), bad).toBeNull();
  });
});

describe('notifications of new data', () => {
  it('names the subscriptions of live authorisations covering the meters written, per application', async () => {
    const c = await customerWithReads();
    const app = await givenApplication();
    const other = await givenApplication();
    const t = await tokensFor(c.cookie, app, [c.electric.meterId]);
    await tokensFor(c.cookie, other, [c.water.meterId]);
    const messages = await notificationMessages(env.DB, 'https://portal.example', [c.electric.meterId], new Date());
    expect(messages).toEqual([{ v: 1, applicationId: app.clientId, resources: [`https://portal.example${new URL(t.resourceURI).pathname}`] }]);
    // Once the customer stops it, there is nothing more to tell.
    await portalFetch('/api/connect/authorizations/revoke', { method: 'POST', headers: { Cookie: c.cookie, 'Content-Type': 'application/json', Origin: ORIGIN }, body: JSON.stringify({ authorization: t.authorizationURI.split('/').pop() }) });
    expect(await notificationMessages(env.DB, 'https://portal.example', [c.electric.meterId], new Date())).toEqual([]);
  });

  it('puts them on the queue after ingest, and never fails the batch when the queue refuses', async () => {
    const c = await customerWithReads();
    const app = await givenApplication();
    await tokensFor(c.cookie, app, [c.electric.meterId]);
    const sent: unknown[] = [];
    const queue = { sendBatch: async (m: unknown[]) => void sent.push(...m) } as unknown as Queue;
    expect(await notifyNewData({ DB: env.DB, PORTAL_ORIGIN: 'https://portal.example', CONNECT_NOTIFY_QUEUE: queue }, [c.electric.meterId, c.electric.meterId])).toBe(1);
    expect(sent).toHaveLength(1);
    const broken = { sendBatch: async () => Promise.reject(new Error('queue down')) } as unknown as Queue;
    expect(await notifyNewData({ DB: env.DB, PORTAL_ORIGIN: 'https://portal.example', CONNECT_NOTIFY_QUEUE: broken }, [c.electric.meterId])).toBe(0);
  });

  async function deliver(bodies: NotificationMessage[], send: typeof fetch, attempts = 1) {
    const batch = createMessageBatch('connect-notifications', bodies.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts, body })));
    const ctx = createExecutionContext();
    await handleNotificationBatch(batch, env, send);
    return getQueueResult(batch, ctx);
  }

  it('POSTs a BatchList to the notify URI, and retries a refusal or a network failure with a growing delay', async () => {
    const app = await givenApplication();
    const posts: { url: string; body: string; type: string | null }[] = [];
    const ok = (async (url: string, init: RequestInit) => (posts.push({ url, body: String(init.body), type: new Headers(init.headers).get('Content-Type') }), new Response(null, { status: 204 }))) as unknown as typeof fetch;
    const message: NotificationMessage = { v: 1, applicationId: app.clientId, resources: ['https://portal.example/api/espi/1_1/resource/Batch/Subscription/abc'] };
    const delivered = await deliver([message], ok);
    expect(delivered.explicitAcks).toEqual(['msg-0']);
    expect(posts).toEqual([{ url: app.notifyUri, type: 'application/atom+xml; charset=utf-8', body: expect.stringContaining('<espi:BatchList xmlns:espi="http://naesb.org/espi"><espi:resources>https://portal.example/api/espi/1_1/resource/Batch/Subscription/abc</espi:resources></espi:BatchList>') }]);

    const refused = await deliver([message], (async () => new Response('busy', { status: 503 })) as unknown as typeof fetch, 3);
    expect(refused.explicitAcks).toEqual([]);
    expect(refused.retryMessages.map((m) => m.msgId)).toEqual(['msg-0']);
    expect(retryDelay(3)).toBe(8);
    const offline = await deliver([message], (async () => Promise.reject(new Error('offline'))) as unknown as typeof fetch, 10);
    expect(offline.retryMessages.map((m) => m.msgId)).toEqual(['msg-0']);
    expect(retryDelay(10)).toBe(300);
  });

  it('drops a notification for an application no longer in production, and a malformed message', async () => {
    const app = await givenApplication({ status: 'on_hold' });
    let calls = 0;
    const send = (async () => (calls++, new Response(null, { status: 200 }))) as unknown as typeof fetch;
    const result = await deliver([{ v: 1, applicationId: app.clientId, resources: ['https://x.example/r'] }, { nonsense: true } as unknown as NotificationMessage], send);
    expect(result.explicitAcks).toEqual(['msg-0', 'msg-1']);
    expect(calls).toBe(0);
  });
});
