/**
 * One plain sentence that says what an alert saw, from the figures the rule recorded
 * (worker/alerts/detection/rules.ts). Figures are numbers and days only; a figure that is absent
 * is left out of the sentence rather than shown as "undefined".
 */
import type { AlertType } from '../../../db/schema';
import { defaultDetectionConfig } from '../detection/config';
import type { MeterKind } from '../../usage/units';

const baseUnitWords: Record<MeterKind, string> = { water: 'gallons', electric: 'kWh', gas: 'therms' };

const dayFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });
/** "2026-10-02" → "October 2, 2026" (a local day, so formatted as a date without a zone shift). */
export const longDay = (day: string) => (/^\d{4}-\d{2}-\d{2}$/.test(day) ? dayFormat.format(new Date(`${day}T00:00:00Z`)) : day);

const stampFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
/** "2026-10-02T03:00" (local wall time) → "October 2, 2026 at 3:00 AM". */
const longStamp = (stamp: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(stamp) ? stampFormat.format(new Date(`${stamp.slice(0, 16)}:00Z`)) : stamp);

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const amount = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 1 }));
const dollars = (cents: number) => `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const hourWord = (h: number) => (h === 0 ? 'midnight' : h < 12 ? `${h} a.m.` : h === 12 ? 'noon' : `${h - 12} p.m.`);

export function describeAlert(type: AlertType, kind: MeterKind, figures: Record<string, unknown>, days: { firstDay: string; lastDay: string }): string {
  const unit = baseUnitWords[kind];
  const f = figures;
  switch (type) {
    case 'continuous_flow': {
      const hours = num(f.hours);
      const since = str(f.since);
      const min = num(f.minPerHour);
      const limit = num(f.thresholdHours);
      return [
        `Water ran without a single quiet interval${hours !== null ? ` for ${amount(hours)} hours` : ''}${since ? `, from ${longStamp(since)}` : ''}.`,
        min !== null ? `Even the slowest hour used ${amount(min)} gallons.` : '',
        limit !== null ? `You are alerted after ${limit} hours of flow that never stops.` : '',
      ]
        .filter(Boolean)
        .join(' ');
    }
    case 'intermittent_leak': {
      const { nightFromHour, nightToHour } = defaultDetectionConfig.intermittent;
      const high = num(f.highNights);
      const of = num(f.ofNights);
      const night = num(f.nightPerHour);
      const base = num(f.baselinePerHour);
      return [
        `Between ${hourWord(nightFromHour)} and ${hourWord(nightToHour)}, when most homes use no water, water kept flowing${high !== null && of !== null ? ` on ${high} of the last ${of} nights` : ''}.`,
        night !== null ? `The lowest flow on those nights was about ${amount(night)} gallons an hour${base !== null ? `; your home's usual quiet-night level is ${amount(base)}` : ''}.` : '',
        'A toilet that runs now and then, or a valve that weeps after watering, looks like this.',
      ]
        .filter(Boolean)
        .join(' ');
    }
    case 'high_use_day': {
      const total = num(f.total);
      const threshold = num(f.threshold);
      const typical = num(f.typical);
      const used = `On ${longDay(days.lastDay)} you used ${total !== null ? `${amount(total)} ${unit}` : 'more than usual'}`;
      if (f.basis === 'threshold' && threshold !== null) return `${used}, above the ${amount(threshold)} ${unit} a day you set.`;
      if (typical !== null) return `${used}, well above a typical day for your home (about ${amount(typical)} ${unit}).`;
      return `${used}.`;
    }
    case 'high_use_period': {
      const toDate = num(f.useToDate);
      const projected = num(f.projectedUse);
      const start = str(f.periodStart);
      const end = str(f.periodEnd);
      const threshold = num(f.threshold);
      const typical = num(f.typical);
      const so = `${start ? `Since ${longDay(start)}` : 'So far this billing period'} you have used ${toDate !== null ? `${amount(toDate)} ${unit}` : 'more than usual'}`;
      const pace = projected !== null ? `; at this pace the period${end ? ` ending ${longDay(end)}` : ''} comes to about ${amount(projected)} ${unit}` : '';
      if (f.basis === 'threshold' && threshold !== null) return `${so}${pace}. That is above the ${amount(threshold)} ${unit} a period you set.`;
      if (typical !== null) return `${so}${pace}. A usual period for your home is about ${amount(typical)} ${unit}.`;
      return `${so}${pace}.`;
    }
    case 'bill_forecast': {
      const projectedCents = num(f.projectedCents);
      const start = str(f.periodStart);
      const end = str(f.periodEnd);
      const thresholdCents = num(f.thresholdCents);
      const typicalCents = num(f.typicalCents);
      const bill = `At the pace of the last few days, the ${kind === 'water' ? 'water' : kind === 'electric' ? 'electricity' : 'gas'} charges for ${start && end ? `${longDay(start)} to ${longDay(end)}` : 'this billing period'} come to about ${projectedCents !== null ? dollars(projectedCents) : 'more than usual'}, before taxes and surcharges`;
      if (f.basis === 'threshold' && thresholdCents !== null) return `${bill}: more than the ${dollars(thresholdCents)} you set.`;
      if (typicalCents !== null) return `${bill}: well above a usual period for your home (about ${dollars(typicalCents)}).`;
      return `${bill}.`;
    }
  }
}
