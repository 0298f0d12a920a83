/**
 * The one well-formed request the authorisation matrix sends to each route: aimed at account A
 * (the holder's account) or at a privacy request about it, so that every caller asks for the same
 * thing and only who asks changes. Staff actions get a fresh request in the state the action needs.
 */
import { env, exports } from 'cloudflare:workers';
import { newInvitationCode } from '../../../worker/sharing/invitation-code';
import { espiResources, ESPI_PREFIX } from '../../../worker/connect-my-data/espi-routes';
import { cookieFor, fileAboutA, freshIp, givenApplication, givenConversation, givenHelpRequest, ORIGIN, sessionCookie, type MatrixCaller, type World } from './portal-world';

export type MatrixRequest = { method: string; path: string; json?: unknown; text?: string; consent?: boolean };

type Builder = (world: World) => MatrixRequest | Promise<MatrixRequest>;

/** Moves a fresh request about A along as an administrator would, so the action under test is the next one. */
async function requestIn(world: World, state: 'verified' | 'in_progress', kind: 'verified' | 'correction' = 'verified') {
  const id = await fileAboutA(world, kind);
  if (state === 'in_progress') {
    const res = await exports.default.fetch(
      new Request(`${ORIGIN}/api/staff/requests/${id}/start`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: ORIGIN, Cookie: await sessionCookie(world.logins.admin.id, 'passed') },
        body: '{}',
      }),
    );
    if (res.status !== 200) throw new Error(`matrix: starting ${id} answered ${res.status}`);
  }
  return id;
}

let registrations = 0;
let invitations = 0;

/** A recipient of account A for the matrix to remove or re-invite: each caller gets its own. */
async function recipientOfA(world: World, status: 'pending' | 'confirmed') {
  const id = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO alert_recipients (id, account_id, channel, address, name, origin, status) VALUES (?1, ?2, 'email', ?3, 'Matrix', 'added', ?4)").bind(id, world.a.id, `matrix-${id}@family.example`, status).run();
  return id;
}

/** A passkey of account A's holder, for the matrix to rename or remove: each caller gets its own. */
async function passkeyOfHolder(world: World) {
  const id = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO passkey_credentials (id, login_id, credential_id, public_key, device_type, name) VALUES (?1, ?2, ?3, 'cHVibGljLWtleQ', 'multiDevice', 'Matrix key')").bind(id, world.logins.holder.id, `matrix-${id}`).run();
  return id;
}

/** A well-formed WebAuthn answer to a challenge the portal never issued. */
const clientData = (type: string) => btoa(JSON.stringify({ type, challenge: 'bm90LWlzc3VlZC1ieS10aGUtcG9ydGFs', origin: 'http://localhost:8787' })).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
const strayAssertion = { id: 'bWF0cml4LWtleQ', rawId: 'bWF0cml4LWtleQ', type: 'public-key', response: { clientDataJSON: clientData('webauthn.get'), authenticatorData: 'AAAA', signature: 'AAAA' } };
const strayRegistration = { id: 'bWF0cml4LWtleQ', rawId: 'bWF0cml4LWtleQ', type: 'public-key', response: { clientDataJSON: clientData('webauthn.create'), attestationObject: 'AAAA' } };

/** An invitation to account A (open, or lapsed 8 days ago) and its code; each caller gets its own. */
async function invitationToA(world: World, state: 'open' | 'lapsed') {
  const id = crypto.randomUUID();
  const { code, hash } = await newInvitationCode(env.LINK_SIGNING_SECRET, id);
  const expires = new Date(Date.now() + (state === 'open' ? 1 : -1) * 86_400_000).toISOString();
  await env.DB.prepare(
    'INSERT INTO delegate_invitations (id, account_id, invited_by, email, token_hash, can_view_usage, can_view_billing, can_pay, can_manage, can_receive_alerts, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, 0, 0, 0, 0, ?6)',
  )
    .bind(id, world.a.id, world.logins.holder.id, `invited-${id}@family.example`, hash, expires)
    .run();
  return { id, code };
}

/** A delegate of account A with the usage right, for the matrix to change or end: each caller gets its own. */
async function delegateOfA(world: World) {
  const id = crypto.randomUUID();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO logins (id, email, email_verified_at, password_hash, role) VALUES (?1, ?2, '2026-01-01T00:00:00Z', 'test:no-password', 'customer')").bind(id, `delegate-${id}@family.example`),
    env.DB.prepare("INSERT INTO account_access (login_id, account_id, relationship, can_view_usage) VALUES (?1, ?2, 'delegate', 1)").bind(id, world.a.id),
  ]);
  return id;
}

/** The matrix's delegate of A holding no right, back in place after a caller before left. */
async function matrixDelegateBack(world: World) {
  await env.DB.prepare("INSERT OR IGNORE INTO account_access (login_id, account_id, relationship, can_view_usage) VALUES (?1, ?2, 'delegate', 0)").bind(world.logins.delegate_without_right.id, world.a.id).run();
}

/** A Connect My Data application (one for the whole matrix) and a live authorisation of it on account A: each caller gets its own. */
const matrixApp = 'matrix-app';
async function authorizationOfA(world: World) {
  await env.DB.prepare("INSERT OR IGNORE INTO cmd_applications (id, name, organisation, purpose, client_secret_hash, redirect_uris, notify_uri, scope, status) VALUES (?1, 'Matrix App', 'Matrix Inc.', 'Testing who may do what.', 'x', '[\"https://matrix.example/cb\"]', 'https://matrix.example/notify', 'FB=1_4;IntervalDuration=900;HistoryLength=8640000', 'production')").bind(matrixApp).run();
  const id = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO cmd_authorizations (id, application_id, account_id, granted_by, subscription_id, scope, meter_ids, data_from, ends_at) VALUES (?1, ?2, ?3, ?4, ?5, 'FB=1_4;IntervalDuration=900;HistoryLength=8640000', ?6, '2026-01-01', '2999-01-01T00:00:00.000Z')")
    .bind(id, matrixApp, world.a.id, world.logins.holder.id, `sub-${id.slice(0, 8)}`, JSON.stringify([world.a.meterId]))
    .run();
  return id;
}

/** Account A's service point, with any request the matrix left open on it withdrawn (one open request per address). */
async function pointOfA(world: World) {
  const row = await env.DB.prepare('SELECT service_point_id AS id FROM meters WHERE id = ?1').bind(world.a.meterId).first<{ id: string }>();
  await env.DB.prepare("UPDATE service_requests SET state = 'withdrawn' WHERE service_point_id = ?1 AND state = 'submitted'").bind(row!.id).run();
  return row!.id;
}

const daysAhead = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** A request waiting in the queue: a stop of account A by its holder, or a newcomer's start; each caller gets its own. */
async function serviceRequestOf(world: World, kind: 'stop' | 'start') {
  const id = crypto.randomUUID();
  if (kind === 'stop') {
    const point = await pointOfA(world);
    await env.DB.prepare("INSERT INTO service_requests (id, kind, account_id, login_id, service_point_id, stop_on) VALUES (?1, 'stop', ?2, ?3, ?4, ?5)").bind(id, world.a.id, world.logins.holder.id, point, daysAhead(10)).run();
  } else {
    await env.DB.prepare("INSERT INTO service_requests (id, kind, start_on, new_street, new_city, new_postal_code, contact_name, contact_email, contact_phone) VALUES (?1, 'start', ?2, '3 Fern Court', 'Alder Creek', '95990', 'Matrix Newcomer', ?3, '+12095550188')").bind(id, daysAhead(10), `newcomer-${id}@family.example`).run();
  }
  return id;
}

const statusCode = (world: World) => `${world.requests.verified}.${world.statusTokens[world.requests.verified]}`;

export const matrixRequests: Record<string, Builder> = {
  'GET /api/health': () => ({ method: 'GET', path: '/api/health' }),
  'GET /api/consent': () => ({ method: 'GET', path: '/api/consent' }),
  'POST /api/consent': () => ({ method: 'POST', path: '/api/consent', json: { method: 'banner', preferences: false, analytics: false } }),
  'DELETE /api/consent': () => ({ method: 'DELETE', path: '/api/consent' }),
  'POST /api/consent/withdraw': () => ({ method: 'POST', path: '/api/consent/withdraw', json: {} }),
  'POST /api/visits': () => ({ method: 'POST', path: '/api/visits', text: JSON.stringify({ t: 'view', p: '/' }), consent: true }),
  'GET /api/requests/form': () => ({ method: 'GET', path: '/api/requests/form' }),
  'POST /api/requests': async (w) => ({
    method: 'POST',
    path: '/api/requests',
    json: { formToken: (await (await exports.default.fetch(new Request(`${ORIGIN}/api/requests/form`))).json<{ formToken: string }>()).formToken, type: 'know', submittedBy: 'self', fullName: w.a.holderName, declarationName: w.a.holderName, email: 'contact@contact.example', accountNumber: w.a.number, declarationTrue: true },
  }),
  'POST /api/requests/verify': (w) => ({ method: 'POST', path: '/api/requests/verify', json: { code: `${w.requests.verifying}.bm9uY2U.9999999999.c2ln` } }),
  'POST /api/requests/status': (w) => ({ method: 'POST', path: '/api/requests/status', json: { code: statusCode(w) } }),
  'POST /api/requests/package': (w) => ({ method: 'POST', path: '/api/requests/package', json: { code: `${w.requests.verified}.9999999999.c2ln` } }),
  'GET /api/staff/requests': () => ({ method: 'GET', path: '/api/staff/requests' }),
  'GET /api/staff/requests/:id': (w) => ({ method: 'GET', path: `/api/staff/requests/${w.requests.verified}` }),
  'POST /api/staff/requests/:id/start': async (w) => ({ method: 'POST', path: `/api/staff/requests/${await requestIn(w, 'verified')}/start`, json: { note: 'Matrix' } }),
  'POST /api/staff/requests/:id/extend': async (w) => ({ method: 'POST', path: `/api/staff/requests/${await requestIn(w, 'verified')}/extend`, json: { days: 10, reason: 'We need the billing archive.' } }),
  'POST /api/staff/requests/:id/refuse': async (w) => ({ method: 'POST', path: `/api/staff/requests/${await requestIn(w, 'verified')}/refuse`, json: { reason: 'We could not match the account.' } }),
  'POST /api/staff/requests/:id/fulfil': async (w) => ({ method: 'POST', path: `/api/staff/requests/${await requestIn(w, 'in_progress')}/fulfil`, json: {} }),
  'POST /api/staff/requests/:id/correction': async (w) => ({ method: 'POST', path: `/api/staff/requests/${await requestIn(w, 'in_progress', 'correction')}/correction`, json: { decision: 'refuse', reason: 'The city on file is right.' } }),
  'GET /api/staff/customers': (w) => ({ method: 'GET', path: `/api/staff/customers?accountNumber=${w.a.number}` }),
  // An account number of its own each time: failed proofs are counted per number, and seven in a row would lock it.
  'POST /api/accounts/register': () => ({ method: 'POST', path: '/api/accounts/register', json: { accountNumber: String(7_000_000_000 + ++registrations), serviceZip: '95990', lastBillAmount: '1.00', email: 'new@register.example', password: 'a long and quiet river' } }),
  'POST /api/accounts/verify-email': () => ({ method: 'POST', path: '/api/accounts/verify-email', json: { token: 'not.a.token' } }),
  'POST /api/accounts/login': (w) => ({ method: 'POST', path: '/api/accounts/login', json: { email: w.logins.holder.email, password: 'not the password' } }),
  'POST /api/accounts/login/second-factor': () => ({ method: 'POST', path: '/api/accounts/login/second-factor', json: { code: '123456' } }),
  'POST /api/accounts/logout': () => ({ method: 'POST', path: '/api/accounts/logout', json: {} }),
  'POST /api/accounts/logout-everywhere': () => ({ method: 'POST', path: '/api/accounts/logout-everywhere', json: {} }),
  'GET /api/accounts/me': () => ({ method: 'GET', path: '/api/accounts/me' }),
  'GET /api/accounts/sessions': () => ({ method: 'GET', path: '/api/accounts/sessions' }),
  'POST /api/accounts/sessions/end': () => ({ method: 'POST', path: '/api/accounts/sessions/end', json: { scope: 'others' } }),
  'POST /api/accounts/password': () => ({ method: 'POST', path: '/api/accounts/password', json: { currentPassword: 'not the password', newPassword: 'a long and quiet river' } }),
  'POST /api/accounts/password/forgot': (w) => ({ method: 'POST', path: '/api/accounts/password/forgot', json: { email: w.logins.holder.email } }),
  'POST /api/accounts/password/reset': () => ({ method: 'POST', path: '/api/accounts/password/reset', json: { token: 'not.a.token', password: 'a long and quiet river' } }),
  'POST /api/accounts/email': () => ({ method: 'POST', path: '/api/accounts/email', json: { newEmail: 'moved@new.example', currentPassword: 'not the password' } }),
  'POST /api/accounts/email/confirm': () => ({ method: 'POST', path: '/api/accounts/email/confirm', json: { token: 'not.a.token' } }),
  'GET /api/accounts/profile': (w) => ({ method: 'GET', path: `/api/accounts/profile?account=${w.a.id}` }),
  'POST /api/accounts/language': () => ({ method: 'POST', path: '/api/accounts/language', json: { locale: 'en' } }),
  'POST /api/accounts/profile': (w) => ({ method: 'POST', path: '/api/accounts/profile', json: { account: w.a.id, displayName: 'Changed by the matrix' } }),
  'GET /api/accounts/passkeys': () => ({ method: 'GET', path: '/api/accounts/passkeys' }),
  'POST /api/accounts/passkeys/register/options': () => ({ method: 'POST', path: '/api/accounts/passkeys/register/options', json: {} }),
  'POST /api/accounts/passkeys/register': () => ({ method: 'POST', path: '/api/accounts/passkeys/register', json: { name: 'Matrix key', credential: strayRegistration } }),
  'POST /api/accounts/passkeys/rename': async (w) => ({ method: 'POST', path: '/api/accounts/passkeys/rename', json: { passkey: await passkeyOfHolder(w), name: 'Renamed by the matrix' } }),
  'POST /api/accounts/passkeys/remove': async (w) => ({ method: 'POST', path: '/api/accounts/passkeys/remove', json: { passkey: await passkeyOfHolder(w) } }),
  'POST /api/accounts/passkeys/sign-in/options': () => ({ method: 'POST', path: '/api/accounts/passkeys/sign-in/options', json: {} }),
  'POST /api/accounts/passkeys/sign-in': () => ({ method: 'POST', path: '/api/accounts/passkeys/sign-in', json: { credential: strayAssertion } }),
  'POST /api/accounts/passkeys/proof/options': () => ({ method: 'POST', path: '/api/accounts/passkeys/proof/options', json: { purpose: 'step_up' } }),
  'POST /api/accounts/login/recovery-code': () => ({ method: 'POST', path: '/api/accounts/login/recovery-code', json: { recoveryCode: 'AAAA-AAAA-AAAA-AAAA' } }),
  'POST /api/accounts/login/second-factor/passkey': () => ({ method: 'POST', path: '/api/accounts/login/second-factor/passkey', json: { credential: strayAssertion } }),
  'POST /api/accounts/step-up': () => ({ method: 'POST', path: '/api/accounts/step-up', json: { code: '000000', return: '/account/security/' } }),
  'POST /api/accounts/step-up/passkey': () => ({ method: 'POST', path: '/api/accounts/step-up/passkey', json: { credential: strayAssertion } }),
  'POST /api/accounts/totp/start': () => ({ method: 'POST', path: '/api/accounts/totp/start', json: {} }),
  // No set-up in progress for anyone (an earlier row may have started one): the same answer for every caller.
  'POST /api/accounts/totp/confirm': async () => {
    await env.DB.prepare('DELETE FROM totp_enrolments').run();
    return { method: 'POST', path: '/api/accounts/totp/confirm', json: { code: '000000' } };
  },
  'POST /api/accounts/totp/remove': () => ({ method: 'POST', path: '/api/accounts/totp/remove', json: {} }),
  // A's holder holds a passkey, so has a second factor for codes to stand in for; the other callers have none.
  'POST /api/accounts/recovery-codes': async (w) => {
    await passkeyOfHolder(w);
    return { method: 'POST', path: '/api/accounts/recovery-codes', json: {} };
  },
  'POST /api/accounts/sessions/end-by-link': () => ({ method: 'POST', path: '/api/accounts/sessions/end-by-link', json: { token: 'A'.repeat(43) } }),
  'GET /api/usage/meters': () => ({ method: 'GET', path: '/api/usage/meters' }),
  'GET /api/usage/meters/:meterId/series': (w) => ({ method: 'GET', path: `/api/usage/meters/${w.a.meterId}/series?from=2026-10-01&to=2026-10-03` }),
  'GET /api/usage/meters/:meterId/export.csv': (w) => ({ method: 'GET', path: `/api/usage/meters/${w.a.meterId}/export.csv?from=2026-10-01&to=2026-10-03` }),
  'GET /api/usage/meters/:meterId/export.xml': (w) => ({ method: 'GET', path: `/api/usage/meters/${w.a.meterId}/export.xml?from=2026-10-01&to=2026-10-03` }),
  'GET /api/alerts': () => ({ method: 'GET', path: '/api/alerts' }),
  'GET /api/alerts/settings': (w) => ({ method: 'GET', path: `/api/alerts/settings?account=${w.a.id}` }),
  'POST /api/alerts/settings': (w) => ({ method: 'POST', path: '/api/alerts/settings', json: { account: w.a.id, kind: 'water', dayThreshold: 400 } }),
  'GET /api/alerts/:alertId': (w) => ({ method: 'GET', path: `/api/alerts/${w.a.alertId}` }),
  'POST /api/alerts/:alertId/answer': (w) => ({ method: 'POST', path: `/api/alerts/${w.a.alertId}/answer`, json: { answer: 'fixed' } }),
  'POST /api/alerts/:alertId/actions': (w) => ({ method: 'POST', path: `/api/alerts/${w.a.alertId}/actions`, json: { action: 'toilet_repair' } }),
  'GET /api/staff/alerts/counts': () => ({ method: 'GET', path: '/api/staff/alerts/counts' }),
  'GET /api/staff/alerts/help': () => ({ method: 'GET', path: '/api/staff/alerts/help' }),
  'GET /api/staff/alerts/help/:id': (w) => ({ method: 'GET', path: `/api/staff/alerts/help/${w.a.helpItemId}` }),
  // A fresh open help request each time, so that every caller allowed to close one finds it open.
  'POST /api/staff/alerts/help/:id/close': async (w) => ({ method: 'POST', path: `/api/staff/alerts/help/${(await givenHelpRequest(w.a.id, w.a.meterId)).helpItemId}/close`, json: { note: 'Called back' } }),
  'GET /api/staff/alerts/customer': (w) => ({ method: 'GET', path: `/api/staff/alerts/customer?accountNumber=${w.a.number}` }),
  'GET /api/preferences': (w) => ({ method: 'GET', path: `/api/preferences?account=${w.a.id}` }),
  'POST /api/preferences': (w) => ({ method: 'POST', path: '/api/preferences', json: { account: w.a.id, recipients: ['me'], 'me.continuous_flow': true, 'me.newsletter': true } }),
  'POST /api/preferences/recipients': (w) => ({ method: 'POST', path: '/api/preferences/recipients', json: { account: w.a.id, channel: 'email', address: `invited-${++invitations}@family.example`, name: 'Matrix' } }),
  'POST /api/preferences/recipients/remove': async (w) => ({ method: 'POST', path: '/api/preferences/recipients/remove', json: { account: w.a.id, recipient: await recipientOfA(w, 'confirmed') } }),
  'POST /api/preferences/recipients/resend': async (w) => ({ method: 'POST', path: '/api/preferences/recipients/resend', json: { account: w.a.id, recipient: await recipientOfA(w, 'pending') } }),
  // A number of its own each time, as for registration: failed proofs are counted per number.
  'POST /api/subscriptions/sign-up': () => ({ method: 'POST', path: '/api/subscriptions/sign-up', json: { accountNumber: String(7_100_000_000 + ++registrations), serviceZip: '95990', lastBillAmount: '1.00', channel: 'email', address: 'new@signup.example' } }),
  'POST /api/subscriptions/confirm': () => ({ method: 'POST', path: '/api/subscriptions/confirm', json: { code: '00000000-0000-4000-8000-000000000000.bm90IGEgcmVhbCBzZWNyZXQ' } }),
  'POST /api/subscriptions/unsubscribe': () => ({ method: 'POST', path: '/api/subscriptions/unsubscribe', json: { code: '00000000-0000-4000-8000-000000000000.newsletter.zzzzzz.AAAA' } }),
  'POST /api/sms/inbound': () => ({ method: 'POST', path: '/api/sms/inbound', json: { From: '+12095550123', Body: 'STOP' } }),
  'POST /api/ingest/batches': () => ({ method: 'POST', path: '/api/ingest/batches', json: { batchId: 'matrix-1', accounts: [] } }),
  'GET /api/openapi.json': () => ({ method: 'GET', path: '/api/openapi.json' }),
  'GET /api/docs': () => ({ method: 'GET', path: '/api/docs' }),
  'PUT /api/ingest/bills/:billId/document': (w) => ({ method: 'PUT', path: `/api/ingest/bills/${w.a.billId}/document`, text: '%PDF-1.4 matrix %%EOF' }),
  'GET /api/billing/overview': () => ({ method: 'GET', path: '/api/billing/overview' }),
  'GET /api/billing/accounts/:accountId/bills': (w) => ({ method: 'GET', path: `/api/billing/accounts/${w.a.id}/bills` }),
  'GET /api/billing/accounts/:accountId/payments': (w) => ({ method: 'GET', path: `/api/billing/accounts/${w.a.id}/payments` }),
  'GET /api/billing/accounts/:accountId/adjustments': (w) => ({ method: 'GET', path: `/api/billing/accounts/${w.a.id}/adjustments` }),
  'GET /api/billing/bills/:billId': (w) => ({ method: 'GET', path: `/api/billing/bills/${w.a.billId}` }),
  'GET /api/billing/bills/:billId/document': (w) => ({ method: 'GET', path: `/api/billing/bills/${w.a.billId}/document` }),
  'POST /api/payments/checkout': (w) => ({ method: 'POST', path: '/api/payments/checkout', json: { account: w.a.id, amount: '25.00' } }),
  'POST /api/payments/autopay': (w) => ({ method: 'POST', path: '/api/payments/autopay', json: { account: w.a.id } }),
  'POST /api/payments/autopay/end': (w) => ({ method: 'POST', path: '/api/payments/autopay/end', json: { account: w.a.id } }),
  'POST /api/payments/paperless': (w) => ({ method: 'POST', path: '/api/payments/paperless', json: { account: w.a.id, paperless: 'on' } }),
  'POST /api/payments/guest/lookup': (w) => ({ method: 'POST', path: '/api/payments/guest/lookup', json: { accountNumber: w.a.number, serviceZip: '95990' } }),
  'POST /api/payments/guest/checkout': (w) => ({ method: 'POST', path: '/api/payments/guest/checkout', json: { accountNumber: w.a.number, serviceZip: '95990', amount: '25.00' } }),
  'POST /api/payments/webhook': () => ({ method: 'POST', path: '/api/payments/webhook', json: { id: 'evt_matrix', type: 'checkout.session.completed', created: 1, data: { object: {} } } }),
  'GET /dev/third-party/': () => ({ method: 'GET', path: '/dev/third-party/' }),
  'GET /dev/third-party/start': () => ({ method: 'GET', path: '/dev/third-party/start' }),
  'GET /dev/third-party/callback': () => ({ method: 'GET', path: '/dev/third-party/callback?state=forged&code=forged' }),
  'POST /dev/third-party/fetch': () => ({ method: 'POST', path: '/dev/third-party/fetch', json: { session: 'forged' } }),
  'POST /dev/third-party/notify': () => ({ method: 'POST', path: '/dev/third-party/notify', text: '<espi:BatchList xmlns:espi="http://naesb.org/espi"/>' }),
  'GET /api/connect/authorize': () => ({ method: 'GET', path: `/api/connect/authorize?response_type=code&client_id=unregistered&redirect_uri=${encodeURIComponent('https://matrix.example/cb')}&code_challenge=${'A'.repeat(43)}&code_challenge_method=S256` }),
  'POST /api/connect/authorize': (w) => ({ method: 'POST', path: '/api/connect/authorize', json: { request: 'not-a-request', decision: 'allow', meter: [w.a.meterId], block: [4] } }),
  'POST /api/connect/token': () => ({ method: 'POST', path: '/api/connect/token', json: { grant_type: 'authorization_code', code: 'x' } }),
  'POST /api/connect/revoke': () => ({ method: 'POST', path: '/api/connect/revoke', json: { token: 'x' } }),
  'POST /api/connect/authorizations/revoke': async (w) => ({ method: 'POST', path: '/api/connect/authorizations/revoke', json: { authorization: await authorizationOfA(w) } }),
  ...Object.fromEntries(espiResources.map((r) => [`GET ${ESPI_PREFIX}${r.path}`, (w: World) => ({ method: 'GET', path: `${ESPI_PREFIX}${r.path.replace(/:[A-Za-z]+/g, (p) => (p === ':intervalBlockId' ? '20261001' : p === ':meterReadingId' ? '1' : w.a.meterId))}` })])),
  'GET /api/staff/connect/applications': () => ({ method: 'GET', path: '/api/staff/connect/applications' }),
  'POST /api/staff/connect/applications': () => ({ method: 'POST', path: '/api/staff/connect/applications', json: { name: 'Matrix Registered', organisation: 'Matrix Inc.', purpose: 'Registering an application in the matrix.', redirectUris: ['https://matrix.example/cb'], notifyUri: 'https://matrix.example/notify', scope: 'FB=1_4;IntervalDuration=900;HistoryLength=8640000' } }),
  'POST /api/staff/connect/applications/:id/status': async (w) => {
    await authorizationOfA(w);
    return { method: 'POST', path: `/api/staff/connect/applications/${matrixApp}/status`, json: { status: 'production' } };
  },
  'POST /api/staff/connect/authorizations/:id/revoke': async (w) => ({ method: 'POST', path: `/api/staff/connect/authorizations/${await authorizationOfA(w)}/revoke`, json: {} }),
  'GET /.well-known/security.txt': () => ({ method: 'GET', path: '/.well-known/security.txt' }),
  'GET /.well-known/gpc.json': () => ({ method: 'GET', path: '/.well-known/gpc.json' }),
  'GET /.well-known/jwks.json': () => ({ method: 'GET', path: '/.well-known/jwks.json' }),
  'ALL /api/*': () => ({ method: 'GET', path: '/api/no-such-route' }),
  'ALL /.well-known/*': () => ({ method: 'GET', path: '/.well-known/no-such-file' }),
  'GET /login/': () => ({ method: 'GET', path: '/login/' }),
  'GET /login/second-factor/': () => ({ method: 'GET', path: '/login/second-factor/' }),
  'GET /register/': () => ({ method: 'GET', path: '/register/' }),
  'GET /password/forgot/': () => ({ method: 'GET', path: '/password/forgot/' }),
  'GET /register/verify/': () => ({ method: 'GET', path: '/register/verify/' }),
  'GET /password/reset/': () => ({ method: 'GET', path: '/password/reset/' }),
  'GET /account/email/confirm/': () => ({ method: 'GET', path: '/account/email/confirm/' }),
  'GET /account/': () => ({ method: 'GET', path: '/account/' }),
  'GET /account/profile/': (w) => ({ method: 'GET', path: `/account/profile/?account=${w.a.id}` }),
  'GET /account/security/': () => ({ method: 'GET', path: '/account/security/' }),
  'GET /account/security/totp/': () => ({ method: 'GET', path: '/account/security/totp/' }),
  'GET /account/security/recovery-codes/': () => ({ method: 'GET', path: '/account/security/recovery-codes/' }),
  'GET /account/confirm/': () => ({ method: 'GET', path: '/account/confirm/?return=%2Faccount%2Fsecurity%2F' }),
  'GET /account/end-session/': () => ({ method: 'GET', path: '/account/end-session/' }),
  'GET /account/preferences/': (w) => ({ method: 'GET', path: `/account/preferences/?account=${w.a.id}` }),
  'GET /api/sharing': () => ({ method: 'GET', path: '/api/sharing' }),
  'GET /api/sharing/accounts/:account': (w) => ({ method: 'GET', path: `/api/sharing/accounts/${w.a.id}` }),
  'POST /api/sharing/invitations': (w) => ({ method: 'POST', path: '/api/sharing/invitations', json: { account: w.a.id, email: `invited-${crypto.randomUUID()}@family.example`, usage: true } }),
  'POST /api/sharing/invitations/withdraw': async (w) => ({ method: 'POST', path: '/api/sharing/invitations/withdraw', json: { account: w.a.id, invitation: (await invitationToA(w, 'open')).id } }),
  'POST /api/sharing/invitations/register': async (w) => ({ method: 'POST', path: '/api/sharing/invitations/register', json: { code: (await invitationToA(w, 'lapsed')).code, password: 'a quiet river at dawn' } }),
  'POST /api/sharing/invitations/accept': async (w) => ({ method: 'POST', path: '/api/sharing/invitations/accept', json: { code: (await invitationToA(w, 'lapsed')).code } }),
  'POST /api/sharing/delegates': async (w) => ({ method: 'POST', path: '/api/sharing/delegates', json: { account: w.a.id, delegate: await delegateOfA(w), usage: true, billing: true } }),
  'POST /api/sharing/delegates/end': async (w) => ({ method: 'POST', path: '/api/sharing/delegates/end', json: { account: w.a.id, delegate: await delegateOfA(w) } }),
  'POST /api/sharing/leave': async (w) => {
    await matrixDelegateBack(w);
    return { method: 'POST', path: '/api/sharing/leave', json: { account: w.a.id } };
  },
  'GET /account/sharing/': (w) => ({ method: 'GET', path: `/account/sharing/?account=${w.a.id}` }),
  'GET /api/messages': () => ({ method: 'GET', path: '/api/messages' }),
  'POST /api/messages': (w) => ({ method: 'POST', path: '/api/messages', json: { account: w.a.id, subject: 'A question', topic: 'billing', body: 'Hello support' } }),
  'GET /api/messages/attachments/:id': (w) => ({ method: 'GET', path: `/api/messages/attachments/${w.a.attachmentId}` }),
  'GET /api/messages/:id': (w) => ({ method: 'GET', path: `/api/messages/${w.a.conversationId}` }),
  'POST /api/messages/:id/reply': (w) => ({ method: 'POST', path: `/api/messages/${w.a.conversationId}/reply`, json: { body: 'One more thing' } }),
  'GET /api/staff/messages': () => ({ method: 'GET', path: '/api/staff/messages?view=open' }),
  'GET /api/staff/messages/:id': (w) => ({ method: 'GET', path: `/api/staff/messages/${w.a.conversationId}` }),
  'POST /api/staff/messages/:id/assign': (w) => ({ method: 'POST', path: `/api/staff/messages/${w.a.conversationId}/assign`, json: {} }),
  'POST /api/staff/messages/:id/reply': (w) => ({ method: 'POST', path: `/api/staff/messages/${w.a.conversationId}/reply`, json: { body: 'We are looking into it.' } }),
  'POST /api/staff/messages/:id/close': async (w) => ({ method: 'POST', path: `/api/staff/messages/${(await givenConversation(w.a.id)).conversationId}/close`, json: {} }),
  'GET /account/messages/': () => ({ method: 'GET', path: '/account/messages/' }),
  'GET /api/programs/applications': () => ({ method: 'GET', path: '/api/programs/applications' }),
  'POST /api/programs/applications': (w) => ({ method: 'POST', path: '/api/programs/applications', json: { program: 'home-water-checkup', account: w.a.id, answers: { 'last-visit': 'no', 'time-of-day': 'morning', sprinklers: 'yes' } } }),
  'GET /api/programs/applications/:id': (w) => ({ method: 'GET', path: `/api/programs/applications/${w.a.applicationId}` }),
  // Each caller answers a fresh request for more information (an answer moves the application back to staff).
  'POST /api/programs/applications/:id/respond': async (w) => ({ method: 'POST', path: `/api/programs/applications/${(await givenApplication(w.a.id, 'need_info')).applicationId}/respond`, json: { note: 'The model is WS-128.' } }),
  // Each caller withdraws a fresh application of A's that staff have not decided (a withdrawal is final).
  'POST /api/programs/applications/:id/withdraw': async (w) => ({ method: 'POST', path: `/api/programs/applications/${(await givenApplication(w.a.id, 'submitted')).applicationId}/withdraw`, json: { confirm: true } }),
  'GET /api/programs/documents/:id': (w) => ({ method: 'GET', path: `/api/programs/documents/${w.a.documentId}` }),
  'GET /api/staff/programs': () => ({ method: 'GET', path: '/api/staff/programs?view=submitted' }),
  'GET /api/staff/programs/:id': (w) => ({ method: 'GET', path: `/api/staff/programs/${w.a.applicationId}` }),
  'POST /api/staff/programs/:id/need-info': async (w) => ({ method: 'POST', path: `/api/staff/programs/${(await givenApplication(w.a.id, 'submitted')).applicationId}/need-info`, json: { note: 'Which model is it?' } }),
  'POST /api/staff/programs/:id/approve': async (w) => ({ method: 'POST', path: `/api/staff/programs/${(await givenApplication(w.a.id, 'submitted')).applicationId}/approve`, json: {} }),
  'POST /api/staff/programs/:id/deny': async (w) => ({ method: 'POST', path: `/api/staff/programs/${(await givenApplication(w.a.id, 'submitted')).applicationId}/deny`, json: { reason: 'The model is not WaterSense labelled.' } }),
  'POST /api/staff/programs/:id/pay': async (w) => ({ method: 'POST', path: `/api/staff/programs/${(await givenApplication(w.a.id, 'approved')).applicationId}/pay`, json: { amount: '75.00', paidBy: 'cheque' } }),
  'GET /account/programs/': () => ({ method: 'GET', path: '/account/programs/' }),
  'GET /account/programs/apply/:program/': () => ({ method: 'GET', path: '/account/programs/apply/efficient-toilet/' }),
  'GET /account/programs/application/': (w) => ({ method: 'GET', path: `/account/programs/application/?id=${w.a.applicationId}` }),
  'GET /staff/programs/': () => ({ method: 'GET', path: '/staff/programs/?view=need_info' }),
  'GET /staff/reports/': () => ({ method: 'GET', path: '/staff/reports/' }),
  'GET /staff/programs/application/': (w) => ({ method: 'GET', path: `/staff/programs/application/?id=${w.a.applicationId}` }),
  'GET /account/messages/conversation/': (w) => ({ method: 'GET', path: `/account/messages/conversation/?id=${w.a.conversationId}` }),
  'GET /staff/messages/': () => ({ method: 'GET', path: '/staff/messages/?view=open' }),
  'GET /staff/messages/conversation/': (w) => ({ method: 'GET', path: `/staff/messages/conversation/?id=${w.a.conversationId}` }),
  'GET /account/sharing/accept/': () => ({ method: 'GET', path: '/account/sharing/accept/' }),
  'POST /api/services/start': () => ({
    method: 'POST',
    path: '/api/services/start',
    json: { contactName: 'Matrix Newcomer', contactEmail: `newcomer-${crypto.randomUUID()}@family.example`, contactPhone: '(209) 555-0188', newStreet: '3 Fern Court', newCity: 'Alder Creek', newPostalCode: '95990', startOn: daysAhead(10) },
  }),
  'GET /api/services': () => ({ method: 'GET', path: '/api/services' }),
  'POST /api/services/stop': async (w) => ({ method: 'POST', path: '/api/services/stop', json: { account: w.a.id, servicePoint: await pointOfA(w), stopOn: daysAhead(10) } }),
  'POST /api/services/move': async (w) => ({
    method: 'POST',
    path: '/api/services/move',
    json: { account: w.a.id, servicePoint: await pointOfA(w), stopOn: daysAhead(10), startOn: daysAhead(11), newStreet: '8 Willow Lane', newCity: 'Alder Creek', newPostalCode: '95990' },
  }),
  'POST /api/services/withdraw': async (w) => ({ method: 'POST', path: '/api/services/withdraw', json: { request: await serviceRequestOf(w, 'stop') } }),
  'GET /api/staff/services': () => ({ method: 'GET', path: '/api/staff/services' }),
  'POST /api/staff/services/confirm': async (w) => ({ method: 'POST', path: '/api/staff/services/confirm', json: { request: await serviceRequestOf(w, 'start') } }),
  'POST /api/staff/services/refuse': async (w) => ({ method: 'POST', path: '/api/staff/services/refuse', json: { request: await serviceRequestOf(w, 'start'), reason: 'We could not confirm who you are.' } }),
  'GET /account/services/': () => ({ method: 'GET', path: '/account/services/' }),
  'GET /services/start/': () => ({ method: 'GET', path: '/services/start/' }),
  'GET /staff/services/': () => ({ method: 'GET', path: '/staff/services/' }),
  'GET /alerts/sign-up/': () => ({ method: 'GET', path: '/alerts/sign-up/' }),
  'GET /alerts/confirm/': () => ({ method: 'GET', path: '/alerts/confirm/' }),
  'GET /unsubscribe/': () => ({ method: 'GET', path: '/unsubscribe/' }),
  'GET /unsubscribe/:token': () => ({ method: 'GET', path: '/unsubscribe/00000000-0000-4000-8000-000000000000.newsletter.zzzzzz.AAAA' }),
  'POST /unsubscribe/:token': () => ({ method: 'POST', path: '/unsubscribe/00000000-0000-4000-8000-000000000000.newsletter.zzzzzz.AAAA', json: {} }),
  'GET /account/alerts/': () => ({ method: 'GET', path: '/account/alerts/' }),
  'GET /account/alerts/alert/': (w) => ({ method: 'GET', path: `/account/alerts/alert/?id=${w.a.alertId}` }),
  'GET /account/alerts/settings/': (w) => ({ method: 'GET', path: `/account/alerts/settings/?account=${w.a.id}` }),
  'GET /account/bills/': (w) => ({ method: 'GET', path: `/account/bills/?account=${w.a.id}` }),
  'GET /account/bills/detail/': (w) => ({ method: 'GET', path: `/account/bills/detail/?bill=${w.a.billId}` }),
  'GET /account/bills/payments/': (w) => ({ method: 'GET', path: `/account/bills/payments/?account=${w.a.id}` }),
  'GET /account/pay/': (w) => ({ method: 'GET', path: `/account/pay/?account=${w.a.id}` }),
  'GET /account/pay/return/': () => ({ method: 'GET', path: '/account/pay/return/?payment=pi_matrix_unknown' }),
  'GET /pay/': () => ({ method: 'GET', path: '/pay/' }),
  'GET /pay/confirm/': () => ({ method: 'GET', path: '/pay/confirm/' }),
  'GET /pay/return/': () => ({ method: 'GET', path: '/pay/return/' }),
  'GET /dev/processor/checkout/:id': () => ({ method: 'GET', path: '/dev/processor/checkout/cs_test_forged' }),
  'POST /dev/processor/checkout/:id': () => ({ method: 'POST', path: '/dev/processor/checkout/cs_test_forged', json: { action: 'pay' } }),
  'GET /dev/outbox/': () => ({ method: 'GET', path: '/dev/outbox/' }),
  'POST /dev/sms/reply': () => ({ method: 'POST', path: '/dev/sms/reply', json: { from: '+12095550123', body: 'HELP' } }),
  'GET /privacy/request/': () => ({ method: 'GET', path: '/privacy/request/' }),
  'GET /privacy/request/status/': () => ({ method: 'GET', path: '/privacy/request/status/' }),
  'POST /privacy/request/status/': (w) => ({ method: 'POST', path: '/privacy/request/status/', json: { code: statusCode(w) } }),
  'GET /privacy/request/verify/': () => ({ method: 'GET', path: '/privacy/request/verify/' }),
  'GET /privacy/request/package/': () => ({ method: 'GET', path: '/privacy/request/package/' }),
  'GET /privacy/request-metrics/': () => ({ method: 'GET', path: '/privacy/request-metrics/' }),
  'GET /privacy/request-metrics.csv': () => ({ method: 'GET', path: '/privacy/request-metrics.csv' }),
  'GET /staff/connect/': () => ({ method: 'GET', path: '/staff/connect/' }),
  'GET /account/sharing/authorize/': () => ({ method: 'GET', path: '/account/sharing/authorize/?request=not-a-request' }),
  'GET /account/sharing/applications/': () => ({ method: 'GET', path: '/account/sharing/applications/' }),
  'GET /staff/': () => ({ method: 'GET', path: '/staff/' }),
  'GET /staff/request/': (w) => ({ method: 'GET', path: `/staff/request/?id=${w.requests.verified}` }),
  'GET /staff/customers/': (w) => ({ method: 'GET', path: `/staff/customers/?accountNumber=${w.a.number}` }),
  'GET /staff/alerts/': (w) => ({ method: 'GET', path: `/staff/alerts/?accountNumber=${w.a.number}` }),
  'GET /staff/alerts/help/': (w) => ({ method: 'GET', path: `/staff/alerts/help/?id=${w.a.helpItemId}` }),
  'ALL /*': () => ({ method: 'GET', path: '/' }),
};

/** Sends a route's matrix request as `caller` (a fresh session, a fresh client address). */
export async function sendAs(world: World, caller: MatrixCaller, request: MatrixRequest): Promise<Response> {
  return sendWithSession(world, (await cookieFor(world, caller)).cookie, request);
}

/** Sends a route's matrix request with a session cookie of any making (another utility's, say), or none. */
export async function sendWithSession(world: World, cookie: string | null, request: MatrixRequest): Promise<Response> {
  const cookies = [cookie, request.consent ? world.consentCookie : null].filter(Boolean).join('; ');
  const headers: Record<string, string> = { Origin: ORIGIN, Accept: 'application/json', 'CF-Connecting-IP': freshIp() };
  if (cookies) headers.Cookie = cookies;
  let body: string | undefined;
  if (request.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.text !== undefined) {
    headers['Content-Type'] = 'text/plain;charset=UTF-8';
    body = request.text;
  }
  return exports.default.fetch(new Request(`${ORIGIN}${request.path}`, { method: request.method, headers, body, redirect: 'manual' }));
}

/** What identifies account A and its holder: no one but those allowed may get any of it back. */
export function secretsOfA(world: World): string[] {
  return [world.a.id, world.a.meterId, world.a.number, world.logins.holder.email, world.a.holderName, `${world.a.number}@on-file.example`];
}
