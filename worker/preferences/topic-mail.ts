/**
 * Every non-transactional e-mail (alerts, newsletter, program mail) is built here, so none leaves
 * without its way out: the RFC 8058 header pair, whose URL the recipient's mail client POSTs to
 * (`List-Unsubscribe=One-Click`) without the person signing in, and the same choice as links in the
 * body for readers whose client shows no button. Each token stops one topic for one recipient
 * (unsubscribe-token.ts); a recipient someone else added also gets a link that removes it from
 * the account altogether. Security mail never comes through here.
 */
import { fragment, linkLines } from '../mail/link-lines';
import type { OutgoingEmail } from '../mail/outbox';
import { utility } from '../shared/utility';
import type { MailTopic } from './topics';
import { topicShortLabels } from './topics';
import { signUnsubscribe } from './unsubscribe-token';

export const ONE_CLICK_BODY = 'List-Unsubscribe=One-Click';

/** The URL of the `List-Unsubscribe` header: the one place a token rides in a path (see unsubscribe-token.ts). */
export const oneClickUrl = (origin: string, token: string) => `${origin}/unsubscribe/${token}`;

export function listUnsubscribeHeaders(origin: string, token: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${oneClickUrl(origin, token)}>`, 'List-Unsubscribe-Post': ONE_CLICK_BODY };
}

export type TopicMailInput = {
  secret: string;
  origin: string;
  now: Date;
  recipient: { id: string; address: string; origin: 'login' | 'added' | 'sign_up' };
  topic: MailTopic;
  kind: string;
  subject: string;
  /** The message itself, without greeting or footer. */
  lines: string[];
};

export async function topicMail(input: TopicMailInput): Promise<OutgoingEmail> {
  const { origin, recipient, topic } = input;
  const token = await signUnsubscribe(input.secret, recipient.id, topic, input.now);
  const footer = [
    '',
    '--',
    `You get this because ${topicShortLabels[topic]} are on for ${recipient.address}.`,
    `To stop ${topicShortLabels[topic]} to this address (no sign-in needed), open:`,
    ...linkLines(origin, { path: `/unsubscribe/${fragment('code', token)}`, code: token }),
  ];
  if (recipient.origin === 'login') {
    footer.push('', `Choose what you get, and how: ${origin}/account/preferences/`);
  } else {
    const all = await signUnsubscribe(input.secret, recipient.id, 'all', input.now);
    footer.push('', 'To get no more messages about this account at this address, open:', ...linkLines(origin, { path: `/unsubscribe/${fragment('code', all)}`, code: all }));
  }
  footer.push('', `Messages about a portal login's security (sign-in, password) are not affected.`, '', utility.name, `${utility.phoneDisplay} · ${utility.hours}`);
  return {
    to: recipient.address,
    kind: input.kind,
    subject: input.subject,
    text: [...input.lines, ...footer].join('\n'),
    headers: listUnsubscribeHeaders(origin, token),
  };
}
