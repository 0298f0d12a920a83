/**
 * Static pages with dynamic parts, without client JavaScript: the worker serves the built Astro
 * page and fills its `data-fill` placeholders with HTMLRewriter (escaped HTML built here).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../app-types';
import { withContacts } from '../tenants/scope';

export type Fill = { selector: string; html?: string; attributes?: Record<string, string>; remove?: boolean };

export const esc = (value: unknown) =>
  String(value ?? '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

export async function servePage(c: Context<AppEnv>, path: string, fills: Fill[], status: ContentfulStatusCode = 200): Promise<Response> {
  const asset = await c.env.ASSETS.fetch(new Request(new URL(path, c.req.url)));
  let rewriter = new HTMLRewriter();
  for (const fill of fills) {
    rewriter = rewriter.on(fill.selector, {
      element(el) {
        if (fill.remove) return void el.remove();
        if (fill.html !== undefined) el.setInnerContent(fill.html, { html: true });
        for (const [name, value] of Object.entries(fill.attributes ?? {})) el.setAttribute(name, value);
      },
    });
  }
  const body = rewriter.transform(new Response(asset.body, asset)).body;
  return new Response(body, { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store, private' } });
}

/**
 * What a form page may say after a refused post. A redirect carries only an error code and the
 * names of the fields at fault (`problemQuery`); every word shown comes from here, so a crafted
 * link can never make the page speak text of its choosing.
 */
export type ProblemCatalog = {
  /** The summary's heading ("There is a problem" unless given, in the page's language). */
  heading?: string;
  /** The summary for each error code. */
  errors: Record<string, string>;
  /** The summary for any code not listed. */
  fallback: string;
  /** What to fix in each field, and the id of the element to jump to (null: nothing to jump to). */
  fields: Record<string, { message: string; anchor?: string | null }>;
  /** A field's message where one error code needs other words. */
  fieldsByCode?: Record<string, Record<string, string>>;
};

const own = <T>(record: Record<string, T> | undefined, key: string): T | undefined => (record && Object.hasOwn(record, key) ? record[key] : undefined);

/** The error summary a form page shows after a refused post: the redirect's codes, looked up in `catalog`. */
export function problemsFromQuery(url: URL, catalog: ProblemCatalog): string {
  const code = url.searchParams.get('error');
  if (!code) return '';
  const summary = withContacts(own(catalog.errors, code) ?? catalog.fallback);
  const items = [...new Set(url.searchParams.getAll('field'))]
    .map((name) => {
      const field = own(catalog.fields, name);
      if (!field) return '';
      const message = withContacts(own(own(catalog.fieldsByCode, code), name) ?? field.message);
      const anchor = field.anchor === undefined ? name : field.anchor;
      return anchor ? `<li><a href="#${esc(anchor)}">${esc(message)}</a></li>` : `<li>${esc(message)}</li>`;
    })
    .join('');
  return `<div class="problems" id="problems" role="alert" tabindex="-1"><h2>${esc(catalog.heading ?? 'There is a problem')}</h2><p>${esc(summary)}</p>${items ? `<ul>${items}</ul>` : ''}</div>`;
}

export function noticeFromQuery(url: URL, messages: Record<string, string>): string {
  const done = url.searchParams.get('done');
  const text = done ? messages[done] : undefined;
  return text ? `<div class="notice" role="status"><p>${esc(text)}</p></div>` : '';
}
