/**
 * Request bodies of the preferences page, alert sign-up, confirmation and unsubscribe forms,
 * shared by the worker (which enforces them) and the site (whose forms name their fields after
 * these keys). Bodies arrive as JSON or as plain HTML form posts.
 */
import { z } from 'zod';
import { alertTypes } from '../../db/schema/alerts';
import { recipientChannels } from '../../db/schema/preferences';
import { email, registerBody } from './account-forms';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());

/**
 * A North American number as E.164 (+1 and ten digits), or null. Texts go through a US sender, so
 * only NANP numbers are taken: a 3-digit area code and exchange that start with 2-9 and are not
 * N11 service codes (211, 911…), written with any spaces, dots, dashes or brackets, with or
 * without the leading 1 or +1.
 */
export function normalizeUsPhone(raw: string): string | null {
  const compact = raw.trim().replace(/[\s().-]/g, '');
  if (!/^\+?\d{10,11}$/.test(compact)) return null;
  let digits = compact.replace(/^\+/, '');
  if (digits.length === 11) {
    if (!digits.startsWith('1')) return null;
    digits = digits.slice(1);
  } else if (compact.startsWith('+')) {
    return null;
  }
  const valid = /^[2-9]\d{2}[2-9]\d{6}$/.test(digits) && digits.slice(1, 3) !== '11' && digits.slice(4, 6) !== '11';
  return valid ? `+1${digits}` : null;
}

/** "(209) 555-0123" from "+12095550123". */
export function displayPhone(e164: string) {
  const d = e164.replace(/^\+1/, '');
  return d.length === 10 ? `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}` : e164;
}

export const PHONE_MESSAGE = 'Enter a US mobile number, like (209) 555-0123.';
export const phoneNumber = z
  .string()
  .max(30, PHONE_MESSAGE)
  .transform((v, ctx) => {
    const normal = normalizeUsPhone(v);
    if (!normal) {
      ctx.addIssue({ code: 'custom', message: PHONE_MESSAGE });
      return z.NEVER;
    }
    return normal;
  });

export const QUIET_HOURS_DEFAULT = { start: '21:00', end: '08:00' } as const;
const clock = z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Enter a time like 21:00 (24-hour clock).');
const accountId = z.string().trim().min(1).max(64);
const recipientId = z.string().trim().regex(/^[0-9a-f-]{36}$/, 'Not a recipient of this account.');
const name = z.preprocess(blankToUndefined, z.string().trim().max(60, 'Use at most 60 characters.').optional());
const alertTopicList = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : String(v).split(',')),
  z.array(z.enum(alertTypes, 'Not an alert type.')).max(alertTypes.length),
);

/** An address for a channel: an e-mail address, or a phone number for texts. The problem is named on `address`. */
function addressFor<T extends { channel: (typeof recipientChannels)[number]; address: string }>(body: T, ctx: z.RefinementCtx) {
  const parsed = body.channel === 'email' ? email.safeParse(body.address) : phoneNumber.safeParse(body.address);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', path: ['address'], message: parsed.error.issues[0]?.message ?? 'Not valid.' });
    return z.NEVER;
  }
  return { ...body, address: parsed.data };
}

const channel = z.enum(recipientChannels, 'Choose e-mail or text message.');
const address = z.string().trim().min(1, 'Enter the e-mail address or mobile number.').max(254);

/** Someone to tell: the customer's own mobile, a family member, a landlord. */
export const addRecipientBody = z
  .object({ account: accountId, channel, address, name, topics: alertTopicList })
  .transform(addressFor);
export type AddRecipientBody = z.infer<typeof addRecipientBody>;

export const recipientActionBody = z.object({ account: accountId, recipient: recipientId });

/**
 * The preferences form. Topic checkboxes are named `<recipient>.<topic>` (`me.<topic>` for the
 * signed-in login's own e-mail); `recipients` lists the recipients the form showed, so a box left
 * unticked turns its topic off. Checked against the account's recipients by the worker.
 */
export const savePreferencesBody = z
  .object({
    account: accountId,
    recipients: z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : String(v).split(',')), z.array(z.string().trim().regex(/^(me|[0-9a-f-]{36})$/, 'Not a recipient of this account.')).max(50)),
    quietHours: checkbox.default(false),
    quietStart: z.preprocess(blankToUndefined, clock.optional()),
    quietEnd: z.preprocess(blankToUndefined, clock.optional()),
    leakAlertsInQuietHours: checkbox.default(false),
    /** Paper or e-mail bills (paperless billing); left as it is when the form does not show the choice. */
    paperless: z.enum(['on', 'off'], 'Choose paper bills or paperless billing.').optional(),
  })
  .catchall(z.union([z.string().max(10), z.boolean()]))
  .superRefine((body, ctx) => {
    if (!body.quietHours) return;
    if (!body.quietStart) ctx.addIssue({ code: 'custom', path: ['quietStart'], message: 'Enter when quiet hours start, like 21:00.' });
    if (!body.quietEnd) ctx.addIssue({ code: 'custom', path: ['quietEnd'], message: 'Enter when quiet hours end, like 08:00.' });
    if (body.quietStart && body.quietStart === body.quietEnd) ctx.addIssue({ code: 'custom', path: ['quietEnd'], message: 'Quiet hours must end at another time than they start.' });
  });
export type SavePreferencesBody = z.infer<typeof savePreferencesBody>;

/** Alerts without a portal login: the same account proof as registration, then an address to confirm. */
export const signUpBody = z
  .object({
    accountNumber: registerBody.shape.accountNumber,
    serviceZip: registerBody.shape.serviceZip,
    lastBillAmount: registerBody.shape.lastBillAmount,
    channel,
    address,
    topics: alertTopicList,
  })
  .transform(addressFor);
export type SignUpBody = z.infer<typeof signUpBody>;

/** A confirmation or unsubscribe code, from a link's fragment or typed in. */
export const codeBody = z.object({ code: z.string().trim().min(1, 'Enter the code from the message.').max(300) });

/** Messages the preference pages show after a redirect (`?status=` / `?error=`): codes only ever travel in URLs. */
const preferenceStatus = {
  'preferences-saved': 'Your preferences are saved.',
  'recipient-invited': 'We sent a confirmation to that address. Nothing else is sent there until its owner confirms.',
  'recipient-removed': 'Removed. Nothing more is sent to that address or number.',
  'confirmation-resent': 'We sent the confirmation again.',
  'sign-up-sent': 'Thank you. We sent a confirmation to the address you gave. Alerts start once you confirm it.',
  'recipient-confirmed': 'Confirmed. Alerts for this account will now reach you.',
  'unsubscribed': 'Done: you will not get these messages any more. Security messages about a login still reach its e-mail.',
};
export const preferenceStatusMessages: Record<string, string> = preferenceStatus;

const preferenceErrors = {
  recipient_exists: 'That address or number already gets alerts for this account, or is waiting to be confirmed.',
  recipient_not_pending: 'That recipient is not waiting for a confirmation.',
  too_many_requests: 'Too many confirmations were sent. Please wait a day and try again.',
  topic_refused: 'The recipient turned that off themselves; only they can turn it back on.',
};
export const preferenceErrorMessages: Record<string, string> = preferenceErrors;

const preferenceFields = {
  address: 'E-mail address or mobile number',
  channel: 'How to send',
  name: 'Name',
  topics: 'Alerts',
  quietStart: 'Quiet hours start',
  quietEnd: 'Quiet hours end',
  recipients: 'Recipients',
  paperless: 'Paper or e-mail bills',
};
export const preferenceFieldLabels: Record<string, string> = preferenceFields;

/** The same messages in Spanish, with exactly the English keys. */
export const preferenceMessagesEs = {
  status: {
    'preferences-saved': 'Sus preferencias están guardadas.',
    'recipient-invited': 'Enviamos una confirmación a esa dirección. No enviaremos nada más allí hasta que su dueño confirme.',
    'recipient-removed': 'Se quitó. No enviaremos nada más a esa dirección o número.',
    'confirmation-resent': 'Volvimos a enviar la confirmación.',
    'sign-up-sent': 'Gracias. Enviamos una confirmación a la dirección que nos dio. Las alertas empiezan cuando la confirme.',
    'recipient-confirmed': 'Confirmado. Desde ahora recibirá las alertas de esta cuenta.',
    'unsubscribed': 'Listo: ya no recibirá estos mensajes. Los mensajes de seguridad sobre un usuario siguen llegando a su correo electrónico.',
  } satisfies Record<keyof typeof preferenceStatus, string>,
  errors: {
    recipient_exists: 'Esa dirección o número ya recibe alertas de esta cuenta, o está esperando confirmación.',
    recipient_not_pending: 'Esa persona no está esperando una confirmación.',
    too_many_requests: 'Se enviaron demasiadas confirmaciones. Espere un día e inténtelo de nuevo.',
    topic_refused: 'La persona que recibe las alertas las desactivó; solo ella puede volver a activarlas.',
  } satisfies Record<keyof typeof preferenceErrors, string>,
  fields: {
    address: 'Correo electrónico o número de celular',
    channel: 'Cómo enviarlas',
    name: 'Nombre',
    topics: 'Alertas',
    quietStart: 'Inicio de las horas de silencio',
    quietEnd: 'Fin de las horas de silencio',
    recipients: 'Destinatarios',
    paperless: 'Facturas en papel o por correo electrónico',
  } satisfies Record<keyof typeof preferenceFields, string>,
};
