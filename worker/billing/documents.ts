/**
 * Serving a bill's document (the utility's PDF from R2) to someone who may see the account. The
 * answer is never stored by a browser or a shared cache (`private, no-store`), and nothing in its
 * URL is a bearer value: only the signed-in session opens it.
 */
import { ApiError } from '../http/errors';
import { billForCaller } from './access';

export async function billDocumentResponse(env: Env, loginId: string, billId: string): Promise<Response> {
  await billForCaller(env.DB, loginId, billId);
  const doc = await env.DB.prepare('SELECT d.object_key AS objectKey, d.size_bytes AS sizeBytes, b.issued_on AS issuedOn FROM bill_documents d JOIN bills b ON b.id = d.bill_id WHERE d.bill_id = ?1')
    .bind(billId)
    .first<{ objectKey: string; sizeBytes: number; issuedOn: string }>();
  if (!doc) throw new ApiError(404, 'no_document', 'The utility sent no document for this bill; print the bill page instead.');
  const object = await env.BILL_DOCUMENTS.get(doc.objectKey);
  if (!object) {
    // The row names an object R2 does not have: ours to fix, not the customer's; say so without a 500.
    console.error(JSON.stringify({ level: 'error', event: 'bill_document_missing', billId }));
    throw new ApiError(404, 'no_document', 'This bill\'s document is not available just now; print the bill page instead.');
  }
  return new Response(object.body, {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Length': String(object.size),
      'Content-Disposition': `inline; filename="bill-${doc.issuedOn}.pdf"`,
      'Cache-Control': 'private, no-store',
      // Chrome shows a PDF through its own viewer page, which the site-wide object-src 'none' and
      // style-src 'self' would block or break (crbug.com/271452). This body is a PDF served with
      // nosniff, so allowing the viewer's embed and inline styles here opens nothing else.
      'Content-Security-Policy': "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    },
  });
}
