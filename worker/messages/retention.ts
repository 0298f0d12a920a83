/**
 * Retention of secure messages (daily cron, worker/index.ts): a conversation closed more than
 * MESSAGE_RETENTION_DAYS ago is deleted with its messages and attachments, the R2 objects first
 * (so no row ever names a deleted object for long, and no object outlives its row), in batches.
 * Open conversations are kept while they are open.
 */
export const MESSAGE_RETENTION_DAYS = 730;
const BATCH = 50;

export async function purgeClosedConversations(env: { DB: D1Database; MESSAGE_ATTACHMENTS: R2Bucket }, now = new Date()) {
  const raw = env.DB;
  const cutoff = new Date(now.getTime() - MESSAGE_RETENTION_DAYS * 86_400_000).toISOString();
  let purged = 0;
  for (let round = 0; round < 20; round++) {
    const { results } = await raw.prepare("SELECT id FROM conversations WHERE status = 'closed' AND closed_at < ?1 ORDER BY closed_at LIMIT ?2").bind(cutoff, BATCH).all<{ id: string }>();
    if (!results.length) break;
    const ids = JSON.stringify(results.map((r) => r.id));
    const inIds = '(SELECT value FROM json_each(?1))';
    const { results: objects } = await raw.prepare(`SELECT object_key AS key FROM message_attachments WHERE conversation_id IN ${inIds}`).bind(ids).all<{ key: string }>();
    for (let i = 0; i < objects.length; i += 1000) await env.MESSAGE_ATTACHMENTS.delete(objects.slice(i, i + 1000).map((o) => o.key));
    await raw.batch([
      raw.prepare(`DELETE FROM message_attachments WHERE conversation_id IN ${inIds}`).bind(ids),
      raw.prepare(`DELETE FROM conversation_messages WHERE conversation_id IN ${inIds}`).bind(ids),
      raw.prepare(`DELETE FROM conversations WHERE id IN ${inIds}`).bind(ids),
    ]);
    purged += results.length;
    if (results.length < BATCH) break;
  }
  return { purged };
}
