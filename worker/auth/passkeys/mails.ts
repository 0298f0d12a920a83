/**
 * Notices to the login's own address when its passkeys change, in the login's language
 * (logins.locale): a passkey added by someone holding the session would let them back in after a
 * password change, so the customer hears of every one. No link to act on (nothing a phisher could
 * imitate usefully): where to look, and whom to call.
 */
import type { Locale } from '../../i18n/locale';
import { mailIn, mailPage, signature } from '../../mail/mail-language';
import type { OutgoingEmail } from '../../mail/outbox';
import { utility } from '../../tenants/scope';

const security = (origin: string, locale: Locale) => `${origin}${mailPage(locale, '/account/security/')}`;

export const passkeyMails = {
  added: (to: string, origin: string, name: string, locale: Locale): OutgoingEmail =>
    mailIn(to, 'passkey-added', locale, {
      en: () => ({
        subject: `A passkey was added to your ${utility().shortName} online login`,
        text: `A passkey named "${name}" was just added to your ${utility().name} login. It can sign in to your account on its own.\n\nIf you did not add it, sign in, remove it under Sign-in and security (${security(origin, 'en')}), change your password, and call us at ${utility().phoneDisplay}.${signature('en')}`,
      }),
      es: () => ({
        subject: `Se agregó una llave de acceso a su usuario de ${utility().shortName} en línea`,
        text: `Se acaba de agregar a su usuario de ${utility().name} una llave de acceso llamada "${name}". Con ella se puede iniciar sesión en su cuenta sin nada más.\n\nSi no la agregó usted, inicie sesión, quítela en la página de inicio de sesión y seguridad (${security(origin, 'es')}), cambie su contraseña y llámenos al ${utility().phoneDisplay}.${signature('es')}`,
      }),
    }),
  removed: (to: string, origin: string, name: string, locale: Locale): OutgoingEmail =>
    mailIn(to, 'passkey-removed', locale, {
      en: () => ({
        subject: `A passkey was removed from your ${utility().shortName} online login`,
        text: `The passkey named "${name}" was just removed from your ${utility().name} login and can no longer sign in.\n\nIf you did not remove it, check Sign-in and security (${security(origin, 'en')}), change your password, and call us at ${utility().phoneDisplay}.${signature('en')}`,
      }),
      es: () => ({
        subject: `Se quitó una llave de acceso de su usuario de ${utility().shortName} en línea`,
        text: `Se acaba de quitar de su usuario de ${utility().name} la llave de acceso llamada "${name}", que ya no puede iniciar sesión.\n\nSi no la quitó usted, revise la página de inicio de sesión y seguridad (${security(origin, 'es')}), cambie su contraseña y llámenos al ${utility().phoneDisplay}.${signature('es')}`,
      }),
    }),
};
