/**
 * The words of a privacy request in each language: what was asked for, where it stands, the
 * correctable fields, and the sentences the worker writes about it (answers, next steps). Shared
 * by the request pages the site builds, the status page the worker fills and the mail to the
 * requester. The English `requestTypeLabels`/`correctableFields` in request-schemas.ts stay the
 * staff console's words; these are the same texts for English.
 */
import type { PrivacyRequestState, PrivacyRequestType } from '../../db/schema';
import type { Locale } from '../../site/i18n';
import { correctableFields, requestTypeLabels, type CorrectableField } from './request-schemas';
import { utility } from '../tenants/scope';
import { stateLabels } from '../requests/state-machine';

export type RequestWording = {
  types: Record<PrivacyRequestType, string>;
  states: Record<PrivacyRequestState, string>;
  fields: Record<CorrectableField, string>;
  /** What the filing answers next (the same sentence whether or not an account matched). */
  nextStep: { verified: string; linkSent: string };
  /** The answer shown at the status link (stored with the request, in its language). */
  answers: {
    refused: (reason: string) => string;
    packageReady: (until: string) => string;
    deleted: string;
    corrected: (field: string) => string;
    optOut: (optOut: boolean, limit: boolean) => string;
  };
};

const en: RequestWording = {
  types: requestTypeLabels,
  states: stateLabels,
  fields: correctableFields,
  nextStep: {
    verified: 'Your request is verified. We will work on it and answer by the due date.',
    linkSent:
      'If the details you gave match an account we hold, we have sent a verification link to the e-mail address on file for that account. Follow it within 72 hours to confirm the request.',
  },
  answers: {
    refused: (reason) => `We could not act on this request. ${reason}`,
    packageReady: (until) => `Your access package is ready. We sent a download link to the verified e-mail address; it works until ${until}.`,
    deleted: 'We deleted your personal information by de-identification. Your portal sign-in and your name and contact details are gone; what we kept, and why, is listed here.',
    corrected: (field) => `We corrected ${field.toLowerCase()} as you asked.`,
    optOut: (optOut, limit) =>
      `We recorded your choice${optOut && limit ? 's' : ''}: ${[optOut ? 'no sale or sharing of your personal information' : null, limit ? 'use of sensitive information limited to providing service' : null].filter(Boolean).join('; ')}. ${utility().name} does not sell or share personal information in any case.`,
  },
};

const es: RequestWording = {
  types: {
    know: 'Saber qué información tienen sobre mí (las categorías y los datos concretos)',
    delete: 'Borrar mi información personal',
    correct: 'Corregir información equivocada',
    opt_out: 'No vender ni compartir mi información, y limitar el uso de mi información delicada',
  },
  states: {
    received: 'Recibida',
    verifying: 'Esperando la verificación de identidad',
    verified: 'Identidad verificada',
    in_progress: 'En trámite',
    extended: 'Plazo ampliado',
    fulfilled: 'Terminada',
    refused: 'Rechazada',
  },
  fields: {
    holder_name: 'Nombre del titular de la cuenta',
    phone_on_file: 'Número de teléfono',
    mailing_street: 'Dirección postal: calle y número',
    mailing_city: 'Dirección postal: ciudad',
    mailing_postal_code: 'Dirección postal: código postal (ZIP)',
  },
  nextStep: {
    verified: 'Su solicitud está verificada. Vamos a trabajar en ella y le responderemos antes de la fecha límite.',
    linkSent:
      'Si los datos que nos dio coinciden con una cuenta nuestra, enviamos un enlace de verificación al correo electrónico registrado en esa cuenta. Ábralo en un plazo de 72 horas para confirmar la solicitud.',
  },
  answers: {
    refused: (reason) => `No pudimos atender esta solicitud. ${reason}`,
    packageReady: (until) => `Su información está lista. Enviamos un enlace de descarga al correo electrónico verificado; funciona hasta el ${until}.`,
    deleted:
      'Borramos su información personal quitándole todo lo que la identifica. Su acceso al portal, su nombre y sus datos de contacto ya no están; aquí le indicamos lo que conservamos y por qué.',
    corrected: (field) => `Corregimos este dato como nos pidió: ${field.toLowerCase()}.`,
    optOut: (optOut, limit) =>
      `Anotamos ${optOut && limit ? 'sus decisiones' : 'su decisión'}: ${[optOut ? 'no vender ni compartir su información personal' : null, limit ? 'usar su información delicada solo para darle el servicio' : null].filter(Boolean).join('; ')}. ${utility().name} no vende ni comparte información personal en ningún caso.`,
  },
};

export const requestWording: Record<Locale, RequestWording> = { en, es };
