/**
 * The JSON error answers in Spanish, for a request from a Spanish page (c.var.locale): each
 * English message the worker writes, looked up word for word (or by pattern, for a sentence with
 * values in it), else the code's general Spanish message, so no English reaches a Spanish reader.
 * English stays the source: routes write English. The sentences live by capability in
 * ./errors-es/; test/worker/i18n-errors.test.ts reads the worker's sources and fails on any
 * message this file cannot put in Spanish.
 */
import type { FieldProblem } from '../http/errors';
import { accountMessagesEs } from '../shared/account-messages-es';
import { accountsEs } from './errors-es/accounts';
import { alertsEs } from './errors-es/alerts';
import { billingEs } from './errors-es/billing';
import { dataExchangeEs } from './errors-es/data-exchange';
import { customerServiceEs } from './errors-es/customer-service';
import { privacyEs } from './errors-es/privacy';
import { sharedEs } from './errors-es/shared';
import type { Pattern, SpanishTable } from './errors-es/table';
import { spanishFromIssue } from './errors-es/zod-issues';

const tables: SpanishTable[] = [sharedEs, accountsEs, alertsEs, billingEs, customerServiceEs, privacyEs, dataExchangeEs];

/** An English message (ApiError or a schema's) → its Spanish. */
export const spanishMessages: Record<string, string> = Object.assign({}, ...tables.map((t) => t.messages));

/** Messages built with values: `[English pattern, Spanish from the match]`. */
export const spanishPatterns: readonly Pattern[] = tables.flatMap((t) => t.patterns);

/** A code's general message, when the sentence itself has no translation. */
export const spanishByCode: Record<string, string> = {
  ...accountMessagesEs.errors,
  bad_request: 'La solicitud no es válida.',
  method_not_allowed: 'Ese método no está permitido aquí.',
  conflict: 'Esto cambió hace un momento. Vuelva a cargar la página e inténtelo de nuevo.',
  payload_too_large: 'Lo que envió es demasiado grande.',
  unsupported_media_type: 'Envíe JSON o un formulario HTML.',
  too_many_requests: 'Demasiadas solicitudes. Espere un rato e inténtelo de nuevo.',
  internal_error: 'Algo falló de nuestro lado. Inténtelo de nuevo.',
  unavailable: 'Esto no está disponible en este momento. Inténtelo más tarde.',
};

const GENERAL = 'No se pudo completar la solicitud.';
const FIELD_FALLBACK = 'Este dato falta o no es válido.';

/** The Spanish of one English message, or undefined when neither the table nor a pattern has it. */
export function spanishMessage(english: string): string | undefined {
  if (Object.hasOwn(spanishMessages, english)) return spanishMessages[english];
  for (const [pattern, spanish] of spanishPatterns) {
    const match = pattern.exec(english);
    const found = match && spanish(match);
    if (found) return found;
  }
  return undefined;
}

const byCode = (code: string) => (Object.hasOwn(spanishByCode, code) ? spanishByCode[code] : undefined);

function spanishField(problem: FieldProblem): FieldProblem {
  // A field's message may be a code (a refused password says which rule it broke), or zod's own words.
  const message = spanishMessage(problem.message) ?? byCode(problem.message) ?? spanishFromIssue(problem) ?? FIELD_FALLBACK;
  return { field: problem.field, message };
}

export function spanishError<T extends { code: string; message: string; fields?: FieldProblem[] }>(error: T): T {
  return {
    ...error,
    message: spanishMessage(error.message) ?? byCode(error.code) ?? GENERAL,
    ...(error.fields ? { fields: error.fields.map(spanishField) } : {}),
  };
}
