/**
 * Form bodies (URL-encoded and multipart), read once for every route before any handler runs.
 *
 * A malformed multipart body makes `c.req.parseBody()` throw (workerd's FormData parser refuses
 * it), which a route would turn into a 500. Reading it here answers 400 in the JSON error shape
 * instead, for every route at once, and routes lose nothing: Hono keeps the parsed FormData on the
 * request (`bodyCache.formData`, hono/dist/utils/body.js), so their own `parseBody()` reuses it.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './errors';

const formType = /^\s*(multipart\/form-data|application\/x-www-form-urlencoded)\s*(;|$)/i;
const withoutBody = new Set(['GET', 'HEAD', 'OPTIONS']);

export const FORM_BODY_MAX_BYTES = 1024 * 1024;

/** Whether the body is a form, judged as Hono's parseBody judges it (the media type, in any case). */
export function isFormBody(c: Context): boolean {
  return formType.test(c.req.header('Content-Type') ?? '');
}

const unreadable = () =>
  new ApiError(400, 'bad_request', 'The form body could not be read.', [
    { field: '(body)', message: 'is not a well-formed multipart/form-data or application/x-www-form-urlencoded body' },
  ]);

export function formBodies(options: { maxBytes?: number } = {}): MiddlewareHandler {
  // The limit applies before anything is read: pages outside /api/ have no other limit in front of this.
  const limit = bodyLimit({
    maxSize: options.maxBytes ?? FORM_BODY_MAX_BYTES,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', 'The request body is larger than 1 MiB.');
    },
  });
  return async (c, next) => {
    if (withoutBody.has(c.req.method) || !isFormBody(c)) return next();
    return limit(c, async () => {
      try {
        await c.req.parseBody();
      } catch {
        throw unreadable();
      }
      // Reading consumed the raw stream; give later raw readers (a route's own bodyLimit) the same bytes.
      c.req.raw = new Request(c.req.raw, { body: await c.req.arrayBuffer() });
      await next();
    });
  };
}
