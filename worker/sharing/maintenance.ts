/**
 * Daily sharing upkeep: ends delegate access past its last day (every check already refuses it;
 * this removes the grant and tells both sides), forgets invitations 30 days after they stopped
 * being open, and keeps the disclosure log for 24 months (the privacy notice says so).
 */
import { and, isNotNull, lt, or } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { delegateInvitations, disclosures } from '../../db/schema';
import { endExpiredGrants } from './delegates';

export const INVITATION_KEPT_DAYS = 30;
export const DISCLOSURE_LOG_MONTHS = 24;

export async function runSharingMaintenance(env: Pick<Env, 'DB' | 'LINK_SIGNING_SECRET' | 'PORTAL_ORIGIN'>, now = new Date()) {
  const db = drizzle(env.DB);
  const ended = await endExpiredGrants({ db, now, secret: env.LINK_SIGNING_SECRET, origin: env.PORTAL_ORIGIN, client: 'cron', clientLabel: null, locale: 'en' });
  const forgetBefore = new Date(now.getTime() - INVITATION_KEPT_DAYS * 86_400_000).toISOString();
  const logCutoff = new Date(now);
  logCutoff.setUTCMonth(logCutoff.getUTCMonth() - DISCLOSURE_LOG_MONTHS);
  const [invitations, log] = await db.batch([
    db
      .delete(delegateInvitations)
      .where(
        or(
          lt(delegateInvitations.expiresAt, forgetBefore),
          and(isNotNull(delegateInvitations.acceptedAt), lt(delegateInvitations.acceptedAt, forgetBefore)),
          and(isNotNull(delegateInvitations.withdrawnAt), lt(delegateInvitations.withdrawnAt, forgetBefore)),
        ),
      ),
    db.delete(disclosures).where(lt(disclosures.releasedAt, logCutoff.toISOString())),
  ]);
  return { endedGrants: ended, forgottenInvitations: invitations.meta.changes ?? 0, purgedDisclosures: log.meta.changes ?? 0 };
}
