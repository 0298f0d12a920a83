import type { Messages } from './en';

/**
 * The site's chrome in Spanish, for readers in California: plain Latin American Spanish, "usted".
 * `satisfies Messages`: a key missing from en.ts's list, or one it does not have, fails the type check.
 */
export const es = {
  'lang.name': 'Español',
  'lang.switchTo': 'English',
  'lang.englishOnly': '(en inglés)',

  'utility.serviceArea': 'la ciudad de Alder Creek y la zona no incorporada de Bramble Hills, California',
  'utility.hours': 'de lunes a viernes, de 8 a.m. a 5 p.m., hora del Pacífico',

  'skipLink': 'Ir al contenido principal',
  'nav.main': 'Principal',
  'nav.home': 'Inicio',
  'nav.programs': 'Programas y reembolsos',
  'nav.help': 'Ayuda',
  'nav.contact': 'Contacto',
  'nav.signIn': 'Iniciar sesión',
  'nav.footer': 'Privacidad, avisos legales y ayuda',
  'nav.language': 'Idioma',
  'footer.privacyNotice': 'Aviso de privacidad',
  'footer.cookiePolicy': 'Política de cookies',
  'footer.cookieSettings': 'Configuración de cookies',
  'footer.privacyChoices': 'Sus opciones de privacidad',
  'footer.privacyRequest': 'Hacer una solicitud de privacidad',
  'footer.accessibility': 'Accesibilidad',
  'footer.contact': 'Contacto',
  'footer.security': 'Seguridad',

  'banner.title': 'Cookies en este sitio',
  'banner.descBefore':
    'Usamos las cookies que este sitio necesita para funcionar. Si usted nos da permiso, también contaríamos las visitas con nuestra propia herramienta de estadísticas: sin publicidad y sin terceros. No usamos nada opcional hasta que usted decida, y puede cambiar de opinión cuando quiera en',
  'banner.settingsLink': 'Configuración de cookies',
  'banner.gpcTitle': 'Detectamos Global Privacy Control.',
  'banner.gpcText':
    'Su navegador les pide a los sitios que no lo rastreen: lo respetamos, así que las estadísticas están desactivadas y seguirán así mientras su navegador envíe esa señal.',
  'banner.acceptAll': 'Aceptar todas',
  'banner.rejectAll': 'Rechazar todas',
  'banner.customize': 'Personalizar',
  'banner.chooseCategories': 'Elija las categorías de cookies',
  'banner.save': 'Guardar mis opciones',
  'banner.savedOn': 'Guardamos sus opciones de cookies. Las estadísticas están activadas. Puede cambiarlas cuando quiera en Configuración de cookies.',
  'banner.savedOff': 'Guardamos sus opciones de cookies. Las estadísticas están desactivadas. Puede cambiarlas cuando quiera en Configuración de cookies.',
  'banner.closed': 'Cerró el aviso de cookies sin elegir. Solo usamos las cookies estrictamente necesarias.',
  'banner.notice.saved': 'Guardamos sus opciones de cookies.',
  'banner.notice.withdrawn': 'Retiró su consentimiento.',
  'banner.notice.change': 'Puede cambiarlas cuando quiera',
  'banner.notice.busy': 'No pudimos guardar esa opción en este momento: llegaron demasiadas desde su red. Vuelva a intentarlo en una hora.',
  'banner.notice.busyKeeps': 'Mientras tanto, sigue vigente lo que eligió antes.',
  'banner.notice.busyNecessary': 'Mientras tanto, solo usamos las cookies estrictamente necesarias.',

  'cookies.alwaysOn': 'Siempre activadas',
  'cookies.gpcOff': 'Desactivadas: su navegador envía una señal de Global Privacy Control, y la respetamos.',
  'cookies.none': 'Cookies: ninguna.',
  'cookies.list': 'Cookies:',
  'cookies.necessary.label': 'Estrictamente necesarias',
  'cookies.necessary.description':
    'Hacen falta para que el sitio funcione y para proteger su cuenta: para iniciar sesión y para recordar las opciones de cookies que usted elige aquí. Siempre están activadas y nunca se usan para rastrearlo.',
  'cookies.preferences.label': 'Preferencias',
  'cookies.preferences.description':
    'Servirían para recordar cómo quiere usted que se vea y funcione el sitio. Hoy no usamos ninguna cookie de preferencias; si agregamos una, aparecerá aquí y le volveremos a preguntar.',
  'cookies.analytics.label': 'Estadísticas (solo propias)',
  'cookies.analytics.description':
    'Cuentan las visitas, las páginas vistas, el tiempo en cada página, en qué página empezó la visita y el dominio del sitio que lo trajo aquí, para mejorar el sitio. Solo guardamos totales por día, en nuestros propios servidores: sin dirección IP, sin huella del navegador, sin compartir nada con nadie y sin nada que lo siga de un día a otro.',
} as const satisfies Messages;
