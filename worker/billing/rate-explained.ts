/**
 * The rate of a bill in plain words, from its own lines: what is fixed, how tiers and times of day
 * price use, what sewer and taxes add. Only what the bill's lines say is stated (a tier the bill
 * did not reach is not on it, so it is not described); nothing here is a rate table of its own.
 */
import type { billLineKinds, billServices, touPeriods } from '../../db/schema';
import { amountOf, money, quantity, unitPrice, unitWords } from './format';

export type RateLine = {
  kind: (typeof billLineKinds)[number];
  service: (typeof billServices)[number] | null;
  description: string;
  quantity: number | null;
  unit: string | null;
  unitPrice: number | null;
  tierFrom: number | null;
  tierTo: number | null;
  touPeriod: (typeof touPeriods)[number] | null;
  taxRatePercent: number | null;
  amountCents: number;
};

export type Explanation = { topic: 'rate' | 'water' | 'sewer' | 'electric' | 'gas' | 'other' | 'taxes' | 'total'; heading: string; sentences: string[] };

const serviceNames = { water: 'Water', sewer: 'Sewer', electric: 'Electricity', gas: 'Gas' } as const;
const ordinals = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];
const periodNames: Record<(typeof touPeriods)[number], string> = {
  peak: 'peak hours',
  mid_peak: 'mid-peak hours',
  off_peak: 'off-peak hours',
  super_off_peak: 'super off-peak hours',
};

/** The service a line belongs to when the utility did not say: from its kind or unit. */
function serviceOf(l: RateLine): keyof typeof serviceNames | null {
  if (l.service) return l.service;
  if (l.kind === 'sewer') return 'sewer';
  if (l.kind === 'time_of_use' || l.unit === 'kWh') return 'electric';
  if (l.unit === 'therm') return 'gas';
  if (l.unit === 'ccf' || l.unit === 'gal') return 'water';
  return null;
}

const per = (l: RateLine) => (l.unit ? unitWords[l.unit]?.one ?? l.unit : 'unit');
const list = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);
const sum = (ls: RateLine[]) => ls.reduce((s, l) => s + l.amountCents, 0);

function tierSentences(name: string, tiers: RateLine[]): string[] {
  const sorted = [...tiers].sort((a, b) => (a.tierFrom ?? 0) - (b.tierFrom ?? 0));
  const unit = sorted[0]!.unit ?? '';
  const words = unitWords[unit] ?? { one: unit, many: unit };
  const prices = sorted.map((t, i) => {
    const price = `${unitPrice(t.unitPrice ?? 0)} each`;
    if (!t.tierFrom && t.tierTo !== null) return `${i === 0 ? 'the' : 'then the'} first ${quantity(t.tierTo)} ${words.many} cost ${price}`;
    if (t.tierTo === null) return `above ${quantity(t.tierFrom ?? 0)} ${words.many}, ${price}`;
    return `from ${quantity(t.tierFrom ?? 0)} to ${quantity(t.tierTo)} ${words.many}, ${price}`;
  });
  const used = sorted.reduce((s, t) => s + (t.quantity ?? 0), 0);
  const split = sorted.map((t, i) => `${quantity(t.quantity ?? 0)} in the ${ordinals[i] ?? `number ${i + 1}`} tier`);
  const first = prices.join('; ');
  const priced = sorted.map((t) => t.unitPrice ?? 0);
  const rising = priced.every((p, i) => i === 0 || p > priced[i - 1]!);
  const falling = priced.every((p, i) => i === 0 || p < priced[i - 1]!);
  const how =
    sorted.length > 1 && rising
      ? `the more you use in a billing period, the more each further ${words.one} costs`
      : sorted.length > 1 && falling
        ? `the more you use in a billing period, the less each further ${words.one} costs`
        : `the price of each ${words.one} depends on how much you use in the billing period`;
  return [
    `${name} is priced in tiers: ${how}. On this bill, ${first}.`,
    sorted.length > 1
      ? `You were billed for ${amountOf(used, unit)}: ${list(split)}, ${money(sum(sorted))} in all.`
      : `You were billed for ${amountOf(used, unit)}, all in the ${ordinals[0]} tier: ${money(sum(sorted))}.`,
  ];
}

function touSentences(name: string, lines: RateLine[]): string[] {
  const byPrice = lines.map((l) => `${periodNames[l.touPeriod!]} at ${unitPrice(l.unitPrice ?? 0)} per ${per(l)}`);
  const used = lines.map((l) => `${amountOf(l.quantity ?? 0, l.unit ?? 'kWh')} in ${periodNames[l.touPeriod!]} (${money(l.amountCents)})`);
  const cheapest = [...lines].sort((a, b) => (a.unitPrice ?? 0) - (b.unitPrice ?? 0))[0]!;
  const dearest = [...lines].sort((a, b) => (b.unitPrice ?? 0) - (a.unitPrice ?? 0))[0]!;
  const out = [`${name} is priced by the time of day you use it: ${list(byPrice)}.`, `This period you used ${list(used)}.`];
  if (lines.length > 1 && (dearest.unitPrice ?? 0) > (cheapest.unitPrice ?? 0)) {
    out.push(`Moving use from ${periodNames[dearest.touPeriod!]} to ${periodNames[cheapest.touPeriod!]} lowers the bill.`);
  }
  return out;
}

function fixedSentence(name: string, fixed: RateLine[]): string {
  if (fixed.length === 1) {
    const f = fixed[0]!;
    return `${f.description} (${money(f.amountCents)}) is a fixed charge: it is the same however much ${name === 'Sewer' ? 'water' : name.toLowerCase()} you use.`;
  }
  return `Fixed charges (${list(fixed.map((f) => `${f.description}, ${money(f.amountCents)}`))}) are the same however much you use.`;
}

function serviceSentences(name: string, lines: RateLine[]): string[] {
  const out: string[] = [];
  const fixed = lines.filter((l) => l.kind === 'fixed' || (l.kind === 'sewer' && (l.unit === 'month' || l.unit === 'day')));
  const tiers = lines.filter((l) => l.kind === 'volume_tier' || l.kind === 'energy_tier');
  const tou = lines.filter((l) => l.kind === 'time_of_use');
  const volumetricSewer = lines.filter((l) => l.kind === 'sewer' && !fixed.includes(l) && l.quantity !== null && l.unitPrice !== null);
  const flatSewer = lines.filter((l) => l.kind === 'sewer' && !fixed.includes(l) && !volumetricSewer.includes(l));
  const others = lines.filter((l) => l.kind === 'other' || l.kind === 'tax');
  if (fixed.length) out.push(fixedSentence(name, fixed));
  if (tiers.length) out.push(...tierSentences(name, tiers));
  if (tou.length) out.push(...touSentences(name, tou));
  for (const s of volumetricSewer) {
    out.push(`Sewer is charged on ${amountOf(s.quantity!, s.unit ?? '')} of water at ${unitPrice(s.unitPrice!)} per ${per(s)}: ${money(s.amountCents)}.`);
  }
  for (const s of flatSewer) out.push(`${s.description}: ${money(s.amountCents)} for the period.`);
  for (const o of others) out.push(o.amountCents < 0 ? `${o.description}: a credit of ${money(-o.amountCents)}.` : `${o.description}: ${money(o.amountCents)}.`);
  return out;
}

export function explainRate(bill: { amountCents: number; rateName: string | null }, lines: RateLine[]): Explanation[] {
  if (!lines.length) return [];
  const out: Explanation[] = [];
  if (bill.rateName) out.push({ topic: 'rate', heading: 'Your rate', sentences: [`This bill applies ${bill.rateName}.`] });
  const taxes = lines.filter((l) => l.kind === 'tax');
  const rest = lines.filter((l) => l.kind !== 'tax');
  for (const service of Object.keys(serviceNames) as (keyof typeof serviceNames)[]) {
    const mine = rest.filter((l) => serviceOf(l) === service);
    if (mine.length) out.push({ topic: service, heading: serviceNames[service], sentences: serviceSentences(serviceNames[service], mine) });
  }
  const unplaced = rest.filter((l) => serviceOf(l) === null);
  if (unplaced.length) {
    out.push({
      topic: 'other',
      heading: 'Other charges and credits',
      sentences: unplaced.map((o) => (o.amountCents < 0 ? `${o.description}: a credit of ${money(-o.amountCents)}.` : `${o.description}: ${money(o.amountCents)}.`)),
    });
  }
  if (taxes.length) {
    const named = taxes.map((t) => `${t.description}${t.taxRatePercent !== null ? ` at ${quantity(t.taxRatePercent)}%` : ''} (${money(t.amountCents)})`);
    out.push({ topic: 'taxes', heading: 'Taxes', sentences: [`Taxes add ${money(sum(taxes))}: ${list(named)}.`] });
  }
  out.push({ topic: 'total', heading: 'In all', sentences: [`Together these come to ${money(bill.amountCents)}, the new charges on this bill.`] });
  return out;
}
