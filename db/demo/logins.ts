/**
 * Demo portal logins, for local runs only (`npm start`). Every address is fictional, and the
 * passwords and TOTP secrets below are published on purpose: never load this into production.
 *
 * - Customer: demo@customers.example / "Demo-water-meter-2026", holder of acct-0001.
 * - Staff (each needs its TOTP code at sign-in; add the secret to any authenticator app, or
 *   compute the code with `npx tsx db/demo/totp-code.ts <secret>`), password "Staff-demo-portal-2026":
 *   support-demo@aldercreek-utility.example (support), privacy-demo@aldercreek-utility.example
 *   (privacy_officer), programs-demo@aldercreek-utility.example (programs), admin-demo@aldercreek-utility.example (admin).
 *   The database holds the TOTP secrets sealed with TOTP_ENCRYPTION_KEYS, as the portal keeps every one.
 */
import type { BatchItem } from 'drizzle-orm/batch';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { accountAccess, logins, type LoginRole } from '../schema';
import { hashPassword } from '../../worker/accounts/password';
import { sealTotpSecret, type TotpKeyring } from '../../worker/auth/totp-secrets';

export type DemoCustomer = { id: string; email: string; password: string; accountId: string };
export type DemoStaff = { id: string; email: string; role: LoginRole; displayName: string; totpSecret: string };

export const DEMO_CUSTOMER = { id: 'login-demo-customer', email: 'demo@customers.example', password: 'Demo-water-meter-2026', accountId: 'acct-0001' } as const;

export const DEMO_STAFF_PASSWORD = 'Staff-demo-portal-2026';

export const DEMO_STAFF: readonly DemoStaff[] = [
  { id: 'login-demo-support', email: 'support-demo@aldercreek-utility.example', role: 'support', displayName: 'Demo Support Agent', totpSecret: 'BBGGD3ZLAZ4JXW2V3BWTLUCI55CJPEXE' },
  { id: 'login-demo-privacy', email: 'privacy-demo@aldercreek-utility.example', role: 'privacy_officer', displayName: 'Demo Privacy Officer', totpSecret: 'BOMLIZM77XPUGS7SXUUYOPBELSQEWUOV' },
  { id: 'login-demo-programs', email: 'programs-demo@aldercreek-utility.example', role: 'programs', displayName: 'Demo Program Officer', totpSecret: '3TUDVMEJLUZEPTBHV47CZCRF3DYSO65R' },
  { id: 'login-demo-admin', email: 'admin-demo@aldercreek-utility.example', role: 'admin', displayName: 'Demo Administrator', totpSecret: '3VKRNXHO45QHWKHBK4KLTS7S4RTF6MSJ' },
];

/**
 * Inserts for the demo logins (passwords hashed with the portal's own KDF, TOTP secrets sealed
 * under `totpKeys`, the worker's TOTP_ENCRYPTION_KEYS). Load after the demo accounts.
 */
export async function demoLoginStatements(db: DrizzleD1Database, totpKeys: TotpKeyring, customer: DemoCustomer = DEMO_CUSTOMER, staff: readonly DemoStaff[] = DEMO_STAFF): Promise<BatchItem<'sqlite'>[]> {
  const verifiedAt = '2026-01-15T17:00:00.000Z';
  const statements: BatchItem<'sqlite'>[] = [
    db.insert(logins).values({ id: customer.id, email: customer.email, emailVerifiedAt: verifiedAt, passwordHash: await hashPassword(customer.password), role: 'customer', displayName: 'Demo Customer', passwordChangedAt: verifiedAt }),
    db.insert(accountAccess).values({ loginId: customer.id, accountId: customer.accountId, relationship: 'holder', canViewUsage: true, canViewBilling: true, canManage: true, grantedAt: verifiedAt }),
  ];
  const staffHash = await hashPassword(DEMO_STAFF_PASSWORD);
  for (const s of staff) {
    statements.push(db.insert(logins).values({ id: s.id, email: s.email, emailVerifiedAt: verifiedAt, passwordHash: staffHash, role: s.role, displayName: s.displayName, totpSecret: await sealTotpSecret(totpKeys, s.id, s.totpSecret), passwordChangedAt: verifiedAt }));
  }
  return statements;
}
