/**
 * Reading and writing who receives an account's messages: recipients, their topics, quiet hours.
 *
 * A holder's own login e-mail receives alerts without anyone setting it up: until the login saves
 * its preferences (or a notice is delivered), it has no row, and the defaults stand in for one.
 * Rows are written with every topic explicit, so a row's topics are the whole truth and each
 * `changed_via` records how that choice was made.
 */
import { and, eq, inArray, isNotNull, ne } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { accountAccess, accounts, alertRecipients, contactPreferences, logins, recipientTopics, servicePoints, utilities, type MailTopic } from '../../db/schema';
import { grantAllows } from '../auth/account-access';
import { QUIET_HOURS_DEFAULT } from '../shared/preference-forms';
import { utility } from '../tenants/scope';
import type { QuietHours } from '../alerts/delivery/quiet-hours';
import { defaultTopics, mailTopics } from './topics';
import { holdersOf } from '../mail/recipients';

export type Recipient = typeof alertRecipients.$inferSelect;
export type TopicState = { enabled: boolean; changedVia: (typeof recipientTopics.$inferSelect)['changedVia']; changedAt: string };
export type Topics = Record<MailTopic, TopicState>;

/** Topic rows for a new recipient (every topic explicit). */
export function topicRows(recipientId: string, topics: Record<MailTopic, boolean>, via: TopicState['changedVia'], now: Date) {
  return mailTopics.map((topic) => ({ recipientId, topic, enabled: topics[topic], changedVia: via, changedAt: now.toISOString() }));
}

export async function topicsOf(db: DrizzleD1Database, recipientIds: string[]): Promise<Map<string, Topics>> {
  const out = new Map<string, Topics>();
  if (!recipientIds.length) return out;
  const rows = await db.select().from(recipientTopics).where(inArray(recipientTopics.recipientId, recipientIds));
  for (const id of recipientIds) {
    const defaults = defaultTopics('added');
    out.set(id, Object.fromEntries(mailTopics.map((t) => [t, { enabled: defaults[t], changedVia: 'default', changedAt: '' }])) as Topics);
  }
  for (const row of rows) out.get(row.recipientId)![row.topic] = { enabled: row.enabled, changedVia: row.changedVia, changedAt: row.changedAt };
  return out;
}

/** The account's time zone (its utility's), for quiet hours. */
export async function accountTimeZone(db: DrizzleD1Database, accountId: string) {
  const [row] = await db.select({ timeZone: utilities.timeZone }).from(accounts).innerJoin(utilities, eq(utilities.id, accounts.utilityId)).where(eq(accounts.id, accountId)).limit(1);
  return row?.timeZone ?? utility().timeZone;
}

export type QuietSettings = { quiet: QuietHours; leakAlertsInQuietHours: boolean; isDefault: boolean };

export async function quietSettings(db: DrizzleD1Database, accountId: string): Promise<QuietSettings> {
  const [row] = await db.select().from(contactPreferences).where(eq(contactPreferences.accountId, accountId)).limit(1);
  if (!row) return { quiet: { ...QUIET_HOURS_DEFAULT }, leakAlertsInQuietHours: false, isDefault: true };
  const quiet = row.quietHoursStart && row.quietHoursEnd ? { start: row.quietHoursStart, end: row.quietHoursEnd } : null;
  return { quiet, leakAlertsInQuietHours: row.leakAlertsInQuietHours, isDefault: false };
}

/** The first service address of the account, as "12 Heron Way": how messages say which home they are about. */
export async function serviceStreet(db: DrizzleD1Database, accountId: string) {
  const [point] = await db.select({ street: servicePoints.street }).from(servicePoints).where(eq(servicePoints.accountId, accountId)).orderBy(servicePoints.id).limit(1);
  return point?.street ?? null;
}

/** The login's own recipient row on the account, if it has one. */
export async function loginRecipient(db: DrizzleD1Database, accountId: string, loginId: string) {
  const [row] = await db
    .select()
    .from(alertRecipients)
    .where(and(eq(alertRecipients.accountId, accountId), eq(alertRecipients.loginId, loginId), ne(alertRecipients.status, 'removed')))
    .limit(1);
  return row ?? null;
}

/** Statements that give a login its own (confirmed) recipient row with the defaults; returns the new id. */
export function newLoginRecipient(db: DrizzleD1Database, accountId: string, loginId: string, now: Date) {
  const id = crypto.randomUUID();
  return {
    id,
    statements: [
      db.insert(alertRecipients).values({ id, accountId, channel: 'email', address: null, loginId, origin: 'login', status: 'confirmed', confirmedAt: now.toISOString(), createdAt: now.toISOString() }),
      db.insert(recipientTopics).values(topicRows(id, defaultTopics('login'), 'default', now)),
    ],
  };
}

/**
 * Verified, active holder logins of the account without a recipient row: they receive alerts by
 * default, so delivery gives them rows (and unsubscribe links need a row to name).
 */
export async function holderLoginsWithoutRow(db: DrizzleD1Database, accountId: string) {
  const holders = await db
    .select({ loginId: accountAccess.loginId })
    .from(accountAccess)
    .innerJoin(logins, eq(logins.id, accountAccess.loginId))
    .where(and(eq(accountAccess.accountId, accountId), eq(accountAccess.relationship, 'holder'), isNotNull(logins.emailVerifiedAt), eq(logins.status, 'active')));
  if (!holders.length) return [];
  const rows = await db
    .select({ loginId: alertRecipients.loginId })
    .from(alertRecipients)
    .where(and(eq(alertRecipients.accountId, accountId), eq(alertRecipients.origin, 'login'), ne(alertRecipients.status, 'removed')));
  const have = new Set(rows.map((r) => r.loginId));
  return holders.map((h) => h.loginId).filter((id) => !have.has(id));
}

export type LiveRecipient = Recipient & {
  loginEmail: string | null;
  loginMayHear: boolean;
  /** The language to write to it in: a login's own (logins.locale), else the recipient's (alert_recipients.locale). */
  writeIn: Recipient['locale'];
};

/**
 * Recipients that may be sent alerts now: confirmed, not removed; a login's row only while that
 * login is active, verified and still may receive the account's alerts (a holder, or a delegate
 * with the alerts right whose access has not ended), at its current e-mail and in its chosen language.
 */
export async function liveRecipients(db: DrizzleD1Database, accountId: string): Promise<LiveRecipient[]> {
  const rows = await db
    .select({ r: alertRecipients, email: logins.email, loginLocale: logins.locale, verified: logins.emailVerifiedAt, status: logins.status, grant: accountAccess })
    .from(alertRecipients)
    .leftJoin(logins, eq(logins.id, alertRecipients.loginId))
    .leftJoin(accountAccess, and(eq(accountAccess.loginId, alertRecipients.loginId), eq(accountAccess.accountId, alertRecipients.accountId)))
    .where(and(eq(alertRecipients.accountId, accountId), eq(alertRecipients.status, 'confirmed')));
  const now = new Date().toISOString();
  return rows.map(({ r, email, loginLocale, verified, status, grant }) => ({
    ...r,
    loginEmail: email,
    writeIn: r.origin === 'login' ? (loginLocale ?? 'en') : r.locale,
    loginMayHear: r.origin !== 'login' || (Boolean(verified) && status === 'active' && grant !== null && (!grant.expiresAt || grant.expiresAt > now) && grantAllows(grant, 'alerts')),
  }));
}

/**
 * Whether a recipient is the customer's own (their login e-mail, or the mobile they added for
 * themselves, which carries no name), rather than someone they added: their messages link to the
 * alert centre they can sign in to.
 */
export const isAccountHoldersOwn = (r: Pick<Recipient, 'origin' | 'name'>) => r.origin === 'login' || (r.origin === 'added' && r.name === null);

/** Masks an address for a page anyone holding a link may open: "j•••@example.org", "(•••) •••-0123". */
export function maskAddress(channel: 'email' | 'sms', address: string) {
  if (channel === 'sms') return `(•••) •••-${address.slice(-4)}`;
  const [user = '', domain = ''] = address.split('@');
  return `${user.slice(0, 1)}•••@${domain}`;
}
