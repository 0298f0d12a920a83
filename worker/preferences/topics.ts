/**
 * What a recipient can receive, in a customer's words, and what is on until they choose. Alerts are
 * what people sign up for, so a new recipient gets the leak alerts unless told otherwise; the
 * newsletter and program mail are opt-in, never on by default.
 */
import { alertTypes, type AlertType } from '../../db/schema/alerts';
import { mailTopics, type MailTopic } from '../../db/schema/preferences';

export { mailTopics, type MailTopic };

export const topicLabels: Record<MailTopic, string> = {
  continuous_flow: 'Leak: water running without a break',
  intermittent_leak: 'Possible leak: water running at night when it should not',
  high_use_day: 'High use in one day',
  high_use_period: 'High use this billing period',
  bill_forecast: 'Bill on course to be higher than my amount',
  newsletter: 'Newsletter (a few times a year)',
  programs: 'Programs and rebates that fit my home',
};

/** A short name for a subject line or a text message. */
export const topicShortLabels: Record<MailTopic, string> = {
  continuous_flow: 'leak alerts',
  intermittent_leak: 'night-time leak alerts',
  high_use_day: 'daily high-use alerts',
  high_use_period: 'billing-period high-use alerts',
  bill_forecast: 'bill forecast alerts',
  newsletter: 'the newsletter',
  programs: 'program and rebate mail',
};

/** Both lists in each language (the Spanish pages and mail). */
export const topicLabelsIn: Record<'en' | 'es', Record<MailTopic, string>> = {
  en: topicLabels,
  es: {
    continuous_flow: 'Fuga: agua que corre sin parar',
    intermittent_leak: 'Posible fuga: agua que corre de noche cuando no debería',
    high_use_day: 'Consumo alto en un día',
    high_use_period: 'Consumo alto en este periodo de facturación',
    bill_forecast: 'Factura en camino de superar mi monto',
    newsletter: 'Boletín (unas pocas veces al año)',
    programs: 'Programas y reembolsos para mi casa',
  },
};
export const topicShortLabelsIn: Record<'en' | 'es', Record<MailTopic, string>> = {
  en: topicShortLabels,
  es: {
    continuous_flow: 'alertas de fugas',
    intermittent_leak: 'alertas de fugas nocturnas',
    high_use_day: 'alertas de consumo alto diario',
    high_use_period: 'alertas de consumo alto del periodo',
    bill_forecast: 'alertas de pronóstico de factura',
    newsletter: 'el boletín',
    programs: 'correo de programas y reembolsos',
  },
};

export const isAlertTopic = (topic: string): topic is AlertType => (alertTypes as readonly string[]).includes(topic);
export const isLeakTopic = (topic: string) => topic === 'continuous_flow' || topic === 'intermittent_leak';

/** What a recipient receives before anyone has chosen: every alert for the customer's own e-mail; leak alerts for anyone else. */
export function defaultTopics(origin: 'login' | 'added' | 'sign_up'): Record<MailTopic, boolean> {
  const out = Object.fromEntries(mailTopics.map((t) => [t, false])) as Record<MailTopic, boolean>;
  for (const t of alertTypes) out[t] = origin === 'login' || isLeakTopic(t);
  return out;
}

/** Topics chosen explicitly (a sign-up or an invitation naming its alerts); none chosen means the defaults. */
export function chosenTopics(origin: 'login' | 'added' | 'sign_up', chosen: readonly AlertType[]): Record<MailTopic, boolean> {
  if (!chosen.length) return defaultTopics(origin);
  const out = Object.fromEntries(mailTopics.map((t) => [t, false])) as Record<MailTopic, boolean>;
  for (const t of chosen) out[t] = true;
  return out;
}
