import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { drizzle } from 'drizzle-orm/d1';
import { purgeStaleAccountRecords } from './accounts/maintenance';
import { signedInHeaderLink } from './accounts/header-link';
import { accountPages } from './accounts/pages';
import { executionContext } from './accounts/http';
import { accountsApi } from './accounts/routes';
import type { AppEnv } from './app-types';
import { billingPages } from './billing/pages';
import { billingApi } from './billing/routes';
import { consentContext } from './consent/middleware';
import { consent } from './consent/routes';
import { health } from './health/routes';
import { ingest } from './ingest/routes';
import { isBillDocumentUpload } from './ingest/bill-documents';
import { ApiError, handleError } from './http/errors';
import { sameOriginWrites } from './http/same-origin';
import { portalSecureHeaders } from './http/security-headers';
import { deliverQueued } from './mail/deliver';
import { devProcessorPages } from './dev/processor/checkout-page';
import { paymentPages } from './payments/pages';
import { paymentsApi } from './payments/routes';
import { visits } from './visits/routes';
import { requestPages } from './requests/pages';
import { requests } from './requests/routes';
import { runDailyMaintenance } from './requests/scheduled';
import { staffPages } from './staff/pages';
import { staff } from './staff/routes';
import { usage } from './usage/routes';
import { wellKnown } from './well-known/routes';

const app = new Hono<AppEnv>();

app.use(requestId());
app.use(portalSecureHeaders());
app.use(consentContext());
app.use(signedInHeaderLink);
const sameOrigin = sameOriginWrites();
app.use('/api/*', (c, next) => (c.req.path.startsWith('/api/ingest/') ? next() : sameOrigin(c, next)));
const apiBodyLimit = bodyLimit({ maxSize: 1024 * 1024, onError: () => { throw new ApiError(413, 'payload_too_large', 'The request body is larger than 1 MiB.'); } });
// A bill document upload sets its own, larger limit (worker/ingest/bill-documents.ts).
app.use('/api/*', (c, next) => (isBillDocumentUpload(c.req.path) ? next() : apiBodyLimit(c, next)));

const routes = app
  .route('/api/health', health)
  .route('/api/consent', consent)
  .route('/api/visits', visits)
  .route('/api/requests', requests)
  .route('/api/staff', staff)
  .route('/api/accounts', accountsApi)
  .route('/api/usage', usage)
  .route('/api/billing', billingApi)
  .route('/api/payments', paymentsApi)
  .route('/api/ingest', ingest)
  .route('/.well-known', wellKnown);

app.all('/api/*', () => {
  throw new ApiError(404, 'not_found', 'There is no such API route.');
});
app.all('/.well-known/*', () => {
  throw new ApiError(404, 'not_found', 'There is no such well-known resource.');
});

// Static pages the worker completes before serving them: account shells filled with the customer's
// data and messages (and /dev/outbox/ in development), request forms and status, the staff console.
app.route('/', accountPages);
app.route('/', requestPages);
app.route('/', staffPages);
app.route('/', billingPages);
app.route('/', paymentPages);
// Development only (worker/dev/processor/gate.ts): the processor's hosted page, which sends its webhook to this app in-process.
app.route('/', devProcessorPages((req, c) => app.fetch(req, c.env, executionContext(c))));

// Everything else is the static site. Assets answer with immutable headers, so copy them
// into a fresh Response that the security-headers middleware can add to.
app.all('*', async (c) => {
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  return new Response(asset.body, asset);
});

app.onError(handleError);

/**
 * The daily cron (wrangler.toml [triggers]): overdue marking and the 24-month purge of privacy
 * requests, forgetting stale sign-in counters and used links, and a retry of queued mail.
 */
export async function scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext) {
  const db = drizzle(env.DB);
  ctx.waitUntil(Promise.all([runDailyMaintenance(env.DB), purgeStaleAccountRecords(db), deliverQueued(env, db)]).then(() => undefined));
}

export type AppType = typeof routes;
export { app };
export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Env>;
