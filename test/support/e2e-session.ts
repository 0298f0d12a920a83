/**
 * Signs a browser in for end-to-end tests without a login flow: writes a customer login that holds
 * a demo account and a live session straight into the e2e portal's local D1 (the same persist
 * directory wrangler dev uses), and returns the session cookie to give the browser.
 * The lead may replace this with the real login flow once the demo customer login exists.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { SESSION_COOKIE } from '../../worker/auth/sessions';
import { toolEnv } from './portal-server';

export function e2eSignIn(persistTo: string, options: { holderOf: string; loginId?: string }) {
  const loginId = options.loginId ?? `login-e2e-${randomBytes(4).toString('hex')}`;
  const token = randomBytes(32).toString('base64url');
  const tokenHash = createHash('sha256').update(token).digest('hex');
  const now = new Date();
  const expires = new Date(now.getTime() + 2 * 3_600_000);
  const sql = [
    `INSERT INTO logins (id, email, email_verified_at, password_hash, role) VALUES ('${loginId}', '${loginId}@customers.example', '${now.toISOString()}', 'test:no-password', 'customer')`,
    `INSERT INTO account_access (login_id, account_id, relationship, can_view_usage, can_view_billing, can_manage) VALUES ('${loginId}', '${options.holderOf.replaceAll("'", "''")}', 'holder', 1, 1, 1)`,
    `INSERT INTO sessions (token_hash, login_id, persistent, created_at, last_seen_at, expires_at) VALUES ('${tokenHash}', '${loginId}', 0, '${now.toISOString()}', '${now.toISOString()}', '${expires.toISOString()}')`,
  ].join('; ');
  const result = spawnSync('npx', ['wrangler', 'd1', 'execute', 'DB', '--local', '--persist-to', persistTo, '--command', sql], { env: toolEnv, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`could not write the e2e session:\n${result.stdout}\n${result.stderr}`);
  return { loginId, cookie: { name: SESSION_COOKIE, value: token } };
}
