/**
 * The cookie registry (worker/shared/cookie-registry.ts) in the reader's language. English comes
 * from the registry itself; Spanish is written here for each registered cookie and category.
 * test/site/i18n.test.ts fails when a registered cookie has no Spanish text here, or this has one
 * the registry does not.
 */
import { cookieRegistry, type CookieCategory, type RegisteredCookie } from '../../worker/shared/cookie-registry';
import { cookieCategoryText } from '../lib/cookie-categories';
import type { Locale } from './index';

type CookieText = { purpose: string; lifetime: string };

export const spanishCookieText: Record<string, CookieText> = {
  '__Host-session': {
    purpose:
      'Mantiene abierta su sesión en su cuenta. Guarda un código al azar; su sesión se guarda en nuestros servidores y termina cuando usted cierra la sesión.',
    lifetime: 'Hasta que cierre el navegador, o 30 días si marca "Keep me signed in" al iniciar sesión (solo clientes)',
  },
  '__Host-passkey-attempt': {
    purpose:
      'Se usa en la página para iniciar sesión en un navegador que acepta llaves de acceso (passkeys), para que el navegador le ofrezca la suya mientras escribe su correo electrónico, y cuando usted elige iniciar sesión con una llave de acceso. Guarda un valor al azar que une la solicitud de inicio de sesión que emitieron nuestros servidores con este navegador, así que rechazamos una respuesta que llegue de cualquier otro lugar. Se borra cuando usted inicia sesión; si no, termina a los 5 minutos.',
    lifetime: '5 minutos',
  },
  '__Host-device': {
    purpose:
      'Reconoce este navegador como uno desde el que usted ya inició sesión, para poder avisarle por correo electrónico cuando alguien use su cuenta desde un navegador nuevo (con un enlace para cerrar esa sesión). Guarda un número al azar; con su cuenta solo guardamos una huella de ese número, y del navegador nada más que su tipo ("Firefox en Linux"). Se crea cuando usted inicia sesión y no se usa para nada más.',
    lifetime: '400 días desde la última vez que inició sesión en este navegador',
  },
  '__Host-sign-in-return': {
    purpose:
      'Se crea cuando una aplicación que usted está conectando a sus datos lo envía aquí antes de que haya iniciado sesión: guarda la dirección de la solicitud de esa aplicación, para que al iniciar sesión vuelva a ella. Se borra al iniciar sesión, o a los 10 minutos.',
    lifetime: '10 minutos, o hasta que inicie sesión',
  },
  '__Host-db-bookmark': {
    purpose:
      'Se crea cuando usted cambia algo con la sesión iniciada (o cuando inicia sesión), para que las páginas que abra después ya muestren su cambio: guarda una marca de lo actualizada que debe estar nuestra base de datos para responderle, nada sobre usted.',
    lifetime: '5 minutos',
  },
  '__Host-consent': {
    purpose:
      'Recuerda sus opciones de cookies (un número de consentimiento al azar, la versión de la política, lo que usted permitió y cuándo) para no preguntarle en cada página. Guardamos el mismo registro en nuestros servidores durante 24 meses como prueba de su decisión, y luego lo borramos.',
    lifetime: '12 meses, o hasta que cambie sus opciones',
  },
  '__Host-visit': {
    purpose:
      'Le indica a nuestro contador de visitas que una página vista es parte de una visita que ya contamos. Solo guarda la fecha de hoy y cuántas páginas lleva esta visita: ningún dato que lo identifique. Termina después de 30 minutos sin ver una página y nunca pasa al día siguiente.',
    lifetime: '30 minutos después de la última página vista, y a más tardar a la medianoche',
  },
};

const spanishCategoryText: Record<CookieCategory, { title: string; description: string }> = {
  necessary: {
    title: 'Estrictamente necesarias',
    description:
      'Hacen falta para que el portal funcione: para mantener abierta su sesión y recordar sus opciones de cookies. Las usamos sin preguntar, porque el portal no funciona sin ellas, y nunca se usan para rastrearlo.',
  },
  preferences: {
    title: 'Preferencias',
    description:
      'Servirían para recordar cómo quiere usted que se vea y funcione el portal. Hoy no usamos ninguna cookie de preferencias; si agregamos una, aparecerá aquí y le volveremos a preguntar.',
  },
  analytics: {
    title: 'Estadísticas',
    description:
      'Nos ayudan a contar las visitas y ver qué páginas se usan, como totales en nuestros propios servidores. Ninguna empresa de estadísticas externa los recibe. Solo las usamos si usted lo permite.',
  },
};

/** A registered cookie's purpose and lifetime in `locale`. */
export function cookieText(cookie: RegisteredCookie, locale: Locale): CookieText {
  if (locale === 'en') return { purpose: cookie.purpose, lifetime: cookie.lifetime };
  const text = spanishCookieText[cookie.name];
  if (!text) throw new Error(`No Spanish text for the cookie ${cookie.name} in site/i18n/cookies.ts`);
  return text;
}

/** How the cookie policy names and explains a category in `locale`. */
export function categoryText(category: CookieCategory, locale: Locale) {
  const english = cookieCategoryText[category];
  return locale === 'en' ? english : { ...english, ...spanishCategoryText[category] };
}

export const registeredCookieNames = cookieRegistry.map((c) => c.name);
