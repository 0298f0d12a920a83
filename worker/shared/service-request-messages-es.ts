/**
 * The start, stop and move pages' messages in Spanish (worker/shared/service-request-forms.ts holds
 * the English), with exactly the English keys, so a missing or extra one is a type error.
 */
import type { ServiceErrorCode, ServiceField, ServiceStatusCode } from './service-request-forms';

export const serviceFieldLabelsEs = {
  servicePoint: 'Dirección del servicio',
  stopOn: 'Último día de servicio',
  startOn: 'Primer día de servicio',
  newStreet: 'Calle y número',
  newCity: 'Ciudad',
  newPostalCode: 'Código postal',
  contactName: 'Su nombre',
  contactEmail: 'Correo electrónico',
  contactPhone: 'Teléfono',
  reason: 'Motivo',
} satisfies Record<ServiceField, string> as Record<string, string>;

export const serviceStatusMessagesEs = {
  'stop-requested': 'Recibimos su solicitud para dar de baja el servicio. El personal la confirmará y le enviará un correo electrónico.',
  'move-requested': 'Recibimos su solicitud de traslado. El personal la confirmará y le enviará un correo electrónico.',
  'start-requested': 'Recibimos su solicitud para iniciar el servicio. El personal le llamará o le escribirá para confirmar quién es usted.',
  'request-withdrawn': 'Retiró su solicitud.',
  'request-confirmed': 'Solicitud confirmada; se le envió un correo electrónico al cliente.',
  'request-refused': 'Solicitud rechazada; se le envió al cliente el motivo por correo electrónico.',
} satisfies Record<ServiceStatusCode, string> as Record<string, string>;

export const serviceErrorMessagesEs = {
  date_too_soon: 'Elija una fecha a partir de mañana: el servicio de hoy no se puede cambiar en línea.',
  date_too_far: 'Elija una fecha dentro de los próximos 90 días.',
  request_open: 'Ya hay una solicitud abierta para esta dirección. Retírela primero o espere a que el personal la responda.',
  request_closed: 'Esta solicitud ya tiene respuesta.',
} satisfies Record<ServiceErrorCode, string> as Record<string, string>;
