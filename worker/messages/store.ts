/**
 * Secure conversations between a customer and support, apart from HTTP.
 *
 * Who sees what: a conversation belongs to one utility account; every login that may manage the
 * account (its holders, and delegates given the manage right) reads and writes it, and nobody else
 * among customers (404, as for an account that does not exist). Support staff (support role or
 * administrator, second factor passed) see the queue and answer; each time staff open a
 * conversation it is written to the audit log. A staff reply mails the customer that a reply is
 * waiting, with a link to the page and none of the content.
 *
 * Writes land in one D1 batch each (conversation, message, attachment rows, mail, audit line);
 * attachment objects go to R2 first and are removed again if the batch fails.
 */
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import type { ConversationStatus, ConversationTopic } from '../../db/schema';
import { lockedUntil, recordFailure, throttle, type Throttle } from '../accounts/throttle';
import { accountChoices, grantSql } from '../auth/account-access';
import { ApiError } from '../http/errors';
import { utility } from '../tenants/scope';
import type { NewConversationBody } from '../shared/message-forms';
import { starterOrHolders } from '../mail/recipients';
import type { Locale } from '../i18n/locale';
import { downloadResponse, storeFiles, type CheckedFile } from './attachments';

export type MessagesEnv = { DB: D1Database; MESSAGE_ATTACHMENTS: R2Bucket; LINK_SIGNING_SECRET: string; PORTAL_ORIGIN: string };
export type Staff = { id: string; role: string };

export type ConversationSummary = {
  id: string;
  accountId: string;
  accountNumber: string;
  subject: string;
  topic: ConversationTopic;
  status: ConversationStatus;
  createdAt: string;
  lastMessageAt: string;
  unread: boolean;
};

export type ThreadMessage = { id: string; authorKind: 'customer' | 'staff'; body: string; createdAt: string; attachments: { id: string; fileName: string; contentType: string; sizeBytes: number }[] };

export type Conversation = ConversationSummary & { assignedToLoginId: string | null; closedAt: string | null; supportItemId: string | null; messages: ThreadMessage[] };

export const CONVERSATION_PAGE = '/account/messages/conversation/';
export const conversationPageFor = (id: string) => `${CONVERSATION_PAGE}?id=${encodeURIComponent(id)}`;

const notFound = () => new ApiError(404, 'not_found', 'There is no such conversation.');
const tooMany = () => new ApiError(429, 'too_many_requests', 'You have sent many messages in the last hour. Please wait a while, or call us.');

/** The accounts on which the login may write to support (holder, or a delegate with the manage right). */
export const messageAccounts = (raw: D1Database, loginId: string) => accountChoices(raw, loginId, 'manage');

const summaryColumns = `c.id, c.account_id AS accountId, a.account_number AS accountNumber, c.subject, c.topic, c.status, c.created_at AS createdAt, c.last_message_at AS lastMessageAt,
  (c.last_staff_message_at IS NOT NULL AND (c.customer_read_at IS NULL OR c.last_staff_message_at > c.customer_read_at)) AS unread`;

/** The login's conversations, newest activity first, with a mark on those with an unread reply. */
export async function listConversations(raw: D1Database, loginId: string): Promise<ConversationSummary[]> {
  const { results } = await raw
    .prepare(
      `SELECT ${summaryColumns} FROM conversations c JOIN accounts a ON a.id = c.account_id
       WHERE c.account_id IN (SELECT g.account_id FROM account_access g WHERE g.login_id = ?1 AND ${grantSql('g', 'manage')})
       ORDER BY c.last_message_at DESC, c.id LIMIT 100`,
    )
    .bind(loginId)
    .all<Omit<ConversationSummary, 'unread'> & { unread: number }>();
  return results.map((r) => ({ ...r, unread: r.unread === 1 }));
}

async function threadOf(raw: D1Database, where: string, params: string[]) {
  const head = await raw
    .prepare(`SELECT ${summaryColumns}, c.assigned_to_login_id AS assignedToLoginId, c.closed_at AS closedAt, c.support_item_id AS supportItemId FROM conversations c JOIN accounts a ON a.id = c.account_id WHERE ${where}`)
    .bind(...params)
    .first<Omit<Conversation, 'messages' | 'unread'> & { unread: number }>();
  if (!head) return null;
  const [messages, files] = await raw.batch([
    raw.prepare('SELECT id, author_kind AS authorKind, body, created_at AS createdAt FROM conversation_messages WHERE conversation_id = ?1 ORDER BY created_at, rowid').bind(head.id),
    raw.prepare('SELECT id, message_id AS messageId, file_name AS fileName, content_type AS contentType, size_bytes AS sizeBytes FROM message_attachments WHERE conversation_id = ?1 ORDER BY rowid').bind(head.id),
  ]);
  const byMessage = new Map<string, ThreadMessage['attachments']>();
  for (const f of (files?.results ?? []) as (ThreadMessage['attachments'][number] & { messageId: string })[]) {
    const { messageId, ...rest } = f;
    byMessage.set(messageId, [...(byMessage.get(messageId) ?? []), rest]);
  }
  return {
    ...head,
    unread: head.unread === 1,
    messages: ((messages?.results ?? []) as Omit<ThreadMessage, 'attachments'>[]).map((m) => ({ ...m, attachments: byMessage.get(m.id) ?? [] })),
  } satisfies Conversation;
}

const customerWhere = (alias = 'c') => `${alias}.id = ?1 AND ${alias}.account_id IN (SELECT g.account_id FROM account_access g WHERE g.login_id = ?2 AND ${grantSql('g', 'manage')})`;

/** One conversation for a customer who may see it (404 otherwise); reading it marks staff replies read. */
export async function customerConversation(raw: D1Database, loginId: string, id: string, now = new Date()): Promise<Conversation> {
  const thread = await threadOf(raw, customerWhere(), [id, loginId]);
  if (!thread) throw notFound();
  if (thread.unread) await raw.prepare('UPDATE conversations SET customer_read_at = ?2 WHERE id = ?1').bind(id, now.toISOString()).run();
  return thread;
}

async function customerThrottles(secret: string, loginId: string, kinds: ('messageConversationLogin' | 'messagePostLogin' | 'messageUploadLogin')[]) {
  return Promise.all(kinds.map((k) => throttle(secret, k, loginId)));
}

async function checkThrottles(db: DrizzleD1Database, list: Throttle[], now: Date) {
  if (await lockedUntil(db, list, now)) throw tooMany();
}

function attachmentInserts(raw: D1Database, conversationId: string, messageId: string, files: Awaited<ReturnType<typeof storeFiles>>['stored'], at: string) {
  return files.map((f) =>
    raw
      .prepare('INSERT INTO message_attachments (id, message_id, conversation_id, object_key, file_name, content_type, size_bytes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)')
      .bind(f.id, messageId, conversationId, f.key, f.fileName, f.contentType, f.bytes.length, at),
  );
}

async function withStoredFiles<T>(env: MessagesEnv, files: CheckedFile[], write: (stored: Awaited<ReturnType<typeof storeFiles>>['stored']) => Promise<T>): Promise<T> {
  const { stored, undo } = await storeFiles(env.MESSAGE_ATTACHMENTS, files);
  try {
    return await write(stored);
  } catch (e) {
    await undo();
    throw e;
  }
}

/** A customer starts a conversation about an account they may manage (404 for any other). */
export async function startConversation(env: MessagesEnv, db: DrizzleD1Database, loginId: string, body: NewConversationBody, files: CheckedFile[], now = new Date()) {
  const raw = env.DB;
  const allowed = await raw.prepare(`SELECT 1 AS ok FROM account_access g WHERE g.login_id = ?1 AND g.account_id = ?2 AND ${grantSql('g', 'manage')}`).bind(loginId, body.account).first();
  if (!allowed) throw new ApiError(404, 'not_found', 'No such account.', [{ field: 'account', message: 'is not an account you may write about' }]);
  const limits = await customerThrottles(env.LINK_SIGNING_SECRET, loginId, files.length ? ['messageConversationLogin', 'messagePostLogin', 'messageUploadLogin'] : ['messageConversationLogin', 'messagePostLogin']);
  await checkThrottles(db, limits, now);
  const id = crypto.randomUUID();
  const messageId = crypto.randomUUID();
  const at = now.toISOString();
  await withStoredFiles(env, files, (stored) =>
    raw.batch([
      raw
        .prepare("INSERT INTO conversations (id, account_id, opened_by_login_id, subject, topic, status, created_at, last_message_at, customer_read_at) VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?6, ?6)")
        .bind(id, body.account, loginId, body.subject, body.topic, at),
      raw.prepare("INSERT INTO conversation_messages (id, conversation_id, author_kind, author_login_id, body, created_at) VALUES (?1, ?2, 'customer', ?3, ?4, ?5)").bind(messageId, id, loginId, body.body, at),
      ...attachmentInserts(raw, id, messageId, stored, at),
    ]),
  );
  await recordFailure(db, limits, now);
  return { status: 'conversation-started' as const, conversation: id };
}

/** A customer's reply: not on a closed conversation (409); the conversation goes back to support. */
export async function customerReply(env: MessagesEnv, db: DrizzleD1Database, loginId: string, id: string, text: string, files: CheckedFile[], now = new Date()) {
  const raw = env.DB;
  const conv = await raw.prepare(`SELECT c.id, c.status FROM conversations c WHERE ${customerWhere()}`).bind(id, loginId).first<{ id: string; status: ConversationStatus }>();
  if (!conv) throw notFound();
  if (conv.status === 'closed') throw new ApiError(409, 'conversation_closed', 'This conversation is closed. Start a new one if you need more help.');
  const limits = await customerThrottles(env.LINK_SIGNING_SECRET, loginId, files.length ? ['messagePostLogin', 'messageUploadLogin'] : ['messagePostLogin']);
  await checkThrottles(db, limits, now);
  const messageId = crypto.randomUUID();
  const at = now.toISOString();
  await withStoredFiles(env, files, (stored) =>
    raw.batch([
      raw.prepare("INSERT INTO conversation_messages (id, conversation_id, author_kind, author_login_id, body, created_at) VALUES (?1, ?2, 'customer', ?3, ?4, ?5)").bind(messageId, id, loginId, text, at),
      raw.prepare("UPDATE conversations SET status = 'open', last_message_at = ?2, customer_read_at = ?2 WHERE id = ?1").bind(id, at),
      ...attachmentInserts(raw, id, messageId, stored, at),
    ]),
  );
  await recordFailure(db, limits, now);
  return { status: 'reply-sent' as const, conversation: id };
}

// ---- Staff ----

export type QueueView = 'open' | 'mine' | 'waiting';
export type QueueRow = { id: string; subject: string; topic: ConversationTopic; status: ConversationStatus; lastMessageAt: string; createdAt: string; assignedToLoginId: string | null };

/** Rows per queue page. */
export const STAFF_QUEUE_PAGE = 25;

/**
 * One page of the staff queue, oldest activity first, keyed by (last_message_at, id) after the
 * previous page's last row: the index (status | assignee, status, last_message_at, id) serves it,
 * so a page reads about its own rows whatever the queue's length. No customer identity is shown.
 */
export async function staffQueue(raw: D1Database, staff: Staff, view: QueueView, after?: string) {
  const [afterAt, afterId] = after ? (after.split('~') as [string, string]) : ['', ''];
  const where =
    view === 'mine' ? "assigned_to_login_id = ?1 AND status IN ('open', 'waiting_customer')" : view === 'waiting' ? "status = 'waiting_customer' AND ?1 = ?1" : "status = 'open' AND ?1 = ?1";
  const page = await raw
    .prepare(
      `SELECT id, subject, topic, status, last_message_at AS lastMessageAt, created_at AS createdAt, assigned_to_login_id AS assignedToLoginId FROM conversations
       WHERE ${where} AND (last_message_at, id) > (?2, ?3) ORDER BY last_message_at, id LIMIT ${STAFF_QUEUE_PAGE + 1}`,
    )
    .bind(staff.id, afterAt, afterId)
    .all<QueueRow>();
  const rows = page.results.slice(0, STAFF_QUEUE_PAGE);
  const last = rows[rows.length - 1];
  return { view, rows, next: page.results.length > STAFF_QUEUE_PAGE && last ? `${last.lastMessageAt}~${last.id}` : null, rowsRead: page.meta.rows_read };
}

/** A conversation with its customer, for staff; each view is audited. 404 for no such conversation. */
export async function staffConversation(raw: D1Database, staff: Staff, id: string) {
  const thread = await threadOf(raw, 'c.id = ?1', [id]);
  if (!thread) throw notFound();
  const customer = await raw
    .prepare(
      `SELECT a.account_number AS accountNumber, a.holder_name AS holderName, a.email_on_file AS emailOnFile, a.phone_on_file AS phoneOnFile,
        (SELECT l.email FROM logins l JOIN conversations c ON c.opened_by_login_id = l.id WHERE c.id = ?2) AS loginEmail
       FROM accounts a WHERE a.id = ?1`,
    )
    .bind(thread.accountId, id)
    .first<{ accountNumber: string; holderName: string; emailOnFile: string | null; phoneOnFile: string | null; loginEmail: string | null }>();
  await raw
    .prepare("INSERT INTO audit_events (id, event, actor_login_id, subject_account_id, detail) VALUES (?1, 'staff.conversation_viewed', ?2, ?3, ?4)")
    .bind(crypto.randomUUID(), staff.id, thread.accountId, JSON.stringify({ conversation: id, role: staff.role }))
    .run();
  return { conversation: thread, customer };
}

async function staffTarget(raw: D1Database, id: string) {
  const conv = await raw.prepare('SELECT id, account_id AS accountId, status, opened_by_login_id AS openedBy FROM conversations WHERE id = ?1').bind(id).first<{ id: string; accountId: string; status: ConversationStatus; openedBy: string | null }>();
  if (!conv) throw notFound();
  return conv;
}

const audit = (raw: D1Database, event: string, staff: Staff, accountId: string, conversation: string, at: string) =>
  raw.prepare('INSERT INTO audit_events (id, at, event, actor_login_id, subject_account_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)').bind(crypto.randomUUID(), at, event, staff.id, accountId, JSON.stringify({ conversation, role: staff.role }));

/** Assigns the conversation to the member of staff asking (also when another had it). */
export async function assignToMe(raw: D1Database, staff: Staff, id: string, now = new Date()) {
  const conv = await staffTarget(raw, id);
  if (conv.status === 'closed') throw new ApiError(409, 'already_closed', 'This conversation is closed.');
  const at = now.toISOString();
  await raw.batch([raw.prepare('UPDATE conversations SET assigned_to_login_id = ?2 WHERE id = ?1').bind(id, staff.id), audit(raw, 'staff.conversation_assigned', staff, conv.accountId, id, at)]);
  return { status: 'assigned' as const };
}

/** "A reply waits", in the recipient's language; never the reply itself. */
export const replyWaitingMail = (locale: Locale, origin: string, id: string) =>
  locale === 'es'
    ? {
        subject: `Tiene una respuesta del servicio al cliente de ${utility().name}`,
        text: `Hola:\n\nNuestro equipo de servicio al cliente respondió a su mensaje. Para proteger su privacidad, la respuesta no va en este correo: inicie sesión para leerla.\n\n${origin}${conversationPageFor(id)}\n\n${utility().name}\n`,
      }
    : {
        subject: `A reply from ${utility().name} support is waiting`,
        text: `Hello,\n\nOur support team has replied to your message. For your privacy the reply is not in this e-mail: sign in to read it.\n\n${origin}${conversationPageFor(id)}\n\n${utility().name}\n`,
      };

/** A staff reply: the conversation waits on the customer, who is mailed that a reply waits (no content). */
export async function staffReply(env: MessagesEnv, staff: Staff, id: string, text: string, files: CheckedFile[], now = new Date()) {
  const raw = env.DB;
  const conv = await staffTarget(raw, id);
  if (conv.status === 'closed') throw new ApiError(409, 'already_closed', 'This conversation is closed.');
  const to = await starterOrHolders(raw, conv.openedBy, conv.accountId);
  const messageId = crypto.randomUUID();
  const at = now.toISOString();
  await withStoredFiles(env, files, (stored) =>
    raw.batch([
      raw.prepare("INSERT INTO conversation_messages (id, conversation_id, author_kind, author_login_id, body, created_at) VALUES (?1, ?2, 'staff', ?3, ?4, ?5)").bind(messageId, id, staff.id, text, at),
      raw.prepare("UPDATE conversations SET status = 'waiting_customer', last_message_at = ?2, last_staff_message_at = ?2, assigned_to_login_id = coalesce(assigned_to_login_id, ?3) WHERE id = ?1").bind(id, at, staff.id),
      ...attachmentInserts(raw, id, messageId, stored, at),
      ...to.map(({ email, locale }) => {
        const mail = replyWaitingMail(locale, env.PORTAL_ORIGIN, id);
        return raw.prepare("INSERT INTO outbox_emails (id, to_address, subject, body_text, kind) VALUES (?1, ?2, ?3, ?4, 'message-reply-waiting')").bind(crypto.randomUUID(), email, mail.subject, mail.text);
      }),
      audit(raw, 'staff.conversation_replied', staff, conv.accountId, id, at),
    ]),
  );
  return { status: 'staff-reply-sent' as const };
}

export async function closeConversation(raw: D1Database, staff: Staff, id: string, now = new Date()) {
  const conv = await staffTarget(raw, id);
  if (conv.status === 'closed') throw new ApiError(409, 'already_closed', 'This conversation was already closed.');
  const at = now.toISOString();
  await raw.batch([raw.prepare("UPDATE conversations SET status = 'closed', closed_at = ?2 WHERE id = ?1 AND status != 'closed'").bind(id, at), audit(raw, 'staff.conversation_closed', staff, conv.accountId, id, at)]);
  return { status: 'closed' as const };
}

// ---- Attachments ----

const supportRoleNames = ['support', 'admin'];

/**
 * An attachment for someone allowed it: support staff with the second factor passed (audited), or
 * a customer who may see the conversation. Anyone else gets 404.
 */
export async function attachmentResponse(env: MessagesEnv, login: { id: string; role: string; secondFactor: boolean }, id: string) {
  const raw = env.DB;
  const staff = supportRoleNames.includes(login.role) && login.secondFactor;
  const row = staff
    ? await raw.prepare('SELECT f.object_key AS objectKey, f.file_name AS fileName, f.content_type AS contentType, c.account_id AS accountId, c.id AS conversationId FROM message_attachments f JOIN conversations c ON c.id = f.conversation_id WHERE f.id = ?1').bind(id).first<{ objectKey: string; fileName: string; contentType: string; accountId: string; conversationId: string }>()
    : await raw
        .prepare(`SELECT f.object_key AS objectKey, f.file_name AS fileName, f.content_type AS contentType, c.account_id AS accountId, c.id AS conversationId FROM message_attachments f JOIN conversations c ON c.id = f.conversation_id WHERE f.id = ?1 AND c.account_id IN (SELECT g.account_id FROM account_access g WHERE g.login_id = ?2 AND ${grantSql('g', 'manage')})`)
        .bind(id, login.id)
        .first<{ objectKey: string; fileName: string; contentType: string; accountId: string; conversationId: string }>();
  if (!row) throw new ApiError(404, 'not_found', 'There is no such attachment.');
  const object = await env.MESSAGE_ATTACHMENTS.get(row.objectKey);
  if (!object) {
    console.error(JSON.stringify({ level: 'error', event: 'message_attachment_missing', attachment: id }));
    throw new ApiError(404, 'not_found', 'This attachment is not available just now.');
  }
  if (staff) await audit(raw, 'staff.attachment_downloaded', { id: login.id, role: login.role }, row.accountId, row.conversationId, new Date().toISOString()).run();
  return downloadResponse(object, row);
}
