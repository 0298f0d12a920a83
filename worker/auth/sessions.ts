import { and, eq, isNull } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { logins, sessions, type LoginRole } from '../../db/schema';
import { randomToken, sha256Hex } from './tokens';

export const SESSION_COOKIE = '__Host-session';

/** Limits, in milliseconds. A session cookie dies with the browser; a remembered one lasts longer. */
export const sessionLimits = {
  idle: { browser: 30 * 60_000, remembered: 7 * 24 * 3_600_000 },
  absolute: { browser: 12 * 3_600_000, remembered: 30 * 24 * 3_600_000 },
} as const;

export type SignedInLogin = { id: string; role: LoginRole; sessionHash: string };

export async function startSession(
  db: DrizzleD1Database,
  loginId: string,
  options: { persistent: boolean; clientLabel?: string | null; now?: Date },
): Promise<{ token: string; expiresAt: Date }> {
  const now = options.now ?? new Date();
  const token = randomToken();
  const kind = options.persistent ? 'remembered' : 'browser';
  const expiresAt = new Date(now.getTime() + sessionLimits.absolute[kind]);
  await db.insert(sessions).values({
    tokenHash: await sha256Hex(token),
    loginId,
    persistent: options.persistent,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    clientLabel: options.clientLabel ?? null,
  });
  return { token, expiresAt };
}

/** The login a session token stands for, or null when it is unknown, revoked, idle too long or past its end. */
export async function resolveSession(db: DrizzleD1Database, token: string, now = new Date()): Promise<SignedInLogin | null> {
  const tokenHash = await sha256Hex(token);
  const [row] = await db
    .select({ session: sessions, role: logins.role, status: logins.status })
    .from(sessions)
    .innerJoin(logins, eq(logins.id, sessions.loginId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)))
    .limit(1);
  if (!row || row.status !== 'active') return null;
  const kind = row.session.persistent ? 'remembered' : 'browser';
  const idleEnds = Date.parse(row.session.lastSeenAt) + sessionLimits.idle[kind];
  if (now.getTime() >= Date.parse(row.session.expiresAt) || now.getTime() >= idleEnds) return null;
  // Touch at most once a minute: keeps the idle clock honest without a write per request.
  if (now.getTime() - Date.parse(row.session.lastSeenAt) > 60_000) {
    await db.update(sessions).set({ lastSeenAt: now.toISOString() }).where(eq(sessions.tokenHash, tokenHash));
  }
  return { id: row.session.loginId, role: row.role, sessionHash: tokenHash };
}
