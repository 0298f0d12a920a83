/**
 * Secure messages: a customer writes to support with attachments, staff work the queue and reply,
 * the customer is mailed that a reply waits (without its content) and reads it; bad input is
 * refused naming its fields with nothing written; repeats are throttled; an "I need help" answer
 * opens a conversation; closed conversations go after 2 years; the data map exports and deletes them.
 */
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildAccessPackage } from '../../worker/staff/access-package';
import { usageShards } from '../../worker/usage/shards';
import { planDeletion } from '../../worker/staff/deletion';
import { MESSAGE_RETENTION_DAYS, purgeClosedConversations } from '../../worker/messages/retention';
import { sniffType } from '../../worker/messages/attachments';
import { staffQueue } from '../../worker/messages/store';
import { givenAlert } from './support/alert-fixtures';
import { get, mailsTo, ORIGIN, portal, postForm, postJson } from './support/accounts';
import { givenAccount, signedIn } from './support/sign-in';
import { givenMeter } from './support/usage-fixtures';
import { describeWrites, installWriteLog, removeWriteLog, takeWrites } from './support/write-log';

const pdf = (extra = 0) => new Uint8Array([...new TextEncoder().encode('%PDF-1.4\n'), ...new Uint8Array(extra), ...new TextEncoder().encode('\n%%EOF\n')]);
const png = () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

/** A multipart post (the form with attachments), as the browser sends it. */
function postMultipart(path: string, fields: Record<string, string>, files: { name: string; type: string; bytes: Uint8Array }[], init: { cookie?: string; json?: boolean } = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append('files', new File([f.bytes as Uint8Array<ArrayBuffer>], f.name, { type: f.type }));
  return portal(path, { method: 'POST', body: form, headers: { origin: ORIGIN, 'cf-connecting-ip': '192.0.2.10', ...(init.json === false ? {} : { accept: 'application/json' }), ...(init.cookie ? { cookie: init.cookie } : {}) } });
}

const loginEmail = async (loginId: string) => (await env.DB.prepare('SELECT email FROM logins WHERE id = ?1').bind(loginId).first<{ email: string }>())!.email;
const objectCount = async () => (await env.MESSAGE_ATTACHMENTS.list()).objects.length;

async function customerWithAccount() {
  const accountId = await givenAccount();
  const customer = await signedIn({ holderOf: [accountId] });
  return { accountId, customer };
}

async function start(cookie: string, accountId: string, files: Parameters<typeof postMultipart>[2] = []) {
  const res = await postMultipart('/api/messages', { account: accountId, subject: 'Meter reading looks wrong', topic: 'billing', body: 'My October bill seems high.\nCan you check?' }, files, { cookie });
  expect(res.status).toBe(200);
  return (await res.json<{ conversation: string }>()).conversation;
}

describe('a customer and support talk in one thread', () => {
  it('shows the conversations and a thread in Spanish at /es/, with Spanish messages, and the switcher keeps the thread', async () => {
    const { accountId, customer } = await customerWithAccount();
    const id = await start(customer.cookie, accountId);
    const list = await (await get('/es/account/messages/?status=conversation-started', { cookie: customer.cookie })).text();
    expect(list).toContain('<html lang="es"');
    expect(list).toContain('Su mensaje está con nuestro equipo de servicio al cliente.');
    expect(list).toContain(`href="/es/account/messages/conversation/?id=${id}"`);
    expect(list).toContain('Facturación · Esperando al servicio al cliente');
    const thread = await (await get(`/es/account/messages/conversation/?id=${id}`, { cookie: customer.cookie })).text();
    expect(thread).toContain('Meter reading looks wrong');
    expect(thread).toMatch(/<strong>Usted<\/strong>, <time datetime="[^"]+">\d{1,2} [a-z]{3,4}\.? \d{4}/);
    expect(thread).toContain(`href="/account/messages/conversation/?id=${id}"`);
    // A refused reply sent without JavaScript from the Spanish page comes back to it, in Spanish.
    const refused = await postForm(`/api/messages/${id}/reply`, { body: '' }, { cookie: customer.cookie, headers: { Referer: `${ORIGIN}/es/account/messages/conversation/?id=${id}` } });
    expect(refused.status).toBe(303);
    const back = refused.headers.get('Location')!;
    expect(back).toMatch(/^\/es\/account\/messages\/conversation\/\?id=/);
    expect(await (await get(back, { cookie: customer.cookie })).text()).toContain('No pudimos usar parte de lo que escribió. Revise: el mensaje.');
  });

  it("announces support's reply in the customer's language, still without its content", async () => {
    const { accountId, customer } = await customerWithAccount();
    await env.DB.prepare("UPDATE logins SET locale = 'es' WHERE id = ?1").bind(customer.loginId).run();
    const support = await signedIn({ role: 'support' });
    const id = await start(customer.cookie, accountId);
    expect((await postJson(`/api/staff/messages/${id}/reply`, { body: 'Your meter was read twice.' }, { cookie: support.cookie })).status).toBe(200);
    const [mail] = await mailsTo(await loginEmail(customer.loginId), 'message-reply-waiting');
    expect(mail!.subject).toMatch(/^Tiene una respuesta del servicio al cliente/);
    expect(mail!.bodyText).toContain('inicie sesión para leerla');
    expect(mail!.bodyText).toContain(`/account/messages/conversation/?id=${id}`);
    expect(mail!.bodyText).not.toContain('read twice');
  });

  it('carries a conversation from the customer to support and back, the reply announced by mail without its content', async () => {
    const { accountId, customer } = await customerWithAccount();
    const support = await signedIn({ role: 'support' });
    const id = await start(customer.cookie, accountId, [{ name: 'meter photo.png', type: 'image/png', bytes: png() }]);

    const thread = await (await get(`/api/messages/${id}`, { cookie: customer.cookie })).json<{ status: string; messages: { body: string; attachments: { id: string; fileName: string; contentType: string }[] }[] }>();
    expect(thread.status).toBe('open');
    expect(thread.messages[0]!.attachments[0]).toMatchObject({ fileName: 'meter photo.png', contentType: 'image/png' });

    const queue = await (await get('/api/staff/messages?view=open', { cookie: support.cookie })).json<{ rows: { id: string }[] }>();
    expect(queue.rows.map((r) => r.id)).toContain(id);
    expect(JSON.stringify(queue)).not.toContain(accountId);

    expect((await postJson(`/api/staff/messages/${id}/assign`, {}, { cookie: support.cookie })).status).toBe(200);
    const mine = await (await get('/api/staff/messages?view=mine', { cookie: support.cookie })).json<{ rows: { id: string }[] }>();
    expect(mine.rows.map((r) => r.id)).toContain(id);

    const reply = await postJson(`/api/staff/messages/${id}/reply`, { body: 'Your meter was read twice; a corrected bill follows.' }, { cookie: support.cookie });
    expect(reply.status).toBe(200);
    const [mail] = await mailsTo(await loginEmail(customer.loginId), 'message-reply-waiting');
    expect(mail!.bodyText).toContain(`/account/messages/conversation/?id=${id}`);
    expect(mail!.bodyText).not.toContain('corrected bill');
    expect(mail!.subject).not.toContain('Meter reading');

    const list = await (await get('/api/messages', { cookie: customer.cookie })).json<{ conversations: { id: string; unread: boolean; status: string }[] }>();
    expect(list.conversations.find((c) => c.id === id)).toMatchObject({ unread: true, status: 'waiting_customer' });
    const read = await (await get(`/api/messages/${id}`, { cookie: customer.cookie })).json<{ messages: { authorKind: string; body: string }[] }>();
    expect(read.messages.map((m) => m.authorKind)).toEqual(['customer', 'staff']);
    const after = await (await get('/api/messages', { cookie: customer.cookie })).json<{ conversations: { id: string; unread: boolean }[] }>();
    expect(after.conversations.find((c) => c.id === id)!.unread).toBe(false);

    expect((await postJson(`/api/messages/${id}/reply`, { body: 'Thank you!' }, { cookie: customer.cookie })).status).toBe(200);
    expect((await postJson(`/api/staff/messages/${id}/close`, {}, { cookie: support.cookie })).status).toBe(200);
    const late = await postJson(`/api/messages/${id}/reply`, { body: 'One more thing' }, { cookie: customer.cookie });
    expect(late.status).toBe(409);
    expect((await late.json<{ error: { code: string } }>()).error.code).toBe('conversation_closed');
  });

  it('serves an attachment as a private download to the customer and to support, and audits staff downloads', async () => {
    const { accountId, customer } = await customerWithAccount();
    const support = await signedIn({ role: 'support' });
    const id = await start(customer.cookie, accountId, [{ name: 'bill.pdf', type: 'application/pdf', bytes: pdf(100) }]);
    const thread = await (await get(`/api/messages/${id}`, { cookie: customer.cookie })).json<{ messages: { attachments: { id: string }[] }[] }>();
    const file = thread.messages[0]!.attachments[0]!.id;
    for (const cookie of [customer.cookie, support.cookie]) {
      const res = await get(`/api/messages/attachments/${file}`, { cookie });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="bill\.pdf"/);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(pdf(100));
    }
    const audited = await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE event = 'staff.attachment_downloaded' AND actor_login_id = ?1").bind(support.loginId).first<{ n: number }>();
    expect(audited!.n).toBe(1);
  });

  it('works without JavaScript: plain form posts answer 303 to the conversation page, refusals back with the field', async () => {
    const { accountId, customer } = await customerWithAccount();
    const res = await postMultipart('/api/messages', { account: accountId, subject: 'Hello', topic: 'usage', body: 'A question' }, [], { cookie: customer.cookie, json: false });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/account\/messages\/conversation\/\?id=[0-9a-f-]{36}&status=conversation-started$/);
    const refused = await postForm('/api/messages', { account: accountId, subject: 'Hello', topic: 'usage', body: '  ' }, { cookie: customer.cookie });
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe('/account/messages/?error=invalid_request&field=body');
  });

  it('lets a delegate with the manage right write about the account, and the holder read it', async () => {
    const { accountId, customer } = await customerWithAccount();
    const delegate = await signedIn({ delegateOf: [{ accountId, manage: true }] });
    const id = await start(delegate.cookie, accountId);
    expect((await get(`/api/messages/${id}`, { cookie: customer.cookie })).status).toBe(200);
  });

  it('takes a HEIC photo, judged by its bytes', () => {
    const heic = new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0]);
    expect(sniffType(heic)).toBe('image/heic');
    expect(sniffType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
  });
});

describe('bad input is refused naming its fields, with nothing written', () => {
  beforeEach(async () => {
    await installWriteLog();
    await takeWrites();
  });
  afterEach(async () => {
    await removeWriteLog();
  });

  it('refuses an empty message, a missing subject, an unknown topic, a file of the wrong type or size, and too many files', async () => {
    const { accountId, customer } = await customerWithAccount();
    await takeWrites();
    const objects = await objectCount();
    const base = { account: accountId, subject: 'Subject', topic: 'billing', body: 'Body' };
    const cases: [Record<string, string>, Parameters<typeof postMultipart>[2], number, string][] = [
      [{ ...base, body: '' }, [], 422, 'body'],
      [{ ...base, subject: '' }, [], 422, 'subject'],
      [{ ...base, topic: 'gossip' }, [], 422, 'topic'],
      [base, [{ name: 'photo.png', type: 'image/png', bytes: new TextEncoder().encode('<html>not a png</html>') }], 422, 'files.0'],
      [base, [{ name: 'empty.pdf', type: 'application/pdf', bytes: new Uint8Array() }], 422, 'files.0'],
      [base, [{ name: 'big.pdf', type: 'application/pdf', bytes: pdf(5 * 1024 * 1024) }], 413, 'files.0'],
      [base, [1, 2, 3, 4].map((i) => ({ name: `${i}.png`, type: 'image/png', bytes: png() })), 422, 'files'],
    ];
    for (const [fields, files, status, field] of cases) {
      const res = await postMultipart('/api/messages', fields, files, { cookie: customer.cookie });
      expect(res.status, field).toBe(status);
      const body = await res.json<{ error: { fields?: { field: string }[] } }>();
      expect(body.error.fields?.map((f) => f.field), field).toContain(field);
      expect(describeWrites(await takeWrites()), field).toBe('');
    }
    expect(await objectCount()).toBe(objects);
  });

  it('refuses a body over the upload limit before reading it: 413 naming the files, or back to the page for a plain form', async () => {
    const { accountId, customer } = await customerWithAccount();
    await takeWrites();
    const files = [1, 2, 3, 4].map((i) => ({ name: `${i}.pdf`, type: 'application/pdf', bytes: pdf(4 * 1024 * 1024) }));
    const fields = { account: accountId, subject: 'Big', topic: 'other', body: 'Big files' };
    const scripted = await postMultipart('/api/messages', fields, files, { cookie: customer.cookie });
    expect(scripted.status).toBe(413);
    expect((await scripted.json<{ error: { fields: { field: string }[] } }>()).error.fields[0]!.field).toBe('files');
    const plain = await postMultipart('/api/messages', fields, files, { cookie: customer.cookie, json: false });
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe('/account/messages/?error=payload_too_large&field=files');
    expect(describeWrites(await takeWrites())).toBe('');
  }, 30_000);

  it('refuses a reply to an unknown conversation with 404, and an empty reply naming the body', async () => {
    const { accountId, customer } = await customerWithAccount();
    const id = await start(customer.cookie, accountId);
    await takeWrites();
    const unknown = await postJson(`/api/messages/${crypto.randomUUID()}/reply`, { body: 'Hello' }, { cookie: customer.cookie });
    expect(unknown.status).toBe(404);
    const empty = await postJson(`/api/messages/${id}/reply`, { body: ' ' }, { cookie: customer.cookie });
    expect(empty.status).toBe(422);
    expect((await empty.json<{ error: { fields: { field: string }[] } }>()).error.fields[0]!.field).toBe('body');
    const support = await signedIn({ role: 'support' });
    await takeWrites();
    expect((await postJson(`/api/staff/messages/${crypto.randomUUID()}/reply`, { body: 'Hello' }, { cookie: support.cookie })).status).toBe(404);
    expect((await postJson(`/api/staff/messages/not-an-id/close`, {}, { cookie: support.cookie })).status).toBe(404);
    expect(describeWrites(await takeWrites())).toBe('');
  });
});

describe('limits on what a customer can repeat', () => {
  it('allows 5 new conversations an hour per login, then refuses with 429 and writes nothing', async () => {
    const { accountId, customer } = await customerWithAccount();
    for (let i = 0; i < 5; i++) await start(customer.cookie, accountId);
    const count = async () => (await env.DB.prepare('SELECT count(*) AS n FROM conversations WHERE account_id = ?1').bind(accountId).first<{ n: number }>())!.n;
    const res = await postJson('/api/messages', { account: accountId, subject: 'Again', topic: 'other', body: 'Again' }, { cookie: customer.cookie });
    expect(res.status).toBe(429);
    expect(await count()).toBe(5);
  });
});

describe('an "I need help" answer on an alert', () => {
  it('opens a conversation about the alert, and a second answer adds to it', async () => {
    const meter = await givenMeter();
    const holder = await signedIn({ holderOf: [meter.accountId] });
    const alert = await givenAlert({ accountId: meter.accountId, meterId: meter.meterId });
    expect((await postJson(`/api/alerts/${alert.id}/answer`, { answer: 'need_help', note: 'Water sound in the wall' }, { cookie: holder.cookie })).status).toBe(200);
    expect((await postJson(`/api/alerts/${alert.id}/answer`, { answer: 'need_help' }, { cookie: holder.cookie })).status).toBe(200);
    const list = await (await get('/api/messages', { cookie: holder.cookie })).json<{ conversations: { id: string; topic: string; subject: string }[] }>();
    expect(list.conversations).toHaveLength(1);
    expect(list.conversations[0]).toMatchObject({ topic: 'alerts' });
    const thread = await (await get(`/api/messages/${list.conversations[0]!.id}`, { cookie: holder.cookie })).json<{ supportItemId: string | null; messages: { body: string }[] }>();
    expect(thread.supportItemId).not.toBeNull();
    expect(thread.messages).toHaveLength(2);
    expect(thread.messages[0]!.body).toContain('Water sound in the wall');
  });
});

describe('retention and the personal-data map', () => {
  it('deletes conversations closed more than 2 years ago with their attachments, and keeps younger ones', async () => {
    const { accountId, customer } = await customerWithAccount();
    const old = await start(customer.cookie, accountId, [{ name: 'a.png', type: 'image/png', bytes: png() }]);
    const young = await start(customer.cookie, accountId);
    const key = (await env.DB.prepare('SELECT object_key AS k FROM message_attachments WHERE conversation_id = ?1').bind(old).first<{ k: string }>())!.k;
    const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    await env.DB.batch([
      env.DB.prepare("UPDATE conversations SET status = 'closed', closed_at = ?2 WHERE id = ?1").bind(old, ago(MESSAGE_RETENTION_DAYS + 1)),
      env.DB.prepare("UPDATE conversations SET status = 'closed', closed_at = ?2 WHERE id = ?1").bind(young, ago(MESSAGE_RETENTION_DAYS - 1)),
    ]);
    await purgeClosedConversations(env);
    const left = await env.DB.prepare('SELECT id FROM conversations WHERE account_id = ?1').bind(accountId).all<{ id: string }>();
    expect(left.results.map((r) => r.id)).toEqual([young]);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM conversation_messages WHERE conversation_id = ?1').bind(old).first('n')).toBe(0);
    expect(await env.MESSAGE_ATTACHMENTS.head(key)).toBeNull();
  });

  it('puts conversations, messages and attachment details in the access package, and removes them on deletion', async () => {
    const { accountId, customer } = await customerWithAccount();
    await start(customer.cookie, accountId, [{ name: 'scan.pdf', type: 'application/pdf', bytes: pdf() }]);
    const subject = { accountId, loginIds: [customer.loginId], emails: [] };
    const pkg = await buildAccessPackage(env.DB, usageShards(env), subject, 'req-test');
    const rows = (table: string) => pkg.tables.find((t) => t.table === table)!.rows;
    expect(rows('conversations')[0]).toMatchObject({ subject: 'Meter reading looks wrong', topic: 'billing' });
    expect(rows('conversation_messages')[0]).toMatchObject({ author_kind: 'customer', body: 'My October bill seems high.\nCan you check?' });
    expect(rows('message_attachments')[0]).toMatchObject({ file_name: 'scan.pdf', content_type: 'application/pdf' });
    expect(Object.keys(rows('message_attachments')[0]!)).not.toContain('object_key');
    await env.DB.batch(planDeletion(env.DB, subject).statements);
    for (const table of ['conversations', 'message_attachments']) {
      const where = table === 'conversations' ? 'account_id = ?1' : 'conversation_id IN (SELECT id FROM conversations WHERE account_id = ?1)';
      expect(await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).bind(accountId).first('n'), table).toBe(0);
    }
  });
});

describe('the staff queue', () => {
  it('pages by its index: a page reads about its own rows, and the next page starts after the last', async () => {
    const support = await signedIn({ role: 'support' });
    const accountId = await givenAccount();
    const at = '2001-01-01T00:00:00.000Z';
    const statements = Array.from({ length: 60 }, (_, i) =>
      env.DB.prepare("INSERT INTO conversations (id, account_id, subject, topic, status, created_at, last_message_at) VALUES (?1, ?2, 'Queued', 'other', 'open', ?3, ?3)").bind(crypto.randomUUID(), accountId, at.replace('00.000Z', `${String(i).padStart(2, '0')}.000Z`).replace('00:00:', '00:00:')),
    );
    await env.DB.batch(statements);
    const first = await staffQueue(env.DB, { id: support.loginId, role: 'support' }, 'open');
    expect(first.rows).toHaveLength(25);
    expect(first.rowsRead).toBeLessThan(60);
    const second = await staffQueue(env.DB, { id: support.loginId, role: 'support' }, 'open', first.next!);
    expect(second.rows[0]!.lastMessageAt > first.rows[24]!.lastMessageAt || second.rows[0]!.id > first.rows[24]!.id).toBe(true);
    expect(new Set([...first.rows, ...second.rows].map((r) => r.id)).size).toBe(50);
  });
});
