import { and, isNull, lt, or } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { linkTokens, throttles } from '../../db/schema';

const DAY_MS = 86_400_000;

/**
 * Daily: forget failure counters a day after their last change (a lock streak resets after a
 * quiet day anyway) once any lock they hold has ended — some locks last days, and forgetting the
 * counter would end them early — and single-use links a day after they were used or expired.
 */
export async function purgeStaleAccountRecords(db: DrizzleD1Database, now = new Date()) {
  const dayAgo = new Date(now.getTime() - DAY_MS).toISOString();
  const [counters, links] = await db.batch([
    db.delete(throttles).where(and(lt(throttles.updatedAt, dayAgo), or(isNull(throttles.lockedUntil), lt(throttles.lockedUntil, now.toISOString())))),
    db.delete(linkTokens).where(or(lt(linkTokens.expiresAt, dayAgo), lt(linkTokens.usedAt, dayAgo))),
  ]);
  return { purgedCounters: counters.meta.changes ?? 0, purgedLinks: links.meta.changes ?? 0 };
}
