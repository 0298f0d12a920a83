/**
 * Which paths the visit counter counts. Only pages the site has: the public ones are exactly those
 * in the built site's sitemap (dist/sitemap-*.xml, written by @astrojs/sitemap), read once per
 * isolate through the ASSETS binding, so the list is always the one deployed with this worker and
 * costs one asset read per isolate, not one per beacon.
 *
 * Private pages (site/lib/private-pages.mjs: a signed-in customer's pages, single-use link
 * landings) are left out of the sitemap; they are counted, but all under one key, because a count
 * per path there would describe what a few signed-in people did (one password reset, one e-mail
 * change) rather than how the site is used. Staff console and dev pages are not counted at all:
 * they are the utility's own work, not visits.
 */
import { isPrivatePage } from '../../site/lib/private-pages.mjs';
import { oncePerTenant } from '../tenants/once';

export const PRIVATE_PAGE = '(private page)';

export type PageKind = { kind: 'public'; key: string } | { kind: 'private'; key: typeof PRIVATE_PAGE } | { kind: 'staff' } | { kind: 'unknown' };

const notCounted = ['/staff/', '/dev/'];

/** The paths in a sitemap document (`<loc>` URLs; a sitemap index lists further sitemaps the same way). */
export function sitemapLocations(xml: string): string[] {
  return [...xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}

const publicPagesOnce = oncePerTenant<Set<string>>();

async function loadPublicPages(assets: Fetcher, origin: string): Promise<Set<string>> {
  const read = async (path: string) => {
    const res = await assets.fetch(new Request(new URL(path, origin)));
    if (!res.ok) throw new Error(`sitemap ${path}: ${res.status}`);
    return res.text();
  };
  const paths = new Set<string>();
  for (const sitemap of sitemapLocations(await read('/sitemap-index.xml'))) {
    for (const loc of sitemapLocations(await read(new URL(sitemap).pathname))) paths.add(new URL(loc).pathname);
  }
  if (!paths.size) throw new Error('empty sitemap');
  return paths;
}

/** The public pages of the deployed site; an unreadable sitemap counts nothing and is tried again next time. */
export function publicPagesOf(assets: Fetcher, origin: string): Promise<Set<string>> {
  return publicPagesOnce(() => loadPublicPages(assets, origin)).catch(() => new Set<string>());
}

export function classifyPage(path: string, publicSet: Set<string>): PageKind {
  if (notCounted.some((prefix) => path.startsWith(prefix))) return { kind: 'staff' };
  if (isPrivatePage(path)) return { kind: 'private', key: PRIVATE_PAGE };
  if (publicSet.has(path)) return { kind: 'public', key: path };
  return { kind: 'unknown' };
}
