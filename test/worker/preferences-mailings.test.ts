/**
 * Newsletter and program mail: only to addresses that opted in, once per address, each with its
 * one-click unsubscribe, which stops the mailing for the address whichever account named it.
 */
import { eq } from 'drizzle-orm';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { recipientTopics } from '../../db/schema';
import { queueMailing } from '../../worker/preferences/mailings';
import { postJson } from './support/accounts';
import { givenHousehold, givenRecipient, listUnsubscribeTokenOf, mailsTo, ORIGIN } from './support/delivery-fixtures';
import { db, givenAccount } from './support/sign-in';

const deps = () => ({ db: db(), secret: env.LINK_SIGNING_SECRET, origin: env.PORTAL_ORIGIN, now: new Date() });
const mailing = { topic: 'newsletter' as const, subject: 'Alder Creek news: autumn', lines: ['Rebates for smart irrigation controllers are back.'] };

describe('newsletter and program mail', () => {
  it('goes only to those who ticked it, once per address, with RFC 8058 headers', async () => {
    const opted = await givenHousehold();
    const silent = await givenHousehold();
    await postJson('/api/preferences', { account: opted.accountId, recipients: ['me'], 'me.newsletter': true }, { cookie: opted.cookie });
    // The same person holds a second account, also opted in: still one message.
    const second = await givenAccount();
    await env.DB.prepare("INSERT INTO account_access (login_id, account_id, relationship, can_view_usage, can_view_billing, can_manage) VALUES (?1, ?2, 'holder', 1, 1, 1)").bind(opted.holder.id, second).run();
    await postJson('/api/preferences', { account: second, recipients: ['me'], 'me.newsletter': true }, { cookie: opted.cookie });
    // Someone the holder added gets alerts only; a newsletter is a login's own choice.
    await givenRecipient(silent.accountId, { channel: 'email', address: 'neighbour@family.example', topics: ['continuous_flow'] });
    const { queued } = await queueMailing(deps(), mailing);
    expect(queued).toBeGreaterThanOrEqual(1);
    const mine = await mailsTo(opted.holder.email);
    expect(mine.map((m) => m.kind)).toEqual(['newsletter']);
    expect(mine[0]!.headers).toMatchObject({ 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect(mine[0]!.bodyText).toContain('To stop the newsletter to this address');
    expect(await mailsTo(silent.holder.email)).toEqual([]);
    expect(await mailsTo('neighbour@family.example')).toEqual([]);

    // One click stops it for the address, on both accounts.
    const token = await listUnsubscribeTokenOf(opted.holder.email);
    const res = await exports.default.fetch(new Request(`${ORIGIN}/unsubscribe/${token}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' }));
    expect(res.status).toBe(200);
    const rows = await db().select().from(recipientTopics).where(eq(recipientTopics.topic, 'newsletter'));
    expect(rows.filter((r) => r.enabled)).toHaveLength(0);
    await queueMailing(deps(), { ...mailing, subject: 'Alder Creek news: winter' });
    expect(await mailsTo(opted.holder.email)).toHaveLength(1);
    // Alerts are another topic: still on.
    const alertsOn = await db().select().from(recipientTopics).where(eq(recipientTopics.topic, 'continuous_flow'));
    expect(alertsOn.some((r) => r.enabled)).toBe(true);
  });
});
