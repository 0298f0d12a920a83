/**
 * Request bodies and page messages of the alert centre, shared by the worker (which enforces them)
 * and the pages (which take their limits from here). Bodies arrive as JSON or as plain HTML form
 * posts, so numbers accept their form spellings, and an empty field means "not set".
 */
import { z } from 'zod';
import { alertAnswerCodes, meterKinds } from '../../db/schema';
import { savingActionCodes } from '../alerts/centre/vocabulary';
import { isDay } from '../usage/time';
import type { Locale } from '../i18n/locale';
import { alertMessagesEs } from './alert-messages-es';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const alertIdParam = z.object({ alertId: z.string().min(1).max(100) });

export const ANSWER_NOTE_MAX = 500;

export const alertAnswerBody = z.object({
  answer: z.enum(alertAnswerCodes, 'Choose one of the answers.'),
  note: z.preprocess(blankToUndefined, z.string().trim().max(ANSWER_NOTE_MAX, `Keep the note under ${ANSWER_NOTE_MAX} characters.`).optional()),
});
export type AlertAnswerBody = z.infer<typeof alertAnswerBody>;

export const alertActionBody = z.object({
  action: z.enum(savingActionCodes, 'Choose one of the actions listed.'),
  takenOn: z.preprocess(blankToUndefined, z.string().trim().refine(isDay, 'Enter the day as YYYY-MM-DD.').optional()),
});
export type AlertActionBody = z.infer<typeof alertActionBody>;

/** Limits of the threshold fields, in the kind's base unit (gallons, kWh, therms) and dollars. */
export const settingsLimits = {
  dayThreshold: { max: 100_000 },
  periodThreshold: { max: 10_000_000 },
  billThreshold: { max: 100_000 },
  /** The widest hours the schema lets through; the utility's own range (config) is checked after. */
  continuousFlowHours: { min: 1, max: 72 },
} as const;

const positiveAmount = (max: number, what: string) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number(`Enter ${what} as a number, like 500.`)
      .refine((v) => Number.isFinite(v), `Enter ${what} as a number, like 500.`)
      .refine((v) => v > 0, `Enter more than 0, or leave it empty for no ${what}.`)
      .refine((v) => v <= max, `Enter at most ${max.toLocaleString('en-US')}.`)
      .optional(),
  );

export const alertSettingsBody = z.object({
  account: z.string().trim().min(1).max(64),
  kind: z.enum(meterKinds, 'Choose water, electricity or gas.'),
  continuousFlowHours: z.preprocess(
    blankToUndefined,
    z.coerce
      .number('Choose a number of hours.')
      .int('Choose a whole number of hours.')
      .min(settingsLimits.continuousFlowHours.min, 'Choose at least 1 hour.')
      .max(settingsLimits.continuousFlowHours.max, 'Choose at most 72 hours.')
      .optional(),
  ),
  dayThreshold: positiveAmount(settingsLimits.dayThreshold.max, 'a daily limit'),
  periodThreshold: positiveAmount(settingsLimits.periodThreshold.max, 'a billing-period limit'),
  billThreshold: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .transform((v) => v.replace(/^\$/, '').replace(/,/g, ''))
      .pipe(z.string().regex(/^\d{1,6}(\.\d{1,2})?$/, 'Enter an amount in dollars, like 120 or 120.50.'))
      .transform((v) => Math.round(Number(v) * 100))
      .pipe(z.number().int().min(1, 'Enter more than $0, or leave it empty for no bill alert.').max(settingsLimits.billThreshold.max * 100, 'Enter at most $100,000.'))
      .optional(),
  ),
});
export type AlertSettingsBody = z.infer<typeof alertSettingsBody>;

export const alertSettingsQuery = z.object({ account: z.string().trim().min(1).max(64).optional() });

/** Messages a page shows after a redirect (`?status=` or `?error=`): codes travel in URLs, never text. */
const statusEn = {
  answered: 'Thank you. Your answer is saved with the date and time.',
  'answered-help': 'Thank you. Your request for help is in our customer service team\'s queue; they contact you with the details on your account.',
  'action-saved': 'Saved. Once there are a few days of reads after that day, this page compares your use before and after it.',
  'alert-settings-saved': 'Your alert settings are saved. They apply to reads that arrive from now on.',
};

const errorsEn = {
  invalid_request: 'Some fields are missing or not valid. Please check them and try again.',
  not_found: 'That alert or account was not found.',
  too_many_answers: 'This alert already has many answers. If your answer has changed again, please call us.',
  unauthenticated: 'Please sign in.',
  forbidden: 'You are not allowed to do that.',
};

const fieldsEn = {
  answer: 'Your answer',
  note: 'Anything you want to add',
  action: 'What you did',
  takenOn: 'The day you did it',
  kind: 'Service',
  continuousFlowHours: 'Hours of flow that never stops',
  dayThreshold: 'Daily limit',
  periodThreshold: 'Billing-period limit',
  billThreshold: 'Bill amount',
};

/** The shape of the alert centre's messages in every language: the English keys. */
export type AlertMessages = {
  status: Record<keyof typeof statusEn, string>;
  errors: Record<keyof typeof errorsEn, string>;
  fields: Record<keyof typeof fieldsEn, string>;
  /** "Check: {label}." after a refused form's message. */
  check: string;
};

const alertMessages: Record<Locale, AlertMessages> = {
  en: { status: statusEn, errors: errorsEn, fields: fieldsEn, check: 'Check: {label}.' },
  es: alertMessagesEs,
};

export const alertStatusMessages: Record<string, string> = statusEn;
export const alertErrorMessages: Record<string, string> = errorsEn;
export const alertFieldLabels: Record<string, string> = fieldsEn;

/** The alert centre's field labels in a language. */
export const alertFieldLabelsIn = (locale: Locale): Record<string, string> => alertMessages[locale].fields;

/** The message for a redirect's query in a language, or null. Never echoes the query itself. */
export function alertMessageFor(query: { status?: string | null; error?: string | null; field?: string | null }, locale: Locale = 'en'): { kind: 'status' | 'error'; text: string } | null {
  const m = alertMessages[locale];
  const status: Record<string, string> = m.status;
  const errors: Record<string, string> = m.errors;
  const fields: Record<string, string> = m.fields;
  if (query.error) {
    const base = (Object.hasOwn(errors, query.error) ? errors[query.error] : undefined) ?? errors.invalid_request!;
    const label = query.field && Object.hasOwn(fields, query.field) ? fields[query.field] : undefined;
    return { kind: 'error', text: label && query.error === 'invalid_request' ? `${base} ${m.check.replace('{label}', label)}` : base };
  }
  if (query.status && Object.hasOwn(status, query.status)) return { kind: 'status', text: status[query.status]! };
  return null;
}

/** Staff: counts for one ended month (default: the last one). */
export const staffCountsQuery = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/, 'Choose a month like 2026-10.').optional() });
/** Staff: the support queue, open items (oldest first) or recently closed ones. */
export const supportQueueQuery = z.object({ status: z.enum(['open', 'closed']).default('open') });
export const supportItemParam = z.object({ id: z.string().min(1).max(100) });
export const supportCloseBody = z.object({
  note: z.preprocess(blankToUndefined, z.string().trim().max(500, 'A note is at most 500 characters, and holds no personal data.').optional()),
});
/** Staff: a customer's alert history, found by account number (every look-up is logged). */
export const customerAlertsQuery = z.object({
  accountNumber: z.string().trim().regex(/^[0-9 -]{4,20}$/, 'An account number has digits only.'),
});
