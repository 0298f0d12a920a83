/**
 * The JSON error answers in Spanish, for a request from a Spanish page (c.var.locale): each
 * English message the worker writes, looked up word for word, else the code's general Spanish
 * message, so no English reaches a Spanish reader. English stays the source: routes write English.
 */
import type { FieldProblem } from '../http/errors';
import { accountMessagesEs } from '../shared/account-messages-es';

/** An English message (ApiError or a schema's) → its Spanish. */
export const spanishMessages: Record<string, string> = {
  'The request has fields that are missing or not valid.': 'La solicitud tiene datos que faltan o no son válidos.',
  'Request refused.': 'Solicitud rechazada.',
  'Something went wrong on our side. Please try again.': 'Algo falló de nuestro lado. Inténtelo de nuevo.',
  'The body is not valid JSON.': 'El contenido no es JSON válido.',
  'Send JSON or an HTML form.': 'Envíe JSON o un formulario HTML.',
  'Choose English or Spanish.': 'Elija inglés o español.',
};

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

const FIELD_FALLBACK = 'Este dato falta o no es válido.';

export function spanishError<T extends { code: string; message: string; fields?: FieldProblem[] }>(error: T): T {
  return {
    ...error,
    message: spanishMessages[error.message] ?? spanishByCode[error.code] ?? 'No se pudo completar la solicitud.',
    ...(error.fields ? { fields: error.fields.map((f) => ({ field: f.field, message: spanishMessages[f.message] ?? FIELD_FALLBACK })) } : {}),
  };
}
