/**
 * The e-mails of sharing, in each recipient's language: the invitation (its code in the link's
 * fragment, and alone on a line for a browser without JavaScript), and the notices that tell the
 * holders of every change and a delegate of every change to their own access. No usage, bill or
 * address detail beyond the street.
 */
import { formatsFor } from '../i18n/format';
import type { Locale } from '../i18n/locale';
import { fragment, linkLines } from '../mail/link-lines';
import { mailPage, signature as signatureIn } from '../mail/mail-language';
import type { OutgoingEmail } from '../mail/outbox';
import { rightLabelsIn, type RightKey } from '../shared/sharing-forms';
import { utility } from '../tenants/scope';


/** The account as a mail names it; a street the records lack is described instead. */
export type AccountLabel = { number: string; street: string | null };
type Rights = Record<RightKey, boolean>;
type EndedBy = 'holder' | 'delegate' | 'end_date';

export type InvitationMail = { inviter: string | null; account: AccountLabel; rights: Rights; until: string | null; expiresAt: Date };

function words(locale: Locale) {
  const f = formatsFor(locale);
  const signature = signatureIn(locale);
  const labels = rightLabelsIn[locale];
  const list = (r: Rights, none: string) => {
    const names = (Object.keys(labels) as RightKey[]).filter((k) => r[k]).map((k) => `- ${labels[k]}`);
    return names.length ? names.join('\n') : `- ${none}`;
  };
  if (locale === 'es') {
    const about = (a: AccountLabel) => `la cuenta ${a.number} en ${a.street ?? 'la dirección del servicio'}`;
    return {
      about,
      someone: (login: string | null) => login ?? 'una persona autorizada',
      endedWhy: { holder: 'El titular de la cuenta lo terminó.', delegate: 'La propia persona lo terminó.', end_date: 'Llegó al último día elegido.' } satisfies Record<EndedBy, string>,
      invitation: (i: InvitationMail, link: string) => ({
        subject: `${i.inviter ?? 'El titular de la cuenta'} le invita a su cuenta de ${utility().shortName}`,
        text:
          `${i.inviter ?? 'El titular de la cuenta'} le invita a ver ${about(i.account)} en ${utility().name} por internet. Eligió que usted pueda:\n\n${list(i.rights, 'Nada')}\n\n` +
          `${i.until ? `Su acceso terminaría después del ${f.day(i.until)}.` : 'Su acceso duraría hasta que esa persona o usted lo terminen.'}\n\n` +
          `Para aceptar, abra este enlace antes del ${f.day(i.expiresAt.toISOString())} e inicie sesión, o cree un usuario:\n\n${link}\n\n` +
          `Si no conoce a esa persona, no haga caso de este correo: no pasa nada a menos que acepte.${signature}`,
      }),
      invited: (i: InvitationMail & { email: string }, page: string) => ({
        subject: `Se envió una invitación a su cuenta de ${utility().shortName}`,
        text: `Se envió una invitación a ${about(i.account)} a ${i.email}, con estos permisos:\n\n${list(i.rights, 'Nada')}\n\n${i.until ? `Su acceso terminaría después del ${f.day(i.until)}.` : 'Su acceso duraría hasta que usted o esa persona lo terminen.'}\n\nFunciona durante 7 días. Para retirarla: ${page}\n\nSi usted no la envió, retírela, cambie su contraseña y llámenos al ${utility().phoneDisplay}.${signature}`,
      }),
      withdrew: (email: string, account: AccountLabel, page: string) => ({
        subject: `Se retiró una invitación a su cuenta de ${utility().shortName}`,
        text: `Se retiró la invitación a ${about(account)} enviada a ${email}; su enlace ya no funciona.\n\nQuién tiene acceso: ${page}${signature}`,
      }),
      accepted: (invited: string, byOther: string | null, account: AccountLabel, r: Rights, until: string | null, page: string) => ({
        subject: `Alguien tiene ahora acceso a su cuenta de ${utility().shortName}`,
        text: `Se aceptó la invitación que envió a ${invited}${byOther ? `, con el usuario ${byOther}` : ''}. Ahora tiene acceso a ${about(account)}:\n\n${list(r, 'Nada')}\n\n${until ? `Su acceso termina después del ${f.day(until)}.` : 'Su acceso dura hasta que usted o esa persona lo terminen.'}\n\nPara cambiarlo o terminarlo: ${page}${signature}`,
      }),
      holderChanged: (login: string, account: AccountLabel, r: Rights, until: string | null, page: string) => ({
        subject: `Cambió un acceso a su cuenta de ${utility().shortName}`,
        text: `El acceso de ${login} a ${about(account)} ahora es:\n\n${list(r, 'Nada')}\n\n${until ? `Su acceso termina después del ${f.day(until)}.` : 'Su acceso dura hasta que usted o esa persona lo terminen.'}\n\nQuién tiene acceso: ${page}${signature}`,
      }),
      delegateChanged: (account: AccountLabel, r: Rights, until: string | null, page: string) => ({
        subject: `Cambió su acceso a una cuenta de ${utility().shortName}`,
        text: `El titular de ${about(account)} cambió lo que usted puede hacer allí:\n\n${list(r, 'Nada')}\n\n${until ? `Su acceso termina después del ${f.day(until)}.` : 'Su acceso dura hasta que el titular o usted lo terminen.'}\n\n${page}${signature}`,
      }),
      holderEnded: (login: string, account: AccountLabel, why: string, page: string) => ({
        subject: `Alguien ya no tiene acceso a su cuenta de ${utility().shortName}`,
        text: `${login} ya no tiene acceso a ${about(account)}. ${why}\n\nQuién tiene acceso: ${page}${signature}`,
      }),
      delegateEnded: (account: AccountLabel, why: string, home: string) => ({
        subject: `Terminó su acceso a una cuenta de ${utility().shortName}`,
        text: `Ya no tiene acceso a ${about(account)}. ${why}\n\nSus propias cuentas: ${home}${signature}`,
      }),
    };
  }
  const about = (a: AccountLabel) => `account ${a.number} at ${a.street ?? 'the service address'}`;
  const theirUntil = (until: string | null) => (until ? `Their access ends after ${f.day(until)}.` : 'Their access lasts until you or they end it.');
  return {
    about,
    someone: (login: string | null) => login ?? 'a delegate',
    endedWhy: { holder: 'The account holder ended it.', delegate: 'The person ended it themselves.', end_date: 'It reached the last day chosen for it.' } satisfies Record<EndedBy, string>,
    invitation: (i: InvitationMail, link: string) => ({
      subject: `${i.inviter ?? 'The account holder'} invites you to their ${utility().shortName} account`,
      text:
        `${i.inviter ?? 'The account holder'} invites you to see ${about(i.account)} in ${utility().name} online. They chose that you may:\n\n${list(i.rights, 'Nothing')}\n\n` +
        `${i.until ? `Your access would end after ${f.day(i.until)}.` : 'Your access would last until they or you end it.'}\n\n` +
        `To accept, open this link before ${f.day(i.expiresAt.toISOString())} and sign in, or create a login:\n\n${link}\n\n` +
        `If you do not know them, ignore this e-mail: nothing happens unless you accept.${signature}`,
    }),
    invited: (i: InvitationMail & { email: string }, page: string) => ({
      subject: `An invitation to your ${utility().shortName} account was sent`,
      text: `An invitation to ${about(i.account)} was sent to ${i.email}, with these rights:\n\n${list(i.rights, 'Nothing')}\n\n${theirUntil(i.until)}\n\nIt works for 7 days. To withdraw it: ${page}\n\nIf you did not send it, withdraw it, change your password and call us at ${utility().phoneDisplay}.${signature}`,
    }),
    withdrew: (email: string, account: AccountLabel, page: string) => ({
      subject: `An invitation to your ${utility().shortName} account was withdrawn`,
      text: `The invitation to ${about(account)} sent to ${email} was withdrawn; its link no longer works.\n\nWho has access: ${page}${signature}`,
    }),
    accepted: (invited: string, byOther: string | null, account: AccountLabel, r: Rights, until: string | null, page: string) => ({
      subject: `Someone now has access to your ${utility().shortName} account`,
      text: `The invitation you sent to ${invited} was accepted${byOther ? ` by the login ${byOther}` : ''}. They now have access to ${about(account)}:\n\n${list(r, 'Nothing')}\n\n${theirUntil(until)}\n\nTo change or end it: ${page}${signature}`,
    }),
    holderChanged: (login: string, account: AccountLabel, r: Rights, until: string | null, page: string) => ({
      subject: `Access to your ${utility().shortName} account was changed`,
      text: `The access of ${login} to ${about(account)} is now:\n\n${list(r, 'Nothing')}\n\n${theirUntil(until)}\n\nWho has access: ${page}${signature}`,
    }),
    delegateChanged: (account: AccountLabel, r: Rights, until: string | null, page: string) => ({
      subject: `Your access to a ${utility().shortName} account was changed`,
      text: `The holder of ${about(account)} changed what you may do there:\n\n${list(r, 'Nothing')}\n\n${until ? `Your access ends after ${f.day(until)}.` : 'Your access lasts until they or you end it.'}\n\n${page}${signature}`,
    }),
    holderEnded: (login: string, account: AccountLabel, why: string, page: string) => ({
      subject: `Someone no longer has access to your ${utility().shortName} account`,
      text: `${login} no longer has access to ${about(account)}. ${why}\n\nWho has access: ${page}${signature}`,
    }),
    delegateEnded: (account: AccountLabel, why: string, home: string) => ({
      subject: `Your access to a ${utility().shortName} account has ended`,
      text: `You no longer have access to ${about(account)}. ${why}\n\nYour own accounts: ${home}${signature}`,
    }),
  };
}

/** Someone the mail goes to, with the language they read our mail in. */
export type MailTo = { email: string; locale: Locale };

const sharingPage = (origin: string) => `${origin}/account/sharing/`;

export const sharingMails = {
  invitation: (to: MailTo, origin: string, code: string, i: InvitationMail): OutgoingEmail => ({
    to: to.email,
    kind: 'delegate-invitation',
    ...words(to.locale).invitation(i, linkLines(origin, { path: mailPage(to.locale, `/account/sharing/accept/${fragment('code', code)}`), code }, to.locale).join('\n')),
  }),
  holderInvited: (to: MailTo, origin: string, i: InvitationMail & { email: string }): OutgoingEmail => ({
    to: to.email,
    kind: 'delegate-invited-notice',
    ...words(to.locale).invited(i, sharingPage(origin)),
  }),
  holderWithdrew: (to: MailTo, origin: string, i: { email: string; account: AccountLabel }): OutgoingEmail => ({
    to: to.email,
    kind: 'delegate-invitation-withdrawn',
    ...words(to.locale).withdrew(i.email, i.account, sharingPage(origin)),
  }),
  holderAccepted: (to: MailTo, origin: string, i: { invited: string; login: string; account: AccountLabel; rights: Rights; until: string | null }): OutgoingEmail => ({
    to: to.email,
    kind: 'delegate-added-notice',
    ...words(to.locale).accepted(i.invited, i.login.toLowerCase() === i.invited.toLowerCase() ? null : i.login, i.account, i.rights, i.until, sharingPage(origin)),
  }),
  holderChanged: (to: MailTo, origin: string, i: { login: string | null; account: AccountLabel; rights: Rights; until: string | null }): OutgoingEmail => ({
    to: to.email,
    kind: 'delegate-changed-notice',
    ...words(to.locale).holderChanged(words(to.locale).someone(i.login), i.account, i.rights, i.until, sharingPage(origin)),
  }),
  delegateChanged: (to: MailTo, origin: string, i: { account: AccountLabel; rights: Rights; until: string | null }): OutgoingEmail => ({
    to: to.email,
    kind: 'delegate-changed',
    ...words(to.locale).delegateChanged(i.account, i.rights, i.until, sharingPage(origin)),
  }),
  holderEnded: (to: MailTo, origin: string, i: { login: string | null; account: AccountLabel; by: EndedBy }): OutgoingEmail => {
    const w = words(to.locale);
    return { to: to.email, kind: 'delegate-ended-notice', ...w.holderEnded(w.someone(i.login), i.account, w.endedWhy[i.by], sharingPage(origin)) };
  },
  delegateEnded: (to: MailTo, origin: string, i: { account: AccountLabel; by: EndedBy }): OutgoingEmail => {
    const w = words(to.locale);
    return { to: to.email, kind: 'delegate-ended', ...w.delegateEnded(i.account, w.endedWhy[i.by], `${origin}/account/`) };
  },
};
