/**
 * How long proof of consent is kept: 24 months from the choice, as the privacy notice says
 * ("How long we keep information": cookie choices). A consent counts for 12 months at most, so a
 * row older than that backs no consent in force; the second year keeps the proof while a
 * complaint about it could still come. Migration `*_consent_proof_retention.sql` lets D1 delete
 * a row only after this period (and never update one); the daily cron deletes them.
 */
export const CONSENT_PROOF_RETENTION_MONTHS = 24;

/**
 * The cut-off is computed by SQLite, like the trigger's: both read the same `now` within one
 * statement, so the purge can never ask for a row the trigger would refuse (which would abort it).
 */
const cutoff = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-${CONSENT_PROOF_RETENTION_MONTHS} months')`;

export async function purgeExpiredConsentProof(raw: D1Database) {
  const result = await raw.prepare(`DELETE FROM consent_records WHERE recorded_at < ${cutoff}`).run();
  return { purgedConsentRecords: result.meta.changes ?? 0 };
}
