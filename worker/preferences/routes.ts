/**
 * /api/preferences (signed in, the manage right on the account): read and save what goes where,
 * add, remove and re-invite recipients.
 * /api/subscriptions (no sign-in): alert sign-up with the account proof, confirming an address
 * from its message, and unsubscribing from a link in a message (the RFC 8058 one-click POST goes
 * to /unsubscribe/<token>, pages.ts).
 *
 * Every form works as a plain HTML post (answered with a 303 and a message code) or from the
 * page's script asking for JSON, as the account forms do.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-types';
import { accountDeps, accountsOnError, backTo, done, executionContext } from '../accounts/http';
import { ensureSteppedUp } from '../auth/step-up';
import { profileAccountId } from '../accounts/profile';
import { requireLogin } from '../auth/require-login';
import { isFormBody, readFormOrJson } from '../http/body';
import { ApiError } from '../http/errors';
import { deliverSoon } from '../mail/deliver';
import { addRecipientBody, codeBody, recipientActionBody, savePreferencesBody, signUpBody } from '../shared/preference-forms';
import { deliverQueuedSms } from '../alerts/delivery/sms-outbox';
import { readPreferences, savePreferences } from './preferences';
import { addRecipient, confirmRecipient, removeRecipient, resendConfirmation, signUpForAlerts } from './recipients';
import { unsubscribe } from './unsubscribe';


/**
 * Mail queued by the request leaves once the response is sent; a text is handed to the provider
 * before answering (one API call, on the rare requests that text: an invitation, a sign-up), so the
 * answer comes after everything the request does.
 */
async function sendSoon(c: Context<AppEnv>) {
  const db = drizzle(c.env.DB);
  deliverSoon(executionContext(c), c.env, db);
  await deliverQueuedSms(c.env, db).catch(() => undefined);
}

const page = (account: string) => `/account/preferences/?account=${encodeURIComponent(account)}`;

/**
 * Where a refused plain form goes back to: the preferences page of the account the form named
 * (read before validation, so a refusal returns to the same account), else the default one.
 */
async function backToPreferences(c: Context<AppEnv>) {
  const form = isFormBody(c) ? await c.req.parseBody() : {};
  const account = typeof form.account === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(form.account) ? form.account : null;
  backTo(c, account ? page(account) : '/account/preferences/');
}

export const preferencesApi = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  })
  .get('/', requireLogin, async (c) => {
    const deps = await accountDeps(c);
    const accountId = await profileAccountId(deps, c.var.login.id, c.req.query('account'));
    if (!accountId) throw new ApiError(404, 'not_found', 'No account you may manage.');
    return c.json(await readPreferences(deps, c.var.login.id, accountId));
  })
  .post('/', requireLogin, async (c) => {
    await backToPreferences(c);
    const body = await readFormOrJson(c, savePreferencesBody);
    const result = await savePreferences(await accountDeps(c), c.var.login.id, body);
    return done(c, page(body.account), result.status);
  })
  .post('/recipients', requireLogin, async (c) => {
    await backToPreferences(c);
    const body = await readFormOrJson(c, addRecipientBody);
    const deps = await accountDeps(c);
    // Step-up (worker/auth/step-up.ts): a new recipient will hear when water runs at the home all
    // night or stops, which says when it is empty; it is the closest thing to adding a delegate.
    await ensureSteppedUp(deps, c.var.login, { returnTo: null });
    const result = await addRecipient(deps, c.var.login.id, body);
    await sendSoon(c);
    return done(c, page(body.account), result.status, { recipient: result.recipient });
  })
  .post('/recipients/remove', requireLogin, async (c) => {
    await backToPreferences(c);
    const body = await readFormOrJson(c, recipientActionBody);
    const result = await removeRecipient(await accountDeps(c), c.var.login.id, body);
    return done(c, page(body.account), result.status);
  })
  .post('/recipients/resend', requireLogin, async (c) => {
    await backToPreferences(c);
    const body = await readFormOrJson(c, recipientActionBody);
    const result = await resendConfirmation(await accountDeps(c), c.var.login.id, body);
    await sendSoon(c);
    return done(c, page(body.account), result.status);
  });

preferencesApi.onError(accountsOnError);

export const subscriptionsApi = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  })
  .post('/sign-up', async (c) => {
    backTo(c, '/alerts/sign-up/');
    const deps = await accountDeps(c);
    const result = await signUpForAlerts(deps, await readFormOrJson(c, signUpBody));
    await sendSoon(c);
    return done(c, '/alerts/sign-up/', result.status);
  })
  .post('/confirm', async (c) => {
    backTo(c, '/alerts/confirm/');
    const { code } = await readFormOrJson(c, codeBody);
    const result = await confirmRecipient(await accountDeps(c), code);
    return done(c, '/alerts/confirm/', result.status);
  })
  .post('/unsubscribe', async (c) => {
    backTo(c, '/unsubscribe/');
    const { code } = await readFormOrJson(c, codeBody);
    const result = await unsubscribe(await accountDeps(c), code, 'link');
    return done(c, '/unsubscribe/', result.status, { topic: result.topic, masked: result.masked });
  });

subscriptionsApi.onError(accountsOnError);
