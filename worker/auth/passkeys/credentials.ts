/** The passkeys a login registered: listing, naming, removing, and keeping the signature counter. */
import { and, asc, count, eq } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { passkeyCredentials } from '../../../db/schema';

export type StoredPasskey = typeof passkeyCredentials.$inferSelect;

/** What the security page and the API show of a passkey: never its credential id or public key. */
export type PasskeySummary = { id: string; name: string; createdAt: string; lastUsedAt: string | null; synced: boolean };

export async function listPasskeys(db: DrizzleD1Database, loginId: string): Promise<PasskeySummary[]> {
  const rows = await db
    .select({ id: passkeyCredentials.id, name: passkeyCredentials.name, createdAt: passkeyCredentials.createdAt, lastUsedAt: passkeyCredentials.lastUsedAt, synced: passkeyCredentials.backedUp })
    .from(passkeyCredentials)
    .where(eq(passkeyCredentials.loginId, loginId))
    .orderBy(asc(passkeyCredentials.createdAt), asc(passkeyCredentials.id));
  return rows;
}

export async function passkeyCount(db: DrizzleD1Database, loginId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(passkeyCredentials).where(eq(passkeyCredentials.loginId, loginId));
  return row?.n ?? 0;
}

/** The credential ids (and transports) of a login's passkeys: what the browser is told to offer, or not to make again. */
export async function credentialDescriptors(db: DrizzleD1Database, loginId: string) {
  const rows = await db.select({ id: passkeyCredentials.credentialId, transports: passkeyCredentials.transports }).from(passkeyCredentials).where(eq(passkeyCredentials.loginId, loginId));
  return rows.map((r) => ({ id: r.id, ...(r.transports?.length ? { transports: r.transports } : {}) }));
}

export async function findByCredentialId(db: DrizzleD1Database, credentialId: string): Promise<StoredPasskey | null> {
  const [row] = await db.select().from(passkeyCredentials).where(eq(passkeyCredentials.credentialId, credentialId)).limit(1);
  return row ?? null;
}

/** Renames one of the login's own passkeys; null when the login has no passkey of that id. */
export async function renamePasskey(db: DrizzleD1Database, loginId: string, id: string, name: string) {
  const [row] = await db
    .update(passkeyCredentials)
    .set({ name })
    .where(and(eq(passkeyCredentials.id, id), eq(passkeyCredentials.loginId, loginId)))
    .returning({ id: passkeyCredentials.id });
  return row ?? null;
}

/** The delete of one of the login's own passkeys (unexecuted, to join the audit line's batch). */
export function removePasskeyDelete(db: DrizzleD1Database, loginId: string, id: string) {
  return db.delete(passkeyCredentials).where(and(eq(passkeyCredentials.id, id), eq(passkeyCredentials.loginId, loginId)));
}

/**
 * Records a verified use: the new counter, the backup state, the time. Only if the counter is
 * still the one the response was checked against: of two responses racing with counters from the
 * same authenticator, one wins; an authenticator that does not count (0) never races.
 */
export async function recordPasskeyUse(db: DrizzleD1Database, passkey: StoredPasskey, use: { counter: number; backedUp: boolean; now: Date }) {
  const updated = await db
    .update(passkeyCredentials)
    .set({ signCount: use.counter, backedUp: use.backedUp, lastUsedAt: use.now.toISOString() })
    .where(and(eq(passkeyCredentials.id, passkey.id), eq(passkeyCredentials.signCount, passkey.signCount)))
    .returning({ id: passkeyCredentials.id });
  return updated.length > 0;
}
