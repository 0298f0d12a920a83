/**
 * One-click unsubscribe without signing in: the RFC 8058 POST to the List-Unsubscribe URL, the page
 * a browser opening that URL gets, and the landing page of the links in a message body; valid,
 * expired and tampered tokens; and that no unsubscribe silences security mail.
 */
import { and, eq } from 'drizzle-orm';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { alertRecipients, recipientTopics } from '../../db/schema';
import { deliverNotice } from '../../worker/alerts/delivery/deliver-notice';
import { signUnsubscribe, UNSUBSCRIBE_LIFETIME_MS, verifyUnsubscribe } from '../../worker/preferences/unsubscribe-token';
import { postJson } from './support/accounts';
import { givenHousehold, givenNotice, givenRecipient, listUnsubscribeTokenOf, mailsTo, ORIGIN } from './support/delivery-fixtures';
import { db } from './support/sign-in';
import { installWriteLog, takeWrites } from './support/write-log';

const afternoon = new Date('2026-10-03T21:00:00Z');
const deps = (now = afternoon) => ({ db: db(), secret: env.LINK_SIGNING_SECRET, origin: env.PORTAL_ORIGIN, now });

/** What a mail provider sends for RFC 8058: a POST with exactly this body, no cookie, no Origin of ours. */
const oneClick = (token: string, body = 'List-Unsubscribe=One-Click') =>
  exports.default.fetch(new Request(`${ORIGIN}/unsubscribe/${token}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'Mail provider' }, body, redirect: 'manual' }));

const topicOf = async (recipientId: string, topic: string) => (await db().select().from(recipientTopics).where(and(eq(recipientTopics.recipientId, recipientId), eq(recipientTopics.topic, topic as never))))[0];

async function mailedHousehold() {
  const h = await givenHousehold();
  await deliverNotice(deps(), (await givenNotice(h.meter)).noticeId);
  const [me] = await db().select().from(alertRecipients).where(eq(alertRecipients.loginId, h.holder.id));
  return { ...h, recipientId: me!.id, token: await listUnsubscribeTokenOf(h.holder.email) };
}

describe('RFC 8058 one-click unsubscribe', () => {
  it('stops exactly the topic of the mail it came in, for that recipient, without a sign-in; other alerts keep coming', async () => {
    const h = await mailedHousehold();
    const res = await oneClick(h.token);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('you will not get these messages any more');
    expect(await topicOf(h.recipientId, 'continuous_flow')).toMatchObject({ enabled: false, changedVia: 'one_click' });
    expect(await topicOf(h.recipientId, 'intermittent_leak')).toMatchObject({ enabled: true });
    await deliverNotice(deps(), (await givenNotice(h.meter)).noticeId);
    await deliverNotice(deps(), (await givenNotice(h.meter, { type: 'intermittent_leak', figures: {} })).noticeId);
    expect((await mailsTo(h.holder.email)).map((m) => m.subject)).toEqual([expect.stringMatching(/at night/), expect.stringMatching(/without a break/)]);
    // Again: nothing more to stop, same answer.
    expect((await oneClick(h.token)).status).toBe(200);
  });

  it('refuses a tampered token (400) and an expired one (410), and writes nothing', async () => {
    const h = await mailedHousehold();
    const [rid, topic, expiry, mac] = h.token.split('.') as [string, string, string, string];
    const tampered = [
      `${rid}.newsletter.${expiry}.${mac}`,
      `${rid}.${topic}.${(parseInt(expiry, 36) + 86_400).toString(36)}.${mac}`,
      `${crypto.randomUUID()}.${topic}.${expiry}.${mac}`,
      `${rid}.${topic}.${expiry}.${mac.slice(0, -2)}AA`,
      'not-a-token',
    ];
    const expired = await signUnsubscribe(env.LINK_SIGNING_SECRET, h.recipientId, 'continuous_flow', new Date(Date.now() - UNSUBSCRIBE_LIFETIME_MS - 1000));
    await installWriteLog();
    await takeWrites();
    for (const token of tampered) expect((await oneClick(token)).status, token).toBe(400);
    const gone = await oneClick(expired);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('expired');
    expect(await takeWrites()).toEqual([]);
    expect(await topicOf(h.recipientId, 'continuous_flow')).toMatchObject({ enabled: true });
  });

  it('does nothing on a POST without the one-click body, or on a GET (a link scanner), which shows a button instead', async () => {
    const h = await mailedHousehold();
    expect((await oneClick(h.token, 'something=else')).status).toBe(400);
    const page = await exports.default.fetch(new Request(`${ORIGIN}/unsubscribe/${h.token}`));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<form method="post" action="/unsubscribe/${h.token}">`);
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(html).toContain('Stop leak alerts to this address?');
    expect(await topicOf(h.recipientId, 'continuous_flow')).toMatchObject({ enabled: true });
    expect(page.headers.get('Cache-Control')).toBe('no-store');
  });

  it('lets someone the holder added remove themselves from the account altogether', async () => {
    const h = await givenHousehold();
    const sam = await givenRecipient(h.accountId, { channel: 'email', address: 'sam@neighbours.example' });
    await deliverNotice(deps(), (await givenNotice(h.meter)).noticeId);
    const body = (await mailsTo('sam@neighbours.example'))[0]!.bodyText;
    const all = [...body.matchAll(/#code=(\S+)/g)].map((m) => decodeURIComponent(m[1]!)).find((t) => t.split('.')[1] === 'all')!;
    expect((await oneClick(all)).status).toBe(200);
    const [row] = await db().select().from(alertRecipients).where(eq(alertRecipients.id, sam));
    expect(row).toMatchObject({ status: 'removed', removedBy: 'recipient' });
    await deliverNotice(deps(), (await givenNotice(h.meter, { type: 'intermittent_leak', figures: {} })).noticeId);
    expect(await mailsTo('sam@neighbours.example')).toHaveLength(1);
  });
});

describe('the links in the message body', () => {
  it('unsubscribe from the landing page: the code from the fragment, posted in the body', async () => {
    const h = await mailedHousehold();
    const body = (await mailsTo(h.holder.email))[0]!.bodyText;
    const link = /https?:\/\/\S+\/unsubscribe\/#code=\S+/.exec(body)![0];
    const code = decodeURIComponent(new URL(link).hash.slice('#code='.length));
    expect(code).toBe(h.token);
    // The code also stands alone on its line, for a browser without JavaScript.
    expect(body.split('\n')).toContain(code);
    const res = await postJson('/api/subscriptions/unsubscribe', { code });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'unsubscribed', topic: 'continuous_flow' });
    expect(await topicOf(h.recipientId, 'continuous_flow')).toMatchObject({ enabled: false, changedVia: 'link' });
    const bad = await postJson('/api/subscriptions/unsubscribe', { code: `${code}x` });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: { code: string } }>()).error.code).toBe('link_invalid');
  });

  it('stops every mailing for the customer’s own e-mail with the "all" token, and still sends a password reset', async () => {
    const h = await mailedHousehold();
    const all = await signUnsubscribe(env.LINK_SIGNING_SECRET, h.recipientId, 'all');
    expect((await oneClick(all)).status).toBe(200);
    const topics = await db().select().from(recipientTopics).where(eq(recipientTopics.recipientId, h.recipientId));
    expect(topics.every((t) => !t.enabled)).toBe(true);
    const [row] = await db().select().from(alertRecipients).where(eq(alertRecipients.id, h.recipientId));
    expect(row!.status).toBe('confirmed'); // the login's own row stays, all off, so defaults never come back
    await deliverNotice(deps(), (await givenNotice(h.meter, { type: 'intermittent_leak', figures: {} })).noticeId);
    expect((await mailsTo(h.holder.email)).filter((m) => m.kind.startsWith('alert-'))).toHaveLength(1);
    // Security mail is not a topic: it still arrives.
    expect((await postJson('/api/accounts/password/forgot', { email: h.holder.email })).status).toBe(200);
    expect((await mailsTo(h.holder.email)).map((m) => m.kind)).toContain('password-reset');
  });

  it('verifies tokens alone: valid, expired, tampered', async () => {
    const id = crypto.randomUUID();
    const now = new Date('2026-10-03T00:00:00Z');
    const token = await signUnsubscribe(env.LINK_SIGNING_SECRET, id, 'newsletter', now);
    expect(await verifyUnsubscribe(env.LINK_SIGNING_SECRET, token, now)).toEqual({ ok: true, recipientId: id, topic: 'newsletter' });
    expect(await verifyUnsubscribe(env.LINK_SIGNING_SECRET, token, new Date(now.getTime() + UNSUBSCRIBE_LIFETIME_MS + 1000))).toEqual({ ok: false, reason: 'expired' });
    expect(await verifyUnsubscribe('another secret of some length', token, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyUnsubscribe(env.LINK_SIGNING_SECRET, token.replace('newsletter', 'programs'), now)).toEqual({ ok: false, reason: 'invalid' });
  });
});
