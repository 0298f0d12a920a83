/**
 * Challenges of passkey ceremonies: random, single-use, short-lived, and bound to what asked for
 * them. A signed-in ceremony (registration, step-up) and the second sign-in step bind to the
 * session; a sign-in with a passkey alone, which has no session yet, binds to a random value in
 * the sign-in attempt's cookie. A response is checked against a challenge only when it comes back
 * with the same binding, and the challenge is deleted in the same statement that finds it, so two
 * responses racing for one challenge cannot both win.
 */
import { and, eq, lt } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { passkeyChallenges, type PasskeyPurpose } from '../../../db/schema';
import { base64url, sha256Hex } from '../tokens';
import { CHALLENGE_TTL_MS } from './relying-party';

/** What a challenge is bound to, already hashed (see bindToSession, bindToAttempt). */
export type Binding = { hash: string };

/** A session, by its token hash (sessions.token_hash). */
export async function bindToSession(sessionHash: string): Promise<Binding> {
  return { hash: await sha256Hex(`passkey-binding\nsession\n${sessionHash}`) };
}

/** A sign-in attempt, by the random value of its cookie. */
export async function bindToAttempt(attemptToken: string): Promise<Binding> {
  return { hash: await sha256Hex(`passkey-binding\nattempt\n${attemptToken}`) };
}

/** `bytes` go to the WebAuthn options; `challenge` is their base64url, as the browser echoes it in its client data. */
export type IssuedChallenge = { challenge: string; bytes: Uint8Array<ArrayBuffer>; expiresAt: Date };

/**
 * A new challenge for `purpose`, replacing any earlier one of the same binding and purpose: one
 * ceremony at a time per session or attempt, so asking again and again keeps one row.
 */
export async function issueChallenge(
  db: DrizzleD1Database,
  options: { purpose: PasskeyPurpose; binding: Binding; loginId: string | null; now: Date },
): Promise<IssuedChallenge> {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const challenge = base64url(bytes);
  const expiresAt = new Date(options.now.getTime() + CHALLENGE_TTL_MS);
  await db.batch([
    db.delete(passkeyChallenges).where(and(eq(passkeyChallenges.bindingHash, options.binding.hash), eq(passkeyChallenges.purpose, options.purpose))),
    db.insert(passkeyChallenges).values({
      challengeHash: await sha256Hex(challenge),
      purpose: options.purpose,
      loginId: options.loginId,
      bindingHash: options.binding.hash,
      createdAt: options.now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    }),
  ]);
  return { challenge, bytes, expiresAt };
}

export type ConsumedChallenge = { loginId: string | null };

/**
 * Takes the challenge a response signed: found only with its purpose and binding, deleted as it
 * is found (used once, right or wrong), and refused when past its end. Null when there is no such
 * live challenge: unknown, already used, issued to another session or attempt, or expired.
 */
export async function consumeChallenge(
  db: DrizzleD1Database,
  options: { challenge: string; purpose: PasskeyPurpose; binding: Binding; now: Date },
): Promise<ConsumedChallenge | null> {
  const [row] = await db
    .delete(passkeyChallenges)
    .where(
      and(
        eq(passkeyChallenges.challengeHash, await sha256Hex(options.challenge)),
        eq(passkeyChallenges.purpose, options.purpose),
        eq(passkeyChallenges.bindingHash, options.binding.hash),
      ),
    )
    .returning({ loginId: passkeyChallenges.loginId, expiresAt: passkeyChallenges.expiresAt });
  if (!row || Date.parse(row.expiresAt) <= options.now.getTime()) return null;
  return { loginId: row.loginId };
}

/** Daily: challenges nobody answered. */
export async function purgeExpiredChallenges(db: DrizzleD1Database, now = new Date()) {
  const result = await db.delete(passkeyChallenges).where(lt(passkeyChallenges.expiresAt, now.toISOString()));
  return { removed: result.meta.changes ?? 0 };
}
