/**
 * The e-mails of sharing: the invitation (its code in the link's fragment, and alone on a line for
 * a browser without JavaScript), and the notices that tell the holders of every change and a
 * delegate of every change to their own access. No usage, bill or address detail beyond the street.
 */
import { fragment, linkLines } from '../mail/link-lines';
import type { OutgoingEmail } from '../mail/outbox';
import { rightLabels, type RightKey } from '../shared/sharing-forms';
import { utility } from '../shared/utility';

const signature = `\n\n${utility.name}\n${utility.phoneDisplay} · ${utility.hours}\n`;

export type AccountLabel = { number: string; street: string };
type Rights = Record<RightKey, boolean>;

const rightsList = (r: Rights) => {
  const names = (Object.keys(rightLabels) as RightKey[]).filter((k) => r[k]).map((k) => `- ${rightLabels[k]}`);
  return names.length ? names.join('\n') : '- Nothing';
};
const untilLine = (until: string | null) => (until ? `Their access ends after ${until}.` : 'Their access lasts until you or they end it.');
const sharingPage = (origin: string) => `${origin}/account/sharing/`;
const about = (a: AccountLabel) => `account ${a.number} at ${a.street}`;

export type InvitationMail = { inviter: string; account: AccountLabel; rights: Rights; until: string | null; expiresAt: Date };

const endedWhy = { holder: 'The account holder ended it.', delegate: 'The person ended it themselves.', end_date: 'It reached the last day chosen for it.' } as const;

export const sharingMails = {
  invitation: (to: string, origin: string, code: string, i: InvitationMail): OutgoingEmail => ({
    to,
    kind: 'delegate-invitation',
    subject: `${i.inviter} invites you to their ${utility.shortName} account`,
    text:
      `${i.inviter} invites you to see ${about(i.account)} in ${utility.name} online. They chose that you may:\n\n${rightsList(i.rights)}\n\n` +
      `${i.until ? `Your access would end after ${i.until}.` : 'Your access would last until they or you end it.'}\n\n` +
      `To accept, open this link before ${i.expiresAt.toISOString().slice(0, 10)} and sign in, or create a login:\n\n${linkLines(origin, { path: `/account/sharing/accept/${fragment('code', code)}`, code }).join('\n')}\n\n` +
      `If you do not know them, ignore this e-mail: nothing happens unless you accept.${signature}`,
  }),
  holderInvited: (to: string, origin: string, i: InvitationMail & { email: string }): OutgoingEmail => ({
    to,
    kind: 'delegate-invited-notice',
    subject: `An invitation to your ${utility.shortName} account was sent`,
    text: `An invitation to ${about(i.account)} was sent to ${i.email}, with these rights:\n\n${rightsList(i.rights)}\n\n${untilLine(i.until)}\n\nIt works for 7 days. To withdraw it: ${sharingPage(origin)}\n\nIf you did not send it, withdraw it, change your password and call us at ${utility.phoneDisplay}.${signature}`,
  }),
  holderWithdrew: (to: string, origin: string, i: { email: string; account: AccountLabel }): OutgoingEmail => ({
    to,
    kind: 'delegate-invitation-withdrawn',
    subject: `An invitation to your ${utility.shortName} account was withdrawn`,
    text: `The invitation to ${about(i.account)} sent to ${i.email} was withdrawn; its link no longer works.\n\nWho has access: ${sharingPage(origin)}${signature}`,
  }),
  holderAccepted: (to: string, origin: string, i: { invited: string; login: string; account: AccountLabel; rights: Rights; until: string | null }): OutgoingEmail => ({
    to,
    kind: 'delegate-added-notice',
    subject: `Someone now has access to your ${utility.shortName} account`,
    text:
      `The invitation you sent to ${i.invited} was accepted${i.login.toLowerCase() === i.invited.toLowerCase() ? '' : ` by the login ${i.login}`}. They now have access to ${about(i.account)}:\n\n${rightsList(i.rights)}\n\n${untilLine(i.until)}\n\n` +
      `To change or end it: ${sharingPage(origin)}${signature}`,
  }),
  holderChanged: (to: string, origin: string, i: { login: string; account: AccountLabel; rights: Rights; until: string | null }): OutgoingEmail => ({
    to,
    kind: 'delegate-changed-notice',
    subject: `Access to your ${utility.shortName} account was changed`,
    text: `The access of ${i.login} to ${about(i.account)} is now:\n\n${rightsList(i.rights)}\n\n${untilLine(i.until)}\n\nWho has access: ${sharingPage(origin)}${signature}`,
  }),
  delegateChanged: (to: string, origin: string, i: { account: AccountLabel; rights: Rights; until: string | null }): OutgoingEmail => ({
    to,
    kind: 'delegate-changed',
    subject: `Your access to a ${utility.shortName} account was changed`,
    text: `The holder of ${about(i.account)} changed what you may do there:\n\n${rightsList(i.rights)}\n\n${i.until ? `Your access ends after ${i.until}.` : 'Your access lasts until they or you end it.'}\n\n${sharingPage(origin)}${signature}`,
  }),
  holderEnded: (to: string, origin: string, i: { login: string; account: AccountLabel; by: keyof typeof endedWhy }): OutgoingEmail => ({
    to,
    kind: 'delegate-ended-notice',
    subject: `Someone no longer has access to your ${utility.shortName} account`,
    text: `${i.login} no longer has access to ${about(i.account)}. ${endedWhy[i.by]}\n\nWho has access: ${sharingPage(origin)}${signature}`,
  }),
  delegateEnded: (to: string, origin: string, i: { account: AccountLabel; by: keyof typeof endedWhy }): OutgoingEmail => ({
    to,
    kind: 'delegate-ended',
    subject: `Your access to a ${utility.shortName} account has ended`,
    text: `You no longer have access to ${about(i.account)}. ${endedWhy[i.by]}\n\nYour own accounts: ${origin}/account/${signature}`,
  }),
};
