/**
 * Recovery codes: ten single-use codes that stand in for the authenticator app or passkey when it
 * is lost, so a lost phone never needs a call to the utility.
 *
 * A code is 16 characters of Crockford's base32 (80 random bits), shown as four groups of four;
 * typing is forgiving (case, spaces, dashes, O for 0, I and L for 1). It is shown once, when made,
 * and kept only as SHA-256 over the login id and the code: 80 random bits cannot be walked back
 * from a fast hash, and the login id keeps one table's hashes from being attacked all at once.
 * Making a new set deletes the old one.
 */
import { and, eq, isNull, max } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { count } from 'drizzle-orm';
import { logins, recoveryCodes } from '../../db/schema';
import { auditInsert } from '../audit/log';
import { sha256Hex } from '../auth/tokens';
import { queueEmail } from '../mail/outbox';
import { runBatch, type AccountDeps } from './deps';
import { secondFactorMails } from './second-factor-mails';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 16;

/** A new code, grouped for reading: `7KQ3-M2XD-9PAF-0RTW`. */
export function newRecoveryCode(): string {
  // 32 symbols: each random byte's low 5 bits pick one, without bias.
  const raw = [...crypto.getRandomValues(new Uint8Array(CODE_LENGTH))].map((b) => ALPHABET[b & 31]).join('');
  return raw.match(/.{4}/g)!.join('-');
}

/** The canonical form of a typed code, or null when it cannot be one. */
export function normaliseRecoveryCode(typed: string): string | null {
  const squeezed = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return new RegExp(`^[${ALPHABET}]{${CODE_LENGTH}}$`).test(squeezed) ? squeezed : null;
}

export async function hashRecoveryCode(loginId: string, normalised: string) {
  return sha256Hex(`recovery-code\n${loginId}\n${normalised}`);
}

/** How many codes the login has, how many are unused, and when the set was made. */
export async function recoveryCodeStatus(deps: Pick<AccountDeps, 'db'>, loginId: string) {
  const [all] = await deps.db.select({ n: count(), createdAt: max(recoveryCodes.createdAt) }).from(recoveryCodes).where(eq(recoveryCodes.loginId, loginId));
  const [unused] = await deps.db.select({ n: count() }).from(recoveryCodes).where(and(eq(recoveryCodes.loginId, loginId), isNull(recoveryCodes.usedAt)));
  return { total: all?.n ?? 0, unused: unused?.n ?? 0, createdAt: all?.createdAt ?? null };
}

/**
 * Replaces the login's codes with a new set and returns the codes to show, once. The caller has
 * checked step-up and that the login has a second factor (codes stand in for one).
 */
export async function createRecoveryCodes(deps: AccountDeps, loginId: string): Promise<string[]> {
  const { db, now } = deps;
  const [login] = await db.select({ email: logins.email, locale: logins.locale }).from(logins).where(eq(logins.id, loginId)).limit(1);
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const rows = await Promise.all(
    codes.map(async (code) => ({ id: crypto.randomUUID(), loginId, codeHash: await hashRecoveryCode(loginId, normaliseRecoveryCode(code)!), createdAt: now.toISOString() })),
  );
  const writes: BatchItem<'sqlite'>[] = [
    db.delete(recoveryCodes).where(eq(recoveryCodes.loginId, loginId)),
    db.insert(recoveryCodes).values(rows),
    auditInsert(db, { event: 'recovery_codes.created', actorLoginId: loginId, subjectLoginId: loginId, detail: { count: codes.length } }),
  ];
  if (login) writes.push(queueEmail(db, secondFactorMails.recoveryCodesCreated(login.email, deps.origin, login.locale)));
  await runBatch(db, writes);
  return codes;
}

/** Removes every code of the login (unexecuted): when its last second factor goes, codes stand in for nothing. */
export function deleteRecoveryCodes(deps: Pick<AccountDeps, 'db'>, loginId: string) {
  return deps.db.delete(recoveryCodes).where(eq(recoveryCodes.loginId, loginId));
}
