/**
 * The shape of a Spanish error table: English sentences word for word, and patterns for the
 * sentences a route builds with values in them (a number, a date, a list of codes).
 */

/** A pattern's Spanish, from the English match; undefined when a value has no Spanish (then the code's text is used). */
export type Pattern = readonly [RegExp, (m: RegExpExecArray) => string | undefined];

export type SpanishTable = { messages: Record<string, string>; patterns: readonly Pattern[] };

/** A number written the Spanish (United States) way: 1,000 stays 1,000, as on the Spanish pages. */
export const numberEs = (text: string) => {
  const n = Number(text.replace(/,/g, ''));
  return Number.isFinite(n) ? n.toLocaleString('es-US') : text;
};
