/**
 * Who may call what: every route of the app × every kind of caller → the status each gets, asking
 * for the same thing (account A's data, or a privacy request about account A; see
 * support/matrix-requests.ts). The route list is `app.routes`, so a new route fails here until it
 * has a row. Beyond the status, no caller but those allowed gets any of account A's identifiers
 * back in the answer.
 *
 * Callers: anonymous; another customer (holds account B); a delegate of account A holding no right;
 * support, privacy officer, program staff and administrator (second factor passed); the holder of account A.
 *
 * The tenant axis: the holder and an administrator of another utility (Juniper Valley, databases
 * of its own) whose account there has A's very id, number and holder e-mail, each with a live
 * session there, get exactly what an anonymous caller gets here, and none of A's identifiers.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { espiResources, ESPI_PREFIX } from '../../worker/connect-my-data/espi-routes';
import worker, { app } from '../../worker/index';
import { matrixRequests, secretsOfA, sendAs, sendWithSession } from './support/matrix-requests';
import { otherUtilitySessions } from './support/tenants';
import { buildWorld, matrixCallers, ORIGIN, sessionCookie, type MatrixCaller, type World } from './support/portal-world';
import { endpoints } from './support/routes';

type Row = readonly [anonymous: number, otherCustomer: number, delegateWithoutRight: number, support: number, privacyOfficer: number, programs: number, admin: number, holder: number];

// prettier-ignore
const expected: Record<string, Row> = {
  //                                            anon other deleg supp priv prog admin holder
  'GET /api/health':                           [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/consent':                          [200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/consent':                         [201, 201, 201, 201, 201, 201, 201, 201],
  'DELETE /api/consent':                       [200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/consent/withdraw':                [200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/visits':                          [204, 204, 204, 204, 204, 204, 204, 204],
  'GET /api/requests/form':                    [200, 200, 200, 200, 200, 200, 200, 200],
  // Anyone may file about any account; only a session of the account's holder verifies it at once.
  'POST /api/requests':                        [201, 201, 201, 201, 201, 201, 201, 201],
  'POST /api/requests/verify':                 [400, 400, 400, 400, 400, 400, 400, 400],
  // The status code from the receipt is the proof; the status shows no personal data.
  'POST /api/requests/status':                 [200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/requests/package':                [404, 404, 404, 404, 404, 404, 404, 404],
  // Privacy requests are worked by the privacy officer and administrators only.
  'GET /api/staff/requests':                   [401, 403, 403, 403, 200, 403, 200, 403],
  'GET /api/staff/requests/:id':               [401, 403, 403, 403, 200, 403, 200, 403],
  'POST /api/staff/requests/:id/start':        [401, 403, 403, 403, 200, 403, 200, 403],
  'POST /api/staff/requests/:id/extend':       [401, 403, 403, 403, 200, 403, 200, 403],
  'POST /api/staff/requests/:id/refuse':       [401, 403, 403, 403, 200, 403, 200, 403],
  'POST /api/staff/requests/:id/fulfil':       [401, 403, 403, 403, 200, 403, 200, 403],
  'POST /api/staff/requests/:id/correction':   [401, 403, 403, 403, 200, 403, 200, 403],
  // Customer look-up: every staff role (each look-up is audited).
  'GET /api/staff/customers':                  [401, 403, 403, 200, 200, 403, 200, 403],
  // Public account flows: the same answer whoever asks (a wrong proof, token or password).
  'POST /api/accounts/register':               [422, 422, 422, 422, 422, 422, 422, 422],
  'POST /api/accounts/verify-email':           [400, 400, 400, 400, 400, 400, 400, 400],
  'POST /api/accounts/login':                  [401, 401, 401, 401, 401, 401, 401, 401],
  'POST /api/accounts/login/second-factor':    [401, 401, 401, 401, 401, 401, 401, 401],
  'POST /api/accounts/password/forgot':        [200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/accounts/password/reset':         [400, 400, 400, 400, 400, 400, 400, 400],
  'POST /api/accounts/email/confirm':          [400, 400, 400, 400, 400, 400, 400, 400],
  // One's own login: any signed-in caller, about themselves only.
  'POST /api/accounts/logout':                 [401, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/accounts/logout-everywhere':      [401, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/accounts/language':               [401, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/accounts/me':                      [401, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/accounts/sessions':                [401, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/accounts/sessions/end':           [401, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/accounts/password':               [401, 422, 422, 422, 422, 422, 422, 422],
  'POST /api/accounts/email':                  [401, 422, 422, 422, 422, 422, 422, 422],
  // Account A's data: its holder only (404 to everyone else, so an account's existence does not show).
  'GET /api/accounts/profile':                 [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/accounts/profile':                [401, 404, 404, 404, 404, 404, 404, 200],
  // One's own passkeys: any signed-in caller lists, adds and proves with its own; a passkey of A's
  // holder is renamed and removed by the holder only (404 to everyone else). The registration here
  // answers a challenge never issued; the passkey sign-in, a passkey never registered.
  'GET /api/accounts/passkeys':                     [401, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/accounts/passkeys/register/options':   [401, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/accounts/passkeys/register':           [401, 401, 401, 401, 401, 401, 401, 401],
  'POST /api/accounts/passkeys/rename':             [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/accounts/passkeys/remove':             [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/accounts/passkeys/sign-in/options':    [200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/accounts/passkeys/sign-in':            [401, 401, 401, 401, 401, 401, 401, 401],
  'POST /api/accounts/passkeys/proof/options':      [401, 200, 200, 200, 200, 200, 200, 200],
  // Second factors and step-up, each caller about its own login (every matrix session is fresh
  // from its sign-in, so step-up passes; step-up*.test.ts covers a stale one). The sign-in steps
  // need a pending sign-in none of these callers has; the passkey proof answers a challenge never issued.
  'POST /api/accounts/login/recovery-code':         [401, 401, 401, 401, 401, 401, 401, 401],
  'POST /api/accounts/login/second-factor/passkey': [401, 401, 401, 401, 401, 401, 401, 401],
  'POST /api/accounts/step-up':                     [401, 422, 422, 422, 422, 422, 422, 422],
  'POST /api/accounts/step-up/passkey':             [401, 401, 401, 401, 401, 401, 401, 401],
  'POST /api/accounts/totp/start':                  [401, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/accounts/totp/confirm':                [401, 410, 410, 410, 410, 410, 410, 410],
  'POST /api/accounts/totp/remove':                 [401, 409, 409, 409, 409, 409, 409, 409],
  'POST /api/accounts/recovery-codes':              [401, 409, 409, 409, 409, 409, 409, 200],
  // The new-device notice's link ends a session for whoever holds it (a wrong one here), signed in or not.
  'POST /api/accounts/sessions/end-by-link':        [400, 400, 400, 400, 400, 400, 400, 400],
  'GET /api/usage/meters':                     [401, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/usage/meters/:meterId/series':     [401, 404, 404, 404, 404, 404, 404, 200],
  'GET /api/usage/meters/:meterId/export.csv': [401, 404, 404, 404, 404, 404, 404, 200],
  'GET /api/usage/meters/:meterId/export.xml': [401, 404, 404, 404, 404, 404, 404, 200],
  // Alerts are usage data: the holder (and a delegate with the usage right) sees and answers them;
  // thresholds need the manage right. The list is everyone's own.
  'GET /api/alerts':                            [401, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/alerts/settings':                   [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/alerts/settings':                  [401, 404, 404, 404, 404, 404, 404, 200],
  'GET /api/alerts/:alertId':                   [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/alerts/:alertId/answer':           [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/alerts/:alertId/actions':          [401, 404, 404, 404, 404, 404, 404, 200],
  // De-identified counts for every staff role; help requests and one customer's alerts (logged) for support and administrators.
  'GET /api/staff/alerts/counts':               [401, 403, 403, 200, 200, 403, 200, 403],
  'GET /api/staff/alerts/help':                 [401, 403, 403, 200, 403, 403, 200, 403],
  'GET /api/staff/alerts/help/:id':             [401, 403, 403, 200, 403, 403, 200, 403],
  'POST /api/staff/alerts/help/:id/close':      [401, 403, 403, 200, 403, 403, 200, 403],
  'GET /api/staff/alerts/customer':             [401, 403, 403, 200, 403, 403, 200, 403],
  // Bills, payments, the balance and documents of account A: its holder (and a delegate with the
  // billing right); 404 to everyone else. The overview lists each caller's own accounts.
  'GET /api/billing/overview':                  [401, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/billing/accounts/:accountId/bills': [401, 404, 404, 404, 404, 404, 404, 200],
  'GET /api/billing/accounts/:accountId/payments': [401, 404, 404, 404, 404, 404, 404, 200],
  'GET /api/billing/accounts/:accountId/adjustments': [401, 404, 404, 404, 404, 404, 404, 200],
  'GET /api/billing/bills/:billId':             [401, 404, 404, 404, 404, 404, 404, 200],
  'GET /api/billing/bills/:billId/document':    [401, 404, 404, 404, 404, 404, 404, 200],
  // Paying needs the billing right; autopay and paperless the manage right too. Ending autopay
  // that is not on is a conflict, even for the holder.
  'POST /api/payments/checkout':                [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/payments/autopay':                 [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/payments/autopay/end':             [401, 404, 404, 404, 404, 404, 404, 409],
  'POST /api/payments/paperless':               [401, 404, 404, 404, 404, 404, 404, 200],
  // Paying without signing in: the account number and service ZIP are the proof, whoever sends them
  // (the answer is the amount due, nothing else about the account; both are throttled).
  'POST /api/payments/guest/lookup':            [200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/payments/guest/checkout':          [200, 200, 200, 200, 200, 200, 200, 200],
  // The processor's webhook: only its signature counts, never a session (unsigned here).
  'POST /api/payments/webhook':                 [400, 400, 400, 400, 400, 400, 400, 400],
  // Machine to machine: a signed client assertion, never a session.
  'POST /api/ingest/batches':                  [401, 401, 401, 401, 401, 401, 401, 401],
  'PUT /api/ingest/bills/:billId/document':    [401, 401, 401, 401, 401, 401, 401, 401],
  // The description of the machine-to-machine APIs: public, no data.
  'GET /api/openapi.json':                     [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/docs':                             [200, 200, 200, 200, 200, 200, 200, 200],
  // Who is told what about account A: whoever may manage it (its holder here), 404 to everyone else.
  'GET /api/preferences':                      [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/preferences':                     [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/preferences/recipients':          [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/preferences/recipients/remove':   [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/preferences/recipients/resend':   [401, 404, 404, 404, 404, 404, 404, 200],
  // No sign-in: the account proof, or the code from a message, is the proof (a wrong one here).
  'POST /api/subscriptions/sign-up':           [422, 422, 422, 422, 422, 422, 422, 422],
  'POST /api/subscriptions/confirm':           [400, 400, 400, 400, 400, 400, 400, 400],
  'POST /api/subscriptions/unsubscribe':       [400, 400, 400, 400, 400, 400, 400, 400],
  // The SMS provider's webhook: only its signed form posts are read.
  'POST /api/sms/inbound':                     [415, 415, 415, 415, 415, 415, 415, 415],
  // Green Button Connect My Data. The browser's authorisation request: signed out, to sign in; signed
  // in, this one names no registered application, so everyone is sent to the consent page's message.
  'GET /api/connect/authorize':                 [303, 303, 303, 303, 303, 303, 303, 303],
  // An answer to a consent request none of these callers was shown (each request is one login's).
  'POST /api/connect/authorize':                [401, 404, 404, 404, 404, 404, 404, 404],
  // The third party's server: its client secret is the proof, never a session (none here).
  'POST /api/connect/token':                    [400, 400, 400, 400, 400, 400, 400, 400],
  'POST /api/connect/revoke':                   [400, 400, 400, 400, 400, 400, 400, 400],
  // Ending an application's access to account A: whoever may manage A (its holder here).
  'POST /api/connect/authorizations/revoke':    [401, 404, 404, 404, 404, 404, 404, 200],
  // The data custodian API: a bearer access token only; a session is no token.
  // The data custodian API answers only an access token (a session cookie is no token).
  ...Object.fromEntries(espiResources.map((r) => [`GET ${ESPI_PREFIX}${r.path}`, [401, 401, 401, 401, 401, 401, 401, 401] as Row])),
  // The registry of applications is the administrators'; privacy officers may end an authorisation too.
  'GET /api/staff/connect/applications':        [401, 403, 403, 403, 403, 403, 200, 403],
  'POST /api/staff/connect/applications':       [401, 403, 403, 403, 403, 403, 201, 403],
  'POST /api/staff/connect/applications/:id/status': [401, 403, 403, 403, 403, 403, 200, 403],
  'POST /api/staff/connect/authorizations/:id/revoke': [401, 403, 403, 403, 200, 403, 200, 403],
  'GET /.well-known/security.txt':             [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /.well-known/gpc.json':                 [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /.well-known/jwks.json':                [200, 200, 200, 200, 200, 200, 200, 200],
  'ALL /api/*':                                [404, 404, 404, 404, 404, 404, 404, 404],
  'ALL /.well-known/*':                        [404, 404, 404, 404, 404, 404, 404, 404],
  // Pages. Signed-in pages send anonymous callers to sign in (303); account A's profile page sends
  // everyone but its holder back to their dashboard (303 /account/?error=not_found).
  'GET /login/':                               [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /login/second-factor/':                 [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /register/':                            [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /password/forgot/':                     [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /register/verify/':                     [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /password/reset/':                      [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/email/confirm/':               [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/':                             [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/profile/':                     [303, 303, 303, 303, 303, 303, 303, 200],
  'GET /account/security/':                    [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/security/totp/':               [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/security/recovery-codes/':     [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/confirm/':                     [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/end-session/':                 [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/preferences/':                 [303, 303, 303, 303, 303, 303, 303, 200],
  'GET /alerts/sign-up/':                      [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /alerts/confirm/':                      [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /unsubscribe/':                         [200, 200, 200, 200, 200, 200, 200, 200],
  // The List-Unsubscribe URL (RFC 8058): its token is the proof; a forged one is refused to everyone.
  'GET /unsubscribe/:token':                   [400, 400, 400, 400, 400, 400, 400, 400],
  'POST /unsubscribe/:token':                  [400, 400, 400, 400, 400, 400, 400, 400],
  'GET /account/alerts/':                      [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/alerts/alert/':                [303, 303, 303, 303, 303, 303, 303, 200],
  'GET /account/alerts/settings/':             [303, 303, 303, 303, 303, 303, 303, 200],
  // Account A's bills and payment history, and one of its bills: everyone but its holder is sent
  // back to their own bills (303 ?error=not_found). The pay pages list each caller's own accounts.
  'GET /account/bills/':                       [303, 303, 303, 303, 303, 303, 303, 200],
  'GET /account/bills/detail/':                [303, 303, 303, 303, 303, 303, 303, 200],
  'GET /account/bills/payments/':              [303, 303, 303, 303, 303, 303, 303, 200],
  'GET /account/pay/':                         [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/pay/return/':                  [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /pay/':                                 [200, 200, 200, 200, 200, 200, 200, 200],
  // The confirmation exists only as the answer to a look-up: reached directly, back to /pay/.
  'GET /pay/confirm/':                         [303, 303, 303, 303, 303, 303, 303, 303],
  'GET /pay/return/':                          [200, 200, 200, 200, 200, 200, 200, 200],
  // The development processor's hosted page (development only, as the tests run): its session id
  // is the proof, as a processor's checkout URL is; a forged one is no page for anyone.
  'GET /dev/processor/checkout/:id':           [404, 404, 404, 404, 404, 404, 404, 404],
  'POST /dev/processor/checkout/:id':          [404, 404, 404, 404, 404, 404, 404, 404],
  // The development-only stand-in third party of Connect My Data (same gate): its pages are public,
  // its session id is its proof (an unknown one here), and its notify URI takes any notice.
  'GET /dev/third-party/':                     [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /dev/third-party/start':                [303, 303, 303, 303, 303, 303, 303, 303],
  'GET /dev/third-party/callback':             [400, 400, 400, 400, 400, 400, 400, 400],
  'POST /dev/third-party/fetch':               [400, 400, 400, 400, 400, 400, 400, 400],
  'POST /dev/third-party/notify':              [204, 204, 204, 204, 204, 204, 204, 204],
  // Development only (ENVIRONMENT=development, as the tests run); production answers 404, below.
  'GET /dev/outbox/':                          [200, 200, 200, 200, 200, 200, 200, 200],
  'POST /dev/sms/reply':                       [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /privacy/request/':                     [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /privacy/request/status/':              [200, 200, 200, 200, 200, 200, 200, 200],
  'POST /privacy/request/status/':             [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /privacy/request/verify/':              [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /privacy/request/package/':             [200, 200, 200, 200, 200, 200, 200, 200],
  // Yearly counts of privacy requests, published for anyone: no one's data.
  'GET /privacy/request-metrics/':             [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /privacy/request-metrics.csv':          [200, 200, 200, 200, 200, 200, 200, 200],
  // The consent page and the connected applications page: each caller's own (none here shows A's data but to its holder).
  'GET /account/sharing/authorize/':           [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/sharing/applications/':        [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /staff/':                               [401, 403, 403, 403, 200, 403, 200, 403],
  'GET /staff/request/':                       [401, 403, 403, 403, 200, 403, 200, 403],
  'GET /staff/customers/':                     [401, 403, 403, 200, 200, 403, 200, 403],
  'GET /staff/alerts/':                        [401, 403, 403, 200, 200, 403, 200, 403],
  'GET /staff/alerts/help/':                   [401, 403, 403, 200, 403, 403, 200, 403],
  // Sharing: each caller sees only the accounts they may use (a delegate with no right: none).
  'GET /api/sharing':                          [401, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/sharing/accounts/:account':        [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/sharing/invitations':             [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/sharing/invitations/withdraw':    [401, 404, 404, 404, 404, 404, 404, 200],
  // The code is the proof, so who asks changes nothing but the sign-in: the matrix's invitation has lapsed.
  'POST /api/sharing/invitations/register':    [410, 410, 410, 410, 410, 410, 410, 410],
  'POST /api/sharing/invitations/accept':      [401, 410, 410, 410, 410, 410, 410, 410],
  'POST /api/sharing/delegates':               [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/sharing/delegates/end':           [401, 404, 404, 404, 404, 404, 404, 200],
  // Only a delegate may leave (the matrix's delegate is given its access back before the next caller).
  'POST /api/sharing/leave':                   [401, 404, 200, 404, 404, 404, 404, 404],
  'GET /account/sharing/':                     [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/sharing/accept/':              [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /staff/connect/':                       [401, 403, 403, 403, 403, 403, 200, 403],
  // Start, stop and move: a holder's own requests; a newcomer's start needs no login; support staff decide.
  'POST /api/services/start':                  [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/services':                         [401, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/services/stop':                   [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/services/move':                   [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/services/withdraw':               [401, 404, 404, 404, 404, 404, 404, 200],
  'GET /api/staff/services':                   [401, 403, 403, 200, 403, 403, 200, 403],
  'POST /api/staff/services/confirm':          [401, 403, 403, 200, 403, 403, 200, 403],
  'POST /api/staff/services/refuse':           [401, 403, 403, 200, 403, 403, 200, 403],
  'GET /account/services/':                    [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /services/start/':                      [200, 200, 200, 200, 200, 200, 200, 200],
  'GET /staff/services/':                      [401, 403, 403, 200, 403, 403, 200, 403],
  // Secure messages: a conversation about account A is its holder's (and a delegate's with the manage
  // right); support and administrators answer it through the staff routes, and may open its attachments.
  'GET /api/messages':                         [401, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/messages':                        [401, 404, 404, 404, 404, 404, 404, 200],
  'GET /api/messages/attachments/:id':         [401, 404, 404, 200, 404, 404, 200, 200],
  'GET /api/messages/:id':                     [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/messages/:id/reply':              [401, 404, 404, 404, 404, 404, 404, 200],
  'GET /api/staff/messages':                   [401, 403, 403, 200, 403, 403, 200, 403],
  'GET /api/staff/messages/:id':               [401, 403, 403, 200, 403, 403, 200, 403],
  'POST /api/staff/messages/:id/assign':       [401, 403, 403, 200, 403, 403, 200, 403],
  'POST /api/staff/messages/:id/reply':        [401, 403, 403, 200, 403, 403, 200, 403],
  'POST /api/staff/messages/:id/close':        [401, 403, 403, 200, 403, 403, 200, 403],
  'GET /account/messages/':                    [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/messages/conversation/':       [303, 303, 303, 303, 303, 303, 303, 200],
  'GET /staff/messages/':                      [401, 403, 403, 200, 403, 403, 200, 403],
  'GET /staff/messages/conversation/':         [401, 403, 403, 200, 403, 403, 200, 403],
  // Program applications about account A: whoever may manage it (its holder here), 404 to everyone
  // else; program staff and administrators work the queue and see the documents (each view audited).
  'GET /api/programs/applications':             [401, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/programs/applications':            [401, 404, 404, 404, 404, 404, 404, 200],
  'GET /api/programs/applications/:id':         [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/programs/applications/:id/respond': [401, 404, 404, 404, 404, 404, 404, 200],
  'POST /api/programs/applications/:id/withdraw': [401, 404, 404, 404, 404, 404, 404, 200],
  'GET /api/programs/documents/:id':            [401, 404, 404, 404, 404, 200, 200, 200],
  'GET /api/staff/programs':                    [401, 403, 403, 403, 403, 200, 200, 403],
  'GET /api/staff/programs/:id':                [401, 403, 403, 403, 403, 200, 200, 403],
  'POST /api/staff/programs/:id/need-info':     [401, 403, 403, 403, 403, 200, 200, 403],
  'POST /api/staff/programs/:id/approve':       [401, 403, 403, 403, 403, 200, 200, 403],
  'POST /api/staff/programs/:id/deny':          [401, 403, 403, 403, 403, 200, 200, 403],
  'POST /api/staff/programs/:id/pay':           [401, 403, 403, 403, 403, 200, 200, 403],
  'GET /account/programs/':                     [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/programs/apply/:program/':      [303, 200, 200, 200, 200, 200, 200, 200],
  'GET /account/programs/application/':         [303, 303, 303, 303, 303, 303, 303, 200],
  'GET /staff/programs/':                       [401, 403, 403, 403, 403, 200, 200, 403],
  // De-identified reports: the privacy officer, program staff and administrators.
  'GET /staff/reports/':                        [401, 403, 403, 403, 200, 200, 200, 403],
  'GET /staff/programs/application/':           [401, 403, 403, 403, 403, 200, 200, 403],
  'ALL /*':                                    [200, 200, 200, 200, 200, 200, 200, 200],
};

/** Routes that answer with account A's own data: anonymous callers, other customers and a delegate without the right must be refused. */
const customerDataRoutes = [
  'GET /api/accounts/profile',
  'POST /api/accounts/profile',
  'GET /api/usage/meters/:meterId/series',
  'GET /api/usage/meters/:meterId/export.csv',
  'GET /api/usage/meters/:meterId/export.xml',
  'GET /account/profile/',
  'GET /api/alerts/settings',
  'POST /api/alerts/settings',
  'GET /api/alerts/:alertId',
  'POST /api/alerts/:alertId/answer',
  'POST /api/alerts/:alertId/actions',
  'GET /account/alerts/alert/',
  'GET /account/alerts/settings/',
  'GET /api/preferences',
  'POST /api/preferences',
  'POST /api/preferences/recipients',
  'POST /api/preferences/recipients/remove',
  'POST /api/preferences/recipients/resend',
  'GET /account/preferences/',
  'GET /api/billing/accounts/:accountId/bills',
  'GET /api/billing/accounts/:accountId/payments',
  'GET /api/billing/accounts/:accountId/adjustments',
  'GET /api/billing/bills/:billId',
  'GET /api/billing/bills/:billId/document',
  'POST /api/payments/checkout',
  'POST /api/payments/autopay',
  'POST /api/payments/autopay/end',
  'POST /api/payments/paperless',
  'GET /account/bills/',
  'GET /account/bills/detail/',
  'GET /account/bills/payments/',
  'GET /api/sharing/accounts/:account',
  'POST /api/sharing/invitations',
  'POST /api/sharing/invitations/withdraw',
  'POST /api/sharing/delegates',
  'POST /api/sharing/delegates/end',
  'POST /api/connect/authorizations/revoke',
  'POST /api/services/stop',
  'POST /api/services/move',
  'POST /api/services/withdraw',
  'POST /api/messages',
  'GET /api/messages/attachments/:id',
  'GET /api/messages/:id',
  'POST /api/messages/:id/reply',
  'GET /account/messages/conversation/',
  'POST /api/programs/applications',
  'GET /api/programs/applications/:id',
  'POST /api/programs/applications/:id/respond',
  'POST /api/programs/applications/:id/withdraw',
  'GET /api/programs/documents/:id',
  'GET /account/programs/application/',
];

/** Who, besides the holder, may get account A's identifiers back from a route (staff, where their work needs them). */
const alsoSeesA: Record<string, MatrixCaller[]> = {
  'GET /api/staff/requests/:id': ['privacy_officer', 'admin'],
  'GET /staff/request/': ['privacy_officer', 'admin'],
  'GET /api/staff/customers': ['support', 'privacy_officer', 'admin'],
  'GET /staff/customers/': ['support', 'privacy_officer', 'admin'],
  // A help request and one customer's alerts name the customer (each view is audited).
  'GET /api/staff/alerts/help/:id': ['support', 'admin'],
  'GET /api/staff/alerts/customer': ['support', 'admin'],
  'GET /staff/alerts/': ['support', 'admin'],
  'GET /staff/alerts/help/': ['support', 'admin'],
  // The start, stop and move queue names the account a request is about.
  'GET /api/staff/services': ['support', 'admin'],
  'GET /staff/services/': ['support', 'admin'],
  // A conversation names its customer for support (each view is audited).
  'GET /api/staff/messages/:id': ['support', 'admin'],
  'GET /staff/messages/conversation/': ['support', 'admin'],
  // An application names its customer for program staff (each view is audited).
  'GET /api/staff/programs/:id': ['programs', 'admin'],
  'GET /staff/programs/application/': ['programs', 'admin'],
  // Lists every queued mail; development only (see the production test below).
  'GET /dev/outbox/': [...matrixCallers],
};

const routes = endpoints(app);
/** A Spanish page (/es/…) is its English twin's handler: it must answer every caller as the twin does. */
const rowKey = (route: (typeof routes)[number]) => (route.englishKey && !(route.key in expected) ? route.englishKey : route.key);
let world: World;
let otherUtility: Awaited<ReturnType<typeof otherUtilitySessions>>;

beforeAll(async () => {
  world = await buildWorld();
  otherUtility = await otherUtilitySessions(world);
}, 120_000);

describe('authorisation matrix', () => {
  it('has a row for every route the app serves, and none for a route it does not', () => {
    const served = routes.map((r) => r.key);
    expect(routes.map(rowKey).filter((k) => !(k in expected)), 'routes missing from the matrix').toEqual([]);
    expect(routes.map(rowKey).filter((k) => !(k in matrixRequests)), 'routes with no request in support/matrix-requests.ts').toEqual([]);
    expect(Object.keys(expected).filter((k) => !served.includes(k)), 'rows for routes the app no longer has').toEqual([]);
  });

  it('refuses anonymous callers, other customers and delegates without the right on every customer-data route', () => {
    for (const key of customerDataRoutes) {
      const row = expected[key]!;
      for (const caller of ['anonymous', 'other_customer', 'delegate_without_right'] as const) {
        const status = row[matrixCallers.indexOf(caller)]!;
        expect(status >= 400 || status === 303, `${key} as ${caller}`).toBe(true);
      }
    }
  });

  for (const route of routes) {
    it(`${route.key}`, async () => {
      const key = rowKey(route);
      const english = matrixRequests[key];
      const build = english && key !== route.key ? async (w: World) => ({ ...(await english(w)), path: `/es${(await english(w)).path}` }) : english;
      if (!build || !expected[key]) throw new Error(`${route.key} has no row in the authorisation matrix`);
      const actual: number[] = [];
      const leaks: string[] = [];
      for (const caller of matrixCallers) {
        const res = await sendAs(world, caller, await build(world));
        const text = await res.text();
        actual.push(res.status);
        const allowed = caller === 'holder' || (alsoSeesA[key] ?? []).includes(caller);
        const shown = secretsOfA(world).filter((secret) => text.includes(secret));
        if (!allowed && shown.length) leaks.push(`${caller} got ${shown.join(', ')}`);
        if (res.status >= 300 && res.status < 400) expect(new URL(res.headers.get('Location') ?? '', ORIGIN).origin, `${route.key} as ${caller}`).toBe(ORIGIN);
      }
      for (const [caller, cookie] of Object.entries(otherUtility)) {
        const res = await sendWithSession(world, cookie, await build(world));
        const text = await res.text();
        // As anonymous gets it; an action anyone may repeat (filing a request) may by now be throttled for every caller.
        const anonymous = expected[key]![0];
        expect(res.status === anonymous || (res.status === 429 && anonymous < 300), `${route.key} as ${caller}: ${res.status}, anonymous ${anonymous}`).toBe(true);
        const shown = secretsOfA(world).filter((secret) => text.includes(secret));
        if (shown.length && !(alsoSeesA[key] ?? []).includes('anonymous')) leaks.push(`${caller} got ${shown.join(', ')}`);
      }
      expect(actual, `${route.key}: ${matrixCallers.join(', ')}`).toEqual([...expected[key]!]);
      expect(leaks, `${route.key} gave account A's identifiers to callers not allowed them`).toEqual([]);
    }, 60_000);
  }

  it('serves the development outbox only in development', async () => {
    const production = { ...env, ENVIRONMENT: 'production' };
    for (const caller of matrixCallers) {
      const cookie = caller === 'anonymous' ? null : await sessionCookie(world.logins[caller].id, ['support', 'privacy_officer', 'programs', 'admin'].includes(caller) ? 'passed' : 'none');
      const ctx = createExecutionContext();
      // At the utility's production host: a host of no utility would be refused before the route.
      const res = await worker.fetch(new Request('https://portal.aldercreek-utility.example/dev/outbox/', { headers: cookie ? { Cookie: cookie } : {} }), production, ctx);
      await waitOnExecutionContext(ctx);
      const text = await res.text();
      expect(res.status, caller).toBe(404);
      expect(text).not.toContain('Development outbox');
    }
  });
});
