/**
 * Every program's online application (questions, documents, how long documents are kept) and its
 * title in each language, taken
 * from the Markdown front matter: the worker judges applications by this file
 * (worker/programs/catalog.ts), so a new program needs no code.
 */
import { getCollection } from 'astro:content';
import type { APIRoute } from 'astro';
import type { z } from 'zod';
import type { programCatalog } from '../../../worker/shared/program-catalog';

export const GET: APIRoute = async () => {
  const programs = (await getCollection('programs')).sort((a, b) => a.data.order - b.data.order);
  const spanish = new Map((await getCollection('programsEs')).map((p) => [p.id, p.data.title]));
  const catalog: z.input<typeof programCatalog> = {
    programs: programs.map((p) => ({ id: p.id, title: p.data.title, titles: spanish.has(p.id) ? { es: spanish.get(p.id)! } : {}, kind: p.data.kind, application: p.data.application })),
  };
  return new Response(JSON.stringify(catalog), { headers: { 'Content-Type': 'application/json' } });
};
