/**
 * Autopay enrolment, handed to the processor like a payment: the customer saves a payment method
 * on the processor's own page (Checkout in setup mode, for a processor customer that holds only our
 * account reference). The enrolment is `pending` until the verified webhook makes it `active`.
 * Ending it deletes the processor customer, and with it the saved method, before the portal
 * records it as ended. Charging on the due date is the utility billing system's side.
 */
import { lockedUntil, recordFailure, throttle } from '../accounts/throttle';
import { ApiError } from '../http/errors';
import { auditStatement, orm } from './d1';
import { returnUrl, type PaymentDeps } from './deps';
import { HAND_OFF_LIFETIME_MS, processorUnavailable } from './intents';
import { signTerms } from './intent-signature';
import { ProcessorUnavailable } from './processor';
import { accountNumberOf, noticeStatement, paymentNotices } from './mails';
import { newAutopayReference } from './references';

export async function startAutopay(deps: PaymentDeps, p: { accountId: string; loginId: string }) {
  const { db, now } = deps;
  const guards = [await throttle(deps.secret, 'payStartAccount', p.accountId), await throttle(deps.secret, 'payStartActor', p.loginId)];
  if (await lockedUntil(orm(db), guards, now)) throw new ApiError(429, 'too_many_attempts', 'Too many attempts. Please wait a while and try again.');
  await recordFailure(orm(db), guards, now);

  const reference = newAutopayReference();
  const expiresAt = new Date(now.getTime() + HAND_OFF_LIFETIME_MS);
  let customerId: string | null = null;
  let handOff;
  try {
    customerId = await deps.processor.createCustomer(p.accountId, reference);
    handOff = await deps.processor.startAutopaySetup({
      reference,
      accountId: p.accountId,
      processorCustomerId: customerId,
      currency: 'usd',
      signature: await signTerms(deps.secret, { reference, accountId: p.accountId, amountCents: null, currency: 'usd' }),
      successUrl: `${returnUrl(deps, '/account/pay/')}?account=${encodeURIComponent(p.accountId)}&status=autopay-started`,
      cancelUrl: `${returnUrl(deps, '/account/pay/')}?account=${encodeURIComponent(p.accountId)}&status=autopay-cancelled`,
      expiresAt,
    });
  } catch (err) {
    if (!(err instanceof ProcessorUnavailable)) throw err;
    if (customerId) await deps.processor.endAutopay(customerId).catch(() => undefined);
    throw processorUnavailable();
  }
  await db.batch([
    db
      .prepare(`INSERT INTO autopay_enrolments (id, account_id, login_id, status, processor_customer_id, processor_session_id, requested_at) VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6)`)
      .bind(reference, p.accountId, p.loginId, customerId, handOff.sessionId, now.toISOString()),
    auditStatement(db, { event: 'autopay.started', actorLoginId: p.loginId, subjectAccountId: p.accountId, detail: { reference } }),
  ]);
  return { reference, url: handOff.url };
}

export async function endAutopay(deps: PaymentDeps, p: { accountId: string; loginId: string }) {
  const { db, now } = deps;
  const active = await db
    .prepare(`SELECT id, processor_customer_id AS customerId FROM autopay_enrolments WHERE account_id = ?1 AND status = 'active'`)
    .bind(p.accountId)
    .first<{ id: string; customerId: string }>();
  if (!active) throw new ApiError(409, 'autopay_not_active', 'Autopay is not on for that account.');
  try {
    await deps.processor.endAutopay(active.customerId);
  } catch (err) {
    if (err instanceof ProcessorUnavailable) throw processorUnavailable();
    throw err;
  }
  const at = now.toISOString();
  await db.batch([
    // Pending set-ups end too: a page left open in another tab must not switch autopay back on.
    db.prepare(`UPDATE autopay_enrolments SET status = 'cancelled', ended_at = ?2, updated_at = ?2 WHERE account_id = ?1 AND status IN ('active', 'pending')`).bind(p.accountId, at),
    auditStatement(db, { event: 'autopay.ended', actorLoginId: p.loginId, subjectAccountId: p.accountId, detail: { reference: active.id } }),
    noticeStatement(db, p.accountId, p.loginId, paymentNotices.autopayOff({ accountNumber: await accountNumberOf(db, p.accountId), origin: deps.origin })),
  ]);
  return { status: 'autopay-ended' as const };
}
