import { drizzle } from 'drizzle-orm/d1';
import { env } from 'cloudflare:workers';
import { accountAccess, accounts, logins, utilities, type LoginRole } from '../../../db/schema';
import { staffRoles, startSession, SESSION_COOKIE } from '../../../worker/auth/sessions';
import { stepUpStatement } from '../../../worker/auth/step-up';

/**
 * Test data builders that write real rows into the test's D1. Each test makes its own,
 * with unique ids, so tests never depend on one another.
 */
export const db = () => drizzle(env.DB);

let counter = 0;
export const uniqueId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export async function givenUtility(id = 'test-utility') {
  await db()
    .insert(utilities)
    .values({ id, name: 'Test Utility', legalName: 'Test Utility District', timeZone: 'America/Los_Angeles', serviceArea: 'Testville', contactEmail: 'help@test.example', contactPhone: '+1-209-555-0100', privacyEmail: 'privacy@test.example' })
    .onConflictDoNothing();
  return id;
}

export async function givenAccount(overrides: Partial<typeof accounts.$inferInsert> = {}) {
  const utilityId = await givenUtility();
  const id = overrides.id ?? uniqueId('acct');
  await db()
    .insert(accounts)
    .values({ id, utilityId, accountNumber: overrides.accountNumber ?? id, holderName: 'Test Holder', ...overrides });
  return id;
}

/**
 * A login with a live session, optionally holding or delegated to accounts.
 * Returns the Cookie header value to send. The password hash is a placeholder no KDF accepts.
 */
export async function signedIn(options: {
  role?: LoginRole;
  holderOf?: string[];
  delegateOf?: { accountId: string; usage?: boolean; billing?: boolean; pay?: boolean; manage?: boolean; alerts?: boolean; expiresAt?: string }[];
  /** Whether the session has just proved its login (as a real sign-in has); false for a session older than the step-up window. */
  steppedUp?: boolean;
} = {}) {
  const loginId = uniqueId('login');
  await db().insert(logins).values({ id: loginId, email: `${loginId}@test.example`, emailVerifiedAt: new Date().toISOString(), passwordHash: 'test:no-password', role: options.role ?? 'customer' });
  for (const accountId of options.holderOf ?? []) {
    await db().insert(accountAccess).values({ loginId, accountId, relationship: 'holder', canViewUsage: true, canViewBilling: true, canManage: true });
  }
  for (const d of options.delegateOf ?? []) {
    await db()
      .insert(accountAccess)
      .values({ loginId, accountId: d.accountId, relationship: 'delegate', canViewUsage: d.usage ?? false, canViewBilling: d.billing ?? false, canPay: d.pay ?? false, canManage: d.manage ?? false, canReceiveAlerts: d.alerts ?? false, expiresAt: d.expiresAt ?? null });
  }
  // Staff sessions count as having passed the second factor, as after a real TOTP step.
  const role = options.role ?? 'customer';
  const staff = staffRoles.includes(role);
  const { token, tokenHash } = await startSession(db(), loginId, { persistent: false, secondFactor: staff ? 'passed' : 'none' });
  // As after a real sign-in, whose proof counts as a fresh step-up (worker/auth/step-up.ts), unless told otherwise.
  if (options.steppedUp !== false) await stepUpStatement(db(), { sessionHash: tokenHash, loginId }, staff ? 'totp' : 'password', new Date());
  return { loginId, cookie: `${SESSION_COOKIE}=${token}`, sessionHash: tokenHash };
}
