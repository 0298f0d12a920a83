/**
 * New-device notices. A browser that signs in gets a long-lived, strictly necessary, HttpOnly
 * cookie (`__Host-device`) holding a random id; per login, the portal keeps only the SHA-256 of
 * that id (`known_devices`). A completed sign-in from a browser the login has not used before
 * mails the login's address: when, which kind of browser (coarse label, no IP, no place), and a
 * link that ends that one session without signing in. Its secret rides in the link's fragment.
 *
 * The very first browser of a login (right after registering, or the first sign-in after this
 * feature shipped) is recorded without a mail: there is nothing to compare it with, and a mail to
 * every customer at once would teach them to ignore these.
 */
import { and, count, eq, isNull, lt, or } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { knownDevices, sessionEndLinks } from '../../db/schema';
import { auditInsert } from '../audit/log';
import { ApiError } from '../http/errors';
import { queueEmail } from '../mail/outbox';
import { secondFactorMails } from '../accounts/second-factor-mails';
import { loginLocale } from '../accounts/language';
import { revokeSessionUpdate } from './sessions';
import { randomToken, sha256Hex } from './tokens';

export const DEVICE_COOKIE = '__Host-device';
/** Browsers keep a cookie at most 400 days (RFC 6265bis); each sign-in sets it again, so a browser in use stays known. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 400 * 24 * 3600;
/** As long as the longest session can live (a remembered one, 30 days): the link can end any session it names. */
export const SESSION_END_LINK_MS = 30 * 24 * 3_600_000;

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
const deviceHash = (token: string) => sha256Hex(`device\n${token}`);

export type SignInDevice = {
  /** The value to (re)set in the device cookie. */
  cookie: string;
  /** Statements for the sign-in's success batch: the device row, and for a new device the link, mail and audit line. */
  statements: BatchItem<'sqlite'>[];
  isNew: boolean;
  notified: boolean;
};

/**
 * At a completed sign-in (password alone, or after the second factor, or a passkey): recognises the
 * browser by `cookieValue`, or gives it a new id, and prepares the notice when it is new to a login
 * that has been used from another browser before.
 */
export async function deviceAtSignIn(
  db: DrizzleD1Database,
  signIn: { loginId: string; email: string; sessionHash: string; clientLabel: string | null; origin: string; now: Date },
  cookieValue: string | null | undefined,
): Promise<SignInDevice> {
  const { loginId, now } = signIn;
  const cookie = cookieValue && tokenPattern.test(cookieValue) ? cookieValue : randomToken();
  const hash = await deviceHash(cookie);
  const [[known], [others]] = await Promise.all([
    db.select({ at: knownDevices.firstSeenAt }).from(knownDevices).where(and(eq(knownDevices.loginId, loginId), eq(knownDevices.deviceHash, hash))).limit(1),
    db.select({ n: count() }).from(knownDevices).where(eq(knownDevices.loginId, loginId)),
  ]);
  const at = now.toISOString();
  if (known) {
    return {
      cookie,
      isNew: false,
      notified: false,
      statements: [db.update(knownDevices).set({ lastSeenAt: at, clientLabel: signIn.clientLabel }).where(and(eq(knownDevices.loginId, loginId), eq(knownDevices.deviceHash, hash)))],
    };
  }
  const statements: BatchItem<'sqlite'>[] = [db.insert(knownDevices).values({ loginId, deviceHash: hash, clientLabel: signIn.clientLabel, firstSeenAt: at, lastSeenAt: at })];
  const notify = (others?.n ?? 0) > 0;
  if (notify) {
    const token = randomToken();
    statements.push(
      db.insert(sessionEndLinks).values({ tokenHash: await sha256Hex(token), loginId, sessionHash: signIn.sessionHash, createdAt: at, expiresAt: new Date(now.getTime() + SESSION_END_LINK_MS).toISOString() }),
      queueEmail(db, secondFactorMails.newDevice(signIn.email, signIn.origin, now, signIn.clientLabel, token, await loginLocale(db, loginId))),
    );
  }
  statements.push(auditInsert(db, { event: 'login.new_device', actorLoginId: loginId, subjectLoginId: loginId, detail: { notified: notify, client: signIn.clientLabel } }));
  return { cookie, statements, isNew: true, notified: notify };
}

/**
 * Ends the session a new-device notice names, from its link: no sign-in needed, and nothing else
 * is changed. 400 `link_invalid` (malformed, tampered, unknown), 410 `link_used` or `link_expired`.
 */
export async function endSessionByLink(db: DrizzleD1Database, token: string, now: Date) {
  const invalid = new ApiError(400, 'link_invalid', 'This link is not valid. Please use the link from the newest e-mail we sent.');
  if (!tokenPattern.test(token)) throw invalid;
  const tokenHash = await sha256Hex(token);
  const [row] = await db.select().from(sessionEndLinks).where(eq(sessionEndLinks.tokenHash, tokenHash)).limit(1);
  if (!row) throw invalid;
  if (row.usedAt) throw new ApiError(410, 'link_used', 'This link has already been used: that session is ended.');
  if (Date.parse(row.expiresAt) <= now.getTime()) throw new ApiError(410, 'link_expired', 'This link has expired. Sign in and end the session from "Where you are signed in".');
  const [claimed] = await db
    .update(sessionEndLinks)
    .set({ usedAt: now.toISOString() })
    .where(and(eq(sessionEndLinks.tokenHash, tokenHash), isNull(sessionEndLinks.usedAt)))
    .returning({ loginId: sessionEndLinks.loginId });
  if (!claimed) throw new ApiError(410, 'link_used', 'This link has already been used: that session is ended.');
  await db.batch([
    revokeSessionUpdate(db, row.sessionHash, now),
    auditInsert(db, { event: 'session.revoked', subjectLoginId: row.loginId, detail: { scope: 'one', reason: 'new_device_link' } }),
  ]);
  return { status: 'session-ended-by-link' as const };
}

/**
 * Daily: forget browsers not seen for as long as their cookie can live, and end-session links a
 * day after they were used or expired (unexecuted statements).
 */
export function purgeStaleDeviceRecords(db: DrizzleD1Database, now: Date) {
  const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
  return [
    db.delete(knownDevices).where(lt(knownDevices.lastSeenAt, new Date(now.getTime() - DEVICE_COOKIE_MAX_AGE_SECONDS * 1000).toISOString())),
    db.delete(sessionEndLinks).where(or(lt(sessionEndLinks.expiresAt, dayAgo), lt(sessionEndLinks.usedAt, dayAgo))),
  ] as const;
}
