/**
 * Daily (the cron in worker/index.ts): forget what no longer counts. Step-ups a day old (none can
 * count after 10 minutes), browsers not seen for as long as their cookie lives, end-session links
 * a day after they were used or expired, and authenticator set-ups that were never confirmed.
 */
import { and, isNull, lt } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { totpEnrolments } from '../../db/schema';
import { purgeStaleDeviceRecords } from '../auth/devices';
import { purgeStaleStepUps } from '../auth/step-up';

export async function purgeSecondFactorRecords(db: DrizzleD1Database, now = new Date()) {
  const [stepUps, devices, links, setups] = await db.batch([
    purgeStaleStepUps(db, now),
    ...purgeStaleDeviceRecords(db, now),
    // A set-up row that never became an app: nothing to keep. A confirmed one keeps its date, without the pending secret.
    db.delete(totpEnrolments).where(and(isNull(totpEnrolments.enrolledAt), lt(totpEnrolments.pendingExpiresAt, now.toISOString()))),
  ]);
  return { stepUps: stepUps.meta.changes ?? 0, devices: devices.meta.changes ?? 0, links: links.meta.changes ?? 0, setups: setups.meta.changes ?? 0 };
}
