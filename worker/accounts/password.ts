/**
 * Password hashing with PBKDF2-HMAC-SHA256 through WebCrypto, the only slow KDF Workers run natively.
 *
 * Production Workers refuse PBKDF2 with more than 100,000 iterations (cloudflare/workerd#1346:
 * `deriveBits` throws "Pbkdf2 failed: iteration counts above 100000 are not supported"), while a
 * local workerd accepts any count. So this module refuses counts above that cap itself, and a test
 * holds the configured parameters to it: a local run fails exactly where production would.
 *
 * OWASP's Password Storage Cheat Sheet asks for 600,000 iterations of PBKDF2-HMAC-SHA256; 100,000 is
 * the strongest Workers allow. Hashes are self-describing (`pbkdf2-sha256$<iterations>$<salt>$<hash>`,
 * base64url), so when the platform allows more, raising `currentKdf` re-hashes each password at its
 * owner's next login.
 */
import { commonPasswords } from './common-passwords';

/** The most PBKDF2 iterations Cloudflare's production runtime accepts. */
export const PRODUCTION_PBKDF2_MAX_ITERATIONS = 100_000;

export type KdfParams = { iterations: number; saltBytes: number; keyBytes: number };

/** Parameters for new hashes: the strongest production Workers run. */
export const currentKdf: KdfParams = { iterations: 100_000, saltBytes: 16, keyBytes: 32 };

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export class KdfLimitError extends Error {}

const encoder = new TextEncoder();

function toBase64url(bytes: Uint8Array) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const b64 = text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number, keyBytes: number) {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PRODUCTION_PBKDF2_MAX_ITERATIONS) {
    throw new KdfLimitError(`PBKDF2 iterations must be 1..${PRODUCTION_PBKDF2_MAX_ITERATIONS} (production Workers refuse more); got ${iterations}.`);
  }
  const key = await crypto.subtle.importKey('raw', encoder.encode(password.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, keyBytes * 8);
  return new Uint8Array(bits);
}

/** `pbkdf2-sha256$100000$<salt>$<hash>`. Throws KdfLimitError above the production cap. */
export async function hashPassword(password: string, params: KdfParams = currentKdf): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(params.saltBytes));
  const hash = await pbkdf2(password, salt, params.iterations, params.keyBytes);
  return `pbkdf2-sha256$${params.iterations}$${toBase64url(salt)}$${toBase64url(hash)}`;
}

type ParsedHash = { iterations: number; salt: Uint8Array; hash: Uint8Array };

export function parsePasswordHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 4 || parts[0] !== 'pbkdf2-sha256' || !/^\d{1,7}$/.test(parts[1]!)) return null;
  const iterations = Number(parts[1]);
  const salt = fromBase64url(parts[2]!);
  const hash = fromBase64url(parts[3]!);
  if (!salt || !hash || salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
  return { iterations, salt, hash };
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * A fixed hash of a random password at the current parameters. Verifying against it costs the
 * same as a real check, so "no such login" takes as long as "wrong password".
 */
const DUMMY_HASH = 'pbkdf2-sha256$100000$K6_wXgZ0zcPfmG9hAFxP6w$QoO2rfcUkqgNpwgosV5E2pglSoHJD64_ki5HtBI0Odk';

export type PasswordCheck = { ok: boolean; needsRehash: boolean };

/**
 * Checks a password against a stored hash (or, with `null`, against the dummy hash, always false).
 * A stored hash that cannot be parsed (e.g. a placeholder) still costs one KDF run and fails.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<PasswordCheck> {
  const parsed = (stored && parsePasswordHash(stored)) || null;
  const target = parsed ?? parsePasswordHash(DUMMY_HASH)!;
  if (target.iterations > PRODUCTION_PBKDF2_MAX_ITERATIONS) {
    // Could not have been made here and could not be checked in production: refuse, at equal cost.
    await pbkdf2(password, target.salt, currentKdf.iterations, target.hash.length);
    return { ok: false, needsRehash: false };
  }
  const derived = await pbkdf2(password, target.salt, target.iterations, target.hash.length);
  const ok = parsed !== null && constantTimeEqual(derived, target.hash);
  const weaker = parsed !== null && (parsed.iterations < currentKdf.iterations || parsed.salt.length < currentKdf.saltBytes || parsed.hash.length < currentKdf.keyBytes);
  return { ok, needsRehash: ok && weaker };
}

export type PasswordProblem = 'password_too_short' | 'password_too_long' | 'password_too_common';

const commonSet = new Set(commonPasswords);

/**
 * NIST SP 800-63B rules: at least 12 characters, no composition rules, not a commonly used password,
 * not one built from the utility's name or the login e-mail.
 */
export function passwordProblem(password: string, context: { email?: string | null } = {}): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'password_too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'password_too_long';
  const lower = password.toLowerCase();
  if (commonSet.has(lower)) return 'password_too_common';
  if (new Set(lower).size <= 2) return 'password_too_common';
  const squashed = lower.replace(/[^a-z0-9]/g, '');
  const local = context.email?.split('@')[0]?.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (local && local.length >= 4 && squashed.includes(local) && squashed.length - local.length < 6) return 'password_too_common';
  for (const word of ['aldercreek', 'alderwater', 'password', 'qwertyuiop', '1234567890']) {
    if (squashed.includes(word) && squashed.length - word.length < 6) return 'password_too_common';
  }
  return null;
}
