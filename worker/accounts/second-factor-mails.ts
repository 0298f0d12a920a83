/**
 * Mails about a login's second factors and sign-ins from new browsers, in the login's language
 * (logins.locale). Every change to how a login signs in is told to its address, so that someone
 * who took over a session cannot quietly weaken the account. Times are the utility's local time; a
 * browser is named only coarsely ("Firefox on Linux"); no IP address or location is ever given.
 */
import { formatsFor } from '../i18n/format';
import type { Locale } from '../i18n/locale';
import { fragment, linkLines } from '../mail/link-lines';
import { mailIn, mailPage, signature } from '../mail/mail-language';
import type { OutgoingEmail } from '../mail/outbox';
import { utility } from '../tenants/scope';
import { clientLabelIn } from './client';

const page = (origin: string, path: string, locale: Locale) => `${origin}${mailPage(locale, path)}`;

const notYou: Record<Locale, (origin: string) => string> = {
  en: (origin) =>
    `If this was not you, change your password now (${page(origin, '/password/forgot/', 'en')}), then look at "Where you are signed in" on ${page(origin, '/account/security/', 'en')}, and call us at ${utility().phoneDisplay}.`,
  es: (origin) =>
    `Si no fue usted, cambie su contraseña ahora (${page(origin, '/password/forgot/', 'es')}), revise después en ${page(origin, '/account/security/', 'es')} dónde tiene la sesión iniciada, y llámenos al ${utility().phoneDisplay}.`,
};

export const secondFactorMails = {
  totpEnabled: (to: string, origin: string, locale: Locale): OutgoingEmail =>
    mailIn(to, 'totp-enabled', locale, {
      en: () => ({
        subject: `An authenticator app now protects your ${utility().shortName} online login`,
        text: `An authenticator app was just set up for your ${utility().name} login. From now on, signing in asks for a code from it after your password.\n\nKeep your recovery codes somewhere safe: they let you in if you lose the phone.\n\n${notYou.en(origin)}${signature('en')}`,
      }),
      es: () => ({
        subject: `Una aplicación de autenticación protege ahora su usuario de ${utility().shortName} en línea`,
        text: `Se acaba de configurar una aplicación de autenticación para su usuario de ${utility().name}. A partir de ahora, al iniciar sesión le pediremos un código de esa aplicación después de la contraseña.\n\nGuarde sus códigos de recuperación en un lugar seguro: le permiten entrar si pierde el teléfono.\n\n${notYou.es(origin)}${signature('es')}`,
      }),
    }),
  totpRemoved: (to: string, origin: string, locale: Locale): OutgoingEmail =>
    mailIn(to, 'totp-removed', locale, {
      en: () => ({
        subject: `The authenticator app was removed from your ${utility().shortName} online login`,
        text: `The authenticator app was just removed from your ${utility().name} login. Signing in no longer asks for its codes.\n\n${notYou.en(origin)}${signature('en')}`,
      }),
      es: () => ({
        subject: `Se quitó la aplicación de autenticación de su usuario de ${utility().shortName} en línea`,
        text: `Se acaba de quitar la aplicación de autenticación de su usuario de ${utility().name}. Al iniciar sesión ya no le pediremos sus códigos.\n\n${notYou.es(origin)}${signature('es')}`,
      }),
    }),
  recoveryCodesCreated: (to: string, origin: string, locale: Locale): OutgoingEmail =>
    mailIn(to, 'recovery-codes-created', locale, {
      en: () => ({
        subject: `New recovery codes for your ${utility().shortName} online login`,
        text: `New recovery codes were just made for your ${utility().name} login; any earlier codes no longer work.\n\n${notYou.en(origin)}${signature('en')}`,
      }),
      es: () => ({
        subject: `Códigos de recuperación nuevos para su usuario de ${utility().shortName} en línea`,
        text: `Se acaban de crear códigos de recuperación nuevos para su usuario de ${utility().name}; los códigos anteriores ya no sirven.\n\n${notYou.es(origin)}${signature('es')}`,
      }),
    }),
  recoveryCodeUsed: (to: string, origin: string, at: Date, left: number, locale: Locale): OutgoingEmail =>
    mailIn(to, 'recovery-code-used', locale, {
      en: () => ({
        subject: `A recovery code was used for your ${utility().shortName} online login`,
        text: `A recovery code was used for your ${utility().name} login on ${formatsFor('en').longDateTime(at)}. It cannot be used again; ${left === 0 ? 'no unused codes are left: make new ones' : `${left} unused code${left === 1 ? ' is' : 's are'} left`} (${page(origin, '/account/security/recovery-codes/', 'en')}).\n\nIf you lost the phone with your authenticator app, set the app up again on your new phone: ${page(origin, '/account/security/totp/', 'en')}\n\n${notYou.en(origin)}${signature('en')}`,
      }),
      es: () => ({
        subject: `Se usó un código de recuperación en su usuario de ${utility().shortName} en línea`,
        text: `Se usó un código de recuperación en su usuario de ${utility().name} el ${formatsFor('es').longDateTime(at)}. Ese código ya no se puede volver a usar; ${left === 0 ? 'no le quedan códigos sin usar: cree códigos nuevos' : left === 1 ? 'le queda 1 código sin usar' : `le quedan ${left} códigos sin usar`} (${page(origin, '/account/security/recovery-codes/', 'es')}).\n\nSi perdió el teléfono que tenía la aplicación de autenticación, vuelva a configurar la aplicación en su teléfono nuevo: ${page(origin, '/account/security/totp/', 'es')}\n\n${notYou.es(origin)}${signature('es')}`,
      }),
    }),
  newDevice: (to: string, origin: string, at: Date, client: string | null, endToken: string, locale: Locale): OutgoingEmail =>
    mailIn(to, 'new-device-sign-in', locale, {
      en: () => ({
        subject: `New sign-in to your ${utility().shortName} online login`,
        text: `Your ${utility().name} login was just signed in to from a browser it had not been used from before.\n\nWhen: ${formatsFor('en').longDateTime(at)}\nBrowser: ${client ?? 'not known'}\n\nIf this was you, there is nothing to do.\n\nIf it was not you, end that session now (this does not sign you in):\n\n${linkLines(origin, { path: `${mailPage('en', '/account/end-session/')}${fragment('token', endToken)}`, code: endToken }, 'en').join('\n')}\n\nThen change your password (${page(origin, '/password/forgot/', 'en')}) and call us at ${utility().phoneDisplay}.${signature('en')}`,
      }),
      es: () => ({
        subject: `Nuevo inicio de sesión en su usuario de ${utility().shortName} en línea`,
        text: `Alguien acaba de iniciar sesión en su usuario de ${utility().name} desde un navegador que no se había usado antes.\n\nCuándo: ${formatsFor('es').longDateTime(at)}\nNavegador: ${client ? clientLabelIn(client, 'es') : 'desconocido'}\n\nSi fue usted, no tiene que hacer nada.\n\nSi no fue usted, cierre esa sesión ahora (esto no inicia sesión):\n\n${linkLines(origin, { path: `${mailPage('es', '/account/end-session/')}${fragment('token', endToken)}`, code: endToken }, 'es').join('\n')}\n\nDespués, cambie su contraseña (${page(origin, '/password/forgot/', 'es')}) y llámenos al ${utility().phoneDisplay}.${signature('es')}`,
      }),
    }),
};
