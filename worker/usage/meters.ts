/**
 * Which meters a customer may see, over which days, and everything a usage query needs to know
 * about one meter. A login sees a meter through an account on which it holds the usage right and
 * that held the meter's service point at some time; it sees only the days of those tenures
 * (tenure.ts).
 */
import { eq, sql, type Column } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { accounts, householdProfiles, meters, servicePoints, utilities } from '../../db/schema';
import { accountIdsWithRight } from '../auth/account-access';
import { householdBucket, type Household } from './store';
import { meterTenures, tenuredMeters, type DayRange, type Tenure } from './tenure';
import { unitsFor, type MeterKind, type MeterUnit } from './units';

export type MeterContext = {
  id: string;
  /** The account the meter is seen through (its household sizes the comparison; its bills make billing periods). */
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

/** A meter as one login may see it: the meter, and the days it may see (its accounts' tenures). */
export type ViewedMeter = { meter: MeterContext; tenure: DayRange[]; accountIds: string[] };

/** `column IN (ids)` with the ids as ONE bound JSON value: no limit from D1's 100 bound parameters. */
const inJson = (column: Column, ids: string[]) => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;

const rangesOf = (tenures: Tenure[]): DayRange[] => tenures.map(({ from, to }) => ({ from, to }));
/** The account whose tenure is the latest: the one a view of the meter is framed by. */
const latestAccount = (tenures: Tenure[]) => (tenures.find((t) => t.to === null) ?? tenures[tenures.length - 1]!).accountId;

/**
 * The meter with its place, time zone and the household size of `accountId` (the account it is
 * seen through); null when there is no such meter.
 */
export async function meterContext(db: DrizzleD1Database, meterId: string, accountId: string): Promise<MeterContext | null> {
  const [row] = await db
    .select({
      id: meters.id,
      kind: meters.kind,
      unit: meters.unit,
      intervalMinutes: meters.intervalMinutes,
      serialNumber: meters.serialNumber,
      serviceArea: servicePoints.serviceArea,
      street: servicePoints.street,
      timeZone: utilities.timeZone,
    })
    .from(meters)
    .innerJoin(servicePoints, eq(servicePoints.id, meters.servicePointId))
    .innerJoin(accounts, eq(accounts.id, servicePoints.accountId))
    .innerJoin(utilities, eq(utilities.id, accounts.utilityId))
    .where(eq(meters.id, meterId))
    .limit(1);
  if (!row) return null;
  const [household] = await db.select({ occupants: householdProfiles.occupants }).from(householdProfiles).where(eq(householdProfiles.accountId, accountId)).limit(1);
  return { ...row, accountId, household: householdBucket(household?.occupants) };
}

/**
 * The meter as the login may see it, or null when it may not (no such meter, no usage right, or
 * none of its accounts ever held the meter's service point): callers answer 404 either way.
 */
export async function meterForViewer(db: DrizzleD1Database, raw: D1Database, loginId: string, meterId: string): Promise<ViewedMeter | null> {
  const tenures = await meterTenures(raw, meterId, await accountIdsWithRight(db, loginId, 'usage'));
  if (tenures.length === 0) return null;
  const meter = await meterContext(db, meterId, latestAccount(tenures));
  if (!meter) return null;
  return { meter, tenure: rangesOf(tenures), accountIds: [...new Set(tenures.map((t) => t.accountId))] };
}

/**
 * Meters the login may see (its accounts with the usage right held their service points at some
 * time), each with the days it may see. A former holder keeps the meter, up to the move-out day.
 */
export async function meterListFor(db: DrizzleD1Database, raw: D1Database, loginId: string) {
  const byMeter = await tenuredMeters(raw, await accountIdsWithRight(db, loginId, 'usage'));
  if (byMeter.size === 0) return [];
  const rows = await db
    .select({
      id: meters.id,
      kind: meters.kind,
      unit: meters.unit,
      intervalMinutes: meters.intervalMinutes,
      serialNumber: meters.serialNumber,
      street: servicePoints.street,
      city: servicePoints.city,
    })
    .from(meters)
    .innerJoin(servicePoints, eq(servicePoints.id, meters.servicePointId))
    .where(inJson(meters.id, [...byMeter.keys()]));
  const accountIds = [...new Set(rows.map((r) => latestAccount(byMeter.get(r.id)!)))];
  const numbers = new Map((await db.select({ id: accounts.id, accountNumber: accounts.accountNumber }).from(accounts).where(inJson(accounts.id, accountIds))).map((a) => [a.id, a.accountNumber]));
  return rows
    .map((r) => {
      const tenures = byMeter.get(r.id)!;
      const accountId = latestAccount(tenures);
      return { ...r, accountId, accountNumber: numbers.get(accountId)!, units: unitsFor(r.kind, r.unit), tenure: rangesOf(tenures) };
    })
    .sort((a, b) => a.accountId.localeCompare(b.accountId) || a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
}
