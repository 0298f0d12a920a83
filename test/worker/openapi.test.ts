import { describe, expect, it } from 'vitest';
import { ingest } from '../../worker/ingest/routes';
import { describedApis } from '../../worker/openapi/spec';
import { portal } from './support/usage-fixtures';

type Doc = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, { operationId?: string; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; responses: Record<string, unknown>; security?: unknown[] }>>;
  components: { schemas?: Record<string, { properties?: Record<string, unknown> }>; securitySchemes: Record<string, unknown> };
};

/** The routes a sub-app registers, as OpenAPI names them: `post /api/ingest/bills/{billId}/document`. */
function registered(prefix: string, app: { routes: { method: string; path: string }[] }) {
  return [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${(prefix + r.path).replace(/\/$/, '').replace(/:(\w+)/g, '{$1}')}`))];
}

const fetchDoc = async () => {
  const res = await portal('/api/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return res.json<Doc>();
};
const described = (doc: Doc) => Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));

describe('OpenAPI description', () => {
  it('describes every route of every listed API, the ingest routes among them', async () => {
    const doc = await fetchDoc();
    expect(doc.openapi).toBe('3.1.0');
    expect(describedApis.map((a) => a.app)).toContain(ingest);
    const routes = describedApis.flatMap((a) => registered(a.prefix, a.app));
    expect(routes).toEqual(expect.arrayContaining(['post /api/ingest/batches', 'put /api/ingest/bills/{billId}/document']));
    // A route added to a described sub-app without a description fails here.
    expect(described(doc).sort()).toEqual(routes.sort());
  });

  it('names the client assertion, each body type the batch route reads, its rows and the one error shape', async () => {
    const doc = await fetchDoc();
    expect(doc.servers[0]!.url).toBe('http://localhost:8787');
    expect(doc.components.securitySchemes).toHaveProperty('clientAssertion');
    const batches = doc.paths['/api/ingest/batches']!.post!;
    expect(batches.security).toEqual([{ clientAssertion: [] }]);
    expect(Object.keys(batches.requestBody!.content).sort()).toEqual(['application/atom+xml', 'application/json', 'text/csv']);
    expect(Object.keys(batches.responses)).toEqual(expect.arrayContaining(['200', '201', '401', '409', '413', '415', '422']));
    const text = JSON.stringify(doc);
    for (const field of ['meterId', 'intervalMinutes', 'accountNumber', 'quality', 'batchId']) expect(text).toContain(`"${field}"`);
    expect(doc.components.schemas?.Error?.properties).toHaveProperty('error');
  });
});

describe('API reference page', () => {
  it('renders every described operation from the document, with no script and nothing from elsewhere', async () => {
    const doc = await fetchDoc();
    const res = await portal('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/<script|style=|<style/i);
    // Only links within the portal: no CDN, no third-party resource.
    const urls = [...html.matchAll(/(?:href|src)="([^"]*)"/g)].map((m) => m[1]!);
    expect(urls.filter((u) => !u.startsWith('/') && !u.startsWith('#'))).toEqual([]);
    expect(urls).toContain('/api-docs.css');
    for (const op of described(doc)) {
      const [method, path] = op.split(' ');
      expect(html).toContain(`<span class="method">${method!.toUpperCase()}</span> <code>${path}</code>`);
    }
    expect(html).toContain('application/atom+xml');
    expect(html).toContain('clientAssertion');
  });
});
