/**
 * Request bodies of the privacy-request forms and the staff console. Shared by the worker (which
 * validates) and the site (whose forms name their fields after these keys and show the same limits).
 * Every field arrives as a string from a plain HTML form, or as JSON: both are accepted.
 */
import { z } from 'zod';

export const requestTypes = ['know', 'delete', 'correct', 'opt_out'] as const;

export const requestTypeLabels: Record<(typeof requestTypes)[number], string> = {
  know: 'Know what we hold about me (categories and the specific pieces)',
  delete: 'Delete my personal information',
  correct: 'Correct information that is wrong',
  opt_out: 'Opt out of sale or sharing, and limit use of sensitive information',
};

/**
 * Fields a correction request may name (columns of the utility's account record). Not the e-mail
 * on file: it is what link verification of every request rests on, so a request must not be able
 * to move it (a login's e-mail changes at /account/security/, confirmed by the new address).
 */
export const correctableFields = {
  holder_name: 'Name on the account',
  phone_on_file: 'Phone number',
  mailing_street: 'Mailing address: street',
  mailing_city: 'Mailing address: city',
  mailing_postal_code: 'Mailing address: ZIP code',
} as const;
export type CorrectableField = keyof typeof correctableFields;

/** What a corrected value must look like, so the record is not corrected into something unusable. */
const correctionFormats: Record<CorrectableField, { check: (value: string) => boolean; message: string }> = {
  holder_name: { check: (v) => v.length >= 2 && v.length <= 120, message: 'Enter the full name, 2 to 120 characters.' },
  phone_on_file: { check: (v) => /^\+?[0-9 ().-]{7,25}$/.test(v) && (v.match(/[0-9]/g)?.length ?? 0) >= 7, message: 'Enter a phone number (digits, spaces, dashes, brackets and an optional leading +).' },
  mailing_street: { check: (v) => v.length <= 200, message: 'Enter the street, at most 200 characters.' },
  mailing_city: { check: (v) => v.length <= 100, message: 'Enter the city, at most 100 characters.' },
  mailing_postal_code: { check: (v) => /^\d{5}(-\d{4})?$/.test(v), message: 'Enter a 5-digit ZIP code.' },
};

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());
const checkbox = z
  .union([z.boolean(), z.literal('on'), z.literal('true'), z.literal('false')])
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true');

export const limits = { name: 120, email: 254, accountNumber: 20, text: 2000, password: 256, code: 300 } as const;

export const privacyRequestSchema = z
  .object({
    formToken: z.string().min(1, 'The form token is missing; reload the page.').max(2000),
    type: z.enum(requestTypes, { message: 'Choose what you are asking for.' }),
    submittedBy: z.enum(['self', 'agent'], { message: 'Say whether you ask for yourself or as an authorised agent.' }),
    fullName: z.string().trim().min(2, "Enter the customer's full name.").max(limits.name),
    email: z.email('Enter an e-mail address where we can reach you.').max(limits.email),
    accountNumber: z.preprocess(blankToUndefined, z.string().trim().regex(/^[0-9 -]{4,20}$/, 'An account number has digits only (spaces and dashes allowed).').optional()),
    postalCode: z.preprocess(blankToUndefined, z.string().trim().regex(/^\d{5}(-\d{4})?$/, 'Enter a 5-digit ZIP code.').optional()),
    agentName: optionalText(limits.name),
    agentEmail: z.preprocess(blankToUndefined, z.email('Enter the agent\'s e-mail address.').max(limits.email).optional()),
    agentPermission: optionalText(limits.text),
    agentAttest: checkbox,
    correctionField: z.preprocess(blankToUndefined, z.enum(Object.keys(correctableFields) as [CorrectableField, ...CorrectableField[]]).optional()),
    correctionValue: optionalText(limits.text),
    optOutSaleSharing: checkbox,
    limitSensitiveUse: checkbox,
    password: z.preprocess(blankToUndefined, z.string().max(limits.password).optional()),
    declarationName: z.string({ message: 'Type your full name to sign the declaration.' }).trim().min(2, 'Type your full name to sign the declaration.').max(limits.name),
    declarationTrue: checkbox,
  })
  .superRefine((v, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!v.declarationTrue) problem('declarationTrue', 'Confirm that the information you gave is true.');
    const signer = v.submittedBy === 'agent' ? v.agentName : v.fullName;
    if (signer && v.declarationName.toLowerCase() !== signer.toLowerCase()) {
      problem('declarationName', v.submittedBy === 'agent' ? 'Sign with the agent name you entered above.' : 'Sign with the full name you entered above.');
    }
    if (v.submittedBy === 'agent') {
      if (!v.agentName) problem('agentName', "Enter the agent's full name.");
      if (!v.agentEmail) problem('agentEmail', "Enter the agent's e-mail address.");
      if (!v.agentPermission) problem('agentPermission', "Describe the customer's signed permission (who signed, when, what it allows).");
      if (!v.agentAttest) problem('agentAttest', "Confirm that you hold the customer's signed permission.");
    }
    if (v.type === 'correct') {
      if (!v.correctionField) problem('correctionField', 'Choose what should be corrected.');
      if (!v.correctionValue) problem('correctionValue', 'Enter the correct value.');
      else if (v.correctionField && !correctionFormats[v.correctionField].check(v.correctionValue)) problem('correctionValue', correctionFormats[v.correctionField].message);
    }
    if (v.type === 'opt_out' && !v.optOutSaleSharing && !v.limitSensitiveUse) {
      problem('optOutSaleSharing', 'Choose at least one: opt out of sale or sharing, or limit use of sensitive information.');
    }
  });
export type PrivacyRequestInput = z.output<typeof privacyRequestSchema>;

/**
 * The code of an e-mailed link (verification, status, access package). It always arrives in a POST
 * body: the landing page reads it from the link's fragment, or the person pastes it. Never in a URL.
 */
const linkCode = z.string({ message: 'Enter the code from the e-mail.' }).trim().min(1, 'Enter the code from the e-mail.').max(limits.code, 'That is longer than any code we send.');

export const verifyLinkSchema = z.object({ code: linkCode });

export const statusBodySchema = z.object({ code: linkCode });

export const packageBodySchema = z.object({
  code: linkCode,
  format: z.enum(['json', 'html'], { message: 'Choose JSON or HTML.' }).default('json'),
});

// ---- staff console ----

export const queueQuerySchema = z.object({
  type: z.preprocess(blankToUndefined, z.enum(requestTypes).optional()),
  status: z.preprocess(blankToUndefined, z.enum(['received', 'verifying', 'verified', 'in_progress', 'extended', 'fulfilled', 'refused', 'open', 'closed']).optional()),
  /** matched: tied to an account or verified (the default); unmatched: filings no account or verification backs. */
  view: z.preprocess(blankToUndefined, z.enum(['matched', 'unmatched'], { message: 'Choose matched or unmatched.' }).default('matched')),
  page: z.preprocess(blankToUndefined, z.coerce.number({ message: 'A page is a whole number.' }).int('A page is a whole number.').min(1, 'Pages start at 1.').max(100_000, 'There are not that many pages.').default(1)),
});

export const staffNoteSchema = z.object({ note: optionalText(500) });

export const refuseSchema = z.object({ reason: z.string().trim().min(5, 'Give the reason the requester will read.').max(limits.text) });

export const extendSchema = z.object({
  days: z.coerce.number().int('Whole days only.').min(1, 'At least 1 day.').max(45, 'At most 45 days.'),
  reason: z.string().trim().min(5, 'Give the reason the requester will read.').max(limits.text),
});

export const correctionDecisionSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('apply') }),
  z.object({ decision: z.literal('refuse'), reason: z.string().trim().min(5, 'Give the reason the requester will read.').max(limits.text) }),
]);

export const customerLookupSchema = z.object({
  accountNumber: z.string().trim().regex(/^[0-9 -]{4,20}$/, 'An account number has digits only.'),
});
