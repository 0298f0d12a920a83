/**
 * Receipts: a compact JWS (ES256) over { rid, type, received, due, sha256 } signed with the first
 * key of RECEIPT_SIGNING_JWKS, its kid in the header. Any JOSE library (or plain ECDSA P-256 with
 * SHA-256, as test/e2e/request-receipts.test.ts does with Node's own crypto) verifies it against
 * /.well-known/jwks.json.
 */
import { CompactSign } from 'jose';
import { sha256Hex } from '../auth/tokens';
import { signingKeys } from './signing-keys';

export type ReceiptPayload = {
  iss: string;
  /** Request id. */
  rid: string;
  type: string;
  /** Received time (UTC ISO-8601). */
  received: string;
  /** Answer due date (utility-local date). */
  due: string;
  /** SHA-256 (hex) of the canonical JSON of what was submitted. */
  sha256: string;
};

/** JSON with object keys sorted at every level: the same submission always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function submissionSha256(submission: unknown): Promise<string> {
  return sha256Hex(canonicalJson(submission));
}

export async function signReceipt(secret: string, payload: ReceiptPayload): Promise<{ jws: string; kid: string }> {
  const keys = await signingKeys(secret);
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', kid: keys.current.kid, typ: 'privacy-receipt+jws' })
    .sign(keys.current.privateKey);
  return { jws, kid: keys.current.kid };
}
