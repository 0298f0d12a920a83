/**
 * Request bodies of the sharing page (additional users), shared by the worker, which enforces
 * them, and the site, whose forms name their fields after these keys. JSON or plain HTML forms.
 */
import { z } from 'zod';
import { email, newPassword } from './account-forms';

const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const accountId = z.string().trim().min(1).max(64);
const uuid = (message: string) => z.string().trim().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, message);
const loginId = z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not a person with access to this account.');

/** The last day access lasts (YYYY-MM-DD), optional; checked against the account's own today by the worker. */
const accessUntil = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date like 2027-06-30, or leave it empty.')
    .refine((d) => {
      const t = Date.parse(`${d}T00:00:00Z`);
      return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
    }, 'Enter a real date.')
    .optional(),
);

export const rightLabels = {
  usage: 'See usage',
  billing: 'See bills',
  pay: 'Pay bills',
  manage: 'Manage alerts and contact settings',
  alerts: 'Receive alerts',
} as const;
export type RightKey = keyof typeof rightLabels;

/** The rights' names in each language (for mail and the Spanish pages). */
export const rightLabelsIn: Record<'en' | 'es', Record<RightKey, string>> = {
  en: rightLabels,
  es: {
    usage: 'Ver el consumo',
    billing: 'Ver las facturas',
    pay: 'Pagar las facturas',
    manage: 'Administrar las alertas y los datos de contacto',
    alerts: 'Recibir alertas',
  },
};

const rights = {
  usage: checkbox.default(false),
  billing: checkbox.default(false),
  pay: checkbox.default(false),
  manage: checkbox.default(false),
  alerts: checkbox.default(false),
};

type Rights = { [K in RightKey]: boolean };
/** At least one right; paying needs seeing the bills (the amount due is on them). */
function checkRights(r: Rights, ctx: z.RefinementCtx) {
  if (!(Object.keys(rightLabels) as RightKey[]).some((k) => r[k])) ctx.addIssue({ code: 'custom', path: ['usage'], message: 'Choose at least one thing they may do.' });
  if (r.pay && !r.billing) ctx.addIssue({ code: 'custom', path: ['pay'], message: 'Someone who pays the bills must be able to see them: tick "See bills" too.' });
}

export const inviteDelegateBody = z.object({ account: accountId, email, ...rights, until: accessUntil }).superRefine(checkRights);
export type InviteDelegateBody = z.infer<typeof inviteDelegateBody>;

export const delegateRightsBody = z.object({ account: accountId, delegate: loginId, ...rights, until: accessUntil }).superRefine(checkRights);
export type DelegateRightsBody = z.infer<typeof delegateRightsBody>;

export const delegateActionBody = z.object({ account: accountId, delegate: loginId });
export const invitationActionBody = z.object({ account: accountId, invitation: uuid('Not an invitation of this account.') });
export const leaveAccountBody = z.object({ account: accountId });
/** The invitation code from the e-mail: `<invitation id>.<secret>.<signature>`. */
export const acceptInvitationBody = z.object({ code: z.string().trim().min(1, 'Paste the code from the invitation e-mail.').max(200, 'That is not an invitation code.') });

/** Someone invited without a login creates one as they accept (its e-mail is the invited address). */
export const registerByInvitationBody = z.object({
  code: acceptInvitationBody.shape.code,
  displayName: z.preprocess(blankToUndefined, z.string().trim().max(100, 'Use at most 100 characters.').optional()),
  password: newPassword,
});

const sharingFields = {
  email: 'Their e-mail address',
  usage: 'What they may do',
  pay: 'Pay bills',
  until: 'Access ends after',
  code: 'Invitation code',
  delegate: 'Person',
  invitation: 'Invitation',
  password: 'New password',
  displayName: 'Your name',
};
export const sharingFieldLabels: Record<string, string> = sharingFields;

const sharingStatus = {
  'delegate-invited': 'Invitation sent. It works for 7 days; you will get an e-mail when it is accepted.',
  'invitation-withdrawn': 'Invitation withdrawn. Its link no longer works.',
  'delegate-updated': 'Their access is changed. It applies from their next click.',
  'delegate-ended': 'Their access has ended. They lost it at once.',
  'left-account': 'You no longer have access to that account. Its holder has been told.',
  'invitation-accepted': 'Invitation accepted. The account is now among yours.',
};
export const sharingStatusMessages: Record<string, string> = sharingStatus;

const sharingErrors = {
  invitation_invalid: 'This invitation is not valid. Ask the account holder to send a new one.',
  invitation_expired: 'This invitation has expired or was withdrawn. Ask the account holder to send a new one.',
  invitation_used: 'This invitation has already been accepted.',
  already_has_access: 'That login already has access to this account.',
  invitation_pending: 'An invitation to that address is already waiting. Withdraw it first to send a new one.',
  email_not_verified: 'Confirm your login e-mail address first, then accept the invitation.',
  not_a_customer_login: 'Staff logins cannot be given access to customer accounts.',
  date_in_past: 'Choose today or a later date.',
  login_exists: 'You already have a login with this address: sign in, then open the invitation link again.',
};
export const sharingErrorMessages: Record<string, string> = sharingErrors;

/** The sharing pages' messages in Spanish, with exactly the English keys. */
export const sharingMessagesEs = {
  fields: {
    email: 'Su correo electrónico',
    usage: 'Qué puede hacer',
    pay: 'Pagar las facturas',
    until: 'El acceso termina después del',
    code: 'Código de la invitación',
    delegate: 'Persona',
    invitation: 'Invitación',
    password: 'Contraseña nueva',
    displayName: 'Su nombre',
  } satisfies Record<keyof typeof sharingFields, string>,
  status: {
    'delegate-invited': 'Se envió la invitación. Funciona durante 7 días; le escribiremos cuando la acepten.',
    'invitation-withdrawn': 'Se retiró la invitación. Su enlace ya no funciona.',
    'delegate-updated': 'Cambió su acceso. Se aplica desde su próximo clic.',
    'delegate-ended': 'Terminó su acceso. Lo perdió de inmediato.',
    'left-account': 'Ya no tiene acceso a esa cuenta. Avisamos a su titular.',
    'invitation-accepted': 'Aceptó la invitación. La cuenta ya está entre las suyas.',
  } satisfies Record<keyof typeof sharingStatus, string>,
  errors: {
    invitation_invalid: 'Esta invitación no es válida. Pida al titular de la cuenta que envíe una nueva.',
    invitation_expired: 'Esta invitación venció o se retiró. Pida al titular de la cuenta que envíe una nueva.',
    invitation_used: 'Esta invitación ya se aceptó.',
    already_has_access: 'Ese usuario ya tiene acceso a esta cuenta.',
    invitation_pending: 'Ya hay una invitación esperando para esa dirección. Retírela primero para enviar una nueva.',
    email_not_verified: 'Primero confirme el correo electrónico de su usuario y luego acepte la invitación.',
    not_a_customer_login: 'A los usuarios del personal no se les puede dar acceso a cuentas de clientes.',
    date_in_past: 'Elija hoy o una fecha posterior.',
    login_exists: 'Ya tiene un usuario con esta dirección: inicie sesión y vuelva a abrir el enlace de la invitación.',
  } satisfies Record<keyof typeof sharingErrors, string>,
};
