/**
 * /api/sharing (signed in): who may see an account and what they may do there, and every release
 * of its data outside the utility (the disclosure log). Holders invite, change and end; a delegate
 * may leave; anyone signed in may accept an invitation whose code they hold (the code goes in the
 * body, never the URL), and someone without a login may create one with it. Every form works as a plain HTML post (303 with a message code) or as JSON.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-types';
import { accountDeps, accountsOnError, backTo, done, executionContext } from '../accounts/http';
import { requireLogin } from '../auth/require-login';
import { ensureSteppedUp } from '../auth/step-up';
import { isFormBody } from '../http/body';
import { deliverSoon } from '../mail/deliver';
import { readFormOrJson } from '../http/body';
import { acceptInvitationBody, delegateActionBody, delegateRightsBody, invitationActionBody, inviteDelegateBody, leaveAccountBody, registerByInvitationBody } from '../shared/sharing-forms';
import { acceptInvitation, accountSharing, endDelegate, inviteDelegate, leaveAccount, registerAndAccept, updateDelegate, withdrawInvitation } from './delegates';
import { disclosureLog } from './disclosures';
import { sharingAccounts } from './overview';

export const SHARING_PAGE = '/account/sharing/';
export const ACCEPT_PAGE = '/account/sharing/accept/';
export const sharingPageFor = (account: string) => `${SHARING_PAGE}?account=${encodeURIComponent(account)}`;

/** A refused plain form goes back to the sharing page of the account it named. */
async function backToSharing(c: Context<AppEnv>) {
  const form = isFormBody(c) ? await c.req.parseBody() : {};
  const account = typeof form.account === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(form.account) ? form.account : null;
  backTo(c, account ? sharingPageFor(account) : SHARING_PAGE);
}

const sendSoon = (c: Context<AppEnv>) => deliverSoon(executionContext(c), c.env, drizzle(c.env.DB));

export const sharingApi = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  })
  /** Someone invited without a login creates one as they accept; they then sign in. */
  .post('/invitations/register', async (c) => {
    backTo(c, ACCEPT_PAGE);
    const body = await readFormOrJson(c, registerByInvitationBody);
    const result = await registerAndAccept(await accountDeps(c), body);
    sendSoon(c);
    return done(c, '/login/', result.status);
  })
  .use('*', requireLogin)
  /** The accounts the login holds or was given, with its rights on each. */
  .get('/', async (c) => c.json({ accounts: await sharingAccounts(await accountDeps(c), c.var.login.id) }))
  /** A held account's people, open invitations and disclosure log (holder only; 404 otherwise). */
  .get('/accounts/:account', async (c) => {
    const deps = await accountDeps(c);
    const sharing = await accountSharing(deps, c.var.login.id, c.req.param('account'));
    return c.json({ ...sharing, disclosures: await disclosureLog(deps.db, sharing.account) });
  })
  .post('/invitations', async (c) => {
    await backToSharing(c);
    const body = await readFormOrJson(c, inviteDelegateBody);
    const deps = await accountDeps(c);
    // Step-up (worker/auth/step-up.ts): a delegate will see the household's use, and so when it is away.
    await ensureSteppedUp(deps, c.var.login, { returnTo: sharingPageFor(body.account) });
    const result = await inviteDelegate(deps, c.var.login.id, body);
    sendSoon(c);
    return done(c, sharingPageFor(body.account), result.status, { invitation: result.invitation });
  })
  .post('/invitations/withdraw', async (c) => {
    await backToSharing(c);
    const body = await readFormOrJson(c, invitationActionBody);
    const result = await withdrawInvitation(await accountDeps(c), c.var.login.id, body);
    sendSoon(c);
    return done(c, sharingPageFor(body.account), result.status);
  })
  .post('/invitations/accept', async (c) => {
    backTo(c, ACCEPT_PAGE);
    const { code } = await readFormOrJson(c, acceptInvitationBody);
    const result = await acceptInvitation(await accountDeps(c), c.var.login.id, code);
    sendSoon(c);
    return done(c, sharingPageFor(result.account), result.status, { account: result.account });
  })
  .post('/delegates', async (c) => {
    await backToSharing(c);
    const body = await readFormOrJson(c, delegateRightsBody);
    const deps = await accountDeps(c);
    await ensureSteppedUp(deps, c.var.login, { returnTo: sharingPageFor(body.account) });
    const result = await updateDelegate(deps, c.var.login.id, body);
    sendSoon(c);
    return done(c, sharingPageFor(body.account), result.status);
  })
  .post('/delegates/end', async (c) => {
    await backToSharing(c);
    const body = await readFormOrJson(c, delegateActionBody);
    const result = await endDelegate(await accountDeps(c), c.var.login.id, body);
    sendSoon(c);
    return done(c, sharingPageFor(body.account), result.status);
  })
  .post('/leave', async (c) => {
    backTo(c, SHARING_PAGE);
    const body = await readFormOrJson(c, leaveAccountBody);
    const result = await leaveAccount(await accountDeps(c), c.var.login.id, body);
    sendSoon(c);
    return done(c, SHARING_PAGE, result.status);
  });

sharingApi.onError(accountsOnError);

