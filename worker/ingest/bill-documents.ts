/**
 * PUT /api/ingest/bills/:billId/document — the utility uploads a bill's document (a PDF), signed
 * like every ingest request: the ES256 client assertion binds this exact body (`body_sha256`) and
 * this method and URL (`htm`, `htu`), so a captured upload can neither be replayed, nor carry
 * another file, nor be sent for another bill.
 *
 * The bytes go to R2 (binding BILL_DOCUMENTS) under a key that includes their SHA-256, then the
 * row in D1 points at them. R2 and D1 share no transaction, so the order matters: the object is
 * written first and the row last, so a row never points at a missing object; the replaced
 * object is deleted only after the row points elsewhere. Sending the same document again writes
 * nothing.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AppEnv } from '../app-types';
import { ApiError, fieldsOf, invalidRequest } from '../http/errors';
import { authenticateClient, ingestAudience, sha256Base64url, signedUrl } from './auth';
import { describeRoute } from 'hono-openapi';
import { clientAssertion, errorBody, output, refusals } from './openapi';

/** A bill with inserts and a usage chart is a few hundred KB; 5 MiB leaves room without inviting abuse. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
const MIN_DOCUMENT_BYTES = 64;

/** The one route allowed a body over the API's general 1 MiB limit (worker/index.ts), because it sets its own. */
export const isBillDocumentUpload = (path: string) => /^\/api\/ingest\/bills\/[^/]+\/document$/.test(path);

const params = z.object({ billId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be a bill id') });

/** Enough of the PDF format to refuse what is plainly not one: the header first, an end-of-file marker near the end. */
export function looksLikePdf(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 5));
  const tail = new TextDecoder('latin1').decode(bytes.subarray(Math.max(0, bytes.length - 1024)));
  return head === '%PDF-' && tail.includes('%%EOF');
}

/** The R2 key of a bill's document: the hash in the key keeps a replacement from overwriting the object the row still names. */
export const documentKey = (billId: string, sha256: string) => `bills/${billId}/${sha256}.pdf`;

/** Its OpenAPI description (worker/openapi/). */
const describeBillDocument = describeRoute({
  operationId: 'putBillDocument',
  tags: ['Ingestion'],
  summary: "Store a bill's PDF",
  description: `Signed like every ingest request; at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB. The same document again writes nothing.`,
  security: clientAssertion,
  parameters: [{ name: 'billId', in: 'path', required: true, description: 'The bill, sent in a batch before.', schema: { type: 'string' } }],
  requestBody: { required: true, content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
  responses: {
    200: { description: 'Unchanged or replaced.' },
    201: { description: 'Stored.' },
    ...refusals,
    404: { description: 'No such bill of this client\'s utility.', content: { 'application/json': { schema: output(errorBody) } } },
  },
});

export const billDocuments = new Hono<AppEnv>().put(
  '/:billId/document',
  describeBillDocument,
  bodyLimit({
    maxSize: MAX_DOCUMENT_BYTES,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `A bill document may be at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB.`);
    },
  }),
  async (c) => {
    const db = c.env.DB;
    const { client, body } = await authenticateClient(db, c.req.header('authorization'), () => c.req.arrayBuffer(), ingestAudience(c.env.PORTAL_ORIGIN), { method: c.req.method, url: signedUrl(c.env.PORTAL_ORIGIN, c.req.url) });

    const param = params.safeParse(c.req.param());
    if (!param.success) throw invalidRequest(fieldsOf(param.error));
    const { billId } = param.data;
    const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/pdf') throw new ApiError(415, 'unsupported_media_type', 'Send the bill document as application/pdf.');
    if (body.length < MIN_DOCUMENT_BYTES || !looksLikePdf(body)) throw invalidRequest([{ field: '(body)', message: 'is not a PDF document (it must start with %PDF- and end with %%EOF)' }]);

    const bill = await db
      .prepare('SELECT b.id, a.utility_id AS utilityId, d.sha256, d.object_key AS objectKey FROM bills b JOIN accounts a ON a.id = b.account_id LEFT JOIN bill_documents d ON d.bill_id = b.id WHERE b.id = ?1')
      .bind(billId)
      .first<{ id: string; utilityId: string; sha256: string | null; objectKey: string | null }>();
    // Another utility's bill answers exactly as a missing one.
    if (!bill || bill.utilityId !== client.utilityId) throw new ApiError(404, 'not_found', 'No bill with this id: send the bill in a batch first.');

    const sha256 = await sha256Base64url(body);
    if (bill.sha256 === sha256) return c.json({ status: 'unchanged', billId, sizeBytes: body.length, sha256 }, 200);

    const key = documentKey(billId, sha256);
    await c.env.BILL_DOCUMENTS.put(key, body, {
      httpMetadata: { contentType: 'application/pdf' },
      sha256: await crypto.subtle.digest('SHA-256', body),
      customMetadata: { billId },
    });
    try {
      await db
        .prepare(
          `INSERT INTO bill_documents (bill_id, object_key, content_type, size_bytes, sha256) VALUES (?1, ?2, 'application/pdf', ?3, ?4)
           ON CONFLICT (bill_id) DO UPDATE SET object_key = excluded.object_key, content_type = excluded.content_type, size_bytes = excluded.size_bytes,
             sha256 = excluded.sha256, uploaded_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
        )
        .bind(billId, key, body.length, sha256)
        .run();
    } catch (e) {
      await c.env.BILL_DOCUMENTS.delete(key).catch(() => undefined);
      throw e;
    }
    if (bill.objectKey && bill.objectKey !== key) await c.env.BILL_DOCUMENTS.delete(bill.objectKey);
    return c.json({ status: bill.objectKey ? 'replaced' : 'stored', billId, sizeBytes: body.length, sha256 }, bill.objectKey ? 200 : 201);
  },
);
