/**
 * Plain HTML forms and JSON clients share each route: a form post gets a 303 back to a page with a
 * message (so everything works without JavaScript), a JSON post gets JSON.
 */
import type { Context } from 'hono';
import type { ZodType, z } from 'zod';
import { isFormBody } from '../http/body';
import { ApiError, fieldsOf, invalidRequest, type FieldProblem } from '../http/errors';

/** A plain HTML form post (answered with a redirect); the same test the form-reading middleware applies. */
export function isFormPost(c: Context): boolean {
  return isFormBody(c);
}

export async function readBody(c: Context): Promise<Record<string, unknown>> {
  if (isFormPost(c)) {
    const form = await c.req.parseBody();
    return Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string'));
  }
  try {
    const body = await c.req.json();
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  } catch {
    throw new ApiError(400, 'bad_request', 'The body must be JSON or a form.');
  }
}

/** Parsed body, or a 422 naming the fields at fault (a `FormError` for form posts). */
export async function parseBody<T extends ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const result = schema.safeParse(await readBody(c));
  if (!result.success) throw invalidRequest(fieldsOf(result.error));
  return result.data;
}

/**
 * Query string for a redirect back to a form page: an error code and the names of the fields at
 * fault. Never text (the page looks its words up by code: `problemsFromQuery`), never a value typed.
 */
export function problemQuery(code: string, fields: FieldProblem[] = []) {
  const q = new URLSearchParams({ error: /^[a-z0-9_]{1,60}$/.test(code) ? code : 'invalid_request' });
  for (const name of new Set(fields.map((f) => f.field))) if (/^[A-Za-z]{1,40}$/.test(name)) q.append('field', name);
  return q.toString();
}
