/**
 * What the usage page's script writes, in the page's language (<html lang>): words here, numbers
 * and dates through Intl with the site's language tags (site/i18n/index.ts).
 */
export type UsageLocale = 'en' | 'es';

/** The page's language: a Spanish page (/es/…) says `lang="es"`. */
export const pageLocale = (): UsageLocale => (document.documentElement.lang === 'es' ? 'es' : 'en');

/** BCP 47 tags for Intl, as site/i18n/index.ts `intlTags` (not imported: that module carries the page catalogs). */
export const tags: Record<UsageLocale, string> = { en: 'en-US', es: 'es-US' };

const en = {
  units: { gal: 'gallons', ccf: 'CCF', m3: 'cubic metres', kWh: 'kWh', therm: 'therms' } as Record<string, string>,
  kinds: { water: 'water', electric: 'electricity', gas: 'gas' } as Record<string, string>,
  resolutions: { native: 'read', hour: 'hour', day: 'day', month: 'month', billing: 'billing period' } as Record<string, string>,
  meterAt: (kind: string, street: string) => `${kind === 'electric' ? 'Electric' : kind === 'gas' ? 'Gas' : 'Water'} meter at ${street}`,
  cannotLoad: 'Your usage could not be loaded just now. Please try again later.',
  cannotLoadNow: 'Your usage could not be loaded just now.',
  noMeters: 'There are no meters on your accounts yet.',
  loading: 'Loading…',
  tooLong: 'That range is too long for this level of detail. Choose fewer days or a coarser view.',
  less: (pct: string) => `${pct} less than`,
  more: (pct: string) => `${pct} more than`,
  same: 'about the same as',
  used: (from: string, to: string, amount: string, unit: string, kind: string) => `From ${from} to ${to} you used ${amount} ${unit} of ${kind}`,
  comparedLastYear: (cmp: string) => `, ${cmp} the same days last year.`,
  noLastYear: '. There are no reads from the same days last year to compare with.',
  missingOne: ' 1 read is missing and is not counted.',
  missingMany: (n: string) => ` ${n} reads are missing and are not counted.`,
  movedIn: (day: string) => ` Days before you moved in on ${day} are not shown: they belong to the previous account holder.`,
  movedOut: (day: string) => ` Days after you moved out on ${day} are not shown.`,
  installed: (day: string, title: string) => `Installed on ${day}: ${title}`,
  chartTitle: (kind: string, resolution: string, unit: string, from: string, to: string, lastYear: boolean, similar: boolean) =>
    `${kind} use by ${resolution} in ${unit}, ${from} to ${to}${lastYear ? ', with last year' : ''}${similar ? ' and similar homes' : ''}.`,
  chartTable: ' The table below has the same numbers.',
  caption: (kind: string, resolution: string, from: string, to: string, unit: string) => `${kind.charAt(0).toUpperCase()}${kind.slice(1)} use by ${resolution}, ${from} to ${to}, in ${unit}`,
  yourUse: (unit: string) => `Your use (${unit})`,
  quality: {
    actual: 'actual',
    estimated: (n: string) => `${n} estimated`,
    missing: 'missing',
    notHeld: 'not your account’s (before move-in or after move-out)',
    partial: (missing: string, of: string) => `${missing} of ${of} missing`,
  },
  qualityWord: { estimated: 'estimated', incomplete: 'incomplete', missing: 'missing' } as Record<string, string>,
  month: (cmp: 'less' | 'more' | 'same', pct: string, kind: string, month: string, previous: string) =>
    cmp === 'same' ? `You used about the same ${kind} in ${month} as in ${previous}.` : `You used ${pct} ${cmp} ${kind} in ${month} than in ${previous}.`,
};

export type UsageWords = typeof en;

const es: UsageWords = {
  units: { gal: 'galones', ccf: 'CCF', m3: 'metros cúbicos', kWh: 'kWh', therm: 'termias' },
  kinds: { water: 'agua', electric: 'electricidad', gas: 'gas' },
  resolutions: { native: 'lectura', hour: 'hora', day: 'día', month: 'mes', billing: 'período de facturación' },
  meterAt: (kind, street) => `Medidor de ${kind === 'electric' ? 'electricidad' : kind === 'gas' ? 'gas' : 'agua'} en ${street}`,
  cannotLoad: 'No pudimos cargar su consumo en este momento. Vuelva a intentarlo más tarde.',
  cannotLoadNow: 'No pudimos cargar su consumo en este momento.',
  noMeters: 'Todavía no hay medidores en sus cuentas.',
  loading: 'Cargando…',
  tooLong: 'Ese período es demasiado largo para este nivel de detalle. Elija menos días o una vista menos detallada.',
  less: (pct) => `${pct} menos que`,
  more: (pct) => `${pct} más que`,
  same: 'más o menos lo mismo que',
  used: (from, to, amount, unit, kind) => `Del ${from} al ${to} usó ${amount} ${unit} de ${kind}`,
  comparedLastYear: (cmp) => `, ${cmp} en los mismos días del año pasado.`,
  noLastYear: '. No hay lecturas de los mismos días del año pasado para comparar.',
  missingOne: ' Falta 1 lectura, que no se cuenta.',
  missingMany: (n) => ` Faltan ${n} lecturas, que no se cuentan.`,
  movedIn: (day) => ` No se muestran los días antes de que usted se mudara, el ${day}: son del titular anterior de la cuenta.`,
  movedOut: (day) => ` No se muestran los días después de que usted se mudó, el ${day}.`,
  installed: (day, title) => `Instalado el ${day}: ${title}`,
  chartTitle: (kind, resolution, unit, from, to, lastYear, similar) =>
    `Consumo de ${kind} por ${resolution} en ${unit}, del ${from} al ${to}${lastYear ? ', con el año pasado' : ''}${similar ? ' y hogares parecidos' : ''}.`,
  chartTable: ' La tabla de abajo tiene las mismas cifras.',
  caption: (kind, resolution, from, to, unit) => `Consumo de ${kind} por ${resolution}, del ${from} al ${to}, en ${unit}`,
  yourUse: (unit) => `Su consumo (${unit})`,
  quality: {
    actual: 'real',
    estimated: (n) => `${n} estimadas`,
    missing: 'falta',
    notHeld: 'no es de su cuenta (antes de mudarse o después de irse)',
    partial: (missing, of) => `faltan ${missing} de ${of}`,
  },
  qualityWord: { estimated: 'estimado', incomplete: 'incompleto', missing: 'falta' },
  month: (cmp, pct, kind, month, previous) =>
    cmp === 'same' ? `En ${month} usó más o menos la misma cantidad de ${kind} que en ${previous}.` : `En ${month} usó un ${pct} ${cmp === 'less' ? 'menos' : 'más'} de ${kind} que en ${previous}.`,
};

export const usageWords: Record<UsageLocale, UsageWords> = { en, es };

/** Dates and numbers in a language: calendar days are formatted in UTC so they never shift. */
export function usageFormats(locale: UsageLocale) {
  const tag = tags[locale];
  const long = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat(tag, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const shortMonth = new Intl.DateTimeFormat(tag, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const shortDay = new Intl.DateTimeFormat(tag, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const dayHour = new Intl.DateTimeFormat(tag, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
  const whole = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const fraction = new Intl.NumberFormat(tag, { maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 });
  const at = (label: string) => new Date(`${label}:00Z`);
  const day = (d: string) => new Date(`${d}T12:00:00Z`);
  return {
    /** "October 2, 2026" / "2 de octubre de 2026" */
    longDate: (d: string) => long.format(day(d)),
    /** "October 2026" / "octubre de 2026" */
    monthName: (m: string) => month.format(day(`${m}-15`)),
    /** Whole numbers from 100 up, else up to two decimals: "1,234", "12.5" / "1234", "12,5". */
    number: (v: number) => (Math.abs(v) >= 100 ? whole.format(Math.round(v)) : fraction.format(v)),
    count: (n: number) => whole.format(n),
    /** A fraction as a whole percentage: 0.12 → "12%" / "12 %". */
    percent: (f: number) => percent.format(f),
    /** A point's label ("2026-10-02T03:00", "2026-10-02", "2026-10", "2026-09-01 – 2026-09-30") in full, for the table and tooltips. */
    label: (label: string) => {
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(label)) return dayHour.format(at(label));
      if (/^\d{4}-\d{2}-\d{2}$/.test(label)) return long.format(day(label));
      if (/^\d{4}-\d{2}$/.test(label)) return month.format(day(`${label}-15`));
      const [first, last] = label.split(' – ');
      return last ? `${long.format(day(first!))} – ${long.format(day(last))}` : label;
    },
    /** The same, short, for the chart's axis. */
    shortLabel: (label: string) => {
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(label)) return dayHour.format(at(label));
      if (/^\d{4}-\d{2}-\d{2}$/.test(label)) return shortDay.format(day(label));
      if (/^\d{4}-\d{2}$/.test(label)) return shortMonth.format(day(`${label}-15`));
      const first = label.split(' – ')[0]!;
      return /^\d{4}-\d{2}-\d{2}$/.test(first) ? shortDay.format(day(first)) : first;
    },
  };
}
export type UsageFormats = ReturnType<typeof usageFormats>;
