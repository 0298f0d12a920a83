/**
 * Every cookie the portal may set. The cookie policy page is generated from this list and the
 * worker's cookie setter refuses any name that is not here, or whose category the visitor has
 * not allowed. Add a cookie here first, or it cannot exist.
 */
export const cookieCategories = ['necessary', 'preferences', 'analytics'] as const;
export type CookieCategory = (typeof cookieCategories)[number];

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

export const cookieRegistry = [
  {
    name: '__Host-session',
    category: 'necessary',
    purpose: 'Keeps you signed in to your account. It holds a random token; your session is stored on our servers and ends when you sign out.',
    lifetime: 'Until you close your browser, or 30 days if you choose "Keep me signed in"',
    maxAgeSeconds: null,
    party: 'first',
    httpOnly: true,
  },
] as const satisfies readonly RegisteredCookie[];

export type RegisteredCookieName = (typeof cookieRegistry)[number]['name'];

export function findRegisteredCookie(name: string): RegisteredCookie | undefined {
  return cookieRegistry.find((c) => c.name === name);
}
