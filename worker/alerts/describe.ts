/**
 * An alert in plain words, from its type and figures: the headline the alert centre shows and the
 * subject and lines a message carries. One place, so the page, the e-mail and the text message say
 * the same thing. Figures are in the kind's base unit (gallons, kWh, therms); days are local dates.
 */
import type { AlertNoticeKind, AlertType } from '../../db/schema/alerts';
import { rates } from './detection/rates';
import type { MeterKind } from '../usage/units';

export type DescribedAlert = { type: AlertType; kind: MeterKind; figures: Record<string, unknown>; firstDay: string; lastDay: string; closeReason?: string | null };

const unitWord: Record<MeterKind, string> = { water: 'gallons', electric: 'kWh', gas: 'therms' };
const service: Record<MeterKind, string> = { water: 'water', electric: 'electricity', gas: 'gas' };
const num = (v: unknown, digits = 1) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : '?');
const dollars = (cents: unknown) => (typeof cents === 'number' ? `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}` : '?');
const dayWords = (day: string) => new Date(`${day}T12:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' });
const stampWords = (stamp: unknown) =>
  typeof stamp === 'string' ? new Date(`${stamp}:00Z`).toLocaleString('en-US', { weekday: 'long', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }) : 'some time ago';

/** A short title for the alert: what it is. */
export function alertTitle(a: Pick<DescribedAlert, 'type' | 'kind'>): string {
  switch (a.type) {
    case 'continuous_flow':
      return 'Water has been running without a break';
    case 'intermittent_leak':
      return 'Water is running at night when it usually stops';
    case 'high_use_day':
      return `High ${service[a.kind]} use in one day`;
    case 'high_use_period':
      return `High ${service[a.kind]} use this billing period`;
    case 'bill_forecast':
      return `Your ${service[a.kind]} bill is on course to be higher`;
  }
}

/** One or two sentences with the numbers that raised it. */
export function alertDetail(a: DescribedAlert): string {
  const f = a.figures;
  const u = unitWord[a.kind];
  // A leak alert goes on while either leak rule sees it; its figures name the rule that saw it last.
  const rule = (a.type === 'continuous_flow' || a.type === 'intermittent_leak') && (f.rule === 'continuous_flow' || f.rule === 'intermittent_leak') ? f.rule : a.type;
  switch (rule) {
    case 'continuous_flow':
      return `Your meter has recorded water flowing every hour since ${stampWords(f.since)}: ${num(f.hours, 0)} hours without stopping, never less than ${num(f.minPerHour)} ${u} an hour. That usually means a leak: a running toilet, a dripping tap, an irrigation valve or a broken pipe.`;
    case 'intermittent_leak':
      return `On ${num(f.highNights, 0)} of the last ${num(f.ofNights, 0)} nights, water kept flowing between 1 and 5 a.m. (at least ${num(f.nightPerHour)} ${u} an hour), when your home usually uses about ${num(f.baselinePerHour)} ${u} an hour then. A leak that comes and goes, such as a toilet flapper that sticks, looks like this.`;
    case 'high_use_day':
      return f.basis === 'threshold'
        ? `On ${dayWords(a.lastDay)} you used ${num(f.total, 0)} ${u}, above the ${num(f.threshold, 0)} ${u} a day you asked us to watch for.`
        : `On ${dayWords(a.lastDay)} you used ${num(f.total, 0)} ${u}, well above a high day for your home lately (about ${num(f.typical, 0)} ${u}).`;
    case 'high_use_period':
      return f.basis === 'threshold'
        ? `From ${dayWords(String(f.periodStart))} to ${dayWords(a.lastDay)} you used ${num(f.useToDate, 0)} ${u}, above the ${num(f.threshold, 0)} ${u} for the billing period you asked us to watch for.`
        : `At this pace you will use about ${num(f.projectedUse, 0)} ${u} this billing period (to ${dayWords(String(f.periodEnd))}), well above your usual ${num(f.typical, 0)} ${u}.`;
    case 'bill_forecast': {
      const how = `Projected from your use since ${dayWords(String(f.periodStart))} and your recent daily pace, priced at ${rates[a.kind].explanation}; taxes and surcharges are not included.`;
      return f.basis === 'threshold'
        ? `Your ${service[a.kind]} charges for the period ending ${dayWords(String(f.periodEnd))} are on course for about ${dollars(f.projectedCents)}, above the ${dollars(f.thresholdCents)} you set. ${how}`
        : `Your ${service[a.kind]} charges for the period ending ${dayWords(String(f.periodEnd))} are on course for about ${dollars(f.projectedCents)}, well above the usual ${dollars(f.typicalCents)}. ${how}`;
    }
  }
}

/** Subject and body lines of a notice about the alert (delivery adds greeting, links and footer). */
export function noticeText(a: DescribedAlert, notice: AlertNoticeKind): { subject: string; lines: string[] } {
  const title = alertTitle(a);
  if (notice === 'closed') {
    const why =
      a.closeReason === 'corrected'
        ? 'Corrected meter reads for those days show it did not happen as first read, so we have withdrawn the alert. Sorry for the worry.'
        : a.type === 'continuous_flow' || a.type === 'intermittent_leak'
          ? `Your reads since ${dayWords(a.lastDay)} look normal again, so the alert is closed. If you fixed something, thank you: it saves water and money.`
          : 'Your use is back to normal, so the alert is closed.';
    return { subject: `Alert closed: ${title.toLowerCase()}`, lines: [why] };
  }
  const prefix = notice === 'reminder' ? 'Still happening: ' : '';
  return { subject: `${prefix}${title}`, lines: [alertDetail(a)] };
}
