/**
 * A move in the demo data, so that `npm start` shows tenure at work: the holder of acct-0012 (water
 * and electricity at sp-0012) moved out on 31 August 2026, and a new customer, acct-0301, moved in
 * on 1 September. Each has a demo login (local runs only; same password as the demo customer):
 *   - moved-out@customers.example sees that service point's reads up to 31 August 2026;
 *   - moved-in@customers.example sees them from 1 September 2026 on, nothing earlier.
 */
import type { BatchItem } from 'drizzle-orm/batch';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { hashPassword } from '../../worker/accounts/password';
import { accountAccess, logins } from '../schema';
import { DEMO_CUSTOMER } from './logins';

export const DEMO_MOVE = {
  servicePointId: 'sp-0012',
  /** The account that held it, and where its holder's mail goes now. */
  former: { accountId: 'acct-0012', forwarding: { street: '18 Willow Bend', city: 'Bramble Hills', postalCode: '95994' } },
  /** The account that holds it since the move (not one of the 300 generated customers). */
  newcomer: { id: 'acct-0301', accountNumber: '4102383619', holderName: 'Ines Okafor', email: 'ines.okafor.301@customers.example', phone: '+1-209-555-0131', accountIndex: 301 },
  /** The new holder's first day (utility-local); the former holder's last is the day before. */
  moveIn: '2026-09-01',
  moveOut: '2026-08-31',
} as const;

export const DEMO_MOVE_LOGINS = [
  { id: 'login-demo-moved-out', email: 'moved-out@customers.example', displayName: 'Demo Former Occupant', accountId: DEMO_MOVE.former.accountId },
  { id: 'login-demo-moved-in', email: 'moved-in@customers.example', displayName: 'Demo New Occupant', accountId: DEMO_MOVE.newcomer.id },
] as const;

/** The two logins, each holding its account (load after the demo data set). */
export async function demoMoveLoginStatements(db: DrizzleD1Database): Promise<BatchItem<'sqlite'>[]> {
  const verifiedAt = '2026-01-15T17:00:00.000Z';
  const passwordHash = await hashPassword(DEMO_CUSTOMER.password);
  return DEMO_MOVE_LOGINS.flatMap((l) => [
    db.insert(logins).values({ id: l.id, email: l.email, emailVerifiedAt: verifiedAt, passwordHash, role: 'customer', displayName: l.displayName, passwordChangedAt: verifiedAt }),
    db.insert(accountAccess).values({ loginId: l.id, accountId: l.accountId, relationship: 'holder', canViewUsage: true, canViewBilling: true, canManage: true, grantedAt: verifiedAt }),
  ]);
}
