/**
 * Every e-mail to the person behind a privacy request, one builder each, in the language the
 * request was filed in (privacy_requests.locale). Links go to that language's pages; dates are
 * written out in it (worker/i18n/format.ts).
 */
import type { PrivacyRequestType } from '../../db/schema';
import { formatsFor } from '../i18n/format';
import { localDate } from './deadlines';
import type { Locale } from '../i18n/locale';
import { linkLines, type MailLink } from '../mail/link-lines';
import type { OutgoingEmail } from '../mail/outbox';
import { requestWording } from '../shared/request-wording';
import { utility } from '../tenants/scope';

export type RequestMail = Omit<OutgoingEmail, 'to'>;

/** A request page's link in `locale` (the Spanish pages live under /es/ with the same slugs). */
export function linkIn(locale: Locale, link: MailLink): MailLink {
  return locale === 'es' ? { ...link, path: `/es${link.path}` } : link;
}

const lines = (origin: string, locale: Locale, link: MailLink) => linkLines(origin, linkIn(locale, link), locale);

/** Drops an empty line that follows another (optional lines leave no gaps). */
const text = (parts: string[]) => parts.filter((l, i, all) => l !== '' || all[i - 1] !== '').join('\n');

const words = {
  en: {
    hello: 'Hello,',
    get signature() {
      return `${utility().name} privacy office`;
    },
    follow: 'Follow your request here:',
  },
  es: {
    hello: 'Hola:',
    get signature() {
      return `Oficina de privacidad de ${utility().name}`;
    },
    follow: 'Siga su solicitud aquí:',
  },
} satisfies Record<Locale, Record<string, string>>;

const statusLines = (origin: string, locale: Locale, status: MailLink) => [words[locale].follow, ...lines(origin, locale, status)];

/** To a signed-in customer's login address, at once: the receipt and the status link. */
export function receivedMail(locale: Locale, m: { origin: string; id: string; type: PrivacyRequestType; dueOn: string; status: MailLink; receipt: string }): RequestMail {
  const w = words[locale];
  const type = requestWording[locale].types[m.type];
  const due = formatsFor(locale).day(m.dueOn);
  const short = m.id.slice(4, 12);
  return {
    kind: 'privacy-request-received',
    subject: locale === 'es' ? `Recibimos su solicitud de privacidad (${short})` : `We received your privacy request (${short})`,
    text: text(
      locale === 'es'
        ? [w.hello, '', `Recibimos su solicitud: ${type}.`, `Le responderemos a más tardar el ${due}. Puede ver cómo va cuando quiera:`, ...lines(m.origin, locale, m.status), '', 'Su comprobante firmado (puede verificarlo con las claves publicadas en /.well-known/jwks.json):', m.receipt, '', w.signature]
        : [w.hello, '', `We received your request: ${type}.`, `We will answer by ${due}. See its status at any time:`, ...lines(m.origin, locale, m.status), '', 'Your signed receipt (verify it with the keys at /.well-known/jwks.json):', m.receipt, '', w.signature],
    ),
  };
}

/** To the e-mail on file of the account the details matched: confirm within 72 hours. */
export function verifyMail(locale: Locale, m: { origin: string; type: PrivacyRequestType; byAgent: boolean; verify: MailLink }): RequestMail {
  const w = words[locale];
  const type = requestWording[locale].types[m.type];
  return {
    kind: 'privacy-request-verify',
    subject: locale === 'es' ? 'Confirme una solicitud de privacidad sobre su cuenta de servicios' : 'Confirm a privacy request about your utility account',
    text: text(
      locale === 'es'
        ? [
            w.hello,
            '',
            `Alguien le pidió a ${utility().name} que actúe sobre la información personal de la cuenta que tiene registrado este correo: ${type}.`,
            m.byAgent ? 'La solicitud la hizo un representante que dice actuar con su permiso firmado.' : '',
            'Si fue usted (o usted lo autorizó), confírmela en un plazo de 72 horas abriendo este enlace:',
            ...lines(m.origin, locale, m.verify),
            '',
            'Si usted no pidió esto, no haga nada: no pasará nada.',
          ]
        : [
            w.hello,
            '',
            `Someone asked ${utility().name} to act on the personal information of the account this address is on file for: ${type}.`,
            m.byAgent ? 'The request was made by an agent who says they act with your signed permission.' : '',
            'If it was you (or you authorised it), confirm it within 72 hours by opening this link:',
            ...lines(m.origin, locale, m.verify),
            '',
            'If you did not ask for this, ignore this message: nothing will happen.',
          ],
    ),
  };
}

/** The one extension, with its reason (as the officer wrote it) and the new due date. */
export function extendedMail(locale: Locale, m: { origin: string; type: PrivacyRequestType; receivedAt: string; reason: string; dueOn: string; previousDueOn: string; status: MailLink }): RequestMail {
  const w = words[locale];
  const f = formatsFor(locale);
  const type = requestWording[locale].types[m.type];
  const received = f.day(localDate(new Date(m.receivedAt), utility().timeZone));
  return {
    kind: 'privacy-request-extended',
    subject: locale === 'es' ? 'Necesitamos más tiempo para responder a su solicitud de privacidad' : 'We need more time to answer your privacy request',
    text: text(
      locale === 'es'
        ? [w.hello, '', `Necesitamos más tiempo para responder a su solicitud (${type}), recibida el ${received}.`, `Motivo: ${m.reason}`, `Le responderemos a más tardar el ${f.day(m.dueOn)} (la fecha anterior era el ${f.day(m.previousDueOn)}). La ley permite ampliar el plazo una sola vez, hasta 45 días.`, '', ...statusLines(m.origin, locale, m.status), '', w.signature]
        : [w.hello, '', `We need more time to answer your request (${type}), received ${received}.`, `Why: ${m.reason}`, `We will answer by ${f.day(m.dueOn)} (it was due ${f.day(m.previousDueOn)}). The law allows one extension of up to 45 days.`, '', ...statusLines(m.origin, locale, m.status), '', w.signature],
    ),
  };
}

export function refusedMail(locale: Locale, m: { origin: string; type: PrivacyRequestType; reason: string; status: MailLink }): RequestMail {
  const w = words[locale];
  const type = requestWording[locale].types[m.type];
  return {
    kind: 'privacy-request-refused',
    subject: locale === 'es' ? 'Nuestra respuesta a su solicitud de privacidad' : 'Our answer to your privacy request',
    text: text(
      locale === 'es'
        ? [w.hello, '', `No pudimos atender su solicitud (${type}).`, `Motivo: ${m.reason}`, '', ...statusLines(m.origin, locale, m.status), '', `Puede escribir a ${utility().emails.privacy} o presentar una queja ante la Agencia de Protección de la Privacidad de California (California Privacy Protection Agency).`]
        : [w.hello, '', `We could not act on your request (${type}).`, `Why: ${m.reason}`, '', ...statusLines(m.origin, locale, m.status), '', `You may contact ${utility().emails.privacy} or file a complaint with the California Privacy Protection Agency.`],
    ),
  };
}

/** The access package's download link (7 days). */
export function packageMail(locale: Locale, m: { origin: string; link: MailLink }): RequestMail {
  const w = words[locale];
  return {
    kind: 'privacy-request-package',
    subject: locale === 'es' ? `Su información personal de ${utility().name}` : `Your personal information from ${utility().name}`,
    text: text(
      locale === 'es'
        ? [w.hello, '', 'Aquí tiene la información personal que tenemos sobre usted, en una copia para leer (HTML) y otra en formato de datos (JSON). Abra este enlace para obtenerla:', ...lines(m.origin, locale, m.link), '', 'El enlace funciona durante 7 días.', '', w.signature]
        : [w.hello, '', 'Here is the personal information we hold about you, readable (HTML) and machine-readable (JSON). Open this link to get it:', ...lines(m.origin, locale, m.link), '', 'The link works for 7 days.', '', w.signature],
    ),
  };
}

/** A correction made; `answer` is the summary stored with the request (in its language). */
export function correctedMail(locale: Locale, m: { origin: string; answer: string; status: MailLink }): RequestMail {
  return {
    kind: 'privacy-request-corrected',
    subject: locale === 'es' ? 'Corregimos su información' : 'We corrected your information',
    text: text([words[locale].hello, '', m.answer, '', ...statusLines(m.origin, locale, m.status)]),
  };
}

/** An opt-out recorded; `answer` is the summary stored with the request (in its language). */
export function optOutMail(locale: Locale, m: { origin: string; answer: string; status: MailLink }): RequestMail {
  return {
    kind: 'privacy-request-opt-out',
    subject: locale === 'es' ? 'Anotamos sus decisiones de privacidad' : 'Your privacy choices are recorded',
    text: text([words[locale].hello, '', m.answer, '', ...statusLines(m.origin, locale, m.status)]),
  };
}
