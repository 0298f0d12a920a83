/**
 * /.well-known/jwks.json: the public keys that verify receipts (and form tokens). Every key in
 * RECEIPT_SIGNING_JWKS, plus every key that ever signed a receipt (recorded in D1 on first use),
 * so a receipt signed before a rotation still verifies.
 */
import { publicHalf, signingKeys, type PublicJwk } from '../requests/signing-keys';

export async function publishedJwks(env: Pick<Env, 'DB' | 'RECEIPT_SIGNING_JWKS'>): Promise<{ keys: PublicJwk[] }> {
  const configured = (await signingKeys(env.RECEIPT_SIGNING_JWKS)).publicKeys;
  const { results } = await env.DB.prepare('SELECT public_jwk FROM receipt_signing_keys ORDER BY first_used_at DESC').all<{ public_jwk: string }>();
  const keys = [...configured];
  for (const r of results) {
    const jwk = publicHalf(JSON.parse(r.public_jwk) as PublicJwk);
    if (!keys.some((k) => k.kid === jwk.kid)) keys.push(jwk);
  }
  return { keys };
}
