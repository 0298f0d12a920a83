/**
 * What the customer's program pages (/account/programs/, …/apply/<id>/, …/application/) say when the
 * worker fills them, in each page language. Staff pages stay English (worker/programs/pages.ts).
 */
import type { ProgramApplicationStatus } from '../../db/schema/programs';
import { accountMessagesIn } from '../shared/account-messages';
import type { Locale } from '../i18n/locale';
import { programErrorMessages, programFieldLabels, programStatusMessages, statusLabels } from '../shared/program-forms';

const en = {
  status: statusLabels,
  /** Messages after a redirect, by code (worker/shared/program-forms.ts). */
  errors: programErrorMessages,
  statuses: programStatusMessages,
  fields: programFieldLabels,
  check: (label: string) => `Check: ${label}`,
  someDocuments: 'the documents',
  newestFirst: 'Newest first',
  columns: ['Program', 'Account', 'Sent', 'Status'],
  none: 'No applications yet.',
  noAccount: 'You can apply for an account you hold, or one shared with you with the right to manage it. No such account is linked to this login.',
  account: (n: string) => `Account ${n}`,
  history: 'History',
  who: { staff: 'Program team', customer: 'You', customerToStaff: 'Customer' },
  facts: { account: 'Account', status: 'Status', sent: 'Sent', installed: 'Installed', paid: 'Paid', reason: 'Reason', needed: 'What we need', note: 'Our note' },
  paid: (amount: string, day: string, credit: boolean) => `${amount} on ${day} by ${credit ? 'a credit on your bill' : 'cheque'}`,
  answers: { customer: 'Your answers', staff: 'Answers' },
  documents: 'Documents',
  deletedOn: (day: string) => `These documents are deleted on ${day}.`,
  noneKept: 'None kept: documents are deleted after the decision.',
  noDocuments: 'None.',
  yes: 'Yes',
  no: 'No',
  notAnswered: 'Not answered',
  optionalDocuments: 'Documents (optional)',
  files: (max: number) => (max === 1 ? 'One file' : `Up to ${max} files`),
  kinds: (mb: number) => `PDF, JPEG, PNG or HEIC, at most ${mb} MB each.`,
  confirmToWithdraw: 'Tick “I want to withdraw this application” to confirm.',
};

export type ProgramWords = typeof en;

const statusEs: Record<ProgramApplicationStatus, string> = {
  submitted: 'Enviada: la estamos revisando',
  need_info: 'Necesitamos más información de usted',
  approved: 'Aprobada',
  denied: 'Denegada',
  paid: 'Pagada',
  withdrawn: 'Retirada',
};

const es: ProgramWords = {
  status: statusEs,
  errors: {
    invalid_request: 'Parte de lo que escribió no se pudo usar.',
    not_eligible: 'Según sus respuestas, no podemos aceptar esta solicitud. El motivo aparece junto a cada respuesta.',
    not_found: 'No existe esa solicitud.',
    wrong_status: 'La solicitud avanzó desde que se cargó esta página. Vuelva a cargarla para ver en qué punto está.',
    too_many_requests: 'Hoy envió muchas solicitudes. Inténtelo de nuevo mañana o llámenos.',
    payload_too_large: 'Los documentos son demasiado grandes: como máximo 5 MB cada uno.',
    unsupported_media_type: 'Envíe solo archivos PDF, JPEG, PNG o HEIC.',
    unavailable: 'En este momento no se pueden recibir solicitudes. Inténtelo más tarde.',
  },
  statuses: {
    applied: 'Su solicitud se envió. Le avisaremos por correo electrónico cuando cambie su estado.',
    responded: 'Su respuesta se envió. Le avisaremos por correo electrónico cuando cambie el estado.',
    withdrawn: 'Retiró su solicitud. Ya no la decidiremos; puede volver a presentar una solicitud cuando quiera.',
  },
  fields: { program: 'el programa', account: 'la cuenta', note: 'su nota', confirm: '«Quiero retirar esta solicitud»' },
  check: (label) => `Revise: ${label}`,
  someDocuments: 'los documentos',
  newestFirst: 'Las más recientes primero',
  columns: ['Programa', 'Cuenta', 'Enviada', 'Estado'],
  none: 'Todavía no tiene solicitudes.',
  noAccount: 'Puede presentar una solicitud para una cuenta de la que es titular, o para una que le compartieron con permiso para administrarla. Este usuario no tiene ninguna cuenta así.',
  account: (n) => `Cuenta ${n}`,
  history: 'Historial',
  who: { staff: 'Equipo del programa', customer: 'Usted', customerToStaff: 'Cliente' },
  facts: { account: 'Cuenta', status: 'Estado', sent: 'Enviada', installed: 'Instalación', paid: 'Pago', reason: 'Motivo', needed: 'Lo que necesitamos', note: 'Nuestra nota' },
  paid: (amount, day, credit) => `${amount} el ${day}, ${credit ? 'como crédito en su factura' : 'con cheque'}`,
  answers: { customer: 'Sus respuestas', staff: 'Respuestas' },
  documents: 'Documentos',
  deletedOn: (day) => `Estos documentos se borran el ${day}.`,
  noneKept: 'No se guarda ninguno: los documentos se borran después de la decisión.',
  noDocuments: 'Ninguno.',
  yes: 'Sí',
  no: 'No',
  notAnswered: 'Sin respuesta',
  optionalDocuments: 'Documentos (opcional)',
  files: (max) => (max === 1 ? 'Un archivo' : `Hasta ${max} archivos`),
  kinds: (mb) => `PDF, JPEG, PNG o HEIC, de ${mb} MB como máximo cada uno.`,
  confirmToWithdraw: 'Marque «Quiero retirar esta solicitud» para confirmar.',
};

export const programWords: Record<Locale, ProgramWords> = { en, es };

/** A code's message on a program page: the programs' own words, else the account forms'. */
export const programErrorIn = (locale: Locale, code: string) => programWords[locale].errors[code] ?? accountMessagesIn(locale).errors[code];
/** A field's name in a message: the programs' own, else the account forms'. */
export const programFieldIn = (locale: Locale, field: string) => programWords[locale].fields[field] ?? accountMessagesIn(locale).fields[field];
