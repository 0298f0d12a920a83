/**
 * Links the worker writes into a page, in the page's language: to an English page's Spanish twin
 * on a Spanish page when the site has one (/i18n/twins.json), else to the English page, marked
 * hreflang="en" and followed by "(en inglés)", as the site's own links are (site/i18n/routes.ts localHref).
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-types';
import { escapeHtml } from '../http/html';
import { pagePathIn, type Locale } from './locale';
import { spanishTwins } from './twins';

const englishOnlyNote: Record<Locale, string> = { en: '(in English)', es: '(en inglés)' };

export type PageLinks = {
  locale: Locale;
  /** Where an English page's path (with its query or fragment) goes from this page. */
  href: (englishPath: string) => string;
  /** An `<a>` to it: `label` is HTML; `attrs` are more attributes, already escaped (` aria-describedby="x"`). */
  a: (englishPath: string, label: string, attrs?: string) => string;
};

/** Links for a page in `locale`, given the English paths that have a Spanish twin. */
export function linksIn(locale: Locale, twins: ReadonlySet<string>): PageLinks {
  const href = (path: string) => pagePathIn(locale, path, twins);
  return {
    locale,
    href,
    a(path, label, attrs = '') {
      const to = href(path);
      const english = locale !== 'en' && to === path;
      return english
        ? `<a href="${escapeHtml(to)}" hreflang="en"${attrs}>${label}</a> <span class="lang-note">${englishOnlyNote[locale]}</span>`
        : `<a href="${escapeHtml(to)}"${attrs}>${label}</a>`;
    },
  };
}

/** Links for the page this request is for. */
export async function pageLinks(c: Context<AppEnv>): Promise<PageLinks> {
  const locale = c.get('locale');
  if (locale === 'en') return linksIn('en', new Set());
  return linksIn(locale, await spanishTwins(c.env.ASSETS, new URL(c.req.url).origin));
}

/** Links for mail and texts (no request): English links as they are. */
export const englishLinks: PageLinks = linksIn('en', new Set());
