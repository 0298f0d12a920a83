import type { Context, Next } from 'hono';
import { csrf } from 'hono/csrf';
import type { AppEnv } from '../app-types';
import { ApiError } from './errors';

const isOwnOrigin = (origin: string, c: Context<AppEnv>) => origin === new URL(c.req.url).origin || origin === c.env.PORTAL_ORIGIN;

/**
 * Cross-site requests may not change anything (on top of SameSite cookies). hono/csrf checks
 * Origin (or Sec-Fetch-Site) for form and text bodies; this also refuses a foreign Origin or a
 * cross-site fetch on JSON and DELETE requests. Machine-to-machine ingestion is exempt: it carries
 * no cookie and signs every request.
 */
export function sameOriginWrites() {
  const formCheck = csrf({ origin: isOwnOrigin });
  return async (c: Context<AppEnv>, next: Next) => {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) {
      const origin = c.req.header('Origin');
      const site = c.req.header('Sec-Fetch-Site');
      if ((origin && !isOwnOrigin(origin, c)) || (!origin && site && site !== 'same-origin')) {
        throw new ApiError(403, 'cross_origin', 'This request must come from a page of this site.');
      }
    }
    return formCheck(c, next);
  };
}
