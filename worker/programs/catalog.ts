/**
 * The programs customers may apply for, as the deployed site publishes them
 * (/programs/catalog.json, built from the Markdown front matter): read once per isolate and tenant through the
 * ASSETS binding, so the worker always judges by the programs deployed with it.
 */
import { ApiError } from '../http/errors';
import { oncePerTenant } from '../tenants/once';
import { PROGRAM_CATALOG_PATH, programCatalog, type CatalogProgram } from '../shared/program-catalog';

const catalogOnce = oncePerTenant<Map<string, CatalogProgram>>();

async function load(assets: Fetcher, origin: string) {
  const res = await assets.fetch(new Request(new URL(PROGRAM_CATALOG_PATH, origin)));
  if (!res.ok) throw new Error(`program catalog: ${res.status}`);
  const parsed = programCatalog.parse(await res.json());
  return new Map(parsed.programs.map((p) => [p.id, p]));
}

/** Every program by id; an unreadable catalog is a 503 now and is read again next time. */
export async function programsOf(assets: Fetcher, origin: string): Promise<Map<string, CatalogProgram>> {
  return catalogOnce(() => load(assets, origin)).catch((e: unknown) => {
    console.error(JSON.stringify({ level: 'error', event: 'program_catalog_unreadable', message: e instanceof Error ? e.message : String(e) }));
    throw new ApiError(503, 'unavailable', 'Applications cannot be taken just now. Please try again later.');
  });
}

/** One program, or 422 naming `program` when there is no such program. */
export async function programFor(assets: Fetcher, origin: string, id: string) {
  const program = (await programsOf(assets, origin)).get(id);
  if (!program) throw new ApiError(422, 'invalid_request', 'There is no such program.', [{ field: 'program', message: 'is not a program you can apply for' }]);
  return program;
}
