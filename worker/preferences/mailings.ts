/**
 * Newsletter and program mail: queued only to addresses whose owner turned the topic on (it is
 * never on by default), one message per address however many accounts it is on, each built by
 * topic-mail.ts with its one-click unsubscribe. A mailing carries its text in English and, when the
 * utility wrote one, in Spanish: each recipient gets the version in its language (a login's own
 * e-mail in the login's, any other address in the one it was added in), else the English one; the
 * footer, its unsubscribe links and pages are in the recipient's language either way. No route sends a mailing yet: the utility's
 * communications staff call this (a staff screen comes with the programs capability), so that
 * whatever sends one cannot leave the unsubscribe out.
 */
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { alertRecipients, logins, recipientTopics } from '../../db/schema';
import type { Locale } from '../i18n/locale';
import { linksIn } from '../i18n/page-links';
import { SPANISH_MAIL_PAGES } from '../mail/mail-language';
import { queueEmail } from '../mail/outbox';
import { topicMail } from './topic-mail';

export type MailingTopic = 'newsletter' | 'programs';
export const mailingTopics: readonly MailingTopic[] = ['newsletter', 'programs'];

/** One language's version of a mailing: its subject and lines, without greeting or footer. */
export type MailingText = { subject: string; lines: string[] };
/** A mailing: English always, Spanish when the utility wrote it. */
export type Mailing = { topic: MailingTopic; en: MailingText; es?: MailingText };

/** Every confirmed e-mail recipient that has the topic on, at its current address and in its language, one row per address. */
export async function mailingAudience(db: DrizzleD1Database, topic: MailingTopic) {
  const rows = await db
    .select({ id: alertRecipients.id, origin: alertRecipients.origin, address: alertRecipients.address, locale: alertRecipients.locale, loginEmail: logins.email, loginLocale: logins.locale, loginStatus: logins.status, verified: logins.emailVerifiedAt })
    .from(recipientTopics)
    .innerJoin(alertRecipients, eq(alertRecipients.id, recipientTopics.recipientId))
    .leftJoin(logins, eq(logins.id, alertRecipients.loginId))
    .where(and(eq(recipientTopics.topic, topic), eq(recipientTopics.enabled, true), eq(alertRecipients.status, 'confirmed'), eq(alertRecipients.channel, 'email')))
    .orderBy(alertRecipients.createdAt);
  const byAddress = new Map<string, { id: string; address: string; origin: 'login' | 'added' | 'sign_up'; locale: Locale }>();
  for (const r of rows) {
    const address = r.origin === 'login' ? (r.loginStatus === 'active' && r.verified ? r.loginEmail : null) : r.address;
    const locale = r.origin === 'login' ? (r.loginLocale ?? 'en') : r.locale;
    if (address && !byAddress.has(address)) byAddress.set(address, { id: r.id, address, origin: r.origin, locale });
  }
  return [...byAddress.values()];
}

export async function queueMailing(deps: { db: DrizzleD1Database; secret: string; origin: string; now: Date }, mailing: Mailing) {
  const { db } = deps;
  const audience = await mailingAudience(db, mailing.topic);
  const statements: BatchItem<'sqlite'>[] = [];
  for (const { locale, ...recipient } of audience) {
    const { subject, lines } = mailing[locale] ?? mailing.en;
    const links = linksIn(locale, SPANISH_MAIL_PAGES);
    statements.push(queueEmail(db, await topicMail({ ...deps, recipient, topic: mailing.topic, kind: mailing.topic, subject, lines, links })));
  }
  // D1 batches are capped; a mailing goes out in slices.
  for (let i = 0; i < statements.length; i += 50) {
    const slice = statements.slice(i, i + 50);
    await db.batch(slice as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  }
  return { queued: statements.length };
}

/**
 * The rows that receive mail at the same address as `row` (its own included): a mailing reaches an
 * address once, so stopping it must stop it for that address, whichever account's row the
 * message named.
 */
export async function rowsAtSameAddress(db: DrizzleD1Database, row: { id: string; channel: 'email' | 'sms'; origin: string; address: string | null; loginId: string | null }) {
  let address = row.address;
  if (row.origin === 'login' && row.loginId) {
    const [login] = await db.select({ email: logins.email }).from(logins).where(eq(logins.id, row.loginId)).limit(1);
    address = login?.email ?? null;
  }
  if (!address || row.channel !== 'email') return [row.id];
  const byAddress = await db.select({ id: alertRecipients.id }).from(alertRecipients).where(and(eq(alertRecipients.channel, 'email'), eq(alertRecipients.address, address)));
  const loginIds = (await db.select({ id: logins.id }).from(logins).where(eq(logins.email, address))).map((l) => l.id);
  const byLogin = loginIds.length ? await db.select({ id: alertRecipients.id }).from(alertRecipients).where(and(inArray(alertRecipients.loginId, loginIds), isNotNull(alertRecipients.loginId))) : [];
  return [...new Set([row.id, ...byAddress.map((r) => r.id), ...byLogin.map((r) => r.id)])];
}
