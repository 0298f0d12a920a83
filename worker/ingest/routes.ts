import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { handOffToDetection } from '../alerts/detection/queue';
import { notifyNewData } from '../connect-my-data/notify';
import type { AppEnv } from '../app-types';
import { ApiError, fieldsOf, invalidRequest } from '../http/errors';
import { authenticateClient, ingestAudience, sha256Base64url, signedUrl } from './auth';
import { batchEnvelope, batchStatements, BatchProblems, checkBatch, csvToRows, parseRows, sections, summaryOf, type RawBatch, type Section } from './batch';
import { billDocuments } from './bill-documents';
import { billingCsvNumbers, billingStatements, checkBilling } from './billing';
import { describeBatches } from './openapi';
import { usageShards } from '../usage/shards';
import { writeDays } from '../usage/store';
import { GreenButtonError, greenButtonReads, isGreenButtonType, MAX_GREEN_BUTTON_BYTES, utilityMeters } from './green-button';

const csvQuery = z.object({
  section: z.enum(sections),
  batchId: z.string(),
});
/** Green Button XML: the batch id, and the meter when the file holds one UsagePoint (./green-button.ts). */
const xmlQuery = z.object({
  batchId: z.string(),
  meterId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be a meter id').optional(),
});

/** A Green Button file may be larger than the API's 1 MiB (worker/index.ts leaves it to this). */
const xmlBodyLimit = bodyLimit({
  maxSize: MAX_GREEN_BUTTON_BYTES,
  onError: () => {
    throw new ApiError(413, 'payload_too_large', `The Green Button file is larger than ${MAX_GREEN_BUTTON_BYTES / 1024 / 1024} MiB; split it into batches.`);
  },
});

/** The largest number of problems listed in one rejection report. */
const MAX_REPORTED = 1000;

/**
 * POST /api/ingest/batches — the utility's systems push accounts, service points, meters and
 * reads. JSON: {batchId, accounts?, servicePoints?, meters?, reads?, days?}. CSV: one section per
 * request, `?section=reads&batchId=…`, a header row of column names.
 * Billing sections (bills?, billLines?, payments?, adjustments?, balances?) ride in the same
 * batch and transaction: see ./billing.ts. Green Button (ESPI Atom XML): `?batchId=…[&meterId=…]`,
 * its IntervalReadings become `reads` rows (./green-button.ts).
 */
export const ingest = new Hono<AppEnv>().post('/batches', describeBatches, (c, next) => (isGreenButtonType(c.req.header('content-type')) ? xmlBodyLimit(c, next) : next()), async (c) => {
  const db = c.env.DB;
  const { client, body } = await authenticateClient(db, c.req.header('authorization'), () => c.req.arrayBuffer(), ingestAudience(c.env.PORTAL_ORIGIN), { method: c.req.method, url: signedUrl(c.env.PORTAL_ORIGIN, c.req.url) });
  const utility = await db.prepare('SELECT time_zone AS timeZone FROM utilities WHERE id = ?1').bind(client.utilityId).first<{ timeZone: string }>();
  if (!utility) throw new ApiError(409, 'conflict', 'This client belongs to no configured utility.');

  const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body);
  let raw: RawBatch;
  let lines: Partial<Record<Section, number[]>> | undefined;
  if (contentType === 'application/json') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw invalidRequest([{ field: '(body)', message: 'is not valid JSON' }]);
    }
    const envelope = batchEnvelope.safeParse(json);
    if (!envelope.success) throw invalidRequest(fieldsOf(envelope.error));
    raw = envelope.data;
  } else if (contentType === 'text/csv') {
    const query = csvQuery.safeParse(c.req.query());
    if (!query.success) throw invalidRequest(fieldsOf(query.error));
    const csv = csvToRows(query.data.section, text);
    if ('error' in csv) throw invalidRequest([{ field: '(body)', message: csv.error }]);
    const envelope = batchEnvelope.safeParse({ batchId: query.data.batchId, [query.data.section]: billingCsvNumbers(csv.rows) });
    if (!envelope.success) throw invalidRequest(fieldsOf(envelope.error));
    raw = envelope.data;
    lines = { [query.data.section]: csv.lines };
  } else if (isGreenButtonType(contentType)) {
    const query = xmlQuery.safeParse(c.req.query());
    if (!query.success) throw invalidRequest(fieldsOf(query.error));
    let xml;
    try {
      xml = await greenButtonReads(text, { meterId: query.data.meterId, timeZone: utility.timeZone, lookUpMeters: (ids) => utilityMeters(db, client.utilityId, ids) });
    } catch (e) {
      if (e instanceof GreenButtonError) throw new ApiError(422, 'batch_rejected', `The Green Button file was refused and nothing was written: ${e.problems.length} problem(s).`, e.problems.slice(0, MAX_REPORTED));
      throw e;
    }
    const envelope = batchEnvelope.safeParse({ batchId: query.data.batchId, reads: xml.reads });
    if (!envelope.success) throw invalidRequest(fieldsOf(envelope.error));
    raw = envelope.data;
    lines = { reads: xml.lines };
  } else {
    throw new ApiError(415, 'unsupported_media_type', 'Send application/json, text/csv or Green Button XML (application/atom+xml).');
  }

  // Idempotence: the same batch id with the same body was applied before; answer as then.
  const bodySha256 = await sha256Base64url(body);
  const prior = await db
    .prepare('SELECT body_sha256 AS sha, summary FROM ingest_batches WHERE client_id = ?1 AND batch_id = ?2')
    .bind(client.id, raw.batchId)
    .first<{ sha: string; summary: string }>();
  if (prior) {
    if (prior.sha !== bodySha256) throw new ApiError(409, 'batch_id_reused', 'This batch id was already used for a different batch; nothing was written.');
    return c.json({ status: 'already_applied', batchId: raw.batchId, summary: JSON.parse(prior.summary) as unknown }, 200);
  }

  const problems = new BatchProblems();
  const batch = parseRows(raw, problems, lines);
  const shards = usageShards(c.env);
  const checked = await checkBatch(db, shards, client.utilityId, utility.timeZone, batch, problems);
  const billing = await checkBilling(db, client.utilityId, utility.timeZone, batch, problems);
  if (!problems.empty) {
    const listed = problems.list.slice(0, MAX_REPORTED);
    const more = problems.list.length - listed.length;
    throw new ApiError(422, 'batch_rejected', `The batch was refused and nothing was written: ${problems.list.length} problem(s) in its rows${more > 0 ? ` (the first ${MAX_REPORTED} are listed)` : ''}.`, listed);
  }

  // The day rows first, each shard in one transaction; should the primary database's batch below
  // then fail, the shards are put back as they were (and a batch cut short in between is healed by
  // sending it again: writing the same rows twice leaves the same rows and sums).
  const days = await writeDays(shards, checked.patches);
  try {
    await db.batch(batchStatements(db, client.id, client.utilityId, bodySha256, batch, checked, billingStatements(db, billing, c.env.PORTAL_ORIGIN)));
  } catch (e) {
    // D1 runs a batch as one transaction: a failing statement rolls every other one back.
    const message = e instanceof Error ? e.message : '';
    const constraint = /(UNIQUE|FOREIGN KEY|CHECK|NOT NULL) constraint failed(?:: ([\w.]+))?/.exec(message);
    // The same batch applied by a concurrent request wrote these very rows: they stay.
    const concurrent = constraint?.[2]?.startsWith('ingest_batches') ?? false;
    if (!concurrent) await days.undo();
    if (constraint) {
      if (concurrent) {
        throw new ApiError(409, 'batch_in_progress', 'This batch id was applied by a concurrent request; nothing more was written.');
      }
      throw new ApiError(409, 'batch_conflict', `The batch conflicts with data already held (${constraint[1]} constraint${constraint[2] ? ` on ${constraint[2]}` : ''}); nothing was written.`);
    }
    throw e;
  }
  // After the commit, so detection reads what landed: the days written and the changes of holder.
  await handOffToDetection(c.env, { utilityId: client.utilityId, timeZone: utility.timeZone, batchId: raw.batchId, patches: checked.patches, tenure: checked.tenure });
  await notifyNewData(c.env, checked.patches.map((p) => p.meterId));
  return c.json({ status: 'applied', batchId: raw.batchId, summary: summaryOf(batch, checked) }, 201);
});

// PUT /api/ingest/bills/:billId/document: a bill's PDF, with the same client authentication (./bill-documents.ts).
ingest.route('/bills', billDocuments);
