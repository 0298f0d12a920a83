/**
 * GET /api/openapi.json: the OpenAPI 3.1 description of the machine-to-machine APIs (./spec.ts).
 * GET /api/docs: the same, as a page to read (./docs-page.ts). Public: they describe the
 * interface, never data, and set no cookie.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-types';
import { docsPage, type OpenApiDocument } from './docs-page';
import { openApiDocument } from './spec';

export const apiDescription = new Hono<AppEnv>()
  .get('/openapi.json', async (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json((await openApiDocument(c.env.PORTAL_ORIGIN)) as Record<string, unknown>);
  })
  .get('/docs', async (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.html(docsPage((await openApiDocument(c.env.PORTAL_ORIGIN)) as OpenApiDocument));
  });
