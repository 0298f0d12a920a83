/**
 * "I need help" answers on alerts (worker/alerts/centre/store.ts) continue as a secure
 * conversation: the first answer opens one, linked to the alert's open support item; a later
 * answer while that item is open adds a message to it (and reopens it for support). Statements are
 * returned for the answer's own batch, after the support item's insert.
 */
export function helpConversationStatements(raw: D1Database, a: { alertId: string; accountId: string; loginId: string; typeLabel: string; note: string | null; at: string }) {
  const conversationId = crypto.randomUUID();
  const text = `I answered the alert "${a.typeLabel}": I need help.${a.note ? `\n\n${a.note}` : ''}`;
  const linked = "SELECT c.id FROM conversations c JOIN support_items s ON s.id = c.support_item_id WHERE s.alert_id = ?1 AND s.status = 'open' AND c.status != 'closed' ORDER BY c.created_at DESC LIMIT 1";
  return [
    raw
      .prepare(
        `INSERT INTO conversations (id, account_id, opened_by_login_id, subject, topic, status, support_item_id, created_at, last_message_at, customer_read_at)
         SELECT ?1, ?2, ?3, ?4, 'alerts', 'open', s.id, ?5, ?5, ?5 FROM support_items s
         WHERE s.alert_id = ?6 AND s.status = 'open' AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.support_item_id = s.id AND c.status != 'closed')`,
      )
      .bind(conversationId, a.accountId, a.loginId, `Help with an alert: ${a.typeLabel}`.slice(0, 120), a.at, a.alertId),
    raw
      .prepare(`INSERT INTO conversation_messages (id, conversation_id, author_kind, author_login_id, body, created_at) SELECT ?2, id, 'customer', ?3, ?4, ?5 FROM (${linked})`)
      .bind(a.alertId, crypto.randomUUID(), a.loginId, text, a.at),
    raw.prepare(`UPDATE conversations SET status = 'open', last_message_at = ?2 WHERE id IN (${linked})`).bind(a.alertId, a.at),
  ];
}
