/**
 * The billing API for signed-in customers (the pages fill the same data in on the server, see
 * ./pages.ts). Every route checks the caller's billing right on the account the data belongs to,
 * and answers 404 for another customer's account or bill exactly as for a missing one.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-types';
import { requireLogin } from '../auth/require-login';
import { validate } from '../http/validate';
import { assertBillingRight } from './access';
import { listBills } from './bills';
import { billView } from './detail';
import { billDocumentResponse } from './documents';
import { listAdjustments, listPayments } from './history';
import { billingOverview } from './overview';
import { usageShards } from '../usage/shards';
import { pageQuery } from './paging';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'is not an id');
const accountParam = z.object({ accountId: id });
const billParam = z.object({ billId: id });
const noStore = { 'Cache-Control': 'private, no-store' };

export const billingApi = new Hono<AppEnv>()
  .use(requireLogin)
  .get('/overview', async (c) => c.json({ accounts: await billingOverview(c.env.DB, usageShards(c.env), c.var.login.id) }, 200, noStore))
  .get('/accounts/:accountId/bills', validate('param', accountParam), validate('query', pageQuery), async (c) => {
    const { accountId } = c.req.valid('param');
    await assertBillingRight(c.env.DB, c.var.login.id, accountId);
    const { bills, next } = await listBills(c.env.DB, accountId, c.req.valid('query'));
    return c.json({ bills, next }, 200, noStore);
  })
  .get('/accounts/:accountId/payments', validate('param', accountParam), validate('query', pageQuery), async (c) => {
    const { accountId } = c.req.valid('param');
    await assertBillingRight(c.env.DB, c.var.login.id, accountId);
    const { payments, next } = await listPayments(c.env.DB, accountId, c.req.valid('query'));
    return c.json({ payments, next }, 200, noStore);
  })
  .get('/accounts/:accountId/adjustments', validate('param', accountParam), validate('query', pageQuery), async (c) => {
    const { accountId } = c.req.valid('param');
    await assertBillingRight(c.env.DB, c.var.login.id, accountId);
    const { adjustments, next } = await listAdjustments(c.env.DB, accountId, c.req.valid('query'));
    return c.json({ adjustments, next }, 200, noStore);
  })
  .get('/bills/:billId', validate('param', billParam), async (c) => c.json(await billView(c.env.DB, usageShards(c.env), c.var.login.id, c.req.valid('param').billId, c.get('locale')), 200, noStore))
  .get('/bills/:billId/document', validate('param', billParam), async (c) => billDocumentResponse(c.env, c.var.login.id, c.req.valid('param').billId));
