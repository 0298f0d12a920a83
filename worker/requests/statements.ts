/**
 * Helpers to put drizzle queries and raw SQL in one D1 batch (a transaction), and the pair of
 * statements every state change of a request is made of.
 */
import type { PrivacyRequestState } from '../../db/schema';

type Compilable = { toSQL(): { sql: string; params: unknown[] } };

/** A drizzle query as a raw D1 statement, so it can join a batch with conditional raw SQL. */
export function stmt(raw: D1Database, query: Compilable): D1PreparedStatement {
  const { sql, params } = query.toSQL();
  return raw.prepare(sql).bind(...params);
}

export type Actor = { kind: 'requester' | 'staff' | 'system'; loginId?: string | null };

/**
 * A state change as two statements for one batch: the history row is inserted only if the request
 * is still in `from` (so a concurrent change inserts nothing), then the request is updated under
 * the same condition. The caller checks `meta.changes` of the update (second result) to know it won.
 */
export function transitionStatements(
  raw: D1Database,
  change: { requestId: string; from: PrivacyRequestState; to: PrivacyRequestState; actor: Actor; note?: string | null; at: string; set?: Record<string, string | number | null> },
): [D1PreparedStatement, D1PreparedStatement] {
  const history = raw
    .prepare(
      `INSERT INTO privacy_request_history (id, request_id, at, from_state, to_state, actor_kind, actor_login_id, note)
       SELECT ?1, id, ?2, state, ?3, ?4, ?5, ?6 FROM privacy_requests WHERE id = ?7 AND state = ?8`,
    )
    .bind(crypto.randomUUID(), change.at, change.to, change.actor.kind, change.actor.loginId ?? null, change.note ?? null, change.requestId, change.from);
  const extra = Object.entries(change.set ?? {});
  const assignments = ['state = ?1', ...extra.map(([column], i) => `"${column}" = ?${i + 4}`)];
  const update = raw
    .prepare(`UPDATE privacy_requests SET ${assignments.join(', ')} WHERE id = ?2 AND state = ?3`)
    .bind(change.to, change.requestId, change.from, ...extra.map(([, value]) => value));
  return [history, update];
}
