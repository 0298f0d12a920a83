/**
 * Every non-transactional e-mail (alerts, newsletter, program mail) is built here, so none leaves
 * without its way out: the RFC 8058 header pair, whose URL the recipient's mail client POSTs to
 * (`List-Unsubscribe=One-Click`) without the person signing in, and the same choice as links in the
 * body for readers whose client shows no button. Each token stops one topic for one recipient
 * (unsubscribe-token.ts); a recipient someone else added also gets a link that removes it from
 * the account altogether. Security mail never comes through here.
 */
import { t } from '../../site/i18n';
import { englishLinks, type PageLinks } from '../i18n/page-links';
import { fragment, linkLines } from '../mail/link-lines';
import type { OutgoingEmail } from '../mail/outbox';
import { utility } from '../tenants/scope';
import type { MailTopic } from './topics';
import { topicShortLabelsIn } from './topics';
import { signUnsubscribe } from './unsubscribe-token';

export const ONE_CLICK_BODY = 'List-Unsubscribe=One-Click';

/**
 * The URL of the `List-Unsubscribe` header: the one place a token rides in a path (see
 * unsubscribe-token.ts). In the recipient's language, so a mail client that opens it in a browser
 * shows the page in that language (both answer the one-click POST alike).
 */
export const oneClickUrl = (origin: string, token: string, links: PageLinks = englishLinks) => `${origin}${links.href('/unsubscribe/')}${token}`;

export function listUnsubscribeHeaders(origin: string, token: string, links: PageLinks = englishLinks): Record<string, string> {
  return { 'List-Unsubscribe': `<${oneClickUrl(origin, token, links)}>`, 'List-Unsubscribe-Post': ONE_CLICK_BODY };
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
  /** The recipient's language and where its links go (English pages unless given). */
  links?: PageLinks;
};

const footerWords = {
  en: {
    why: (topics: string, address: string) => `You get this because ${topics} are on for ${address}.`,
    stop: (topics: string) => `To stop ${topics} to this address (no sign-in needed), open:`,
    choose: 'Choose what you get, and how:',
    leave: 'To get no more messages about this account at this address, open:',
    security: `Messages about a portal login's security (sign-in, password) are not affected.`,
  },
  es: {
    why: (topics: string, address: string) => `Recibe este mensaje porque ${address} tiene activado este tema: ${topics}.`,
    stop: (topics: string) => `Para dejar de recibir ${topics} en esta dirección (sin iniciar sesión), abra:`,
    choose: 'Elija qué recibe y cómo:',
    leave: 'Para no recibir más mensajes sobre esta cuenta en esta dirección, abra:',
    security: 'Esto no cambia los mensajes sobre la seguridad de su usuario del portal (inicio de sesión, contraseña).',
  },
};

export async function topicMail(input: TopicMailInput): Promise<OutgoingEmail> {
  const { origin, recipient, topic } = input;
  const links = input.links ?? englishLinks;
  const w = footerWords[links.locale];
  const topics = topicShortLabelsIn[links.locale][topic];
  const token = await signUnsubscribe(input.secret, recipient.id, topic, input.now);
  const footer = [
    '',
    '--',
    w.why(topics, recipient.address),
    w.stop(topics),
    ...linkLines(origin, { path: `${links.href('/unsubscribe/')}${fragment('code', token)}`, code: token }, links.locale),
  ];
  if (recipient.origin === 'login') {
    footer.push('', `${w.choose} ${origin}${links.href('/account/preferences/')}`);
  } else {
    const all = await signUnsubscribe(input.secret, recipient.id, 'all', input.now);
    footer.push('', w.leave, ...linkLines(origin, { path: `${links.href('/unsubscribe/')}${fragment('code', all)}`, code: all }, links.locale));
  }
  footer.push('', w.security, '', utility().name, `${utility().phoneDisplay} · ${(links.locale === 'es' ? utility().es.hours : utility().hours)}`);
  return {
    to: recipient.address,
    kind: input.kind,
    subject: input.subject,
    text: [...input.lines, ...footer].join('\n'),
    headers: listUnsubscribeHeaders(origin, token, links),
  };
}
