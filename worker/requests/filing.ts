/**
 * Filing a privacy request: check the form token, hold floods back (per client and per contact
 * address), verify the requester (session, or a signed single-use link to the e-mail on file),
 * compute the deadlines, sign the receipt, and write it all in one D1 batch. The answer is the
 * same whether or not an account matched.
 *
 * Mail goes only to addresses proven for someone: the verification link to the e-mail on file, the
 * receipt to a signed-in customer's login address. The contact address a requester types gets
 * nothing now (they see the receipt and status link on screen); it hears from us only once the
 * request is verified (see noticeAddress in staff/work.ts).
 */
import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { accountAccess, accounts, logins, privacyRequests, receiptSigningKeys, servicePoints, usedFormTokens, type PrivacyRequestState } from '../../db/schema';
import { auditInsert } from '../audit/log';
import type { AccountDeps } from '../accounts/deps';
import { confirmCurrentPassword } from '../accounts/recovery';
import { ensureSteppedUp, secondFactorsOf, StepUpRequired } from '../auth/step-up';
import type { SignedInLogin } from '../auth/sessions';
import { clientHash, lockedUntil, recordFailure, throttle } from '../accounts/throttle';
import { sha256Hex } from '../auth/tokens';
import { ApiError } from '../http/errors';
import { queueEmail } from '../mail/outbox';
import type { PrivacyRequestInput } from '../shared/request-schemas';
import { requestWording } from '../shared/request-wording';
import type { Locale } from '../i18n/locale';
import { utility } from '../tenants/scope';
import { deadlinesFor } from './deadlines';
import { FormTokenError, verifyFormToken } from './form-token';
import { makeVerifyLink, statusLink, statusToken, verifyMailLink } from './links';
import { linkIn, receivedMail, verifyMail } from './mails';
import { signReceipt, submissionSha256 } from './receipts';
import { signingKeys } from './signing-keys';
import { stmt } from './statements';

export type FilingEnv = Pick<Env, 'DB' | 'LINK_SIGNING_SECRET' | 'RECEIPT_SIGNING_JWKS' | 'PORTAL_ORIGIN'>;

export type FiledRequest = {
  id: string;
  type: PrivacyRequestInput['type'];
  state: PrivacyRequestState;
  receivedAt: string;
  acknowledgeBy: string;
  dueOn: string;
  receipt: string;
  statusPath: string;
  /** Always the same sentence for link-verified requests, matched or not. */
  nextStep: string;
};

/** A filing held back by a rate limit: 429, nothing written but the counters. */
export class FilingThrottled extends ApiError {
  constructor(readonly until: Date, now: Date) {
    const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
    super(
      429,
      'too_many_requests',
      `We have received many requests from this connection or for this e-mail address in a short time. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or write to ${utility().emails.privacy} or call ${utility().phoneDisplay}: we take requests by e-mail and phone too.`,
    );
  }
}

export const LINK_SENT_MESSAGE = requestWording.en.nextStep.linkSent;

const normaliseNumber = (n: string) => n.replace(/[^0-9]/g, '');
const normaliseName = (n: string) => n.trim().replace(/\s+/g, ' ').toLowerCase();

/** The utility account these details point to: account number plus the holder's name or a ZIP code on file. */
async function matchAccount(env: FilingEnv, input: PrivacyRequestInput): Promise<{ id: string; emailOnFile: string | null } | null> {
  const db = drizzle(env.DB);
  // Always run the same query, even without an account number, so both paths cost about the same.
  const number = input.accountNumber ? normaliseNumber(input.accountNumber) : '';
  const rows = await db
    .select({ id: accounts.id, holderName: accounts.holderName, emailOnFile: accounts.emailOnFile, mailingPostalCode: accounts.mailingPostalCode, servicePostalCode: servicePoints.postalCode, status: accounts.status })
    .from(accounts)
    .leftJoin(servicePoints, eq(servicePoints.accountId, accounts.id))
    .where(eq(accounts.accountNumber, number));
  const match = rows.find(
    (r) =>
      normaliseName(r.holderName) === normaliseName(input.fullName) ||
      (!!input.postalCode && (r.mailingPostalCode === input.postalCode.slice(0, 5) || r.servicePostalCode === input.postalCode.slice(0, 5))),
  );
  return match ? { id: match.id, emailOnFile: match.emailOnFile } : null;
}

/** A signed-in customer's login address, proven when they confirmed it (a session needs that). */
export async function verifiedLoginEmail(env: Pick<Env, 'DB'>, loginId: string): Promise<string | null> {
  const row = await env.DB.prepare('SELECT email FROM logins WHERE id = ?1 AND email_verified_at IS NOT NULL').bind(loginId).first<{ email: string }>();
  return row?.email ?? null;
}

/** A signed-in customer filing for themselves: the account they hold (the one named, else their first). */
async function sessionAccount(env: FilingEnv, loginId: string, input: PrivacyRequestInput) {
  const db = drizzle(env.DB);
  const held = await db
    .select({ accountId: accounts.id, accountNumber: accounts.accountNumber })
    .from(accountAccess)
    .innerJoin(accounts, eq(accounts.id, accountAccess.accountId))
    .innerJoin(logins, eq(logins.id, accountAccess.loginId))
    .where(and(eq(accountAccess.loginId, loginId), eq(accountAccess.relationship, 'holder')));
  if (held.length === 0) return null;
  const named = input.accountNumber ? held.find((h) => normaliseNumber(h.accountNumber) === normaliseNumber(input.accountNumber!)) : undefined;
  return named ?? (input.accountNumber ? null : held[0]!);
}

/** What the receipt's hash covers: everything submitted except the form token and the password. */
export function canonicalSubmission(input: PrivacyRequestInput) {
  const { formToken: _t, password: _p, ...rest } = input;
  return rest;
}

export async function fileRequest(
  env: FilingEnv,
  input: PrivacyRequestInput,
  options: { now?: Date; signedIn?: SignedInLogin | null; /** clientHash of the caller's address. */ client?: string; /** The language of the page it was filed from. */ locale?: Locale } = {},
): Promise<FiledRequest> {
  const now = options.now ?? new Date();
  const locale = options.locale ?? 'en';
  const issuer = env.PORTAL_ORIGIN;
  let token;
  try {
    token = await verifyFormToken(env.RECEIPT_SIGNING_JWKS, input.formToken, { issuer, now });
  } catch (e) {
    if (e instanceof FormTokenError) throw new ApiError(e.problem === 'replayed' ? 409 : 400, `form_token_${e.problem}`, e.message, [{ field: 'formToken', message: e.message }]);
    throw e;
  }
  const db = drizzle(env.DB);
  const [used] = await db.select().from(usedFormTokens).where(eq(usedFormTokens.jti, token.jti)).limit(1);
  if (used) throw new ApiError(409, 'form_token_replayed', 'This form has already been submitted. Please reload the request page to file another request.', [{ field: 'formToken', message: 'Already used.' }]);

  const id = `req-${crypto.randomUUID()}`;
  const receivedAt = now.toISOString();
  const deadlines = deadlinesFor(input.type, now, utility().timeZone);

  // Verification.
  let accountId: string | null = null;
  let state: PrivacyRequestState = 'verifying';
  let method: 'session' | 'email_link' | 'not_required' = 'email_link';
  let verifyEmailTo: string | null = null;
  let filedByLoginId: string | null = null;
  const customer = options.signedIn && options.signedIn.role === 'customer' && input.submittedBy === 'self' ? options.signedIn : null;
  const session = customer ? await sessionAccount(env, customer.id, input) : null;
  // A signed-in customer is reached at their login address, whatever the form said: it is proven theirs.
  const loginEmail = customer ? await verifiedLoginEmail(env, customer.id) : null;
  const requesterEmail = loginEmail ?? input.email;

  const secret = env.LINK_SIGNING_SECRET;
  const client = options.client ?? (await clientHash(secret, null));
  const limits = [await throttle(secret, 'requestClient', client), await throttle(secret, 'requestAddress', requesterEmail.toLowerCase())];
  const until = await lockedUntil(db, limits, now);
  if (until) throw new FilingThrottled(until, now);

  if (session && input.type === 'delete') {
    // Step-up (worker/auth/step-up.ts): a recent second factor, or for a login without one the
    // password re-entered here, checked with the same throttle and audit as every other password check.
    const deps: AccountDeps = { db, secret, origin: env.PORTAL_ORIGIN, now, client, clientLabel: null, locale };
    try {
      await ensureSteppedUp(deps, options.signedIn!, { returnTo: '/privacy/request/', password: input.password, checkPassword: (p) => confirmCurrentPassword(deps, customer!.id, p) });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'wrong_password') {
        throw new ApiError(422, 'wrong_password', 'The password is not right. To delete your data, re-enter your current password.', [{ field: 'password', message: 'The password is not right.' }]);
      }
      if (e instanceof StepUpRequired && !input.password && e.reason === 'stale') {
        // Without a second factor the password is the confirmation: ask for it where it is typed.
        const factors = await secondFactorsOf(db, customer!.id);
        if (!factors.any) throw new ApiError(422, 'invalid_request', 'To delete your data, re-enter your password.', [{ field: 'password', message: 'Re-enter your current password to confirm a deletion.' }]);
      }
      throw e;
    }
  }
  // Counted once the password (if any) is right: a wrong one counts on the sign-in throttle instead.
  await recordFailure(db, limits, now);

  if (session) {
    accountId = session.accountId;
    state = 'verified';
    method = 'session';
    filedByLoginId = options.signedIn!.id;
  } else {
    const match = await matchAccount(env, input);
    accountId = match?.id ?? null;
    if (input.type === 'opt_out') {
      // An opt-out need not be a verifiable request (11 CCR § 7026(d)); the details only find the account.
      state = 'verified';
      method = 'not_required';
    } else {
      verifyEmailTo = match?.emailOnFile ?? null;
    }
  }
  // Verification mail to one address on file is capped too, so nobody can flood a customer with links
  // from many clients. Past the cap the request is still filed (the answer must not reveal a match).
  let verifyMailHeld = false;
  if (verifyEmailTo) {
    const perAccount = [await throttle(secret, 'requestVerifyMail', verifyEmailTo.toLowerCase())];
    if (await lockedUntil(db, perAccount, now)) {
      verifyEmailTo = null;
      verifyMailHeld = true;
    } else {
      await recordFailure(db, perAccount, now);
    }
  }

  // The link is made whether or not anyone will receive it, so both paths do the same work.
  const link = await makeVerifyLink(env.LINK_SIGNING_SECRET, id, now);
  const nonceHash = await sha256Hex(link.nonce);
  const submission = canonicalSubmission(input);
  const sha256 = await submissionSha256(submission);
  const receipt = await signReceipt(env.RECEIPT_SIGNING_JWKS, { iss: issuer, rid: id, type: input.type, received: receivedAt, due: deadlines.dueOn, sha256 });
  const keys = await signingKeys(env.RECEIPT_SIGNING_JWKS);
  const statusMailLink = statusLink(id, await statusToken(env.LINK_SIGNING_SECRET, id));

  const raw = env.DB;
  const history = (from: PrivacyRequestState | null, to: PrivacyRequestState, kind: 'requester' | 'system', note: string | null) =>
    raw
      .prepare('INSERT INTO privacy_request_history (id, request_id, at, from_state, to_state, actor_kind, actor_login_id, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)')
      .bind(crypto.randomUUID(), id, receivedAt, from, to, kind, kind === 'requester' ? filedByLoginId : null, note);

  const statements: D1PreparedStatement[] = [
    stmt(raw, db.insert(usedFormTokens).values({ jti: token.jti, expiresAt: token.expiresAt.toISOString() })),
    stmt(raw, db.insert(receiptSigningKeys).values({ kid: keys.current.kid, publicJwk: keys.current.publicJwk, firstUsedAt: receivedAt }).onConflictDoNothing()),
    stmt(
      raw,
      db.insert(privacyRequests).values({
        id,
        type: input.type,
        state,
        receivedAt,
        acknowledgeBy: deadlines.acknowledgeBy,
        dueOn: deadlines.dueOn,
        acknowledgedAt: receivedAt,
        submittedBy: input.submittedBy,
        requesterName: input.fullName,
        requesterEmail,
        locale,
        accountNumberGiven: input.accountNumber ?? null,
        postalCodeGiven: input.postalCode ?? null,
        agentName: input.submittedBy === 'agent' ? (input.agentName ?? null) : null,
        agentEmail: input.submittedBy === 'agent' ? (input.agentEmail ?? null) : null,
        agentPermission: input.submittedBy === 'agent' ? (input.agentPermission ?? null) : null,
        details: {
          ...(input.type === 'correct' ? { correctionField: input.correctionField ?? null, correctionValue: input.correctionValue ?? null } : {}),
          ...(input.type === 'opt_out' ? { optOutSaleSharing: input.optOutSaleSharing, limitSensitiveUse: input.limitSensitiveUse } : {}),
        },
        declarationName: input.declarationName,
        submissionSha256: sha256,
        receiptJws: receipt.jws,
        accountId,
        filedByLoginId,
        verificationMethod: state === 'verified' ? method : null,
        verifiedAt: state === 'verified' ? receivedAt : null,
        verifyNonceHash: state === 'verifying' ? nonceHash : null,
        verifyExpiresAt: state === 'verifying' ? new Date(link.expires * 1000).toISOString() : null,
      }),
    ),
    history(null, 'received', 'requester', null),
    history('received', state, 'system', method === 'session' ? 'Verified by the signed-in session' : method === 'not_required' ? 'Opt-out requests need no identity verification' : 'Verification link sent if the details match an account'),
    stmt(
      raw,
      auditInsert(db, {
        event: 'privacy_request.filed',
        subjectAccountId: accountId,
        subjectLoginId: filedByLoginId,
        detail: { requestId: id, type: input.type, verification: method, ...(verifyMailHeld ? { verifyMail: 'held_by_rate_limit' } : {}) },
      }),
    ),
  ];
  if (loginEmail) {
    statements.push(stmt(raw, queueEmail(db, { to: loginEmail, ...receivedMail(locale, { origin: env.PORTAL_ORIGIN, id, type: input.type, dueOn: deadlines.dueOn, status: statusMailLink, receipt: receipt.jws }) })));
  }
  if (verifyEmailTo) {
    statements.push(stmt(raw, queueEmail(db, { to: verifyEmailTo, ...verifyMail(locale, { origin: env.PORTAL_ORIGIN, type: input.type, byAgent: input.submittedBy === 'agent', verify: verifyMailLink(id, link) }) })));
  }
  try {
    await raw.batch(statements);
  } catch (e) {
    if (String((e as Error).message).includes('used_form_tokens')) {
      throw new ApiError(409, 'form_token_replayed', 'This form has already been submitted. Please reload the request page to file another request.', [{ field: 'formToken', message: 'Already used.' }]);
    }
    throw e;
  }
  return {
    id,
    type: input.type,
    state,
    receivedAt,
    acknowledgeBy: deadlines.acknowledgeBy,
    dueOn: deadlines.dueOn,
    receipt: receipt.jws,
    statusPath: linkIn(locale, statusMailLink).path,
    nextStep: state === 'verified' ? requestWording[locale].nextStep.verified : requestWording[locale].nextStep.linkSent,
  };
}

