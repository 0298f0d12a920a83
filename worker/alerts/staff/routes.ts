/**
 * /api/staff/alerts: what staff see of alerts.
 * - counts: de-identified counts by type, area and answer for an ended month; every staff role.
 * - help: the support queue of "I need help" answers (no identities in the list), one item (a
 *   logged look-up), closing it; and a customer's alert history by account number (logged).
 *   Support agents and administrators: the privacy officer works privacy requests, not this queue.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../app-types';
import { requireLogin, requireRole } from '../../auth/require-login';
import { ApiError, invalidRequest } from '../../http/errors';
import { validate } from '../../http/validate';
import { isFormPost, parseBody, problemQuery } from '../../requests/form-io';
import { customerAlertsQuery, staffCountsQuery, supportCloseBody, supportItemParam, supportQueueQuery } from '../../shared/alert-forms';
import { utility } from '../../tenants/scope';
import { countableMonths, isCountableMonth, monthCounts } from './counts';
import { closeSupportItem, customerAlerts, openSupportItem, supportQueue } from './support';

/** Every staff role sees de-identified counts. */
export const countRoles = requireRole('support', 'privacy_officer', 'admin');
/** Who works the support queue and may look up one customer's alerts. */
export const supportRoles = requireRole('support', 'admin');

/** The month asked for, or the last ended one; 422 for a month that has not ended or is too old. */
export function countsMonth(asked: string | undefined, now = new Date()): string {
  if (asked === undefined) return countableMonths(utility().timeZone, now)[0]!;
  if (!isCountableMonth(asked, utility().timeZone, now)) throw invalidRequest([{ field: 'month', message: 'Choose one of the last 24 months that have ended.' }]);
  return asked;
}

const staffOf = (c: Context<AppEnv>) => ({ id: c.var.login.id, role: c.var.login.role });

export const staffAlerts = new Hono<AppEnv>()
  .use(requireLogin)
  .use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store, private');
  })
  .get('/counts', countRoles, validate('query', staffCountsQuery), async (c) => {
    const month = countsMonth(c.req.valid('query').month);
    return c.json({ ...(await monthCounts(c.env.DB, month)), months: countableMonths(utility().timeZone) });
  })
  .get('/help', supportRoles, validate('query', supportQueueQuery), async (c) => c.json(await supportQueue(c.env.DB, c.req.valid('query').status)))
  .get('/help/:id', supportRoles, validate('param', supportItemParam), async (c) => c.json(await openSupportItem(drizzle(c.env.DB), c.env.DB, staffOf(c), c.req.valid('param').id)))
  .post('/help/:id/close', supportRoles, validate('param', supportItemParam), async (c) => {
    const { id } = c.req.valid('param');
    const page = `/staff/alerts/help/?id=${encodeURIComponent(id)}`;
    try {
      const { note } = await parseBody(c, supportCloseBody);
      const result = await closeSupportItem(c.env.DB, staffOf(c), id, note);
      if (isFormPost(c)) return c.redirect(`${page}&done=closed`, 303);
      return c.json(result);
    } catch (e) {
      if (isFormPost(c) && e instanceof ApiError) return c.redirect(`${page}&${problemQuery(e.code, e.fields)}`, 303);
      throw e;
    }
  })
  .get('/customer', supportRoles, validate('query', customerAlertsQuery), async (c) => c.json(await customerAlerts(drizzle(c.env.DB), c.env.DB, staffOf(c), c.req.valid('query').accountNumber)));
