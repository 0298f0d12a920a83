import { describe, expect, it } from 'vitest';
import { currentKdf, hashPassword, KdfLimitError, passwordProblem, PRODUCTION_PBKDF2_MAX_ITERATIONS, verifyPassword } from '../../worker/accounts/password';
import { commonPasswords } from '../../worker/accounts/common-passwords';
import { base32Encode, hotp, matchTotp, totpCode, totpStep } from '../../worker/auth/totp';

describe('password hashing', () => {
  it('holds the configured KDF to what production Workers accept (PBKDF2 at most 100,000 iterations)', async () => {
    // Local workerd runs any count; production refuses more than 100,000 (cloudflare/workerd#1346).
    expect(PRODUCTION_PBKDF2_MAX_ITERATIONS).toBe(100_000);
    expect(currentKdf.iterations).toBeLessThanOrEqual(PRODUCTION_PBKDF2_MAX_ITERATIONS);
    expect(currentKdf.saltBytes).toBeGreaterThanOrEqual(16);
    const hash = await hashPassword('a quiet river at dawn');
    expect(Number(hash.split('$')[1])).toBeLessThanOrEqual(PRODUCTION_PBKDF2_MAX_ITERATIONS);
  });

  it('refuses to hash with more iterations than production allows, as production would', async () => {
    await expect(hashPassword('a quiet river at dawn', { ...currentKdf, iterations: 100_001 })).rejects.toBeInstanceOf(KdfLimitError);
    await expect(hashPassword('a quiet river at dawn', { ...currentKdf, iterations: 600_000 })).rejects.toBeInstanceOf(KdfLimitError);
  });

  it('writes a salted, self-describing hash and verifies only the right password', async () => {
    const a = await hashPassword('a quiet river at dawn');
    const b = await hashPassword('a quiet river at dawn');
    expect(a).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('a quiet river at dawn', a)).toEqual({ ok: true, needsRehash: false });
    expect((await verifyPassword('a quiet river at dusk', a)).ok).toBe(false);
  });

  it('asks for a re-hash when the stored hash is weaker than the current parameters', async () => {
    const weak = await hashPassword('a quiet river at dawn', { ...currentKdf, iterations: 10_000 });
    expect(await verifyPassword('a quiet river at dawn', weak)).toEqual({ ok: true, needsRehash: true });
  });

  it('fails, after the same work, for no stored hash or an unreadable one', async () => {
    expect((await verifyPassword('anything at all here', null)).ok).toBe(false);
    expect((await verifyPassword('anything at all here', 'test:no-password')).ok).toBe(false);
    expect((await verifyPassword('anything at all here', 'pbkdf2-sha256$900000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).ok).toBe(false);
  });
});

describe('password rules', () => {
  it('asks for 12 characters and no composition', () => {
    expect(passwordProblem('short pass')).toBe('password_too_short');
    expect(passwordProblem('all lower case words here')).toBeNull();
  });

  it('refuses the most common passwords, the utility name and the e-mail', () => {
    expect(commonPasswords.length).toBeGreaterThan(200);
    expect(passwordProblem('qwertyuiop123')).toBe('password_too_common');
    expect(passwordProblem('1qaz2wsx3edc')).toBe('password_too_common');
    expect(passwordProblem('Password1234')).toBe('password_too_common');
    expect(passwordProblem('aaaaaaaaaaaaaa')).toBe('password_too_common');
    expect(passwordProblem('AlderCreek2026')).toBe('password_too_common');
    expect(passwordProblem('ada.lovelace99', { email: 'ada.lovelace@customers.example' })).toBe('password_too_common');
  });
});

describe('TOTP', () => {
  const rfcSecret = base32Encode(new TextEncoder().encode('12345678901234567890'));

  it('matches the RFC 6238 and RFC 4226 test vectors (SHA-1)', async () => {
    expect(await hotp(new TextEncoder().encode('12345678901234567890'), 0)).toBe('755224');
    expect(await hotp(new TextEncoder().encode('12345678901234567890'), 9)).toBe('520489');
    // RFC 6238 T=59 s gives 94287082 in 8 digits; the last 6 are the 6-digit code.
    expect(await totpCode(rfcSecret, new Date(59_000))).toBe('287082');
    expect(await totpCode(rfcSecret, new Date(1_111_111_109_000))).toBe('081804');
  });

  it('accepts the code of the step before or after, but not two steps away', async () => {
    const now = new Date('2026-11-24T12:00:10Z');
    const previous = await totpCode(rfcSecret, new Date(now.getTime() - 30_000));
    const next = await totpCode(rfcSecret, new Date(now.getTime() + 30_000));
    const far = await totpCode(rfcSecret, new Date(now.getTime() - 60_000));
    expect(await matchTotp(rfcSecret, previous, now, null)).toBe(totpStep(now) - 1);
    expect(await matchTotp(rfcSecret, next, now, null)).toBe(totpStep(now) + 1);
    expect(await matchTotp(rfcSecret, far, now, null)).toBeNull();
    expect(await matchTotp(rfcSecret, 'abcdef', now, null)).toBeNull();
  });

  it('refuses a code whose step was already accepted', async () => {
    const now = new Date('2026-11-24T12:00:10Z');
    const code = await totpCode(rfcSecret, now);
    const step = await matchTotp(rfcSecret, code, now, null);
    expect(step).toBe(totpStep(now));
    expect(await matchTotp(rfcSecret, code, now, step)).toBeNull();
  });
});
