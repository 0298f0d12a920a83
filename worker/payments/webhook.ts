/**
 * What a verified processor event does. The signature was checked before this runs
 * (processor.verifyEvent); here each event is applied at most once and only when it matches, field
 * for field, what the portal signed when it started the payment: the session id it was given, the
 * reference, the account, the amount and the currency, and the portal's own signature over them.
 * An event that passes Stripe's signature but not these checks is refused and audited: it would
 * mean a session the portal did not create, or one changed after it was created.
 */
import type Stripe from 'stripe';
import { failPortalPayment, recordPortalPayment } from '../billing/portal-payments';
import { ApiError } from '../http/errors';
import { auditStatement } from './d1';
import type { PaymentDeps } from './deps';
import { termsSignatureValid } from './intent-signature';
import { accountNumberOf, noticeStatement, paymentNotices } from './mails';
import { metadataKeys } from './processor';
import { isAutopayReference, isPaymentReference } from './references';

export type EventOutcome = 'applied' | 'ignored' | 'duplicate';

type Intent = { id: string; account_id: string; login_id: string | null; amount_cents: number; currency: string; status: string; processor_session_id: string | null };
type Enrolment = { id: string; account_id: string; login_id: string | null; status: string; processor_session_id: string | null; processor_customer_id: string };

const sessionEvents = new Set(['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed', 'checkout.session.expired']);

export class EventRefused extends ApiError {
  constructor(readonly reason: string) {
    super(422, 'event_refused', 'The event does not match a payment the portal started.');
  }
}

function eventRow(db: D1Database, event: Stripe.Event, outcome: 'applied' | 'ignored', reference: string | null, accountId: string | null, now: Date) {
  // A plain INSERT: a concurrent delivery of the same event makes one of the two batches fail whole.
  return db
    .prepare(`INSERT INTO processor_events (event_id, type, reference, account_id, outcome, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)`)
    .bind(event.id, event.type, reference, accountId, outcome, now.toISOString());
}

async function seen(db: D1Database, eventId: string) {
  return (await db.prepare('SELECT 1 AS x FROM processor_events WHERE event_id = ?1').bind(eventId).first()) !== null;
}

async function refuse(deps: PaymentDeps, event: Stripe.Event, reason: string, accountId: string | null): Promise<never> {
  await auditStatement(deps.db, { event: 'payment.webhook_refused', subjectAccountId: accountId, detail: { reason, type: event.type, eventId: event.id } }).run();
  console.warn(JSON.stringify({ level: 'warn', event: 'payment.webhook_refused', reason }));
  throw new EventRefused(reason);
}

/** The checks every session event must pass against the portal's own record. */
async function checkSession(deps: PaymentDeps, event: Stripe.Event, session: Stripe.Checkout.Session, record: { id: string; account_id: string; processor_session_id: string | null }, amountCents: number | null, currency: string) {
  const meta = session.metadata ?? {};
  if (deps.live && !event.livemode) await refuse(deps, event, 'test_mode_event', record.account_id);
  if (!record.processor_session_id || session.id !== record.processor_session_id) await refuse(deps, event, 'session_mismatch', record.account_id);
  if (meta[metadataKeys.reference] !== record.id) await refuse(deps, event, 'reference_mismatch', record.account_id);
  if (meta[metadataKeys.account] !== record.account_id) await refuse(deps, event, 'account_mismatch', record.account_id);
  if ((session.currency ?? '').toLowerCase() !== currency) await refuse(deps, event, 'currency_mismatch', record.account_id);
  if (amountCents !== null && session.amount_total !== amountCents) await refuse(deps, event, 'amount_mismatch', record.account_id);
  const signed = await termsSignatureValid(deps.secret, { reference: record.id, accountId: record.account_id, amountCents, currency }, meta[metadataKeys.signature]);
  if (!signed) await refuse(deps, event, 'signature_mismatch', record.account_id);
}

async function applyPaymentEvent(deps: PaymentDeps, event: Stripe.Event, session: Stripe.Checkout.Session, reference: string): Promise<EventOutcome> {
  const { db, now } = deps;
  const intent = await db.prepare('SELECT * FROM payment_intents WHERE id = ?1').bind(reference).first<Intent>();
  if (!intent) return refuse(deps, event, 'unknown_reference', null);
  if (session.mode !== 'payment') return refuse(deps, event, 'mode_mismatch', intent.account_id);
  await checkSession(deps, event, session, intent, intent.amount_cents, intent.currency);

  const at = now.toISOString();
  const paidAt = new Date(event.created * 1000);
  const paymentId = typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);
  const method = session.payment_status === 'paid' && event.type === 'checkout.session.completed' ? 'card' : 'bank';
  const accountNumber = await accountNumberOf(db, intent.account_id);
  const markPaid = () => [
    db
      .prepare(`UPDATE payment_intents SET status = 'paid', processor_payment_id = ?2, completed_at = ?3, updated_at = ?3 WHERE id = ?1 AND status IN ('open', 'processing')`)
      .bind(intent.id, paymentId, at),
    recordPortalPayment(db, { portalPaymentId: intent.id, accountId: intent.account_id, amountCents: intent.amount_cents, method, paidAt, timeZone: deps.timeZone }),
    auditStatement(db, { event: 'payment.confirmed', actorLoginId: intent.login_id, subjectAccountId: intent.account_id, detail: { reference: intent.id, amountCents: intent.amount_cents } }),
    // A payment made without signing in gets the processor's receipt only: the portal knows no address for the payer.
    ...(intent.login_id
      ? [noticeStatement(db, intent.account_id, intent.login_id, paymentNotices.paymentReceived({ accountNumber, amountCents: intent.amount_cents, paidAt, reference: intent.id, origin: deps.origin }))]
      : []),
  ];

  let effects: D1PreparedStatement[] = [];
  const open = intent.status === 'open' || intent.status === 'processing';
  if (event.type === 'checkout.session.completed' && session.payment_status === 'paid' && open) effects = markPaid();
  else if (event.type === 'checkout.session.completed' && session.payment_status === 'unpaid' && intent.status === 'open') {
    // A bank debit: the customer finished, the money has not arrived. The ledger waits for the outcome.
    effects = [db.prepare(`UPDATE payment_intents SET status = 'processing', processor_payment_id = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'open'`).bind(intent.id, paymentId, at)];
  } else if (event.type === 'checkout.session.async_payment_succeeded' && open) effects = markPaid();
  else if (event.type === 'checkout.session.async_payment_failed' && open) {
    effects = [
      db.prepare(`UPDATE payment_intents SET status = 'failed', completed_at = ?2, updated_at = ?2 WHERE id = ?1 AND status IN ('open', 'processing')`).bind(intent.id, at),
      failPortalPayment(db, intent.id),
      auditStatement(db, { event: 'payment.failed', actorLoginId: intent.login_id, subjectAccountId: intent.account_id, detail: { reference: intent.id } }),
    ];
  } else if (event.type === 'checkout.session.expired' && intent.status === 'open') {
    effects = [db.prepare(`UPDATE payment_intents SET status = 'expired', updated_at = ?2 WHERE id = ?1 AND status = 'open'`).bind(intent.id, at)];
  }
  // A second, different event for a payment already settled (paid twice is impossible): recorded, nothing changes.
  const outcome = effects.length ? 'applied' : 'ignored';
  await db.batch([eventRow(db, event, outcome, intent.id, intent.account_id, now), ...effects]);
  return outcome;
}

async function applyAutopayEvent(deps: PaymentDeps, event: Stripe.Event, session: Stripe.Checkout.Session, reference: string): Promise<EventOutcome> {
  const { db, now } = deps;
  const enrolment = await db.prepare('SELECT * FROM autopay_enrolments WHERE id = ?1').bind(reference).first<Enrolment>();
  if (!enrolment) return refuse(deps, event, 'unknown_reference', null);
  if (session.mode !== 'setup') return refuse(deps, event, 'mode_mismatch', enrolment.account_id);
  await checkSession(deps, event, session, enrolment, null, 'usd');
  const customer = typeof session.customer === 'string' ? session.customer : (session.customer?.id ?? null);
  if (customer !== enrolment.processor_customer_id) return refuse(deps, event, 'customer_mismatch', enrolment.account_id);

  const at = now.toISOString();
  let effects: D1PreparedStatement[] = [];
  if (event.type === 'checkout.session.completed' && enrolment.status === 'pending') {
    const setupId = typeof session.setup_intent === 'string' ? session.setup_intent : (session.setup_intent?.id ?? null);
    effects = [
      // The enrolment it replaces ends first, so the one-active index holds inside the batch.
      db.prepare(`UPDATE autopay_enrolments SET status = 'cancelled', ended_at = ?2, updated_at = ?2 WHERE account_id = ?1 AND status = 'active'`).bind(enrolment.account_id, at),
      db
        .prepare(`UPDATE autopay_enrolments SET status = 'active', processor_setup_id = ?2, activated_at = ?3, updated_at = ?3 WHERE id = ?1 AND status = 'pending'`)
        .bind(enrolment.id, setupId, at),
      auditStatement(db, { event: 'autopay.activated', actorLoginId: enrolment.login_id, subjectAccountId: enrolment.account_id, detail: { reference: enrolment.id } }),
      noticeStatement(db, enrolment.account_id, enrolment.login_id, paymentNotices.autopayOn({ accountNumber: await accountNumberOf(db, enrolment.account_id), origin: deps.origin })),
    ];
  } else if (event.type === 'checkout.session.expired' && enrolment.status === 'pending') {
    effects = [db.prepare(`UPDATE autopay_enrolments SET status = 'failed', ended_at = ?2, updated_at = ?2 WHERE id = ?1 AND status = 'pending'`).bind(enrolment.id, at)];
  } else if (event.type === 'checkout.session.completed' && (enrolment.status === 'cancelled' || enrolment.status === 'failed')) {
    // Saved after the customer turned autopay off (a page left open): remove the method at the processor again.
    await deps.processor.endAutopay(enrolment.processor_customer_id).catch(() => undefined);
  }
  const outcome = effects.length ? 'applied' : 'ignored';
  await db.batch([eventRow(db, event, outcome, enrolment.id, enrolment.account_id, now), ...effects]);
  return outcome;
}

/** Applies one verified event, once. A redelivery (same event id) answers 'duplicate' and writes nothing. */
export async function applyProcessorEvent(deps: PaymentDeps, event: Stripe.Event): Promise<EventOutcome> {
  if (await seen(deps.db, event.id)) return 'duplicate';
  try {
    if (sessionEvents.has(event.type)) {
      const session = event.data.object as Stripe.Checkout.Session;
      const reference = session.client_reference_id;
      if (isPaymentReference(reference)) return await applyPaymentEvent(deps, event, session, reference);
      if (isAutopayReference(reference)) return await applyAutopayEvent(deps, event, session, reference);
    }
    // Events the portal does not act on (and sessions of other integrations on the same account) are acknowledged, not retried.
    await eventRow(deps.db, event, 'ignored', null, null, deps.now).run();
    return 'ignored';
  } catch (err) {
    // Lost a race with a concurrent delivery of the same event: its batch won, ours changed nothing.
    if (!(err instanceof ApiError) && (await seen(deps.db, event.id))) return 'duplicate';
    throw err;
  }
}
