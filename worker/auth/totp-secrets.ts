/**
 * TOTP secrets at rest: `logins.totp_secret` holds `totp1.<kid>.<iv>.<ciphertext>`, AES-256-GCM
 * under a key from the TOTP_ENCRYPTION_KEYS secret, with the login id as additional data (a value
 * copied onto another login's row does not open). Anyone who reads the database, a backup or an
 * export without the Worker secret learns nothing that mints codes.
 *
 * TOTP_ENCRYPTION_KEYS is `<kid>:<base64url of 32 bytes>` entries, comma-separated, newest first.
 * To rotate, put a new key first and keep the old ones: a secret is opened by the key id it names
 * and sealed again under the newest when it is next used and by the daily cron
 * (resealTotpSecrets); after one cron run no row needs the old key and it can be removed.
 *
 * A value that does not open (unknown key id, wrong key, tampering) fails closed: no code matches.
 * A plain base32 value (a row written before encryption, or a secret an administrator enrolled by
 * hand) is still read, and sealed by the next use or cron run.
 */
import { and, eq, isNotNull, not, like } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { logins } from '../../db/schema';
import { base64url } from './tokens';

export class TotpKeyringError extends Error {}
export class TotpSecretUnreadable extends Error {}

export type TotpKeyring = { newest: string; keys: ReadonlyMap<string, CryptoKey> };

const FORMAT = 'totp1';
const kidPattern = /^[A-Za-z0-9_-]{1,32}$/;

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4)), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

const rings = new Map<string, Promise<TotpKeyring>>();

/** The key list of TOTP_ENCRYPTION_KEYS; refuses one that is missing or malformed rather than guess. */
export function parseTotpKeyring(text: string | undefined): Promise<TotpKeyring> {
  if (!text) return Promise.reject(new TotpKeyringError('TOTP_ENCRYPTION_KEYS is not set.'));
  let ring = rings.get(text);
  if (!ring) {
    ring = (async () => {
      const keys = new Map<string, CryptoKey>();
      for (const entry of text.split(',').map((e) => e.trim())) {
        const at = entry.indexOf(':');
        const kid = entry.slice(0, at);
        const raw = at > 0 ? fromBase64url(entry.slice(at + 1)) : null;
        // Never echo the entry: it holds key material.
        if (!kidPattern.test(kid) || !raw || raw.length !== 32) throw new TotpKeyringError('TOTP_ENCRYPTION_KEYS must be "<kid>:<base64url of 32 bytes>" entries, comma-separated.');
        if (keys.has(kid)) throw new TotpKeyringError(`TOTP_ENCRYPTION_KEYS names key id "${kid}" twice.`);
        keys.set(kid, await crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']));
      }
      return { newest: keys.keys().next().value!, keys };
    })();
    ring.catch(() => rings.delete(text));
    rings.set(text, ring);
  }
  return ring;
}

const additionalData = (loginId: string) => new TextEncoder().encode(`totp-secret\n${loginId}`);

export async function sealTotpSecret(ring: TotpKeyring, loginId: string, secretBase32: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(loginId) }, ring.keys.get(ring.newest)!, new TextEncoder().encode(secretBase32));
  return [FORMAT, ring.newest, base64url(iv), base64url(new Uint8Array(sealed))].join('.');
}

/** The base32 secret, and whether it should be sealed again (in clear, or under an older key). */
export async function openTotpSecret(ring: TotpKeyring, loginId: string, stored: string): Promise<{ secret: string; needsReseal: boolean }> {
  if (!stored.startsWith(`${FORMAT}.`)) {
    if (/^[A-Z2-7]{16,}=*$/.test(stored)) return { secret: stored, needsReseal: true };
    throw new TotpSecretUnreadable('not a TOTP secret');
  }
  const [, kid, ivText, dataText, ...rest] = stored.split('.');
  const key = kid ? ring.keys.get(kid) : undefined;
  const iv = ivText ? fromBase64url(ivText) : null;
  const data = dataText ? fromBase64url(dataText) : null;
  if (rest.length || !key || !iv || iv.length !== 12 || !data) throw new TotpSecretUnreadable('no key for this value, or a malformed value');
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: additionalData(loginId) }, key, data);
    return { secret: new TextDecoder().decode(plain), needsReseal: kid !== ring.newest };
  } catch {
    throw new TotpSecretUnreadable('the value does not open with its key');
  }
}

/**
 * Daily, and by hand after a rotation: seals every secret that is in clear or under an older key
 * with the newest key. A row changed meanwhile (by a sign-in) is left for the next run; a value
 * that does not open is left as it is and counted, so an operator sees a key is missing.
 */
export async function resealTotpSecrets(db: DrizzleD1Database, ring: TotpKeyring) {
  const rows = await db
    .select({ id: logins.id, totpSecret: logins.totpSecret })
    .from(logins)
    .where(and(isNotNull(logins.totpSecret), not(like(logins.totpSecret, `${FORMAT}.${ring.newest}.%`))));
  let resealed = 0;
  let unreadable = 0;
  for (const row of rows) {
    let secret: string;
    try {
      secret = (await openTotpSecret(ring, row.id, row.totpSecret!)).secret;
    } catch {
      unreadable++;
      continue;
    }
    const changed = await db
      .update(logins)
      .set({ totpSecret: await sealTotpSecret(ring, row.id, secret) })
      .where(and(eq(logins.id, row.id), eq(logins.totpSecret, row.totpSecret!)))
      .returning({ id: logins.id });
    resealed += changed.length;
  }
  // Counts only: which logins is not for a log.
  if (unreadable) console.error(JSON.stringify({ level: 'error', event: 'totp.secrets_unreadable', count: unreadable }));
  return { resealed, unreadable };
}
