/**
 * How an e-mail shows a link that carries a secret. The secret rides in the URL fragment, which a
 * browser never sends to a server (so no request log or Referer ever holds it); the landing page's
 * script moves it into the page's form. A browser without JavaScript cannot read the fragment, so
 * the page then asks for the code, and the e-mail shows it alone on its own line to copy.
 */
import type { Locale } from '../i18n/locale';

export type MailLink = { path: string; code: string };

const copyTheCode: Record<Locale, string> = {
  en: 'If the page asks you for a code, copy this one (it is the same as in the link):',
  es: 'Si la página le pide un código, copie este (es el mismo que lleva el enlace):',
};

/** The link, and the code alone for a browser without JavaScript, in the mail's language. */
export function linkLines(origin: string, link: MailLink, locale: Locale = 'en'): string[] {
  return [`${origin}${link.path}`, '', copyTheCode[locale], link.code];
}

/** The fragment a landing page reads: `#<name>=<value>`. */
export const fragment = (name: string, value: string) => `#${name}=${encodeURIComponent(value)}`;
