/**
 * The bounds of a payment, decided on the server from the amount due; the browser's number is only
 * a request. Amounts are integer cents.
 *
 * - At least $1.00: below that the processor's fee exceeds the payment (Stripe's floor is $0.50).
 * - At most the amount due plus $500.00, and never above $10,000.00: a customer may pay ahead a
 *   month or two (a typical bill here is $60–$300), but a slip of the decimal point ($6,418 for
 *   $64.18) is caught before the card is charged, and a stolen card cannot load a large credit
 *   onto an account to be refunded elsewhere.
 */
export const MIN_PAYMENT_CENTS = 100;
export const PREPAY_MARGIN_CENTS = 50_000;
export const MAX_PAYMENT_CENTS = 1_000_000;

export type PaymentBounds = { minCents: number; maxCents: number };

export function paymentBounds(amountDueCents: number): PaymentBounds {
  return { minCents: MIN_PAYMENT_CENTS, maxCents: Math.min(Math.max(amountDueCents, 0) + PREPAY_MARGIN_CENTS, MAX_PAYMENT_CENTS) };
}

export type AmountProblem = 'below_minimum' | 'above_maximum';

export function amountProblem(amountCents: number, bounds: PaymentBounds): AmountProblem | null {
  if (amountCents < bounds.minCents) return 'below_minimum';
  if (amountCents > bounds.maxCents) return 'above_maximum';
  return null;
}

/** "64.18", "64.1", "64", "$1,064.18" → cents; null for anything else (no exponents, no negatives, at most 2 decimals). */
export function parseDollars(text: string): number | null {
  const cleaned = text.trim().replace(/^\$/, '').replace(/,(?=\d{3}(\D|$))/g, '');
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export function formatDollars(cents: number) {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}$${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}
