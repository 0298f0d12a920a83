import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { alertNotices, alertTypes } from './alerts';
import { accounts } from './core';
import { logins } from './logins';
import { localeColumn } from './locale';

/**
 * Who is told what, and how: the people and addresses that receive an account's alerts (each
 * confirmed by its owner before anything is sent there), the topics each one receives, the
 * account's quiet hours, and the delivery records behind them (which notice went to whom, the SMS
 * outbox, and the development-only SMS stand-in's log). Domain logic: worker/preferences/ and
 * worker/alerts/delivery/.
 *
 * Security mail (password reset, sign-in notices, privacy request mail) never goes through these
 * tables: it is written to the login's own e-mail by its capability, so no preference or
 * unsubscribe here can silence it.
 */
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

/** What a recipient may receive: each alert type, and the two optional mailings. */
export const mailTopics = [...alertTypes, 'newsletter', 'programs'] as const;
export type MailTopic = (typeof mailTopics)[number];

export const recipientChannels = ['email', 'sms'] as const;
export type RecipientChannel = (typeof recipientChannels)[number];

/**
 * - login: a portal login's own e-mail (proven when it registered); `address` is null and the
 *   login's current e-mail is used at send time, so a changed login e-mail takes its alerts along;
 * - added: an address or number someone who manages the account added (the customer's own mobile,
 *   a family member, a landlord); pending until its owner confirms;
 * - sign_up: someone who proved the account (number, service ZIP, last bill) without a portal login.
 */
export const recipientOrigins = ['login', 'added', 'sign_up'] as const;

export const alertRecipients = sqliteTable(
  'alert_recipients',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull().references(() => accounts.id),
    channel: text('channel', { enum: recipientChannels }).notNull(),
    /** A lower-case e-mail address or an E.164 number (+12095550123); null for origin `login`. */
    address: text('address'),
    loginId: text('login_id').references(() => logins.id),
    /** How the account names this recipient ("Landlord"); null for the customer's own. */
    name: text('name'),
    /** The language of what this recipient is sent: the adder's choice, or the sign-up page's language. */
    locale: localeColumn(),
    origin: text('origin', { enum: recipientOrigins }).notNull(),
    addedByLoginId: text('added_by_login_id').references(() => logins.id),
    status: text('status', { enum: ['pending', 'confirmed', 'removed'] }).notNull().default('pending'),
    /** SHA-256 of the confirmation secret (link or SMS reply), while pending. */
    confirmHash: text('confirm_hash'),
    confirmExpiresAt: text('confirm_expires_at'),
    confirmSentAt: text('confirm_sent_at'),
    confirmedAt: text('confirmed_at'),
    removedAt: text('removed_at'),
    /** Who removed it: the account (preferences page), the recipient (link in a message, or STOP to an invitation), or the system (the login went away). */
    removedBy: text('removed_by', { enum: ['account', 'recipient', 'system'] }),
    /** The number replied STOP: the provider blocks further texts to it until START, so nothing is sent meanwhile. */
    smsStoppedAt: text('sms_stopped_at'),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('alert_recipients_live_address').on(t.accountId, t.channel, t.address).where(sql`status <> 'removed' AND address IS NOT NULL`),
    uniqueIndex('alert_recipients_live_login').on(t.accountId, t.loginId).where(sql`status <> 'removed' AND origin = 'login'`),
    index('alert_recipients_address').on(t.channel, t.address),
    index('alert_recipients_account').on(t.accountId, t.status),
    check('alert_recipients_origin', sql`(origin = 'login') = (login_id IS NOT NULL AND address IS NULL AND channel = 'email') AND (origin = 'login' OR address IS NOT NULL)`),
  ],
);

/** Whether one recipient receives one topic, and how that was last decided (proof of an opt-in or opt-out). */
export const recipientTopics = sqliteTable(
  'recipient_topics',
  {
    recipientId: text('recipient_id').notNull().references(() => alertRecipients.id),
    topic: text('topic', { enum: mailTopics }).notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    changedAt: text('changed_at').notNull().default(now),
    /** default: set when the recipient was created; preferences: the account's page; link/one_click: an unsubscribe link, in the page or by the mail client (RFC 8058); sign_up: chosen when signing up. */
    changedVia: text('changed_via', { enum: ['default', 'preferences', 'link', 'one_click', 'sign_up'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.recipientId, t.topic] })],
);

/**
 * The account's quiet hours (utility-local wall-clock times, "HH:MM"; start after end wraps past
 * midnight), during which texts wait. No row: the default (worker/alerts/delivery/quiet-hours.ts);
 * a row with both times null: no quiet hours. Paperless billing, which the same page sets, is kept
 * with the billing capability's own settings (billing_preferences, db/schema/billing.ts).
 */
export const contactPreferences = sqliteTable(
  'contact_preferences',
  {
    accountId: text('account_id').primaryKey().references(() => accounts.id),
    quietHoursStart: text('quiet_hours_start'),
    quietHoursEnd: text('quiet_hours_end'),
    /** A leak alert is texted at once even during quiet hours (the customer chose so). */
    leakAlertsInQuietHours: integer('leak_alerts_in_quiet_hours', { mode: 'boolean' }).notNull().default(false),
    updatedAt: text('updated_at').notNull().default(now),
    updatedByLoginId: text('updated_by_login_id').references(() => logins.id),
  },
  () => [
    check('contact_preferences_quiet', sql`(quiet_hours_start IS NULL) = (quiet_hours_end IS NULL) AND (quiet_hours_start IS NULL OR quiet_hours_start <> quiet_hours_end)`),
  ],
);

/**
 * Which notice (worker/alerts/detection) was handed to which recipient, and the outbox row it
 * became (outbox_emails or outbox_sms). Unique per notice and recipient, so handing the same
 * notice to delivery twice sends nothing more.
 */
export const alertDeliveries = sqliteTable(
  'alert_deliveries',
  {
    id: text('id').primaryKey(),
    noticeId: text('notice_id').notNull().references(() => alertNotices.id),
    recipientId: text('recipient_id').notNull().references(() => alertRecipients.id),
    channel: text('channel', { enum: recipientChannels }).notNull(),
    outboxId: text('outbox_id').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('alert_deliveries_once').on(t.noticeId, t.recipientId), index('alert_deliveries_recipient').on(t.recipientId)],
);

/**
 * Every text message leaves through this outbox, as e-mail leaves through outbox_emails: written
 * in the same batch as what it reports, sent by the SMS provider adapter once `not_before` has
 * passed (quiet hours hold a text by setting it later). `body` can hold a confirmation link, so it
 * is removed on delivery, and after 72 hours for a text never delivered.
 */
export const outboxSms = sqliteTable(
  'outbox_sms',
  {
    id: text('id').primaryKey(),
    toNumber: text('to_number').notNull(),
    body: text('body').notNull(),
    kind: text('kind').notNull(),
    /** `sending`: claimed by a delivery until `not_before`; a delivery that died with it is retried after that. */
    status: text('status', { enum: ['queued', 'sending', 'sent', 'failed', 'cancelled'] }).notNull().default('queued'),
    /** Not sent before this instant (UTC): the end of the account's quiet hours, the time it was queued, or the end of a claim. */
    notBefore: text('not_before').notNull(),
    /** For an alert text: the notice, so a text held through quiet hours is dropped if the alert ended meanwhile. */
    noticeId: text('notice_id').references(() => alertNotices.id),
    /** The provider's id for the message (Twilio's SM… sid). */
    providerSid: text('provider_sid'),
    /** The provider's error code when it refused (e.g. 21610: the number replied STOP). */
    errorCode: integer('error_code'),
    createdAt: text('created_at').notNull().default(now),
    sentAt: text('sent_at'),
  },
  (t) => [index('outbox_sms_due').on(t.status, t.notBefore), index('outbox_sms_to').on(t.toNumber)],
);

/**
 * DEVELOPMENT ONLY: the log of the SMS provider stand-in (worker/alerts/delivery/sms/stand-in.ts),
 * which answers the provider's REST API locally so texts land in /dev/outbox/. Production never
 * writes here (the stand-in refuses to run outside development).
 */
export const smsStandInMessages = sqliteTable(
  'sms_stand_in_messages',
  {
    sid: text('sid').primaryKey(),
    accountSid: text('account_sid').notNull(),
    direction: text('direction', { enum: ['outbound-api', 'outbound-reply', 'inbound'] }).notNull(),
    fromNumber: text('from_number').notNull(),
    toNumber: text('to_number').notNull(),
    body: text('body').notNull(),
    status: text('status').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [index('sms_stand_in_messages_created').on(t.createdAt)],
);
