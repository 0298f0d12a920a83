import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-types';
import { SESSION_COOKIE } from '../auth/sessions';
import type { Locale } from '../i18n/locale';

const accountLink: Record<Locale, { href: string; text: string }> = {
  en: { href: '/account/', text: 'Your account' },
  es: { href: '/es/account/', text: 'Su cuenta' },
};

/**
 * The static header says "Sign in". When the browser holds a session cookie, the page is served
 * with "Your account" ("Su cuenta" on a Spanish page) instead. Only the cookie's presence is checked (no database read on every
 * page): a stale cookie leads to /account/, which sends the visitor to sign in.
 */
export const signedInHeaderLink = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!getCookie(c, SESSION_COOKIE) || !(c.res.headers.get('Content-Type') ?? '').startsWith('text/html')) return;
  const link = accountLink[c.get('locale')];
  const rewritten = new HTMLRewriter()
    .on('a.sign-in', {
      element(el) {
        el.setAttribute('href', link.href);
        el.setInnerContent(link.text);
      },
    })
    .transform(c.res);
  c.res = undefined;
  c.res = rewritten;
});
