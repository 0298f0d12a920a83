/**
 * The sharing pages, static Astro shells the worker fills (as worker/accounts/pages.ts does):
 * /account/sharing/ shows, for the account chosen in the switcher, who has access and the
 * disclosure log (to its holders) or the delegate's own access (to a delegate);
 * /account/sharing/accept/ takes an invitation's code from the link's fragment.
 */
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { logins } from '../../db/schema';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { accountDeps } from '../accounts/http';
import { codedMessage, escapeHtml, send, shellFor, signedInPage, when, withMessage, type Filler } from '../accounts/pages';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions';
import { rightLabels, sharingErrorMessages, sharingFieldLabels, sharingStatusMessages, type RightKey } from '../shared/sharing-forms';
import { accountSharing, type Rights } from './delegates';
import { disclosureLog } from './disclosures';
import { sharingAccounts } from './overview';
import { switcherHtml, withSwitcher } from './switcher';

/** A page's message from the redirect's codes; never text from the URL. */
const sharingMessage = codedMessage({ status: sharingStatusMessages, errors: sharingErrorMessages, fields: sharingFieldLabels });

const html = (value: string) => ({ element: (el: Element) => void el.setInnerContent(value, { html: true }) });
const text = (value: string) => ({ element: (el: Element) => void el.setInnerContent(value) });
const remove = { element: (el: Element) => void el.remove() };

const rightKeys = Object.keys(rightLabels) as RightKey[];
const rightsText = (r: Rights) => rightKeys.filter((k) => r[k]).map((k) => rightLabels[k]).join(', ') || 'nothing';
const untilText = (until: string | null) => (until ? `until the end of ${until}` : 'until you or they end it');

/** The form that changes one delegate's rights, pre-ticked. */
function rightsForm(account: string, delegate: string, rights: Rights, until: string | null, today: string) {
  const prefix = `d-${delegate.slice(0, 8)}`;
  const boxes = rightKeys
    .map((k) => `<div class="check"><input id="${prefix}-${k}" name="${k}" type="checkbox" value="on"${rights[k] ? ' checked' : ''}><label for="${prefix}-${k}">${escapeHtml(rightLabels[k])}</label></div>`)
    .join('');
  return `<form method="post" action="/api/sharing/delegates" data-enhance>
<input type="hidden" name="account" value="${escapeHtml(account)}"><input type="hidden" name="delegate" value="${escapeHtml(delegate)}">
<fieldset class="rights"><legend>What they may do</legend>${boxes}<p class="field-error" data-field-error="usage" hidden></p><p class="field-error" data-field-error="pay" hidden></p></fieldset>
<div class="field"><label for="${prefix}-until">Access ends after (optional)</label><input id="${prefix}-until" name="until" type="date" min="${escapeHtml(today)}" value="${escapeHtml(until ?? '')}" aria-describedby="${prefix}-until-error"><p class="field-error" id="${prefix}-until-error" data-field-error="until" hidden></p></div>
<button type="submit">Save their access</button></form>`;
}

const fillSharing: Filler = async (c, login, rewriter) => {
  const deps = await accountDeps(c);
  const accounts = await sharingAccounts(deps, login.id);
  if (!accounts.length) {
    return withSwitcher(rewriter, '').on('[data-fill="summary"]', text('No utility account is linked to this login yet, so there is nothing to share.')).on('[data-holder-only]', remove).on('[data-delegate-only]', remove);
  }
  const asked = c.req.query('account');
  const chosen = accounts.find((a) => a.account === asked) ?? accounts[0]!;
  let filled = withSwitcher(rewriter, switcherHtml(accounts, chosen.account, '/account/sharing/'))
    .on('input[name="account"]', { element: (el) => void el.setAttribute('value', chosen.account) });
  if (chosen.relationship === 'delegate') {
    return filled
      .on('[data-fill="summary"]', text(`Account ${chosen.number} at ${chosen.street} was shared with you by its holder.`))
      .on('[data-holder-only]', remove)
      .on('[data-fill="given"]', html(`<p>You may: ${escapeHtml(rightsText(chosen.rights))}; ${escapeHtml(untilText(chosen.until))}.</p><p>Only the holder can change this. If you give it up, the holder is told, and only a new invitation can give it back.</p>`));
  }
  const sharing = await accountSharing(deps, login.id, chosen.account);
  const log = await disclosureLog(deps.db, chosen.account);
  const people = sharing.people.length
    ? `<ul class="people">${sharing.people
        .map((p) =>
          p.relationship === 'holder'
            ? `<li><p><strong>${escapeHtml(p.name ?? p.email)}</strong> (${escapeHtml(p.email)}) also holds this account.</p></li>`
            : `<li><p><strong>${escapeHtml(p.name ?? p.email)}</strong> (${escapeHtml(p.email)}) may: ${escapeHtml(rightsText(p.rights))}; ${escapeHtml(untilText(p.until))}. Since ${when(p.since)}.</p>
<details><summary>Change what ${escapeHtml(p.name ?? p.email)} may do</summary>${rightsForm(sharing.account, p.login, p.rights, p.until, sharing.today)}</details>
<form method="post" action="/api/sharing/delegates/end" data-enhance><input type="hidden" name="account" value="${escapeHtml(sharing.account)}"><input type="hidden" name="delegate" value="${escapeHtml(p.login)}"><button type="submit" class="secondary">End ${escapeHtml(p.name ?? p.email)}'s access now</button></form></li>`,
        )
        .join('')}</ul>`
    : '<p>Only you. Invite someone below.</p>';
  const invitations = sharing.invitations.length
    ? `<ul class="people">${sharing.invitations
        .map(
          (i) => `<li><p>To <strong>${escapeHtml(i.email)}</strong>, sent ${when(i.sentAt)}; works until ${when(i.expiresAt)}. They would be able to: ${escapeHtml(rightsText(i.rights))}; ${escapeHtml(untilText(i.until))}.</p>
<form method="post" action="/api/sharing/invitations/withdraw" data-enhance><input type="hidden" name="account" value="${escapeHtml(sharing.account)}"><input type="hidden" name="invitation" value="${escapeHtml(i.id)}"><button type="submit" class="secondary">Withdraw this invitation</button></form></li>`,
        )
        .join('')}</ul>`
    : '<p>None.</p>';
  const disclosures = log.length
    ? `<div class="table-wrap"><table class="disclosures"><caption>Releases of this account's data, newest first</caption><thead><tr><th scope="col">When</th><th scope="col">To</th><th scope="col">What</th><th scope="col">Under</th></tr></thead><tbody>${log
        .map(
          (d) =>
            `<tr><td>${when(d.releasedAt)}</td><td>${escapeHtml(d.recipientLabel)} (${d.recipientKind === 'delegate' ? 'a person you invited' : d.recipientKind === 'third_party' ? 'an application you authorised' : 'a service provider'})</td><td>${escapeHtml(d.description)}</td><td>${escapeHtml(d.recipientKind === 'delegate' ? 'Their access to this account' : d.recipientKind === 'third_party' ? 'Your authorisation' : 'Contract with the utility')}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '<p>Nothing has been released outside the utility.</p>';
  filled = filled
    .on('[data-fill="summary"]', text(`Account ${sharing.label.number} at ${sharing.label.street}. You hold this account.`))
    .on('[data-delegate-only]', remove)
    .on('[data-fill="people"]', html(people))
    .on('[data-fill="invitations"]', html(invitations))
    .on('[data-fill="disclosures"]', html(disclosures))
    .on('input[name="until"]', { element: (el) => void el.setAttribute('min', sharing.today) });
  return filled;
};

async function acceptPage(c: Context<AppEnv>) {
  const asset = await shellFor(c, '/account/sharing/accept/');
  if (!asset.ok) return new Response(asset.body, asset);
  const token = getCookie(c, SESSION_COOKIE);
  const login = token ? await resolveSession(drizzle(c.env.DB), token) : null;
  const rewriter = withMessage(c, new HTMLRewriter(), sharingMessage(c));
  if (!login) return send(c, asset, rewriter.on('[data-signed-in]', remove));
  const [me] = await drizzle(c.env.DB).select({ email: logins.email }).from(logins).where(eq(logins.id, login.id)).limit(1);
  return send(
    c,
    asset,
    rewriter
      .on('[data-signed-out]', remove)
      .on('[data-signed-in]', { element: (el) => void el.removeAttribute('hidden') })
      .on('[data-fill="login-email"]', text(me?.email ?? '')),
  );
}

export const sharingPages = new Hono<AppEnv>()
  .get('/account/sharing/', signedInPage(fillSharing, { message: sharingMessage }))
  .get('/account/sharing/accept/', acceptPage);
