/**
 * The texts that ask an address's owner to confirm it (by e-mail, or by text message) and the
 * notice a holder gets when someone signs up for the account's alerts, each in its reader's
 * language. The confirmation code rides in the link's fragment (never in a logged URL) and stands
 * alone on its line for a browser without JavaScript; by text, replying YES confirms too.
 */
import type { Locale } from '../i18n/locale';
import { fragment, linkLines } from '../mail/link-lines';
import { mailPage, signature } from '../mail/mail-language';
import type { OutgoingEmail } from '../mail/outbox';
import { utility } from '../tenants/scope';
import { topicShortLabelsIn, type MailTopic } from './topics';


const topicList = (locale: Locale, topics: MailTopic[]) => {
  const names = topics.map((t) => topicShortLabelsIn[locale][t]);
  const and = locale === 'es' ? 'y' : 'and';
  return names.length <= 1 ? (names[0] ?? (locale === 'es' ? 'alertas' : 'alerts')) : `${names.slice(0, -1).join(', ')} ${and} ${names.at(-1)}`;
};

const confirmPath = (locale: Locale, code: string) => mailPage(locale, `/alerts/confirm/${fragment('code', code)}`);
const confirmLink = (locale: Locale, origin: string, code: string) => linkLines(origin, { path: confirmPath(locale, code), code }, locale).join('\n');

/** Why the address is asked: someone added it for the account, or its owner asked (a sign-up, or the customer's own mobile). */
export type ConfirmationContext = { origin: string; code: string; street: string | null; topics: MailTopic[]; why: 'added' | 'own'; locale: Locale };

const words = {
  en: {
    home: 'your home',
    confirmSubject: (street: string) => `Confirm: ${utility().shortName} water and energy alerts for ${street}`,
    asked: (c: ConfirmationContext, street: string) =>
      c.why === 'own'
        ? `You asked to get ${topicList('en', c.topics)} about ${street} at this address.`
        : `The ${utility().shortName} customer at ${street} asked us to send ${topicList('en', c.topics)} about that address to this e-mail address.`,
    confirmRest: (link: string) =>
      `\n\nNothing is sent here until you confirm. To agree, open this link within 7 days:\n\n${link}\n\n` +
      `If you do not want these alerts, ignore this e-mail: the request lapses, and every alert you get later has a link to stop it.`,
    sms: (c: ConfirmationContext, street: string, link: string) =>
      `${utility().shortName}: ${c.why === 'own' ? `you asked for water alerts by text for ${street}` : `the customer at ${street} asked for water alerts by text to this number`}. Reply YES to agree (or open ${link}). Reply STOP to refuse.`,
    noticeSubject: (street: string) => `Someone signed up for ${utility().shortName} alerts about ${street}`,
    notice: (street: string, channel: 'email' | 'sms', masked: string, page: string) =>
      `Someone gave the account number, service ZIP code and last bill amount of your account and asked for alerts about ${street} ` +
      `${channel === 'email' ? 'by e-mail to' : 'by text to'} ${masked}. Nothing is sent there until that address confirms.\n\n` +
      `If you do not know about this, remove it under "Other people who get alerts": ${page} or call us at ${utility().phoneDisplay}.`,
  },
  es: {
    home: 'su casa',
    confirmSubject: (street: string) => `Confirme: alertas de agua y energía de ${utility().shortName} para ${street}`,
    asked: (c: ConfirmationContext, street: string) =>
      c.why === 'own'
        ? `Usted pidió recibir ${topicList('es', c.topics)} sobre ${street} en esta dirección.`
        : `El cliente de ${utility().shortName} en ${street} nos pidió enviar ${topicList('es', c.topics)} sobre esa dirección a este correo electrónico.`,
    confirmRest: (link: string) =>
      `\n\nNo enviamos nada aquí hasta que usted confirme. Para aceptar, abra este enlace en los próximos 7 días:\n\n${link}\n\n` +
      `Si no quiere estas alertas, no haga caso de este correo: la solicitud vence, y cada alerta que reciba después trae un enlace para dejar de recibirlas.`,
    // GSM-7 only (no á, í, ó, ú: one of them would halve a segment), and the keywords carriers act on, which are English.
    sms: (c: ConfirmationContext, street: string, link: string) =>
      `${utility().shortName}: ${c.why === 'own' ? `usted pidio alertas de agua por texto para ${street}` : `el cliente de ${street} pidio alertas de agua por texto a este numero`}. Responda YES para aceptar (o abra ${link}). Responda STOP para rechazar.`,
    noticeSubject: (street: string) => `Alguien se inscribió en las alertas de ${utility().shortName} sobre ${street}`,
    notice: (street: string, channel: 'email' | 'sms', masked: string, page: string) =>
      `Alguien dio el número de cuenta, el código postal del servicio y el importe de la última factura de su cuenta y pidió alertas sobre ${street} ` +
      `${channel === 'email' ? 'por correo electrónico a' : 'por mensaje de texto a'} ${masked}. No enviamos nada allí hasta que esa dirección confirme.\n\n` +
      `Si no sabe nada de esto, quítela en «Otras personas que reciben alertas»: ${page} o llámenos al ${utility().phoneDisplay}.`,
  },
} satisfies Record<Locale, unknown>;

export const preferenceMails = {
  confirmEmail: (to: string, c: ConfirmationContext): OutgoingEmail => {
    const w = words[c.locale];
    const street = c.street ?? w.home;
    return { to, kind: 'alert-recipient-confirm', subject: w.confirmSubject(street), text: `${w.asked(c, street)}${w.confirmRest(confirmLink(c.locale, c.origin, c.code))}${signature(c.locale)}` };
  },
  /** One or two segments: who asks, how to agree (YES or the link), how to refuse (STOP). */
  confirmSms: (c: ConfirmationContext) => words[c.locale].sms(c, c.street ?? words[c.locale].home, `${c.origin}${confirmPath(c.locale, c.code)}`),
  signUpNotice: (to: string, c: { origin: string; masked: string; street: string | null; channel: 'email' | 'sms'; locale: Locale }): OutgoingEmail => {
    const w = words[c.locale];
    const street = c.street ?? w.home;
    return { to, kind: 'alert-sign-up-notice', subject: w.noticeSubject(street), text: `${w.notice(street, c.channel, c.masked, `${c.origin}${mailPage(c.locale, '/account/preferences/')}`)}${signature(c.locale)}` };
  },
};
