/**
 * /api/payments: hand-offs to the processor (signed in or not), autopay, paperless, and the
 * processor's webhook. Forms post as plain HTML (303 redirects, messages by code) or JSON.
 * The webhook carries no cookie and no Origin; it is trusted only for what its signature covers.
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-types';
import { accountsOnError, backTo, done, executionContext, isPlainFormPost, readBody } from '../accounts/http';
import { assertAccountRight } from '../auth/account-access';
import { requireLogin } from '../auth/require-login';
import { ensureSteppedUp } from '../auth/step-up';
import { ApiError } from '../http/errors';
import { deliverSoon } from '../mail/deliver';
import { autopayBody, guestLookupBody, guestPayBody, paperlessBody, payBody } from '../shared/payment-forms';
import { formatDollars, paymentBounds } from './amount';
import { endAutopay, startAutopay } from './autopay';
import { orm } from './d1';
import { paymentDeps } from './deps';
import { provenGuestAccount } from './guest';
import { guestConfirmPage } from './pages';
import { setPaperlessStatements } from './paperless';
import { startPayment } from './intents';
import { WebhookNotVerified } from './processor';
import { applyProcessorEvent } from './webhook';

/** A hand-off: a plain form goes straight to the processor's page; a script gets the URL. */
function handOff(c: Context<AppEnv>, url: string, reference: string) {
  c.header('Cache-Control', 'no-store');
  if (isPlainFormPost(c)) return c.redirect(url, 303);
  return c.json({ status: 'hand-off', redirect: url, reference });
}

const accountPage = (accountId: string) => `/account/pay/?account=${encodeURIComponent(accountId)}`;

/** The right to pay, and for changes to the account's arrangements (autopay, paperless) the manage right too. */
async function assertMayArrange(c: Context<AppEnv>, accountId: string) {
  const db = orm(c.env.DB);
  await assertAccountRight(db, c.var.login.id, accountId, 'pay');
  await assertAccountRight(db, c.var.login.id, accountId, 'manage');
}

/**
 * Autopay is a payment setting: starting or ending it needs a fresh proof (worker/auth/step-up.ts),
 * asked only of a caller who may arrange the account, so others learn nothing from the answer.
 */
async function assertMayChangeAutopay(c: Context<AppEnv>, accountId: string) {
  await assertMayArrange(c, accountId);
  await ensureSteppedUp({ db: orm(c.env.DB), now: new Date() }, c.var.login, { returnTo: accountPage(accountId) });
}

export const paymentsApi = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  })
  .post('/checkout', requireLogin, async (c) => {
    backTo(c, '/account/pay/');
    const body = await readBody(c, payBody);
    backTo(c, accountPage(body.account));
    await assertAccountRight(orm(c.env.DB), c.var.login.id, body.account, 'pay');
    const started = await startPayment(await paymentDeps(c), { accountId: body.account, loginId: c.var.login.id, amountCents: body.amount });
    return handOff(c, started.url, started.reference);
  })
  .post('/guest/lookup', async (c) => {
    backTo(c, '/pay/');
    const body = await readBody(c, guestLookupBody);
    const found = await provenGuestAccount(await paymentDeps(c), body, 'lookup');
    const bounds = paymentBounds(found.amountDueCents);
    if (isPlainFormPost(c)) return guestConfirmPage(c, { ...body, amountDueCents: found.amountDueCents, bounds });
    return c.json({ amountDueCents: found.amountDueCents, amountDue: formatDollars(found.amountDueCents), minCents: bounds.minCents, maxCents: bounds.maxCents });
  })
  .post('/guest/checkout', async (c) => {
    backTo(c, '/pay/');
    const body = await readBody(c, guestPayBody);
    const deps = await paymentDeps(c);
    const found = await provenGuestAccount(deps, body, 'pay');
    const started = await startPayment(deps, { accountId: found.accountId, loginId: null, amountCents: body.amount });
    return handOff(c, started.url, started.reference);
  })
  .post('/autopay', requireLogin, async (c) => {
    backTo(c, '/account/pay/');
    const body = await readBody(c, autopayBody);
    backTo(c, accountPage(body.account));
    await assertMayChangeAutopay(c, body.account);
    const started = await startAutopay(await paymentDeps(c), { accountId: body.account, loginId: c.var.login.id });
    return handOff(c, started.url, started.reference);
  })
  .post('/autopay/end', requireLogin, async (c) => {
    backTo(c, '/account/pay/');
    const body = await readBody(c, autopayBody);
    backTo(c, accountPage(body.account));
    await assertMayChangeAutopay(c, body.account);
    const result = await endAutopay(await paymentDeps(c), { accountId: body.account, loginId: c.var.login.id });
    deliverSoon(executionContext(c), c.env, orm(c.env.DB));
    return done(c, accountPage(body.account), result.status);
  })
  .post('/paperless', requireLogin, async (c) => {
    backTo(c, '/account/pay/');
    const body = await readBody(c, paperlessBody);
    backTo(c, accountPage(body.account));
    await assertMayArrange(c, body.account);
    const on = body.paperless === 'on';
    await c.env.DB.batch(setPaperlessStatements(c.env.DB, { accountId: body.account, loginId: c.var.login.id, paperless: on, now: new Date() }));
    return done(c, accountPage(body.account), on ? 'paperless-on' : 'paperless-off');
  })
  .post('/webhook', async (c) => {
    const raw = new TextDecoder().decode(await c.req.arrayBuffer());
    const deps = await paymentDeps(c);
    let event;
    try {
      event = await deps.processor.verifyEvent(raw, c.req.header('stripe-signature'), deps.now);
    } catch (err) {
      if (!(err instanceof WebhookNotVerified)) throw err;
      // Nothing is written for an unverified request, so anyone may try without filling a table.
      throw new ApiError(400, err.message === 'too_old' ? 'event_too_old' : 'signature_invalid', 'The event is not signed by the payment processor, or was signed too long ago.');
    }
    if (!event || typeof event.id !== 'string' || typeof event.type !== 'string' || !Number.isSafeInteger(event.created) || typeof event.data?.object !== 'object' || event.data.object === null) {
      throw new ApiError(400, 'event_malformed', 'The event has no id, type, creation time or object.');
    }
    const outcome = await applyProcessorEvent(deps, event);
    if (outcome === 'applied') deliverSoon(executionContext(c), c.env, orm(c.env.DB));
    return c.json({ received: true, outcome });
  });

paymentsApi.onError(accountsOnError);
