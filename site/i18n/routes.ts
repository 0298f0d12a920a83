/**
 * Which pages exist in which language. A Spanish page's path is its English twin's path under
 * /es/ (same slug), which is also how @astrojs/sitemap pairs them for hreflang alternates.
 */
import type { Locale } from './index';
import { compareVersions } from '../lib/notice-translations';
import { buildTenant } from '../lib/tenant';

/**
 * English paths of the static Spanish pages (site/pages/es/**, dynamic routes aside). The 404 pages
 * are not twins: the worker answers a missing page with the one in its language.
 */
export const translatedPages: string[] = Object.keys(import.meta.glob('../pages/es/**/*.astro'))
  .filter((file) => !file.includes('[') && !file.endsWith('/404.astro'))
  .map((file) => file.replace(/^\.\.\/pages\/es/, '').replace(/(index)?\.astro$/, '').replace(/([^/])$/, '$1/'));

/** The files of one of this build's content folders (site/content/<tenant>/<folder>/*.md); Vite's glob takes literals only, so every tenant's are listed and the others left out. */
const ofThisTenant = (files: Record<string, unknown>) => Object.fromEntries(Object.entries(files).filter(([file]) => file.startsWith(`../content/${buildTenant.id}/`)));

/** Program ids with a Spanish page and application form (site/content/<tenant>/programs-es/<id>.md). */
export const translatedProgramIds: string[] = Object.keys(ofThisTenant(import.meta.glob('../content/*/programs-es/*.md'))).map((file) =>
  file.replace(/^.*\/([^/]+)\.md$/, '$1'),
);

/**
 * Privacy notice versions with a Spanish translation (site/content/<tenant>/notice-es/<slug>.md, beside the
 * English site/content/<tenant>/notice/<slug>.md), and the comparisons of consecutive English versions that
 * are both translated. Versions are ordered by number, as they are published.
 */
const noticeSlugs = (files: Record<string, unknown>) => Object.keys(files).map((file) => file.replace(/^.*\/([^/]+)\.md$/, '$1'));
const englishNoticeSlugs = noticeSlugs(ofThisTenant(import.meta.glob('../content/*/notice/*.md'))).sort((a, b) =>
  compareVersions(a.replace(/-/g, '.'), b.replace(/-/g, '.')),
);
export const translatedNoticeSlugs: string[] = noticeSlugs(ofThisTenant(import.meta.glob('../content/*/notice-es/*.md')));
const translatedNoticePages = [
  ...translatedNoticeSlugs.map((slug) => `/privacy/versions/${slug}/`),
  ...englishNoticeSlugs
    .slice(1)
    .map((to, i) => [englishNoticeSlugs[i]!, to] as const)
    .filter(([from, to]) => translatedNoticeSlugs.includes(from) && translatedNoticeSlugs.includes(to))
    .map(([from, to]) => `/privacy/changes/${from}-to-${to}/`),
];

const translated = new Set<string>([
  ...translatedPages,
  // A program's Spanish page and its Spanish application form (site/pages/es/programs/[id].astro,
  // site/pages/es/account/programs/apply/[id].astro) both come from its site/content/<tenant>/programs-es/ file.
  ...translatedProgramIds.flatMap((id) => [`/programs/${id}/`, `/account/programs/apply/${id}/`]),
  ...translatedNoticePages,
]);

/** Every English page path that has a Spanish twin, sorted (published as /i18n/twins.json). */
export function twinnedEnglishPaths(): string[] {
  return [...translated].sort();
}

/** The English path of a page in either language ("/es/contact/" → "/contact/"). */
export function englishPath(path: string): string {
  return path === '/es' || path === '/es/' ? '/' : path.startsWith('/es/') ? path.slice(3) : path;
}

export function hasSpanish(englishPathname: string): boolean {
  return translated.has(englishPathname.split('#')[0]!);
}

/**
 * Where a link to an English page should go on a page in `locale`: the Spanish twin when there is
 * one; otherwise the English page, flagged so the link can say it is in English.
 */
export function localHref(locale: Locale, href: string): { href: string; englishOnly: boolean } {
  if (locale === 'en') return { href, englishOnly: false };
  if (hasSpanish(href)) return { href: href === '/' ? '/es/' : `/es${href}`, englishOnly: false };
  return { href, englishOnly: true };
}

/** The same page in the other language, or null when it has none. */
export function twinOf(path: string, locale: Locale): string | null {
  const english = englishPath(path);
  if (!hasSpanish(english)) return null;
  return locale === 'es' ? english : english === '/' ? '/es/' : `/es${english}`;
}
