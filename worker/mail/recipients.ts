/**
 * Who is told about something a customer started (a conversation, an application): the login that
 * started it while it is active, else the account's current holders. Delegates hear only about what
 * they started themselves.
 */
import { grantSql } from '../auth/account-access';

export async function starterOrHolders(raw: D1Database, starterLoginId: string | null, accountId: string): Promise<string[]> {
  const starter = starterLoginId ? await raw.prepare("SELECT email FROM logins WHERE id = ?1 AND status = 'active'").bind(starterLoginId).first<{ email: string }>() : null;
  if (starter) return [starter.email];
  const { results } = await raw
    .prepare(`SELECT l.email FROM account_access g JOIN logins l ON l.id = g.login_id WHERE g.account_id = ?1 AND g.relationship = 'holder' AND l.status = 'active' AND ${grantSql('g')}`)
    .bind(accountId)
    .all<{ email: string }>();
  return results.map((r) => r.email);
}
