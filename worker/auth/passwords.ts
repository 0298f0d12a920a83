/**
 * Password hashes: PBKDF2-SHA256 (Web Crypto), stored as
 *   pbkdf2-sha256$<iterations>$<saltB64url>$<hashB64url>
 * 100,000 iterations: the most Workers' Web Crypto accepts for PBKDF2.
 * (Placed by the requests branch for the deletion re-authentication; the accounts branch uses the
 * same format, so the merge keeps one of the two.)
 */
import { base64url } from './tokens';

export const PBKDF2_ITERATIONS = 100_000;

function fromBase64url(value: string): Uint8Array<ArrayBuffer> {
  const b64 = value.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (value.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
}

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password.normalize('NFKC')), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2-sha256$${iterations}$${base64url(salt)}$${base64url(await derive(password, salt, iterations))}`;
}

/** True when `password` matches the stored hash; false for a wrong password or a hash in another format. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 4 || parts[0] !== 'pbkdf2-sha256') return false;
  const iterations = Number(parts[1]);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS) return false;
  const expected = fromBase64url(parts[3]!);
  const actual = await derive(password, fromBase64url(parts[2]!), iterations);
  if (actual.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < actual.length; i++) diff |= actual[i]! ^ expected[i]!;
  return diff === 0;
}
