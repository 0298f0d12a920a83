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
import { formatsFor } from '../i18n/format';
import type { Locale } from '../i18n/locale';
import { mailPage, signature } from '../mail/mail-language';
import { utility } from '../tenants/scope';

/** The notice in each language: the due date goes between `before` and `after`. */
function noticeWords(locale: Locale, origin: string) {
  const bills = `${origin}${mailPage(locale, '/account/bills/')}`;
  const preferences = `${origin}${mailPage(locale, '/account/preferences/')}`;
  if (locale === 'es')
    return {
      subject: `Su factura de ${utility().shortName} está lista`,
      before: `Hay una factura nueva lista para su cuenta de ${utility().name}. Vence el `,
      after:
        `.\n\nInicie sesión para verla y pagarla:\n${bills}\n\n` +
        `Recibe este correo porque la facturación sin papel está activada para la cuenta: reemplaza la factura en papel, así que cancelar la suscripción al boletín, al correo de programas o a las alertas no lo detiene. ` +
        `Para volver a recibir facturas en papel por correo postal, elija facturas en papel en sus preferencias: ${preferences}${signature(locale)}`,
    };
  return {
    subject: `Your ${utility().shortName} bill is ready`,
    before: `A new bill for your ${utility().name} account is ready. It is due on `,
    after:
      `.\n\nSign in to see it and pay it:\n${bills}\n\n` +
      `You get this e-mail because paperless billing is on for the account: it takes the place of the paper bill, so unsubscribing from the newsletter, program mail or alerts does not stop it. ` +
      `To have paper bills mailed again instead, choose paper bills in your preferences: ${preferences}${signature(locale)}`,
  };
}

/**
 * One statement for the new-bill notices of `bills`, for the ingest batch that creates those bills
 * (put it after their inserts). It mails every verified, active login that holds the account or has
 * its billing right, for accounts with paperless on; nobody else. The notice says a bill is ready
 * and when it is due, with a link to sign in: no amount, no account number, nothing a misdirected
 * mail would expose. Each login gets it in its own language (logins.locale), the due date in words
 * for a reader of that language (written here from the bills' due dates, bound with each bill).
 */
export function newBillNoticeStatement(db: D1Database, origin: string, bills: { id: string; dueOn: string }[]) {
  const en = noticeWords('en', origin);
  const es = noticeWords('es', origin);
  const due = bills.map((b) => ({ id: b.id, en: formatsFor('en').day(b.dueOn), es: formatsFor('es').day(b.dueOn) }));
  return db
    .prepare(
      `INSERT INTO outbox_emails (id, to_address, subject, body_text, kind)
       SELECT lower(hex(randomblob(16))), l.email,
              CASE l.locale WHEN 'es' THEN ?5 ELSE ?2 END,
              CASE l.locale WHEN 'es' THEN ?6 || json_extract(d.value, '$.es') || ?7 ELSE ?3 || json_extract(d.value, '$.en') || ?4 END,
              'new-bill'
         FROM json_each(?1) d
         JOIN bills b ON b.id = json_extract(d.value, '$.id')
         JOIN billing_preferences bp ON bp.account_id = b.account_id AND bp.paperless = 1
         JOIN account_access aa ON aa.account_id = b.account_id AND ${grantSql('aa', 'billing')}
         JOIN logins l ON l.id = aa.login_id AND l.email_verified_at IS NOT NULL AND l.status = 'active'`,
    )
    .bind(JSON.stringify(due), en.subject, en.before, en.after, es.subject, es.before, es.after);
}
