import { utility } from '../tenants/scope';

const DAY_MS = 86_400_000;

/**
 * RFC 9116 security.txt. Expires is computed rather than written down so a forgotten file never
 * goes stale; 180 days keeps it well inside the RFC's "less than a year" advice.
 */
export function securityTxt(origin: string, now: Date): string {
  const expires = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + 180 * DAY_MS);
  return [
    `Contact: mailto:${utility().emails.security}`,
    `Contact: tel:${utility().phone}`,
    `Expires: ${expires.toISOString()}`,
    `Policy: ${origin}/security/`,
    `Preferred-Languages: en`,
    `Canonical: ${origin}/.well-known/security.txt`,
    '',
  ].join('\n');
}

/** Global Privacy Control support resource (GPC spec, section "Well-known resource"). */
export const gpcSupportResource = { gpc: true, lastUpdate: '2026-11-25' } as const;
