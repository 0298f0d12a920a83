/**
 * The customer's pages of Connect My Data: the consent screen (who asks, for which data, for what
 * purpose and until when; the customer may narrow the data and shorten the period) and
 * "Connected applications" (what each may fetch, every release to it, and a button to stop it).
 * Plain forms: both work without JavaScript.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { disclosures } from '../../db/schema';
import type { AppEnv } from '../app-types';
import { accountIdsWithRight } from '../auth/account-access';
import { escapeHtml, signedInPage, when, type Filler, type PageMessage } from '../accounts/pages';
import { utility } from '../shared/utility';
import { addDays } from '../usage/time';
import { shareableAccounts, today } from './consent';
import { authorizationsOf, consentRequest } from './oauth';
import { describeScope, functionBlocks, historyDays, historyWords, parseScope } from './scope';
import { html } from '../http/html';

const messages: Record<string, string> = {
  connect_revoked: 'The application can no longer fetch your data. Its next request will be refused.',
  oauth_bad_client: 'This request does not come from an application registered with us, or it is not accepting new connections. Nothing was shared.',
  oauth_request_expired: 'This request has expired or was already answered. Go back to the application and start again.',
  invalid_request: 'Please check the choices marked below.',
  not_found: 'There is no such connection.',
  too_many_requests: 'Too many connection requests in the last hour. Please wait an hour and try again.',
};

const message = (c: Context<AppEnv>): PageMessage => {
  const status = c.req.query('status');
  const error = c.req.query('error');
  if (status && messages[status]) return { kind: 'status', text: messages[status]! };
  if (error) return { kind: 'error', text: messages[error] ?? 'That did not work. Please try again.' };
  return null;
};

const dayWords = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });
const longDay = (day: string) => dayWords.format(new Date(`${day}T00:00:00Z`));
const kindWords: Record<string, string> = { electric: 'Electricity', water: 'Water', gas: 'Gas' };

const fillConsent: Filler = async (c, login, rewriter) => {
  const requestId = c.req.query('request');
  if (!requestId || requestId.length > 64) return rewriter;
  const db = drizzle(c.env.DB);
  const now = new Date();
  const pending = await consentRequest({ db, now }, login.id, requestId);
  if (!pending) return rewriter.on('[data-fill="consent"]', html(`<p>${escapeHtml(messages.oauth_request_expired!)}</p>`));
  const app = pending.application;
  const scope = pending.scope;
  const accounts = await shareableAccounts(db, c.env.DB, login.id);
  const latest = addDays(today(now), app.maxAuthorizationDays);
  const problems = new Set((c.req.query('field') ?? '').split(',').filter(Boolean));
  const invalid = (f: string) => (problems.has(f) ? ' aria-invalid="true"' : '');
  const servicesHtml = accounts.length
    ? accounts
        .map(
          (a) => `<fieldset${invalid('meter')}><legend>Services of account ${escapeHtml(a.accountNumber)}</legend>${a.meters
            .map((m) => `<div class="check"><input type="checkbox" id="meter-${escapeHtml(m.id)}" name="meter" value="${escapeHtml(m.id)}" checked><label for="meter-${escapeHtml(m.id)}">${escapeHtml(kindWords[m.kind] ?? m.kind)} meter ${escapeHtml(m.serialNumber)} (read every ${m.intervalMinutes} minutes)</label></div>`)
            .join('')}</fieldset>`,
        )
        .join('')
    : '<p>You have no account whose data you may share. Only the account holder, or someone they allowed to manage the account, can connect an application.</p>';
  const blocksHtml = describeScope(scope)
    .filter((b) => b.block !== 1)
    .map((b) => `<div class="check"><input type="checkbox" id="block-${b.block}" name="block" value="${b.block}" checked><label for="block-${b.block}"><strong>${escapeHtml(b.name)}</strong>: ${escapeHtml(b.words)}</label></div>`)
    .join('');
  const days = historyDays(scope);
  const body = `
<section aria-labelledby="who-title">
  <h2 id="who-title">Who is asking</h2>
  <p><strong>${escapeHtml(app.name)}</strong>, run by ${escapeHtml(app.organisation)}.</p>
  <p>What they say they will do with it: ${escapeHtml(app.purpose)}</p>
  <p>${escapeHtml(utility.name)} has registered this application, but does not vouch for how it uses your data. Its own privacy policy applies once it has the data.</p>
</section>
<form method="post" action="/api/connect/authorize">
  <input type="hidden" name="request" value="${escapeHtml(requestId)}">
  <section aria-labelledby="what-title">
    <h2 id="what-title">Which data</h2>
    <p>It always gets ${escapeHtml(functionBlocks[1].words)}. Untick anything you do not want to share.</p>
    ${servicesHtml}
    <fieldset${invalid('block')}><legend>Kinds of data</legend>${blocksHtml}</fieldset>
    <label for="field-historyDays">How far back (days, at most ${days}; ${escapeHtml(historyWords(scope))})</label>
    <input id="field-historyDays" name="historyDays" type="number" min="1" max="${days}" value="${days}" required${invalid('historyDays')}>
  </section>
  <section aria-labelledby="until-title">
    <h2 id="until-title">Until when</h2>
    <p>It may fetch new data until the end of the day you choose (at most ${escapeHtml(longDay(latest))}). You can stop it sooner at any time from <a href="/account/sharing/applications/">Connected applications</a>.</p>
    <label for="field-until">Last day</label>
    <input id="field-until" name="until" type="date" min="${addDays(today(now), 1)}" max="${latest}" value="${latest}" required${invalid('until')}>
  </section>
  <p>Every time it fetches your data, we list it on your Connected applications page.</p>
  <div class="actions">
    <button type="submit" name="decision" value="allow"${accounts.length ? '' : ' disabled'}>Allow</button>
    <button type="submit" name="decision" value="deny" class="secondary">Do not allow</button>
  </div>
</form>`;
  return rewriter.on('[data-fill="consent"]', html(body));
};

const fillApplications: Filler = async (c, login, rewriter) => {
  const db = drizzle(c.env.DB);
  const now = new Date().toISOString();
  const accountIds = await accountIdsWithRight(db, login.id, 'manage');
  const rows = await authorizationsOf(db, accountIds);
  if (rows.length === 0) return rewriter;
  const releases = await db
    .select()
    .from(disclosures)
    .where(and(inArray(disclosures.accountId, accountIds), eq(disclosures.recipientKind, 'third_party'), inArray(disclosures.authority, rows.map((r) => r.authorization.id))))
    .orderBy(desc(disclosures.releasedAt))
    .limit(500);
  const body = rows
    .map(({ authorization: a, application: app }) => {
      const scope = parseScope(a.scope);
      const live = a.endedAt === null && a.endsAt > now;
      const mine = releases.filter((r) => r.authority === a.id);
      const releasesHtml = mine.length
        ? `<table><caption>Releases to ${escapeHtml(app.name)}</caption><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Records</th></tr></thead><tbody>${mine.map((r) => `<tr><td>${when(r.releasedAt)}</td><td>${escapeHtml(r.description)}</td><td>${r.records}</td></tr>`).join('')}</tbody></table>`
        : '<p>It has not fetched anything yet.</p>';
      const status = live ? `Connected since ${when(a.createdAt)}, until ${when(a.endsAt)}.` : `Ended ${when(a.endedAt ?? a.endsAt)}${a.endedBy === 'customer' ? ' by you' : a.endedBy === 'staff' ? ' by the utility' : a.endedBy === 'refresh_reuse' || a.endedBy === 'code_replay' ? ' for your security (a credential was used twice)' : a.endedBy === 'application_revoked' ? ' (the application is no longer registered)' : ''}.`;
      return `<section class="connected-app" aria-labelledby="app-${escapeHtml(a.id)}">
<h2 id="app-${escapeHtml(a.id)}">${escapeHtml(app.name)}</h2>
<p>${escapeHtml(app.organisation)}. ${status}</p>
<p>Purpose: ${escapeHtml(app.purpose)}</p>
<h3>What it may fetch</h3>
<ul>${scope ? describeScope(scope).map((b) => `<li>${escapeHtml(b.name)}: ${escapeHtml(b.words)}</li>`).join('') : ''}<li>From ${escapeHtml(longDay(a.dataFrom))} on, and only for the time your account held each service</li></ul>
<h3>What it has fetched</h3>
${releasesHtml}
${live ? `<form method="post" action="/api/connect/authorizations/revoke"><input type="hidden" name="authorization" value="${escapeHtml(a.id)}"><button type="submit">Stop sharing with ${escapeHtml(app.name)}</button></form>` : ''}
</section>`;
    })
    .join('');
  return rewriter.on('[data-fill="applications"]', html(body));
};

export const connectPages = new Hono<AppEnv>()
  .get('/account/sharing/authorize/', signedInPage(fillConsent, { message }))
  .get('/account/sharing/applications/', signedInPage(fillApplications, { message }));
