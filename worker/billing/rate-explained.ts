/**
 * The rate of a bill in plain words, from its own lines: what is fixed, how tiers and times of day
 * price use, what sewer and taxes add. Only what the bill's lines say is stated (a tier the bill
 * did not reach is not on it, so it is not described); nothing here is a rate table of its own.
 * In the page's language; the lines' descriptions and the rate's name are the utility's own words,
 * passed through `quote` (the bill page marks them as English on a Spanish page).
 */
import type { billLineKinds, billServices, touPeriods } from '../../db/schema';
import type { Locale } from '../i18n/locale';
import { billingFormatsFor, type BillingFormats } from './format';

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

type Service = 'water' | 'sewer' | 'electric' | 'gas';
export type Explanation = { topic: 'rate' | Service | 'other' | 'taxes' | 'total'; heading: string; sentences: string[] };
type TierHow = 'rising' | 'falling' | 'depends';

const serviceNames = {
  en: { water: 'Water', sewer: 'Sewer', electric: 'Electricity', gas: 'Gas' },
  es: { water: 'Agua', sewer: 'Alcantarillado', electric: 'Electricidad', gas: 'Gas' },
} satisfies Record<Locale, Record<Service, string>>;
/** A service as the subject of a Spanish sentence. */
const subject: Record<Service, string> = { water: 'El agua', sewer: 'El alcantarillado', electric: 'La electricidad', gas: 'El gas' };

/** Every sentence, in each language: the English and Spanish say the same things. */
const words = {
  en: {
    services: serviceNames.en,
    periods: { peak: 'peak hours', mid_peak: 'mid-peak hours', off_peak: 'off-peak hours', super_off_peak: 'super off-peak hours' },
    and: 'and',
    unit: 'unit',
    rateHeading: 'Your rate',
    rate: (name: string) => `This bill applies ${name}.`,
    tierPrice: (i: number, price: string, _one: string, many: string, from: number | null, to: number | null, q: (n: number) => string) =>
      !from && to !== null ? `${i === 0 ? 'the' : 'then the'} first ${q(to)} ${many} cost ${price} each` : to === null ? `above ${q(from ?? 0)} ${many}, ${price} each` : `from ${q(from ?? 0)} to ${q(to)} ${many}, ${price} each`,
    splitPart: (quantity: string, tier: string) => `${quantity} in ${tier}`,
    inTier: (i: number) => `the ${['first', 'second', 'third', 'fourth', 'fifth', 'sixth'][i] ?? `number ${i + 1}`} tier`,
    tierHow: (how: TierHow, one: string) =>
      how === 'rising'
        ? `the more you use in a billing period, the more each further ${one} costs`
        : how === 'falling'
          ? `the more you use in a billing period, the less each further ${one} costs`
          : `the price of each ${one} depends on how much you use in the billing period`,
    tiers: (s: Service, how: string, prices: string) => `${serviceNames.en[s]} is priced in tiers: ${how}. On this bill, ${prices}.`,
    tierSplit: (amount: string, split: string, total: string) => `You were billed for ${amount}: ${split}, ${total} in all.`,
    oneTier: (amount: string, tier: string, total: string) => `You were billed for ${amount}, all in ${tier}: ${total}.`,
    touPrice: (period: string, price: string, one: string) => `${period} at ${price} per ${one}`,
    touUse: (amount: string, period: string, total: string) => `${amount} in ${period} (${total})`,
    tou: (s: Service, prices: string) => `${serviceNames.en[s]} is priced by the time of day you use it: ${prices}.`,
    touUsed: (uses: string) => `This period you used ${uses}.`,
    touMove: (dear: string, cheap: string) => `Moving use from ${dear} to ${cheap} lowers the bill.`,
    fixedOne: (s: Service, charge: string, amount: string) => `${charge} (${amount}) is a fixed charge: it is the same however much ${s === 'sewer' ? 'water' : serviceNames.en[s].toLowerCase()} you use.`,
    fixedMany: (charges: string) => `Fixed charges (${charges}) are the same however much you use.`,
    sewerVolume: (amount: string, price: string, one: string, total: string) => `Sewer is charged on ${amount} of water at ${price} per ${one}: ${total}.`,
    sewerFlat: (charge: string, amount: string) => `${charge}: ${amount} for the period.`,
    credit: (charge: string, amount: string) => `${charge}: a credit of ${amount}.`,
    charge: (charge: string, amount: string) => `${charge}: ${amount}.`,
    otherHeading: 'Other charges and credits',
    taxesHeading: 'Taxes',
    taxAt: (tax: string, rate: string | null, amount: string) => `${tax}${rate ? ` at ${rate}` : ''} (${amount})`,
    taxes: (amount: string, named: string) => `Taxes add ${amount}: ${named}.`,
    totalHeading: 'In all',
    total: (amount: string) => `Together these come to ${amount}, the new charges on this bill.`,
  },
  es: {
    services: serviceNames.es,
    periods: { peak: 'horas pico', mid_peak: 'horas intermedias', off_peak: 'horas fuera de pico', super_off_peak: 'horas súper fuera de pico' },
    and: 'y',
    unit: 'unidad',
    rateHeading: 'Su tarifa',
    rate: (name: string) => `Esta factura aplica la tarifa ${name}.`,
    tierPrice: (_i: number, price: string, one: string, many: string, from: number | null, to: number | null, q: (n: number) => string) =>
      !from && to !== null ? `hasta ${q(to)} ${many}, ${price} por ${one}` : to === null ? `más de ${q(from ?? 0)} ${many}, ${price} por ${one}` : `de ${q(from ?? 0)} a ${q(to)} ${many}, ${price} por ${one}`,
    splitPart: (quantity: string, tier: string) => `${quantity} en ${tier}`,
    inTier: (i: number) => (i < 6 ? `el ${['primer', 'segundo', 'tercer', 'cuarto', 'quinto', 'sexto'][i]} tramo` : `el tramo ${i + 1}`),
    tierHow: (how: TierHow, one: string) =>
      how === 'rising'
        ? `cuanto más consume en un período de facturación, más cuesta cada ${one} adicional`
        : how === 'falling'
          ? `cuanto más consume en un período de facturación, menos cuesta cada ${one} adicional`
          : `el precio de cada ${one} depende de cuánto consuma en el período de facturación`,
    tiers: (s: Service, how: string, prices: string) => `${subject[s]} se cobra por tramos: ${how}. En esta factura: ${prices}.`,
    tierSplit: (amount: string, split: string, total: string) => `La factura cobra ${amount}: ${split}; ${total} en total.`,
    oneTier: (amount: string, tier: string, total: string) => `La factura cobra ${amount}, todo en ${tier}: ${total}.`,
    touPrice: (period: string, price: string, one: string) => `${period} a ${price} por ${one}`,
    touUse: (amount: string, period: string, total: string) => `${amount} en ${period} (${total})`,
    tou: (s: Service, prices: string) => `${subject[s]} se cobra según la hora del día en que se usa: ${prices}.`,
    touUsed: (uses: string) => `En este período usó ${uses}.`,
    touMove: (dear: string, cheap: string) => `Si pasa parte de su consumo de ${dear} a ${cheap}, su factura baja.`,
    fixedOne: (_s: Service, charge: string, amount: string) => `${charge} (${amount}) es un cargo fijo: es el mismo sin importar cuánto consuma.`,
    fixedMany: (charges: string) => `Los cargos fijos (${charges}) son los mismos sin importar cuánto consuma.`,
    sewerVolume: (amount: string, price: string, one: string, total: string) => `El alcantarillado se cobra sobre ${amount} de agua, a ${price} por ${one}: ${total}.`,
    sewerFlat: (charge: string, amount: string) => `${charge}: ${amount} por el período.`,
    credit: (charge: string, amount: string) => `${charge}: un crédito de ${amount}.`,
    charge: (charge: string, amount: string) => `${charge}: ${amount}.`,
    otherHeading: 'Otros cargos y créditos',
    taxesHeading: 'Impuestos',
    taxAt: (tax: string, rate: string | null, amount: string) => `${tax}${rate ? ` del ${rate}` : ''} (${amount})`,
    taxes: (amount: string, named: string) => `Los impuestos suman ${amount}: ${named}.`,
    totalHeading: 'En total',
    total: (amount: string) => `Todo esto suma ${amount}, los cargos nuevos de esta factura.`,
  },
} satisfies Record<Locale, unknown>;

type Words = (typeof words)['en'];
type Ctx = { w: Words; f: BillingFormats; quote: (utilityText: string) => string };

/** The service a line belongs to when the utility did not say: from its kind or unit. */
function serviceOf(l: RateLine): Service | null {
  if (l.service) return l.service;
  if (l.kind === 'sewer') return 'sewer';
  if (l.kind === 'time_of_use' || l.unit === 'kWh') return 'electric';
  if (l.unit === 'therm') return 'gas';
  if (l.unit === 'ccf' || l.unit === 'gal') return 'water';
  return null;
}

const per = ({ w, f }: Ctx, l: RateLine) => (l.unit ? f.unitWords[l.unit]?.one ?? l.unit : w.unit);
const list = ({ w }: Ctx, items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${w.and} ${items[items.length - 1]}`);
const sum = (ls: RateLine[]) => ls.reduce((s, l) => s + l.amountCents, 0);

function tierSentences(x: Ctx, service: Service, tiers: RateLine[]): string[] {
  const { w, f } = x;
  const sorted = [...tiers].sort((a, b) => (a.tierFrom ?? 0) - (b.tierFrom ?? 0));
  const unit = sorted[0]!.unit ?? '';
  const names = f.unitWords[unit] ?? { one: unit, many: unit };
  const prices = sorted.map((t, i) => w.tierPrice(i, f.unitPrice(t.unitPrice ?? 0), names.one, names.many, t.tierFrom, t.tierTo, f.quantity));
  const used = sorted.reduce((s, t) => s + (t.quantity ?? 0), 0);
  const split = sorted.map((t, i) => w.splitPart(f.quantity(t.quantity ?? 0), w.inTier(i)));
  const priced = sorted.map((t) => t.unitPrice ?? 0);
  const rising = priced.every((p, i) => i === 0 || p > priced[i - 1]!);
  const falling = priced.every((p, i) => i === 0 || p < priced[i - 1]!);
  const how: TierHow = sorted.length > 1 && rising ? 'rising' : sorted.length > 1 && falling ? 'falling' : 'depends';
  return [
    w.tiers(service, w.tierHow(how, names.one), prices.join('; ')),
    sorted.length > 1 ? w.tierSplit(f.amountOf(used, unit), list(x, split), f.money(sum(sorted))) : w.oneTier(f.amountOf(used, unit), w.inTier(0), f.money(sum(sorted))),
  ];
}

function touSentences(x: Ctx, service: Service, lines: RateLine[]): string[] {
  const { w, f } = x;
  const period = (l: RateLine) => w.periods[l.touPeriod!];
  const byPrice = lines.map((l) => w.touPrice(period(l), f.unitPrice(l.unitPrice ?? 0), per(x, l)));
  const used = lines.map((l) => w.touUse(f.amountOf(l.quantity ?? 0, l.unit ?? 'kWh'), period(l), f.money(l.amountCents)));
  const cheapest = [...lines].sort((a, b) => (a.unitPrice ?? 0) - (b.unitPrice ?? 0))[0]!;
  const dearest = [...lines].sort((a, b) => (b.unitPrice ?? 0) - (a.unitPrice ?? 0))[0]!;
  const out = [w.tou(service, list(x, byPrice)), w.touUsed(list(x, used))];
  if (lines.length > 1 && (dearest.unitPrice ?? 0) > (cheapest.unitPrice ?? 0)) out.push(w.touMove(period(dearest), period(cheapest)));
  return out;
}

function fixedSentence(x: Ctx, service: Service, fixed: RateLine[]): string {
  const { w, f, quote } = x;
  if (fixed.length === 1) return w.fixedOne(service, quote(fixed[0]!.description), f.money(fixed[0]!.amountCents));
  return w.fixedMany(list(x, fixed.map((l) => `${quote(l.description)}, ${f.money(l.amountCents)}`)));
}

const chargeOrCredit = ({ w, f, quote }: Ctx, o: RateLine) => (o.amountCents < 0 ? w.credit(quote(o.description), f.money(-o.amountCents)) : w.charge(quote(o.description), f.money(o.amountCents)));

function serviceSentences(x: Ctx, service: Service, lines: RateLine[]): string[] {
  const { w, f, quote } = x;
  const out: string[] = [];
  const fixed = lines.filter((l) => l.kind === 'fixed' || (l.kind === 'sewer' && (l.unit === 'month' || l.unit === 'day')));
  const tiers = lines.filter((l) => l.kind === 'volume_tier' || l.kind === 'energy_tier');
  const tou = lines.filter((l) => l.kind === 'time_of_use');
  const volumetricSewer = lines.filter((l) => l.kind === 'sewer' && !fixed.includes(l) && l.quantity !== null && l.unitPrice !== null);
  const flatSewer = lines.filter((l) => l.kind === 'sewer' && !fixed.includes(l) && !volumetricSewer.includes(l));
  const others = lines.filter((l) => l.kind === 'other' || l.kind === 'tax');
  if (fixed.length) out.push(fixedSentence(x, service, fixed));
  if (tiers.length) out.push(...tierSentences(x, service, tiers));
  if (tou.length) out.push(...touSentences(x, service, tou));
  for (const s of volumetricSewer) out.push(w.sewerVolume(f.amountOf(s.quantity!, s.unit ?? ''), f.unitPrice(s.unitPrice!), per(x, s), f.money(s.amountCents)));
  for (const s of flatSewer) out.push(w.sewerFlat(quote(s.description), f.money(s.amountCents)));
  for (const o of others) out.push(chargeOrCredit(x, o));
  return out;
}

/**
 * The explanation, in `locale`. `quote` renders the utility's own words (descriptions, rate name):
 * as they are by default (plain text, as the API returns it); a page passes an escaping quote and
 * gets HTML (the sentences' own words and the formatted numbers need no escaping).
 */
export function explainRate(bill: { amountCents: number; rateName: string | null }, lines: RateLine[], locale: Locale = 'en', quote: (utilityText: string) => string = (s) => s): Explanation[] {
  if (!lines.length) return [];
  const w = words[locale] as Words;
  const x: Ctx = { w, f: billingFormatsFor(locale), quote };
  const { f } = x;
  const out: Explanation[] = [];
  if (bill.rateName) out.push({ topic: 'rate', heading: w.rateHeading, sentences: [w.rate(quote(bill.rateName))] });
  const taxes = lines.filter((l) => l.kind === 'tax');
  const rest = lines.filter((l) => l.kind !== 'tax');
  for (const service of Object.keys(w.services) as Service[]) {
    const mine = rest.filter((l) => serviceOf(l) === service);
    if (mine.length) out.push({ topic: service, heading: w.services[service], sentences: serviceSentences(x, service, mine) });
  }
  const unplaced = rest.filter((l) => serviceOf(l) === null);
  if (unplaced.length) out.push({ topic: 'other', heading: w.otherHeading, sentences: unplaced.map((o) => chargeOrCredit(x, o)) });
  if (taxes.length) {
    const named = taxes.map((t) => w.taxAt(quote(t.description), t.taxRatePercent !== null ? f.percent(t.taxRatePercent) : null, f.money(t.amountCents)));
    out.push({ topic: 'taxes', heading: w.taxesHeading, sentences: [w.taxes(f.money(sum(taxes)), list(x, named))] });
  }
  out.push({ topic: 'total', heading: w.totalHeading, sentences: [w.total(f.money(bill.amountCents))] });
  return out;
}
