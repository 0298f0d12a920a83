/**
 * Pages that are not public documents: shells the worker fills for a signed-in person, and
 * landing pages of single-use links. They stay out of the sitemap and carry `noindex`; their
 * own capability's end-to-end tests check them.
 */
export const privatePathPrefixes = [
  '/account/',
  '/login/second-factor/',
  '/register/verify/',
  '/password/reset/',
  '/privacy/request/status/',
  '/privacy/request/verify/',
  '/privacy/request/package/',
  '/alerts/confirm/',
  '/unsubscribe/',
  '/staff/',
  '/dev/',
  '/pay/confirm/',
  '/pay/return/',
];

/** @param {string} pathname An English page's path or its Spanish twin's (/es/…). */
export function isPrivatePage(pathname) {
  const english = pathname.startsWith('/es/') ? pathname.slice(3) : pathname;
  return privatePathPrefixes.some((prefix) => english.startsWith(prefix));
}
