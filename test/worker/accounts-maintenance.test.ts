import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { linkTokens, throttles } from '../../db/schema';
import { purgeStaleAccountRecords } from '../../worker/accounts/maintenance';
import { db, signedIn, uniqueId } from './support/sign-in';

describe('daily account maintenance', () => {
  it('forgets failure counters and links a day after their last use, and keeps fresh ones', async () => {
    const now = new Date('2026-11-25T12:00:00Z');
    const twoDaysAgo = '2026-11-23T12:00:00.000Z';
    const hourAgo = '2026-11-25T11:00:00.000Z';
    const { loginId } = await signedIn();
    const stale = { key: uniqueId('client'), windowStartedAt: twoDaysAgo, updatedAt: twoDaysAgo, failures: 3 };
    const fresh = { key: uniqueId('client'), windowStartedAt: hourAgo, updatedAt: hourAgo, failures: 3, lockedUntil: '2026-11-25T13:00:00.000Z' };
    await db().insert(throttles).values([stale, fresh]);
    const expiredLink = { tokenHash: uniqueId('link'), purpose: 'password-reset' as const, loginId, expiresAt: twoDaysAgo };
    const usedLink = { tokenHash: uniqueId('link'), purpose: 'verify-email' as const, loginId, expiresAt: '2026-11-26T00:00:00.000Z', usedAt: twoDaysAgo };
    const liveLink = { tokenHash: uniqueId('link'), purpose: 'password-reset' as const, loginId, expiresAt: '2026-11-25T13:00:00.000Z' };
    await db().insert(linkTokens).values([expiredLink, usedLink, liveLink]);

    await purgeStaleAccountRecords(db(), now);

    const counters = await db().select().from(throttles);
    expect(counters.map((t) => t.key)).toContain(fresh.key);
    expect(counters.map((t) => t.key)).not.toContain(stale.key);
    const links = await db().select().from(linkTokens).where(eq(linkTokens.loginId, loginId));
    expect(links.map((l) => l.tokenHash)).toEqual([liveLink.tokenHash]);
  });

  it('keeps a counter whose lock has not ended, however long ago it last changed', async () => {
    const now = new Date('2026-11-25T12:00:00Z');
    const threeDaysAgo = '2026-11-22T12:00:00.000Z';
    // A week-long lock (e.g. alert-recipient invitations) set three days ago still has four days to run.
    const locked = { key: uniqueId('invite'), windowStartedAt: threeDaysAgo, updatedAt: threeDaysAgo, failures: 0, lockouts: 2, lockedUntil: '2026-11-29T12:00:00.000Z' };
    const ended = { key: uniqueId('invite'), windowStartedAt: threeDaysAgo, updatedAt: threeDaysAgo, failures: 0, lockouts: 1, lockedUntil: '2026-11-23T12:00:00.000Z' };
    await db().insert(throttles).values([locked, ended]);

    await purgeStaleAccountRecords(db(), now);

    const keys = (await db().select().from(throttles)).map((t) => t.key);
    expect(keys).toContain(locked.key);
    expect(keys).not.toContain(ended.key);
  });
});
