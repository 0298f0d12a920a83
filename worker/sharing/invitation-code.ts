/**
 * The code in a delegate invitation: `<invitation id>.<secret>.<signature>`. The signature (HMAC-SHA256
 * under LINK_SIGNING_SECRET over the id and secret) refuses a forged or altered code before the
 * database is asked; only a SHA-256 of the secret is stored, so a copy of the database cannot
 * accept an invitation. The code rides in the link's fragment, never in a logged URL.
 */
import { base64url, randomToken, sha256Hex } from '../auth/tokens';

const CODE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{24,64})\.([A-Za-z0-9_-]{43})$/;

async function key(secret: string) {
  if (!secret || secret.length < 16) throw new Error('LINK_SIGNING_SECRET is missing or too short.');
  return crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

const signed = (id: string, random: string) => new TextEncoder().encode(`portal-delegate-invitation-v1\n${id}\n${random}`);

export async function newInvitationCode(secret: string, id: string) {
  const random = randomToken(24);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await key(secret), signed(id, random)));
  return { code: `${id}.${random}.${base64url(mac)}`, hash: await sha256Hex(random) };
}

/** The invitation id and the hash to compare, or null for a malformed or forged code. */
export async function readInvitationCode(secret: string, code: string): Promise<{ id: string; hash: string } | null> {
  const m = CODE.exec(code);
  if (!m) return null;
  const [, id, random, mac] = m as unknown as [string, string, string, string];
  let macBytes: Uint8Array<ArrayBuffer>;
  try {
    macBytes = Uint8Array.from(atob(mac.replaceAll('-', '+').replaceAll('_', '/') + '='), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
  // A 43-character base64url string holds 32 bytes plus 2 spare bits; a code whose spare bits are set is not ours.
  if (base64url(macBytes) !== mac) return null;
  if (!(await crypto.subtle.verify('HMAC', await key(secret), macBytes, signed(id, random)))) return null;
  return { id, hash: await sha256Hex(random) };
}
