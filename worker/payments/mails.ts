/**
 * Notices about money moving on an account: a payment confirmed, autopay turned on or off. They go
 * to the verified logins that hold the account and to the login that acted (a delegate), never to
 * an address typed into a form. Amounts and a masked account number only; no link carries a token.
 */
import { maskAccountNumber } from '../accounts/client';
import { utility } from '../shared/utility';
import { formatDollars } from './amount';

const signature = `\n\n${utility.name}\n${utility.phoneDisplay} · ${utility.hours}\n`;
const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: utility.timeZone });

type Notice = { kind: string; subject: string; text: string };

export const paymentNotices = {
  paymentReceived: (p: { accountNumber: string; amountCents: number; paidAt: Date; reference: string; origin: string }): Notice => ({
    kind: 'payment-received',
    subject: `We received your ${utility.shortName} payment`,
    text: `The payment processor confirmed a payment of ${formatDollars(p.amountCents)} on account ${maskAccountNumber(p.accountNumber)} on ${day.format(p.paidAt)}. Reference: ${p.reference}.\n\nIt counts in the amount due in your account at once; the utility records it on the account within two business days.\n\nYour payments: ${p.origin}/account/pay/${signature}`,
  }),
  autopayOn: (p: { accountNumber: string; origin: string }): Notice => ({
    kind: 'autopay-on',
    subject: `Autopay is on for your ${utility.shortName} account`,
    text: `Autopay is now on for account ${maskAccountNumber(p.accountNumber)}: the utility charges the payment method saved with our payment processor for each new bill on its due date.\n\nTo turn it off: ${p.origin}/account/pay/\n\nIf you did not set this up, call us at ${utility.phoneDisplay}.${signature}`,
  }),
  autopayOff: (p: { accountNumber: string; origin: string }): Notice => ({
    kind: 'autopay-off',
    subject: `Autopay is off for your ${utility.shortName} account`,
    text: `Autopay is now off for account ${maskAccountNumber(p.accountNumber)}, and the saved payment method was removed from our payment processor. Pay each bill yourself from now on: ${p.origin}/account/pay/\n\nIf you did not turn it off, call us at ${utility.phoneDisplay}.${signature}`,
  }),
};

/** One statement queueing `notice` for the account's verified holders and, if given, the login that acted. */
export function noticeStatement(db: D1Database, accountId: string, actorLoginId: string | null, notice: Notice) {
  return db
    .prepare(
      `INSERT INTO outbox_emails (id, to_address, subject, body_text, kind)
       SELECT lower(hex(randomblob(16))), email, ?3, ?4, ?5 FROM (
         SELECT DISTINCT l.email FROM account_access aa JOIN logins l ON l.id = aa.login_id
          WHERE aa.account_id = ?1 AND (aa.relationship = 'holder' OR aa.login_id = ?2)
            AND l.email_verified_at IS NOT NULL AND l.status = 'active')`,
    )
    .bind(accountId, actorLoginId, notice.subject, notice.text, notice.kind);
}

export async function accountNumberOf(db: D1Database, accountId: string) {
  return (await db.prepare('SELECT account_number AS n FROM accounts WHERE id = ?1').bind(accountId).first<{ n: string }>())?.n ?? '';
}
