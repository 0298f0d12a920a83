/**
 * The English pages that have a Spanish twin: the worker sends a Spanish visitor's redirects to
 * the twin when there is one (worker/i18n/middleware.ts).
 */
import type { APIRoute } from 'astro';
import { twinnedEnglishPaths } from '../../i18n/routes';

export const GET: APIRoute = () =>
  new Response(JSON.stringify({ pages: twinnedEnglishPaths() }), { headers: { 'Content-Type': 'application/json' } });
