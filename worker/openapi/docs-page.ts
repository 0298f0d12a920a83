/**
 * A readable page of the OpenAPI document, rendered here from the document itself: no script, no
 * third-party code, one stylesheet of our own (site/public/api-docs.css), so the CSP holds and the
 * page makes no request but for that file.
 */
import { escapeHtml } from '../http/html';

type Schema = { type?: string | string[]; description?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema; enum?: unknown[]; anyOf?: Schema[]; oneOf?: Schema[]; $ref?: string; format?: string; pattern?: string; minimum?: number; maximum?: number; maxItems?: number; maxLength?: number; const?: unknown; default?: unknown };
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema };
type Operation = { summary?: string; description?: string; operationId?: string; tags?: string[]; parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>; security?: Record<string, string[]>[] };
export type OpenApiDocument = {
  info: { title: string; version: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, { description?: string }> };
};

const e = escapeHtml;
const methods = ['get', 'put', 'post', 'delete', 'patch'];

function typeOf(s: Schema, doc: OpenApiDocument): string {
  if (s.$ref) {
    const name = s.$ref.split('/').pop()!;
    return `<a href="#schema-${e(name)}">${e(name)}</a>`;
  }
  if (s.enum) return `one of ${s.enum.map((v) => `<code>${e(JSON.stringify(v))}</code>`).join(', ')}`;
  if (s.const !== undefined) return `<code>${e(JSON.stringify(s.const))}</code>`;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.map((a) => typeOf(a, doc)).join(' or ');
  if (s.type === 'array' && s.items) return `array of ${typeOf(s.items, doc)}${s.maxItems !== undefined ? ` (at most ${s.maxItems})` : ''}`;
  const type = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  const notes = [s.format && `format ${s.format}`, !s.format && s.pattern && `pattern <code>${e(s.pattern)}</code>`, s.minimum !== undefined && `≥ ${s.minimum}`, s.maximum !== undefined && `≤ ${s.maximum}`, s.maxLength !== undefined && `at most ${s.maxLength} characters`].filter(Boolean);
  return `${e(type)}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

/** An object's properties as a table; arrays of objects show their items' table. */
function schemaTable(s: Schema, doc: OpenApiDocument, caption: string, depth = 0): string {
  const target = s.type === 'array' && s.items ? s.items : s;
  if (!target.properties || depth > 2) return `<p>${typeOf(s, doc)}${s.description ? `: ${e(s.description)}` : ''}</p>`;
  const rows = Object.entries(target.properties).map(([name, p]) => {
    const inner = p.type === 'array' && p.items?.properties ? schemaTable(p, doc, `Each of ${name}`, depth + 1) : p.properties ? schemaTable(p, doc, name, depth + 1) : '';
    return `<tr><th scope="row"><code>${e(name)}</code></th><td>${target.required?.includes(name) ? 'yes' : 'no'}</td><td>${typeOf(p, doc)}${p.description ? `<br>${e(p.description)}` : ''}${inner}</td></tr>`;
  });
  return `<div class="table-scroll"><table><caption>${e(caption)}</caption><thead><tr><th scope="col">Field</th><th scope="col">Required</th><th scope="col">Type</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function operation(path: string, method: string, op: Operation, doc: OpenApiDocument): string {
  const id = op.operationId ?? `${method}-${path}`;
  const parts = [`<section class="operation" aria-labelledby="op-${e(id)}"><h3 id="op-${e(id)}"><span class="method">${e(method.toUpperCase())}</span> <code>${e(path)}</code></h3>`];
  if (op.summary) parts.push(`<p class="summary">${e(op.summary)}</p>`);
  if (op.description) parts.push(...op.description.split('\n').map((line) => `<p>${e(line)}</p>`));
  if (op.security?.length) parts.push(`<p>Authentication: ${op.security.map((s) => Object.keys(s).map((k) => `<a href="#security-${e(k)}">${e(k)}</a>`).join(' and ')).join(' or ')}.</p>`);
  if (op.parameters?.length) {
    parts.push(`<div class="table-scroll"><table><caption>Parameters</caption><thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Required</th><th scope="col">Description</th></tr></thead><tbody>${op.parameters.map((p) => `<tr><th scope="row"><code>${e(p.name)}</code></th><td>${e(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${p.schema ? typeOf(p.schema, doc) : ''}${p.description ? `<br>${e(p.description)}` : ''}</td></tr>`).join('')}</tbody></table></div>`);
  }
  for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
    parts.push(`<h4>Request body: <code>${e(type)}</code></h4>`, media.schema ? schemaTable(media.schema, doc, `Body (${type})`) : '');
  }
  parts.push(`<h4>Responses</h4><dl class="responses">${Object.entries(op.responses ?? {}).map(([status, r]) => `<dt>${e(status)}</dt><dd>${e(r.description ?? '')}${Object.entries(r.content ?? {}).map(([t, m]) => (m.schema ? ` <code>${e(t)}</code>: ${typeOf(m.schema, doc)}` : '')).join('')}</dd>`).join('')}</dl></section>`);
  return parts.join('');
}

export function docsPage(doc: OpenApiDocument): string {
  const ops = Object.entries(doc.paths).flatMap(([path, item]) => methods.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m]! })));
  const tags = doc.tags?.length ? doc.tags : [{ name: 'API' }];
  const byTag = tags.map((t) => ({ tag: t, ops: ops.filter((o) => (o.op.tags ?? ['API']).includes(t.name)) }));
  const schemas = Object.entries(doc.components?.schemas ?? {});
  const security = Object.entries(doc.components?.securitySchemes ?? {});
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(doc.info.title)} (API reference)</title><meta name="robots" content="noindex"><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/api-docs.css"></head><body><main>
<h1>${e(doc.info.title)}</h1><p>Version ${e(doc.info.version)}. ${e(doc.info.description ?? '')}</p>
<p>The same description as OpenAPI 3.1: <a href="/api/openapi.json">/api/openapi.json</a>.</p>
<nav aria-label="Operations"><ul>${ops.map((o) => `<li><a href="#op-${e(o.op.operationId ?? `${o.method}-${o.path}`)}">${e(o.method.toUpperCase())} <code>${e(o.path)}</code></a>${o.op.summary ? `: ${e(o.op.summary)}` : ''}</li>`).join('')}</ul></nav>
${byTag.map(({ tag, ops: list }) => `<h2>${e(tag.name)}</h2>${tag.description ? `<p>${e(tag.description)}</p>` : ''}${list.map((o) => operation(o.path, o.method, o.op, doc)).join('')}`).join('')}
${security.length ? `<h2>Authentication</h2>${security.map(([name, s]) => `<h3 id="security-${e(name)}">${e(name)}</h3><p>${e(s.description ?? '')}</p>`).join('')}` : ''}
${schemas.length ? `<h2>Schemas</h2>${schemas.map(([name, s]) => `<section aria-labelledby="schema-${e(name)}"><h3 id="schema-${e(name)}">${e(name)}</h3>${s.description ? `<p>${e(s.description)}</p>` : ''}${schemaTable(s, doc, name)}</section>`).join('')}` : ''}
</main></body></html>`;
}
