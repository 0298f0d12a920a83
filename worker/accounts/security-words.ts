/**
 * What the security page (/account/security/) says about sessions, sign-ins, passkeys and second
 * factors, in each language. The modules that fill the page (worker/accounts/pages.ts,
 * second-factor-summary.ts, worker/auth/passkeys/page.ts) pick their language's words here.
 */
import type { Locale } from '../i18n/locale';

type Outcome = 'success' | 'locked' | 'new_device' | string;

const en = {
  unknownBrowser: 'Unknown browser',
  thisSession: 'This session',
  session: (started: string, lastSeen: string, persistent: boolean) => `Signed in ${started}; last active ${lastSeen}; ${persistent ? 'kept signed in' : 'ends when the browser closes'}.`,
  endHere: 'Sign out here',
  endOne: 'End this session',
  outcome: (o: Outcome): string => (o === 'success' ? 'signed in' : o === 'locked' ? 'sign-in locked after failed attempts' : o === 'new_device' ? 'first sign-in from this browser' : 'failed attempt'),
  noSignIns: 'No sign-ins recorded yet.',
  method: { passkey: ', with a passkey', totp: ', with authenticator code', recovery_code: ', with a recovery code' },
  totpOn: (since: string | null) => `An authenticator app is set up${since ? ` (since ${since})` : ''}: signing in asks for its code after your password.`,
  totpOff: 'No authenticator app is set up. An app on your phone (any that shows 6-digit codes) makes a stolen password useless on its own.',
  recoveryNeedsFactor: 'Recovery codes come with a second factor: set up an authenticator app or add a passkey first.',
  noRecoveryCodes: 'You have no recovery codes yet. Make some now, so that a lost phone never locks you out.',
  recoveryCodes: (unused: number, total: number, made: string | null) => `${unused} of ${total} recovery codes are unused${made ? ` (made ${made})` : ''}.${unused <= 3 ? ' Make new ones soon.' : ''}`,
  totpLink: (on: boolean): string => (on ? 'Remove or review the authenticator app' : 'Set up an authenticator app'),
  emailStepUp: 'Before the link is sent, you will be asked to confirm it is you with your passkey or authenticator app.',
  synced: 'Synced',
  passkeyDates: (added: string, lastUsed: string | null) => `Added ${added}; ${lastUsed ? `last used ${lastUsed}` : 'not used yet'}.`,
  quote: (name: string) => `“${name}”`,
  newName: (name: string) => `New name for “${name}”`,
  rename: 'Rename',
  remove: 'Remove',
  confirmRemove: (name: string) => `Remove the passkey “${name}”? It will no longer sign you in.`,
  noPasskey: 'You have no passkey yet.',
  count: (n: number) => (n === 1 ? 'one passkey' : `${n} passkeys`),
  staffMethods: (passkeys: string | null, totp: boolean) =>
    `A staff login must have a passkey or an authenticator app; a passkey is preferred, because it cannot be phished. This login has ${passkeys ?? 'no passkey'} and ${totp ? 'an authenticator app' : 'no authenticator app'}.${passkeys ? '' : ' Please add a passkey.'}`,
  customerMethods: (passkeys: string, totp: boolean) => `You have ${passkeys}. Sign in with one alone, or with your password followed by a passkey${totp ? ' or an authenticator code' : ''}.`,
  noPasskeyMethods: 'Add a passkey to sign in without your password. Once you have one, signing in with your password also asks for a passkey or code.',
};

export type SecurityWords = typeof en;

const es: SecurityWords = {
  unknownBrowser: 'Navegador desconocido',
  thisSession: 'Esta sesión',
  session: (started, lastSeen, persistent) => `Inició sesión el ${started}; última actividad el ${lastSeen}; ${persistent ? 'mantiene la sesión abierta' : 'termina al cerrar el navegador'}.`,
  endHere: 'Cerrar sesión aquí',
  endOne: 'Terminar esta sesión',
  outcome: (o) => (o === 'success' ? 'inició sesión' : o === 'locked' ? 'inicio de sesión bloqueado tras intentos fallidos' : o === 'new_device' ? 'primer inicio de sesión desde este navegador' : 'intento fallido'),
  noSignIns: 'Todavía no hay inicios de sesión registrados.',
  method: { passkey: ', con una llave de acceso', totp: ', con código de autenticación', recovery_code: ', con un código de recuperación' },
  totpOn: (since) => `Hay una aplicación de autenticación configurada${since ? ` (desde el ${since})` : ''}: al iniciar sesión se pide su código después de la contraseña.`,
  totpOff: 'No hay ninguna aplicación de autenticación configurada. Una aplicación en su teléfono (cualquiera que muestre códigos de 6 dígitos) hace que una contraseña robada no sirva por sí sola.',
  recoveryNeedsFactor: 'Los códigos de recuperación acompañan a un segundo factor: primero configure una aplicación de autenticación o agregue una llave de acceso.',
  noRecoveryCodes: 'Todavía no tiene códigos de recuperación. Créelos ahora, para que perder el teléfono nunca le deje sin acceso.',
  recoveryCodes: (unused, total, made) => `${unused} de ${total} códigos de recuperación sin usar${made ? ` (creados el ${made})` : ''}.${unused <= 3 ? ' Cree nuevos pronto.' : ''}`,
  totpLink: (on) => (on ? 'Revisar o quitar la aplicación de autenticación' : 'Configurar una aplicación de autenticación'),
  emailStepUp: 'Antes de enviar el enlace, le pediremos que confirme que es usted con su llave de acceso o su aplicación de autenticación.',
  synced: 'Sincronizada',
  passkeyDates: (added, lastUsed) => `Agregada el ${added}; ${lastUsed ? `último uso el ${lastUsed}` : 'todavía sin usar'}.`,
  quote: (name) => `«${name}»`,
  newName: (name) => `Nuevo nombre para «${name}»`,
  rename: 'Cambiar el nombre',
  remove: 'Quitar',
  confirmRemove: (name) => `¿Quitar la llave de acceso «${name}»? Ya no podrá iniciar sesión con ella.`,
  noPasskey: 'Todavía no tiene ninguna llave de acceso.',
  count: (n) => (n === 1 ? 'una llave de acceso' : `${n} llaves de acceso`),
  staffMethods: (passkeys, totp) =>
    `Un usuario del personal debe tener una llave de acceso o una aplicación de autenticación; es preferible una llave de acceso, porque no se puede robar con un engaño. Este usuario tiene ${passkeys ?? 'ninguna llave de acceso'} y ${totp ? 'una aplicación de autenticación' : 'ninguna aplicación de autenticación'}.${passkeys ? '' : ' Agregue una llave de acceso.'}`,
  customerMethods: (passkeys, totp) => `Tiene ${passkeys}. Inicie sesión solo con una, o con su contraseña seguida de una llave de acceso${totp ? ' o un código de autenticación' : ''}.`,
  noPasskeyMethods: 'Agregue una llave de acceso para iniciar sesión sin contraseña. Cuando tenga una, iniciar sesión con la contraseña también pedirá una llave de acceso o un código.',
};

export const securityWords: Record<Locale, SecurityWords> = { en, es };
