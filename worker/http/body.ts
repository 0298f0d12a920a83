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
import type { ZodType, z } from 'zod';
import { ApiError, fieldsOf, invalidRequest } from './errors';

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
  const maxSize = options.maxBytes ?? FORM_BODY_MAX_BYTES;
  const said = maxSize >= 1024 * 1024 ? `${Math.round((maxSize / 1024 / 1024) * 10) / 10} MiB` : `${Math.round(maxSize / 1024)} KiB`;
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `The request body is larger than ${said}.`);
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

/**
 * A body as JSON or as an HTML form, checked against `schema` (422 naming the fields at fault, 415
 * for other bodies). Unlike the account forms' reader it keeps repeated fields (checkbox lists) as arrays.
 */
export async function readFormOrJson<T extends ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = c.req.header('content-type') ?? '';
  let raw: unknown;
  if (/^application\/json\b/i.test(type)) {
    raw = await c.req.json().catch(() => {
      throw invalidRequest([{ field: '(body)', message: 'The body is not valid JSON.' }]);
    });
  } else if (isFormBody(c)) {
    const form = await c.req.parseBody({ all: true });
    raw = Object.fromEntries(
      Object.entries(form)
        .map(([k, v]) => [k, Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : v] as const)
        .filter(([, v]) => typeof v === 'string' || Array.isArray(v)),
    );
  } else {
    throw new ApiError(415, 'unsupported_media_type', 'Send JSON or an HTML form.');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidRequest(fieldsOf(parsed.error));
  return parsed.data;
}

/**
 * A JSON body, or a form whose file fields are kept apart: `fields` holds the JSON object (or each
 * form field's first text value), `files` the files of each form field that carried any. Forms with
 * attachments (messages, program documents) read their body through this once, then check both.
 */
export async function readFieldsAndFiles(c: Context): Promise<{ kind: 'json' | 'form'; fields: Record<string, unknown>; files: Map<string, File[]> }> {
  const type = c.req.header('content-type') ?? '';
  const files = new Map<string, File[]>();
  if (/^application\/json\b/i.test(type)) {
    const parsed: unknown = await c.req.json().catch(() => {
      throw invalidRequest([{ field: '(body)', message: 'The body is not valid JSON.' }]);
    });
    return { kind: 'json', fields: parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {}, files };
  }
  if (!isFormBody(c)) throw new ApiError(415, 'unsupported_media_type', 'Send JSON or an HTML form.');
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(await c.req.parseBody({ all: true }))) {
    const values = Array.isArray(v) ? v : [v];
    const attached = values.filter((x): x is File => x instanceof File);
    if (attached.length) files.set(k, attached);
    const text = values.find((x): x is string => typeof x === 'string');
    if (text !== undefined) fields[k] = text;
  }
  return { kind: 'form', fields, files };
}
