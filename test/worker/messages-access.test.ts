/**
 * Who may read and write a conversation: its account's holders and delegates with the manage
 * right; other customers and delegates without that right get 404 (as for a conversation that does
 * not exist) and write nothing; staff routes are for support and administrators with the second
 * factor passed, and each look at a conversation is audited.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { startSession, SESSION_COOKIE } from '../../worker/auth/sessions';
import { get, postJson } from './support/accounts';
import { givenConversation } from './support/portal-world';
import { db, givenAccount, signedIn, uniqueId } from './support/sign-in';

async function conversationWithOutsiders() {
  const accountId = await givenAccount();
  const { conversationId, attachmentId } = await givenConversation(accountId);
  const holder = await signedIn({ holderOf: [accountId] });
  const other = await signedIn({ holderOf: [await givenAccount()] });
  const viewer = await signedIn({ delegateOf: [{ accountId, usage: true, billing: true, pay: true, alerts: true }] });
  const lapsed = await signedIn({ delegateOf: [{ accountId, manage: true, expiresAt: '2020-01-01T00:00:00.000Z' }] });
  return { accountId, conversationId, attachmentId, holder, outsiders: { other, viewer, lapsed } };
}

const messageCount = async (conversationId: string) => (await env.DB.prepare('SELECT count(*) AS n FROM conversation_messages WHERE conversation_id = ?1').bind(conversationId).first<{ n: number }>())!.n;

describe('customers see only the conversations of accounts they may manage', () => {
  it('answers 404 to another customer, a delegate without the manage right and a lapsed delegate, and writes nothing', async () => {
    const w = await conversationWithOutsiders();
    for (const [who, caller] of Object.entries(w.outsiders)) {
      expect((await get(`/api/messages/${w.conversationId}`, { cookie: caller.cookie })).status, who).toBe(404);
      expect((await get(`/api/messages/attachments/${w.attachmentId}`, { cookie: caller.cookie })).status, who).toBe(404);
      expect((await postJson(`/api/messages/${w.conversationId}/reply`, { body: 'Let me in' }, { cookie: caller.cookie })).status, who).toBe(404);
      const started = await postJson('/api/messages', { account: w.accountId, subject: 'Hi', topic: 'other', body: 'Hello' }, { cookie: caller.cookie });
      expect(started.status, who).toBe(404);
      expect((await started.json<{ error: { fields: { field: string }[] } }>()).error.fields[0]!.field).toBe('account');
      const list = await (await get('/api/messages', { cookie: caller.cookie })).json<{ conversations: { id: string }[]; accounts: { id: string }[] }>();
      expect(list.conversations.map((c) => c.id), who).not.toContain(w.conversationId);
      expect(list.accounts.map((a) => a.id), who).not.toContain(w.accountId);
      const page = await get(`/account/messages/conversation/?id=${w.conversationId}`, { cookie: caller.cookie });
      expect(page.status, who).toBe(303);
      expect(page.headers.get('location'), who).toBe('/account/messages/?error=not_found');
    }
    expect(await messageCount(w.conversationId)).toBe(1);
    expect((await get(`/api/messages/${w.conversationId}`, { cookie: w.holder.cookie })).status).toBe(200);
  });

  it('refuses anonymous callers with 401, and sends them from the pages to sign in', async () => {
    const w = await conversationWithOutsiders();
    expect((await get(`/api/messages/${w.conversationId}`)).status).toBe(401);
    expect((await get(`/api/messages/attachments/${w.attachmentId}`)).status).toBe(401);
    expect((await get('/account/messages/')).headers.get('location')).toBe('/login/?error=unauthenticated');
  });
});

describe('staff routes are for support with the second factor passed', () => {
  it('refuses customers, privacy officers and a support session still owing its second factor', async () => {
    const w = await conversationWithOutsiders();
    const privacy = await signedIn({ role: 'privacy_officer' });
    const pendingId = uniqueId('login');
    await env.DB.prepare("INSERT INTO logins (id, email, password_hash, role) VALUES (?1, ?2, 'test:no-password', 'support')").bind(pendingId, `${pendingId}@staff.example`).run();
    const { token } = await startSession(db(), pendingId, { persistent: false, secondFactor: 'pending' });
    const pending = `${SESSION_COOKIE}=${token}`;
    for (const [who, cookie, status] of [['holder', w.holder.cookie, 403], ['privacy officer', privacy.cookie, 403], ['support owing the second factor', pending, 401]] as const) {
      expect((await get('/api/staff/messages', { cookie })).status, who).toBe(status);
      expect((await get(`/api/staff/messages/${w.conversationId}`, { cookie })).status, who).toBe(status);
      expect((await postJson(`/api/staff/messages/${w.conversationId}/reply`, { body: 'Hi' }, { cookie })).status, who).toBe(status);
      expect((await postJson(`/api/staff/messages/${w.conversationId}/close`, {}, { cookie })).status, who).toBe(status);
    }
    expect(await messageCount(w.conversationId)).toBe(1);
  });

  it('audits every time support opens a conversation, and shows the queue without identities', async () => {
    const w = await conversationWithOutsiders();
    const support = await signedIn({ role: 'support' });
    expect((await get(`/api/staff/messages/${w.conversationId}`, { cookie: support.cookie })).status).toBe(200);
    const page = await get(`/staff/messages/conversation/?id=${w.conversationId}`, { cookie: support.cookie });
    expect(page.status).toBe(200);
    const audited = await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE event = 'staff.conversation_viewed' AND actor_login_id = ?1 AND subject_account_id = ?2").bind(support.loginId, w.accountId).first<{ n: number }>();
    expect(audited!.n).toBe(2);
    const queue = await get('/staff/messages/?view=open', { cookie: support.cookie });
    expect(queue.status).toBe(200);
    expect(await queue.text()).not.toContain(w.accountId);
  });
});
