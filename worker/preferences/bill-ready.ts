/**
 * The bill-ready notice of paperless billing: with paper bills off, this e-mail is how a customer
 * learns that a bill was issued, so it is transactional, like the security mail of a login. It is
 * no topic of the preferences (topics.ts): no unsubscribe link in it, and no unsubscribe (the
 * newsletter's, program mail's or an alert's, by link or one-click) stops it. The preferences page
 * is where it is chosen, as paperless billing itself (billing_preferences, the state the pay page
 * sets too); choosing paper bills again is how it stops.
 *
 * Who: as the login recipients of the preferences machinery, each login's current e-mail, while the
 * login is active and verified and may still see the account's bills (its holder, or a delegate
 * with the billing right). Written in the ingest batch that creates the bill, so a bill and its
 * notice land together; the outbox delivers it.
 */
import { grantSql } from '../auth/account-access';
import { utility } from '../shared/utility';

/**
 * One statement for the new-bill notices of `billIds`, for the ingest batch that creates those
 * bills (put it after their inserts). It mails every verified, active login that holds the account
 * or has its billing right, for accounts with paperless on; nobody else. The notice says a bill is
 * ready and when it is due, with a link to sign in: no amount, no account number, nothing a
 * misdirected mail would expose.
 */
export function newBillNoticeStatement(db: D1Database, origin: string, billIds: string[]) {
  const subject = `Your ${utility.shortName} bill is ready`;
  const before = `A new bill for your ${utility.name} account is ready. It is due on `;
  const after =
    `.\n\nSign in to see it and pay it:\n${origin}/account/bills/\n\n` +
    `You get this e-mail because paperless billing is on for the account: it takes the place of the paper bill, so unsubscribing from the newsletter, program mail or alerts does not stop it. ` +
    `To have paper bills mailed again instead, choose paper bills in your preferences: ${origin}/account/preferences/\n\n` +
    `${utility.name}\n${utility.phoneDisplay} · ${utility.hours}\n`;
  return db
    .prepare(
      `INSERT INTO outbox_emails (id, to_address, subject, body_text, kind)
       SELECT lower(hex(randomblob(16))), l.email, ?2, ?3 || b.due_on || ?4, 'new-bill'
         FROM bills b
         JOIN billing_preferences bp ON bp.account_id = b.account_id AND bp.paperless = 1
         JOIN account_access aa ON aa.account_id = b.account_id AND ${grantSql('aa', 'billing')}
         JOIN logins l ON l.id = aa.login_id AND l.email_verified_at IS NOT NULL AND l.status = 'active'
        WHERE b.id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(billIds), subject, before, after);
}
