import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { accounts } from './core';
import { logins } from './logins';

/**
 * Secure messages between a customer and support (worker/messages/). A conversation is about one
 * utility account: the logins that may manage the account (its holders, delegates with the manage
 * right) read and write it; support staff answer it. Attachments live in R2 (binding
 * MESSAGE_ATTACHMENTS) under random keys; the rows here say which object belongs to which message.
 *
 * Retention (worker/messages/retention.ts, daily cron): a closed conversation, its messages and its
 * attachments (rows and R2 objects) are deleted 2 years after it was closed.
 */
export const conversationTopics = ['billing', 'usage', 'alerts', 'other'] as const;
export type ConversationTopic = (typeof conversationTopics)[number];
export const conversationStatuses = ['open', 'waiting_customer', 'closed'] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];

export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull().references(() => accounts.id),
    /** Who started it (a customer login; null once that login is deleted). */
    openedByLoginId: text('opened_by_login_id'),
    subject: text('subject').notNull(),
    topic: text('topic', { enum: conversationTopics }).notNull(),
    /** open: support owes an answer; waiting_customer: support answered; closed: done. */
    status: text('status', { enum: conversationStatuses }).notNull().default('open'),
    assignedToLoginId: text('assigned_to_login_id').references(() => logins.id),
    /** The alert help request this conversation continues, if it began as an "I need help" answer. */
    supportItemId: text('support_item_id'),
    createdAt: text('created_at').notNull(),
    lastMessageAt: text('last_message_at').notNull(),
    /** The latest staff reply: the customer has an unread reply when it is after customer_read_at. */
    lastStaffMessageAt: text('last_staff_message_at'),
    customerReadAt: text('customer_read_at'),
    closedAt: text('closed_at'),
  },
  (t) => [
    // The staff queue pages by (status, last_message_at, id): each page reads only its own rows.
    index('conversations_queue').on(t.status, t.lastMessageAt, t.id),
    index('conversations_assigned').on(t.assignedToLoginId, t.status, t.lastMessageAt, t.id),
    index('conversations_account').on(t.accountId, t.lastMessageAt),
    index('conversations_closed').on(t.closedAt),
    index('conversations_support_item').on(t.supportItemId),
    check('conversations_closed_at', sql`(status = 'closed') = (closed_at IS NOT NULL)`),
  ],
);

export const conversationMessages = sqliteTable(
  'conversation_messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id').notNull().references(() => conversations.id),
    authorKind: text('author_kind', { enum: ['customer', 'staff'] }).notNull(),
    /** The customer login or member of staff who wrote it (null once that login is deleted). */
    authorLoginId: text('author_login_id'),
    body: text('body').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('conversation_messages_thread').on(t.conversationId, t.createdAt)],
);

export const messageAttachments = sqliteTable(
  'message_attachments',
  {
    id: text('id').primaryKey(),
    messageId: text('message_id').notNull().references(() => conversationMessages.id),
    conversationId: text('conversation_id').notNull().references(() => conversations.id),
    /** A random key in the MESSAGE_ATTACHMENTS bucket; says nothing about the customer or the file. */
    objectKey: text('object_key').notNull(),
    fileName: text('file_name').notNull(),
    /** Judged from the file's first bytes, not from what the browser declared. */
    contentType: text('content_type', { enum: ['application/pdf', 'image/jpeg', 'image/png', 'image/heic'] }).notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('message_attachments_message').on(t.messageId), index('message_attachments_conversation').on(t.conversationId)],
);
