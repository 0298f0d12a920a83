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

type Topic = (typeof conversationTopics)[number];
export const topicLabels: Record<Topic, string> = { billing: 'Billing', usage: 'Usage', alerts: 'Alerts', other: 'Something else' };
/** The topics' names in each language (the customer's pages; staff pages are English). */
export const topicLabelsIn: Record<'en' | 'es', Record<Topic, string>> = {
  en: topicLabels,
  es: { billing: 'Facturación', usage: 'Consumo', alerts: 'Alertas', other: 'Otro asunto' },
};

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

const messageErrors = {
  invalid_request: 'Some of what you entered could not be used.',
  not_found: 'There is no such conversation.',
  conversation_closed: 'This conversation is closed. Start a new one if you need more help.',
  too_many_requests: 'You have sent many messages in the last hour. Please wait a while, or call us.',
  payload_too_large: 'The attachments are too large: at most 3 files of 5 MB each.',
  unsupported_media_type: 'Attach PDF, JPEG, PNG or HEIC files only.',
  already_closed: 'This conversation was already closed.',
};
export const messageErrorMessages: Record<string, string> = messageErrors;

export const messageStatusMessages: Record<string, string> = {
  'conversation-started': 'Your message is with our support team. We will e-mail you when they reply.',
  'reply-sent': 'Your reply is sent.',
  'staff-reply-sent': 'Your reply is sent, and the customer is told by e-mail that a reply is waiting.',
  assigned: 'The conversation is assigned to you.',
  closed: 'The conversation is closed.',
};

/** The customer pages' messages in Spanish: the same codes as the English ones above. */
export const messageMessagesEs = {
  fields: { account: 'la cuenta', subject: 'el asunto', topic: 'el tema', body: 'el mensaje', files: 'los archivos adjuntos' },
  errors: {
    invalid_request: 'No pudimos usar parte de lo que escribió.',
    not_found: 'No existe esa conversación.',
    conversation_closed: 'Esta conversación está cerrada. Empiece una nueva si necesita más ayuda.',
    too_many_requests: 'Envió muchos mensajes en la última hora. Espere un rato o llámenos.',
    payload_too_large: 'Los archivos adjuntos son demasiado grandes: como máximo 3 archivos de 5 MB cada uno.',
    unsupported_media_type: 'Adjunte solo archivos PDF, JPEG, PNG o HEIC.',
    already_closed: 'Esta conversación ya estaba cerrada.',
  } satisfies Record<keyof typeof messageErrors, string>,
  status: {
    'conversation-started': 'Su mensaje está con nuestro equipo de servicio al cliente. Le escribiremos cuando respondan.',
    'reply-sent': 'Se envió su respuesta.',
  } as Record<string, string>,
};
