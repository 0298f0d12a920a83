/**
 * Messages and limits of the account forms, shared by worker and site scripts (no zod here, so
 * scripts stay small). English here; Spanish in account-messages-es.ts, with exactly these keys.
 */
import type { Locale } from '../../site/i18n';
import { accountMessagesEs } from './account-messages-es';
import { PASSWORD_MAX, PASSWORD_MIN } from './password-limits';

export { PASSWORD_MAX, PASSWORD_MIN };

/** Messages a page shows after a redirect (`?status=` or `?error=`). Codes only travel in URLs, never text. */
const status = {
  'registered': 'Thank you. We sent a confirmation link to the e-mail address you gave; open it to finish registering. It works for 24 hours.',
  'email-verified': 'Your e-mail address is confirmed. You can sign in now.',
  'delegate-login-created': 'Your login is ready and the account is shared with you. Sign in with your e-mail address and new password.',
  'signed-out': 'You are signed out.',
  'signed-out-everywhere': 'You are signed out on every device.',
  'signed-in': 'You are signed in.',
  'reset-sent': 'If that address belongs to a login, we sent it a link to choose a new password. It works for one hour.',
  'password-reset': 'Your new password is set and every session was ended. Sign in with it now.',
  'password-changed': 'Your password is changed. Every other session was ended.',
  'email-change-sent': 'We sent a confirmation link to the new address, and a notice to the current one. The change happens when you open the link.',
  'email-changed': 'Your login e-mail is changed.',
  'session-ended': 'The session is ended.',
  'sessions-ended': 'Every other session is ended.',
  'profile-saved': 'Your profile is saved.',
  'second-factor-needed': 'Your login has a second factor: use it below to finish signing in.',
  'signed-in-with-recovery-code': 'You are signed in. That recovery code is now used up; if you lost your phone, set up your authenticator app again.',
  'stepped-up': 'Thank you: you confirmed it is you. You can make sensitive changes for the next 10 minutes.',
  'totp-started': 'Scan the QR code with your authenticator app, then enter the code it shows.',
  'totp-enabled': 'Your authenticator app is set up. Now make your recovery codes, so that a lost phone never locks you out.',
  'totp-removed': 'The authenticator app is removed.',
  'session-ended-by-link': 'That session is ended. If it was not you, change your password now and look at where else you are signed in.',
  'passkey-added': 'Your passkey is added. You can now sign in with it, without your password.',
  'passkey-renamed': 'The passkey is renamed.',
  'passkey-removed': 'The passkey is removed. It can no longer sign in to your login.',
  'language-saved': 'Your language is saved: we will write to you in English.',
};
export const statusMessages: Record<string, string> = status;

const errors = {
  invalid_request: 'Some fields are missing or not valid. Please check them and try again.',
  invalid_credentials: 'That e-mail address and password do not match a login.',
  too_many_attempts: 'Too many attempts. Please wait a while and try again, or reset your password.',
  email_not_verified: 'Please confirm your e-mail address first: open the link we sent you.',
  account_not_proven: 'We could not match those details to a utility account. Check the account number, the service ZIP code and the last bill amount.',
  already_registered: 'This utility account already has an online login. Sign in, or reset the password.',
  password_too_short: `The password must be at least ${PASSWORD_MIN} characters long.`,
  password_too_long: `The password must be at most ${PASSWORD_MAX} characters long.`,
  password_too_common: 'That password is too common or too easy to guess. Try a few unrelated words.',
  wrong_password: 'The current password is not right.',
  invalid_code: 'That code is not right, or it was already used. Wait for the next code and try again.',
  second_factor_expired: 'The sign-in took too long. Please start again.',
  second_factor_not_enrolled: 'This login needs an authenticator app, but none is set up. Ask an administrator.',
  link_invalid: 'This link is not valid. Please use the newest link we sent, or ask for a new one.',
  link_expired: 'This link has expired. Please ask for a new one.',
  link_used: 'This link has already been used, or a newer one replaced it.',
  email_taken: 'That e-mail address cannot be used. Choose another.',
  unauthenticated: 'Please sign in.',
  not_found: 'That was not found.',
  forbidden: 'You are not allowed to do that.',
  step_up_required: 'For your security, confirm it is you first, then try again.',
  second_factor_needed: 'Your login has a second factor: confirm with it, not with the password.',
  invalid_recovery_code: 'That recovery code is not right, or it was already used.',
  totp_setup_expired: 'The set-up took too long. Please start again: you will get a new QR code.',
  totp_already_enabled: 'An authenticator app is already set up.',
  totp_not_enabled: 'No authenticator app is set up.',
  second_factor_missing: 'Recovery codes come with a second factor: set up an authenticator app or add a passkey first.',
  second_factor_unavailable: 'Your authenticator code cannot be checked right now. Please contact us.',
  passkey_expired: 'The passkey request expired or was already used. Please try again.',
  passkey_unknown: 'That passkey is not registered for this login. It may have been removed. Use another passkey, or sign in with your password.',
  passkey_invalid: 'The passkey could not be checked. Please try again, or sign in another way.',
  passkey_already_registered: 'That passkey is already registered.',
  passkey_limit: 'This login has as many passkeys as it may have. Remove one you no longer use first.',
  last_second_factor: 'A staff login must keep a passkey or an authenticator app. Add another first.',
  not_eligible: 'From your answers, this application cannot be accepted. The reason is shown beside each answer.',
  wrong_status: 'This changed a moment ago. Reload the page to see where it is.',
  unreachable: 'The portal could not be reached. Check your connection and try again.',
};
export const errorMessages: Record<string, string> = errors;

/** Labels of form fields, for "check this field" messages after a redirect. */
const fields = {
  accountNumber: 'Account number',
  serviceZip: 'Service ZIP code',
  lastBillAmount: 'Last bill amount',
  email: 'E-mail address',
  password: 'Password',
  currentPassword: 'Current password',
  newPassword: 'New password',
  newEmail: 'New e-mail address',
  code: 'Code',
  recoveryCode: 'Recovery code',
  name: 'Name',
  passkey: 'Passkey',
  token: 'Link',
  phone: 'Phone',
  mailingStreet: 'Street',
  mailingCity: 'City',
  mailingRegion: 'State',
  mailingPostalCode: 'ZIP code',
  occupants: 'People in the household',
  landscapeSqFt: 'Landscaped area',
  toilets: 'Toilets',
  showers: 'Showers',
  locale: 'Language',
};
export const fieldLabels: Record<string, string> = fields;

/** The shape both languages' catalogs have: the English keys, each a string. */
export type AccountMessages = {
  status: { [K in keyof typeof status]: string };
  errors: { [K in keyof typeof errors]: string };
  fields: { [K in keyof typeof fields]: string };
  /** "Check: {labels}." after a refused form's message. */
  check: string;
};

const accountMessagesEn = { status, errors, fields, check: 'Check: {labels}.' } satisfies AccountMessages;

type Catalog = { status: Record<string, string>; errors: Record<string, string>; fields: Record<string, string>; check: string };
const catalogs: Record<Locale, Catalog> = { en: accountMessagesEn, es: accountMessagesEs };

/** The account forms' messages in a language. */
export function accountMessagesIn(locale: Locale): Catalog {
  return catalogs[locale];
}

/** "Check: Name, Phone." in a language (empty when there are no labels). */
export function checkFields(locale: Locale, labels: string[]): string {
  return labels.length ? ` ${catalogs[locale].check.replace('{labels}', labels.join(', '))}` : '';
}

/** The message for a redirect's query (`status`, `error`, `field`) in a language, or null. Never echoes the query itself. */
export function messageFor(
  query: { status?: string | null; error?: string | null; field?: string | null },
  locale: Locale = 'en',
): { kind: 'status' | 'error'; text: string } | null {
  const { status: statusTexts, errors: errorTexts, fields: labels } = catalogs[locale];
  if (query.error) {
    const base = errorTexts[query.error] ?? errorTexts.invalid_request!;
    const label = query.field ? labels[query.field] : undefined;
    return { kind: 'error', text: `${base}${label && query.error === 'invalid_request' ? checkFields(locale, [label]) : ''}` };
  }
  if (query.status && statusTexts[query.status]) return { kind: 'status', text: statusTexts[query.status]! };
  return null;
}
