import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { logins } from '../../db/schema';
import { DEMO_STAFF, demoLoginStatements } from '../../db/demo/logins';
import { currentKdf, hashPassword, KdfLimitError, passwordProblem, PRODUCTION_PBKDF2_MAX_ITERATIONS, verifyPassword } from '../../worker/accounts/password';
import { commonPasswords } from '../../worker/accounts/common-passwords';
import { base32Encode, hotp, matchTotp, newTotpSecret, totpCode, totpStep } from '../../worker/auth/totp';
import { openTotpSecret, parseTotpKeyring, resealTotpSecrets, sealTotpSecret, TotpKeyringError, TotpSecretUnreadable } from '../../worker/auth/totp-secrets';

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

describe('TOTP secrets at rest', () => {
  const key = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  const ring = (...entries: [string, string][]) => parseTotpKeyring(entries.map(([kid, k]) => `${kid}:${k}`).join(','));

  it('seals a secret with AES-GCM under the newest key: the stored value holds no base32 secret and opens only for its login', async () => {
    const keys = await ring(['k2', key()], ['k1', key()]);
    const secret = newTotpSecret();
    const sealed = await sealTotpSecret(keys, 'login-a', secret);
    expect(sealed).toMatch(/^totp1\.k2\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(secret);
    expect(sealed).not.toBe(await sealTotpSecret(keys, 'login-a', secret));
    expect(await openTotpSecret(keys, 'login-a', sealed)).toEqual({ secret, needsReseal: false });
    // Copied onto another login's row, it does not open.
    await expect(openTotpSecret(keys, 'login-b', sealed)).rejects.toBeInstanceOf(TotpSecretUnreadable);
  });

  it('fails closed with a wrong key, an unknown key id or a tampered value', async () => {
    const secret = newTotpSecret();
    const sealed = await sealTotpSecret(await ring(['k1', key()]), 'login-a', secret);
    await expect(openTotpSecret(await ring(['k1', key()]), 'login-a', sealed)).rejects.toBeInstanceOf(TotpSecretUnreadable);
    await expect(openTotpSecret(await ring(['k9', key()]), 'login-a', sealed)).rejects.toBeInstanceOf(TotpSecretUnreadable);
    const parts = sealed.split('.');
    const flipped = parts[3]!.slice(0, 5) + (parts[3]![5] === 'A' ? 'B' : 'A') + parts[3]!.slice(6);
    await expect(openTotpSecret(await ring(['k1', key()]), 'login-a', [...parts.slice(0, 3), flipped].join('.'))).rejects.toBeInstanceOf(TotpSecretUnreadable);
    await expect(openTotpSecret(await ring(['k1', key()]), 'login-a', 'totp1.k1.garbage')).rejects.toBeInstanceOf(TotpSecretUnreadable);
  });

  it('refuses a key list that is empty, malformed, repeats an id or holds a key that is not 32 bytes', async () => {
    for (const bad of [undefined, '', 'k1', 'k1:short', `k1:${key()},k1:${key()}`, `bad id:${key()}`, `k1:${key()};k2:${key()}`]) {
      await expect(parseTotpKeyring(bad)).rejects.toBeInstanceOf(TotpKeyringError);
    }
  });

  it('rotates: after a new key is put first, old secrets still open, and the cron re-seals every row under the new key', async () => {
    const oldKey = key();
    const before = await ring(['old', oldKey]);
    const db = drizzle(env.DB);
    const ids = [`rot-${crypto.randomUUID()}`, `rot-${crypto.randomUUID()}`];
    const secrets = [newTotpSecret(), newTotpSecret()];
    for (const [i, id] of ids.entries()) {
      await db.insert(logins).values({ id, email: `${id}@test.example`, passwordHash: 'test:no-password', role: 'support', totpSecret: await sealTotpSecret(before, id, secrets[i]!) });
    }
    const newKey = key();
    const after = await ring(['new', newKey], ['old', oldKey]);
    const [row] = await db.select().from(logins).where(eq(logins.id, ids[0]!));
    expect(await openTotpSecret(after, ids[0]!, row!.totpSecret!)).toEqual({ secret: secrets[0], needsReseal: true });

    const result = await resealTotpSecrets(db, after);
    expect(result.resealed).toBeGreaterThanOrEqual(2);
    const onlyNew = await ring(['new', newKey]);
    for (const [i, id] of ids.entries()) {
      const [r] = await db.select().from(logins).where(eq(logins.id, id));
      expect(r!.totpSecret).toMatch(/^totp1\.new\./);
      expect(await openTotpSecret(onlyNew, id, r!.totpSecret!)).toEqual({ secret: secrets[i], needsReseal: false });
    }
  });

  it('the cron seals a secret still stored in clear (rows written before encryption) and leaves unreadable ones alone', async () => {
    const keys = await parseTotpKeyring(env.TOTP_ENCRYPTION_KEYS);
    const db = drizzle(env.DB);
    const plainId = `plain-${crypto.randomUUID()}`;
    const strayId = `stray-${crypto.randomUUID()}`;
    const secret = newTotpSecret();
    const stray = await sealTotpSecret(await ring(['gone', key()]), strayId, secret);
    await db.insert(logins).values([
      { id: plainId, email: `${plainId}@test.example`, passwordHash: 'test:no-password', role: 'admin', totpSecret: secret },
      { id: strayId, email: `${strayId}@test.example`, passwordHash: 'test:no-password', role: 'admin', totpSecret: stray },
    ]);
    const result = await resealTotpSecrets(db, keys);
    expect(result.unreadable).toBeGreaterThanOrEqual(1);
    const [plain] = await db.select().from(logins).where(eq(logins.id, plainId));
    expect(plain!.totpSecret).not.toContain(secret);
    expect(await openTotpSecret(keys, plainId, plain!.totpSecret!)).toEqual({ secret, needsReseal: false });
    const [kept] = await db.select().from(logins).where(eq(logins.id, strayId));
    expect(kept!.totpSecret).toBe(stray);
  });

  it('the demo loader writes the published demo staff secrets sealed, never in clear', async () => {
    const keys = await parseTotpKeyring(env.TOTP_ENCRYPTION_KEYS);
    const statements = await demoLoginStatements(drizzle(env.DB), keys);
    const params = statements.flatMap((st) => (st as unknown as { toSQL(): { params: unknown[] } }).toSQL().params.map(String));
    for (const staff of DEMO_STAFF) {
      expect(params.some((p) => p.includes(staff.totpSecret))).toBe(false);
      const sealed = params.find((p) => p.startsWith('totp1.') && params.includes(staff.id));
      expect(sealed).toBeDefined();
    }
    const sealedValues = params.filter((p) => p.startsWith('totp1.'));
    expect(sealedValues).toHaveLength(DEMO_STAFF.length);
    const opened = await Promise.all(DEMO_STAFF.map(async (s, i) => (await openTotpSecret(keys, s.id, sealedValues[i]!)).secret));
    expect(opened).toEqual(DEMO_STAFF.map((s) => s.totpSecret));
  });
});
