/**
 * One small portal for the whole-API proofs: two customers' accounts with meters and reads, a
 * delegate holding no right, the four staff roles, privacy requests in several states and an
 * ingest client. Every caller the proofs speak as, and every id and token a generator may aim at,
 * comes from here.
 */
import { drizzle } from 'drizzle-orm/d1';
import { env, exports } from 'cloudflare:workers';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { billPdf } from '../../../db/demo/bill-pdf';
import { accountAccess, billDocuments, bills, logins, type LoginRole } from '../../../db/schema';
import { sha256Base64url } from '../../../worker/ingest/auth';
import { documentKey } from '../../../worker/ingest/bill-documents';
import { startSession, SESSION_COOKIE, type SecondFactorState } from '../../../worker/auth/sessions';
import { secondFactorsOf, stepUpStatement } from '../../../worker/auth/step-up';
import { issueFormToken } from '../../../worker/requests/form-token';
import { statusToken } from '../../../worker/requests/links';
import { givenAccount, givenUtility, uniqueId } from './sign-in';
import { givenMeter, givenReads } from './usage-fixtures';

export const ORIGIN = 'https://portal.test';

/** The callers of the authorisation matrix, in its column order. */
export const matrixCallers = ['anonymous', 'other_customer', 'delegate_without_right', 'support', 'privacy_officer', 'programs', 'admin', 'holder'] as const;
export type MatrixCaller = (typeof matrixCallers)[number];

/** Callers the generated-input test adds: cookies that look like sessions but prove nothing. */
export const fuzzCallers = [...matrixCallers, 'garbage_session', 'forged_session', 'revoked_session', 'staff_second_factor_pending'] as const;
export type FuzzCaller = (typeof fuzzCallers)[number];

export type WorldAccount = {
  id: string;
  number: string;
  meterId: string;
  holderName: string;
  /** An open leak alert on the account's meter, and a help request the holder raised about it. */
  alertId: string;
  helpItemId: string;
  /** An October bill, with its document (a PDF in R2). */
  billId: string;
  /** An open conversation with support about the account, with one attachment (a PNG in R2). */
  conversationId: string;
  attachmentId: string;
  /** A rebate application waiting on the customer (need_info), with one document (a PDF in R2). */
  applicationId: string;
  documentId: string;
};

export type World = {
  a: WorldAccount;
  b: WorldAccount;
  logins: Record<Exclude<MatrixCaller, 'anonymous'>, { id: string; email: string }>;
  /** Privacy requests about account A: one verified by the holder's session, one waiting for its link, one correction. */
  requests: { verified: string; verifying: string; correction: string };
  statusTokens: Record<string, string>;
  ingest: { clientId: string; privateJwk: JWK };
  /** A consent cookie the portal itself issued (Cookie header value). */
  consentCookie: string;
  revokedSessionCookie: string;
};

const db = () => drizzle(env.DB);
let ipCounter = 0;
/** A fresh client address, so the world's own set-up never trips a per-client throttle: each in a /64 of its own, as throttles count IPv6 clients by /64. */
export const freshIp = () => `2001:db8:${(++ipCounter).toString(16)}::1`;

async function newLogin(role: LoginRole, email = `${uniqueId(role)}@world.example`) {
  const id = uniqueId('login');
  await db().insert(logins).values({ id, email, emailVerifiedAt: new Date().toISOString(), passwordHash: 'test:no-password', role });
  return { id, email };
}

async function worldAccount(holderName: string): Promise<WorldAccount> {
  const number = holderName.startsWith('Avery') ? '5000000001' : '5000000002';
  const id = await givenAccount({ accountNumber: number, holderName, emailOnFile: `${number}@on-file.example` });
  const meter = await givenMeter({ accountId: id, occupants: 3 });
  await givenReads(meter, ['2026-10-01', '2026-10-02', '2026-10-03'], (_d, slot) => 10 + (slot % 5));
  const billId = uniqueId('bill');
  await db().insert(bills).values({ id: billId, accountId: id, periodStart: '2026-10-01', periodEnd: '2026-10-31', issuedOn: '2026-11-03', dueOn: '2026-11-24', amountCents: 6418 });
  const pdf = billPdf(['Alder Creek Water & Power', 'Bill for October 2026']);
  const sha256 = await sha256Base64url(pdf);
  await env.BILL_DOCUMENTS.put(documentKey(billId, sha256), pdf, { httpMetadata: { contentType: 'application/pdf' } });
  await db().insert(billDocuments).values({ billId, objectKey: documentKey(billId, sha256), contentType: 'application/pdf', sizeBytes: pdf.length, sha256 });
  const { alertId, helpItemId } = await givenHelpRequest(id, meter.meterId, 'open');
  const { conversationId, attachmentId } = await givenConversation(id);
  const { applicationId, documentId } = await givenApplication(id, 'need_info');
  return { id, number, meterId: meter.meterId, holderName, alertId, helpItemId, billId, conversationId, attachmentId, applicationId, documentId };
}

/** An open conversation about the account (as a customer's first message leaves it), with a PNG attached. */
export async function givenConversation(accountId: string) {
  const conversationId = crypto.randomUUID();
  const messageId = crypto.randomUUID();
  const attachmentId = crypto.randomUUID();
  const key = `m/${crypto.randomUUID()}`;
  const at = new Date().toISOString();
  await env.MESSAGE_ATTACHMENTS.put(key, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), { httpMetadata: { contentType: 'image/png' } });
  await env.DB.batch([
    env.DB.prepare("INSERT INTO conversations (id, account_id, subject, topic, status, created_at, last_message_at) VALUES (?1, ?2, 'A question', 'other', 'open', ?3, ?3)").bind(conversationId, accountId, at),
    env.DB.prepare("INSERT INTO conversation_messages (id, conversation_id, author_kind, body, created_at) VALUES (?1, ?2, 'customer', 'Hello support', ?3)").bind(messageId, conversationId, at),
    env.DB.prepare("INSERT INTO message_attachments (id, message_id, conversation_id, object_key, file_name, content_type, size_bytes, created_at) VALUES (?1, ?2, ?3, ?4, 'photo.png', 'image/png', 8, ?5)").bind(attachmentId, messageId, conversationId, key, at),
  ]);
  return { conversationId, attachmentId };
}

/** A toilet rebate application about the account in `status`, with a receipt (a PDF in R2), as the customer's form and staff leave it. */
export async function givenApplication(accountId: string, status: 'submitted' | 'need_info' | 'approved') {
  const applicationId = crypto.randomUUID();
  const documentId = crypto.randomUUID();
  const key = `p/${crypto.randomUUID()}`;
  const at = new Date().toISOString();
  await env.PROGRAM_DOCUMENTS.put(key, new TextEncoder().encode('%PDF-1.4\n%%EOF\n'), { httpMetadata: { contentType: 'application/pdf' } });
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO program_applications (id, account_id, program_id, program_title, program_kind, answers, installed_on, status, staff_note, created_at, updated_at, documents_kept_days)
       VALUES (?1, ?2, 'efficient-toilet', 'High-efficiency toilet rebate', 'rebate', '[]', '2026-10-02', ?3, ?4, ?5, ?5, 90)`,
    ).bind(applicationId, accountId, status, status === 'need_info' ? 'Which model is it?' : null, at),
    env.DB.prepare("INSERT INTO program_application_events (id, application_id, status, actor_kind, at) VALUES (?1, ?2, 'submitted', 'customer', ?3)").bind(crypto.randomUUID(), applicationId, at),
    env.DB.prepare("INSERT INTO program_application_documents (id, application_id, requirement_id, object_key, file_name, content_type, size_bytes, created_at) VALUES (?1, ?2, 'receipt', ?3, 'receipt.pdf', 'application/pdf', 15, ?4)").bind(documentId, applicationId, key, at),
  ]);
  return { applicationId, documentId };
}

/**
 * An alert on the account's meter (open, or closed as in the past) and a help request about it, as
 * the holder's "I need help" answer leaves them: for the alert centre's and the support queue's routes.
 */
export async function givenHelpRequest(accountId: string, meterId: string, status: 'open' | 'closed' = 'closed') {
  const alertId = uniqueId('alrt');
  const helpItemId = uniqueId('help');
  const answerId = uniqueId('ans');
  const at = new Date().toISOString();
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO alerts (id, account_id, meter_id, type, status, first_day, last_day, figures, closed_at, closed_day, close_reason)
       VALUES (?1, ?2, ?3, 'continuous_flow', ?4, '2026-10-02', '2026-10-03', '{"hours":30,"thresholdHours":24}', ?5, ?6, ?7)`,
    ).bind(alertId, accountId, meterId, status, status === 'closed' ? at : null, status === 'closed' ? '2026-10-03' : null, status === 'closed' ? 'resolved' : null),
    env.DB.prepare("INSERT INTO alert_answers (id, alert_id, account_id, answer, answered_at) VALUES (?1, ?2, ?3, 'need_help', ?4)").bind(answerId, alertId, accountId, at),
    env.DB.prepare("INSERT INTO support_items (id, kind, account_id, alert_id, answer_id, status, opened_at) VALUES (?1, 'alert_help', ?2, ?3, ?4, 'open', ?5)").bind(helpItemId, accountId, alertId, answerId, at),
  ]);
  return { alertId, helpItemId };
}

/** A session cookie for an existing login (staff sessions have passed the second factor unless told otherwise). */
export async function sessionCookie(loginId: string, secondFactor: SecondFactorState = 'none') {
  const { token, tokenHash } = await startSession(db(), loginId, { persistent: false, secondFactor });
  // A session fresh from its sign-in, whose proof counts as a step-up (worker/auth/step-up.ts): the
  // proofs ask who may do what; step-up itself is tested in step-up*.test.ts.
  // A login holding a passkey (the matrix gives A's holder some) signed in with it; one with none, with its password.
  if (secondFactor !== 'pending') {
    const factors = await secondFactorsOf(db(), loginId);
    await stepUpStatement(db(), { sessionHash: tokenHash, loginId }, factors.passkeys > 0 ? 'passkey' : factors.totp || secondFactor === 'passed' ? 'totp' : 'password', new Date());
  }
  return `${SESSION_COOKIE}=${token}`;
}

export const formToken = async () => (await issueFormToken(env.RECEIPT_SIGNING_JWKS, { issuer: env.PORTAL_ORIGIN })).token;

async function file(body: Record<string, unknown>, cookie?: string): Promise<string> {
  const res = await exports.default.fetch(
    new Request(`${ORIGIN}/api/requests`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: ORIGIN, 'CF-Connecting-IP': freshIp(), ...(cookie ? { Cookie: cookie } : {}) },
      body: JSON.stringify({ formToken: await formToken(), submittedBy: 'self', declarationTrue: true, ...body }),
    }),
  );
  if (res.status !== 201) throw new Error(`world: filing answered ${res.status}: ${await res.text()}`);
  // The world files many requests as one holder; its own set-up must not use up the filing limits the tests meet.
  await env.DB.prepare("DELETE FROM throttles WHERE key LIKE 'request%'").run();
  return (await res.json<{ id: string }>()).id;
}

/** Files a request about account A (a fresh one for each staff action the matrix tries). */
export async function fileAboutA(world: Pick<World, 'a' | 'logins'>, kind: 'verified' | 'verifying' | 'correction'): Promise<string> {
  const who = { fullName: world.a.holderName, declarationName: world.a.holderName, email: `${uniqueId('contact')}@contact.example`, accountNumber: world.a.number };
  if (kind === 'verifying') return file({ type: 'know', ...who });
  const holder = await sessionCookie(world.logins.holder.id);
  if (kind === 'correction') return file({ type: 'correct', correctionField: 'mailing_city', correctionValue: 'Alder Creek', ...who }, holder);
  return file({ type: 'know', ...who }, holder);
}

export async function buildWorld(): Promise<World> {
  await givenUtility();
  const a = await worldAccount('Avery Holder');
  const b = await worldAccount('Blake Other');
  const holder = await newLogin('customer');
  const other = await newLogin('customer');
  const delegate = await newLogin('customer');
  const grant = (loginId: string, accountId: string, relationship: 'holder' | 'delegate') => {
    const all = relationship === 'holder';
    return db().insert(accountAccess).values({ loginId, accountId, relationship, canViewUsage: all, canViewBilling: all, canManage: all });
  };
  await grant(holder.id, a.id, 'holder');
  await grant(other.id, b.id, 'holder');
  await grant(delegate.id, a.id, 'delegate');
  const logins = {
    holder,
    other_customer: other,
    delegate_without_right: delegate,
    support: await newLogin('support'),
    privacy_officer: await newLogin('privacy_officer'),
    programs: await newLogin('programs'),
    admin: await newLogin('admin'),
  };
  const partial = { a, logins };
  const requests = { verified: await fileAboutA(partial, 'verified'), verifying: await fileAboutA(partial, 'verifying'), correction: await fileAboutA(partial, 'correction') };
  const statusTokens: Record<string, string> = {};
  for (const id of Object.values(requests)) statusTokens[id] = await statusToken(env.LINK_SIGNING_SECRET, id);

  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const clientId = uniqueId('client');
  await env.DB.prepare("INSERT INTO ingest_clients (id, utility_id, name, public_jwk, status) VALUES (?1, 'test-utility', 'World MDM', ?2, 'active')")
    .bind(clientId, JSON.stringify(await exportJWK(publicKey)))
    .run();

  const consent = await exports.default.fetch(
    new Request(`${ORIGIN}/api/consent`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: ORIGIN, 'CF-Connecting-IP': freshIp() }, body: JSON.stringify({ method: 'banner', preferences: true, analytics: true }) }),
  );
  const consentCookie = consent.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('__Host-consent='));
  if (!consentCookie) throw new Error(`world: consent answered ${consent.status} without a cookie`);

  const revokedSessionCookie = await sessionCookie(holder.id);
  await env.DB.prepare('UPDATE sessions SET revoked_at = ?1 WHERE login_id = ?2').bind(new Date().toISOString(), holder.id).run();

  return { a, b, logins, requests, statusTokens, ingest: { clientId, privateJwk: await exportJWK(privateKey) }, consentCookie, revokedSessionCookie };
}

const reusable = new Map<FuzzCaller, string>();

/** Forget the sessions `cookieFor` hands out again (after a request that may have ended one). */
export function forgetSessions() {
  reusable.clear();
}

async function mint(world: World, caller: FuzzCaller): Promise<string | null> {
  switch (caller) {
    case 'anonymous':
      return null;
    case 'garbage_session':
      return `${SESSION_COOKIE}=%%%not-a-token; ${SESSION_COOKIE}=; other=1`;
    case 'forged_session':
      return `${SESSION_COOKIE}=${'A'.repeat(43)}`;
    case 'revoked_session':
      return world.revokedSessionCookie;
    case 'staff_second_factor_pending':
      return sessionCookie(world.logins.privacy_officer.id, 'pending');
    case 'support':
    case 'privacy_officer':
    case 'programs':
    case 'admin':
      return sessionCookie(world.logins[caller].id, 'passed');
    default:
      return sessionCookie(world.logins[caller].id);
  }
}

/** Callers whose cookie is a live session this module had to create (one row in `sessions`). */
const minting = new Set<FuzzCaller>(['other_customer', 'delegate_without_right', 'support', 'privacy_officer', 'programs', 'admin', 'holder', 'staff_second_factor_pending']);

/**
 * The Cookie header a caller sends. A fresh session for every signed-in caller, so that no request
 * depends on another; with `reuse`, the last one handed out until `forgetSessions()`. `minted` says
 * whether a session row was written to get it.
 */
export async function cookieFor(world: World, caller: FuzzCaller, options: { reuse?: boolean } = {}): Promise<{ cookie: string | null; minted: boolean }> {
  const kept = options.reuse ? reusable.get(caller) : undefined;
  if (kept) return { cookie: kept, minted: false };
  const cookie = await mint(world, caller);
  if (options.reuse && cookie && minting.has(caller)) reusable.set(caller, cookie);
  return { cookie, minted: minting.has(caller) };
}
