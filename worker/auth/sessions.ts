import { and, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { logins, sessions, type LoginRole } from '../../db/schema';
import { randomToken, sha256Hex } from './tokens';

export const SESSION_COOKIE = '__Host-session';

/** Roles that must pass a second factor before requireRole lets them through. */
export const staffRoles: readonly LoginRole[] = ['support', 'privacy_officer', 'programs', 'admin'];

/**
 * Limits, in milliseconds. A customer's session cookie dies with the browser; a remembered one
 * lasts longer. A staff session reaches every customer's data, so it is never remembered, ends
 * after 15 idle minutes (NIST SP 800-63B's limit at its highest assurance level) and 8 hours after
 * sign-in (one working shift; NIST allows 12): an unattended console locks itself soon, and a new
 * shift starts with a fresh sign-in and TOTP code.
 */
export const sessionLimits = {
  idle: { browser: 30 * 60_000, remembered: 7 * 24 * 3_600_000, staff: 15 * 60_000 },
  absolute: { browser: 12 * 3_600_000, remembered: 30 * 24 * 3_600_000, staff: 8 * 3_600_000 },
} as const;

export type SessionKind = keyof typeof sessionLimits.idle;

/** Which limits apply: by role first, so a staff session stored as remembered (or by any caller) still gets staff limits. */
export function sessionKind(role: LoginRole | undefined, persistent: boolean): SessionKind {
  if (role && staffRoles.includes(role)) return 'staff';
  return persistent ? 'remembered' : 'browser';
}

/** A session that still owes its second factor lives this long and grants nothing but the second step. */
export const PENDING_SECOND_FACTOR_MS = 10 * 60_000;

export type SecondFactorState = 'none' | 'pending' | 'passed';

export type SignedInLogin = {
  id: string;
  role: LoginRole;
  /** SHA-256 of the session token: the session's key on the server. */
  sessionHash: string;
  /** Whether this session passed a second factor (TOTP). */
  secondFactor: boolean;
  persistent: boolean;
  /** The id the customer sees in "active sessions". */
  sessionId: string;
};

/** `role`, when given, applies its limits at once (a staff login never gets a persistent session); resolveSession applies them in any case. */
type StartOptions = { persistent: boolean; role?: LoginRole; clientLabel?: string | null; now?: Date; secondFactor?: SecondFactorState };

/** The insert for a new session and its token; unexecuted, so it can join a batch (rotation, revocation). */
export async function newSession(db: DrizzleD1Database, loginId: string, options: StartOptions) {
  const now = options.now ?? new Date();
  const token = randomToken();
  const tokenHash = await sha256Hex(token);
  const publicId = randomToken(12);
  const kind = sessionKind(options.role, options.persistent);
  const persistent = kind === 'remembered';
  const secondFactor = options.secondFactor ?? 'none';
  const lifetime = secondFactor === 'pending' ? PENDING_SECOND_FACTOR_MS : sessionLimits.absolute[kind];
  const expiresAt = new Date(now.getTime() + lifetime);
  const insert = db.insert(sessions).values({
    tokenHash,
    publicId,
    loginId,
    persistent,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    clientLabel: options.clientLabel ?? null,
    secondFactor,
  });
  return { token, tokenHash, publicId, expiresAt, persistent, insert };
}

export async function startSession(
  db: DrizzleD1Database,
  loginId: string,
  options: StartOptions,
): Promise<{ token: string; expiresAt: Date; tokenHash: string; publicId: string; persistent: boolean }> {
  const { insert, ...session } = await newSession(db, loginId, options);
  await insert;
  return session;
}

/**
 * The login a session token stands for, or null when it is unknown, revoked, idle too long or past
 * its end. A session still owing its second factor resolves only with `allowPending`.
 */
export async function resolveSession(
  db: DrizzleD1Database,
  token: string,
  now = new Date(),
  options: { allowPending?: boolean } = {},
): Promise<SignedInLogin | null> {
  const tokenHash = await sha256Hex(token);
  const [row] = await db
    .select({ session: sessions, role: logins.role, status: logins.status })
    .from(sessions)
    .innerJoin(logins, eq(logins.id, sessions.loginId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)))
    .limit(1);
  if (!row || row.status !== 'active') return null;
  if (row.session.secondFactor === 'pending' && !options.allowPending) return null;
  const kind = sessionKind(row.role, row.session.persistent);
  const idleEnds = Date.parse(row.session.lastSeenAt) + sessionLimits.idle[kind];
  const absoluteEnds = Math.min(Date.parse(row.session.expiresAt), Date.parse(row.session.createdAt) + sessionLimits.absolute[kind]);
  if (now.getTime() >= absoluteEnds || now.getTime() >= idleEnds) return null;
  // Touch at most once a minute: keeps the idle clock honest without a write per request.
  if (now.getTime() - Date.parse(row.session.lastSeenAt) > 60_000) {
    await db.update(sessions).set({ lastSeenAt: now.toISOString() }).where(eq(sessions.tokenHash, tokenHash));
  }
  return {
    id: row.session.loginId,
    role: row.role,
    sessionHash: tokenHash,
    secondFactor: row.session.secondFactor === 'passed',
    persistent: kind === 'remembered',
    sessionId: row.session.publicId ?? tokenHash.slice(0, 16),
  };
}

/** Ends one session (unexecuted update). */
export function revokeSessionUpdate(db: DrizzleD1Database, tokenHash: string, now = new Date()) {
  return db.update(sessions).set({ revokedAt: now.toISOString() }).where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)));
}

/** Ends every live session of a login, except `keepTokenHash` when given (unexecuted update). */
export function revokeLoginSessionsUpdate(db: DrizzleD1Database, loginId: string, now = new Date(), keepTokenHash?: string) {
  const live = and(eq(sessions.loginId, loginId), isNull(sessions.revokedAt));
  return db
    .update(sessions)
    .set({ revokedAt: now.toISOString() })
    .where(keepTokenHash ? and(live, ne(sessions.tokenHash, keepTokenHash)) : live);
}

/** Live (not revoked, not past their absolute end, not idle too long) sessions of a login, newest first. */
export async function liveSessions(db: DrizzleD1Database, loginId: string, now = new Date()) {
  const rows = await db
    .select({ session: sessions, role: logins.role })
    .from(sessions)
    .innerJoin(logins, eq(logins.id, sessions.loginId))
    .where(and(eq(sessions.loginId, loginId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now.toISOString())))
    .orderBy(desc(sessions.lastSeenAt))
    .limit(50);
  return rows
    .filter(({ session: s, role }) => {
      const kind = sessionKind(role, s.persistent);
      const alive = Date.parse(s.lastSeenAt) + sessionLimits.idle[kind] > now.getTime() && Date.parse(s.createdAt) + sessionLimits.absolute[kind] > now.getTime();
      return s.secondFactor !== 'pending' && alive;
    })
    .map(({ session: s, role }) => ({ ...s, persistent: sessionKind(role, s.persistent) === 'remembered' }));
}
