/**
 * Every program's online application (questions, documents, how long documents are kept), its
 * title and the application's words in each language, taken
 * from the Markdown front matter: the worker judges applications by this file
 * (worker/programs/catalog.ts), so a new program needs no code.
 */
import { getCollection } from 'astro:content';
import type { APIRoute } from 'astro';
import type { z } from 'zod';
import type { programCatalog } from '../../../worker/shared/program-catalog';
import { programsIn } from '../../i18n/programs';

export const GET: APIRoute = async () => {
  const programs = (await getCollection('programs')).sort((a, b) => a.data.order - b.data.order);
  // programsIn('es') refuses a translation whose words do not match the English application.
  const spanish = new Map((await programsIn('es')).map((p) => [p.id, p.spanish!.data]));
  const catalog: z.input<typeof programCatalog> = {
    programs: programs.map((p) => {
      const es = spanish.get(p.id);
      return {
        id: p.id,
        title: p.data.title,
        titles: es ? { es: es.title } : {},
        kind: p.data.kind,
        application: p.data.application,
        texts: es ? { es: { questions: es.questions, documents: es.documents } } : {},
      };
    }),
  };
  return new Response(JSON.stringify(catalog), { headers: { 'Content-Type': 'application/json' } });
};
