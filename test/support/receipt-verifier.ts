/**
 * An independent receipt verifier: Node's own crypto, no JOSE library. Checks a compact JWS
 * (ES256) against a published JWKS the way any third party could.
 */
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';

export type ReceiptCheck = { ok: true; kid: string; payload: Record<string, string> } | { ok: false; reason: string };

export function verifyReceipt(jws: string, jwks: { keys: (JsonWebKey & { kid?: string })[] }): ReceiptCheck {
  const parts = jws.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a compact JWS' };
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string; kid?: string };
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'bad header' };
  }
  if (header.alg !== 'ES256') return { ok: false, reason: `unexpected alg ${header.alg}` };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return { ok: false, reason: `no published key ${header.kid}` };
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  const signature = Buffer.from(s, 'base64url');
  // JWS ES256 signatures are r||s (IEEE P1363), not DER.
  const valid = signature.length === 64 && verify('sha256', Buffer.from(`${h}.${p}`, 'ascii'), { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!valid) return { ok: false, reason: 'signature does not verify' };
  return { ok: true, kid: header.kid!, payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) };
}

/** SHA-256 (hex) of the canonical JSON the portal hashes (keys sorted at every level). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
    .join(',')}}`;
}
