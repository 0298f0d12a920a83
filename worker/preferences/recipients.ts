/**
 * Extra recipients: an address or number someone who manages the account adds (the customer's own
 * mobile, a family member, a landlord), or that someone signs up with the account proof. Nothing is
 * sent there but the confirmation until its owner agrees: by the link in that message (its code in
 * the fragment), or for a mobile by replying YES. Either side can end it: the account on the
 * preferences page, the recipient by the link in every message (or STOP by text).
 *
 * Invitations are throttled per inviting login and per address (worker/accounts/throttle.ts), since
 * each one sends a message to someone who did not ask for it; a sign-up shares registration's
 * counters for the account proof, so the two forms together give no more guesses than one.
 */
import { and, eq, gt, inArray, isNotNull, ne } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { accountAccess, alertDeliveries, alertRecipients, logins, recipientTopics } from '../../db/schema';
import { lockedUntil, recordFailure, throttle } from '../accounts/throttle';
import { provenAccount } from '../accounts/register';
import { runBatch, type AccountDeps } from '../accounts/deps';
import { auditInsert } from '../audit/log';
import { assertAccountRight } from '../auth/account-access';
import { randomToken, sha256Hex } from '../auth/tokens';
import { ApiError } from '../http/errors';
import { queueEmail } from '../mail/outbox';
import type { AddRecipientBody, SignUpBody } from '../shared/preference-forms';
import { textNotBefore } from '../alerts/delivery/quiet-hours';
import { cancelQueuedSms, queueSms } from '../alerts/delivery/sms-outbox';
import { preferenceMails } from './mails';
import { holdersOf } from '../mail/recipients';
import type { Locale } from '../i18n/locale';
import { accountTimeZone, isAccountHoldersOwn, maskAddress, quietSettings, serviceStreet, topicRows } from './store';
import { chosenTopics, mailTopics, type MailTopic } from './topics';

/** How long an invitation waits for its owner. */
export const CONFIRM_LIFETIME_MS = 7 * 86_400_000;

const CODE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{16,64})$/;

const exists = () => new ApiError(409, 'recipient_exists', 'That address or number already gets alerts for this account, or is waiting to be confirmed.', [{ field: 'address', message: 'Already added.' }]);
const tooMany = () => new ApiError(429, 'too_many_requests', 'Too many confirmations were sent. Please wait a day and try again.');
const noSuchRecipient = () => new ApiError(404, 'not_found', 'No such recipient on this account.');

/** A fresh confirmation: the code for the message, and the hash and expiry to store. */
async function newConfirmation(recipientId: string, now: Date) {
  const secret = randomToken(18);
  return { code: `${recipientId}.${secret}`, hash: await sha256Hex(secret), expiresAt: new Date(now.getTime() + CONFIRM_LIFETIME_MS).toISOString() };
}

const inviteGuards = async (deps: AccountDeps, channel: string, address: string, loginId?: string) => [
  await throttle(deps.secret, 'recipientInviteAddress', `${channel}:${address}`),
  ...(loginId ? [await throttle(deps.secret, 'recipientInviteLogin', loginId)] : [await throttle(deps.secret, 'mailClient', deps.client)]),
];

/**
 * The statement that sends the confirmation (e-mail at once; a text at once or when quiet hours
 * end), in a one-item list: a drizzle query is a thenable, so an async function returning it bare
 * would run it instead of handing it to the caller's batch.
 */
/** Asks the address's owner to confirm, in the language the recipient was added or signed up in. */
async function confirmationMessage(deps: AccountDeps, r: { accountId: string; channel: 'email' | 'sms'; address: string; locale: Locale }, code: string, topics: MailTopic[], why: 'added' | 'own') {
  const street = await serviceStreet(deps.db, r.accountId);
  const context = { origin: deps.origin, code, street, topics, why, locale: r.locale };
  if (r.channel === 'email') return [queueEmail(deps.db, preferenceMails.confirmEmail(r.address, context))];
  const quiet = await quietSettings(deps.db, r.accountId);
  const notBefore = textNotBefore(deps.now, quiet.quiet, await accountTimeZone(deps.db, r.accountId), { leak: false, leakAlertsInQuietHours: false });
  return [queueSms(deps.db, { to: r.address, body: preferenceMails.confirmSms(context), kind: 'alert-recipient-confirm', notBefore })];
}

async function liveRecipientWith(deps: AccountDeps, accountId: string, channel: 'email' | 'sms', address: string) {
  const [row] = await deps.db
    .select()
    .from(alertRecipients)
    .where(and(eq(alertRecipients.accountId, accountId), eq(alertRecipients.channel, channel), eq(alertRecipients.address, address), ne(alertRecipients.status, 'removed')))
    .limit(1);
  return row ?? null;
}

const enabledOf = (topics: Record<MailTopic, boolean>) => mailTopics.filter((t) => topics[t]);

/** Adds a recipient to an account (manage right) and asks its owner to confirm. */
export async function addRecipient(deps: AccountDeps, loginId: string, body: AddRecipientBody) {
  const { db, now } = deps;
  await assertAccountRight(db, loginId, body.account, 'manage');
  if (body.channel === 'email') {
    const [me] = await db.select({ email: logins.email }).from(logins).where(eq(logins.id, loginId)).limit(1);
    if (me?.email === body.address) throw exists();
  }
  if (await liveRecipientWith(deps, body.account, body.channel, body.address)) throw exists();
  const guards = await inviteGuards(deps, body.channel, body.address, loginId);
  if (await lockedUntil(db, guards, now)) throw tooMany();
  await recordFailure(db, guards, now);
  const id = crypto.randomUUID();
  const confirmation = await newConfirmation(id, now);
  const topics = chosenTopics('added', body.topics);
  try {
    await runBatch(db, [
      db.insert(alertRecipients).values({
        id,
        accountId: body.account,
        channel: body.channel,
        address: body.address,
        name: body.name ?? null,
        locale: deps.locale,
        origin: 'added',
        addedByLoginId: loginId,
        status: 'pending',
        confirmHash: confirmation.hash,
        confirmExpiresAt: confirmation.expiresAt,
        confirmSentAt: now.toISOString(),
        createdAt: now.toISOString(),
      }),
      db.insert(recipientTopics).values(topicRows(id, topics, 'preferences', now)),
      ...(await confirmationMessage(deps, { accountId: body.account, channel: body.channel, address: body.address, locale: deps.locale }, confirmation.code, enabledOf(topics), isAccountHoldersOwn({ origin: 'added', name: body.name ?? null }) ? 'own' : 'added')),
      auditInsert(db, { event: 'alerts.recipient_added', actorLoginId: loginId, subjectAccountId: body.account, detail: { recipient: id, channel: body.channel } }),
    ]);
  } catch (err) {
    // Lost a race with the same address (the partial unique index): it is there already.
    if (String(err).includes('UNIQUE')) throw exists();
    throw err;
  }
  return { status: 'recipient-invited' as const, recipient: id, channel: body.channel };
}

async function accountRecipient(deps: AccountDeps, accountId: string, recipientId: string) {
  const [row] = await deps.db.select().from(alertRecipients).where(and(eq(alertRecipients.id, recipientId), eq(alertRecipients.accountId, accountId))).limit(1);
  if (!row || row.status === 'removed' || row.origin === 'login') throw noSuchRecipient();
  return row;
}

/** Texts still waiting to go to a recipient (held by quiet hours), to cancel with it. */
async function queuedSmsOf(deps: AccountDeps, recipientId: string) {
  const rows = await deps.db.select({ id: alertDeliveries.outboxId }).from(alertDeliveries).where(and(eq(alertDeliveries.recipientId, recipientId), eq(alertDeliveries.channel, 'sms')));
  return rows.map((r) => r.id);
}

/** Ends a recipient, from the account's side (manage right). Its owner is not told: they simply get nothing more. */
export async function removeRecipient(deps: AccountDeps, loginId: string, body: { account: string; recipient: string }) {
  const { db, now } = deps;
  await assertAccountRight(db, loginId, body.account, 'manage');
  const row = await accountRecipient(deps, body.account, body.recipient);
  await runBatch(db, [
    db.update(alertRecipients).set({ status: 'removed', removedAt: now.toISOString(), removedBy: 'account', confirmHash: null }).where(eq(alertRecipients.id, row.id)),
    cancelQueuedSms(db, await queuedSmsOf(deps, row.id)),
    auditInsert(db, { event: 'alerts.recipient_removed', actorLoginId: loginId, subjectAccountId: body.account, detail: { recipient: row.id, by: 'account' } }),
  ]);
  return { status: 'recipient-removed' as const };
}

/** Sends a pending recipient its confirmation again (a new code; the old one stops working). */
export async function resendConfirmation(deps: AccountDeps, loginId: string, body: { account: string; recipient: string }) {
  const { db, now } = deps;
  await assertAccountRight(db, loginId, body.account, 'manage');
  const row = await accountRecipient(deps, body.account, body.recipient);
  if (row.status !== 'pending') throw new ApiError(409, 'recipient_not_pending', 'That recipient is not waiting for a confirmation.');
  const guards = await inviteGuards(deps, row.channel, row.address!, loginId);
  if (await lockedUntil(db, guards, now)) throw tooMany();
  await recordFailure(db, guards, now);
  const confirmation = await newConfirmation(row.id, now);
  const topics = (await db.select().from(recipientTopics).where(and(eq(recipientTopics.recipientId, row.id), eq(recipientTopics.enabled, true)))).map((t) => t.topic);
  await runBatch(db, [
    db.update(alertRecipients).set({ confirmHash: confirmation.hash, confirmExpiresAt: confirmation.expiresAt, confirmSentAt: now.toISOString() }).where(eq(alertRecipients.id, row.id)),
    ...(await confirmationMessage(deps, { accountId: row.accountId, channel: row.channel, address: row.address!, locale: row.locale }, confirmation.code, topics, row.origin === 'sign_up' || isAccountHoldersOwn(row) ? 'own' : 'added')),
    auditInsert(db, { event: 'alerts.recipient_reinvited', actorLoginId: loginId, subjectAccountId: body.account, detail: { recipient: row.id } }),
  ]);
  return { status: 'confirmation-resent' as const };
}

const invalidCode = () => new ApiError(400, 'link_invalid', 'This link is not valid. Please use the newest message we sent.', [{ field: 'code', message: 'Not a valid code.' }]);

/** The owner of an address confirms it, from the link (no sign-in: the code is the proof). */
export async function confirmRecipient(deps: Pick<AccountDeps, 'db' | 'now'>, code: string) {
  const { db, now } = deps;
  const m = CODE.exec(code.trim());
  if (!m) throw invalidCode();
  const [, id, secret] = m as unknown as [string, string, string];
  const [row] = await db.select().from(alertRecipients).where(eq(alertRecipients.id, id)).limit(1);
  if (!row) throw invalidCode();
  if (row.status === 'confirmed') return { status: 'recipient-confirmed' as const };
  if (row.status !== 'pending' || !row.confirmHash || row.confirmHash !== (await sha256Hex(secret))) throw invalidCode();
  if (!row.confirmExpiresAt || Date.parse(row.confirmExpiresAt) <= now.getTime()) throw new ApiError(410, 'link_expired', 'This link has expired. Ask the account holder to send it again.');
  const claimed = await db
    .update(alertRecipients)
    .set({ status: 'confirmed', confirmedAt: now.toISOString(), confirmHash: null, confirmExpiresAt: null })
    .where(and(eq(alertRecipients.id, row.id), eq(alertRecipients.status, 'pending')))
    .returning({ id: alertRecipients.id });
  if (claimed.length) await runBatch(db, [auditInsert(db, { event: 'alerts.recipient_confirmed', subjectAccountId: row.accountId, detail: { recipient: row.id, by: 'link' } })]);
  return { status: 'recipient-confirmed' as const };
}

/** A mobile replied YES: every invitation to it still waiting, and not expired, is confirmed. */
export async function confirmNumberByReply(db: AccountDeps['db'], number: string, now: Date) {
  const pending = await db
    .select()
    .from(alertRecipients)
    .where(and(eq(alertRecipients.channel, 'sms'), eq(alertRecipients.address, number), eq(alertRecipients.status, 'pending'), gt(alertRecipients.confirmExpiresAt, now.toISOString())));
  if (!pending.length) return 0;
  await runBatch(db, [
    db
      .update(alertRecipients)
      .set({ status: 'confirmed', confirmedAt: now.toISOString(), confirmHash: null, confirmExpiresAt: null })
      .where(and(inArray(alertRecipients.id, pending.map((p) => p.id)), eq(alertRecipients.status, 'pending'))),
    ...pending.map((p) => auditInsert(db, { event: 'alerts.recipient_confirmed', subjectAccountId: p.accountId, detail: { recipient: p.id, by: 'sms-reply' } })),
  ]);
  return pending.length;
}

/**
 * Alerts without a portal login: the account proof registration asks for (counted on the same
 * throttles), then the address is confirmed by its owner. The holders' logins are told, so an
 * address nobody in the household knows can be removed. A confirmed address answers the same and
 * gets no new message.
 */
export async function signUpForAlerts(deps: AccountDeps, body: SignUpBody) {
  const { db, now } = deps;
  const proofGuards = [await throttle(deps.secret, 'registerClient', deps.client), await throttle(deps.secret, 'registerAccount', body.accountNumber)];
  if (await lockedUntil(db, proofGuards, now)) {
    await runBatch(db, [auditInsert(db, { event: 'alerts.sign_up_refused_locked' })]);
    throw new ApiError(429, 'too_many_attempts', 'Too many attempts. Please wait a while and try again.');
  }
  const accountId = await provenAccount(deps, body);
  if (!accountId) {
    const locked = await recordFailure(db, proofGuards, now);
    await runBatch(db, [auditInsert(db, { event: 'alerts.sign_up_proof_failed' }), ...locked.map((scope) => auditInsert(db, { event: 'alerts.sign_up_lockout', detail: { scope } }))]);
    throw new ApiError(422, 'account_not_proven', 'We could not match those details to a utility account. Check the account number, the service ZIP code and the last bill amount.');
  }
  const mailGuards = await inviteGuards(deps, body.channel, body.address);
  if (await lockedUntil(db, mailGuards, now)) throw tooMany();
  await recordFailure(db, mailGuards, now);
  const existing = await liveRecipientWith(deps, accountId, body.channel, body.address);
  if (existing?.status === 'confirmed') return { status: 'sign-up-sent' as const };
  const id = existing?.id ?? crypto.randomUUID();
  const confirmation = await newConfirmation(id, now);
  const topics = chosenTopics('sign_up', body.topics);
  const street = await serviceStreet(db, accountId);
  const statements: BatchItem<'sqlite'>[] = existing
    ? [db.update(alertRecipients).set({ confirmHash: confirmation.hash, confirmExpiresAt: confirmation.expiresAt, confirmSentAt: now.toISOString() }).where(eq(alertRecipients.id, id))]
    : [
        db.insert(alertRecipients).values({
          id,
          accountId,
          channel: body.channel,
          address: body.address,
          locale: deps.locale,
          origin: 'sign_up',
          status: 'pending',
          confirmHash: confirmation.hash,
          confirmExpiresAt: confirmation.expiresAt,
          confirmSentAt: now.toISOString(),
          createdAt: now.toISOString(),
        }),
        db.insert(recipientTopics).values(topicRows(id, topics, 'sign_up', now)),
      ];
  statements.push(...(await confirmationMessage(deps, { accountId, channel: body.channel, address: body.address, locale: existing?.locale ?? deps.locale }, confirmation.code, enabledOf(topics), 'own')));
  for (const holder of await holdersOf(deps.db, accountId)) {
    statements.push(queueEmail(db, preferenceMails.signUpNotice(holder.email, { origin: deps.origin, masked: maskAddress(body.channel, body.address), street, channel: body.channel, locale: holder.locale })));
  }
  statements.push(auditInsert(db, { event: 'alerts.sign_up', subjectAccountId: accountId, detail: { recipient: id, channel: body.channel } }));
  try {
    await runBatch(db, statements);
  } catch (err) {
    if (!String(err).includes('UNIQUE')) throw err;
  }
  return { status: 'sign-up-sent' as const };
}

