/**
 * Request bodies of the start, stop and move forms and of the staff decisions, shared by the
 * worker, which enforces them, and the site, whose forms name their fields after these keys.
 */
import { z } from 'zod';
import { email } from './account-forms';
import { phoneNumber } from './preference-forms';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const accountId = z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not one of your accounts.');
const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date like 2027-01-31.')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
  }, 'Enter a real date.');
const text = (max: number, message: string) => z.string().trim().min(1, message).max(max, `Use at most ${max} characters.`);
const note = z.preprocess(blankToUndefined, z.string().trim().max(500, 'Use at most 500 characters.').optional());
const newAddress = {
  newStreet: text(120, 'Enter the street address.'),
  newCity: text(80, 'Enter the city.'),
  newPostalCode: z.string().trim().regex(/^\d{5}$/, 'Enter a 5-digit ZIP code.'),
};

/** `account` may be left out: the worker finds which of the holder's accounts holds the address. */
export const stopServiceBody = z.object({ account: z.preprocess(blankToUndefined, accountId.optional()), servicePoint: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not a service address of this account.'), stopOn: day, note });
export type StopServiceBody = z.infer<typeof stopServiceBody>;

export const moveServiceBody = stopServiceBody.extend({ startOn: day, ...newAddress });
export type MoveServiceBody = z.infer<typeof moveServiceBody>;

export const startServiceBody = z.object({
  contactName: text(100, 'Enter your name.'),
  contactEmail: email,
  contactPhone: phoneNumber,
  startOn: day,
  ...newAddress,
  note,
});
export type StartServiceBody = z.infer<typeof startServiceBody>;

export const serviceRequestIdBody = z.object({ request: z.string().trim().regex(/^[0-9a-f-]{36}$/, 'Not one of your requests.') });
export const refuseServiceBody = serviceRequestIdBody.extend({ reason: text(500, 'Say why, in words the customer will read.') });

const serviceFields = {
  servicePoint: 'Service address',
  stopOn: 'Last day of service',
  startOn: 'First day of service',
  newStreet: 'Street address',
  newCity: 'City',
  newPostalCode: 'ZIP code',
  contactName: 'Your name',
  contactEmail: 'E-mail address',
  contactPhone: 'Phone',
  reason: 'Reason',
};
export type ServiceField = keyof typeof serviceFields;
export const serviceFieldLabels: Record<string, string> = serviceFields;

const serviceStatus = {
  'stop-requested': 'We received your request to stop service. Staff will confirm it; you will get an e-mail.',
  'move-requested': 'We received your request to move. Staff will confirm it; you will get an e-mail.',
  'start-requested': 'We received your request to start service. Staff will call or e-mail you to confirm who you are.',
  'request-withdrawn': 'Your request is withdrawn.',
  'request-confirmed': 'Request confirmed; the customer has been e-mailed.',
  'request-refused': 'Request refused; the customer has been e-mailed the reason.',
};
export type ServiceStatusCode = keyof typeof serviceStatus;
export const serviceStatusMessages: Record<string, string> = serviceStatus;

const serviceErrors = {
  date_too_soon: 'Choose a date from tomorrow on: today’s service cannot be changed online.',
  date_too_far: 'Choose a date within the next 90 days.',
  request_open: 'There is already an open request for this address. Withdraw it first, or wait for staff to answer it.',
  request_closed: 'This request has already been answered.',
};
export type ServiceErrorCode = keyof typeof serviceErrors;
export const serviceErrorMessages: Record<string, string> = serviceErrors;
