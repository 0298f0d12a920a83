/**
 * DEVELOPMENT ONLY: the texts in /dev/outbox/ (what the SMS stand-in received, newest first, and
 * texts still held by quiet hours), and `POST /dev/sms/reply`, which plays a phone answering one
 * (STOP, YES, anything): the stand-in logs it and calls the portal's webhook signed as Twilio
 * would. Both answer only when ENVIRONMENT is 'development'; elsewhere the route falls through to
 * the site's 404.
 */
import { and, desc, eq, gt } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { z } from 'zod';
import { outboxSms } from '../../../../db/schema';
import type { AppEnv } from '../../../app-types';
import { escapeHtml } from '../../../accounts/pages';
import { readFormOrJson } from '../../../http/body';
import { displayPhone, phoneNumber } from '../../../shared/preference-forms';
import { standInLog, standInReply, type StandInEnv } from './stand-in';

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/Los_Angeles' });

const linkify = (origin: string, text: string) =>
  escapeHtml(text).replace(/https?:\/\/[^\s<&]+/g, (url) => {
    const href = url.startsWith(origin) ? url.slice(origin.length) || '/' : url;
    return `<a href="${href}">${url}</a>`;
  });

/** The outbox page's SMS section. */
export async function devSmsSection(env: StandInEnv & { PORTAL_ORIGIN: string }) {
  const log = await standInLog(env);
  const held = await drizzle(env.DB)
    .select()
    .from(outboxSms)
    .where(and(eq(outboxSms.status, 'queued'), gt(outboxSms.notBefore, new Date().toISOString())))
    .orderBy(desc(outboxSms.createdAt))
    .limit(50);
  const heldItems = held
    .map((m) => `<li class="sms held" data-kind="${escapeHtml(m.kind)}"><p>To <span class="to">${escapeHtml(displayPhone(m.toNumber))}</span> · ${escapeHtml(m.kind)} · held for quiet hours until ${escapeHtml(dateTime.format(new Date(m.notBefore)))}</p><pre>${linkify(env.PORTAL_ORIGIN, m.body)}</pre></li>`)
    .join('\n');
  const items = log
    .map((m) => {
      const phone = m.direction === 'inbound' ? m.fromNumber : m.toNumber;
      const reply =
        m.direction === 'inbound'
          ? ''
          : `<form method="post" action="/dev/sms/reply" class="dev-reply"><input type="hidden" name="from" value="${escapeHtml(m.toNumber)}"><label>Reply from ${escapeHtml(displayPhone(m.toNumber))} <input name="body" maxlength="160" required></label> <button type="submit">Send reply</button></form>`;
      return `<li class="sms" data-direction="${escapeHtml(m.direction)}"><p>${m.direction === 'inbound' ? 'From' : 'To'} <span class="to">${escapeHtml(displayPhone(phone))}</span> · ${escapeHtml(m.direction)} · ${escapeHtml(m.sid)} · ${escapeHtml(dateTime.format(new Date(m.createdAt)))}</p><pre>${linkify(env.PORTAL_ORIGIN, m.body)}</pre>${reply}</li>`;
    })
    .join('\n');
  return `<h2 id="sms">Text messages</h2>
<p>Texts the local SMS stand-in received through Twilio's Messages API, and replies sent to the portal's webhook, newest first.</p>
${heldItems ? `<h3>Held for quiet hours</h3><ol class="outbox-sms">${heldItems}</ol>` : ''}
<ol class="outbox-sms">${items || '<li>No text messages yet.</li>'}</ol>`;
}

const replyBody = z.object({ from: phoneNumber, body: z.string().trim().min(1, 'Enter the reply.').max(160) });

export const devSms = new Hono<AppEnv>().post('/dev/sms/reply', async (c, next) => {
  if (c.env.ENVIRONMENT !== 'development') {
    await next();
    return;
  }
  const body = await readFormOrJson(c, replyBody);
  // The portal itself answers the webhook, in this same worker (imported here to avoid a cycle at load).
  const { app } = await import('../../../index');
  const status = await standInReply(c.env, (request) => Promise.resolve(app.fetch(request, c.env, c.executionCtx)), { from: body.from, body: body.body });
  c.header('Cache-Control', 'no-store');
  if ((c.req.header('accept') ?? '').includes('application/json')) return c.json({ status: 'replied', webhook: status });
  return c.redirect('/dev/outbox/#sms', 303);
});
