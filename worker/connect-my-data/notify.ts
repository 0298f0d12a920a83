/**
 * Notifications of new data to third parties (ESPI's BatchList): once an ingest batch commits,
 * `notifyNewData` finds the live authorisations covering the meters it wrote and puts one message
 * per application on the Queue `connect-notifications` (wrangler.toml). The queue() handler POSTs
 * a BatchList of the changed subscriptions' batch URIs to the application's notify URI; a refusal
 * or a network failure is retried after 2^attempts seconds (at most 5 minutes), and after the
 * queue's max_retries the message rests in `connect-notifications-failed`.
 * Messages hold an application id and resource URIs only: no meter, no account, no reads.
 */
import { z } from 'zod';
import { xmlEscape } from '../usage/export';

export const RESOURCES_PER_MESSAGE = 100;
/** The queue's name in wrangler.toml (the queue() handler tells its batches apart by it). */
export const CONNECT_NOTIFY_QUEUE = 'connect-notifications';

export const notificationMessage = z.object({ v: z.literal(1), applicationId: z.string().min(1).max(100), resources: z.array(z.string().max(500)).min(1).max(RESOURCES_PER_MESSAGE) });
export type NotificationMessage = z.infer<typeof notificationMessage>;

/** The body ESPI's notification carries: `<BatchList>` of resource URIs. */
export function batchListXml(resources: string[]) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<espi:BatchList xmlns:espi="http://naesb.org/espi">${resources.map((r) => `<espi:resources>${xmlEscape(r)}</espi:resources>`).join('')}</espi:BatchList>\n`;
}

/** The messages for meters that got new data: per application, the batch URIs of its live authorisations covering them. */
export async function notificationMessages(db: D1Database, origin: string, meterIds: string[], now: Date): Promise<NotificationMessage[]> {
  if (meterIds.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT DISTINCT a.application_id AS applicationId, a.subscription_id AS subscriptionId
         FROM cmd_authorization_meters am JOIN cmd_authorizations a ON a.id = am.authorization_id JOIN cmd_applications p ON p.id = a.application_id
        WHERE am.meter_id IN (SELECT value FROM json_each(?1)) AND a.ended_at IS NULL AND a.ends_at > ?2 AND p.status = 'production'
        ORDER BY a.application_id, a.subscription_id`,
    )
    .bind(JSON.stringify([...new Set(meterIds)]), now.toISOString())
    .all<{ applicationId: string; subscriptionId: string }>();
  const base = `${origin.replace(/\/$/, '')}/api/espi/1_1/resource/Batch/Subscription/`;
  const byApp = new Map<string, string[]>();
  for (const r of results) byApp.set(r.applicationId, [...(byApp.get(r.applicationId) ?? []), `${base}${r.subscriptionId}`]);
  const out: NotificationMessage[] = [];
  for (const [applicationId, resources] of byApp) {
    for (let i = 0; i < resources.length; i += RESOURCES_PER_MESSAGE) out.push({ v: 1, applicationId, resources: resources.slice(i, i + RESOURCES_PER_MESSAGE) });
  }
  return out;
}

/**
 * Ingest's call once a batch has committed. Like the alert hand-off, a failure is logged (counts
 * only) and never an error for the utility: the data is in, and the application still gets it at
 * its next scheduled fetch.
 */
export async function notifyNewData(env: Pick<Env, 'DB' | 'CONNECT_NOTIFY_QUEUE' | 'PORTAL_ORIGIN'>, meterIds: string[]) {
  try {
    const messages = await notificationMessages(env.DB, env.PORTAL_ORIGIN, meterIds, new Date());
    for (let i = 0; i < messages.length; i += 100) await env.CONNECT_NOTIFY_QUEUE.sendBatch(messages.slice(i, i + 100).map((body) => ({ body })));
    return messages.length;
  } catch (e) {
    console.error(JSON.stringify({ level: 'error', event: 'connect.enqueue_failed', meters: meterIds.length, error: e instanceof Error ? e.name : 'unknown' }));
    return 0;
  }
}

export const retryDelay = (attempts: number) => Math.min(300, 2 ** attempts);

/**
 * The queue() handler for `connect-notifications`: one POST per message. Delivered (2xx) or no
 * longer wanted (the application left production) is acknowledged; anything else is retried.
 */
export async function handleNotificationBatch(batch: MessageBatch<unknown>, env: Pick<Env, 'DB'>, send: typeof fetch = fetch) {
  for (const message of batch.messages) {
    const parsed = notificationMessage.safeParse(message.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ level: 'error', event: 'connect.bad_message', id: message.id }));
      message.ack();
      continue;
    }
    const app = await env.DB.prepare('SELECT notify_uri AS notifyUri, status FROM cmd_applications WHERE id = ?1').bind(parsed.data.applicationId).first<{ notifyUri: string; status: string }>();
    if (!app || app.status !== 'production') {
      message.ack();
      continue;
    }
    let status = 0;
    try {
      const res = await send(app.notifyUri, { method: 'POST', headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' }, body: batchListXml(parsed.data.resources), redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      status = res.status;
      await res.body?.cancel();
    } catch {
      status = 0;
    }
    if (status >= 200 && status < 300) {
      message.ack();
      console.log(JSON.stringify({ level: 'info', event: 'connect.notified', id: message.id, resources: parsed.data.resources.length }));
    } else {
      console.error(JSON.stringify({ level: 'error', event: 'connect.notify_failed', id: message.id, attempts: message.attempts, status }));
      message.retry({ delaySeconds: retryDelay(message.attempts) });
    }
  }
}
