/**
 * The programs in the reader's language. English entries are the source (kind, order, the online
 * application); a Spanish page takes its words from site/content/programs-es/<id>.md.
 */
import { getCollection, type CollectionEntry } from 'astro:content';
import type { Locale } from './index';

export type LocalProgram = {
  id: string;
  english: CollectionEntry<'programs'>;
  /** The Spanish entry on a Spanish page, else undefined. */
  spanish?: CollectionEntry<'programsEs'>;
  data: { title: string; summary: string; amount: string; eligibility: string[]; howToApply: string[] };
  /** Each document the application asks for, named in the reader's language. */
  documents: string[];
};

export async function programsIn(locale: Locale): Promise<LocalProgram[]> {
  const english = (await getCollection('programs')).sort((a, b) => a.data.order - b.data.order);
  if (locale === 'en') {
    return english.map((p) => ({ id: p.id, english: p, data: p.data, documents: p.data.application.documents.map((d) => d.label) }));
  }
  const spanish = new Map((await getCollection('programsEs')).map((p) => [p.id, p]));
  for (const id of spanish.keys()) if (!english.some((p) => p.id === id)) throw new Error(`programs-es/${id}.md translates no English program`);
  return english.flatMap((p) => {
    const es = spanish.get(p.id);
    if (!es) return [];
    const documents = p.data.application.documents.map((d) => {
      const label = es.data.documents[d.id];
      if (!label) throw new Error(`programs-es/${p.id}.md: no Spanish name for the document "${d.id}"`);
      return label;
    });
    const extra = Object.keys(es.data.documents).filter((id) => !p.data.application.documents.some((d) => d.id === id));
    if (extra.length) throw new Error(`programs-es/${p.id}.md: documents the application does not ask for: ${extra.join(', ')}`);
    return [{ id: p.id, english: p, spanish: es, data: es.data, documents }];
  });
}
