/**
 * What the authenticator-app and recovery-code pages (/account/security/totp/,
 * /account/security/recovery-codes/) say when the worker fills them, in each page language
 * (worker/accounts/second-factor-pages.ts). Dates come in already formatted for the language.
 */
import type { Locale } from '../i18n/locale';

const en = {
  qrAlt: (service: string) => `QR code for setting up ${service} in an authenticator app`,
  /** Ends "This set-up ends …": `at` is a `<time>` element. */
  setUpEnds: (at: string) => at,
  noCodes: 'You have no recovery codes yet.',
  codes: (unused: number, total: number, made: string | null) => `${unused} of ${total} codes are unused${made ? `; they were made ${made}` : ''}. Making new codes replaces them all.`,
  newCodes: 'Your new recovery codes are below. Any earlier codes no longer work.',
};

export type SecondFactorWords = typeof en;

const es: SecondFactorWords = {
  qrAlt: (service) => `Código QR para configurar ${service} en una aplicación de autenticación`,
  setUpEnds: (at) => `el ${at}`,
  noCodes: 'Todavía no tiene códigos de recuperación.',
  codes: (unused, total, made) => `${unused} de ${total} códigos sin usar${made ? `; los creó el ${made}` : ''}. Si crea códigos nuevos, reemplazan a todos estos.`,
  newCodes: 'Sus nuevos códigos de recuperación están abajo. Los códigos anteriores ya no sirven.',
};

export const secondFactorWords: Record<Locale, SecondFactorWords> = { en, es };
