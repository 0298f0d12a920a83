import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-types';
import { pagePathIn, requestLocale } from './locale';
import { spanishTwins } from './twins';

/**
 * Runs for every request. Before the handler: puts the request's language in `c.var.locale`.
 * After it, for a Spanish request: a redirect to an English page that has a Spanish twin goes to
 * the twin instead, whether it is a Location header or the `redirect` of a script's JSON answer. So
 * every route keeps naming English paths, and a Spanish visitor stays on Spanish pages. A route
 * that chose the language itself says so with Content-Language, and is left alone.
 */
export function localeContext(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const locale = requestLocale(c.req.raw);
    c.set('locale', locale);
    await next();
    if (locale === 'en' || c.res.headers.has('Content-Language')) return;
    const origin = new URL(c.req.url).origin;
    const localize = async (target: string) => {
      const local = target.startsWith(origin + '/') ? target.slice(origin.length) : target;
      if (!local.startsWith('/') || local.startsWith('//')) return target;
      const twinned = pagePathIn(locale, local, await spanishTwins(c.env.ASSETS, origin));
      return twinned === local ? target : twinned;
    };

    const res = c.res;
    const location = res.headers.get('Location');
    if (location && res.status >= 300 && res.status < 400) {
      const localized = await localize(location);
      if (localized === location) return;
      const headers = new Headers(res.headers);
      headers.set('Location', localized);
      c.res = undefined;
      c.res = new Response(res.body, { status: res.status, statusText: res.statusText, headers });
      return;
    }
    if (c.req.method !== 'POST' || !/^application\/json\b/i.test(res.headers.get('Content-Type') ?? '')) return;
    const body = (await res.clone().json().catch(() => null)) as { redirect?: unknown } | null;
    if (!body || typeof body.redirect !== 'string') return;
    const localized = await localize(body.redirect);
    if (localized === body.redirect) return;
    const headers = new Headers(res.headers);
    headers.delete('Content-Length');
    c.res = undefined;
    c.res = new Response(JSON.stringify({ ...body, redirect: localized }), { status: res.status, statusText: res.statusText, headers });
  };
}
