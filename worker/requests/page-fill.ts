/**
 * Static pages with dynamic parts, without client JavaScript: the worker serves the built Astro
 * page and fills its `data-fill` placeholders with HTMLRewriter (escaped HTML built here).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../app-types';

export type Fill = { selector: string; html?: string; attributes?: Record<string, string> };

export const esc = (value: unknown) =>
  String(value ?? '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

export async function servePage(c: Context<AppEnv>, path: string, fills: Fill[], status: ContentfulStatusCode = 200): Promise<Response> {
  const asset = await c.env.ASSETS.fetch(new Request(new URL(path, c.req.url)));
  let rewriter = new HTMLRewriter();
  for (const fill of fills) {
    rewriter = rewriter.on(fill.selector, {
      element(el) {
        if (fill.html !== undefined) el.setInnerContent(fill.html, { html: true });
        for (const [name, value] of Object.entries(fill.attributes ?? {})) el.setAttribute(name, value);
      },
    });
  }
  const body = rewriter.transform(new Response(asset.body, asset)).body;
  return new Response(body, { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store, private' } });
}

/** The error summary a form page shows after a refused post (from the redirect's query string). */
export function problemsFromQuery(url: URL): string {
  const message = url.searchParams.get('message');
  if (!url.searchParams.get('error') || !message) return '';
  const fields = url.searchParams.getAll('field').map((f) => {
    const i = f.indexOf(':');
    return { field: f.slice(0, i), message: f.slice(i + 1) };
  });
  const items = fields.map((f) => `<li><a href="#${esc(f.field)}">${esc(f.message)}</a></li>`).join('');
  return `<div class="problems" id="problems" role="alert" tabindex="-1"><h2>There is a problem</h2><p>${esc(message)}</p>${items ? `<ul>${items}</ul>` : ''}</div>`;
}

export function noticeFromQuery(url: URL, messages: Record<string, string>): string {
  const done = url.searchParams.get('done');
  const text = done ? messages[done] : undefined;
  return text ? `<div class="notice" role="status"><p>${esc(text)}</p></div>` : '';
}
