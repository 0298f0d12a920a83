import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { spanishError } from '../i18n/api-errors-es';
import { withContacts } from '../tenants/scope';
import { rememberIssue } from '../i18n/errors-es/zod-issues';

/** One field at fault: a dotted path into the request and why it was refused. */
export type FieldProblem = { field: string; message: string };

/** The single JSON error shape every route answers with. */
export type ErrorBody = {
  error: { code: string; message: string; fields?: FieldProblem[]; requestId?: string };
};

/** An error a route throws on purpose; becomes `{ error: { code, message, fields } }`. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
  ) {
    super(status, { message });
  }
}

export function fieldsOf(error: ZodError): FieldProblem[] {
  // The issue goes along unseen, so a Spanish answer can say zod's own messages in Spanish.
  return error.issues.map((issue) => rememberIssue({ field: issue.path.length ? issue.path.join('.') : '(body)', message: issue.message }, issue));
}

export function invalidRequest(fields: FieldProblem[], message = 'The request has fields that are missing or not valid.') {
  return new ApiError(422, 'invalid_request', message, fields);
}

const codeForStatus: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'invalid_request',
  429: 'too_many_requests',
};

export function errorResponse(c: Context, status: ContentfulStatusCode, body: ErrorBody['error']) {
  const requestId = c.get('requestId') as string | undefined;
  // A request from a Spanish page is answered in Spanish (worker/i18n/middleware.ts sets the locale).
  const localized = c.get('locale') === 'es' ? spanishError(body) : body;
  const filled = { ...localized, message: withContacts(localized.message), ...(localized.fields ? { fields: localized.fields.map((f) => ({ ...f, message: withContacts(f.message) })) } : {}) };
  return c.json<ErrorBody>({ error: { ...filled, ...(requestId ? { requestId } : {}) } }, status);
}

/** app.onError: every thrown error becomes the one JSON shape; only our own faults are 5xx. */
export function handleError(err: Error, c: Context) {
  if (err instanceof ApiError) {
    return errorResponse(c, err.status as ContentfulStatusCode, {
      code: err.code,
      message: err.message,
      ...(err.fields ? { fields: err.fields } : {}),
    });
  }
  if (err instanceof ZodError) {
    return errorResponse(c, 422, { code: 'invalid_request', message: 'The request has fields that are missing or not valid.', fields: fieldsOf(err) });
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return errorResponse(c, status, { code: codeForStatus[status] ?? 'error', message: err.message || 'Request refused.' });
  }
  // Log the kind of failure only: messages can carry request data, which may be personal.
  console.error(JSON.stringify({ level: 'error', requestId: c.get('requestId'), route: routePath(c), kind: err.name }));
  return errorResponse(c, 500, { code: 'internal_error', message: 'Something went wrong on our side. Please try again.' });
}
