/**
 * The privacy-request pages' messages in Spanish: the same codes and fields as the English
 * catalogs (messages.ts), which the types enforce.
 */
import type { Locale } from '../i18n/locale';
import type { FormTokenProblem } from './form-token';
import { requestPageProblems, type RequestPageProblems } from './messages';

const reachUs = `También puede escribirnos a {privacyEmail} o llamarnos al {phone}.`;
const tooMany = `Recibimos varias solicitudes suyas en poco tiempo. Espere un rato y vuelva a intentarlo. ${reachUs}`;
const heading = 'Hay un problema';

const formToken: Record<`form_token_${FormTokenProblem}`, string> = {
  form_token_malformed: 'Falta el código de seguridad del formulario o está dañado. Vuelva a cargar la página de solicitudes e inténtelo de nuevo.',
  form_token_forged: 'Este formulario no lo emitió este portal. Abra la página de solicitudes en nuestro sitio e inténtelo de nuevo.',
  form_token_expired: 'El formulario venció (vale 30 minutos). Vuelva a cargar la página de solicitudes y envíelo otra vez.',
  form_token_wrong_purpose: 'Este código de seguridad es de otro formulario. Vuelva a cargar la página de solicitudes e inténtelo de nuevo.',
  form_token_replayed: 'Este formulario ya se envió. Para hacer otra solicitud, vuelva a cargar la página.',
};
const atLeastOne = 'Elija al menos una opción: no vender ni compartir su información, o limitar el uso de su información delicada.';

const codeField = { message: 'Copie el código que aparece debajo del enlace en el correo.' };

const es: RequestPageProblems = {
  request: {
    heading,
    errors: {
      invalid_request: 'Revise algunas respuestas.',
      ...formToken,
      too_many_requests: tooMany,
      too_many_attempts: tooMany,
      wrong_password: 'La contraseña no es correcta. Para borrar sus datos, vuelva a escribir su contraseña actual.',
      step_up_required:
        'Su cuenta de acceso tiene una aplicación de autenticación o una llave de acceso: para borrar sus datos, primero confirme que es usted en la página «Confirme que es usted» (/es/account/confirm/) y luego vuelva a enviar la solicitud en un plazo de 10 minutos.',
      bad_request: 'No pudimos leer el formulario. Inténtelo de nuevo.',
      payload_too_large: 'El formulario es demasiado largo. Acorte las respuestas más largas e inténtelo de nuevo.',
    },
    fallback: `No pudimos aceptar la solicitud. Revise sus respuestas e inténtelo de nuevo. ${reachUs}`,
    fields: {
      formToken: { message: 'Hay que llenar el formulario otra vez: vuelva a cargar la página.', anchor: null },
      type: { message: 'Elija qué nos pide.', anchor: 'type-know' },
      submittedBy: { message: 'Indique si lo pide para usted o como representante autorizado.', anchor: 'by-self' },
      fullName: { message: 'Escriba el nombre completo del cliente.' },
      email: { message: 'Escriba un correo electrónico donde podamos comunicarnos con usted.' },
      accountNumber: { message: 'El número de cuenta lleva solo dígitos (puede tener espacios y guiones).' },
      postalCode: { message: 'Escriba un código postal (ZIP) de 5 dígitos.' },
      agentName: { message: 'Escriba el nombre completo del representante.' },
      agentEmail: { message: 'Escriba el correo electrónico del representante.' },
      agentPermission: { message: 'Describa el permiso firmado del cliente (quién lo firmó, cuándo y qué permite).' },
      agentAttest: { message: 'Confirme que tiene el permiso firmado del cliente.' },
      correctionField: { message: 'Elija qué dato hay que corregir.' },
      correctionValue: { message: 'Escriba el dato correcto.' },
      optOutSaleSharing: { message: atLeastOne },
      limitSensitiveUse: { message: atLeastOne },
      password: { message: 'Para borrar sus datos, vuelva a escribir su contraseña actual.' },
      declarationName: { message: 'Firme con el nombre completo que escribió arriba (un representante firma con su propio nombre).' },
      declarationTrue: { message: 'Confirme que la información que nos dio es verdadera.' },
    },
  },
  verify: {
    heading,
    errors: {
      verify_invalid: 'Este enlace de confirmación no es válido. Use el enlace tal como llegó en el correo, o copie el código que aparece debajo.',
      verify_expired: 'Este enlace de confirmación venció (los enlaces duran 72 horas). Haga la solicitud otra vez.',
      verify_used: 'Este enlace de confirmación ya se usó.',
      invalid_request: 'Escriba el código del correo.',
      too_many_requests: tooMany,
    },
    fallback: `No pudimos confirmar la solicitud. Vuelva a abrir el enlace. ${reachUs}`,
    fields: { code: codeField },
  },
  package: {
    heading,
    errors: {
      not_found: 'Este enlace de descarga no es válido. Use el enlace tal como llegó en el correo, o copie el código que aparece debajo.',
      link_expired: `Este enlace de descarga venció (los enlaces duran 7 días). Pídanos uno nuevo: escriba a {privacyEmail} o llame al {phone}.`,
      invalid_request: 'Escriba el código del correo.',
      too_many_requests: tooMany,
    },
    fallback: `No pudimos abrir la descarga. Vuelva a abrir el enlace. ${reachUs}`,
    fields: { code: codeField, format: { message: 'Elija la copia para leer o la copia en formato de datos.', anchor: null } },
  },
};

/** The three request pages' problem catalogs in a language. */
export function requestProblemsIn(locale: Locale): RequestPageProblems {
  return locale === 'es' ? es : requestPageProblems;
}
