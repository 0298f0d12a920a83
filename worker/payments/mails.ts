/**
 * Notices about money moving on an account: a payment confirmed, autopay turned on or off. They go
 * to the verified logins that hold the account and to the login that acted (a delegate), never to
 * an address typed into a form. Amounts and a masked account number only; no link carries a token.
 * Each goes in the recipient login's language.
 */
import { maskAccountNumber } from '../accounts/client';
import { utility } from '../tenants/scope';
import { intlTags } from '../../site/i18n';
import { formatsFor } from '../i18n/format';
import { mailPage } from '../mail/mail-language';
import type { Locale } from '../i18n/locale';
import { formatDollars } from './amount';

const signature = () => `\n\n${utility().name}\n${utility().phoneDisplay} · ${utility().hours}\n`;
const signatureEs = () => `\n\n${utility().name}\n${utility().phoneDisplay} · ${utility().es.hours}\n`;
const day = () => new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: utility().timeZone });
const dayEs = () => new Intl.DateTimeFormat(intlTags.es, { dateStyle: 'long', timeZone: utility().timeZone });
const dollarsEs = (cents: number) => formatsFor('es').money(cents / 100);
const payPageEs = mailPage('es', '/account/pay/');

type Words = { subject: string; text: string };
/** A notice in both languages: each recipient gets it in their login's language (logins.locale). */
type Notice = { kind: string } & Record<Locale, Words>;

export const paymentNotices = {
  paymentReceived: (p: { accountNumber: string; amountCents: number; paidAt: Date; reference: string; origin: string }): Notice => ({
    kind: 'payment-received',
    en: {
      subject: `We received your ${utility().shortName} payment`,
      text: `The payment processor confirmed a payment of ${formatDollars(p.amountCents)} on account ${maskAccountNumber(p.accountNumber)} on ${day().format(p.paidAt)}. Reference: ${p.reference}.\n\nIt counts in the amount due in your account at once; the utility records it on the account within two business days.\n\nYour payments: ${p.origin}/account/pay/${signature()}`,
    },
    es: {
      subject: `Recibimos su pago a ${utility().shortName}`,
      text: `El procesador de pagos confirmó un pago de ${dollarsEs(p.amountCents)} en la cuenta ${maskAccountNumber(p.accountNumber)} el ${dayEs().format(p.paidAt)}. Referencia: ${p.reference}.\n\nCuenta de inmediato en el importe pendiente de su cuenta; la empresa de servicios lo registra en la cuenta en un plazo de dos días hábiles.\n\nSus pagos: ${p.origin}${payPageEs}${signatureEs()}`,
    },
  }),
  autopayOn: (p: { accountNumber: string; origin: string }): Notice => ({
    kind: 'autopay-on',
    en: {
      subject: `Autopay is on for your ${utility().shortName} account`,
      text: `Autopay is now on for account ${maskAccountNumber(p.accountNumber)}: the utility charges the payment method saved with our payment processor for each new bill on its due date.\n\nTo turn it off: ${p.origin}/account/pay/\n\nIf you did not set this up, call us at ${utility().phoneDisplay}.${signature()}`,
    },
    es: {
      subject: `El pago automático está activado en su cuenta de ${utility().shortName}`,
      text: `El pago automático ya está activado en la cuenta ${maskAccountNumber(p.accountNumber)}: la empresa de servicios cobra cada factura nueva en su fecha de vencimiento con el método de pago guardado en nuestro procesador de pagos.\n\nPara desactivarlo: ${p.origin}${payPageEs}\n\nSi usted no lo configuró, llámenos al ${utility().phoneDisplay}.${signatureEs()}`,
    },
  }),
  autopayOff: (p: { accountNumber: string; origin: string }): Notice => ({
    kind: 'autopay-off',
    en: {
      subject: `Autopay is off for your ${utility().shortName} account`,
      text: `Autopay is now off for account ${maskAccountNumber(p.accountNumber)}, and the saved payment method was removed from our payment processor. Pay each bill yourself from now on: ${p.origin}/account/pay/\n\nIf you did not turn it off, call us at ${utility().phoneDisplay}.${signature()}`,
    },
    es: {
      subject: `El pago automático está desactivado en su cuenta de ${utility().shortName}`,
      text: `El pago automático ya está desactivado en la cuenta ${maskAccountNumber(p.accountNumber)} y se quitó el método de pago guardado de nuestro procesador de pagos. A partir de ahora, pague usted cada factura: ${p.origin}${payPageEs}\n\nSi usted no lo desactivó, llámenos al ${utility().phoneDisplay}.${signatureEs()}`,
    },
  }),
};

/**
 * One statement queueing `notice` for the account's verified holders and, if given, the login that
 * acted, each in their login's language. A guest who paid gets the processor's receipt, no mail of ours.
 */
export function noticeStatement(db: D1Database, accountId: string, actorLoginId: string | null, notice: Notice) {
  return db
    .prepare(
      `INSERT INTO outbox_emails (id, to_address, subject, body_text, kind)
       SELECT lower(hex(randomblob(16))), email, CASE WHEN locale = 'es' THEN ?6 ELSE ?3 END, CASE WHEN locale = 'es' THEN ?7 ELSE ?4 END, ?5 FROM (
         SELECT DISTINCT l.email, l.locale FROM account_access aa JOIN logins l ON l.id = aa.login_id
          WHERE aa.account_id = ?1 AND (aa.relationship = 'holder' OR aa.login_id = ?2)
            AND l.email_verified_at IS NOT NULL AND l.status = 'active')`,
    )
    .bind(accountId, actorLoginId, notice.en.subject, notice.en.text, notice.kind, notice.es.subject, notice.es.text);
}

export async function accountNumberOf(db: D1Database, accountId: string) {
  return (await db.prepare('SELECT account_number AS n FROM accounts WHERE id = ?1').bind(accountId).first<{ n: string }>())?.n ?? '';
}
