/**
 * Who is told about something a customer started (a conversation, an application): the login that
 * started it while it is active, else the account's current holders. Delegates hear only about what
 * they started themselves. Each comes with the language they chose for our mail.
 */
import { grantSql } from '../auth/account-access';
import type { Locale } from '../i18n/locale';

export type Recipient = { email: string; locale: Locale };

export async function starterOrHolders(raw: D1Database, starterLoginId: string | null, accountId: string): Promise<Recipient[]> {
  const starter = starterLoginId ? await raw.prepare("SELECT email, locale FROM logins WHERE id = ?1 AND status = 'active'").bind(starterLoginId).first<Recipient>() : null;
  if (starter) return [starter];
  const { results } = await raw
    .prepare(`SELECT l.email, l.locale FROM account_access g JOIN logins l ON l.id = g.login_id WHERE g.account_id = ?1 AND g.relationship = 'holder' AND l.status = 'active' AND ${grantSql('g')}`)
    .bind(accountId)
    .all<Recipient>();
  return results;
}
