/**
 * The English sentences the worker can put in an error body, read from its source text: the
 * message of every `new ApiError(status, code, '…')`, every `message:`/`error:` value (field
 * problems, zod options, `ctx.addIssue`), and every sentence given as an argument in a module that
 * builds zod schemas (`.min(1, '…')`, `.refine(fn, '…')`, `z.enum(values, '…')`), and every
 * field problem given to a checker's `refuse('…')` or `notEligible('…')`. A template
 * literal comes back with a sample: each `${…}` replaced by "7".
 */

export type EnglishMessage = { text: string; sample: string; template: boolean; files: string[] };

type Literal = { start: number; end: number; quote: string; body: string; sample: string };

/** String literals of a module, skipping comments and regular expressions. */
function literalsOf(src: string): Literal[] {
  const out: Literal[] = [];
  let i = 0;
  let last = ''; // the last significant character, to tell a regular expression from a division
  const readTemplate = (from: number): { end: number; sample: string } => {
    // from: index after the opening backtick; returns the index after the closing one.
    let j = from;
    let sample = '';
    while (j < src.length && src[j] !== '`') {
      if (src[j] === '\\') { sample += src.slice(j, j + 2); j += 2; continue; }
      if (src[j] === '$' && src[j + 1] === '{') {
        let depth = 1;
        j += 2;
        const exprStart = j;
        while (j < src.length && depth > 0) {
          const ch = src[j]!;
          if (ch === '{') depth++;
          else if (ch === '}') depth--;
          else if (ch === '`') { j = readTemplate(j + 1).end; continue; }
          else if (ch === "'" || ch === '"') { j = skipQuoted(j); continue; }
          j++;
        }
        // An optional part (`${n > 1 ? ' …' : ''}`) is left out of the sample; any other value is 7.
        const expr = src.slice(exprStart, j - 1);
        sample += /\?[\s\S]*:\s*(''|""|``)\s*$|\?\s*(''|""|``)\s*:/.test(expr) ? '' : '7';
        continue;
      }
      sample += src[j];
      j++;
    }
    return { end: j + 1, sample };
  };
  const skipQuoted = (from: number): number => {
    const q = src[from];
    let j = from + 1;
    while (j < src.length && src[j] !== q && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
    return j + 1;
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '/' && src[i + 1] === '/') { i = src.indexOf('\n', i); if (i === -1) break; continue; }
    if (ch === '/' && src[i + 1] === '*') { i = src.indexOf('*/', i + 2) + 2; if (i === 1) break; continue; }
    if (ch === '/' && (last === '' || '(,=:[!&|?{};+'.includes(last) || /\breturn\s*$/.test(src.slice(Math.max(0, i - 8), i)))) {
      let j = i + 1;
      let inClass = false;
      while (j < src.length && src[j] !== '\n' && (inClass || src[j] !== '/')) {
        if (src[j] === '\\') j++;
        else if (src[j] === '[') inClass = true;
        else if (src[j] === ']') inClass = false;
        j++;
      }
      i = j + 1;
      last = 'r';
      continue;
    }
    if (ch === "'" || ch === '"') {
      const end = skipQuoted(i);
      const body = src.slice(i + 1, end - 1).replace(/\\(.)/g, '$1');
      out.push({ start: i, end, quote: ch, body, sample: body });
      i = end;
      last = 's';
      continue;
    }
    if (ch === '`') {
      const { end, sample } = readTemplate(i + 1);
      out.push({ start: i, end, quote: '`', body: src.slice(i + 1, end - 1).replace(/\\(.)/g, '$1'), sample: sample.replace(/\\(.)/g, '$1') });
      i = end;
      last = 's';
      continue;
    }
    if (!/\s/.test(ch)) last = ch;
    i++;
  }
  return out;
}

const isSentence = (s: string) => /^[A-Z¿]/.test(s) && /[.?!]\)?$/.test(s) && s.includes(' ');
/** Codes, field names and markup travel in the same places but are not prose. */
const isProse = (s: string) => /[a-z]/i.test(s) && /\s/.test(s.trim()) && !s.trimStart().startsWith('<') && !/=["']/.test(s);

export function englishMessages(sources: Record<string, string>): EnglishMessage[] {
  const found = new Map<string, EnglishMessage>();
  for (const [file, src] of Object.entries(sources)) {
    const buildsSchemas = /from 'zod'/.test(src);
    const collectsFieldProblems = /problems\.push\(\{ field, message \}\)/.test(src);
    for (const lit of literalsOf(src)) {
      const before = src.slice(Math.max(0, lit.start - 300), lit.start);
      const after = src.slice(lit.end, lit.end + 3);
      const apiError = /new ApiError\(\s*[^;()]*?(?:\([^()]*\)[^;()]*?)*,\s*[^;,()]*?(?:\([^()]*\)[^;,()]*?)?,\s*(?:[^;,()]*\?\s*|[^;,()]*:\s*)?$/.test(before);
      const keyed = /\b(?:message|error|limit)\s*(?::|=(?!=))\s*(?:[^;,{}()'"]*(?:'[^'\n]*'[^;,{}()'"]*)*[?:]\s*)?$/.test(before) || /\(message = $/.test(before);
      // A field problem handed to a checker's own helper (programs/answers.ts: refuse('…'), notEligible('…')).
      const helper = collectsFieldProblems && /\b(?:refuse|notEligible)\(\s*$/.test(before);
      const argument = buildsSchemas && /[(,]\s*$/.test(before) && /^\s*[),]/.test(after) && isSentence(lit.sample);
      if (!(apiError || keyed || helper || argument) || !isProse(lit.sample)) continue;
      const entry = found.get(lit.body) ?? { text: lit.body, sample: lit.sample, template: lit.quote === '`' && lit.body.includes('${'), files: [] };
      entry.files.push(file);
      found.set(lit.body, entry);
    }
  }
  return [...found.values()];
}
