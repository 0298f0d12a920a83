/**
 * The account switcher: on a page about one account, links to the same page for each other
 * account the login holds or was given (shown only with two or more). Pages keep the account in
 * their address (`?account=`), so the choice needs no cookie.
 */
import { escapeHtml } from '../http/html';
import type { Locale } from '../i18n/locale';
import type { AccountDeps } from '../accounts/deps';
import { sharingAccounts } from './overview';

type Listed = Awaited<ReturnType<typeof sharingAccounts>>[number];

const switcherWords = {
  en: { yours: 'yours', shared: 'shared with you', heading: 'Your accounts' },
  es: { yours: 'suya', shared: 'compartida con usted', heading: 'Sus cuentas' },
} satisfies Record<Locale, unknown>;

export function switcherHtml(accounts: Pick<Listed, 'account' | 'number' | 'street' | 'relationship'>[], chosen: string, page: string, locale: Locale = 'en') {
  if (accounts.length < 2) return '';
  const w = switcherWords[locale];
  const links = accounts
    .map(
      (a) =>
        `<li><a href="${escapeHtml(`${page}?account=${encodeURIComponent(a.account)}`)}"${a.account === chosen ? ' aria-current="page"' : ''}>${escapeHtml(a.number)} · ${escapeHtml(a.street)} (${a.relationship === 'holder' ? w.yours : w.shared})</a></li>`,
    )
    .join('');
  return `<h2 class="visually-hidden">${w.heading}</h2><ul>${links}</ul>`;
}

/** Fills a page's `[data-fill="switcher"]` slot, or removes it when there is nothing to switch between. */
export function withSwitcher(rewriter: HTMLRewriter, html: string) {
  return rewriter.on('[data-fill="switcher"]', {
    element(el) {
      if (!html) return void el.remove();
      el.removeAttribute('hidden');
      el.setInnerContent(html, { html: true });
    },
  });
}

/** The switcher for a page that needs the manage right (profile, preferences): the accounts the login may manage. */
export async function manageableSwitcher(deps: AccountDeps, loginId: string, chosen: string, page: string, locale: Locale = 'en') {
  const accounts = (await sharingAccounts(deps, loginId)).filter((a) => a.rights.manage);
  return switcherHtml(accounts, chosen, page, locale);
}
