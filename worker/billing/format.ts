/** How billing figures read on the customer's pages (US English, dollars). */

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const rate = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 5 });
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const longDay = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
const shortDay = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const monthYear = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "$1,234.56"; a negative amount "-$12.00" (the page says "credit" in words where it matters). */
export const money = (cents: number) => dollars.format(cents / 100);

/** A rate as the schedule states it: "$0.31245", "$4.12". */
export const unitPrice = (value: number) => rate.format(value);

export const quantity = (value: number) => number.format(value);

/** Days are utility-local calendar dates: formatted as dates, never shifted through a time zone. */
const asDate = (day: string) => new Date(`${day}T00:00:00Z`);
export const longDate = (day: string) => longDay.format(asDate(day));
export const monthOf = (day: string) => monthYear.format(asDate(day));

/** "Sep 1 – Sep 30, 2026"; across years "Dec 15, 2025 – Jan 14, 2026". */
export function period(start: string, end: string) {
  if (start.slice(0, 4) === end.slice(0, 4)) return `${shortDay.format(asDate(start))} – ${shortDay.format(asDate(end))}, ${end.slice(0, 4)}`;
  return `${longDate(start)} – ${longDate(end)}`;
}

/** "312 KB", "1.4 MB". */
export function fileSize(bytes: number) {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export const unitWords: Record<string, { one: string; many: string }> = {
  gal: { one: 'gallon', many: 'gallons' },
  ccf: { one: 'CCF', many: 'CCF' },
  m3: { one: 'cubic metre', many: 'cubic metres' },
  kWh: { one: 'kWh', many: 'kWh' },
  therm: { one: 'therm', many: 'therms' },
  day: { one: 'day', many: 'days' },
  month: { one: 'month', many: 'months' },
};

/** Gallons and kWh read as whole numbers; CCF and therms to two places. */
const wholeUnits = new Set(['gal', 'kWh', 'day', 'month']);
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** "8 CCF", "1 gallon", "4,638 gallons". */
export function amountOf(value: number, unit: string) {
  const w = unitWords[unit] ?? { one: unit, many: unit };
  const shown = wholeUnits.has(unit) ? whole.format(value) : quantity(value);
  return `${shown} ${shown === '1' ? w.one : w.many}`;
}
