/**
 * The message pages, static Astro shells the worker fills:
 * - /account/messages/: the customer's conversations (unread replies marked) and the form to write;
 * - /account/messages/conversation/?id=: one thread and the reply form (reading marks replies read);
 * - /staff/messages/?view=open|mine|waiting&after=: the support queue, paged by index, no identities;
 * - /staff/messages/conversation/?id=: one conversation with its customer (a logged look-up), and
 *   the forms to assign it, reply and close it.
 * Messages after a redirect come from codes (worker/shared/message-forms.ts), never from the URL.
 * The customer's pages exist in English and Spanish (/es/account/messages/…); staff pages are English.
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../app-types';
import { escapeHtml, keepInSwitcher, signedInPage, when, type Filler, type PageMessage } from '../accounts/pages';
import { formatsFor } from '../i18n/format';
import { bothLanguages, type Locale } from '../i18n/locale';
import { requireLogin } from '../auth/require-login';
import { ApiError, handleError } from '../http/errors';
import { esc, servePage, type Fill } from '../requests/page-fill';
import { accountMessagesIn, checkFields, errorMessages } from '../shared/account-messages';
import { conversationParam, MAX_BODY, messageErrorMessages, messageFieldLabels, messageMessagesEs, messageStatusMessages, staffQueueQuery, topicLabels, topicLabelsIn } from '../shared/message-forms';
import { staffConversationPageFor, STAFF_MESSAGES_PAGE, supportRoles } from './routes';
import { customerConversation, listConversations, messageAccounts, staffConversation, staffQueue, type Conversation, type QueueView, type ThreadMessage } from './store';
import { html, text } from '../http/html';

const catalogs: Record<Locale, { errors: Record<string, string>; fields: Record<string, string>; status: Record<string, string> }> = {
  en: { errors: messageErrorMessages, fields: messageFieldLabels, status: messageStatusMessages },
  es: messageMessagesEs,
};

function messageOf(c: Context<AppEnv>): PageMessage {
  const locale = c.get('locale');
  const own = catalogs[locale];
  const error = c.req.query('error');
  if (error) {
    const base = own.errors[error] ?? accountMessagesIn(locale).errors[error] ?? own.errors.invalid_request!;
    const field = c.req.query('field');
    const label = field ? own.fields[field.replace(/\..*$/, '')] : undefined;
    return { kind: 'error', text: `${base}${label && error === 'invalid_request' ? checkFields(locale, [label]) : ''}` };
  }
  const status = c.req.query('status');
  const text = status ? own.status[status] : undefined;
  return text ? { kind: 'status', text } : null;
}

/** What the customer's pages write, in each language (staff pages use the English). */
const words = {
  en: {
    status: { open: 'Waiting on support', waiting_customer: 'Support replied', closed: 'Closed' },
    support: 'Support team',
    you: 'You',
    about: (account: string) => `About account ${account}`,
    newReply: 'New reply',
    account: (n: string) => `account ${n}`,
    accountOption: (n: string) => `Account ${n}`,
    lastMessage: 'last message',
    none: '<p>No conversations yet.</p>',
    noAccount: '<h2 id="new-title">Write to support</h2><p>You can write about an account you hold, or one shared with you with the right to manage it. No such account is linked to this login.</p>',
    closed: (list: string) => `<p>This conversation is closed. <a href="${list}">Start a new one</a> if you need more help.</p>`,
  },
  es: {
    status: { open: 'Esperando al servicio al cliente', waiting_customer: 'El servicio al cliente respondió', closed: 'Cerrada' },
    support: 'Servicio al cliente',
    you: 'Usted',
    about: (account: string) => `Sobre la cuenta ${account}`,
    newReply: 'Respuesta nueva',
    account: (n: string) => `cuenta ${n}`,
    accountOption: (n: string) => `Cuenta ${n}`,
    lastMessage: 'último mensaje',
    none: '<p>Todavía no tiene conversaciones.</p>',
    noAccount: '<h2 id="new-title">Escribir al servicio al cliente</h2><p>Puede escribir sobre una cuenta de la que es titular, o sobre una que se comparte con usted con permiso para administrarla. Este usuario no tiene ninguna cuenta así.</p>',
    closed: (list: string) => `<p>Esta conversación está cerrada. <a href="${list}">Empiece una nueva</a> si necesita más ayuda.</p>`,
  },
} satisfies Record<Locale, unknown>;

/** A path of the customer's pages in the page's language. */
const pageIn = (locale: Locale, path: string) => (locale === 'es' ? `/es${path}` : path);


const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

function threadHtml(conv: Conversation, audience: 'customer' | 'staff', locale: Locale = 'en') {
  const w = words[locale];
  const stamp = formatsFor(locale).when;
  const item = (m: ThreadMessage) => {
    const who = m.authorKind === 'staff' ? w.support : audience === 'customer' ? w.you : 'Customer';
    const files = m.attachments.length
      ? `<ul class="attachments">${m.attachments.map((f) => `<li><a href="/api/messages/attachments/${encodeURIComponent(f.id)}" download>${escapeHtml(f.fileName)}</a> (${size(f.sizeBytes)})</li>`).join('')}</ul>`
      : '';
    return `<li class="thread-message thread-${m.authorKind}"><p><strong>${who}</strong>, ${stamp(m.createdAt)}</p><div class="message-body">${escapeHtml(m.body).replaceAll('\n', '<br>')}</div>${files}</li>`;
  };
  return `<p>${escapeHtml(w.about(conv.accountNumber))} · ${escapeHtml(topicLabelsIn[locale][conv.topic])} · ${escapeHtml(w.status[conv.status])}</p><ol class="thread">${conv.messages.map(item).join('')}</ol>`;
}

const fillList: Filler = async (c, login, rewriter) => {
  const locale = c.get('locale');
  const w = words[locale];
  const stamp = formatsFor(locale).when;
  const [accounts, list] = await Promise.all([messageAccounts(c.env.DB, login.id), listConversations(c.env.DB, login.id)]);
  const rows = list.length
    ? `<ul class="conversations">${list
        .map(
          (v) =>
            `<li>${v.unread ? `<strong class="badge">${w.newReply}</strong> ` : ''}<a href="${pageIn(locale, '/account/messages/conversation/')}?id=${encodeURIComponent(v.id)}">${escapeHtml(v.subject)}</a> · ${escapeHtml(w.account(v.accountNumber))} · ${escapeHtml(topicLabelsIn[locale][v.topic])} · ${escapeHtml(w.status[v.status])} · ${w.lastMessage} ${stamp(v.lastMessageAt)}</li>`,
        )
        .join('')}</ul>`
    : w.none;
  let r = rewriter.on('[data-fill="conversations"]', html(rows));
  if (!accounts.length) {
    r = r.on('[data-fill="new-section"]', html(w.noAccount));
  } else {
    const asked = c.req.query('account');
    r = r.on('[data-fill="account-options"]', html(accounts.map((a) => `<option value="${escapeHtml(a.id)}"${a.id === asked ? ' selected' : ''}>${escapeHtml(w.accountOption(a.number))}</option>`).join('')));
  }
  return r;
};

const fillConversation: Filler = async (c, login, rewriter) => {
  const parsed = conversationParam.safeParse({ id: c.req.query('id') });
  let conv: Conversation;
  try {
    if (!parsed.success) throw new ApiError(404, 'not_found', 'There is no such conversation.');
    conv = await customerConversation(c.env.DB, login.id, parsed.data.id);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return c.redirect('/account/messages/?error=not_found', 303);
    throw e;
  }
  const locale = c.get('locale');
  keepInSwitcher(c, { id: conv.id });
  const r = rewriter.on('[data-fill="subject"]', text(conv.subject)).on('[data-fill="thread"]', html(threadHtml(conv, 'customer', locale)));
  if (conv.status === 'closed') return r.on('[data-fill="reply-section"]', html(words[locale].closed(pageIn(locale, '/account/messages/'))));
  return r.on('[data-fill="reply-form"]', { element: (el) => void el.setAttribute('action', `/api/messages/${encodeURIComponent(conv.id)}/reply`) });
};

const viewLabels: Record<QueueView, string> = { open: 'Waiting on support', mine: 'Assigned to me', waiting: 'Waiting on the customer' };

function staffNotice(url: URL) {
  const error = url.searchParams.get('error');
  if (error) return `<p class="message message-error" role="alert">${esc(messageErrorMessages[error] ?? errorMessages[error] ?? 'That was not done. Reload the page and try again.')}${error === 'invalid_request' && url.searchParams.get('field') ? ` Check: ${esc(messageFieldLabels[(url.searchParams.get('field') ?? '').replace(/\..*$/, '')] ?? 'the form')}.` : ''}</p>`;
  const status = url.searchParams.get('status');
  const said = status ? messageStatusMessages[status] : undefined;
  return said ? `<p class="message message-status" role="status">${esc(said)}</p>` : '';
}

export const messagePages = new Hono<AppEnv>()
  .on('GET', bothLanguages('/account/messages/'), signedInPage(fillList, { message: messageOf }))
  .on('GET', bothLanguages('/account/messages/conversation/'), signedInPage(fillConversation, { message: messageOf }))
  .use('/staff/messages/*', requireLogin, supportRoles)
  .get('/staff/messages/', async (c) => {
    const parsed = staffQueueQuery.safeParse(c.req.query());
    const query = parsed.success ? parsed.data : { view: 'open' as const, after: undefined };
    const page = await staffQueue(c.env.DB, { id: c.var.login.id, role: c.var.login.role }, query.view, query.after);
    const tabs = `<nav aria-label="Message queues"><ul class="inline">${(Object.keys(viewLabels) as QueueView[])
      .map((v) => `<li><a href="${STAFF_MESSAGES_PAGE}?view=${v}"${v === query.view ? ' aria-current="page"' : ''}>${esc(viewLabels[v])}</a></li>`)
      .join('')}</ul></nav>`;
    const table = page.rows.length
      ? `<table class="queue"><caption>${esc(viewLabels[query.view])}, longest waiting first</caption><thead><tr><th scope="col">Last message</th><th scope="col">Subject</th><th scope="col">Topic</th><th scope="col">Assigned</th><th scope="col">Details (logged)</th></tr></thead><tbody>${page.rows
          .map(
            (r) =>
              `<tr><td>${when(r.lastMessageAt)}</td><td>${esc(r.subject)}</td><td>${esc(topicLabels[r.topic])}</td><td>${r.assignedToLoginId === c.var.login.id ? 'To me' : r.assignedToLoginId ? 'To a colleague' : 'No one'}</td><td><a href="${staffConversationPageFor(r.id)}">Open</a></td></tr>`,
          )
          .join('')}</tbody></table>`
      : '<p>Nothing in this queue.</p>';
    const next = page.next ? `<p><a href="${STAFF_MESSAGES_PAGE}?view=${query.view}&amp;after=${encodeURIComponent(page.next)}">Next page</a></p>` : '';
    return servePage(c, STAFF_MESSAGES_PAGE, [{ selector: '[data-fill="queue"]', html: tabs + table + next }]);
  })
  .get('/staff/messages/conversation/', async (c) => {
    const url = new URL(c.req.url);
    const parsed = conversationParam.safeParse({ id: url.searchParams.get('id') });
    if (!parsed.success) throw new ApiError(404, 'not_found', 'There is no such conversation.');
    const { conversation: conv, customer } = await staffConversation(c.env.DB, { id: c.var.login.id, role: c.var.login.role }, parsed.data.id);
    const facts: [string, string][] = [
      ['Account number', customer?.accountNumber ?? '—'],
      ['Holder', customer?.holderName ?? '—'],
      ['Written from the login', customer?.loginEmail ?? '—'],
      ['E-mail on file', customer?.emailOnFile ?? '—'],
      ['Phone on file', customer?.phoneOnFile ?? '—'],
    ];
    const action = (path: string) => `/api/staff/messages/${encodeURIComponent(conv.id)}/${path}`;
    const forms =
      conv.status === 'closed'
        ? `<p>Closed ${conv.closedAt ? when(conv.closedAt) : ''}.</p>`
        : `${conv.assignedToLoginId === c.var.login.id ? '<p>Assigned to you.</p>' : `<form method="post" action="${action('assign')}"><button type="submit">Assign to me</button></form>`}
<h2>Reply</h2><p>The customer is e-mailed that a reply is waiting, without its content.</p>
<form method="post" action="${action('reply')}" enctype="multipart/form-data"><div class="field"><label for="reply-body">Your reply</label><textarea id="reply-body" name="body" rows="6" maxlength="${MAX_BODY}" required></textarea></div>
<div class="field"><label for="reply-files">Attachments (optional: up to 3 PDF, JPEG, PNG or HEIC files of at most 5 MB)</label><input id="reply-files" name="files" type="file" multiple accept="application/pdf,image/jpeg,image/png,image/heic,.heic"></div><button type="submit">Send the reply</button></form>
<h2>Close</h2><form method="post" action="${action('close')}"><button type="submit">Close the conversation</button></form>`;
    return servePage(c, '/staff/messages/conversation/', [
      { selector: '[data-fill="subject"]', html: esc(conv.subject) },
      { selector: '[data-fill="message"]', html: staffNotice(url) },
      { selector: '[data-fill="conversation"]', html: `<h2>Customer</h2><dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl><h2>Messages</h2>${threadHtml(conv, 'staff')}${forms}` },
    ]);
  })
  .onError((err, c) => {
    const status = err instanceof HTTPException ? err.status : 500;
    if (!new URL(c.req.url).pathname.startsWith('/staff/messages/') || (status !== 401 && status !== 403 && status !== 404)) return handleError(err, c);
    const message =
      status === 401 ? '<p>Please <a href="/login/">sign in</a> with your staff account.</p>' : status === 403 ? '<p>Your role does not allow this page. Messages are answered by support agents.</p>' : '<p>There is no such conversation.</p>';
    const page = new URL(c.req.url).pathname.startsWith('/staff/messages/conversation/') ? '/staff/messages/conversation/' : STAFF_MESSAGES_PAGE;
    const fills: Fill[] = [{ selector: page === STAFF_MESSAGES_PAGE ? '[data-fill="queue"]' : '[data-fill="conversation"]', html: message }];
    return servePage(c, page, fills, status);
  });
