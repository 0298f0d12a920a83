/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps,
 * 6 digits, the step before and after accepted for clock drift. Every authenticator app speaks it.
 *
 * The arithmetic is @oslojs/otp's (HOTP with its constant-time comparison) and base32 is
 * @oslojs/encoding's: small, dependency-light, pure-JS libraries that run unchanged in workerd
 * (test/worker/accounts-crypto.test.ts checks the RFC vectors there). What stays ours is the
 * policy: which steps count, and that a step once accepted never counts again (the replay guard).
 */
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP, verifyHOTP } from '@oslojs/otp';

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of now that are accepted: ±30 s covers a phone whose clock is a little off. */
export const TOTP_WINDOW = 1;

/** Base32 as people type it: spaces, dashes and lower case allowed. Throws on other characters. */
export function base32Decode(text: string): Uint8Array {
  return decodeBase32IgnorePadding(text.toUpperCase().replace(/[\s=-]/g, ''));
}

export function base32Encode(bytes: Uint8Array): string {
  return encodeBase32UpperCaseNoPadding(bytes);
}

/** A new random secret (160 bits, as RFC 4226 recommends), base32 for authenticator apps. */
export function newTotpSecret(): string {
  return base32Encode(crypto.getRandomValues(new Uint8Array(20)));
}

export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_STEP_SECONDS);
}

/** The HOTP code for a counter (RFC 4226). */
export async function hotp(secret: Uint8Array, counter: number): Promise<string> {
  return generateHOTP(secret, BigInt(counter), TOTP_DIGITS);
}

export async function totpCode(secretBase32: string, now: Date): Promise<string> {
  return hotp(base32Decode(secretBase32), totpStep(now));
}

/**
 * The step a code matches within the window, or null. A step at or before `lastAcceptedStep` never
 * matches: a code, once accepted, cannot be replayed, nor can an older one after a newer was used.
 * The caller stores the returned step (conditionally, so two requests cannot both claim it).
 */
export async function matchTotp(secretBase32: string, code: string, now: Date, lastAcceptedStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const secret = base32Decode(secretBase32);
  const current = totpStep(now);
  let matched: number | null = null;
  // Check every step in the window (no early exit), so timing does not tell which one matched.
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    const ok = verifyHOTP(secret, BigInt(step), TOTP_DIGITS, code);
    if (ok && (lastAcceptedStep === null || step > lastAcceptedStep) && matched === null) matched = step;
  }
  return matched;
}

/**
 * The otpauth:// URI an authenticator app reads from the QR code (Key Uri Format): issuer and
 * account name label the entry in the app, so a customer with several can tell them apart.
 */
export function totpKeyUri(issuer: string, accountName: string, secretBase32: string): string {
  return createTOTPKeyURI(issuer, accountName, base32Decode(secretBase32), TOTP_STEP_SECONDS, TOTP_DIGITS);
}
