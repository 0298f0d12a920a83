/**
 * /api/services: a holder asks to stop or move service (signed in, with a fresh proof: stopping the
 * water is the last thing a stolen session should do) and withdraws an open request; a newcomer asks
 * to start service without a login. /api/staff/services: support staff confirm or refuse. Every
 * form works as a plain HTML post (303 with a message code) or as JSON.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-types';
import { accountDeps, accountsOnError, backTo, done, executionContext } from '../accounts/http';
import { requireLogin, requireRole } from '../auth/require-login';
import { ensureSteppedUp } from '../auth/step-up';
import { deliverSoon } from '../mail/deliver';
import { readFormOrJson } from '../http/body';
import { moveServiceBody, refuseServiceBody, serviceRequestIdBody, startServiceBody, stopServiceBody } from '../shared/service-request-forms';
import { askToStart, askToStopOrMove, confirmRequest, customerRequests, openRequests, refuseRequest, withdrawRequest } from './requests';

export const SERVICES_PAGE = '/account/services/';
export const START_PAGE = '/services/start/';
export const STAFF_SERVICES_PAGE = '/staff/services/';

const sendSoon = (c: Context<AppEnv>) => deliverSoon(executionContext(c), c.env, drizzle(c.env.DB));
const noStore = async (c: Context<AppEnv>, next: () => Promise<void>) => {
  await next();
  c.header('Cache-Control', 'no-store, private');
};

/** A stop or a move: the holder's request, after a fresh proof. */
const stopOrMove = (kind: 'stop' | 'move', schema: typeof stopServiceBody | typeof moveServiceBody) => async (c: Context<AppEnv>) => {
  backTo(c, SERVICES_PAGE);
  const body = await readFormOrJson(c, schema);
  const deps = await accountDeps(c);
  await ensureSteppedUp(deps, c.var.login, { returnTo: SERVICES_PAGE });
  const result = await askToStopOrMove(deps, c.var.login.id, kind, body);
  sendSoon(c);
  return done(c, SERVICES_PAGE, result.status, { request: result.request });
};

export const servicesApi = new Hono<AppEnv>()
  .use('*', noStore)
  .post('/start', async (c) => {
    backTo(c, START_PAGE);
    const result = await askToStart(await accountDeps(c), await readFormOrJson(c, startServiceBody));
    sendSoon(c);
    return done(c, START_PAGE, result.status);
  })
  .use('*', requireLogin)
  .get('/', async (c) => c.json({ requests: (await customerRequests(await accountDeps(c), c.var.login.id)).map(({ r, street }) => ({ ...r, street, contactEmail: undefined, contactPhone: undefined, contactName: undefined })) }))
  .post('/stop', stopOrMove('stop', stopServiceBody))
  .post('/move', stopOrMove('move', moveServiceBody))
  .post('/withdraw', async (c) => {
    backTo(c, SERVICES_PAGE);
    const { request } = await readFormOrJson(c, serviceRequestIdBody);
    const result = await withdrawRequest(await accountDeps(c), c.var.login.id, request);
    return done(c, SERVICES_PAGE, result.status);
  });
servicesApi.onError(accountsOnError);

/** Support agents and administrators work the queue (every decision audited). */
const serviceStaff = requireRole('support', 'admin');

export const staffServicesApi = new Hono<AppEnv>()
  .use('*', noStore)
  .use('*', requireLogin)
  .use('*', serviceStaff)
  .get('/', async (c) => c.json({ requests: await openRequests({ db: drizzle(c.env.DB) }) }))
  .post('/confirm', async (c) => {
    backTo(c, STAFF_SERVICES_PAGE);
    const { request } = await readFormOrJson(c, serviceRequestIdBody);
    const result = await confirmRequest(await accountDeps(c), c.var.login.id, request);
    sendSoon(c);
    return done(c, STAFF_SERVICES_PAGE, result.status);
  })
  .post('/refuse', async (c) => {
    backTo(c, STAFF_SERVICES_PAGE);
    const { request, reason } = await readFormOrJson(c, refuseServiceBody);
    const result = await refuseRequest(await accountDeps(c), c.var.login.id, request, reason);
    sendSoon(c);
    return done(c, STAFF_SERVICES_PAGE, result.status);
  });
staffServicesApi.onError(accountsOnError);
