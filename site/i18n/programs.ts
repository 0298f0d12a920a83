/**
 * The programs in the reader's language. English entries are the source (kind, order, the online
 * application); a Spanish page takes its words from site/content/<tenant>/programs-es/<id>.md.
 */
import { getCollection, type CollectionEntry } from 'astro:content';
import type { Locale } from './index';
import type { ProgramApplication } from '../../worker/shared/program-catalog';
import { textProblems, translatedApplication } from '../../worker/shared/program-texts';

export type LocalProgram = {
  id: string;
  english: CollectionEntry<'programs'>;
  /** The Spanish entry on a Spanish page, else undefined. */
  spanish?: CollectionEntry<'programsEs'>;
  data: { title: string; summary: string; amount: string; eligibility: string[]; howToApply: string[] };
  /** Each document the application asks for, named in the reader's language. */
  documents: string[];
  /** The online application in the reader's language: the English structure, the translation's words. */
  application: ProgramApplication;
};

export async function programsIn(locale: Locale): Promise<LocalProgram[]> {
  const english = (await getCollection('programs')).sort((a, b) => a.data.order - b.data.order);
  if (locale === 'en') {
    return english.map((p) => ({ id: p.id, english: p, data: p.data, documents: p.data.application.documents.map((d) => d.label), application: p.data.application }));
  }
  const spanish = new Map((await getCollection('programsEs')).map((p) => [p.id, p]));
  for (const id of spanish.keys()) if (!english.some((p) => p.id === id)) throw new Error(`programs-es/${id}.md translates no English program`);
  return english.flatMap((p) => {
    const es = spanish.get(p.id);
    if (!es) return [];
    const problems = textProblems(p.data.application, es.data);
    if (problems.length) throw new Error(`programs-es/${p.id}.md does not match the English application: ${problems.join('; ')}`);
    const application = translatedApplication(p.data.application, es.data);
    return [{ id: p.id, english: p, spanish: es, data: es.data, documents: application.documents.map((d) => d.label), application }];
  });
}
