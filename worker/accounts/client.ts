/** What the portal keeps about the client of a request: a keyed hash of its address and a coarse label. */
import type { Locale } from '../i18n/locale';

/** "Firefox on Linux": browser family and OS only, never the full user agent. */
export function clientLabel(userAgent: string | undefined | null): string | null {
  if (!userAgent) return null;
  const ua = userAgent;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\/|Opera/.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : 'Another browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad|iPod/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : 'another system';
  return `${browser} on ${os}`;
}

/**
 * A stored label as a reader of `locale` reads it. Labels are kept in English (sessions, known
 * browsers, the audit log); the product names stay, the words around them change.
 */
export function clientLabelIn(label: string, locale: Locale): string {
  if (locale === 'en') return label;
  const m = /^(.+) on (.+)$/.exec(label);
  if (!m) return label;
  const browser = m[1] === 'Another browser' ? 'Otro navegador' : m[1]!;
  const os = m[2] === 'another system' ? 'otro sistema' : m[2]!;
  return `${browser} en ${os}`;
}

/** The account number with all but its last four digits hidden. */
export function maskAccountNumber(accountNumber: string) {
  return `•••• ${accountNumber.slice(-4)}`;
}
