/**
 * Texts are sent in the GSM 03.38 alphabet: 160 characters in one segment, 153 in each part of a
 * longer one. A single character outside it (an "á", a curly quote) makes the whole text UCS-2,
 * 70 characters a segment, so a Spanish alert would cost three times the segments of the English
 * one. Spanish keeps é, ñ, ü, ¿ and ¡ (they are in the alphabet); á, í, ó and ú lose their accent, as
 * Spanish texts commonly do.
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Characters sent as two septets (an escape and the character). */
const EXTENDED = '^{}\\[~]|€\f';

const basic = new Set(BASIC);
const extended = new Set(EXTENDED);
const punctuation: Record<string, string> = { '‘': "'", '’': "'", '“': '"', '”': '"', '–': '-', '—': '-', '…': '...', '\u00a0': ' ', '•': '*' };

/** The text in the GSM alphabet: accents the alphabet lacks dropped, typographic punctuation made plain, anything else "?". */
export function toGsm7(text: string): string {
  let out = '';
  for (const ch of text) {
    if (basic.has(ch) || extended.has(ch)) out += ch;
    else if (punctuation[ch] !== undefined) out += punctuation[ch];
    else {
      const plain = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      out += [...plain].every((c) => basic.has(c)) && plain ? plain : '?';
    }
  }
  return out;
}

/** Septets the text takes in the GSM alphabet, or null when it has a character outside it. */
export function gsm7Septets(text: string): number | null {
  let n = 0;
  for (const ch of text) {
    if (basic.has(ch)) n += 1;
    else if (extended.has(ch)) n += 2;
    else return null;
  }
  return n;
}

/** Segments a GSM-alphabet text is sent in (null when it is not one). */
export function gsm7Segments(text: string): number | null {
  const n = gsm7Septets(text);
  if (n === null) return null;
  return n <= 160 ? 1 : Math.ceil(n / 153);
}
