/**
 * The routes the worker answers, read from the Hono app itself (`app.routes`), so that a route added
 * tomorrow is in every list the proofs iterate over without anyone editing them.
 */
import type { Hono } from 'hono';
import { inspectRoutes } from 'hono/dev';

export type Endpoint = {
  method: string;
  path: string;
  /** "METHOD path", the key the generator registry and the authorisation matrix use. */
  key: string;
  /** Served under /api/ or /.well-known/: every refusal is the JSON error shape. */
  api: boolean;
  /** For a Spanish page (/es/…), its English twin's key: the same handler, so the same expectations. */
  englishKey?: string;
};

/**
 * Every endpoint: each (method, path) registered with a concrete method, plus the catch-alls
 * registered with `app.all` (an `all` handler takes only the context). `app.use` middleware (which
 * takes `next`) is not an endpoint. Sub-apps with their own onError wrap their handlers; inspectRoutes
 * unwraps them.
 */
export function endpoints(app: Hono<any, any, any>): Endpoint[] {
  const seen = new Map<string, Endpoint>();
  for (const route of inspectRoutes(app)) {
    if (route.method === 'ALL' && route.isMiddleware) continue;
    const key = `${route.method} ${route.path}`;
    const englishKey = route.path.startsWith('/es/') ? `${route.method} ${route.path.slice(3)}` : undefined;
    if (!seen.has(key)) seen.set(key, { method: route.method, path: route.path, key, api: route.path.startsWith('/api/') || route.path.startsWith('/.well-known/'), ...(englishKey ? { englishKey } : {}) });
  }
  return [...seen.values()];
}
