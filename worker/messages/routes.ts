/**
 * /api/messages (customers, signed in) and /api/staff/messages (support and administrators, second
 * factor passed): secure conversations with support. Every form works as a plain HTML post (303
 * back to its page with a message code) or from the page's script with JSON; new messages may carry
 * attachments as a multipart form (`files`), the only API routes allowed bodies over 1 MiB
 * (MAX_UPLOAD_BODY_BYTES, worker/index.ts). Bad input is refused naming its fields before anything
 * is written.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import type { ZodType, z } from 'zod';
import type { AppEnv } from '../app-types';
import { accountsOnError, backTo, done, executionContext } from '../accounts/http';
import { requireLogin, requireRole } from '../auth/require-login';
import { readFieldsAndFiles } from '../http/body';
import { ApiError, fieldsOf, invalidRequest } from '../http/errors';
import { deliverSoon } from '../mail/deliver';
import { attachmentParam, conversationParam, newConversationBody, replyBody, staffQueueQuery } from '../shared/message-forms';
import { checkFiles, type CheckedFile } from './attachments';
import {
  assignToMe,
  attachmentResponse,
  closeConversation,
  conversationPageFor,
  customerConversation,
  customerReply,
  listConversations,
  messageAccounts,
  staffConversation,
  staffQueue,
  staffReply,
  startConversation,
} from './store';

export const MESSAGES_PAGE = '/account/messages/';
export const STAFF_MESSAGES_PAGE = '/staff/messages/';
export const staffConversationPageFor = (id: string) => `${STAFF_MESSAGES_PAGE}conversation/?id=${encodeURIComponent(id)}`;

/** The routes whose body may carry attachments (worker/index.ts gives them their own body limit). */
export const isMessageUpload = (path: string) => /^\/api\/(staff\/)?messages(\/[^/]+\/reply)?\/?$/.test(path);

/** Where a plain form refused before its route ran (a body over the upload limit) goes back to. */
export function uploadRefusedPage(path: string) {
  const staff = /^\/api\/staff\/messages\/([0-9a-f-]{36})\/reply$/.exec(path);
  if (staff) return staffConversationPageFor(staff[1]!);
  const reply = /^\/api\/messages\/([0-9a-f-]{36})\/reply$/.exec(path);
  return reply ? conversationPageFor(reply[1]!) : MESSAGES_PAGE;
}

/** Reads JSON or a form (multipart included) once: the fields by `schema`, the files checked by size and bytes. Nothing is written before both pass. */
export async function readMessageBody<T extends ZodType>(c: Context, schema: T): Promise<{ body: z.infer<T>; files: CheckedFile[] }> {
  const { fields, files } = await readFieldsAndFiles(c);
  const parsed = schema.safeParse(fields);
  if (!parsed.success) throw invalidRequest(fieldsOf(parsed.error));
  return { body: parsed.data, files: await checkFiles(files.get('files') ?? []) };
}

const messagesEnv = (c: Context<AppEnv>) => c.env;
const sendSoon = (c: Context<AppEnv>) => deliverSoon(executionContext(c), c.env, drizzle(c.env.DB));
const idOf = (c: Context) => {
  const parsed = conversationParam.safeParse({ id: c.req.param('id') });
  if (!parsed.success) throw new ApiError(404, 'not_found', 'There is no such conversation.');
  return parsed.data.id;
};

export const messagesApi = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    await next();
    // An attachment says `private, no-store` itself; everything else here is no-store.
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  })
  .use('*', requireLogin)
  /** The accounts the login may write about, and its conversations (unread marks on new replies). */
  .get('/', async (c) => c.json({ accounts: await messageAccounts(c.env.DB, c.var.login.id), conversations: await listConversations(c.env.DB, c.var.login.id) }))
  .post('/', async (c) => {
    backTo(c, MESSAGES_PAGE);
    const { body, files } = await readMessageBody(c, newConversationBody);
    const result = await startConversation(messagesEnv(c), drizzle(c.env.DB), c.var.login.id, body, files);
    return done(c, conversationPageFor(result.conversation), result.status, { conversation: result.conversation });
  })
  /** One attachment, to the conversation's customer or to support staff; never cached, always a download. */
  .get('/attachments/:id', async (c) => {
    const parsed = attachmentParam.safeParse({ id: c.req.param('id') });
    if (!parsed.success) throw new ApiError(404, 'not_found', 'There is no such attachment.');
    return attachmentResponse(messagesEnv(c), c.var.login, parsed.data.id);
  })
  .get('/:id', async (c) => c.json(await customerConversation(c.env.DB, c.var.login.id, idOf(c))))
  .post('/:id/reply', async (c) => {
    const id = idOf(c);
    backTo(c, conversationPageFor(id));
    const { body, files } = await readMessageBody(c, replyBody);
    const result = await customerReply(messagesEnv(c), drizzle(c.env.DB), c.var.login.id, id, body.body, files);
    return done(c, conversationPageFor(id), result.status);
  });
messagesApi.onError(accountsOnError);

export const supportRoles = requireRole('support', 'admin');
const staffOf = (c: Context<AppEnv>) => ({ id: c.var.login.id, role: c.var.login.role });

export const staffMessagesApi = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store, private');
  })
  .use('*', requireLogin)
  .use('*', supportRoles)
  .get('/', async (c) => {
    const parsed = staffQueueQuery.safeParse(c.req.query());
    if (!parsed.success) throw invalidRequest(fieldsOf(parsed.error));
    const { rowsRead: _rows, ...page } = await staffQueue(c.env.DB, staffOf(c), parsed.data.view, parsed.data.after);
    return c.json(page);
  })
  .get('/:id', async (c) => c.json(await staffConversation(c.env.DB, staffOf(c), idOf(c))))
  .post('/:id/assign', async (c) => {
    const id = idOf(c);
    backTo(c, staffConversationPageFor(id));
    return done(c, staffConversationPageFor(id), (await assignToMe(c.env.DB, staffOf(c), id)).status);
  })
  .post('/:id/reply', async (c) => {
    const id = idOf(c);
    backTo(c, staffConversationPageFor(id));
    const { body, files } = await readMessageBody(c, replyBody);
    const result = await staffReply(messagesEnv(c), staffOf(c), id, body.body, files);
    sendSoon(c);
    return done(c, staffConversationPageFor(id), result.status);
  })
  .post('/:id/close', async (c) => {
    const id = idOf(c);
    backTo(c, staffConversationPageFor(id));
    return done(c, staffConversationPageFor(id), (await closeConversation(c.env.DB, staffOf(c), id)).status);
  });
staffMessagesApi.onError(accountsOnError);
