/**
 * Who is told about something a customer started (a conversation, an application): the login that
 * started it while it is active, else the account's current holders. Delegates hear only about what
 * they started themselves. Each comes with the language they chose for our mail.
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { accountAccess, logins } from '../../db/schema';
import { grantSql } from '../auth/account-access';
import type { Locale } from '../i18n/locale';

export type Recipient = { email: string; locale: Locale };

/** The account's current holders whose login e-mail is confirmed: who is told of a change to the account's sharing. */
export async function holdersOf(db: DrizzleD1Database, accountId: string): Promise<Recipient[]> {
  return db
    .select({ email: logins.email, locale: logins.locale })
    .from(accountAccess)
    .innerJoin(logins, eq(logins.id, accountAccess.loginId))
    .where(and(eq(accountAccess.accountId, accountId), eq(accountAccess.relationship, 'holder'), isNotNull(logins.emailVerifiedAt), eq(logins.status, 'active')));
}

export async function starterOrHolders(raw: D1Database, starterLoginId: string | null, accountId: string): Promise<Recipient[]> {
  const starter = starterLoginId ? await raw.prepare("SELECT email, locale FROM logins WHERE id = ?1 AND status = 'active'").bind(starterLoginId).first<Recipient>() : null;
  if (starter) return [starter];
  const { results } = await raw
    .prepare(`SELECT l.email, l.locale FROM account_access g JOIN logins l ON l.id = g.login_id WHERE g.account_id = ?1 AND g.relationship = 'holder' AND l.status = 'active' AND ${grantSql('g')}`)
    .bind(accountId)
    .all<Recipient>();
  return results;
}
