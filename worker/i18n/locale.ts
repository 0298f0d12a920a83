/**
 * The language of a request. A page's language is its URL (Spanish pages live under /es/, the same
 * slugs as English); an API call answers in the language of the page that made it (its same-origin
 * Referer), so a form sent from a Spanish page comes back to Spanish pages and messages. Nothing
 * else is consulted: no cookie, no Accept-Language, so a URL always shows the same language.
 */
import { locales, type Locale } from '../../site/i18n';
import { portalLocales } from '../../db/schema/locale';

export type { Locale };

// The database's list of languages and the site's are the same list.
locales satisfies typeof portalLocales;
portalLocales satisfies typeof locales;

export const isSpanishPath = (path: string) => path === '/es' || path.startsWith('/es/');

export function pathLocale(path: string): Locale {
  return isSpanishPath(path) ? 'es' : 'en';
}

/** The language of a request: its own path for a page, the sending page's path for an API call. */
export function requestLocale(request: Request): Locale {
  const url = new URL(request.url);
  if (!url.pathname.startsWith('/api/')) return pathLocale(url.pathname);
  const referer = request.headers.get('Referer');
  if (!referer) return 'en';
  try {
    const from = new URL(referer);
    return from.origin === url.origin ? pathLocale(from.pathname) : 'en';
  } catch {
    return 'en';
  }
}

/** A page route's paths in both languages: `app.on('GET', bothLanguages('/login/'), handler)`. */
export function bothLanguages(path: string): [string, string] {
  return [path, `/es${path}`];
}

/** Where `path` lives in `locale` when it has a twin there (`twins` holds the English paths that do). */
export function pagePathIn(locale: Locale, path: string, twins: ReadonlySet<string>): string {
  if (locale === 'en' || isSpanishPath(path)) return path;
  const split = path.search(/[?#]/);
  const pathname = split === -1 ? path : path.slice(0, split);
  if (!twins.has(pathname)) return path;
  return `/es${path}`;
}
