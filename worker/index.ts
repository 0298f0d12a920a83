import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { drizzle } from 'drizzle-orm/d1';
import { purgeStaleAccountRecords } from './accounts/maintenance';
import { purgeExpiredChallenges } from './auth/passkeys/challenges';
import { closeAllAfterMoveOut } from './alerts/detection/evaluate';
import { alertPages } from './alerts/centre/pages';
import { purgeExpiredAlerts } from './alerts/centre/retention';
import { alertsCentre } from './alerts/centre/routes';
import { alertStaffPages } from './alerts/staff/pages';
import { staffAlerts } from './alerts/staff/routes';
import { handleDetectionBatch } from './alerts/detection/queue';
import { signedInHeaderLink } from './accounts/header-link';
import { accountPages } from './accounts/pages';
import { secondFactorPages } from './accounts/second-factor-pages';
import { purgeSecondFactorRecords } from './accounts/second-factor-maintenance';
import { executionContext, isPlainFormPost } from './accounts/http';
import { accountsApi } from './accounts/routes';
import type { AppEnv } from './app-types';
import { billingPages } from './billing/pages';
import { billingApi } from './billing/routes';
import { consentContext } from './consent/middleware';
import { localeContext } from './i18n/middleware';
import { consent } from './consent/routes';
import { health } from './health/routes';
import { ingest } from './ingest/routes';
import { apiDescription } from './openapi/routes';
import { isBillDocumentUpload } from './ingest/bill-documents';
import { isGreenButtonUpload } from './ingest/green-button';
import { formBodies } from './http/body';
import { ApiError, handleError } from './http/errors';
import { sameOriginWrites } from './http/same-origin';
import { portalSecureHeaders } from './http/security-headers';
import { deliverQueued } from './mail/deliver';
import { devProcessorPages } from './dev/processor/checkout-page';
import { devThirdPartyPages } from './dev/third-party/client';
import { paymentPages } from './payments/pages';
import { paymentsApi } from './payments/routes';
import { redactStaleOutbox } from './mail/outbox';
import { visits } from './visits/routes';
import { requestPages } from './requests/pages';
import { requests } from './requests/routes';
import { runDailyMaintenance } from './requests/scheduled';
import { d1Session } from './http/d1-session';
import { forEachTenant, forEachTenantOfBatch } from './tenants/entry';
import { tenantScope } from './tenants/middleware';
import { requestMetricsPages } from './reports/request-metrics-pages';
import { reportPages } from './reports/utility-reports-pages';
import { runSharingMaintenance } from './sharing/maintenance';
import { sharingPages } from './sharing/pages';
import { sharingApi } from './sharing/routes';
import { servicePages } from './service-requests/pages';
import { servicesApi, staffServicesApi } from './service-requests/routes';
import { purgeExpiredConsentProof } from './consent/retention';
import { purgeReferrerCandidates } from './visits/referrers';
import { parseTotpKeyring, resealTotpSecrets } from './auth/totp-secrets';
import { staffPages } from './staff/pages';
import { staff } from './staff/routes';
import { usage } from './usage/routes';
import { wellKnown } from './well-known/routes';
import { devSms } from './alerts/delivery/sms/dev-outbox';
import { INBOUND_PATH, smsWebhook } from './alerts/delivery/sms/inbound';
import { deliverQueuedSms, redactStaleSms, TEXTS_CRON } from './alerts/delivery/sms-outbox';
import { preferencePages } from './preferences/pages';
import { preferencesApi, subscriptionsApi } from './preferences/routes';
import { connectPages } from './connect-my-data/pages';
import { connectApi, OAUTH_MACHINE_PATHS, staffConnect } from './connect-my-data/routes';
import { purgeExpiredConnectRecords } from './connect-my-data/oauth';
import { connectStaffPages } from './connect-my-data/staff-pages';
import { espiApi, ESPI_PREFIX } from './connect-my-data/espi-routes';
import { CONNECT_NOTIFY_QUEUE, handleNotificationBatch } from './connect-my-data/notify';
import { MAX_UPLOAD_BODY_BYTES } from './messages/attachments';
import { messagePages } from './messages/pages';
import { purgeClosedConversations } from './messages/retention';
import { isMessageUpload, messagesApi, staffMessagesApi, uploadRefusedPage } from './messages/routes';
import { programPages } from './programs/pages';
import { purgeProgramRecords } from './programs/retention';
import { isProgramUpload, MAX_PROGRAM_BODY_BYTES, programsApi, programUploadRefusedPage, staffProgramsApi } from './programs/routes';

const app = new Hono<AppEnv>();

app.use(requestId());
app.use(tenantScope);
app.use(d1Session);
app.use(portalSecureHeaders());
app.use(localeContext());
app.use(consentContext());
app.use(signedInHeaderLink);
const sameOrigin = sameOriginWrites();
// Machine-to-machine routes carry no cookie and prove themselves: ingest signs every request, and
// the SMS provider's webhook carries its X-Twilio-Signature. (The payment processor's webhook sends
// JSON without an Origin, which sameOriginWrites lets through; it proves itself by its signature.)
// A third party's server calls the OAuth token and revocation endpoints, proving itself with its client secret.
const machineToMachine = (path: string) => path.startsWith('/api/ingest/') || path === INBOUND_PATH || OAUTH_MACHINE_PATHS.includes(path);
app.use('/api/*', (c, next) => (machineToMachine(c.req.path) ? next() : sameOrigin(c, next)));
const apiBodyLimit = bodyLimit({ maxSize: 1024 * 1024, onError: () => { throw new ApiError(413, 'payload_too_large', 'The request body is larger than 1 MiB.'); } });
// A bill document upload and a Green Button file set their own, larger limits (worker/ingest/bill-documents.ts,
// green-button.ts). A message with attachments (three files of 5 MB, worker/messages/attachments.ts)
// and a program application with its documents (five files of 5 MB) have limits of their own here.
const uploads = [
  { matches: isMessageUpload, maxBytes: MAX_UPLOAD_BODY_BYTES, refusedPage: uploadRefusedPage, field: 'files', limit: 'A message may carry at most 3 attachments of 5 MB each.' },
  { matches: isProgramUpload, maxBytes: MAX_PROGRAM_BODY_BYTES, refusedPage: programUploadRefusedPage, field: 'documents', limit: 'An application may carry at most 5 documents of 5 MB each.' },
].map((u) => ({
  ...u,
  bodyLimit: bodyLimit({
    maxSize: u.maxBytes,
    onError: (c) => {
      // A form sent without the page script goes back to its page with the code, as its route would send it.
      const page = u.refusedPage(c.req.path);
      if (isPlainFormPost(c)) return c.redirect(`${page}${page.includes('?') ? '&' : '?'}error=payload_too_large&field=${u.field}`, 303);
      throw new ApiError(413, 'payload_too_large', u.limit, [{ field: u.field, message: u.limit }]);
    },
  }),
  forms: formBodies({ maxBytes: u.maxBytes }),
}));
const uploadFor = (c: { req: { path: string; method: string } }) => (c.req.method === 'POST' ? uploads.find((u) => u.matches(c.req.path)) : undefined);
app.use('/api/*', (c, next) => (isBillDocumentUpload(c.req.path) || isGreenButtonUpload(c.req.path, c.req.header('content-type')) ? next() : (uploadFor(c)?.bodyLimit ?? apiBodyLimit)(c, next)));
// Form bodies are read here, once for every route (pages that take posts included): a malformed one is a 400, never a 500.
const forms = formBodies();
app.use((c, next) => (uploadFor(c)?.forms ?? forms)(c, next));

const routes = app
  .route('/api/health', health)
  .route('/api/consent', consent)
  .route('/api/visits', visits)
  .route('/api/requests', requests)
  // Before /api/staff, so that its staff-wide middleware does not run twice for these.
  .route('/api/staff/alerts', staffAlerts)
  .route('/api/staff/connect', staffConnect)
  .route('/api/staff/services', staffServicesApi)
  .route('/api/staff/messages', staffMessagesApi)
  .route('/api/staff/programs', staffProgramsApi)
  .route('/api/staff', staff)
  .route('/api/accounts', accountsApi)
  .route('/api/usage', usage)
  .route('/api/billing', billingApi)
  .route('/api/payments', paymentsApi)
  .route('/api/alerts', alertsCentre)
  .route('/api/ingest', ingest)
  // /api/openapi.json and /api/docs: the description of the machine-to-machine APIs.
  .route('/api', apiDescription)
  .route('/api/preferences', preferencesApi)
  .route('/api/subscriptions', subscriptionsApi)
  .route('/api/sharing', sharingApi)
  .route('/api/services', servicesApi)
  .route('/api/messages', messagesApi)
  .route('/api/programs', programsApi)
  .route('/api/sms', smsWebhook)
  .route('/api/connect', connectApi)
  .route(ESPI_PREFIX, espiApi)
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
app.route('/', secondFactorPages);
app.route('/', requestPages);
app.route('/', requestMetricsPages);
app.route('/', reportPages);
app.route('/', preferencePages);
app.route('/', devSms);
app.route('/', alertPages);
// Before staffPages, whose /staff/* middleware and error pages are for the privacy request console.
app.route('/', alertStaffPages);
app.route('/', connectStaffPages);
app.route('/', servicePages);
// Before staffPages too, for the same reason.
app.route('/', messagePages);
app.route('/', programPages);
app.route('/', staffPages);
app.route('/', billingPages);
app.route('/', paymentPages);
app.route('/', sharingPages);
app.route('/', connectPages);
// Development only (worker/dev/processor/gate.ts): the processor's hosted page, which sends its webhook to this app in-process.
app.route('/', devProcessorPages((req, c) => app.fetch(req, c.env, executionContext(c))));
// Development only, the same gate: a stand-in third party for Connect My Data, calling the portal in-process.
app.route('/', devThirdPartyPages((req, c) => app.fetch(req, c.env, executionContext(c))));

// Everything else is the static site. Assets answer with immutable headers, so copy them
// into a fresh Response that the security-headers middleware can add to.
app.all('*', async (c) => {
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  // The assets' own 404 page is English; a missing Spanish page gets the Spanish one.
  if (asset.status === 404 && /^\/es(\/|$)/.test(c.req.path)) {
    const spanish = await c.env.ASSETS.fetch(new Request(new URL('/es/404/', c.req.url)));
    if (spanish.ok) return new Response(spanish.body, { status: 404, headers: spanish.headers });
  }
  return new Response(asset.body, asset);
});

app.onError(handleError);

/**
 * The crons (wrangler.toml [triggers]), once per tenant (worker/tenants/entry.ts). Daily: overdue marking and the 24-month purge of privacy
 * requests, forgetting stale sign-in counters and used links, passkey challenges nobody answered, stale step-ups, devices and unconfirmed authenticator set-ups, the 24-month purge of consent proof,
 * yesterday's referrer candidates, sealing staff TOTP secrets under the newest key, removing the
 * bodies of mail and texts not delivered within 72 hours, a retry of queued mail, and the end of alerts
 * for holders whose tenure ended (a move-out dated ahead ends them on its day), and the 3-year purge
 * of closed alerts with their answers (worker/alerts/centre/retention.ts); delegate access past its
 * last day, old invitations and the 24-month disclosure log (worker/sharing/maintenance.ts);
 * Connect My Data's expired consent requests, codes and tokens (worker/connect-my-data/oauth.ts); and
 * secure conversations closed more than 2 years ago, with their attachments in R2 (worker/messages/retention.ts); and
 * program documents past their program's keeping period, and applications decided more than 3 years ago (worker/programs/retention.ts).
 */
export async function scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
  ctx.waitUntil(forEachTenant(env, (tenantEnv) => cronJobs(controller.cron, tenantEnv)));
}

/** One tenant's share of a cron run. */
function cronJobs(cron: string, env: Env): Promise<unknown> {
  const db = drizzle(env.DB);
  // Every few minutes: texts whose quiet hours have ended, and texts and mail due to be tried again.
  if (cron === TEXTS_CRON) return Promise.all([deliverQueuedSms(env, db), deliverQueued(env, db)]);
  return Promise.all([runDailyMaintenance(env.DB), purgeStaleAccountRecords(db), purgeExpiredChallenges(db), purgeSecondFactorRecords(db), purgeExpiredConsentProof(env.DB), purgeReferrerCandidates(db), parseTotpKeyring(env.TOTP_ENCRYPTION_KEYS).then((keys) => resealTotpSecrets(db, keys)), runSharingMaintenance(env).then(() => redactStaleOutbox(db)).then(() => deliverQueued(env, db)), redactStaleSms(db), closeAllAfterMoveOut(env.DB), purgeExpiredAlerts(env.DB), purgeExpiredConnectRecords(db, new Date()), purgeClosedConversations(env), purgeProgramRecords(env)]);
}

export type AppType = typeof routes;
export { app };
/** The consumers of the queues ingest sends to (wrangler.toml [[queues.consumers]]): alert detection, and Connect My Data notifications, each message in its tenant. */
export async function queue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext) {
  await forEachTenantOfBatch(batch, env, (part, tenantEnv) => (part.queue === CONNECT_NOTIFY_QUEUE ? handleNotificationBatch(part, tenantEnv) : handleDetectionBatch(part, tenantEnv, ctx)));
}

export default { fetch: app.fetch, scheduled, queue } satisfies ExportedHandler<Env>;
