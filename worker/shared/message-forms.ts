/**
 * Request bodies of the secure messages (worker/messages/), shared by the worker, which enforces
 * them, and the site, whose forms name their fields after these keys. JSON, plain HTML forms, or
 * multipart forms carrying attachments (the `files` field; checked apart, worker/messages/attachments.ts).
 */
import { z } from 'zod';
import { conversationTopics } from '../../db/schema/messages';

export const MAX_SUBJECT = 120;
export const MAX_BODY = 5000;

const accountId = z.string().trim().min(1, 'Choose the account this is about.').max(64);
const body = z.string().trim().min(1, 'Write a message.').max(MAX_BODY, `A message is at most ${MAX_BODY} characters.`);

export const topicLabels: Record<(typeof conversationTopics)[number], string> = { billing: 'Billing', usage: 'Usage', alerts: 'Alerts', other: 'Something else' };

export const newConversationBody = z.object({
  account: accountId,
  subject: z.string().trim().min(1, 'Give the conversation a subject.').max(MAX_SUBJECT, `A subject is at most ${MAX_SUBJECT} characters.`),
  topic: z.enum(conversationTopics, { message: 'Choose billing, usage, alerts or something else.' }),
  body,
});
export type NewConversationBody = z.infer<typeof newConversationBody>;

export const replyBody = z.object({ body });

export const conversationParam = z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/, 'Not a conversation.') });
export const attachmentParam = z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/, 'Not an attachment.') });

export const staffQueueViews = ['open', 'mine', 'waiting'] as const;
export const staffQueueQuery = z.object({
  view: z.enum(staffQueueViews).default('open'),
  /** The last row of the previous page: `<last_message_at>~<id>`. */
  after: z.string().regex(/^\d{4}-\d{2}-\d{2}T[0-9:.]+Z~[0-9a-f-]{36}$/, 'Not a page of the queue.').optional(),
});

export const messageFieldLabels: Record<string, string> = { account: 'the account', subject: 'the subject', topic: 'the topic', body: 'the message', files: 'the attachments' };

export const messageErrorMessages: Record<string, string> = {
  invalid_request: 'Some of what you entered could not be used.',
  not_found: 'There is no such conversation.',
  conversation_closed: 'This conversation is closed. Start a new one if you need more help.',
  too_many_requests: 'You have sent many messages in the last hour. Please wait a while, or call us.',
  payload_too_large: 'The attachments are too large: at most 3 files of 5 MB each.',
  unsupported_media_type: 'Attach PDF, JPEG, PNG or HEIC files only.',
  already_closed: 'This conversation was already closed.',
};

export const messageStatusMessages: Record<string, string> = {
  'conversation-started': 'Your message is with our support team. We will e-mail you when they reply.',
  'reply-sent': 'Your reply is sent.',
  'staff-reply-sent': 'Your reply is sent, and the customer is told by e-mail that a reply is waiting.',
  assigned: 'The conversation is assigned to you.',
  closed: 'The conversation is closed.',
};
