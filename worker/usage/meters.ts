/** Which meters a customer may see, and everything a usage query needs to know about one meter. */
import { eq, inArray } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { accounts, householdProfiles, meters, servicePoints, utilities } from '../../db/schema';
import { accountIdsWithRight } from '../auth/account-access';
import { householdBucket, type Household } from './store';
import { unitsFor, type MeterKind, type MeterUnit } from './units';

export type MeterContext = {
  id: string;
  accountId: string;
  kind: MeterKind;
  unit: MeterUnit;
  intervalMinutes: number;
  serialNumber: string;
  serviceArea: string;
  street: string;
  timeZone: string;
  household: Household | null;
};

/** The meter with its account, place, time zone and household size; null when there is no such meter. */
export async function meterContext(db: DrizzleD1Database, meterId: string): Promise<MeterContext | null> {
  const [row] = await db
    .select({
      id: meters.id,
      accountId: servicePoints.accountId,
      kind: meters.kind,
      unit: meters.unit,
      intervalMinutes: meters.intervalMinutes,
      serialNumber: meters.serialNumber,
      serviceArea: servicePoints.serviceArea,
      street: servicePoints.street,
      timeZone: utilities.timeZone,
      occupants: householdProfiles.occupants,
    })
    .from(meters)
    .innerJoin(servicePoints, eq(servicePoints.id, meters.servicePointId))
    .innerJoin(accounts, eq(accounts.id, servicePoints.accountId))
    .innerJoin(utilities, eq(utilities.id, accounts.utilityId))
    .leftJoin(householdProfiles, eq(householdProfiles.accountId, accounts.id))
    .where(eq(meters.id, meterId))
    .limit(1);
  if (!row) return null;
  const { occupants, ...rest } = row;
  return { ...rest, household: householdBucket(occupants) };
}

/** Meters on every account where the login holds the account or was granted the usage right. */
export async function meterListFor(db: DrizzleD1Database, loginId: string) {
  const accountIds = await accountIdsWithRight(db, loginId, 'usage');
  if (accountIds.length === 0) return [];
  const rows = await db
    .select({
      id: meters.id,
      accountId: servicePoints.accountId,
      accountNumber: accounts.accountNumber,
      kind: meters.kind,
      unit: meters.unit,
      intervalMinutes: meters.intervalMinutes,
      serialNumber: meters.serialNumber,
      street: servicePoints.street,
      city: servicePoints.city,
    })
    .from(meters)
    .innerJoin(servicePoints, eq(servicePoints.id, meters.servicePointId))
    .innerJoin(accounts, eq(accounts.id, servicePoints.accountId))
    .where(inArray(servicePoints.accountId, accountIds))
    .orderBy(servicePoints.accountId, meters.kind, meters.id);
  return rows.map((r) => ({ ...r, units: unitsFor(r.kind, r.unit) }));
}
