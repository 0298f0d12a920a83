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
 * - In what language: the recipient's. A login's own e-mail in the login's language (logins.locale),
 *   an address or number in the one it was added in (alert_recipients.locale); links go to the
 *   Spanish pages mail may link to (worker/mail/mail-language.ts). Texts keep to the GSM alphabet
 *   (sms/gsm7.ts) so a Spanish one takes as few segments as the English one.
 * - Once: each (notice, recipient) is delivered once (alert_deliveries is unique on the pair and
 *   written in the same batch as the outbox rows), so the queue retrying a message, or detection
 *   handing the same notice over twice, sends nothing more.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import type { BatchItem } from 'drizzle-orm/batch';
import { alertDeliveries, alertNotices, alerts, meters, servicePoints, type AlertNoticeKind, type AlertType } from '../../../db/schema';
import { queueEmail } from '../../mail/outbox';
import { utility } from '../../tenants/scope';
import type { MeterKind } from '../../usage/units';
import { accountTimeZone, holderLoginsWithoutRow, isAccountHoldersOwn, liveRecipients, newLoginRecipient, quietSettings, topicsOf } from '../../preferences/store';
import { isLeakTopic } from '../../preferences/topics';
import { topicMail } from '../../preferences/topic-mail';
import { alertTitle, noticeText } from '../describe';
import type { Locale } from '../../i18n/locale';
import { linksIn, type PageLinks } from '../../i18n/page-links';
import { SPANISH_MAIL_PAGES } from '../../mail/mail-language';
import { toGsm7 } from './sms/gsm7';
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

const messageWords = {
  en: {
    hello: 'Hello,',
    about: (street: string) => `About ${street}:`,
    staysInCentre: (url: string) => `The alert and its reads stay in your alert centre: ${url}`,
    seeReads: (url: string) => `See the reads behind it, and tell us what you found (fixed, not a problem, or you need help): ${url}`,
    howToCheck: (url: string) => `How to check for a leak: ${url}`,
    holderAsked: (url: string) => `The account holder asked us to tell you about alerts at this address. How to check for a leak: ${url}`,
    call: (phone: string) => `Questions, or water running right now that you cannot stop: call ${phone}.`,
    over: (title: string) => `alert over: ${title.toLowerCase()}`,
    still: (title: string) => `still happening: ${title.toLowerCase()}`,
    at: 'at',
    details: 'Details:',
    questions: 'Questions:',
    stop: 'Reply STOP to end texts.',
  },
  es: {
    hello: 'Hola:',
    about: (street: string) => `Sobre ${street}:`,
    staysInCentre: (url: string) => `La alerta y sus lecturas quedan en su centro de alertas: ${url}`,
    seeReads: (url: string) => `Vea las lecturas de la alerta y cuéntenos qué encontró (lo arregló, no es un problema o necesita ayuda): ${url}`,
    howToCheck: (url: string) => `Cómo revisar si hay una fuga: ${url}`,
    holderAsked: (url: string) => `El titular de la cuenta nos pidió que le avisáramos de las alertas en esta dirección. Cómo revisar si hay una fuga: ${url}`,
    call: (phone: string) => `Si tiene preguntas, o si ahora mismo corre agua que no puede detener, llame al ${phone}.`,
    over: (title: string) => `alerta terminada: ${title.toLowerCase()}`,
    still: (title: string) => `sigue pasando: ${title.toLowerCase()}`,
    at: 'en',
    details: 'Detalles:',
    questions: 'Preguntas:',
    // The keyword stays STOP: it is the one carriers act on.
    stop: 'Responda STOP para dejar de recibir textos.',
  },
} satisfies Record<Locale, unknown>;

const described = (n: NoticeRow) => ({ type: n.type, kind: n.meterKind, figures: n.figures, firstDay: n.firstDay, lastDay: n.lastDay, closeReason: n.closeReason });

/** The e-mail text of a notice: what happened, then what to do, for a holder or for someone the holder added. */
function emailLines(n: NoticeRow, forLogin: boolean, origin: string, links: PageLinks) {
  const w = messageWords[links.locale];
  const url = (path: string) => `${origin}${links.href(path)}`;
  const { lines } = noticeText(described(n), n.notice, links.locale);
  const next = forLogin
    ? n.notice === 'closed'
      ? [w.staysInCentre(url('/account/alerts/'))]
      : [w.seeReads(url('/account/alerts/')), w.howToCheck(url('/help/leaks-and-alerts/'))]
    : [w.holderAsked(url('/help/leaks-and-alerts/')), w.call(utility().phoneDisplay)];
  return [w.hello, '', w.about(n.street), ...lines, '', ...next];
}

/** A text: short enough for one or two segments in the GSM alphabet, with the way out carriers require. */
export function smsBody(n: Pick<NoticeRow, 'type' | 'meterKind' | 'notice' | 'street'>, forLogin: boolean, origin: string, links: PageLinks) {
  const w = messageWords[links.locale];
  const title = alertTitle({ type: n.type, kind: n.meterKind }, links.locale);
  const head = n.notice === 'closed' ? w.over(title) : n.notice === 'reminder' ? w.still(title) : title;
  const more = forLogin ? `${w.details} ${origin}${links.href('/account/alerts/')}` : `${w.questions} ${utility().phoneDisplay}`;
  return toGsm7(`${utility().shortName}: ${head} ${w.at} ${n.street}. ${more} ${w.stop}`);
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
    const links = linksIn(r.writeIn, SPANISH_MAIL_PAGES);
    const outboxId = crypto.randomUUID();
    if (r.channel === 'email') {
      const address = r.origin === 'login' ? r.loginEmail : r.address;
      if (!address) continue;
      const { subject } = noticeText(described(n), n.notice, links.locale);
      const mail = await topicMail({
        links,
        secret: deps.secret,
        origin: deps.origin,
        now,
        recipient: { id: r.id, address, origin: r.origin },
        topic: n.type,
        kind: `alert-${n.notice}`,
        subject,
        lines: emailLines(n, forLogin, deps.origin, links),
      });
      statements.push(db.insert(alertDeliveries).values({ id: crypto.randomUUID(), noticeId, recipientId: r.id, channel: 'email', outboxId, createdAt: now.toISOString() }));
      statements.push(queueEmail(db, mail, outboxId));
      result.email++;
    } else {
      statements.push(db.insert(alertDeliveries).values({ id: crypto.randomUUID(), noticeId, recipientId: r.id, channel: 'sms', outboxId, createdAt: now.toISOString() }));
      statements.push(queueSms(db, { id: outboxId, to: r.address!, body: smsBody(n, forLogin, deps.origin, links), kind: `alert-${n.notice}`, notBefore, noticeId }));
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

