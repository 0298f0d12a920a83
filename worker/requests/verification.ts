/** Following the signed single-use link sent to the e-mail on file. */
import { sha256Hex } from '../auth/tokens';
import { checkVerifyLink, statusPath, statusToken, type VerifyLink } from './links';

export type VerifyOutcome = { ok: true; statusPath: string } | { ok: false; reason: 'invalid' | 'expired' | 'used' };

export async function useVerifyLink(env: Pick<Env, 'DB' | 'LINK_SIGNING_SECRET'>, requestId: string, link: VerifyLink, now = new Date()): Promise<VerifyOutcome> {
  const check = await checkVerifyLink(env.LINK_SIGNING_SECRET, requestId, link, now);
  if (check === 'bad') return { ok: false, reason: 'invalid' };
  if (check === 'expired') return { ok: false, reason: 'expired' };
  const nonceHash = await sha256Hex(link.nonce);
  const at = now.toISOString();
  const raw = env.DB;
  // Only a request still waiting, holding this very nonce, moves; the nonce is cleared in the same update.
  const guardedHistory = raw
    .prepare(
      `INSERT INTO privacy_request_history (id, request_id, at, from_state, to_state, actor_kind, actor_login_id, note)
       SELECT ?1, id, ?2, 'verifying', 'verified', 'requester', NULL, 'Verified through the link sent to the e-mail on file'
       FROM privacy_requests WHERE id = ?3 AND state = 'verifying' AND verify_nonce_hash = ?4`,
    )
    .bind(crypto.randomUUID(), at, requestId, nonceHash);
  const guardedUpdate = raw
    .prepare(`UPDATE privacy_requests SET state = 'verified', verified_at = ?1, verification_method = 'email_link', verify_nonce_hash = NULL, verify_expires_at = NULL WHERE id = ?2 AND state = 'verifying' AND verify_nonce_hash = ?3`)
    .bind(at, requestId, nonceHash);
  const results = await raw.batch([
    guardedHistory,
    guardedUpdate,
    // Logged only when this batch made the change (the request now carries this very timestamp).
    raw
      .prepare(`INSERT INTO audit_events (id, at, event, subject_account_id, detail) SELECT ?1, ?2, 'privacy_request.verified', account_id, json_object('requestId', id, 'method', 'email_link') FROM privacy_requests WHERE id = ?3 AND verified_at = ?2 AND verification_method = 'email_link'`)
      .bind(crypto.randomUUID(), at, requestId),
  ]);
  if ((results[1]?.meta.changes ?? 0) === 0) return { ok: false, reason: 'used' };
  return { ok: true, statusPath: statusPath(requestId, await statusToken(env.LINK_SIGNING_SECRET, requestId)) };
}
