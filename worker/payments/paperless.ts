/**
 * Paperless billing: per account, on or off. When on, the utility stops mailing paper bills and
 * each new bill is announced by e-mail through the outbox (the alerts issue will add channels
 * through the notification preferences). The notice says a bill is ready and when it is due, with
 * a link to sign in: no amount, no account number, nothing a misdirected mail would expose.
 */
import { utility } from '../shared/utility';
import { auditStatement } from './d1';

export function setPaperlessStatements(db: D1Database, p: { accountId: string; loginId: string; paperless: boolean; now: Date }) {
  const at = p.now.toISOString();
  return [
    db
      .prepare(
        `INSERT INTO billing_preferences (account_id, paperless, changed_at, changed_by_login_id) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account_id) DO UPDATE SET paperless = excluded.paperless, changed_at = excluded.changed_at, changed_by_login_id = excluded.changed_by_login_id
         WHERE billing_preferences.paperless <> excluded.paperless`,
      )
      .bind(p.accountId, p.paperless ? 1 : 0, at, p.loginId),
    auditStatement(db, { event: p.paperless ? 'billing.paperless_on' : 'billing.paperless_off', actorLoginId: p.loginId, subjectAccountId: p.accountId }),
  ];
}

/**
 * One statement for the new-bill notices of `billIds`, for the ingest batch that creates those
 * bills (put it after their inserts). It mails every verified, active login that holds the account
 * or has its billing right, for accounts with paperless on; nobody else. Rows only: delivery is the
 * outbox's.
 */
export function newBillNoticeStatement(db: D1Database, origin: string, billIds: string[]) {
  const subject = `Your ${utility.shortName} bill is ready`;
  const before = `A new bill for your ${utility.name} account is ready. It is due on `;
  const after = `.\n\nSign in to see it and pay it:\n${origin}/account/bills/\n\nYou get this e-mail because paperless billing is on for the account. To have paper bills mailed again, turn paperless off at ${origin}/account/pay/.\n`;
  return db
    .prepare(
      `INSERT INTO outbox_emails (id, to_address, subject, body_text, kind)
       SELECT lower(hex(randomblob(16))), l.email, ?2, ?3 || b.due_on || ?4, 'new-bill'
         FROM bills b
         JOIN billing_preferences bp ON bp.account_id = b.account_id AND bp.paperless = 1
         JOIN account_access aa ON aa.account_id = b.account_id AND (aa.relationship = 'holder' OR aa.can_view_billing = 1)
         JOIN logins l ON l.id = aa.login_id AND l.email_verified_at IS NOT NULL AND l.status = 'active'
        WHERE b.id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(billIds), subject, before, after);
}
