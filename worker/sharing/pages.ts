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
import { codedMessage, escapeHtml, keepInSwitcher, send, shellFor, signedInPage, withMessage, type Filler } from '../accounts/pages';
import { html, text } from '../http/html';
import { formatsFor } from '../i18n/format';
import { bothLanguages, type Locale } from '../i18n/locale';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions';
import { rightLabels, rightLabelsIn, sharingErrorMessages, sharingFieldLabels, sharingMessagesEs, sharingStatusMessages, type RightKey } from '../shared/sharing-forms';
import { accountSharing, type Rights } from './delegates';
import { disclosureLog } from './disclosures';
import { sharingAccounts } from './overview';
import { switcherHtml, withSwitcher } from './switcher';

/** A page's message from the redirect's codes, in the page's language; never text from the URL. */
const sharingMessage = codedMessage({
  en: { status: sharingStatusMessages, errors: sharingErrorMessages, fields: sharingFieldLabels },
  es: sharingMessagesEs,
});

const remove = { element: (el: Element) => void el.remove() };
const rightKeys = Object.keys(rightLabels) as RightKey[];

/** What the sharing page writes, in each language. */
function wordsFor(locale: Locale) {
  const f = formatsFor(locale);
  const rights = (r: Rights) => rightKeys.filter((k) => r[k]).map((k) => rightLabelsIn[locale][k]);
  if (locale === 'es') {
    return {
      rights: (r: Rights) => rights(r).join(', ') || 'nada',
      until: (until: string | null) => (until ? `hasta el final del ${f.day(until)}` : 'hasta que usted o esa persona lo terminen'),
      whatTheyMay: 'Qué puede hacer',
      endsAfter: 'El acceso termina después del (opcional)',
      save: 'Guardar su acceso',
      noAccount: 'Este usuario todavía no tiene ninguna cuenta de servicio, así que no hay nada que compartir.',
      sharedWithYou: (number: string, street: string) => `El titular de la cuenta ${number} en ${street} la compartió con usted.`,
      given: (rights: string, until: string) => `<p>Puede: ${rights}; ${until}.</p><p>Solo el titular puede cambiarlo. Si renuncia, avisamos al titular, y solo una invitación nueva puede devolvérselo.</p>`,
      alsoHolds: 'también es titular de esta cuenta.',
      may: 'puede',
      since: 'Desde el',
      change: (who: string) => `Cambiar lo que ${who} puede hacer`,
      end: (who: string) => `Terminar ahora el acceso de ${who}`,
      onlyYou: '<p>Solo usted. Invite a alguien abajo.</p>',
      invitation: (email: string, sent: string, expires: string, rights: string, until: string) =>
        `A <strong>${email}</strong>, enviada el ${sent}; funciona hasta el ${expires}. Podría: ${rights}; ${until}.`,
      withdraw: 'Retirar esta invitación',
      none: '<p>Ninguna.</p>',
      logCaption: 'Entregas de los datos de esta cuenta, de la más reciente a la más antigua',
      logHeads: ['Cuándo', 'A quién', 'Qué', 'En virtud de'],
      recipientKind: { delegate: 'una persona que usted invitó', third_party: 'una aplicación que usted autorizó', provider: 'un proveedor de servicios' },
      basis: { delegate: 'Su acceso a esta cuenta', third_party: 'Su autorización', provider: 'Contrato con la empresa de servicios' },
      nothingReleased: '<p>No se entregó nada fuera de la empresa de servicios.</p>',
      youHold: (number: string, street: string) => `Cuenta ${number} en ${street}. Usted es titular de esta cuenta.`,
      street: 'la dirección del servicio',
    };
  }
  return {
    rights: (r: Rights) => rights(r).join(', ') || 'nothing',
    until: (until: string | null) => (until ? `until the end of ${until}` : 'until you or they end it'),
    whatTheyMay: 'What they may do',
    endsAfter: 'Access ends after (optional)',
    save: 'Save their access',
    noAccount: 'No utility account is linked to this login yet, so there is nothing to share.',
    sharedWithYou: (number: string, street: string) => `Account ${number} at ${street} was shared with you by its holder.`,
    given: (rights: string, until: string) => `<p>You may: ${rights}; ${until}.</p><p>Only the holder can change this. If you give it up, the holder is told, and only a new invitation can give it back.</p>`,
    alsoHolds: 'also holds this account.',
    may: 'may',
    since: 'Since',
    change: (who: string) => `Change what ${who} may do`,
    end: (who: string) => `End ${who}'s access now`,
    onlyYou: '<p>Only you. Invite someone below.</p>',
    invitation: (email: string, sent: string, expires: string, rights: string, until: string) =>
      `To <strong>${email}</strong>, sent ${sent}; works until ${expires}. They would be able to: ${rights}; ${until}.`,
    withdraw: 'Withdraw this invitation',
    none: '<p>None.</p>',
    logCaption: "Releases of this account's data, newest first",
    logHeads: ['When', 'To', 'What', 'Under'],
    recipientKind: { delegate: 'a person you invited', third_party: 'an application you authorised', provider: 'a service provider' },
    basis: { delegate: 'Their access to this account', third_party: 'Your authorisation', provider: 'Contract with the utility' },
    nothingReleased: '<p>Nothing has been released outside the utility.</p>',
    youHold: (number: string, street: string) => `Account ${number} at ${street}. You hold this account.`,
    street: 'the service address',
  };
}

/** The form that changes one delegate's rights, pre-ticked. */
function rightsForm(locale: Locale, account: string, delegate: string, rights: Rights, until: string | null, today: string) {
  const w = wordsFor(locale);
  const prefix = `d-${delegate.slice(0, 8)}`;
  const boxes = rightKeys
    .map((k) => `<div class="check"><input id="${prefix}-${k}" name="${k}" type="checkbox" value="on"${rights[k] ? ' checked' : ''}><label for="${prefix}-${k}">${escapeHtml(rightLabelsIn[locale][k])}</label></div>`)
    .join('');
  return `<form method="post" action="/api/sharing/delegates" data-enhance>
<input type="hidden" name="account" value="${escapeHtml(account)}"><input type="hidden" name="delegate" value="${escapeHtml(delegate)}">
<fieldset class="rights"><legend>${w.whatTheyMay}</legend>${boxes}<p class="field-error" data-field-error="usage" hidden></p><p class="field-error" data-field-error="pay" hidden></p></fieldset>
<div class="field"><label for="${prefix}-until">${w.endsAfter}</label><input id="${prefix}-until" name="until" type="date" min="${escapeHtml(today)}" value="${escapeHtml(until ?? '')}" aria-describedby="${prefix}-until-error"><p class="field-error" id="${prefix}-until-error" data-field-error="until" hidden></p></div>
<button type="submit">${w.save}</button></form>`;
}

const fillSharing: Filler = async (c, login, rewriter) => {
  const locale = c.get('locale');
  const w = wordsFor(locale);
  const when = formatsFor(locale).when;
  const deps = await accountDeps(c);
  const accounts = await sharingAccounts(deps, login.id);
  if (!accounts.length) {
    return withSwitcher(rewriter, '').on('[data-fill="summary"]', text(w.noAccount)).on('[data-holder-only]', remove).on('[data-delegate-only]', remove);
  }
  const asked = c.req.query('account');
  const chosen = accounts.find((a) => a.account === asked) ?? accounts[0]!;
  keepInSwitcher(c, { account: chosen.account });
  let filled = withSwitcher(rewriter, switcherHtml(accounts, chosen.account, c.req.path, locale))
    .on('input[name="account"]', { element: (el) => void el.setAttribute('value', chosen.account) });
  if (chosen.relationship === 'delegate') {
    return filled
      .on('[data-fill="summary"]', text(w.sharedWithYou(chosen.number, chosen.street)))
      .on('[data-holder-only]', remove)
      .on('[data-fill="given"]', html(w.given(escapeHtml(w.rights(chosen.rights)), escapeHtml(w.until(chosen.until)))));
  }
  const sharing = await accountSharing(deps, login.id, chosen.account);
  const log = await disclosureLog(deps.db, chosen.account);
  const people = sharing.people.length
    ? `<ul class="people">${sharing.people
        .map((p) => {
          const who = escapeHtml(p.name ?? p.email);
          return p.relationship === 'holder'
            ? `<li><p><strong>${who}</strong> (${escapeHtml(p.email)}) ${w.alsoHolds}</p></li>`
            : `<li><p><strong>${who}</strong> (${escapeHtml(p.email)}) ${w.may}: ${escapeHtml(w.rights(p.rights))}; ${escapeHtml(w.until(p.until))}. ${w.since} ${when(p.since)}.</p>
<details><summary>${w.change(who)}</summary>${rightsForm(locale, sharing.account, p.login, p.rights, p.until, sharing.today)}</details>
<form method="post" action="/api/sharing/delegates/end" data-enhance><input type="hidden" name="account" value="${escapeHtml(sharing.account)}"><input type="hidden" name="delegate" value="${escapeHtml(p.login)}"><button type="submit" class="secondary">${w.end(who)}</button></form></li>`;
        })
        .join('')}</ul>`
    : w.onlyYou;
  const invitations = sharing.invitations.length
    ? `<ul class="people">${sharing.invitations
        .map(
          (i) => `<li><p>${w.invitation(escapeHtml(i.email), when(i.sentAt), when(i.expiresAt), escapeHtml(w.rights(i.rights)), escapeHtml(w.until(i.until)))}</p>
<form method="post" action="/api/sharing/invitations/withdraw" data-enhance><input type="hidden" name="account" value="${escapeHtml(sharing.account)}"><input type="hidden" name="invitation" value="${escapeHtml(i.id)}"><button type="submit" class="secondary">${w.withdraw}</button></form></li>`,
        )
        .join('')}</ul>`
    : w.none;
  const kind = (k: string) => (k === 'delegate' ? 'delegate' : k === 'third_party' ? 'third_party' : 'provider') as keyof typeof w.basis;
  const disclosures = log.length
    ? `<div class="table-wrap"><table class="disclosures"><caption>${w.logCaption}</caption><thead><tr>${w.logHeads.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${log
        .map((d) => `<tr><td>${when(d.releasedAt)}</td><td>${escapeHtml(d.recipientLabel)} (${w.recipientKind[kind(d.recipientKind)]})</td><td>${escapeHtml(d.description)}</td><td>${escapeHtml(w.basis[kind(d.recipientKind)])}</td></tr>`)
        .join('')}</tbody></table></div>`
    : w.nothingReleased;
  filled = filled
    .on('[data-fill="summary"]', text(w.youHold(sharing.label.number, sharing.label.street ?? w.street)))
    .on('[data-delegate-only]', remove)
    .on('[data-fill="people"]', html(people))
    .on('[data-fill="invitations"]', html(invitations))
    .on('[data-fill="disclosures"]', html(disclosures))
    .on('input[name="until"]', { element: (el) => void el.setAttribute('min', sharing.today) });
  return filled;
};

async function acceptPage(c: Context<AppEnv>) {
  const asset = await shellFor(c);
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
  .on('GET', bothLanguages('/account/sharing/'), signedInPage(fillSharing, { message: sharingMessage }))
  .on('GET', bothLanguages('/account/sharing/accept/'), acceptPage);
