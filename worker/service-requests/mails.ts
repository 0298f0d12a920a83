/**
 * The e-mails of start, stop and move requests: receipt and decision, with the dates and the street
 * only, in the language of the request (the page it was sent from, kept in service_requests.locale).
 */
import { formatsFor } from '../i18n/format';
import type { Locale } from '../i18n/locale';
import type { OutgoingEmail } from '../mail/outbox';
import { utility } from '../tenants/scope';

type Kind = 'stop' | 'move' | 'start';
export type RequestSummary = { kind: Kind; street: string | null; stopOn: string | null; startOn: string | null; newStreet: string | null; locale: Locale };

type Words = {
  signature: string;
  what: Record<Kind, string>;
  details: (r: RequestSummary) => string;
  received: { subject: (what: string) => string; text: (what: string, details: string, next: string) => string; start: string; follow: (url: string) => string };
  confirmed: { subject: (what: string) => string; text: (what: string, details: string, after: string) => string; access: (day: string) => string; register: (url: string) => string };
  refused: { subject: (what: string) => string; text: (what: string, details: string, reason: string, after: string) => string };
};

const lines = (...parts: (string | null)[]) => parts.filter(Boolean).join('\n');

const words: Record<Locale, Words> = {
  en: {
    get signature() {
      return `\n\n${utility().name}\n${utility().phoneDisplay} · ${utility().hours}\n`;
    },
    what: { stop: 'stop service', move: 'move your service', start: 'start service' },
    details: (r) => lines(r.stopOn ? `Last day at ${r.street ?? 'the old address'}: ${r.stopOn}` : null, r.startOn ? `First day at ${r.newStreet}: ${r.startOn}` : null),
    received: {
      subject: (what) => `We received your request to ${what}`,
      text: (what, details, next) => `We received your request to ${what}:\n\n${details}\n\nStaff will confirm it, and e-mail you.${next}\n\nIf you did not ask for this, call us at ${utility().phoneDisplay}.`,
      start: ' To start service we first confirm who you are, by phone or e-mail.',
      follow: (url) => ` You can follow it at ${url}`,
    },
    confirmed: {
      subject: (what) => `Confirmed: your request to ${what}`,
      text: (what, details, after) => `Your request to ${what} is confirmed:\n\n${details}\n\n${after}`,
      access: (day) => `Your online access to the old address's usage, alerts and bills covers the days up to ${day}. `,
      register: (url) => `Once the account is open, register at ${url} with the account number on your first bill.`,
    },
    refused: {
      subject: (what) => `We could not act on your request to ${what}`,
      text: (what, details, reason, after) => `We could not act on your request to ${what}:\n\n${details}\n\nThe reason: ${reason}\n\nCall us at ${utility().phoneDisplay} and we will help.${after}`,
    },
  },
  es: {
    get signature() {
      return `\n\n${utility().name}\n${utility().phoneDisplay} · ${utility().es.hours}\n`;
    },
    what: { stop: 'dar de baja el servicio', move: 'trasladar su servicio', start: 'iniciar el servicio' },
    details: (r) => {
      const day = formatsFor('es').day;
      return lines(r.stopOn ? `Último día en ${r.street ?? 'la dirección anterior'}: ${day(r.stopOn)}` : null, r.startOn ? `Primer día en ${r.newStreet}: ${day(r.startOn)}` : null);
    },
    received: {
      subject: (what) => `Recibimos su solicitud para ${what}`,
      text: (what, details, next) =>
        `Recibimos su solicitud para ${what}:\n\n${details}\n\nEl personal la confirmará y le enviará un correo electrónico.${next}\n\nSi usted no lo pidió, llámenos al ${utility().phoneDisplay}.`,
      start: ' Para iniciar el servicio, primero confirmamos quién es usted, por teléfono o por correo electrónico.',
      follow: (url) => ` Puede seguirla en ${url}`,
    },
    confirmed: {
      subject: (what) => `Confirmada: su solicitud para ${what}`,
      text: (what, details, after) => `Su solicitud para ${what} está confirmada:\n\n${details}\n\n${after}`,
      access: (day) => `Su acceso en línea al consumo, las alertas y las facturas de la dirección anterior abarca los días hasta el ${day}. `,
      register: (url) => `Cuando la cuenta esté abierta, regístrese en ${url} con el número de cuenta de su primera factura.`,
    },
    refused: {
      subject: (what) => `No pudimos atender su solicitud para ${what}`,
      text: (what, details, reason, after) =>
        `No pudimos atender su solicitud para ${what}:\n\n${details}\n\nEl motivo: ${reason}\n\nLlámenos al ${utility().phoneDisplay} y le ayudaremos.${after}`,
    },
  },
};

export const serviceMails = {
  received: (to: string, origin: string, r: RequestSummary): OutgoingEmail => {
    const w = words[r.locale];
    const what = w.what[r.kind];
    return {
      to,
      kind: 'service-request-received',
      subject: w.received.subject(what),
      text: `${w.received.text(what, w.details(r), r.kind === 'start' ? w.received.start : w.received.follow(`${origin}/account/services/`))}${w.signature}`,
    };
  },
  confirmed: (to: string, origin: string, r: RequestSummary): OutgoingEmail => {
    const w = words[r.locale];
    const what = w.what[r.kind];
    const access = r.stopOn ? w.confirmed.access(r.locale === 'es' ? formatsFor('es').day(r.stopOn) : r.stopOn) : '';
    const next = r.kind === 'start' ? w.confirmed.register(`${origin}/register/`) : `${origin}/account/services/`;
    return { to, kind: 'service-request-confirmed', subject: w.confirmed.subject(what), text: `${w.confirmed.text(what, w.details(r), `${access}${next}`)}${w.signature}` };
  },
  refused: (to: string, origin: string, r: RequestSummary & { reason: string }): OutgoingEmail => {
    const w = words[r.locale];
    const what = w.what[r.kind];
    return {
      to,
      kind: 'service-request-refused',
      subject: w.refused.subject(what),
      text: `${w.refused.text(what, w.details(r), r.reason, r.kind === 'start' ? '' : ` ${origin}/account/services/`)}${w.signature}`,
    };
  },
};
