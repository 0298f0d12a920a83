/**
 * Starting a payment: the amount is bounded on the server, the intent is written, then the
 * processor is asked for its hosted page with the signed terms. Nothing here marks anything paid;
 * only the verified webhook does (worker/payments/webhook.ts).
 */
import { lockedUntil, recordFailure, throttle } from '../accounts/throttle';
import { ApiError } from '../http/errors';
import { utility } from '../tenants/scope';
import { amountProblem, formatDollars, paymentBounds } from './amount';
import { amountDueCents } from './amount-due';
import { auditStatement, orm } from './d1';
import { returnUrl, type PaymentDeps } from './deps';
import { signTerms } from './intent-signature';
import { ProcessorUnavailable } from './processor';
import { newPaymentReference } from './references';

/** How long the processor's page stays usable (Stripe allows 30 minutes to 24 hours). */
export const HAND_OFF_LIFETIME_MS = 60 * 60 * 1000;

export type PaymentRequest = {
  accountId: string;
  /** Null when paying without signing in. */
  loginId: string | null;
  amountCents: number;
};

export type StartedPayment = { reference: string; url: string };

export function processorUnavailable() {
  return new ApiError(503, 'processor_unavailable', 'The payment service is not answering just now. Nothing was charged. Please try again in a few minutes.');
}

/** Refuses an amount outside the bounds, naming the field and the bounds in words. */
export function checkAmount(amountCents: number, dueCents: number) {
  const bounds = paymentBounds(dueCents);
  const problem = amountProblem(amountCents, bounds);
  if (problem) {
    const message = `Enter an amount from ${formatDollars(bounds.minCents)} to ${formatDollars(bounds.maxCents)}.`;
    throw new ApiError(422, problem === 'below_minimum' ? 'amount_below_minimum' : 'amount_above_maximum', message, [{ field: 'amount', message }]);
  }
}

export async function startPayment(deps: PaymentDeps, req: PaymentRequest): Promise<StartedPayment> {
  const { db, now } = deps;
  const guards = [await throttle(deps.secret, 'payStartAccount', req.accountId), await throttle(deps.secret, 'payStartActor', req.loginId ?? `client:${deps.client}`)];
  if (await lockedUntil(orm(db), guards, now)) throw new ApiError(429, 'too_many_attempts', 'Too many payments were started. Please wait a while and try again.');
  checkAmount(req.amountCents, await amountDueCents(db, req.accountId));
  await recordFailure(orm(db), guards, now);

  const reference = newPaymentReference();
  const expiresAt = new Date(now.getTime() + HAND_OFF_LIFETIME_MS);
  const channel = req.loginId ? 'signed_in' : 'guest';
  await db.batch([
    db
      .prepare(`INSERT INTO payment_intents (id, account_id, login_id, channel, amount_cents, currency, status, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, 'usd', 'open', ?6, ?7)`)
      .bind(reference, req.accountId, req.loginId, channel, req.amountCents, now.toISOString(), expiresAt.toISOString()),
    auditStatement(db, { event: 'payment.started', actorLoginId: req.loginId, subjectAccountId: req.accountId, detail: { reference, channel, amountCents: req.amountCents } }),
  ]);
  const signature = await signTerms(deps.secret, { reference, accountId: req.accountId, amountCents: req.amountCents, currency: 'usd' });
  const returnBase = returnUrl(deps, req.loginId ? '/account/pay' : '/pay');
  let handOff;
  try {
    handOff = await deps.processor.startPayment({
      reference,
      accountId: req.accountId,
      amountCents: req.amountCents,
      currency: 'usd',
      signature,
      description: `${utility().name} bill payment`,
      // The return pages show what the verified webhook recorded; their query decides nothing.
      successUrl: req.loginId ? `${returnBase}/return/?payment=${reference}` : `${returnBase}/return/`,
      cancelUrl: req.loginId ? `${returnBase}/?account=${encodeURIComponent(req.accountId)}&status=payment-cancelled` : `${returnBase}/?status=payment-cancelled`,
      expiresAt,
    });
  } catch (err) {
    if (!(err instanceof ProcessorUnavailable)) throw err;
    await db.prepare(`UPDATE payment_intents SET status = 'failed', updated_at = ?2 WHERE id = ?1 AND status = 'open'`).bind(reference, now.toISOString()).run();
    throw processorUnavailable();
  }
  await db.prepare(`UPDATE payment_intents SET processor_session_id = ?2, updated_at = ?3 WHERE id = ?1`).bind(reference, handOff.sessionId, now.toISOString()).run();
  return { reference, url: handOff.url };
}
