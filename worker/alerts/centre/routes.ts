/**
 * /api/alerts: the customer's alert centre. Every route needs a signed-in login; an alert is seen
 * and answered through the usage right on its account (404 otherwise, as for no such alert), and
 * thresholds need the manage right. Plain HTML forms get a 303 back to their page with a message
 * code; JSON clients get JSON.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { accountsOnError, backTo, done, readBody } from '../../accounts/http';
import { requireLogin } from '../../auth/require-login';
import { ApiError } from '../../http/errors';
import { validate } from '../../http/validate';
import { meterContext } from '../../usage/meters';
import { alertActionBody, alertAnswerBody, alertIdParam, alertSettingsBody, alertSettingsQuery } from '../../shared/alert-forms';
import { readSettings, saveSettings, settingsAccountId } from './settings';
import { usageShards } from '../../usage/shards';
import { alertDetail, alertForViewer, alertsFor, answerAlert, recordAction, utilityToday } from './store';

const alertPage = (id: string) => `/account/alerts/alert/?id=${encodeURIComponent(id)}`;

async function viewable(c: Context<AppEnv>, alertId: string) {
  const db = drizzle(c.env.DB);
  const alert = await alertForViewer(db, c.env.DB, c.var.login.id, alertId);
  const meter = await meterContext(db, alert.meterId, alert.accountId);
  if (!meter) throw new ApiError(404, 'not_found', 'No such alert.');
  return { db, alert, meter };
}

export const alertsCentre = new Hono<AppEnv>()
  .use(requireLogin)
  .use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  })
  .get('/', async (c) => c.json({ alerts: await alertsFor(drizzle(c.env.DB), c.env.DB, c.var.login.id) }))
  .get('/settings', validate('query', alertSettingsQuery), async (c) => {
    const accountId = await settingsAccountId(c.env.DB, c.var.login.id, c.req.valid('query').account);
    if (!accountId) throw new ApiError(404, 'not_found', 'No account whose alerts you may manage.');
    return c.json(await readSettings(drizzle(c.env.DB), c.env.DB, c.var.login.id, accountId));
  })
  .post('/settings', async (c) => {
    backTo(c, '/account/alerts/settings/');
    const body = await readBody(c, alertSettingsBody);
    const page = `/account/alerts/settings/?account=${encodeURIComponent(body.account)}`;
    backTo(c, page);
    const result = await saveSettings(drizzle(c.env.DB), c.env.DB, c.var.login.id, body);
    return done(c, page, result.status);
  })
  .get('/:alertId', validate('param', alertIdParam), async (c) => {
    const { db, alert } = await viewable(c, c.req.valid('param').alertId);
    return c.json(await alertDetail(db, c.env.DB, usageShards(c.env), c.var.login.id, alert));
  })
  .post('/:alertId/answer', validate('param', alertIdParam), async (c) => {
    const { alertId } = c.req.valid('param');
    backTo(c, alertPage(alertId));
    const body = await readBody(c, alertAnswerBody);
    const { alert, meter } = await viewable(c, alertId);
    const result = await answerAlert(c.env.DB, c.var.login.id, alert, body, meter.timeZone);
    return done(c, alertPage(alertId), result.status, { closed: result.closed, supportItem: result.supportItemId !== null });
  })
  .post('/:alertId/actions', validate('param', alertIdParam), async (c) => {
    const { alertId } = c.req.valid('param');
    backTo(c, alertPage(alertId));
    const body = await readBody(c, alertActionBody);
    const { alert, meter } = await viewable(c, alertId);
    const result = await recordAction(c.env.DB, c.var.login.id, alert, meter.kind, body, utilityToday(meter.timeZone, new Date()));
    return done(c, alertPage(alertId), result.status, { takenOn: result.takenOn });
  });

alertsCentre.onError(accountsOnError);
