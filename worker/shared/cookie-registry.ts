/**
 * Every cookie the portal may set. The cookie policy page is generated from this list and the
 * worker's cookie setter refuses any name that is not here, or whose category the visitor has
 * not allowed. Add a cookie here first, or it cannot exist.
 */
export const cookieCategories = ['necessary', 'preferences', 'analytics'] as const;
export type CookieCategory = (typeof cookieCategories)[number];
/** The categories a visitor chooses; strictly necessary cookies need no choice. */
export const optionalCookieCategories = ['preferences', 'analytics'] as const;
export type OptionalCookieCategory = (typeof optionalCookieCategories)[number];

/**
 * Version of the cookie policy a consent was given for. Change it whenever a cookie is added to
 * a category or a purpose widens: every visitor whose consent names an older version is asked again.
 */
export const COOKIE_POLICY_VERSION = '2026-11-27';

/** A consent older than this is no longer relied on: the visitor is asked again. */
export const CONSENT_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

export type RegisteredCookie = {
  name: string;
  category: CookieCategory;
  purpose: string;
  /** Human-readable lifetime for the policy page. */
  lifetime: string;
  /** Max-Age in seconds when persistent; null means it ends with the browser session. */
  maxAgeSeconds: number | null;
  party: 'first' | 'third';
  httpOnly: boolean;
};

/** What each category is for, in the words the banner, the choices page and the cookie policy use. */
export const cookieCategoryInfo = {
  necessary: {
    label: 'Strictly necessary',
    description:
      'Needed for the site to work and to keep your account secure: signing in, and remembering the cookie choices you make here. They are always on and are never used to track you.',
  },
  preferences: {
    label: 'Preferences',
    description:
      'Would remember settings you choose for how the site looks and behaves. We set no preference cookie today; if we add one, it will be listed here and we will ask you again.',
  },
  analytics: {
    label: 'Analytics (first-party only)',
    description:
      'Counts visits, pages viewed, time on a page, which page a visit started on and the domain of the site that linked here, so we can improve the site. Only daily totals are kept, on our own servers: no IP address, no browser fingerprint, nothing shared with anyone and nothing that follows you from one day to the next.',
  },
} as const satisfies Record<CookieCategory, { label: string; description: string }>;

export const cookieRegistry = [
  {
    name: '__Host-session',
    category: 'necessary',
    purpose: 'Keeps you signed in to your account. It holds a random token; your session is stored on our servers and ends when you sign out.',
    lifetime: 'Until you close your browser, or 30 days if you choose "Keep me signed in" (customers only)',
    maxAgeSeconds: null,
    party: 'first',
    httpOnly: true,
  },
  {
    name: '__Host-passkey-attempt',
    category: 'necessary',
    purpose:
      'Set on the sign-in page in a browser that can use passkeys (so the browser can offer yours as you type your e-mail), and when you choose to sign in with a passkey: it holds a random value that ties the sign-in request our servers issued to this browser, so an answer from anywhere else is refused. It is deleted when you are signed in, and otherwise ends after 5 minutes.',
    lifetime: '5 minutes',
    maxAgeSeconds: 5 * 60,
    party: 'first',
    httpOnly: true,
  },
  {
    name: '__Host-device',
    category: 'necessary',
    purpose:
      'Recognises this browser as one you have signed in from before, so that we can e-mail you when your login is used from a browser it has not been used from (with a link to end that session). It holds a random number; we keep only a fingerprint of it with your login, never anything about the browser beyond its kind ("Firefox on Linux"). It is set when you sign in, and is not used for anything else.',
    lifetime: '400 days from your last sign-in in this browser',
    maxAgeSeconds: 400 * 24 * 60 * 60,
    party: 'first',
    httpOnly: true,
  },
  {
    name: '__Host-consent',
    category: 'necessary',
    purpose:
      'Remembers your cookie choices (a random consent id, the policy version, what you allowed and when) so we do not ask on every page. The same record is kept on our servers for 24 months as proof of your choice, then deleted.',
    lifetime: '12 months, or until you change your choices',
    maxAgeSeconds: CONSENT_MAX_AGE_SECONDS,
    party: 'first',
    httpOnly: true,
  },
  {
    name: '__Host-sign-in-return',
    category: 'necessary',
    purpose:
      'Set when an application you are connecting to your data sends you here before you have signed in: it holds the address of that application’s request, so that once you sign in you come back to it. Deleted when you sign in, or after 10 minutes.',
    lifetime: '10 minutes, or until you sign in',
    maxAgeSeconds: 10 * 60,
    party: 'first',
    httpOnly: true,
  },
  {
    name: '__Host-db-bookmark',
    category: 'necessary',
    purpose:
      'Set when you change something while signed in (or when you sign in), so that the next pages you open show your change: it holds a marker of how up to date our database must be to answer you, nothing about you.',
    lifetime: '5 minutes',
    maxAgeSeconds: 5 * 60,
    party: 'first',
    httpOnly: true,
  },
  {
    name: '__Host-visit',
    category: 'analytics',
    purpose:
      'Tells our visit counter that a page view belongs to a visit already counted. It holds only today’s date and how many pages this visit has viewed: no identifier. It ends after 30 minutes without a page view and never carries over to another day.',
    lifetime: '30 minutes after your last page view, ending at midnight at the latest',
    maxAgeSeconds: 30 * 60,
    party: 'first',
    httpOnly: true,
  },
] as const satisfies readonly RegisteredCookie[];

export type RegisteredCookieName = (typeof cookieRegistry)[number]['name'];

export const CONSENT_COOKIE = '__Host-consent' satisfies RegisteredCookieName;
export const VISIT_COOKIE = '__Host-visit' satisfies RegisteredCookieName;

export function findRegisteredCookie(name: string): RegisteredCookie | undefined {
  return cookieRegistry.find((c) => c.name === name);
}

export function cookiesInCategory(category: CookieCategory): readonly RegisteredCookie[] {
  return cookieRegistry.filter((c) => c.category === category);
}
