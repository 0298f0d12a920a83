/**
 * The demo third-party application of Connect My Data: registered by the demo loader (db/demo/)
 * and driven by the development-only client at /dev/third-party/ (client.ts). Its secret is a
 * documented development default; the application exists only in demo data, never in production.
 */
import { sha256Hex } from '../../auth/tokens';

export const DEMO_THIRD_PARTY = {
  clientId: 'demo-third-party',
  secret: 'dev-only-demo-third-party-secret',
  name: 'Bright Meter (demo)',
  organisation: 'Bright Meter Analytics (a demo company)',
  purpose: 'Showing you when your home uses the most water and electricity, and how to use less.',
  scope: 'FB=1_4_5_16;IntervalDuration=900;HistoryLength=34128000',
  maxAuthorizationDays: 365,
} as const;

export const demoRedirectUri = (origin: string) => `${origin.replace(/\/$/, '')}/dev/third-party/callback`;
export const demoNotifyUri = (origin: string) => `${origin.replace(/\/$/, '')}/dev/third-party/notify`;

/** The upsert of the demo application for a local portal at `origin` (its redirect URI added if missing). */
export async function demoApplicationStatement(raw: D1Database, origin: string) {
  const d = DEMO_THIRD_PARTY;
  return raw
    .prepare(
      `INSERT INTO cmd_applications (id, name, organisation, purpose, client_secret_hash, redirect_uris, notify_uri, scope, max_authorization_days, status)
       VALUES (?1, ?2, ?3, ?4, ?5, json_array(?6), ?7, ?8, ?9, 'production')
       ON CONFLICT (id) DO UPDATE SET redirect_uris = CASE WHEN EXISTS (SELECT 1 FROM json_each(cmd_applications.redirect_uris) WHERE value = ?6) THEN cmd_applications.redirect_uris ELSE json_insert(cmd_applications.redirect_uris, '$[#]', ?6) END, notify_uri = ?7`,
    )
    .bind(d.clientId, d.name, d.organisation, d.purpose, await sha256Hex(d.secret), demoRedirectUri(origin), demoNotifyUri(origin), d.scope, d.maxAuthorizationDays);
}
