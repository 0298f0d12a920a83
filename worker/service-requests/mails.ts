/** The e-mails of start, stop and move requests: receipt and decision, with the dates and the street only. */
import type { OutgoingEmail } from '../mail/outbox';
import { utility } from '../shared/utility';

const signature = `\n\n${utility.name}\n${utility.phoneDisplay} · ${utility.hours}\n`;
const what = { stop: 'stop service', move: 'move your service', start: 'start service' } as const;

export type RequestSummary = { kind: keyof typeof what; street: string | null; stopOn: string | null; startOn: string | null; newStreet: string | null };

const details = (r: RequestSummary) =>
  [r.stopOn ? `Last day at ${r.street ?? 'the old address'}: ${r.stopOn}` : null, r.startOn ? `First day at ${r.newStreet}: ${r.startOn}` : null].filter(Boolean).join('\n');

export const serviceMails = {
  received: (to: string, origin: string, r: RequestSummary): OutgoingEmail => ({
    to,
    kind: 'service-request-received',
    subject: `We received your request to ${what[r.kind]}`,
    text: `We received your request to ${what[r.kind]}:\n\n${details(r)}\n\nStaff will confirm it, and e-mail you.${r.kind === 'start' ? ' To start service we first confirm who you are, by phone or e-mail.' : ` You can follow it at ${origin}/account/services/`}\n\nIf you did not ask for this, call us at ${utility.phoneDisplay}.${signature}`,
  }),
  confirmed: (to: string, origin: string, r: RequestSummary): OutgoingEmail => ({
    to,
    kind: 'service-request-confirmed',
    subject: `Confirmed: your request to ${what[r.kind]}`,
    text: `Your request to ${what[r.kind]} is confirmed:\n\n${details(r)}\n\n${r.stopOn ? `Your online access to the old address's usage, alerts and bills covers the days up to ${r.stopOn}. ` : ''}${r.kind === 'start' ? `Once the account is open, register at ${origin}/register/ with the account number on your first bill.` : `${origin}/account/services/`}${signature}`,
  }),
  refused: (to: string, origin: string, r: RequestSummary & { reason: string }): OutgoingEmail => ({
    to,
    kind: 'service-request-refused',
    subject: `We could not act on your request to ${what[r.kind]}`,
    text: `We could not act on your request to ${what[r.kind]}:\n\n${details(r)}\n\nThe reason: ${r.reason}\n\nCall us at ${utility.phoneDisplay} and we will help.${r.kind === 'start' ? '' : ` ${origin}/account/services/`}${signature}`,
  }),
};
