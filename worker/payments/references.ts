/**
 * Our own ids for what we hand to the processor. They name a payment on the customer's
 * confirmation and in the ledger (`payments.portal_payment_id`); they are not secrets and grant
 * nothing: every page that shows one checks the caller may see its account.
 */
const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

function randomCode(length: number) {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

/** "pay_7KQ2M9XW4RTB3N6H" — a payment intent. */
export const newPaymentReference = () => `pay_${randomCode(16)}`;
/** "apy_…" — an autopay enrolment. */
export const newAutopayReference = () => `apy_${randomCode(16)}`;

export const isPaymentReference = (value: unknown): value is string => typeof value === 'string' && /^pay_[2-9A-HJ-NP-Z]{16}$/.test(value);
export const isAutopayReference = (value: unknown): value is string => typeof value === 'string' && /^apy_[2-9A-HJ-NP-Z]{16}$/.test(value);
