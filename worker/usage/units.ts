/** Units a meter reads in and what each may be shown as. Factors convert into the kind's base unit. */

export type MeterKind = 'water' | 'electric' | 'gas';
export type MeterUnit = 'gal' | 'ccf' | 'kWh' | 'therm';
export type DisplayUnit = 'gal' | 'ccf' | 'm3' | 'kWh' | 'therm';

export const GALLONS_PER_CCF = 748.052;
export const GALLONS_PER_M3 = 264.172;
/** Natural gas: therms per hundred cubic feet at the standard heat content (1,037 Btu/ft³). */
export const THERMS_PER_GAS_CCF = 1.037;

const base: Record<MeterKind, { unit: DisplayUnit; perUnit: Partial<Record<DisplayUnit, number>> }> = {
  water: { unit: 'gal', perUnit: { gal: 1, ccf: GALLONS_PER_CCF, m3: GALLONS_PER_M3 } },
  electric: { unit: 'kWh', perUnit: { kWh: 1 } },
  gas: { unit: 'therm', perUnit: { therm: 1, ccf: THERMS_PER_GAS_CCF } },
};

export const unitLabels: Record<DisplayUnit, string> = {
  gal: 'gallons',
  ccf: 'CCF (hundred cubic feet)',
  m3: 'cubic metres',
  kWh: 'kWh',
  therm: 'therms',
};

const unitLabelsEs: Record<DisplayUnit, string> = {
  gal: 'galones',
  ccf: 'CCF (cientos de pies cúbicos)',
  m3: 'metros cúbicos',
  kWh: 'kWh',
  therm: 'termias',
};

/** The units' names in a page's language. */
export const unitLabelsIn = (locale: 'en' | 'es'): Record<DisplayUnit, string> => (locale === 'es' ? unitLabelsEs : unitLabels);

/** The units a meter of this kind can be shown in, its own unit first. */
export function unitsFor(kind: MeterKind, meterUnit: MeterUnit): DisplayUnit[] {
  const all = Object.keys(base[kind].perUnit) as DisplayUnit[];
  return [meterUnit as DisplayUnit, ...all.filter((u) => u !== meterUnit)];
}

export function baseUnit(kind: MeterKind): DisplayUnit {
  return base[kind].unit;
}

/** Factor that turns a value in `from` into `to` (both must belong to the kind). */
export function conversionFactor(kind: MeterKind, from: DisplayUnit, to: DisplayUnit): number {
  const f = base[kind].perUnit[from];
  const t = base[kind].perUnit[to];
  if (f === undefined || t === undefined) throw new RangeError(`cannot convert ${from} to ${to} for ${kind}`);
  return f / t;
}

export function isUnitOf(kind: MeterKind, unit: string): unit is DisplayUnit {
  return unit in base[kind].perUnit;
}

/** Factor into the kind's base unit for a meter's own unit (what the comparison aggregates add up). */
export const baseFactor = (kind: MeterKind, unit: MeterUnit | string): number => conversionFactor(kind, unit as DisplayUnit, baseUnit(kind));

/** Rounds for output: enough digits for the unit, no binary-float noise. */
export function roundFor(unit: DisplayUnit, value: number): number {
  const digits = unit === 'gal' ? 2 : unit === 'kWh' || unit === 'therm' ? 4 : 5;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
