/**
 * The e-mails an application sends: its receipt, and each change of status, in the recipient's
 * language. They name the program and the new status and link to the application; what staff
 * wrote (the information they need, the reason for a denial) stays behind the sign-in.
 */
import type { ProgramApplicationStatus } from '../../db/schema/programs';
import type { Locale } from '../i18n/locale';
import { mailPage } from '../mail/mail-language';
import type { CatalogProgram } from '../shared/program-catalog';
import { utility } from '../tenants/scope';

/** The application's page, in the recipient's language (worker/mail/mail-language.ts). */
const pageOf = (locale: Locale, origin: string, id: string) => `${origin}${mailPage(locale, `/account/programs/application/?id=${encodeURIComponent(id)}`)}`;

/** The program's title in a language (the English title the application was made under, when the catalog has no other). */
export const titleIn = (locale: Locale, englishTitle: string, program: Pick<CatalogProgram, 'titles'> | undefined) =>
  (locale === 'en' ? undefined : program?.titles[locale]) ?? englishTitle;

type Words = {
  received: (program: string, page: string) => { subject: string; text: string };
  subject: (program: string, status: ProgramApplicationStatus) => string;
  change: Record<ProgramApplicationStatus, string>;
  body: (program: string, change: string, page: string) => string;
};

const words: Record<Locale, Words> = {
  en: {
    received: (program, page) => ({
      subject: `We received your application: ${program}`,
      text: `Hello,\n\nWe received your application for "${program}". We will e-mail you each time its status changes; you can follow it in your account:\n\n${page}\n\n${utility().name}\n`,
    }),
    subject: (program, status) => `Your application for ${program}: ${status === 'need_info' ? 'we need more information' : status === 'submitted' ? 'back with our team' : status}`,
    change: {
      submitted: 'is back with our team',
      need_info: 'needs more information from you. Sign in to see what we need and to answer',
      approved: 'is approved. Sign in to see the details',
      denied: 'was not approved. Sign in to see the reason; if you think we got it wrong, write to us from "Messages to support" in your account, or call us',
      paid: 'is paid. Sign in to see the amount and how it was paid',
      withdrawn: 'was withdrawn from your account and will not be decided. You can apply again at any time; if no one on your account withdrew it, call us. The application stays in your account',
    },
    body: (program, change, page) => `Hello,\n\nYour application for "${program}" ${change}:\n\n${page}\n\n${utility().name}\n`,
  },
  es: {
    received: (program, page) => ({
      subject: `Recibimos su solicitud: ${program}`,
      text: `Hola:\n\nRecibimos su solicitud para «${program}». Le escribiremos cada vez que cambie su estado; también puede seguirla en su cuenta:\n\n${page}\n\n${utility().name}\n`,
    }),
    subject: (program, status) =>
      `Su solicitud para ${program}: ${{ submitted: 'de vuelta con nuestro equipo', need_info: 'necesitamos más información', approved: 'aprobada', denied: 'no aprobada', paid: 'pagada', withdrawn: 'retirada' }[status]}`,
    change: {
      submitted: 'está de vuelta con nuestro equipo',
      need_info: 'necesita más información de usted. Inicie sesión para ver qué necesitamos y responder',
      approved: 'fue aprobada. Inicie sesión para ver los detalles',
      denied: 'no fue aprobada. Inicie sesión para ver el motivo; si cree que nos equivocamos, escríbanos desde «Mensajes al servicio al cliente» en su cuenta, o llámenos',
      paid: 'está pagada. Inicie sesión para ver el importe y cómo se pagó',
      withdrawn: 'se retiró desde su cuenta y no se decidirá. Puede volver a presentar una solicitud cuando quiera; si nadie de su cuenta la retiró, llámenos. La solicitud sigue en su cuenta',
    },
    body: (program, change, page) => `Hola:\n\nSu solicitud para «${program}» ${change}:\n\n${page}\n\n${utility().name}\n`,
  },
};

export const receivedMail = (locale: Locale, origin: string, program: string, id: string) => words[locale].received(program, pageOf(locale, origin, id));

export const applicationMail = (locale: Locale, origin: string, program: string, id: string, status: ProgramApplicationStatus) => ({
  subject: words[locale].subject(program, status),
  text: words[locale].body(program, words[locale].change[status], pageOf(locale, origin, id)),
});
