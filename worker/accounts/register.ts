/** Registration: prove a utility account, choose a login, confirm the e-mail by a signed link. */
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { accountAccess, accounts, bills, logins, servicePoints } from '../../db/schema';
import { auditInsert } from '../audit/log';
import { ApiError } from '../http/errors';
import { queueEmail } from '../mail/outbox';
import type { RegisterBody } from '../shared/account-forms';
import { runBatch, type AccountDeps } from './deps';
import { consumeLink, issueLink } from './links';
import { accountMails } from './mails';
import { hashPassword, passwordProblem } from './password';
import { lockedUntil, recordFailure, throttle } from './throttle';

export function toCents(amount: string) {
  const [whole, fraction = ''] = amount.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

const notProven = () =>
  new ApiError(422, 'account_not_proven', 'We could not match those details to a utility account. Check the account number, the service ZIP code and the last bill amount.');

/** Whether account number, service ZIP and last bill amount all match one open account. Same queries whatever fails. */
export async function provenAccount(deps: AccountDeps, body: Pick<RegisterBody, 'accountNumber' | 'serviceZip' | 'lastBillAmount'>): Promise<string | null> {
  const { db } = deps;
  const [account] = await db
    .select({ id: accounts.id, status: accounts.status })
    .from(accounts)
    .where(eq(accounts.accountNumber, body.accountNumber))
    .limit(1);
  const accountId = account?.id ?? '';
  const points = await db.select({ postalCode: servicePoints.postalCode }).from(servicePoints).where(eq(servicePoints.accountId, accountId));
  const [lastBill] = await db
    .select({ amountCents: bills.amountCents })
    .from(bills)
    .where(eq(bills.accountId, accountId))
    .orderBy(desc(bills.issuedOn))
    .limit(1);
  const zipMatches = points.some((p) => p.postalCode.slice(0, 5) === body.serviceZip);
  const billMatches = lastBill !== undefined && lastBill.amountCents === toCents(body.lastBillAmount);
  return account && account.status === 'active' && zipMatches && billMatches ? account.id : null;
}

async function hasVerifiedHolder(deps: AccountDeps, accountId: string, exceptLoginId?: string) {
  const rows = await deps.db
    .select({ loginId: accountAccess.loginId })
    .from(accountAccess)
    .innerJoin(logins, eq(logins.id, accountAccess.loginId))
    .where(and(eq(accountAccess.accountId, accountId), eq(accountAccess.relationship, 'holder'), isNotNull(logins.emailVerifiedAt)));
  return rows.some((r) => r.loginId !== exceptLoginId);
}

/**
 * Registers a login for a proven account and sends the confirmation link. Answers the same way
 * whether or not the e-mail already has a login (that address gets a notice instead).
 */
export async function register(deps: AccountDeps, body: RegisterBody): Promise<{ status: 'registered' }> {
  const { db, now } = deps;
  const guards = [await throttle(deps.secret, 'registerClient', deps.client), await throttle(deps.secret, 'registerAccount', body.accountNumber)];
  if (await lockedUntil(db, guards, now)) {
    await runBatch(db, [auditInsert(db, { event: 'registration.refused_locked' })]);
    throw new ApiError(429, 'too_many_attempts', 'Too many attempts. Please wait a while and try again.');
  }
  const accountId = await provenAccount(deps, body);
  if (!accountId) {
    const locked = await recordFailure(db, guards, now);
    await runBatch(db, [
      auditInsert(db, { event: 'registration.proof_failed' }),
      ...locked.map((scope) => auditInsert(db, { event: 'registration.lockout', detail: { scope } })),
    ]);
    throw notProven();
  }
  if (await hasVerifiedHolder(deps, accountId)) {
    throw new ApiError(409, 'already_registered', 'This utility account already has an online login. Sign in, or reset the password.');
  }
  const problem = passwordProblem(body.password, { email: body.email });
  if (problem) throw new ApiError(422, problem, 'Choose another password.', [{ field: 'password', message: problem }]);

  // Hash before looking at the e-mail, so an existing address answers in the same time.
  const passwordHash = await hashPassword(body.password);
  const [existing] = await db.select({ id: logins.id }).from(logins).where(eq(logins.email, body.email)).limit(1);
  if (existing) {
    await runBatch(db, [
      queueEmail(db, accountMails.alreadyRegistered(body.email, deps.origin, deps.locale)),
      auditInsert(db, { event: 'registration.email_in_use', subjectLoginId: existing.id, subjectAccountId: accountId }),
    ]);
    return { status: 'registered' };
  }
  const loginId = crypto.randomUUID();
  const link = await issueLink(db, deps.secret, { purpose: 'verify-email', loginId, accountId, now });
  try {
    await runBatch(db, [
      db.insert(logins).values({ id: loginId, email: body.email, passwordHash, role: 'customer', locale: deps.locale, passwordChangedAt: now.toISOString(), createdAt: now.toISOString() }),
      ...link.statements,
      queueEmail(db, accountMails.verifyEmail(body.email, deps.origin, link.token, deps.locale)),
      auditInsert(db, { event: 'registration', subjectLoginId: loginId, subjectAccountId: accountId }),
    ]);
  } catch (err) {
    // Lost a race for the same e-mail: answer as for an existing address.
    const [raced] = await db.select({ id: logins.id }).from(logins).where(eq(logins.email, body.email)).limit(1);
    if (!raced) throw err;
  }
  return { status: 'registered' };
}

/** Confirms the e-mail from the link; the login becomes the account's holder. */
export async function verifyEmail(deps: AccountDeps, token: string) {
  const { db, now } = deps;
  const link = await consumeLink(db, deps.secret, token, 'verify-email', now, async (row) => {
    if (row.accountId && (await hasVerifiedHolder(deps, row.accountId, row.loginId))) {
      throw new ApiError(409, 'already_registered', 'This utility account already has an online login. Sign in, or reset the password.');
    }
  });
  await runBatch(db, [
    db.update(logins).set({ emailVerifiedAt: now.toISOString(), updatedAt: now.toISOString() }).where(eq(logins.id, link.loginId)),
    ...(link.accountId
      ? [
          db
            .insert(accountAccess)
            .values({ loginId: link.loginId, accountId: link.accountId, relationship: 'holder', canViewUsage: true, canViewBilling: true, canManage: true, grantedAt: now.toISOString() })
            .onConflictDoNothing(),
        ]
      : []),
    auditInsert(db, { event: 'registration.email_verified', subjectLoginId: link.loginId, subjectAccountId: link.accountId }),
  ]);
  return { status: 'email-verified' as const, loginId: link.loginId };
}
