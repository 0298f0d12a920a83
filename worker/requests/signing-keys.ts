/**
 * The portal's ES256 signing keys, from the RECEIPT_SIGNING_JWKS secret (`{ keys: [private JWK with kid] }`).
 * The first key signs; every key's public half is published at /.well-known/jwks.json, together
 * with every key that ever signed a receipt (recorded in D1), so rotating the secret never breaks
 * an old receipt.
 */
import { importJWK, type CryptoKey, type JWK } from 'jose';

export type PublicJwk = { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string; alg: 'ES256'; use: 'sig' };
type PrivateJwk = PublicJwk & { d: string };

export type SigningKeys = {
  current: { kid: string; privateKey: CryptoKey; publicJwk: PublicJwk };
  /** Every configured key's public half, by kid. */
  publicKeys: PublicJwk[];
  verifyKey: (kid: string) => Promise<CryptoKey | null>;
};

const cache = new Map<string, Promise<SigningKeys>>();

export function publicHalf(jwk: PrivateJwk | PublicJwk): PublicJwk {
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: jwk.kid, alg: 'ES256', use: 'sig' };
}

function parse(secret: string): PrivateJwk[] {
  const parsed = JSON.parse(secret) as { keys?: PrivateJwk[] };
  const keys = (parsed.keys ?? []).filter((k) => k.kty === 'EC' && k.crv === 'P-256' && typeof k.d === 'string' && typeof k.kid === 'string');
  if (keys.length === 0) throw new Error('RECEIPT_SIGNING_JWKS holds no ES256 private key with a kid.');
  return keys;
}

export function signingKeys(secret: string): Promise<SigningKeys> {
  let keys = cache.get(secret);
  if (!keys) {
    keys = (async () => {
      const all = parse(secret);
      const first = all[0]!;
      const privateKey = (await importJWK(first as JWK, 'ES256')) as CryptoKey;
      const publics = all.map(publicHalf);
      const imported = new Map<string, Promise<CryptoKey>>();
      return {
        current: { kid: first.kid, privateKey, publicJwk: publicHalf(first) },
        publicKeys: publics,
        verifyKey: (kid: string) => {
          const jwk = publics.find((k) => k.kid === kid);
          if (!jwk) return Promise.resolve(null);
          if (!imported.has(kid)) imported.set(kid, importJWK(jwk as JWK, 'ES256') as Promise<CryptoKey>);
          return imported.get(kid)!;
        },
      };
    })();
    cache.set(secret, keys);
  }
  return keys;
}
