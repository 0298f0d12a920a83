/**
 * HTTP glue shared by the account routes: every form posts either as a plain HTML form (no
 * JavaScript: answer with a 303 redirect back to a page, with a message code in the query) or
 * from the page's script with `Accept: application/json` (answer JSON).
 */
import { drizzle } from 'drizzle-orm/d1';
import type { Context } from 'hono';
import type { ZodType, z } from 'zod';
import type { AppEnv } from '../app-types';
import { isFormBody } from '../http/body';
import { ApiError, fieldsOf, handleError, invalidRequest } from '../http/errors';
import { stepUpPageFor, StepUpRequired } from '../auth/step-up';
import { clientHash } from './throttle';
import { clientLabel } from './client';
import type { AccountDeps } from './deps';

/** A browser form post without script: answer with redirects. */
export function isPlainFormPost(c: Context) {
  return isFormBody(c) && !(c.req.header('accept') ?? '').includes('application/json');
}

/** The page a plain form post goes back to on error, keyed by request. */
const formPages = new WeakMap<Request, string>();
export function backTo(c: Context, page: string) {
  formPages.set(c.req.raw, page);
}

/** Parses a JSON or form body with `schema`; 422 naming the fields at fault, 415 for other bodies. */
export async function readBody<T extends ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = c.req.header('content-type') ?? '';
  let raw: unknown;
  if (/^application\/json\b/i.test(type)) {
    raw = await c.req.json().catch(() => {
      throw invalidRequest([{ field: '(body)', message: 'The body is not valid JSON.' }]);
    });
  } else if (isFormBody(c)) {
    raw = Object.fromEntries(Object.entries(await c.req.parseBody()).filter(([, v]) => typeof v === 'string'));
  } else {
    throw new ApiError(415, 'unsupported_media_type', 'Send JSON or an HTML form.');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidRequest(fieldsOf(parsed.error));
  return parsed.data;
}

/** Success: a 303 to `page?status=code` for a plain form, else JSON `{ status, redirect, ...extra }`. */
export function done(c: Context, page: string, status: string, extra: Record<string, unknown> = {}) {
  const redirect = `${page}${page.includes('?') ? '&' : '?'}status=${encodeURIComponent(status)}`;
  c.header('Cache-Control', 'no-store');
  if (isPlainFormPost(c)) return c.redirect(redirect, 303);
  return c.json({ status, redirect, ...extra });
}

/** onError for the accounts sub-app: plain form posts go back to their page with an error code. */
export function accountsOnError(err: Error, c: Context<AppEnv>) {
  const page = formPages.get(c.req.raw);
  // A sensitive action without a recent proof: a plain form goes to the confirmation page, and comes back after.
  if (err instanceof StepUpRequired && isPlainFormPost(c)) return c.redirect(stepUpPageFor(err.returnTo ?? page ?? '/account/security/'), 303);
  if (page && isPlainFormPost(c) && err instanceof ApiError) {
    const field = err.fields?.[0]?.field;
    const query = new URLSearchParams({ error: err.code });
    if (field && /^[A-Za-z]{1,40}(\.[a-z0-9-]{1,60})?$/.test(field)) query.set('field', field);
    return c.redirect(`${page}${page.includes('?') ? '&' : '?'}${query}`, 303);
  }
  return handleError(err, c);
}

export async function accountDeps(c: Context<AppEnv>): Promise<AccountDeps> {
  const secret = c.env.LINK_SIGNING_SECRET;
  return {
    db: drizzle(c.env.DB),
    secret,
    origin: c.env.PORTAL_ORIGIN,
    now: new Date(),
    client: await clientHash(secret, c.req.header('cf-connecting-ip')),
    clientLabel: clientLabel(c.req.header('user-agent')),
    locale: c.get('locale'),
  };
}

/** waitUntil when the runtime offers one (it does in Workers; a bare app.fetch has none). */
export function executionContext(c: Context) {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}
