/**
 * The preferences page's data: for one account (the manage right), what the signed-in login's own
 * e-mail receives, who else receives what (the customer's mobile, people they added, people who
 * signed up), and the quiet hours for texts. Saving writes only what changed, so each topic row's
 * `changed_at`/`changed_via` keeps saying when and how that choice was made.
 *
 * A topic a recipient turned off themselves (an unsubscribe link, or their mail client's one-click)
 * stays off: the account cannot turn it back on for them. The login's own e-mail is its own, so
 * the login may.
 *
 * Paper or e-mail bills (paperless billing) are chosen here too, for a login that may see the
 * account's bills: read from and written to the one place the pay page uses as well
 * (billing_preferences, worker/payments/paperless.ts).
 */
import { and, eq, ne } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { accounts, alertRecipients, contactPreferences, logins, recipientTopics } from '../../db/schema';
import { alertTypes } from '../../db/schema/alerts';
import { runBatch, type AccountDeps } from '../accounts/deps';
import { maskAccountNumber } from '../accounts/client';
import { auditInsert } from '../audit/log';
import { accountIdsWithRight, assertAccountRight } from '../auth/account-access';
import { paperlessOf, paperlessWrites } from '../payments/paperless';
import { ApiError, invalidRequest, type FieldProblem } from '../http/errors';
import { displayPhone, type SavePreferencesBody } from '../shared/preference-forms';
import { isAccountHoldersOwn, loginRecipient, newLoginRecipient, quietSettings, serviceStreet, topicsOf, type Topics } from './store';
import { defaultTopics, mailTopics, type MailTopic } from './topics';

export type TopicView = { enabled: boolean; refusedByRecipient: boolean };

export type RecipientView = {
  id: string;
  channel: 'email' | 'sms';
  address: string;
  name: string | null;
  origin: 'added' | 'sign_up';
  own: boolean;
  status: 'pending' | 'confirmed';
  smsStopped: boolean;
  confirmSentAt: string | null;
  topics: Record<MailTopic, TopicView>;
};

export type PreferencesView = Awaited<ReturnType<typeof readPreferences>>;

const refused = (t: Topics[MailTopic] | undefined) => Boolean(t && !t.enabled && (t.changedVia === 'link' || t.changedVia === 'one_click'));

/** Topics an added recipient may receive: alerts only (the newsletter and program mail are a login's own choice). */
export const recipientTopicsFor = (origin: 'login' | 'added' | 'sign_up'): readonly MailTopic[] => (origin === 'login' ? mailTopics : alertTypes);

/** Whether the login may see (and so, with the manage right, choose) the account's billing: paperless is billing. */
async function mayChooseBilling(deps: AccountDeps, loginId: string, accountId: string) {
  return (await accountIdsWithRight(deps.db, loginId, 'billing')).includes(accountId);
}

export async function readPreferences(deps: AccountDeps, loginId: string, accountId: string) {
  const { db } = deps;
  await assertAccountRight(db, loginId, accountId, 'manage');
  const [account] = await db.select({ number: accounts.accountNumber }).from(accounts).where(eq(accounts.id, accountId)).limit(1);
  if (!account) throw new ApiError(404, 'not_found', 'No such account.');
  const [login] = await db.select({ email: logins.email }).from(logins).where(eq(logins.id, loginId)).limit(1);
  const mine = await loginRecipient(db, accountId, loginId);
  const others = await db
    .select()
    .from(alertRecipients)
    .where(and(eq(alertRecipients.accountId, accountId), ne(alertRecipients.status, 'removed'), ne(alertRecipients.origin, 'login')))
    .orderBy(alertRecipients.createdAt);
  const topics = await topicsOf(db, [...(mine ? [mine.id] : []), ...others.map((o) => o.id)]);
  const myTopics = mine ? topics.get(mine.id)! : null;
  const defaults = defaultTopics('login');
  const quiet = await quietSettings(db, accountId);
  // Null when the login may manage the account but not see its bills.
  const bills = (await mayChooseBilling(deps, loginId, accountId)) ? { paperless: await paperlessOf(db, accountId) } : null;
  return {
    account: accountId,
    accountNumber: maskAccountNumber(account.number),
    street: await serviceStreet(db, accountId),
    me: {
      email: login?.email ?? '',
      topics: Object.fromEntries(mailTopics.map((t) => [t, { enabled: myTopics ? myTopics[t].enabled : defaults[t], refusedByRecipient: false }])) as Record<MailTopic, TopicView>,
    },
    recipients: others.map(
      (r): RecipientView => ({
        id: r.id,
        channel: r.channel,
        address: r.channel === 'sms' ? displayPhone(r.address!) : r.address!,
        name: r.name,
        origin: r.origin as 'added' | 'sign_up',
        own: isAccountHoldersOwn(r),
        status: r.status as 'pending' | 'confirmed',
        smsStopped: Boolean(r.smsStoppedAt),
        confirmSentAt: r.confirmSentAt,
        topics: Object.fromEntries(mailTopics.map((t) => [t, { enabled: topics.get(r.id)![t].enabled, refusedByRecipient: refused(topics.get(r.id)![t]) }])) as Record<MailTopic, TopicView>,
      }),
    ),
    quietHours: { enabled: quiet.quiet !== null, start: quiet.quiet?.start ?? null, end: quiet.quiet?.end ?? null, leakAlertsInQuietHours: quiet.leakAlertsInQuietHours, isDefault: quiet.isDefault },
    bills,
  };
}

const isChecked = (v: unknown) => v === true || v === 'on' || v === 'true' || v === '1';

export async function savePreferences(deps: AccountDeps, loginId: string, body: SavePreferencesBody) {
  const { db, now } = deps;
  await assertAccountRight(db, loginId, body.account, 'manage');
  const listed = [...new Set(body.recipients)];
  const others = listed.filter((id) => id !== 'me');
  const rows = others.length
    ? (await db.select().from(alertRecipients).where(and(eq(alertRecipients.accountId, body.account), ne(alertRecipients.status, 'removed'), ne(alertRecipients.origin, 'login')))).filter((r) => others.includes(r.id))
    : [];
  const problems: FieldProblem[] = [];
  if (rows.length !== others.length) problems.push({ field: 'recipients', message: 'Not a recipient of this account.' });
  // A checkbox must name a recipient the form listed and a topic that recipient can receive.
  const known = new Set(['account', 'recipients', 'quietHours', 'quietStart', 'quietEnd', 'leakAlertsInQuietHours', 'paperless']);
  for (const key of Object.keys(body)) {
    if (known.has(key)) continue;
    const [who, topic] = key.split('.');
    const origin = who === 'me' ? 'login' : rows.find((r) => r.id === who)?.origin;
    if (!origin || !listed.includes(who!) || !(recipientTopicsFor(origin) as readonly string[]).includes(topic ?? '')) problems.push({ field: key.slice(0, 80), message: 'Not a topic of a recipient on this form.' });
  }
  const mine = listed.includes('me') ? await loginRecipient(db, body.account, loginId) : null;
  const current = await topicsOf(db, [...(mine ? [mine.id] : []), ...rows.map((r) => r.id)]);
  const statements: BatchItem<'sqlite'>[] = [];
  let meId = mine?.id ?? null;
  if (listed.includes('me') && !mine) {
    const created = newLoginRecipient(db, body.account, loginId, now);
    meId = created.id;
    statements.push(...created.statements);
  }
  const wantedFor = (key: string, origin: 'login' | 'added' | 'sign_up') => Object.fromEntries(recipientTopicsFor(origin).map((t) => [t, isChecked(body[`${key}.${t}`])])) as Partial<Record<MailTopic, boolean>>;
  const writes: { recipientId: string; topic: MailTopic; enabled: boolean }[] = [];
  if (meId) {
    const wanted = wantedFor('me', 'login');
    const saved = mine ? current.get(mine.id)! : null;
    const base = defaultTopics('login');
    for (const t of mailTopics) {
      const was = saved ? saved[t].enabled : base[t];
      if (wanted[t] !== was || !mine) writes.push({ recipientId: meId, topic: t, enabled: wanted[t]! });
    }
  }
  for (const r of rows) {
    const wanted = wantedFor(r.id, r.origin);
    const state = current.get(r.id)!;
    for (const t of recipientTopicsFor(r.origin)) {
      if (wanted[t] === state[t].enabled) continue;
      if (wanted[t] && refused(state[t])) {
        problems.push({ field: `${r.id}.${t}`, message: 'The recipient turned this off themselves; only they can turn it back on.' });
        continue;
      }
      writes.push({ recipientId: r.id, topic: t, enabled: wanted[t]! });
    }
  }
  // Paper or e-mail bills: only for a login that may see the bills, and written only when it changes.
  let paperlessChanged = false;
  if (body.paperless !== undefined) {
    if (!(await mayChooseBilling(deps, loginId, body.account))) problems.push({ field: 'paperless', message: 'Only someone who may see this account\'s bills can choose paper or e-mail bills.' });
    else if ((await paperlessOf(db, body.account)) !== (body.paperless === 'on')) {
      statements.push(...paperlessWrites(db, { accountId: body.account, loginId, paperless: body.paperless === 'on', now }));
      paperlessChanged = true;
    }
  }
  if (problems.length) throw invalidRequest(problems);
  for (const w of writes) {
    const set = { enabled: w.enabled, changedVia: 'preferences' as const, changedAt: now.toISOString() };
    statements.push(db.insert(recipientTopics).values({ recipientId: w.recipientId, topic: w.topic, ...set }).onConflictDoUpdate({ target: [recipientTopics.recipientId, recipientTopics.topic], set }));
  }
  const quiet = { quietHoursStart: body.quietHours ? body.quietStart! : null, quietHoursEnd: body.quietHours ? body.quietEnd! : null, leakAlertsInQuietHours: body.leakAlertsInQuietHours, updatedAt: now.toISOString(), updatedByLoginId: loginId };
  statements.push(db.insert(contactPreferences).values({ accountId: body.account, ...quiet }).onConflictDoUpdate({ target: contactPreferences.accountId, set: quiet }));
  statements.push(auditInsert(db, { event: 'preferences.updated', actorLoginId: loginId, subjectLoginId: loginId, subjectAccountId: body.account, detail: { topicsChanged: writes.length, paperlessChanged } }));
  await runBatch(db, statements);
  return { status: 'preferences-saved' as const };
}
