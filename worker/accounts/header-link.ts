import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-types';
import { SESSION_COOKIE } from '../auth/sessions';

/**
 * The static header says "Sign in". When the browser holds a session cookie, the page is served
 * with "Your account" instead. Only the cookie's presence is checked (no database read on every
 * page): a stale cookie leads to /account/, which sends the visitor to sign in.
 */
export const signedInHeaderLink = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!getCookie(c, SESSION_COOKIE) || !(c.res.headers.get('Content-Type') ?? '').startsWith('text/html')) return;
  const rewritten = new HTMLRewriter()
    .on('a.sign-in', {
      element(link) {
        link.setAttribute('href', '/account/');
        link.setInnerContent('Your account');
      },
    })
    .transform(c.res);
  c.res = undefined;
  c.res = rewritten;
});
