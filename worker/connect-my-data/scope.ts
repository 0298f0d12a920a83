/**
 * ESPI scopes ("FB=1_4_5_16;IntervalDuration=900;HistoryLength=34128000"): which function blocks
 * an application may fetch, the finest interval it wants and how far back (seconds). The portal
 * supports the blocks below; a scope is parsed strictly and written back in one canonical form, and
 * "narrower" means a subset of blocks, an interval no finer and a history no longer.
 */
import type { Locale } from '../i18n/locale';

/** The function blocks this data custodian serves, in a customer's words. FB 1 (common) is always part of a scope. */
export const functionBlocks = {
  1: { name: 'Service basics', words: 'which services you have (water, electricity) and your time zone' },
  4: { name: 'Meter reads', words: 'your meter reads at the meter’s own interval' },
  5: { name: 'Read quality', words: 'whether each read was actual or estimated' },
  16: { name: 'Billing-period totals', words: 'your use per billing period, from your bills' },
} as const;

export type FunctionBlock = keyof typeof functionBlocks;

/** The same blocks in Spanish, for the Spanish consent screen and sharing page. */
const functionBlocksEs: Record<FunctionBlock, { name: string; words: string }> = {
  1: { name: 'Datos básicos del servicio', words: 'qué servicios tiene (agua, electricidad) y su zona horaria' },
  4: { name: 'Lecturas del medidor', words: 'las lecturas de su medidor, al intervalo propio del medidor' },
  5: { name: 'Calidad de las lecturas', words: 'si cada lectura fue real o estimada' },
  16: { name: 'Totales por período de facturación', words: 'su consumo por período de facturación, según sus facturas' },
};

export const functionBlocksIn = (locale: Locale): Record<FunctionBlock, { name: string; words: string }> => (locale === 'es' ? functionBlocksEs : functionBlocks);
const known = Object.keys(functionBlocks).map(Number) as FunctionBlock[];

export type Scope = { blocks: FunctionBlock[]; intervalSeconds: number; historySeconds: number };

const DAY = 86_400;

/** Parses a scope; null when it is not one this custodian can serve. */
export function parseScope(text: string): Scope | null {
  if (text.length > 200) return null;
  const parts = new Map<string, string>();
  for (const part of text.split(';')) {
    const m = /^(FB|IntervalDuration|HistoryLength)=([0-9_]{1,60})$/.exec(part);
    if (!m || parts.has(m[1]!)) return null;
    parts.set(m[1]!, m[2]!);
  }
  const fb = parts.get('FB');
  const interval = Number(parts.get('IntervalDuration'));
  const history = Number(parts.get('HistoryLength'));
  if (!fb || !Number.isSafeInteger(interval) || !Number.isSafeInteger(history)) return null;
  const blocks = [...new Set(fb.split('_').map(Number))].sort((a, b) => a - b);
  if (!blocks.every((b) => (known as number[]).includes(b)) || !blocks.includes(1)) return null;
  if (![900, 3600, 86_400].includes(interval)) return null;
  if (history < DAY || history > 10 * 366 * DAY) return null;
  return { blocks: blocks as FunctionBlock[], intervalSeconds: interval, historySeconds: history };
}

export const formatScope = (s: Scope) => `FB=${[...s.blocks].sort((a, b) => a - b).join('_')};IntervalDuration=${s.intervalSeconds};HistoryLength=${s.historySeconds}`;

/** Whether `narrow` asks for nothing `wide` does not allow. */
export function isWithin(narrow: Scope, wide: Scope) {
  return narrow.blocks.every((b) => wide.blocks.includes(b)) && narrow.intervalSeconds >= wide.intervalSeconds && narrow.historySeconds <= wide.historySeconds;
}

export const historyDays = (s: Scope) => Math.floor(s.historySeconds / DAY);

const scopeWords = {
  en: {
    finest: (interval: number) => `as fine as ${({ 900: '15-minute', 3600: 'hourly', 86_400: 'daily' } as Record<number, string>)[interval]}`,
    history: (days: number) => (days >= 60 ? `about ${Math.round(days / 30.44)} months` : `${days} days`),
  },
  es: {
    finest: (interval: number) => `como mucho ${({ 900: 'cada 15 minutos', 3600: 'cada hora', 86_400: 'cada día' } as Record<number, string>)[interval]}`,
    history: (days: number) => (days >= 60 ? `unos ${Math.round(days / 30.44)} meses` : `${days} días`),
  },
} satisfies Record<Locale, unknown>;

/** The scope in plain words, one line per block, for the consent screen and the sharing page. */
export function describeScope(s: Scope, locale: Locale = 'en'): { block: FunctionBlock; name: string; words: string }[] {
  const blocks = functionBlocksIn(locale);
  return s.blocks.map((b) => ({ block: b, name: blocks[b].name, words: b === 4 ? `${blocks[4].words} (${scopeWords[locale].finest(s.intervalSeconds)})` : blocks[b].words }));
}

/** "about 13 months", "90 days": a history length for people. */
export function historyWords(s: Scope, locale: Locale = 'en') {
  return scopeWords[locale].history(historyDays(s));
}
