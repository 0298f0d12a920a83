/**
 * Sends a batch to a running portal's ingest API, signed with the dev-only demo client key that
 * the demo loader wrote (local development only; production clients keep their own key).
 *   tsx db/demo/ingest-send.ts FILE.json [--origin http://localhost:8787] [--key .wrangler/state/demo-ingest-client.json]
 *   tsx db/demo/ingest-send.ts FILE.csv --section reads --batch-id my-batch-1 [...]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ingestAudience } from '../../worker/ingest/auth';
import { signClientAssertion } from '../../worker/ingest/client-assertion';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { origin: { type: 'string', default: 'http://localhost:8787' }, key: { type: 'string', default: '.wrangler/state/demo-ingest-client.json' }, section: { type: 'string' }, 'batch-id': { type: 'string' } },
});
const file = positionals[0];
if (!file) throw new Error('usage: tsx db/demo/ingest-send.ts FILE [--origin URL] [--section S --batch-id ID]');
const client = JSON.parse(readFileSync(args.key!, 'utf8')) as { clientId: string; privateJwk: Record<string, string> };
const body = readFileSync(file);
const csv = file.endsWith('.csv');
const query = csv ? `?${new URLSearchParams({ section: args.section ?? 'reads', batchId: args['batch-id'] ?? `cli-${Date.now()}` })}` : '';
const url = `${args.origin}/api/ingest/batches${query}`;
// The assertion names the method and the exact URL (query included) as well as the body.
const token = await signClientAssertion({ privateJwk: client.privateJwk, clientId: client.clientId, audience: ingestAudience(args.origin!), method: 'POST', url, body: new Uint8Array(body) });
const res = await fetch(url, {
  method: 'POST',
  headers: { 'Content-Type': csv ? 'text/csv' : 'application/json', Authorization: `Bearer ${token}` },
  body,
});
console.log(res.status, JSON.stringify(await res.json(), null, 2));
