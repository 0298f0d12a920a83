/**
 * Optimistic concurrency for D1 batches: a guard statement in a batch fails the whole batch (one
 * transaction) when what the caller read has changed since, so of two answers sent at once only
 * one applies. SQLite raises on json() of a word that is not JSON; that error tells the guard's
 * failure apart from any other.
 */
import type { ApiError } from './errors';

/** SQL for a guard statement: nothing happens when `condition` holds, else the batch fails. */
export const guardSql = (condition: string, why: string) => `SELECT CASE WHEN ${condition} THEN 1 ELSE json('${why}') END`;

/** Runs a guarded batch; a failed guard becomes `conflict` (a 409 saying what changed). */
export async function guarded<T>(run: () => Promise<T>, conflict: () => ApiError): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (/malformed JSON/i.test(String((e as Error)?.message))) throw conflict();
    throw e;
  }
}
