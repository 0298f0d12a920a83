/**
 * Delivery of one alert notice (opened, reminder, closed; worker/alerts/detection writes them):
 * who hears about it, on which channel, and when.
 *
 * - Who: the account's confirmed recipients whose topics include the alert's type: the holders'
 *   own login e-mails (on by default, given a row here the first time), the mobile numbers and
 *   people the account added once their owners confirmed, and people who signed up with the
 *   account proof. A login hears only while it may still see the account's usage; a number that
 *   replied STOP hears nothing.
 * - How: each recipient is one channel (an e-mail address or a mobile number), so choosing
 *   channels per alert type is choosing, per recipient, which types it gets.
 * - When: e-mail at once; a text at once, or when the account's quiet hours end (quiet-hours.ts).
 * - Once: each (notice, recipient) is delivered once (alert_deliveries is unique on the pair and
 *   written in the same batch as the outbox rows), so the queue retrying a message, or detection
 *   handing the same notice over twice, sends nothing more.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import type { BatchItem } from 'drizzle-orm/batch';
import { alertDeliveries, alertNotices, alerts, meters, servicePoints, type AlertNoticeKind, type AlertType } from '../../../db/schema';
import { queueEmail } from '../../mail/outbox';
import { utility } from '../../shared/utility';
import type { MeterKind } from '../../usage/units';
import { accountTimeZone, holderLoginsWithoutRow, isAccountHoldersOwn, liveRecipients, newLoginRecipient, quietSettings, topicsOf } from '../../preferences/store';
import { isLeakTopic } from '../../preferences/topics';
import { topicMail } from '../../preferences/topic-mail';
import { alertTitle, noticeText } from '../describe';
import { textNotBefore } from './quiet-hours';
import { queueSms } from './sms-outbox';

export type DeliveryDeps = { db: DrizzleD1Database; secret: string; origin: string; now: Date };

export type NoticeDelivery = { noticeId: string; email: number; sms: number; held: number; skipped: 'no-notice' | null };

type NoticeRow = {
  noticeId: string;
  notice: AlertNoticeKind;
  alertId: string;
  type: AlertType;
  accountId: string;
  firstDay: string;
  lastDay: string;
  figures: Record<string, unknown>;
  closeReason: string | null;
  meterKind: MeterKind;
  street: string;
};

async function loadNotice(db: DrizzleD1Database, noticeId: string): Promise<NoticeRow | null> {
  const [row] = await db
    .select({
      noticeId: alertNotices.id,
      notice: alertNotices.kind,
      alertId: alerts.id,
      type: alerts.type,
      accountId: alerts.accountId,
      firstDay: alerts.firstDay,
      lastDay: alerts.lastDay,
      figures: alerts.figures,
      closeReason: alerts.closeReason,
      meterKind: meters.kind,
      street: servicePoints.street,
    })
    .from(alertNotices)
    .innerJoin(alerts, eq(alerts.id, alertNotices.alertId))
    .innerJoin(meters, eq(meters.id, alerts.meterId))
    .innerJoin(servicePoints, eq(servicePoints.id, meters.servicePointId))
    .where(eq(alertNotices.id, noticeId))
    .limit(1);
  return row ? { ...row, figures: row.figures ?? {} } : null;
}

/** The e-mail text of a notice: what happened, then what to do, for a holder or for someone the holder added. */
function emailLines(n: NoticeRow, forLogin: boolean, origin: string) {
  const { lines } = noticeText({ type: n.type, kind: n.meterKind, figures: n.figures, firstDay: n.firstDay, lastDay: n.lastDay, closeReason: n.closeReason }, n.notice);
  const next = forLogin
    ? n.notice === 'closed'
      ? [`The alert and its reads stay in your alert centre: ${origin}/account/alerts/`]
      : [`See the reads behind it, and tell us what you found (fixed, not a problem, or you need help): ${origin}/account/alerts/`, `How to check for a leak: ${origin}/help/leaks-and-alerts/`]
    : [`The account holder asked us to tell you about alerts at this address. How to check for a leak: ${origin}/help/leaks-and-alerts/`, `Questions, or water running right now that you cannot stop: call ${utility.phoneDisplay}.`];
  return ['Hello,', '', `About ${n.street}:`, ...lines, '', ...next];
}

/** A text: short enough for one or two segments, with the way out carriers require. */
function smsBody(n: NoticeRow, forLogin: boolean, origin: string) {
  const title = alertTitle({ type: n.type, kind: n.meterKind });
  const head = n.notice === 'closed' ? `alert over: ${title.toLowerCase()}` : n.notice === 'reminder' ? `still happening: ${title.toLowerCase()}` : title;
  const more = forLogin ? `Details: ${origin}/account/alerts/` : `Questions: ${utility.phoneDisplay}`;
  return `${utility.shortName}: ${head} at ${n.street}. ${more} Reply STOP to end texts.`;
}

export async function deliverNotice(deps: DeliveryDeps, noticeId: string): Promise<NoticeDelivery> {
  const { db, now } = deps;
  const result: NoticeDelivery = { noticeId, email: 0, sms: 0, held: 0, skipped: null };
  const n = await loadNotice(db, noticeId);
  if (!n) return { ...result, skipped: 'no-notice' };

  // Holders without a row get one now, with the defaults: they hear about alerts unless they said otherwise.
  const missing = await holderLoginsWithoutRow(db, n.accountId);
  if (missing.length) {
    const statements = missing.flatMap((loginId) => newLoginRecipient(db, n.accountId, loginId, now).statements);
    // Two deliveries at once may both try: the partial unique index keeps one row per login.
    await db.batch(statements as unknown as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]).catch(() => undefined);
  }

  const recipients = (await liveRecipients(db, n.accountId)).filter((r) => r.loginMayHear);
  if (!recipients.length) return result;
  const topics = await topicsOf(db, recipients.map((r) => r.id));
  const done = new Set(
    (await db.select({ recipientId: alertDeliveries.recipientId }).from(alertDeliveries).where(and(eq(alertDeliveries.noticeId, noticeId), inArray(alertDeliveries.recipientId, recipients.map((r) => r.id))))).map((d) => d.recipientId),
  );
  const wanted = recipients.filter((r) => topics.get(r.id)?.[n.type].enabled && !done.has(r.id) && !(r.channel === 'sms' && r.smsStoppedAt));
  if (!wanted.length) return result;

  const quiet = await quietSettings(db, n.accountId);
  const timeZone = await accountTimeZone(db, n.accountId);
  const notBefore = textNotBefore(now, quiet.quiet, timeZone, { leak: isLeakTopic(n.type), leakAlertsInQuietHours: quiet.leakAlertsInQuietHours });
  const statements: BatchItem<'sqlite'>[] = [];
  for (const r of wanted) {
    const forLogin = isAccountHoldersOwn(r);
    const outboxId = crypto.randomUUID();
    if (r.channel === 'email') {
      const address = r.origin === 'login' ? r.loginEmail : r.address;
      if (!address) continue;
      const { subject } = noticeText({ type: n.type, kind: n.meterKind, figures: n.figures, firstDay: n.firstDay, lastDay: n.lastDay, closeReason: n.closeReason }, n.notice);
      const mail = await topicMail({
        secret: deps.secret,
        origin: deps.origin,
        now,
        recipient: { id: r.id, address, origin: r.origin },
        topic: n.type,
        kind: `alert-${n.notice}`,
        subject,
        lines: emailLines(n, forLogin, deps.origin),
      });
      statements.push(db.insert(alertDeliveries).values({ id: crypto.randomUUID(), noticeId, recipientId: r.id, channel: 'email', outboxId, createdAt: now.toISOString() }));
      statements.push(queueEmail(db, mail, outboxId));
      result.email++;
    } else {
      statements.push(db.insert(alertDeliveries).values({ id: crypto.randomUUID(), noticeId, recipientId: r.id, channel: 'sms', outboxId, createdAt: now.toISOString() }));
      statements.push(queueSms(db, { id: outboxId, to: r.address!, body: smsBody(n, isAccountHoldersOwn(r), deps.origin), kind: `alert-${n.notice}`, notBefore, noticeId }));
      result.sms++;
      if (notBefore.getTime() > now.getTime()) result.held++;
    }
  }
  if (!statements.length) return result;
  try {
    await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  } catch (err) {
    // Another delivery of the same notice won the race (alert_deliveries_once): it sent them.
    if (String(err).includes('UNIQUE')) return { ...result, email: 0, sms: 0, held: 0 };
    throw err;
  }
  return result;
}

