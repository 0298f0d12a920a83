/**
 * The English pages that have a Spanish twin, as the deployed site publishes them
 * (/i18n/twins.json, from site/i18n/routes.ts): read once per isolate and tenant through the ASSETS binding,
 * so redirects only ever point at Spanish pages that exist.
 */
import { oncePerTenant } from '../tenants/once';

export const TWINS_PATH = '/i18n/twins.json';

const twinsOnce = oncePerTenant<ReadonlySet<string>>();

async function load(assets: Fetcher, origin: string): Promise<ReadonlySet<string>> {
  const res = await assets.fetch(new Request(new URL(TWINS_PATH, origin)));
  if (!res.ok) throw new Error(`twins: ${res.status}`);
  const body = (await res.json()) as { pages?: unknown };
  if (!Array.isArray(body.pages)) throw new Error('twins: no pages');
  return new Set(body.pages.filter((p): p is string => typeof p === 'string'));
}

/** The set; an unreadable file means "no twins" now (English pages still work) and is read again next time. */
export async function spanishTwins(assets: Fetcher, origin: string): Promise<ReadonlySet<string>> {
  return twinsOnce(() => load(assets, origin)).catch((e: unknown) => {
    console.error(JSON.stringify({ level: 'error', event: 'twins_unreadable', message: e instanceof Error ? e.message : String(e) }));
    return new Set<string>();
  });
}
