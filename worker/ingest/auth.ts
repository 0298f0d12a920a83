/**
 * Machine-to-machine authentication for the utility's systems: an ES256-signed JWT client
 * assertion (RFC 7523 style), verified with jose against the client's registered public key.
 *
 * Why this rather than an API key: the portal stores only a public key, so a copy of the portal's
 * database (or logs) cannot be used to push data; each token lives at most five minutes, is good
 * for one request (jti recorded until it expires) and is bound to the exact request it signs: the
 * body (`body_sha256`), the method (`htm`) and the full URL with its query (`htu`; unlike DPoP's
 * `htu`, RFC 9449, the query is included, because `?batchId=` and `?section=` carry meaning), so a
 * captured request cannot be replayed, re-pointed or re-used with other content; the
 * utility keeps the private key in its own key store and rotates by registering a new client key.
 */
import { decodeJwt, importJWK, jwtVerify, type JWK } from 'jose';
import { ApiError } from '../http/errors';
import { base64url } from '../auth/tokens';

export const MAX_TOKEN_LIFETIME_S = 300;
export const CLOCK_TOLERANCE_S = 30;

export type IngestClient = { id: string; utilityId: string; name: string };

const refuse = (message = 'A valid client assertion is required.') => new ApiError(401, 'invalid_client', message);

export async function sha256Base64url(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

/** The audience every assertion must name: the portal's ingest API. */
export const ingestAudience = (portalOrigin: string) => `${portalOrigin.replace(/\/$/, '')}/api/ingest`;

/** The request an assertion must name: its method and its URL as the portal's own origin serves it. */
export type SignedRequest = { method: string; url: string };

/**
 * The URL a client signs for a request: the portal's configured origin (never the Host header)
 * with the request's path and query exactly as received.
 */
export function signedUrl(portalOrigin: string, requestUrl: string): string {
  const { pathname, search } = new URL(requestUrl);
  return new URL(`${pathname}${search}`, portalOrigin).href;
}

/**
 * Verifies `Authorization: Bearer <jwt>` for the exact request (method, URL with query, body).
 * Returns the client and the body, or throws 401. The body is read (by `readBody`) only once the
 * signature, issuer, audience, lifetime, method and URL have passed, so a caller without a valid
 * assertion never makes the worker take in a body of up to 16 MiB. Records the token's jti so the
 * same token is refused the second time.
 */
export async function authenticateClient(
  db: D1Database,
  authorization: string | undefined,
  readBody: () => Promise<ArrayBuffer>,
  audience: string,
  request: SignedRequest,
  now = new Date(),
): Promise<{ client: IngestClient; body: Uint8Array<ArrayBuffer> }> {
  const token = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '')?.[1];
  if (!token) throw refuse();
  let clientId: string;
  try {
    const claims = decodeJwt(token);
    if (typeof claims.iss !== 'string' || claims.iss.length > 100) throw new Error('iss');
    clientId = claims.iss;
  } catch {
    throw refuse();
  }
  const client = await db
    .prepare("SELECT id, utility_id AS utilityId, name, public_jwk AS publicJwk FROM ingest_clients WHERE id = ?1 AND status = 'active'")
    .bind(clientId)
    .first<IngestClient & { publicJwk: string }>();
  if (!client) throw refuse();

  let payload;
  try {
    const key = await importJWK(JSON.parse(client.publicJwk) as JWK, 'ES256');
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['ES256'],
      issuer: client.id,
      subject: client.id,
      audience,
      requiredClaims: ['exp', 'iat', 'jti', 'htm', 'htu', 'body_sha256'],
      maxTokenAge: MAX_TOKEN_LIFETIME_S,
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: now,
    }));
  } catch {
    throw refuse();
  }
  if (payload.exp! - payload.iat! > MAX_TOKEN_LIFETIME_S) throw refuse(`The assertion may live at most ${MAX_TOKEN_LIFETIME_S} seconds.`);
  if (typeof payload.jti !== 'string' || payload.jti.length < 16 || payload.jti.length > 200) throw refuse('The assertion needs a unique jti of 16 to 200 characters.');
  if (payload.htm !== request.method.toUpperCase() || payload.htu !== request.url) throw refuse('The assertion was made for another method or URL (htm and htu must name this request, query included).');
  const body = new Uint8Array(await readBody());
  if (payload.body_sha256 !== (await sha256Base64url(body))) throw refuse('The assertion does not match this request body.');

  const expiresAt = new Date((payload.exp! + CLOCK_TOLERANCE_S) * 1000).toISOString();
  const [, used] = await db.batch([
    db.prepare('DELETE FROM ingest_token_ids WHERE client_id = ?1 AND expires_at < ?2').bind(client.id, now.toISOString()),
    db.prepare('INSERT INTO ingest_token_ids (client_id, jti, expires_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING').bind(client.id, payload.jti, expiresAt),
  ]);
  // Zero when the jti was already there; a trigger's own writes would count on top, so test for none.
  if ((used?.meta.changes ?? 0) === 0) throw refuse('This assertion was already used.');
  return { client: { id: client.id, utilityId: client.utilityId, name: client.name }, body };
}
