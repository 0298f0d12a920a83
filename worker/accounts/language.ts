/** The language a login's mail and texts are written in (logins.locale). */
import { eq } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { logins } from '../../db/schema';
import type { Locale } from '../i18n/locale';
import type { AccountDeps } from './deps';

export async function saveLanguage(deps: AccountDeps, loginId: string, locale: Locale) {
  await deps.db.update(logins).set({ locale, updatedAt: deps.now.toISOString() }).where(eq(logins.id, loginId));
}

/** The language to write to a login in (English when the login is gone). */
export async function loginLocale(db: DrizzleD1Database, loginId: string): Promise<Locale> {
  const [row] = await db.select({ locale: logins.locale }).from(logins).where(eq(logins.id, loginId)).limit(1);
  return row?.locale ?? 'en';
}
