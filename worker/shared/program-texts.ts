/**
 * A program's application in another language. The English front matter (site/content/<tenant>/programs/)
 * is the one source of the application's structure: question types, eligibility rules, option
 * values, documents. A translation (site/content/<tenant>/programs-es/) only gives words, keyed by question
 * id and option value, and must give exactly the words the English has: `textProblems` names every
 * missing or extra one (the build refuses them, and test/site/program-texts.test.ts checks it).
 */
import { z } from 'zod';
import type { ProgramApplication, ProgramQuestion } from './program-catalog';

/** One question's words: the same fields the English question has words in. */
export const questionTexts = z
  .object({
    label: z.string().min(3).max(200),
    hint: z.string().min(3).max(300).optional(),
    /** A number question's unit ("personas"). */
    unit: z.string().min(1).max(40).optional(),
    ineligible: z.string().min(10).optional(),
    /** A choice question's option labels, by option value. */
    options: z.record(z.string(), z.string().min(1).max(200)).optional(),
  })
  .strict();
export type QuestionTexts = z.infer<typeof questionTexts>;

export const applicationTexts = z.object({
  /** By question id. */
  questions: z.record(z.string(), questionTexts),
  /** Document labels, by document id. */
  documents: z.record(z.string(), z.string().min(3)).default({}),
});
export type ApplicationTexts = z.infer<typeof applicationTexts>;

const wordsOf = (q: ProgramQuestion) => ({
  hint: q.hint !== undefined,
  unit: q.type === 'number' && q.unit !== undefined,
  ineligible: 'ineligible' in q && q.ineligible !== undefined,
});

/** Every word the translation lacks or has beyond the English application, as readable lines (empty: it matches). */
export function textProblems(application: ProgramApplication, texts: ApplicationTexts): string[] {
  const problems: string[] = [];
  for (const q of application.questions) {
    const t = texts.questions[q.id];
    if (!t) {
      problems.push(`question "${q.id}": no text`);
      continue;
    }
    const has = wordsOf(q);
    for (const key of ['hint', 'unit', 'ineligible'] as const) {
      if (has[key] && t[key] === undefined) problems.push(`question "${q.id}": no ${key}`);
      if (!has[key] && t[key] !== undefined) problems.push(`question "${q.id}": a ${key} the English question does not have`);
    }
    const values = q.type === 'choice' ? q.options.map((o) => o.value) : [];
    for (const v of values) if (t.options?.[v] === undefined) problems.push(`question "${q.id}": no label for the option "${v}"`);
    for (const v of Object.keys(t.options ?? {})) if (!values.includes(v)) problems.push(`question "${q.id}": an option "${v}" the English question does not have`);
  }
  for (const id of Object.keys(texts.questions)) if (!application.questions.some((q) => q.id === id)) problems.push(`question "${id}": not a question of the English application`);
  for (const d of application.documents) {
    if (texts.documents[d.id] === undefined) problems.push(`document "${d.id}": no label`);
    if (d.hint !== undefined) problems.push(`document "${d.id}": has a hint, which a translation cannot give yet`);
  }
  for (const id of Object.keys(texts.documents)) if (!application.documents.some((d) => d.id === id)) problems.push(`document "${id}": not a document of the English application`);
  return problems;
}

/**
 * The application in the translation's words, the structure unchanged. Words a translation lacks
 * stay English (the build refuses such a translation, so that happens only for an old catalog).
 */
export function translatedApplication(application: ProgramApplication, texts: ApplicationTexts | undefined): ProgramApplication {
  if (!texts) return application;
  return {
    ...application,
    questions: application.questions.map((q): ProgramQuestion => {
      const t = texts.questions[q.id];
      if (!t) return q;
      const words = { label: t.label, ...(q.hint !== undefined ? { hint: t.hint ?? q.hint } : {}) };
      switch (q.type) {
        case 'choice':
          return { ...q, ...words, ...(q.ineligible !== undefined ? { ineligible: t.ineligible ?? q.ineligible } : {}), options: q.options.map((o) => ({ ...o, label: t.options?.[o.value] ?? o.label })) };
        case 'number':
          return { ...q, ...words, ...(q.ineligible !== undefined ? { ineligible: t.ineligible ?? q.ineligible } : {}), ...(q.unit !== undefined ? { unit: t.unit ?? q.unit } : {}) };
        case 'text':
          return { ...q, ...words };
        default:
          return { ...q, ...words, ...(q.ineligible !== undefined ? { ineligible: t.ineligible ?? q.ineligible } : {}) };
      }
    }),
    documents: application.documents.map((d) => ({ ...d, label: texts.documents[d.id] ?? d.label })),
  };
}
