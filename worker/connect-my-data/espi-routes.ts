/**
 * /api/espi/1_1/resource/*: the data custodian API third parties call with a bearer access token
 * (RFC 6750). Every answer that releases data is written to the customer's disclosure log first.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-types';
import { ApiError, errorResponse } from '../http/errors';
import { validate } from '../http/validate';
import { recordDisclosure } from '../sharing/disclosures';
import { utility } from '../shared/utility';
import { localDay } from '../usage/time';
import { d1Source, espiResource, parseEspiPath } from './espi';
import { verifyAccessToken } from './oauth';

export const ESPI_PREFIX = '/api/espi/1_1/resource';

const range = z.object({ 'published-min': z.iso.datetime({ offset: true }).optional(), 'published-max': z.iso.datetime({ offset: true }).optional() });

function unauthorized(c: Context<AppEnv>, error: 'invalid_request' | 'invalid_token', message: string) {
  c.header('WWW-Authenticate', error === 'invalid_token' ? `Bearer realm="espi", error="invalid_token"` : 'Bearer realm="espi"');
  c.header('Cache-Control', 'no-store');
  return errorResponse(c, 401, { code: error, message });
}

export const espiApi = new Hono<AppEnv>().get('/*', validate('query', range), async (c) => {
  const m = /^Bearer ([A-Za-z0-9._~+/-]{1,200}=*)$/.exec(c.req.header('Authorization') ?? '');
  if (!m) return unauthorized(c, 'invalid_request', 'Send an access token: Authorization: Bearer <token>.');
  const db = drizzle(c.env.DB);
  const now = new Date();
  const access = await verifyAccessToken({ db, now }, m[1]!);
  if (!access) return unauthorized(c, 'invalid_token', 'The access token is not valid, has expired or was revoked.');
  const path = parseEspiPath(c.req.path.slice(ESPI_PREFIX.length + 1));
  if (!path) throw new ApiError(404, 'not_found', 'There is no such ESPI resource.');
  const q = c.req.valid('query');
  const day = (s: string | undefined) => (s ? localDay(Date.parse(s), utility.timeZone) : undefined);
  const answer = await espiResource({ source: d1Source(db, c.env.DB), access, path, origin: c.env.PORTAL_ORIGIN, now, range: { from: day(q['published-min']), to: day(q['published-max']) } });
  if (!answer) throw new ApiError(404, 'not_found', 'There is no such ESPI resource under this authorisation.');
  await recordDisclosure(db, {
    accountId: access.authorization.accountId,
    recipient: { kind: 'third_party', id: access.application.id, label: access.application.name },
    authority: access.authorization.id,
    description: answer.description,
    resource: c.req.path,
    records: answer.records,
  });
  return c.body(answer.xml, 200, { 'Content-Type': 'application/atom+xml; charset=utf-8', 'Cache-Control': 'no-store' });
});
