/**
 * Reading the built site in dist/: its pages, their URLs and a small tag scanner. Astro's output
 * is regular (double-quoted attributes, no comments in markup we write), so a careful regex
 * scanner is enough and keeps the tests free of an HTML parser dependency.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { DEFAULT_TENANT } from '../../worker/tenants/registry';

/** One utility's build (dist/<tenant id>/): the first's unless named. */
export const distOf = (tenantId: string) => resolve(import.meta.dirname, '../../dist', tenantId);
export const DIST = distOf(DEFAULT_TENANT.id);

export type Tag = { name: string; attrs: Map<string, string>; start: number; end: number };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Every start tag, in order, with its attributes decoded. Comments are skipped. */
export function startTags(html: string): Tag[] {
  const out: Tag[] = [];
  const source = html.replace(/<!--[\s\S]*?-->/g, (c) => ' '.repeat(c.length));
  const tagRe = /<([a-zA-Z][\w:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g;
  const attrRe = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  for (const m of source.matchAll(tagRe)) {
    const attrs = new Map<string, string>();
    for (const a of (m[2] ?? '').matchAll(attrRe)) {
      attrs.set(a[1]!.toLowerCase(), decodeEntities(a[2] ?? a[3] ?? a[4] ?? ''));
    }
    out.push({ name: m[1]!.toLowerCase(), attrs, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Text content of every <name>…</name> element (no nesting of the same element assumed). */
export function elementTexts(html: string, name: string): string[] {
  const re = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'gi');
  return [...html.matchAll(re)].map((m) => decodeEntities((m[1] ?? '').replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim());
}

export type BuiltPage = { file: string; url: string; html: string };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** URL path a file in dist/ is served at (directory format: x/index.html → /x/). */
export function urlOfFile(file: string): string {
  const rel = relative(DIST, file).split(sep).join('/');
  if (rel === 'index.html') return '/';
  if (rel.endsWith('/index.html')) return `/${rel.slice(0, -'index.html'.length)}`;
  return `/${rel}`;
}

/** File in dist/ that answers a URL path, or undefined. */
export function fileOfUrl(pathname: string): string | undefined {
  const decoded = decodeURIComponent(pathname);
  const candidate = decoded.endsWith('/') ? join(DIST, decoded, 'index.html') : join(DIST, decoded);
  if (!resolve(candidate).startsWith(DIST)) return undefined;
  return existsSync(candidate) && statSync(candidate).isFile() ? candidate : undefined;
}

export function builtPages(): BuiltPage[] {
  return walk(DIST)
    .filter((f) => f.endsWith('.html'))
    .sort()
    .map((file) => ({ file, url: urlOfFile(file), html: readFileSync(file, 'utf8') }));
}

/** Every URL path listed by the sitemap index and the sitemaps it points to. */
export function sitemapPaths(): string[] {
  const index = readFileSync(join(DIST, 'sitemap-index.xml'), 'utf8');
  const locs = (xml: string) => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => decodeEntities(m[1]!.trim()));
  return locs(index).flatMap((sitemapUrl) => {
    const file = fileOfUrl(new URL(sitemapUrl).pathname);
    if (!file) throw new Error(`sitemap ${sitemapUrl} listed in sitemap-index.xml is not in dist/`);
    return locs(readFileSync(file, 'utf8')).map((u) => new URL(u).pathname);
  });
}

/** Script files a page loads: <script src> and module preloads. */
export function scriptSources(html: string): string[] {
  return startTags(html)
    .filter((t) => (t.name === 'script' && t.attrs.has('src')) || (t.name === 'link' && t.attrs.get('rel') === 'modulepreload'))
    .map((t) => t.attrs.get('src') ?? t.attrs.get('href') ?? '');
}

/** Stylesheets a page loads. */
export function stylesheetSources(html: string): string[] {
  return startTags(html)
    .filter((t) => t.name === 'link' && t.attrs.get('rel') === 'stylesheet')
    .map((t) => t.attrs.get('href') ?? '');
}
