/**
 * The programs customers may apply for, as the deployed site publishes them
 * (/programs/catalog.json, built from the Markdown front matter): read once per isolate through the
 * ASSETS binding, so the worker always judges by the programs deployed with it.
 */
import { ApiError } from '../http/errors';
import { currentTenant } from '../tenants/scope';
import { PROGRAM_CATALOG_PATH, programCatalog, type CatalogProgram } from '../shared/program-catalog';

/** Per tenant: each has its own programs. */
const catalogs = new Map<string, Promise<Map<string, CatalogProgram>>>();

async function load(assets: Fetcher, origin: string) {
  const res = await assets.fetch(new Request(new URL(PROGRAM_CATALOG_PATH, origin)));
  if (!res.ok) throw new Error(`program catalog: ${res.status}`);
  const parsed = programCatalog.parse(await res.json());
  return new Map(parsed.programs.map((p) => [p.id, p]));
}

/** Every program by id; an unreadable catalog is a 503 now and is read again next time. */
export async function programsOf(assets: Fetcher, origin: string): Promise<Map<string, CatalogProgram>> {
  const tenant = currentTenant().id;
  const cached = catalogs.get(tenant);
  if (cached) return cached;
  const catalog = load(assets, origin).catch((e: unknown) => {
    catalogs.delete(tenant);
    console.error(JSON.stringify({ level: 'error', event: 'program_catalog_unreadable', message: e instanceof Error ? e.message : String(e) }));
    throw new ApiError(503, 'unavailable', 'Applications cannot be taken just now. Please try again later.');
  });
  catalogs.set(tenant, catalog);
  return catalog;
}

/** One program, or 422 naming `program` when there is no such program. */
export async function programFor(assets: Fetcher, origin: string, id: string) {
  const program = (await programsOf(assets, origin)).get(id);
  if (!program) throw new ApiError(422, 'invalid_request', 'There is no such program.', [{ field: 'program', message: 'is not a program you can apply for' }]);
  return program;
}
