/**
 * The words of the alert centre: what each alert type is called, which answers a customer may give
 * to it, and the short list of saving actions that fit it. One place, shared by the worker (which
 * refuses an answer or action that does not fit the alert) and the pages it fills.
 */
import type { AlertAnswerCode, AlertType } from '../../../db/schema';
import type { Locale } from '../../i18n/locale';
import type { MeterKind } from '../../usage/units';
import { vocabularyEs } from './vocabulary-es';

export const alertTypeLabels: Record<AlertType, string> = {
  continuous_flow: 'Water running without a break',
  intermittent_leak: 'Possible leak at night',
  high_use_day: 'High use in one day',
  high_use_period: 'High use this billing period',
  bill_forecast: 'Bill on course to be high',
};

/** Leak alerts are about water that should not be flowing; the others about how much was used on purpose. */
export const isLeakType = (type: AlertType) => type === 'continuous_flow' || type === 'intermittent_leak';

/**
 * The answers that fit an alert type: a leak alert can be "not a leak"; a high-use or bill alert
 * can be "expected use". Both can be fixed, and both can ask for help.
 */
export function answersFor(type: AlertType): AlertAnswerCode[] {
  return isLeakType(type) ? ['fixed', 'not_a_leak', 'need_help'] : ['fixed', 'expected_use', 'need_help'];
}

export const answerLabels: Record<AlertAnswerCode, { label: string; hint: string }> = {
  fixed: { label: 'I found the cause and fixed it', hint: 'We stop reminding you about this alert. If the reads still show it, the alert page says so.' },
  not_a_leak: { label: 'Not a leak', hint: 'For example filling a pool, watering a new lawn, or a medical device. We close this alert.' },
  expected_use: { label: 'Expected use', hint: 'For example guests, a new appliance, or a hot spell. We close this alert.' },
  need_help: { label: 'I need help', hint: 'Your request goes to our customer service team, who contact you with the details on your account.' },
};

/** What the customer answered, in the past tense, for lists and for support. */
export const answeredLabels: Record<AlertAnswerCode, string> = {
  fixed: 'Fixed',
  not_a_leak: 'Not a leak',
  expected_use: 'Expected use',
  need_help: 'Asked for help',
};

/** Answers that end reminders (the customer has dealt with it); those that also close the alert. */
export const stopsReminders = (answer: AlertAnswerCode) => answer !== 'need_help';
export const dismisses = (answer: AlertAnswerCode) => answer === 'not_a_leak' || answer === 'expected_use';

/**
 * Saving actions, as a customer would name them. Short on purpose: a list a person can read in a
 * few seconds, each one something that changes the meter's reads.
 */
export const savingActions = {
  toilet_repair: 'Replaced a leaking toilet flapper or fill valve',
  tap_repair: 'Fixed a dripping tap or shower head',
  irrigation_repair: 'Repaired a sprinkler head, line or valve',
  irrigation_schedule: 'Shortened or corrected the watering schedule',
  plumber_repair: 'Had a plumber find and repair a leak',
  water_heater_repair: 'Repaired a leaking water heater or relief valve',
  shorter_showers: 'Took shorter showers',
  full_loads: 'Ran the washer and dishwasher only with full loads',
  efficient_fixture: 'Installed a water-efficient toilet, shower head or washer',
  pool_cover: 'Covered the pool or spa',
  thermostat: 'Changed the thermostat settings',
  efficient_lighting: 'Switched to LED lighting',
  standby_power: 'Unplugged or switched off devices on standby',
  shift_use: 'Moved laundry and dishwashing to off-peak hours',
  efficient_appliance: 'Replaced an old appliance with an efficient one',
} as const;
export type SavingAction = keyof typeof savingActions;
export const savingActionCodes = Object.keys(savingActions) as [SavingAction, ...SavingAction[]];

const leakActions: SavingAction[] = ['toilet_repair', 'tap_repair', 'irrigation_repair', 'irrigation_schedule', 'water_heater_repair', 'plumber_repair'];
const waterUseActions: SavingAction[] = ['irrigation_schedule', 'shorter_showers', 'full_loads', 'efficient_fixture', 'pool_cover', 'toilet_repair'];
const energyUseActions: SavingAction[] = ['thermostat', 'efficient_lighting', 'standby_power', 'shift_use', 'efficient_appliance'];

/** The actions offered for an alert: leak repairs for a leak, ways to use less for high use of that kind. */
export function actionsFor(type: AlertType, kind: MeterKind): SavingAction[] {
  if (isLeakType(type)) return leakActions;
  return kind === 'water' ? waterUseActions : energyUseActions;
}

export const closeReasonLabels = {
  resolved: 'Ended: newer reads no longer show it',
  corrected: 'Withdrawn: corrected reads show it did not happen',
  moved_out: 'Ended when the account left this address',
  dismissed: 'Closed after your answer',
} as const;

/** The words a customer reads on the alert pages, in one language. */
export type AlertVocabulary = {
  answerLabels: Record<AlertAnswerCode, { label: string; hint: string }>;
  answeredLabels: Record<AlertAnswerCode, string>;
  savingActions: Record<SavingAction, string>;
  closeReasonLabels: Record<keyof typeof closeReasonLabels, string>;
};

const vocabularies: Record<Locale, AlertVocabulary> = {
  en: { answerLabels, answeredLabels, savingActions, closeReasonLabels },
  es: vocabularyEs,
};

/** The alert pages' words in the page's language. */
export const vocabularyIn = (locale: Locale): AlertVocabulary => vocabularies[locale];
