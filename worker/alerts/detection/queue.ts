/**
 * The hand-off from ingest to detection through the Cloudflare Queue `alert-detection`
 * (wrangler.toml): ingest sends, after its batch commits, which days of which meters it wrote and
 * which service points changed holder; the worker's queue() handler evaluates them
 * (evaluate.ts) and hands each notice written to delivery.
 *
 * Messages hold ids and days only (no reads, no personal data), and at most METERS_PER_MESSAGE
 * meters each, well under the 128 KB message limit. Evaluation is idempotent, so a message
 * delivered twice, or retried after a failure, changes nothing the second time.
 */
import { z } from 'zod';
import { deliverAlert } from '../delivery/deliver-alert';
import { localDay } from '../../usage/time';
import { usageShards } from '../../usage/shards';
import { closeAfterMoveOutStatement, evaluateMeters, type MeterWork } from './evaluate';

export const METERS_PER_MESSAGE = 100;
/** Queues accept at most 100 messages per sendBatch call. */
const MESSAGES_PER_SEND = 100;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const detectionMessage = z.object({
  v: z.literal(1),
  utilityId: z.string(),
  timeZone: z.string(),
  /** When ingest accepted the batch (UTC ISO), for the batch-to-outbox latency figure. */
  acceptedAt: z.string(),
  /** [meter id, first changed day, last changed day]. */
  meters: z.array(z.tuple([z.string(), day, day])),
  /** Service points whose holder changed in the batch: the former holder's open alerts end. */
  servicePoints: z.array(z.string()).default([]),
});
export type DetectionMessage = z.infer<typeof detectionMessage>;

/** Per meter, the first and last day the batch wrote. */
export function changedRanges(meterDays: Iterable<{ meterId: string; day: string }>): [string, string, string][] {
  const ranges = new Map<string, [string, string]>();
  for (const { meterId, day } of meterDays) {
    const r = ranges.get(meterId);
    if (!r) ranges.set(meterId, [day, day]);
    else {
      if (day < r[0]) r[0] = day;
      if (day > r[1]) r[1] = day;
    }
  }
  return [...ranges].map(([id, [from, to]]) => [id, from, to]);
}

/** The messages for one committed batch. */
export function detectionMessages(input: { utilityId: string; timeZone: string; acceptedAt: Date; meterDays: Iterable<{ meterId: string; day: string }>; servicePoints: string[] }): DetectionMessage[] {
  const meters = changedRanges(input.meterDays);
  const base = { v: 1 as const, utilityId: input.utilityId, timeZone: input.timeZone, acceptedAt: input.acceptedAt.toISOString() };
  const out: DetectionMessage[] = [];
  for (let i = 0; i < meters.length; i += METERS_PER_MESSAGE) out.push({ ...base, meters: meters.slice(i, i + METERS_PER_MESSAGE), servicePoints: [] });
  if (input.servicePoints.length) {
    if (out.length === 0) out.push({ ...base, meters: [], servicePoints: input.servicePoints });
    else out[0]!.servicePoints = input.servicePoints;
  }
  return out;
}

/** Sends the messages; returns how many were sent. */
export async function sendDetection(queue: Queue, messages: DetectionMessage[]) {
  for (let i = 0; i < messages.length; i += MESSAGES_PER_SEND) {
    await queue.sendBatch(messages.slice(i, i + MESSAGES_PER_SEND).map((body) => ({ body, contentType: 'json' as const })));
  }
  return messages.length;
}

/**
 * Ingest's hand-off, called once its batch has committed. The batch is already applied, so a
 * failure to enqueue must not turn into an error for the utility: it is logged (batch id and
 * counts only) and the next batch for those meters evaluates their days again, since evaluation
 * always reaches back to an open alert's last day and to the days a message names.
 */
export async function handOffToDetection(
  env: Pick<Env, 'ALERT_QUEUE'>,
  input: { utilityId: string; timeZone: string; batchId: string; patches: { meterId: string; day: string }[]; tenure: { moves: { sp: string }[]; starts: { sp: string }[] } },
) {
  const servicePoints = [...new Set([...input.tenure.moves.map((m) => m.sp), ...input.tenure.starts.map((s) => s.sp)])];
  const messages = detectionMessages({ utilityId: input.utilityId, timeZone: input.timeZone, acceptedAt: new Date(), meterDays: input.patches, servicePoints });
  try {
    return await sendDetection(env.ALERT_QUEUE, messages);
  } catch (e) {
    console.error(JSON.stringify({ level: 'error', event: 'alerts.enqueue_failed', batchId: input.batchId, messages: messages.length, error: e instanceof Error ? e.name : 'unknown' }));
    return 0;
  }
}

/** Evaluates one message and hands each notice written to delivery. */
export async function processDetectionMessage(env: Env, body: DetectionMessage, options: { now?: Date; ctx?: ExecutionContext } = {}) {
  const work: MeterWork[] = body.meters.map(([meterId, from, to]) => ({ meterId, from, to }));
  const result = await evaluateMeters(env.DB, usageShards(env), work, { utilityId: body.utilityId, timeZone: body.timeZone, now: options.now });
  if (body.servicePoints.length) {
    const today = localDay((options.now ?? new Date()).getTime(), body.timeZone);
    const { results } = await env.DB.prepare('SELECT id FROM meters WHERE service_point_id IN (SELECT value FROM json_each(?1))').bind(JSON.stringify(body.servicePoints)).all<{ id: string }>();
    if (results.length) result.closedMovedOut += (await closeAfterMoveOutStatement(env.DB, today, { meterIds: results.map((r) => r.id) }).run()).meta.changes ?? 0;
  }
  for (const notice of result.notices) await deliverAlert(env, notice.id, options.ctx);
  return result;
}

/**
 * The queue() handler: each message is acknowledged once evaluated, or retried (with a growing
 * delay) when evaluation failed, e.g. two batches for one meter evaluated at once and the second
 * met the first's new alert. The log line names the message, never a meter or an account.
 */
export async function handleDetectionBatch(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext) {
  for (const message of batch.messages) {
    const parsed = detectionMessage.safeParse(message.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ level: 'error', event: 'alerts.bad_message', id: message.id }));
      message.ack();
      continue;
    }
    try {
      const started = Date.now();
      const result = await processDetectionMessage(env, parsed.data, { ctx });
      message.ack();
      // Counts only (Workers Logs keeps them): how much detection did, and how long it took.
      console.log(JSON.stringify({ level: 'info', event: 'alerts.evaluated', meters: result.meters, notices: result.notices.length, ms: Date.now() - started }));
    } catch (e) {
      console.error(JSON.stringify({ level: 'error', event: 'alerts.evaluation_failed', id: message.id, attempts: message.attempts, error: e instanceof Error ? e.name : 'unknown' }));
      message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
    }
  }
}
