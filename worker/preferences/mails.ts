/**
 * The texts that ask an address's owner to confirm it (by e-mail, or by text message) and the
 * notice a holder gets when someone signs up for the account's alerts. The confirmation code rides
 * in the link's fragment (never in a logged URL) and stands alone on its line for a browser without
 * JavaScript; by text, replying YES confirms too.
 */
import { fragment, linkLines } from '../mail/link-lines';
import type { OutgoingEmail } from '../mail/outbox';
import { utility } from '../shared/utility';
import { topicShortLabels, type MailTopic } from './topics';

const signature = `\n\n${utility.name}\n${utility.phoneDisplay} · ${utility.hours}\n`;

const topicList = (topics: MailTopic[]) => {
  const names = topics.map((t) => topicShortLabels[t]);
  return names.length <= 1 ? (names[0] ?? 'alerts') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
};

const confirmLink = (origin: string, code: string) => linkLines(origin, { path: `/alerts/confirm/${fragment('code', code)}`, code }).join('\n');

/** Why the address is asked: someone added it for the account, or its owner asked (a sign-up, or the customer's own mobile). */
export type ConfirmationContext = { origin: string; code: string; street: string; topics: MailTopic[]; why: 'added' | 'own' };

export const preferenceMails = {
  confirmEmail: (to: string, c: ConfirmationContext): OutgoingEmail => ({
    to,
    kind: 'alert-recipient-confirm',
    subject: `Confirm: ${utility.shortName} water and energy alerts for ${c.street}`,
    text:
      (c.why === 'own'
        ? `You asked to get ${topicList(c.topics)} about ${c.street} at this address.`
        : `The ${utility.shortName} customer at ${c.street} asked us to send ${topicList(c.topics)} about that address to this e-mail address.`) +
      `\n\nNothing is sent here until you confirm. To agree, open this link within 7 days:\n\n${confirmLink(c.origin, c.code)}\n\n` +
      `If you do not want these alerts, ignore this e-mail: the request lapses, and every alert you get later has a link to stop it.${signature}`,
  }),
  /** One or two segments: who asks, how to agree (YES or the link), how to refuse (STOP). */
  confirmSms: (c: ConfirmationContext) =>
    `${utility.shortName}: ${c.why === 'own' ? `you asked for water alerts by text for ${c.street}` : `the customer at ${c.street} asked for water alerts by text to this number`}. Reply YES to agree (or open ${c.origin}/alerts/confirm/${fragment('code', c.code)}). Reply STOP to refuse.`,
  signUpNotice: (to: string, c: { origin: string; masked: string; street: string; channel: 'email' | 'sms' }): OutgoingEmail => ({
    to,
    kind: 'alert-sign-up-notice',
    subject: `Someone signed up for ${utility.shortName} alerts about ${c.street}`,
    text:
      `Someone gave the account number, service ZIP code and last bill amount of your account and asked for alerts about ${c.street} ` +
      `${c.channel === 'email' ? 'by e-mail to' : 'by text to'} ${c.masked}. Nothing is sent there until that address confirms.\n\n` +
      `If you do not know about this, remove it under "Other people who get alerts": ${c.origin}/account/preferences/ or call us at ${utility.phoneDisplay}.${signature}`,
  }),
};
