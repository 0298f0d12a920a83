import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-types';
import { auditInsert } from '../audit/log';
import { requireLogin, requireRole } from '../auth/require-login';
import { ApiError } from '../http/errors';
import { validate } from '../http/validate';
import { isFormPost, parseBody, problemQuery } from '../requests/form-io';
import { correctionDecisionSchema, customerLookupSchema, extendSchema, queueQuerySchema, refuseSchema, staffNoteSchema } from '../shared/request-schemas';
import { findCustomer } from './lookup';
import { listQueue } from './queue';
import { requestDetail } from './detail';
import { extendRequest, fulfilRequest, loadRequest, refuseRequest, startWork } from './work';

/** Who may work privacy requests. Support agents may not. */
export const privacyRoles = requireRole('privacy_officer', 'admin');
/** Who may look up a customer (every look-up is logged). */
export const lookupRoles = requireRole('support', 'privacy_officer', 'admin');

/** Runs a staff action; a form post gets a 303 back to the request page with a message. */
async function act(c: Context<AppEnv>, id: string, done: string, action: () => Promise<unknown>) {
  try {
    const result = await action();
    if (isFormPost(c)) return c.redirect(`/staff/request/?id=${encodeURIComponent(id)}&done=${encodeURIComponent(done)}`, 303);
    return c.json({ ok: true, done, result: result ?? null });
  } catch (e) {
    if (isFormPost(c) && e instanceof ApiError) return c.redirect(`/staff/request/?id=${encodeURIComponent(id)}&${problemQuery(e.code, e.fields)}`, 303);
    throw e;
  }
}

/** /api/staff: the staff console's API. Every route needs a staff login; roles decide the rest. */
export const staff = new Hono<AppEnv>()
  .use(requireLogin)
  .get('/requests', privacyRoles, validate('query', queueQuerySchema), async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await listQueue(c.env.DB, c.req.valid('query')));
  })
  .get('/requests/:id', privacyRoles, async (c) => {
    c.header('Cache-Control', 'no-store, private');
    return c.json(await requestDetail(c.env, c.req.param('id'), c.var.login.id));
  })
  .post('/requests/:id/start', privacyRoles, async (c) => {
    const id = c.req.param('id');
    return act(c, id, 'started', async () => startWork(c.env, id, { loginId: c.var.login.id }, (await parseBody(c, staffNoteSchema)).note ?? null));
  })
  .post('/requests/:id/extend', privacyRoles, async (c) => {
    const id = c.req.param('id');
    return act(c, id, 'extended', async () => {
      const body = await parseBody(c, extendSchema);
      return extendRequest(c.env, id, { loginId: c.var.login.id }, body.days, body.reason);
    });
  })
  .post('/requests/:id/refuse', privacyRoles, async (c) => {
    const id = c.req.param('id');
    return act(c, id, 'refused', async () => refuseRequest(c.env, id, { loginId: c.var.login.id }, (await parseBody(c, refuseSchema)).reason));
  })
  .post('/requests/:id/fulfil', privacyRoles, async (c) => {
    const id = c.req.param('id');
    return act(c, id, 'fulfilled', async () => fulfilRequest(c.env, id, { loginId: c.var.login.id }));
  })
  .post('/requests/:id/correction', privacyRoles, async (c) => {
    const id = c.req.param('id');
    return act(c, id, 'corrected', async () => {
      const decision = await parseBody(c, correctionDecisionSchema);
      if ((await loadRequest(c.env.DB, id)).type !== 'correct') throw new ApiError(409, 'not_a_correction', 'This request is not a correction.');
      if (decision.decision === 'refuse') return refuseRequest(c.env, id, { loginId: c.var.login.id }, decision.reason);
      return fulfilRequest(c.env, id, { loginId: c.var.login.id });
    });
  })
  .get('/customers', lookupRoles, validate('query', customerLookupSchema), async (c) => {
    const customer = await findCustomer(c.env.DB, c.req.valid('query').accountNumber);
    await auditInsert(drizzle(c.env.DB), {
      event: 'staff.customer_viewed',
      actorLoginId: c.var.login.id,
      subjectAccountId: customer?.accountId ?? null,
      detail: { found: customer !== null, role: c.var.login.role },
    });
    c.header('Cache-Control', 'no-store, private');
    if (!customer) throw new ApiError(404, 'not_found', 'No account has this number.');
    return c.json({ customer });
  });
