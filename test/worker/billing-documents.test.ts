import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { billPdf } from '../../db/demo/bill-pdf';
import { MAX_DOCUMENT_BYTES } from '../../worker/ingest/bill-documents';
import { signClientAssertion } from '../../worker/ingest/client-assertion';
import { count, documentPath, givenBilledAccount, givenOtherUtilityAccount, uploadDocument } from './support/billing-fixtures';
import { db, signedIn, uniqueId } from './support/sign-in';
import { audience, get, givenIngestClient, ingestUrl } from './support/usage-fixtures';
import { sessions } from '../../db/schema';
import { eq } from 'drizzle-orm';

type Rejection = { error: { code: string; message: string; fields?: { field: string; message: string }[] } };

const pdf = (label = 'Alder Creek Water & Power - bill', padToBytes?: number) => billPdf([label, 'Account 4100007919', 'Amount due $111.39'], { padToBytes });
const objectKeys = async (billId: string) => (await env.BILL_DOCUMENTS.list({ prefix: `bills/${billId}/` })).objects.map((o) => o.key);

describe('bill documents from the utility', () => {
  it('stores a signed PDF upload in R2 and records it; the same document again changes nothing', async () => {
    const client = await givenIngestClient();
    const { billId } = await givenBilledAccount(client);
    const bytes = pdf();
    const res = await uploadDocument(client, billId, bytes);
    expect(res.status).toBe(201);
    const body = await res.json<{ status: string; sizeBytes: number; sha256: string }>();
    expect(body).toMatchObject({ status: 'stored', billId, sizeBytes: bytes.length });
    const row = await env.DB.prepare('SELECT object_key AS key, size_bytes AS size, sha256, content_type AS type FROM bill_documents WHERE bill_id = ?1').bind(billId).first<{ key: string; size: number; sha256: string; type: string }>();
    expect(row).toEqual({ key: `bills/${billId}/${body.sha256}.pdf`, size: bytes.length, sha256: body.sha256, type: 'application/pdf' });
    const object = await env.BILL_DOCUMENTS.get(row!.key);
    expect(new Uint8Array(await object!.arrayBuffer())).toEqual(bytes);
    expect(object!.httpMetadata?.contentType).toBe('application/pdf');

    const again = await uploadDocument(client, billId, bytes);
    expect(again.status).toBe(200);
    expect((await again.json<{ status: string }>()).status).toBe('unchanged');
    expect(await objectKeys(billId)).toEqual([row!.key]);
  });

  it('replaces a corrected document and removes the old object', async () => {
    const client = await givenIngestClient();
    const { billId } = await givenBilledAccount(client);
    expect((await uploadDocument(client, billId, pdf('first'))).status).toBe(201);
    const res = await uploadDocument(client, billId, pdf('corrected'));
    expect(res.status).toBe(200);
    const { sha256 } = await res.json<{ status: string; sha256: string }>();
    expect(await objectKeys(billId)).toEqual([`bills/${billId}/${sha256}.pdf`]);
  });

  it('refuses what is not a PDF, a wrong content type, a body over the limit, and an unsigned or mis-signed upload', async () => {
    const client = await givenIngestClient();
    const { billId } = await givenBilledAccount(client);
    const notPdf = new TextEncoder().encode('<html><body>'.padEnd(200, 'x') + '</body></html>');
    const refusedNotPdf = await uploadDocument(client, billId, notPdf);
    expect(refusedNotPdf.status).toBe(422);
    expect((await refusedNotPdf.json<Rejection>()).error.fields).toEqual([{ field: '(body)', message: 'is not a PDF document (it must start with %PDF- and end with %%EOF)' }]);
    expect((await uploadDocument(client, billId, pdf(), { contentType: 'text/html' })).status).toBe(415);
    const tooBig = pdf('big', MAX_DOCUMENT_BYTES + 1024);
    const refusedBig = await uploadDocument(client, billId, tooBig);
    expect(refusedBig.status).toBe(413);
    expect((await refusedBig.json<Rejection>()).error.code).toBe('payload_too_large');
    // A token signed for other bytes, for another bill's URL, for another method, and no token at all.
    const sign = (options: { method?: string; path?: string; body?: Uint8Array<ArrayBuffer> }) =>
      signClientAssertion({ privateJwk: client.privateJwk, clientId: client.clientId, audience: audience(), method: options.method ?? 'PUT', url: ingestUrl('', options.path ?? documentPath(billId)), body: options.body ?? pdf() });
    expect((await uploadDocument(client, billId, pdf(), { token: await sign({ body: pdf('other') }) })).status).toBe(401);
    expect((await uploadDocument(client, billId, pdf(), { token: await sign({ path: documentPath(`${billId}-other`) }) })).status).toBe(401);
    expect((await uploadDocument(client, billId, pdf(), { token: await sign({ method: 'POST' }) })).status).toBe(401);
    expect((await uploadDocument(client, billId, pdf(), { token: 'not-a-jwt' })).status).toBe(401);
    expect(await count('SELECT count(*) AS n FROM bill_documents WHERE bill_id = ?1', billId)).toBe(0);
    expect(await objectKeys(billId)).toEqual([]);
  });

  it('takes a document larger than the API\'s general 1 MiB limit, up to its own', async () => {
    const client = await givenIngestClient();
    const { billId } = await givenBilledAccount(client);
    const res = await uploadDocument(client, billId, pdf('large bill with inserts', 2 * 1024 * 1024));
    expect(res.status).toBe(201);
  });

  it('answers 404 for an unknown bill and for a bill of another utility, and stores nothing', async () => {
    const client = await givenIngestClient();
    expect((await uploadDocument(client, 'bill-nobody', pdf())).status).toBe(404);
    const foreignAccount = await givenOtherUtilityAccount();
    const foreignBill = uniqueId('bill');
    await env.DB.prepare("INSERT INTO bills (id, account_id, period_start, period_end, issued_on, due_on, amount_cents) VALUES (?1, ?2, '2026-09-01', '2026-09-30', '2026-10-03', '2026-10-24', 100)")
      .bind(foreignBill, foreignAccount)
      .run();
    expect((await uploadDocument(client, foreignBill, pdf())).status).toBe(404);
    expect(await objectKeys(foreignBill)).toEqual([]);
  });
});

describe('a bill document served to customers', () => {
  async function billWithDocument() {
    const client = await givenIngestClient();
    const billed = await givenBilledAccount(client);
    const bytes = pdf('Your bill', 20_000);
    expect((await uploadDocument(client, billed.billId, bytes)).status).toBe(201);
    return { ...billed, bytes, path: `/api/billing/bills/${billed.billId}/document` };
  }

  it('is served to the holder and to a delegate with the billing right, never to be stored', async () => {
    const { accountId, bytes, path } = await billWithDocument();
    for (const who of [await signedIn({ holderOf: [accountId] }), await signedIn({ delegateOf: [{ accountId, billing: true }] })]) {
      const res = await get(path, who.cookie);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(res.headers.get('content-disposition')).toBe('inline; filename="bill-2026-10-03.pdf"');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      // Its own CSP lets Chrome's PDF viewer run; still never framed, never a form or script source.
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    }
  });

  it('is refused to another customer, a delegate without the billing right, another utility\'s customer and an anonymous caller', async () => {
    const { path } = await billWithDocument();
    const other = await signedIn({ holderOf: [(await givenBilledAccount(await givenIngestClient())).accountId] });
    const { accountId } = await billWithDocument();
    const usageOnly = await signedIn({ delegateOf: [{ accountId, usage: true, billing: false, manage: true }] });
    const otherUtility = await signedIn({ holderOf: [await givenOtherUtilityAccount()] });
    const ownPath = `/api/billing/bills/${(await env.DB.prepare('SELECT id FROM bills WHERE account_id = ?1').bind(accountId).first<{ id: string }>())!.id}/document`;
    for (const [cookie, target] of [[other.cookie, path], [usageOnly.cookie, ownPath], [otherUtility.cookie, path]] as const) {
      const res = await get(target, cookie);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect((await res.json<Rejection>()).error.code).toBe('not_found');
    }
    const anonymous = await get(path);
    expect(anonymous.status).toBe(401);
  });

  it('is refused once the session has ended or expired: no link outlives the sign-in', async () => {
    const { accountId, path } = await billWithDocument();
    const holder = await signedIn({ holderOf: [accountId] });
    expect((await get(path, holder.cookie)).status).toBe(200);
    await db().update(sessions).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(sessions.loginId, holder.loginId));
    expect((await get(path, holder.cookie)).status).toBe(401);
    const revoked = await signedIn({ holderOf: [accountId] });
    await db().update(sessions).set({ revokedAt: new Date().toISOString() }).where(eq(sessions.loginId, revoked.loginId));
    expect((await get(path, revoked.cookie)).status).toBe(401);
  });

  it('answers 404 with a reason for a bill without a document', async () => {
    const client = await givenIngestClient();
    const { accountId, billId } = await givenBilledAccount(client);
    const holder = await signedIn({ holderOf: [accountId] });
    const res = await get(`/api/billing/bills/${billId}/document`, holder.cookie);
    expect(res.status).toBe(404);
    expect((await res.json<Rejection>()).error.code).toBe('no_document');
  });
});
