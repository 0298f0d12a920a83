/**
 * Request bodies of the account forms, shared by the worker (which enforces them) and the site's
 * scripts (which check them early). Bodies arrive as JSON or as plain HTML form posts, so
 * checkboxes and numbers accept their form spellings too.
 */
import { z } from 'zod';
import { PASSWORD_MAX, PASSWORD_MIN } from './account-messages';

export * from './account-messages';


const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());
const optionalCheckbox = z.preprocess((v) => (v === undefined || v === '' ? undefined : v === true || v === 'on' || v === 'true' || v === '1'), z.boolean().optional());

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'An e-mail address is at most 254 characters.')
  .pipe(z.email('Enter an e-mail address like name@example.com.'));

/** Length only: the commonness check needs the server's list. */
export const newPassword = z
  .string()
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters. A few unrelated words make a good password.`)
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`);
const existingPassword = z.string().min(1, 'Enter your password.').max(1024);
const token = z.string().trim().min(1, 'The link is incomplete.').max(512);
const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());
const count = (max: number) => z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(max).optional());

export const registerBody = z.object({
  accountNumber: z
    .string()
    .transform((v) => v.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{6,16}$/, 'Enter the account number as it appears on your bill (digits only).')),
  serviceZip: z.string().trim().regex(/^\d{5}$/, 'Enter the 5-digit ZIP code of the service address.'),
  lastBillAmount: z
    .string()
    .trim()
    .transform((v) => v.replace(/^\$/, '').replace(/,/g, ''))
    .pipe(z.string().regex(/^\d{1,6}(\.\d{1,2})?$/, 'Enter the amount of your last bill, like 64.18.')),
  email,
  password: newPassword,
});
export type RegisterBody = z.infer<typeof registerBody>;

export const loginBody = z.object({
  email,
  password: existingPassword,
  remember: checkbox.default(false),
});

export const secondFactorBody = z.object({ code: z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.') });
export const forgotPasswordBody = z.object({ email });
export const resetPasswordBody = z.object({ token, password: newPassword });
export const changePasswordBody = z.object({ currentPassword: existingPassword, newPassword });
/** The password is the step-up for a login without a second factor; one with a second factor confirms on /account/confirm/ instead. */
export const changeEmailBody = z.object({ newEmail: email, currentPassword: z.preprocess(blankToUndefined, existingPassword.optional()) });
export const confirmLinkBody = z.object({ token });
/** The language of the login's mail and texts. */
export const languageBody = z.object({ locale: z.enum(['en', 'es'], { error: 'Choose English or Spanish.' }) });
export const endSessionsBody = z.object({
  session: z.preprocess(blankToUndefined, z.string().max(64).optional()),
  scope: z.enum(['one', 'others', 'all']).default('one'),
});

export const landscapeTypes = ['none', 'lawn', 'mixed', 'drought_tolerant'] as const;

export const profileBody = z.object({
  account: z.string().trim().min(1).max(64),
  displayName: optionalText(100),
  phone: z.preprocess(blankToUndefined, z.string().trim().regex(/^[+()\d\s.-]{7,25}$/, 'Enter a phone number, like (209) 555-0123.').optional()),
  mailingStreet: optionalText(120),
  mailingCity: optionalText(80),
  mailingRegion: z.preprocess(blankToUndefined, z.string().trim().regex(/^[A-Za-z]{2}$/, 'Enter the 2-letter state code.').optional()),
  mailingPostalCode: z.preprocess(blankToUndefined, z.string().trim().regex(/^\d{5}(-\d{4})?$/, 'Enter a ZIP code like 95990.').optional()),
  occupants: count(30),
  landscapeType: z.preprocess(blankToUndefined, z.enum(landscapeTypes).optional()),
  landscapeSqFt: count(1_000_000),
  hasPool: optionalCheckbox,
  toilets: count(20),
  showers: count(20),
  highEfficiencyToilets: optionalCheckbox,
  highEfficiencyWasher: optionalCheckbox,
  dishwasher: optionalCheckbox,
  smartIrrigation: optionalCheckbox,
});
export type ProfileBody = z.infer<typeof profileBody>;

