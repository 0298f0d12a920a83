/**
 * The texts of account e-mails, in the recipient's language. Plain text; links point at
 * PORTAL_ORIGIN (configuration, never the request's Host), at the Spanish page for a Spanish mail
 * when there is one. A link's token rides in its fragment (`#token=`), never in the path or query,
 * so no request log keeps it; the code is also shown alone for a browser without JavaScript.
 *
 * Which language: a mail answering what someone typed on a page (registration, a reset link, the
 * new address of an e-mail change) is in that page's language; a mail about an existing login
 * (its password or address changed) is in the login's own language (logins.locale).
 */
import type { Locale } from '../i18n/locale';
import { fragment, linkLines } from '../mail/link-lines';
import { mailIn, mailPage, signature } from '../mail/mail-language';
import type { OutgoingEmail } from '../mail/outbox';
import { utility } from '../tenants/scope';

const notYou: Record<Locale, string> = {
  get en() {
    return `If this was not you, you can ignore this e-mail, or call us at ${utility().phoneDisplay}.`;
  },
  get es() {
    return `Si no fue usted, puede ignorar este correo o llamarnos al ${utility().phoneDisplay}.`;
  },
};

/** The landing page of a link and its token, as the e-mail shows them. */
const tokenLink = (origin: string, page: string, token: string, locale: Locale) =>
  linkLines(origin, { path: `${mailPage(locale, page)}${fragment('token', token)}`, code: token }, locale).join('\n');

/** A page's full address in a mail of `locale`. */
const at = (origin: string, page: string, locale: Locale) => `${origin}${mailPage(locale, page)}`;

export const accountMails = {
  verifyEmail: (to: string, origin: string, token: string, locale: Locale): OutgoingEmail =>
    mailIn(to, 'verify-email', locale, {
      en: () => ({
        subject: `Confirm your e-mail address for ${utility().shortName} online`,
        text: `Someone, hopefully you, registered for ${utility().name} online with this address.\n\nTo confirm it and finish registering, open this link within 24 hours:\n\n${tokenLink(origin, '/register/verify/', token, 'en')}\n\n${notYou.en}${signature('en')}`,
      }),
      es: () => ({
        subject: `Confirme su correo electrónico para ${utility().shortName} en línea`,
        text: `Alguien, seguramente usted, se registró en el portal en línea de ${utility().name} con esta dirección.\n\nPara confirmarla y terminar el registro, abra este enlace en las próximas 24 horas:\n\n${tokenLink(origin, '/register/verify/', token, 'es')}\n\n${notYou.es}${signature('es')}`,
      }),
    }),
  alreadyRegistered: (to: string, origin: string, locale: Locale): OutgoingEmail =>
    mailIn(to, 'registration-existing', locale, {
      en: () => ({
        subject: `You already have a ${utility().shortName} online login`,
        text: `Someone tried to register for ${utility().name} online with this address, which already has a login.\n\nTo sign in: ${at(origin, '/login/', 'en')}\nForgot your password? ${at(origin, '/password/forgot/', 'en')}\n\n${notYou.en}${signature('en')}`,
      }),
      es: () => ({
        subject: `Ya tiene un usuario de ${utility().shortName} en línea`,
        text: `Alguien intentó registrarse en el portal en línea de ${utility().name} con esta dirección, que ya tiene un usuario.\n\nPara iniciar sesión: ${at(origin, '/login/', 'es')}\n¿Olvidó su contraseña? ${at(origin, '/password/forgot/', 'es')}\n\n${notYou.es}${signature('es')}`,
      }),
    }),
  passwordReset: (to: string, origin: string, token: string, locale: Locale): OutgoingEmail =>
    mailIn(to, 'password-reset', locale, {
      en: () => ({
        subject: `Choose a new password for ${utility().shortName} online`,
        text: `We received a request to reset the password of your ${utility().name} login.\n\nTo choose a new password, open this link within one hour:\n\n${tokenLink(origin, '/password/reset/', token, 'en')}\n\nThe link works once.\n\n${notYou.en} Your password stays as it is.${signature('en')}`,
      }),
      es: () => ({
        subject: `Elija una contraseña nueva para ${utility().shortName} en línea`,
        text: `Recibimos una solicitud para restablecer la contraseña de su usuario de ${utility().name}.\n\nPara elegir una contraseña nueva, abra este enlace en la próxima hora:\n\n${tokenLink(origin, '/password/reset/', token, 'es')}\n\nEl enlace sirve una sola vez.\n\n${notYou.es} Su contraseña seguirá igual.${signature('es')}`,
      }),
    }),
  passwordChanged: (to: string, origin: string, locale: Locale): OutgoingEmail =>
    mailIn(to, 'password-changed', locale, {
      en: () => ({
        subject: `Your ${utility().shortName} online password was changed`,
        text: `The password of your ${utility().name} login was just changed, and your other sessions were ended.\n\nIf you did not do this, reset your password now: ${at(origin, '/password/forgot/', 'en')} and call us at ${utility().phoneDisplay}.${signature('en')}`,
      }),
      es: () => ({
        subject: `Se cambió su contraseña de ${utility().shortName} en línea`,
        text: `Se acaba de cambiar la contraseña de su usuario de ${utility().name}, y se cerraron sus demás sesiones.\n\nSi no fue usted, restablezca su contraseña ahora en ${at(origin, '/password/forgot/', 'es')} y llámenos al ${utility().phoneDisplay}.${signature('es')}`,
      }),
    }),
  emailChangeConfirm: (to: string, origin: string, token: string, locale: Locale): OutgoingEmail =>
    mailIn(to, 'email-change', locale, {
      en: () => ({
        subject: `Confirm your new e-mail address for ${utility().shortName} online`,
        text: `You asked to use this address for your ${utility().name} login.\n\nTo confirm, open this link within 24 hours:\n\n${tokenLink(origin, '/account/email/confirm/', token, 'en')}\n\n${notYou.en}${signature('en')}`,
      }),
      es: () => ({
        subject: `Confirme su nuevo correo electrónico para ${utility().shortName} en línea`,
        text: `Pidió usar esta dirección para su usuario de ${utility().name}.\n\nPara confirmarla, abra este enlace en las próximas 24 horas:\n\n${tokenLink(origin, '/account/email/confirm/', token, 'es')}\n\n${notYou.es}${signature('es')}`,
      }),
    }),
  emailChangeNotice: (to: string, locale: Locale): OutgoingEmail =>
    mailIn(to, 'email-change-notice', locale, {
      en: () => ({
        subject: `Your ${utility().shortName} online e-mail address is being changed`,
        text: `Someone signed in to your ${utility().name} login asked to change its e-mail address. The change happens only when the new address is confirmed.\n\nIf you did not ask for this, change your password now and call us at ${utility().phoneDisplay}.${signature('en')}`,
      }),
      es: () => ({
        subject: `Se está cambiando su correo electrónico de ${utility().shortName} en línea`,
        text: `Alguien con la sesión iniciada en su usuario de ${utility().name} pidió cambiar su dirección de correo electrónico. El cambio solo se hace cuando se confirma la dirección nueva.\n\nSi no lo pidió usted, cambie su contraseña ahora y llámenos al ${utility().phoneDisplay}.${signature('es')}`,
      }),
    }),
  emailChanged: (to: string, locale: Locale): OutgoingEmail =>
    mailIn(to, 'email-changed', locale, {
      en: () => ({
        subject: `Your ${utility().shortName} online e-mail address was changed`,
        text: `The e-mail address of your ${utility().name} login was changed; this address no longer signs in.\n\nIf you did not do this, call us at ${utility().phoneDisplay}.${signature('en')}`,
      }),
      es: () => ({
        subject: `Se cambió su correo electrónico de ${utility().shortName} en línea`,
        text: `Se cambió la dirección de correo electrónico de su usuario de ${utility().name}; esta dirección ya no sirve para iniciar sesión.\n\nSi no fue usted, llámenos al ${utility().phoneDisplay}.${signature('es')}`,
      }),
    }),
};
