import { z } from 'zod';

/**
 * What the page's script sends with navigator.sendBeacon (a text/plain JSON string, so no CORS
 * preflight). Short keys keep the beacon small; nothing identifies the visitor.
 * - view:  a page was shown. `p` its path (no query, no fragment); `r` the domain of the site that
 *          linked here, only on the first page of a visit and only when it is another site.
 * - leave: the page was hidden or left after `ms` milliseconds visible.
 */
const pagePath = z
  .string()
  .max(200, 'Must be at most 200 characters.')
  .regex(/^\/[A-Za-z0-9\-._~/%]*$/, 'Must be a page path starting with "/", without query or fragment.');

const domain = z
  .string()
  .max(253, 'Must be at most 253 characters.')
  .transform((d) => d.toLowerCase())
  .pipe(z.string().regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'Must be a domain name only, like "example.org".'));

export const beaconSchema = z.discriminatedUnion(
  't',
  [
    z.strictObject({ t: z.literal('view'), p: pagePath, r: domain.optional() }),
    z.strictObject({ t: z.literal('leave'), p: pagePath, ms: z.int('Must be whole milliseconds.').min(0).max(86_400_000) }),
  ],
  { error: 'Must have t: "view" or "leave".' },
);
export type Beacon = z.infer<typeof beaconSchema>;
