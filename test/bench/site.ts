/**
 * Weight of the built public site (dist/): per page, the JavaScript it loads and the gzip size of
 * its HTML plus the stylesheets it links (each file gzipped on its own, as a server sends it).
 * Run `npm run build` first.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileOfUrl, scriptSources, sitemapPaths, stylesheetSources } from '../site/built-site';

/** The HTML+CSS budget of any public page, gzipped (one TCP initial congestion window). */
export const HTML_CSS_GZIP_BUDGET = 14 * 1024;

const gzipBytes = (buf: Buffer) => gzipSync(buf, { level: 9 }).length;

function assetBytes(pageUrl: string, src: string, measure: (b: Buffer) => number): number {
  const url = new URL(src, `https://site.invalid${pageUrl}`);
  if (url.origin !== 'https://site.invalid') return 0;
  const file = fileOfUrl(url.pathname);
  if (!file) throw new Error(`${pageUrl} references ${src}, which is not in dist/`);
  return measure(readFileSync(file));
}

export type PageWeight = { page: string; jsBytes: number; jsGzipBytes: number; htmlGzipBytes: number; cssGzipBytes: number; htmlCssGzipBytes: number };

export function measurePages(): PageWeight[] {
  const pages = [...sitemapPaths(), '/404.html'];
  return pages.map((page) => {
    const file = fileOfUrl(page);
    if (!file) throw new Error(`${page} is in the sitemap but not in dist/`);
    const html = readFileSync(file);
    const text = html.toString('utf8');
    const scripts = scriptSources(text);
    const styles = stylesheetSources(text);
    const jsBytes = scripts.reduce((n, s) => n + assetBytes(page, s, (b) => b.length), 0);
    const jsGzipBytes = scripts.reduce((n, s) => n + assetBytes(page, s, gzipBytes), 0);
    const htmlGzipBytes = gzipBytes(html);
    const cssGzipBytes = styles.reduce((n, s) => n + assetBytes(page, s, gzipBytes), 0);
    return { page, jsBytes, jsGzipBytes, htmlGzipBytes, cssGzipBytes, htmlCssGzipBytes: htmlGzipBytes + cssGzipBytes };
  });
}

export async function bench(): Promise<Record<string, unknown>> {
  const pages = measurePages();
  console.log('\nPublic site weight (dist/, gzip level 9)');
  console.table(
    pages.map((p) => ({
      page: p.page,
      'JS bytes': p.jsBytes,
      'HTML gz': p.htmlGzipBytes,
      'CSS gz': p.cssGzipBytes,
      'HTML+CSS gz': p.htmlCssGzipBytes,
    })),
  );
  const largest = pages.reduce((a, b) => (b.htmlCssGzipBytes > a.htmlCssGzipBytes ? b : a));
  const totalJs = pages.reduce((n, p) => n + p.jsBytes, 0);
  const pagesWithJs = pages.filter((p) => p.jsBytes > 0).map((p) => p.page);
  const figures = {
    publicPages: pages.length,
    pagesShippingJavaScript: pagesWithJs,
    javaScriptBytesPerPage: Object.fromEntries(pages.map((p) => [p.page, p.jsBytes])),
    javaScriptBytesAllPages: totalJs,
    largestHtmlCssGzip: { page: largest.page, bytes: largest.htmlCssGzipBytes, budget: HTML_CSS_GZIP_BUDGET, withinBudget: largest.htmlCssGzipBytes <= HTML_CSS_GZIP_BUDGET },
  };
  console.log(
    `JavaScript shipped: ${totalJs} bytes over ${pages.length} pages (${pagesWithJs.length ? pagesWithJs.join(', ') : 'none'}).\n` +
      `Largest HTML+CSS (gzip): ${largest.page} ${largest.htmlCssGzipBytes} B of a ${HTML_CSS_GZIP_BUDGET} B budget.`,
  );
  return figures;
}
