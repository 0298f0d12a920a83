/**
 * /api/espi/1_1/resource/*: the data custodian API third parties call with a bearer access token
 * (RFC 6750). Every answer that releases data is written to the customer's disclosure log first.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-types';
import { ApiError, errorResponse, fieldsOf, invalidRequest } from '../http/errors';
import { describeRoute } from 'hono-openapi';
import { errorBody, output } from '../ingest/openapi';
import { recordDisclosure } from '../sharing/disclosures';
import { utility } from '../tenants/scope';
import { localDay } from '../usage/time';
import { usageShards } from '../usage/shards';
import { d1Source, espiResource, parseEspiPath } from './espi';
import { verifyAccessToken } from './oauth';

export const ESPI_PREFIX = '/api/espi/1_1/resource';

const range = z.object({ 'published-min': z.iso.datetime({ offset: true }).optional(), 'published-max': z.iso.datetime({ offset: true }).optional() });

function unauthorized(c: Context<AppEnv>, error: 'invalid_request' | 'invalid_token', message: string) {
  c.header('WWW-Authenticate', error === 'invalid_token' ? `Bearer realm="espi", error="invalid_token"` : 'Bearer realm="espi"');
  c.header('Cache-Control', 'no-store');
  return errorResponse(c, 401, { code: error, message });
}

/** Serves any ESPI resource path (worker/connect-my-data/espi.ts parses and checks it) after the token. */
async function serveEspi(c: Context<AppEnv>) {
  const m = /^Bearer ([A-Za-z0-9._~+/-]{1,200}=*)$/.exec(c.req.header('Authorization') ?? '');
  if (!m) return unauthorized(c, 'invalid_request', 'Send an access token: Authorization: Bearer <token>.');
  const db = drizzle(c.env.DB);
  const now = new Date();
  const access = await verifyAccessToken({ db, now }, m[1]!);
  if (!access) return unauthorized(c, 'invalid_token', 'The access token is not valid, has expired or was revoked.');
  const path = parseEspiPath(c.req.path.slice(ESPI_PREFIX.length + 1));
  if (!path) throw new ApiError(404, 'not_found', 'There is no such ESPI resource.');
  const parsed = range.safeParse(c.req.query());
  if (!parsed.success) throw invalidRequest(fieldsOf(parsed.error));
  const q = parsed.data;
  const day = (s: string | undefined) => (s ? localDay(Date.parse(s), utility().timeZone) : undefined);
  const answer = await espiResource({ source: d1Source(db, c.env.DB, usageShards(c.env)), access, path, origin: c.env.PORTAL_ORIGIN, now, range: { from: day(q['published-min']), to: day(q['published-max']) } });
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
}

/**
 * The resources, one route each, so that the OpenAPI description (worker/openapi/spec.ts) names
 * every path a third party may call; test/worker/openapi.test.ts fails for one left out.
 */
export const espiResources = [
  { path: '/Batch/Subscription/:subscriptionId', id: 'getSubscriptionBatch', summary: 'Everything the subscription covers, as one feed (the batch a notification points to)' },
  { path: '/Subscription/:subscriptionId', id: 'getSubscription', summary: 'The same batch, by the subscription resource' },
  { path: '/Subscription/:subscriptionId/UsagePoint', id: 'listUsagePoints', summary: 'The usage points (meters) the customer shared' },
  { path: '/Subscription/:subscriptionId/UsagePoint/:usagePointId', id: 'getUsagePoint', summary: 'One usage point' },
  { path: '/Subscription/:subscriptionId/UsagePoint/:usagePointId/UsageSummary', id: 'listUsageSummaries', summary: 'Use per billing period, where bills exist' },
  { path: '/Subscription/:subscriptionId/UsagePoint/:usagePointId/MeterReading', id: 'listMeterReadings', summary: "The usage point's meter readings" },
  { path: '/Subscription/:subscriptionId/UsagePoint/:usagePointId/MeterReading/:meterReadingId', id: 'getMeterReading', summary: 'One meter reading (id 1: the interval reads)' },
  { path: '/Subscription/:subscriptionId/UsagePoint/:usagePointId/MeterReading/:meterReadingId/IntervalBlock', id: 'listIntervalBlocks', summary: 'Interval blocks, one per local day, within the authorised history' },
  { path: '/Subscription/:subscriptionId/UsagePoint/:usagePointId/MeterReading/:meterReadingId/IntervalBlock/:intervalBlockId', id: 'getIntervalBlock', summary: 'One local day of interval reads (id YYYYMMDD)' },
  { path: '/ReadingType/:readingTypeId', id: 'getReadingType', summary: 'What a reading measures: commodity, unit, interval, multiplier' },
  { path: '/LocalTimeParameters/:localTimeParametersId', id: 'getLocalTimeParameters', summary: "The utility's time zone and daylight-saving rules" },
  { path: '/Authorization/:authorizationId', id: 'getAuthorization', summary: 'The authorisation itself: scope, period and status' },
] as const;

const atom = { 'application/atom+xml': { schema: { type: 'string' as const, description: 'An Atom feed or entry of ESPI resources (NAESB REQ.21), valid against the ESPI schema.' } } };
const problem = (description: string) => ({ description, content: { 'application/json': { schema: output(errorBody) } } });

export const espiApi = new Hono<AppEnv>();
for (const r of espiResources) {
  espiApi.get(
    r.path,
    describeRoute({
      operationId: r.id,
      tags: ['Data custodian'],
      summary: r.summary,
      security: [{ espiAccessToken: [] }],
      parameters: [
        { name: 'published-min', in: 'query', description: 'Only data from this instant on (RFC 3339).', schema: { type: 'string', format: 'date-time' } },
        { name: 'published-max', in: 'query', description: 'Only data up to this instant (RFC 3339).', schema: { type: 'string', format: 'date-time' } },
      ],
      responses: {
        200: { description: 'The resource; the release is in the customer\'s disclosure log.', content: atom },
        401: problem('No access token, or one that is not valid, has expired or was revoked (WWW-Authenticate says which).'),
        404: problem('No such resource under this authorisation (another customer\'s, a meter or period not shared).'),
        422: problem('A published-min or published-max that is not an RFC 3339 instant.'),
      },
    }),
    serveEspi,
  );
}
