/**
 * Request bodies of the payment forms (plain HTML forms; JSON is accepted too), and the messages
 * their pages show after a redirect. Codes travel in URLs, never text.
 */
import { z } from 'zod';
import { parseDollars } from '../payments/amount';

// An account id as ingestion accepts them (worker/ingest/batch.ts): it goes back into a redirect's URL.
const accountId = z.string().trim().min(1, 'Choose an account.').max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'Choose an account.');

/** Dollars as a person types them ("64.18", "$1,064.18"), to integer cents. */
export const amount = z
  .string()
  .max(20)
  .transform((v, ctx) => {
    const cents = parseDollars(v);
    if (cents === null) {
      ctx.addIssue({ code: 'custom', message: 'Enter an amount in dollars and cents, like 64.18.' });
      return z.NEVER;
    }
    return cents;
  });

export const accountNumber = z
  .string()
  .transform((v) => v.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^\d{6,16}$/, 'Enter the account number as it appears on your bill (digits only).'));
export const serviceZip = z.string().trim().regex(/^\d{5}$/, 'Enter the 5-digit ZIP code of the service address.');

export const payBody = z.object({ account: accountId, amount });
export const guestLookupBody = z.object({ accountNumber, serviceZip });
export type GuestLookupBody = z.infer<typeof guestLookupBody>;
export const guestPayBody = guestLookupBody.extend({ amount });
export const autopayBody = z.object({ account: accountId });
export const paperlessBody = z.object({ account: accountId, paperless: z.enum(['on', 'off'], 'Choose paperless on or off.') });

const paymentStatus = {
  'payment-cancelled': 'You left the payment page before paying. Nothing was charged.',
  'autopay-started': 'Autopay is being set up. It shows as on once the payment processor confirms your payment method.',
  'autopay-cancelled': 'You left the autopay page before saving a payment method. Autopay was not changed.',
  'autopay-ended': 'Autopay is off. Your saved payment method was removed from the payment processor.',
  'paperless-on': 'Paperless billing is on. We will e-mail you when each new bill is ready, and stop mailing paper bills.',
  'paperless-off': 'Paperless billing is off. Paper bills will be mailed to your mailing address again.',
};
export type PaymentStatusCode = keyof typeof paymentStatus;
export const paymentStatusMessages: Record<string, string> = paymentStatus;

const paymentErrors = {
  invalid_request: 'Some fields are missing or not valid. Please check them and try again.',
  amount_below_minimum: 'That amount is below the smallest payment we accept.',
  amount_above_maximum: 'That amount is more than we can take in one payment for this account.',
  account_not_matched: 'We could not find an account with that account number and service ZIP code. Check both and try again.',
  too_many_attempts: 'Too many attempts from here. Please wait a while, sign in, or call us to pay by phone.',
  processor_unavailable: 'The payment service is not answering just now. Nothing was charged. Please try again in a few minutes.',
  not_found: 'That account is not one you can pay or change here.',
  autopay_not_active: 'Autopay is not on for that account.',
};
export type PaymentErrorCode = keyof typeof paymentErrors;
export const paymentErrorMessages: Record<string, string> = paymentErrors;
