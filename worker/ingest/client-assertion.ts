/**
 * The client side of ingest authentication: what the utility's system does before each request.
 * Used by tests, the demo sender (db/demo/ingest-send.ts) and the benchmark.
 *
 * The assertion binds the exact request: `htm` (method) and `htu` (the full URL, query included,
 * so a `?batchId=` or `?section=` cannot be changed under the signature) as well as the body.
 */
import { importJWK, SignJWT, type JWK } from 'jose';
import { sha256Base64url } from './auth';

export async function signClientAssertion(options: {
  privateJwk: JWK;
  clientId: string;
  audience: string;
  /** The request the assertion is for: method and the full URL it is sent to, query included. */
  method: string;
  url: string;
  body: string | Uint8Array<ArrayBuffer>;
  lifetimeSeconds?: number;
  jti?: string;
  now?: Date;
}) {
  const key = await importJWK(options.privateJwk, 'ES256');
  const bytes = typeof options.body === 'string' ? new TextEncoder().encode(options.body) : options.body;
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ htm: options.method.toUpperCase(), htu: new URL(options.url).href, body_sha256: await sha256Base64url(bytes) })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', ...(options.privateJwk.kid ? { kid: options.privateJwk.kid } : {}) })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.lifetimeSeconds ?? 120))
    .setJti(options.jti ?? crypto.randomUUID())
    .sign(key);
}
