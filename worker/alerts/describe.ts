/**
 * An alert in plain words, from its type and figures, in the reader's language: the headline the
 * alert centre shows and the subject and lines a message carries. One place, so the page, the
 * e-mail and the text message say the same thing. Figures are in the kind's base unit (gallons,
 * kWh, therms); days are local dates.
 */
import type { AlertNoticeKind, AlertType } from '../../db/schema/alerts';
import { intlTags } from '../../site/i18n';
import type { Locale } from '../i18n/locale';
import { rates } from './detection/rates';
import type { MeterKind } from '../usage/units';

export type DescribedAlert = { type: AlertType; kind: MeterKind; figures: Record<string, unknown>; firstDay: string; lastDay: string; closeReason?: string | null };

/** Numbers, money and days in a language, each '?' (or "some time ago") when the figure is missing. */
function formats(locale: Locale) {
  const tag = intlTags[locale];
  return {
    num: (v: unknown, digits = 1) => (typeof v === 'number' ? v.toLocaleString(tag, { maximumFractionDigits: digits }) : '?'),
    dollars: (cents: unknown) => (typeof cents === 'number' ? (cents / 100).toLocaleString(tag, { style: 'currency', currency: 'USD' }) : '?'),
    day: (day: string) => new Date(`${day}T12:00:00Z`).toLocaleDateString(tag, { weekday: 'long', month: 'long', day: 'numeric', timeZone: 'UTC' }),
    stamp: (stamp: unknown) =>
      typeof stamp === 'string'
        ? new Date(`${stamp}:00Z`).toLocaleString(tag, { weekday: 'long', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'UTC' })
        : locale === 'es'
          ? 'hace un tiempo'
          : 'some time ago',
  };
}

const unitWords: Record<Locale, Record<MeterKind, string>> = {
  en: { water: 'gallons', electric: 'kWh', gas: 'therms' },
  es: { water: 'galones', electric: 'kWh', gas: 'termias' },
};
const services: Record<Locale, Record<MeterKind, string>> = {
  en: { water: 'water', electric: 'electricity', gas: 'gas' },
  es: { water: 'agua', electric: 'electricidad', gas: 'gas' },
};

/** A short title for the alert: what it is. */
export function alertTitle(a: Pick<DescribedAlert, 'type' | 'kind'>, locale: Locale = 'en'): string {
  const service = services[locale][a.kind];
  if (locale === 'es') {
    switch (a.type) {
      case 'continuous_flow':
        return 'El agua lleva horas corriendo sin parar';
      case 'intermittent_leak':
        return 'Corre agua de noche, cuando normalmente se detiene';
      case 'high_use_day':
        return `Consumo alto de ${service} en un día`;
      case 'high_use_period':
        return `Consumo alto de ${service} en este período de facturación`;
      case 'bill_forecast':
        return `Su factura de ${service} va camino de ser más alta`;
    }
  }
  switch (a.type) {
    case 'continuous_flow':
      return 'Water has been running without a break';
    case 'intermittent_leak':
      return 'Water is running at night when it usually stops';
    case 'high_use_day':
      return `High ${service} use in one day`;
    case 'high_use_period':
      return `High ${service} use this billing period`;
    case 'bill_forecast':
      return `Your ${service} bill is on course to be higher`;
  }
}

/** One or two sentences with the numbers that raised it. */
export function alertDetail(a: DescribedAlert, locale: Locale = 'en'): string {
  const f = a.figures;
  const u = unitWords[locale][a.kind];
  const service = services[locale][a.kind];
  const { num, dollars, day, stamp } = formats(locale);
  // A leak alert goes on while either leak rule sees it; its figures name the rule that saw it last.
  const rule = (a.type === 'continuous_flow' || a.type === 'intermittent_leak') && (f.rule === 'continuous_flow' || f.rule === 'intermittent_leak') ? f.rule : a.type;
  if (locale === 'es') {
    switch (rule) {
      case 'continuous_flow':
        return `Su medidor registró agua corriendo cada hora desde el ${stamp(f.since)}: ${num(f.hours, 0)} horas sin parar, nunca menos de ${num(f.minPerHour)} ${u} por hora. Eso suele indicar una fuga: un inodoro que sigue corriendo, una llave que gotea, una válvula de riego o una tubería rota.`;
      case 'intermittent_leak':
        return `En ${num(f.highNights, 0)} de las últimas ${num(f.ofNights, 0)} noches siguió corriendo agua entre la 1 y las 5 a.m. (al menos ${num(f.nightPerHour)} ${u} por hora), cuando a esas horas su hogar suele usar unos ${num(f.baselinePerHour)} ${u} por hora. Así se ve una fuga que va y viene, como la de una válvula de inodoro que a veces no cierra.`;
      case 'high_use_day':
        return f.basis === 'threshold'
          ? `El ${day(a.lastDay)} usó ${num(f.total, 0)} ${u}, más que los ${num(f.threshold, 0)} ${u} por día que nos pidió vigilar.`
          : `El ${day(a.lastDay)} usó ${num(f.total, 0)} ${u}, muy por encima de un día alto de su hogar en las últimas semanas (unos ${num(f.typical, 0)} ${u}).`;
      case 'high_use_period':
        return f.basis === 'threshold'
          ? `Del ${day(String(f.periodStart))} al ${day(a.lastDay)} usó ${num(f.useToDate, 0)} ${u}, más que los ${num(f.threshold, 0)} ${u} por período de facturación que nos pidió vigilar.`
          : `A este ritmo usará unos ${num(f.projectedUse, 0)} ${u} en este período de facturación (hasta el ${day(String(f.periodEnd))}), muy por encima de sus ${num(f.typical, 0)} ${u} habituales.`;
      case 'bill_forecast': {
        const how = `Lo calculamos con su consumo desde el ${day(String(f.periodStart))} y su ritmo diario reciente, con la tarifa de ${rates[a.kind].explanation.es}; no incluye impuestos ni recargos.`;
        return f.basis === 'threshold'
          ? `Los cargos de ${service} del período que termina el ${day(String(f.periodEnd))} van camino de llegar a unos ${dollars(f.projectedCents)}, más que los ${dollars(f.thresholdCents)} que usted fijó. ${how}`
          : `Los cargos de ${service} del período que termina el ${day(String(f.periodEnd))} van camino de llegar a unos ${dollars(f.projectedCents)}, muy por encima de los ${dollars(f.typicalCents)} habituales. ${how}`;
      }
    }
  }
  switch (rule) {
    case 'continuous_flow':
      return `Your meter has recorded water flowing every hour since ${stamp(f.since)}: ${num(f.hours, 0)} hours without stopping, never less than ${num(f.minPerHour)} ${u} an hour. That usually means a leak: a running toilet, a dripping tap, an irrigation valve or a broken pipe.`;
    case 'intermittent_leak':
      return `On ${num(f.highNights, 0)} of the last ${num(f.ofNights, 0)} nights, water kept flowing between 1 and 5 a.m. (at least ${num(f.nightPerHour)} ${u} an hour), when your home usually uses about ${num(f.baselinePerHour)} ${u} an hour then. A leak that comes and goes, such as a toilet flapper that sticks, looks like this.`;
    case 'high_use_day':
      return f.basis === 'threshold'
        ? `On ${day(a.lastDay)} you used ${num(f.total, 0)} ${u}, above the ${num(f.threshold, 0)} ${u} a day you asked us to watch for.`
        : `On ${day(a.lastDay)} you used ${num(f.total, 0)} ${u}, well above a high day for your home lately (about ${num(f.typical, 0)} ${u}).`;
    case 'high_use_period':
      return f.basis === 'threshold'
        ? `From ${day(String(f.periodStart))} to ${day(a.lastDay)} you used ${num(f.useToDate, 0)} ${u}, above the ${num(f.threshold, 0)} ${u} for the billing period you asked us to watch for.`
        : `At this pace you will use about ${num(f.projectedUse, 0)} ${u} this billing period (to ${day(String(f.periodEnd))}), well above your usual ${num(f.typical, 0)} ${u}.`;
    case 'bill_forecast': {
      const how = `Projected from your use since ${day(String(f.periodStart))} and your recent daily pace, priced at ${rates[a.kind].explanation.en}; taxes and surcharges are not included.`;
      return f.basis === 'threshold'
        ? `Your ${service} charges for the period ending ${day(String(f.periodEnd))} are on course for about ${dollars(f.projectedCents)}, above the ${dollars(f.thresholdCents)} you set. ${how}`
        : `Your ${service} charges for the period ending ${day(String(f.periodEnd))} are on course for about ${dollars(f.projectedCents)}, well above the usual ${dollars(f.typicalCents)}. ${how}`;
    }
  }
}

const noticeWords = {
  en: {
    corrected: 'Corrected meter reads for those days show it did not happen as first read, so we have withdrawn the alert. Sorry for the worry.',
    leakOver: (day: string) => `Your reads since ${day} look normal again, so the alert is closed. If you fixed something, thank you: it saves water and money.`,
    useOver: 'Your use is back to normal, so the alert is closed.',
    closed: (title: string) => `Alert closed: ${title.toLowerCase()}`,
    reminder: 'Still happening: ',
  },
  es: {
    corrected: 'Las lecturas corregidas de esos días muestran que no pasó lo que indicaban al principio, así que retiramos la alerta. Disculpe la preocupación.',
    leakOver: (day: string) => `Sus lecturas desde el ${day} se ven normales otra vez, así que cerramos la alerta. Si arregló algo, gracias: así ahorra agua y dinero.`,
    useOver: 'Su consumo volvió a lo normal, así que cerramos la alerta.',
    closed: (title: string) => `Alerta cerrada: ${title.charAt(0).toLowerCase()}${title.slice(1)}`,
    reminder: 'Sigue pasando: ',
  },
} satisfies Record<Locale, unknown>;

/** Subject and body lines of a notice about the alert (delivery adds greeting, links and footer). */
export function noticeText(a: DescribedAlert, notice: AlertNoticeKind, locale: Locale = 'en'): { subject: string; lines: string[] } {
  const w = noticeWords[locale];
  const title = alertTitle(a, locale);
  if (notice === 'closed') {
    const why = a.closeReason === 'corrected' ? w.corrected : a.type === 'continuous_flow' || a.type === 'intermittent_leak' ? w.leakOver(formats(locale).day(a.lastDay)) : w.useOver;
    return { subject: w.closed(title), lines: [why] };
  }
  const prefix = notice === 'reminder' ? w.reminder : '';
  return { subject: `${prefix}${title}`, lines: [alertDetail(a, locale)] };
}
