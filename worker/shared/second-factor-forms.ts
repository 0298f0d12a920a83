/**
 * Request bodies of the second-factor forms (authenticator app, recovery codes, step-up, the
 * new-device notice's link), shared by the worker and the pages' scripts. Bodies arrive as JSON
 * or as plain HTML form posts.
 */
import { z } from 'zod';
import { passkeyAssertionBody } from './passkey-forms';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const totpCodeField = z
  .string()
  .transform((v) => v.replace(/\s/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.'));

/** Loose on purpose (spaces, dashes, either case): worker/accounts/recovery-codes.ts normalises it. */
export const recoveryCodeField = z.string().trim().min(1, 'Enter one of your recovery codes.').max(64, 'A recovery code is 16 letters and digits.');

export const recoveryCodeBody = z.object({ recoveryCode: recoveryCodeField });
export const totpConfirmBody = z.object({ code: totpCodeField });

/**
 * Confirming it is you before a sensitive action: exactly one of an authenticator code, a recovery
 * code or (for a login without a second factor) the password; `return` is the page to go back to.
 */
export const stepUpBody = z
  .object({
    code: z.preprocess(blankToUndefined, totpCodeField.optional()),
    recoveryCode: z.preprocess(blankToUndefined, recoveryCodeField.optional()),
    password: z.preprocess(blankToUndefined, z.string().max(1024).optional()),
    return: z.preprocess(blankToUndefined, z.string().max(300).optional()),
  })
  .superRefine((body, ctx) => {
    const given = [body.code, body.recoveryCode, body.password].filter((v) => v !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({ code: 'custom', path: ['code'], message: given === 0 ? 'Enter a code from your authenticator app, a recovery code or your password.' : 'Give one proof at a time.' });
    }
  });
export type StepUpBody = z.infer<typeof stepUpBody>;

/** The new-device notice's link: its token, from the fragment or pasted. */
export const endSessionLinkBody = z.object({ token: z.string().trim().min(1, 'The link is incomplete.').max(512) });

/** The confirmation page's passkey answer (JavaScript only), and the page to go back to. */
export const passkeyStepUpBody = passkeyAssertionBody.extend({ return: z.preprocess(blankToUndefined, z.string().max(300).optional()) });
