/**
 * English and Spanish: the catalogs have the same keys, every page of the Spanish front door has
 * its English twin (and the other way round) in the sitemap with reciprocal hreflang alternates,
 * Spanish pages say lang="es", the language switcher keeps the visitor on the same page, and a
 * Spanish page's link to a page that exists only in English says so.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../site/i18n/en';
import { es } from '../../site/i18n/es';
import { formatters } from '../../site/i18n';
import { spanishCookieText } from '../../site/i18n/cookies';
import { cookieRegistry } from '../../worker/shared/cookie-registry';
import { classifyPage, sitemapLocations } from '../../worker/visits/pages';
import { isPrivatePage } from '../../site/lib/private-pages.mjs';
import { builtPages, DIST, elementTexts, startTags, type BuiltPage } from './built-site';

const SITE = 'https://portal.aldercreek-utility.example';
const programIds = readdirSync(join(import.meta.dirname, '../../site/content/alder-creek/programs')).map((f) => f.replace(/\.md$/, ''));

/** The English pages that must have a Spanish twin (this slice: the public front door). */
const FRONT_DOOR = [
  '/',
  '/contact/',
  '/accessibility/',
  '/security/',
  '/cookies/',
  '/help/',
  '/help/billing/',
  '/help/leaks-and-alerts/',
  '/programs/',
  ...programIds.map((id) => `/programs/${id}/`),
];

/**
 * The privacy notice pages with a Spanish twin: the notice and its history, each version with a
 * translation (site/content/<tenant>/notice-es/), and each comparison of consecutive versions both translated.
 */
const noticeSlugs = (dir: string) => readdirSync(join(import.meta.dirname, '../../site/content/alder-creek', dir)).map((f) => f.replace(/\.md$/, ''));
const versionOrder = (slug: string) => slug.split('-').map(Number) as [number, number];
const englishNotices = noticeSlugs('notice').sort((a, b) => versionOrder(a)[0] - versionOrder(b)[0] || versionOrder(a)[1] - versionOrder(b)[1]);
const spanishNotices = noticeSlugs('notice-es');
const NOTICE = [
  '/privacy/',
  '/privacy/history/',
  ...spanishNotices.map((slug) => `/privacy/versions/${slug}/`),
  ...englishNotices
    .slice(1)
    .map((to, i) => [englishNotices[i]!, to])
    .filter(([from, to]) => spanishNotices.includes(from!) && spanishNotices.includes(to!))
    .map(([from, to]) => `/privacy/changes/${from}-to-${to}/`),
];
/** The privacy request form and the privacy choices page (public; the request's link landings are private). */
const REQUESTS = ['/privacy/request/', '/privacy/choices/'];
/** Every built English page that has a Spanish twin (the front door and notice above at least), and those in the sitemap. */
let TWINS: string[] = [];
let PUBLIC_TWINS: string[] = [];
const spanishOf = (path: string) => (path === '/' ? '/es/' : `/es${path}`);
const englishOf = (path: string) => (path === '/es/' ? '/' : path.slice(3));

/** Sitemap entries: each <loc> with its hreflang alternates. */
type SitemapEntry = { path: string; alternates: Map<string, string> };
function sitemapEntries(): SitemapEntry[] {
  const index = readFileSync(join(DIST, 'sitemap-index.xml'), 'utf8');
  const files = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => join(DIST, new URL(m[1]!.trim()).pathname));
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/<url>([\s\S]*?)<\/url>/g)].map((m) => {
      const loc = /<loc>([^<]+)<\/loc>/.exec(m[1]!)![1]!.trim();
      const alternates = new Map([...m[1]!.matchAll(/<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"\/>/g)].map((a) => [a[1]!, new URL(a[2]!).pathname]));
      return { path: new URL(loc).pathname, alternates };
    }),
  );
}

let pages: Map<string, BuiltPage>;
let sitemap: Map<string, SitemapEntry>;
const page = (url: string) => {
  const found = pages.get(url);
  if (!found) throw new Error(`${url} was not built`);
  return found.html;
};
const htmlLang = (html: string) => startTags(html).find((t) => t.name === 'html')?.attrs.get('lang');
const headAlternates = (html: string) =>
  new Map(
    startTags(html)
      .filter((t) => t.name === 'link' && t.attrs.get('rel') === 'alternate' && t.attrs.has('hreflang'))
      .map((t) => [t.attrs.get('hreflang')!, t.attrs.get('href')!]),
  );
const switcher = (html: string) => {
  const links = startTags(html).filter((t) => t.name === 'a' && t.attrs.has('data-lang-switch'));
  expect(links).toHaveLength(1);
  return links[0]!;
};

beforeAll(() => {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ is not built: run `npm run build` first');
  pages = new Map(builtPages().map((p) => [p.url, p]));
  sitemap = new Map(sitemapEntries().map((e) => [e.path, e]));
  TWINS = [...pages.keys()].filter((url) => !url.startsWith('/es/') && url !== '/404.html' && pages.has(spanishOf(url)));
  PUBLIC_TWINS = TWINS.filter((url) => !isPrivatePage(url));
});

describe('the message catalogs', () => {
  it('have exactly the same keys in English and Spanish, none empty', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    const empty = Object.entries({ ...en, ...es }).filter(([, v]) => !v.trim());
    expect(empty).toEqual([]);
  });

  it('translate every message (no English left in the Spanish catalog)', () => {
    const sameInBoth = new Set(['cookies.list']);
    const untranslated = (Object.keys(en) as (keyof typeof en)[]).filter((k) => !sameInBoth.has(k) && en[k] === es[k]);
    expect(untranslated).toEqual([]);
  });

  it('give every registered cookie a Spanish purpose and lifetime, and no cookie the registry lacks', () => {
    expect(Object.keys(spanishCookieText).sort()).toEqual(cookieRegistry.map((c) => c.name).sort());
  });

  it('format dates, numbers and money for each language with Intl', () => {
    const day = new Date('2026-11-30T00:00:00Z');
    expect(formatters('en').longDate(day)).toBe('November 30, 2026');
    expect(formatters('es').longDate(day)).toBe('30 de noviembre de 2026');
    expect(formatters('es').money(28.4)).toBe('$28.40');
    expect(formatters('es').wholeMoney(2000)).toBe('$2,000');
    expect(formatters('es').number(1234.5)).toBe('1,234.5');
  });
});

describe('Spanish pages', () => {
  it('exist for every page of the front door and the privacy notice, both listed in the sitemap', () => {
    const missing = [...FRONT_DOOR, ...NOTICE, ...REQUESTS].flatMap((path) => [path, spanishOf(path)]).filter((p) => !pages.has(p) || !sitemap.has(p));
    expect(missing).toEqual([]);
  });

  it('exist for every English page in the sitemap: each has its Spanish twin there, paired by hreflang', () => {
    const english = [...sitemap.keys()].filter((p) => !p.startsWith('/es/') && p !== '/es');
    const untwinned = english.filter((p) => sitemap.get(p)!.alternates.get('es') !== spanishOf(p) || !sitemap.has(spanishOf(p)));
    expect(untwinned, 'English pages without a Spanish twin in the sitemap').toEqual([]);
  });

  it('each have an English twin, in the sitemap with reciprocal hreflang alternates', () => {
    const spanish = [...sitemap.keys()].filter((p) => p.startsWith('/es/'));
    expect(spanish.length).toBe(PUBLIC_TWINS.length);
    const problems: string[] = [];
    for (const es of spanish) {
      const english = englishOf(es);
      if (!sitemap.has(english)) problems.push(`${es}: no English twin ${english} in the sitemap`);
      for (const path of [es, english]) {
        const alternates = sitemap.get(path)?.alternates;
        if (alternates?.get('es') !== es || alternates?.get('en') !== english) problems.push(`${path}: sitemap alternates ${JSON.stringify([...(alternates ?? [])])}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('list hreflang alternates in the sitemap only for pages that have a twin', () => {
    const withAlternates = [...sitemap.values()].filter((e) => e.alternates.size > 0).map((e) => e.path);
    expect(withAlternates.sort()).toEqual(PUBLIC_TWINS.flatMap((p) => [p, spanishOf(p)]).sort());
  });

  it('say lang="es", and carry reciprocal <link rel="alternate" hreflang> with x-default English', () => {
    const problems: string[] = [];
    for (const english of TWINS) {
      const es = spanishOf(english);
      if (htmlLang(page(es)) !== 'es') problems.push(`${es}: lang ${htmlLang(page(es))}`);
      if (htmlLang(page(english)) !== 'en') problems.push(`${english}: lang ${htmlLang(page(english))}`);
      const expected = { en: `${SITE}${english}`, es: `${SITE}${es}`, 'x-default': `${SITE}${english}` };
      for (const path of [english, es]) {
        const actual = Object.fromEntries(headAlternates(page(path)));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(`${path}: ${JSON.stringify(actual)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('give every other page lang="en" and no hreflang alternates, the Spanish 404 page aside', () => {
    const twins = new Set(TWINS.flatMap((p) => [p, spanishOf(p)]));
    expect(htmlLang(page('/es/404/'))).toBe('es');
    expect(headAlternates(page('/es/404/')).size).toBe(0);
    const problems = [...pages.values()]
      .filter((p) => !twins.has(p.url) && p.url !== '/es/404/')
      .flatMap((p) => [htmlLang(p.html) !== 'en' ? `${p.url}: lang ${htmlLang(p.html)}` : [], headAlternates(p.html).size ? `${p.url}: alternates` : []].flat());
    expect(problems).toEqual([]);
  });

  it('have a language switcher that keeps the visitor on the same page', () => {
    for (const english of TWINS) {
      const es = spanishOf(english);
      const toSpanish = switcher(page(english)).attrs;
      expect([toSpanish.get('href'), toSpanish.get('lang'), toSpanish.get('hreflang')]).toEqual([es, 'es', 'es']);
      expect(elementTexts(page(english), 'a').includes('Español')).toBe(true);
      const toEnglish = switcher(page(es)).attrs;
      expect([toEnglish.get('href'), toEnglish.get('lang'), toEnglish.get('hreflang')]).toEqual([english, 'en', 'en']);
    }
  });

  it('switch from a page that has no Spanish twin yet to the Spanish home', () => {
    for (const url of ['/staff/']) {
      expect(switcher(page(url)).attrs.get('href')).toBe('/es/');
    }
  });

  it('mark every link to a page that exists only in English, in words and with hreflang="en"', () => {
    const problems: string[] = [];
    for (const [url, { html }] of pages) {
      if (!url.startsWith('/es/')) continue;
      for (const tag of startTags(html)) {
        if (tag.name !== 'a' || tag.attrs.has('data-lang-switch')) continue;
        const href = tag.attrs.get('href') ?? '';
        if (!href.startsWith('/') || href.startsWith('/es/') || !/\/(#.*)?$/.test(href)) continue;
        const after = html.slice(html.indexOf('</a>', tag.end), html.indexOf('</a>', tag.end) + 60);
        if (tag.attrs.get('hreflang') !== 'en' || !after.includes('(en inglés)')) problems.push(`${url}: ${href}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('show the chrome and the cookie banner in Spanish', () => {
    for (const english of TWINS) {
      const html = page(spanishOf(english));
      expect(html).toContain('Ir al contenido principal');
      // The choices page is the banner's full form, so it has no banner.
      if (english !== '/privacy/choices/') expect(elementTexts(html, 'h2')).toContain('Cookies en este sitio');
      for (const phrase of ['Skip to main content', 'Cookies on this site', 'Accept all', 'Reject all', 'Privacy notice', 'Always on']) expect(html).not.toContain(phrase);
    }
  });

  it('are counted by the visit counter as public pages, each under its own path', () => {
    // worker/visits/pages.ts reads the same sitemap files; the hreflang links must not add paths.
    const index = readFileSync(join(DIST, 'sitemap-index.xml'), 'utf8');
    const counted = new Set(
      sitemapLocations(index).flatMap((url) => sitemapLocations(readFileSync(join(DIST, new URL(url).pathname), 'utf8')).map((loc) => new URL(loc).pathname)),
    );
    expect([...counted].sort()).toEqual([...sitemap.keys()].sort());
    for (const english of PUBLIC_TWINS) expect(classifyPage(spanishOf(english), counted)).toEqual({ kind: 'public', key: spanishOf(english) });
  });

  it('keep /programs/catalog.json the English source the worker reads', () => {
    const catalog = JSON.parse(readFileSync(join(DIST, 'programs/catalog.json'), 'utf8')) as { programs: { id: string; title: string }[] };
    expect(catalog.programs.map((p) => p.id).sort()).toEqual([...programIds].sort());
    expect(catalog.programs.find((p) => p.id === 'efficient-toilet')?.title).toBe('High-efficiency toilet rebate');
    expect(existsSync(join(DIST, 'es/programs/catalog.json'))).toBe(false);
  });
});
