import { and, eq, isNull } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { chunkRowsForInsert } from '../batching';
import { accounts, bills, meters, servicePoints, servicePointTenures, utilities } from '../schema';
import { demoLedgers } from './billing';
import { alderCreekTown, demoAccounts, demoUtilityRow, utilityRow, type DemoAccount, type DemoTown } from './customers';
import { DEMO_MOVE } from './move';
import { seededRandom } from './random';

export const DEMO_SEED = 20261125;
/** The demo's "today": data runs up to here, so the demo looks the same whenever it is loaded. */
export const DEMO_TODAY = '2026-11-24';

/**
 * Every insert of a demo utility's data set, in foreign-key order. Deterministic for a given seed.
 * The move (move.ts) is Alder Creek's only.
 */
export function demoStatements(db: DrizzleD1Database, seed = DEMO_SEED, town: DemoTown = alderCreekTown): BatchItem<'sqlite'>[] {
  const random = seededRandom(seed);
  const customers = demoAccounts(random, town);
  const withMove = town === alderCreekTown;
  const utilityId = town.profile.id;
  const statements: BatchItem<'sqlite'>[] = [db.insert(utilities).values(utilityRow(town.profile))];
  for (const a of customers) {
    // The holder who moved out (see move.ts) has their mail forwarded and the account closed.
    const movedOut = withMove && a.id === DEMO_MOVE.former.accountId ? DEMO_MOVE.former.forwarding : null;
    statements.push(
      db.insert(accounts).values({
        id: a.id,
        utilityId,
        accountNumber: a.accountNumber,
        holderName: a.holderName,
        emailOnFile: a.email,
        phoneOnFile: a.phone,
        mailingStreet: movedOut?.street ?? a.servicePoint.street,
        mailingCity: movedOut?.city ?? a.servicePoint.city,
        mailingRegion: 'CA',
        mailingPostalCode: movedOut?.postalCode ?? a.servicePoint.postalCode,
        status: movedOut ? 'closed' : 'active',
      }),
      db.insert(servicePoints).values({
        id: a.servicePoint.id,
        accountId: a.id,
        street: a.servicePoint.street,
        city: a.servicePoint.city,
        region: 'CA',
        postalCode: a.servicePoint.postalCode,
        serviceArea: a.servicePoint.serviceArea,
      }),
      db.insert(meters).values(
        a.meters.map((m) => ({
          id: m.id,
          servicePointId: a.servicePoint.id,
          serialNumber: m.serial,
          kind: m.kind,
          unit: m.unit,
          intervalMinutes: m.intervalMinutes,
          installedOn: '2019-04-01',
        })),
      ),
    );
  }
  if (withMove) statements.push(...demoMoveStatements(db, customers));
  // Bills after every account and the move: their lines, payments and balances come from db/demo/billing.ts (the loader adds them).
  for (const ledger of demoLedgers(customers, seed, withMove)) {
    const rows = ledger.bills.map(({ lines: _lines, ...bill }) => bill);
    for (const chunk of chunkRowsForInsert(rows)) statements.push(db.insert(bills).values(chunk));
  }
  return statements;
}

/**
 * The move of move.ts: the new holder's account (its bills come with everyone's, from
 * db/demo/billing.ts), and the change of holder recorded as
 * ingestion records it (the former tenure ends the day before the move-in, the new one starts on
 * it) before the service point names its new holder.
 */
function demoMoveStatements(db: DrizzleD1Database, customers: DemoAccount[]): BatchItem<'sqlite'>[] {
  const { newcomer, servicePointId, moveIn, moveOut } = DEMO_MOVE;
  const former = customers.find((c) => c.id === DEMO_MOVE.former.accountId)!;
  const point = former.servicePoint;
  return [
    db.insert(accounts).values({
      id: newcomer.id,
      utilityId: demoUtilityRow.id,
      accountNumber: newcomer.accountNumber,
      holderName: newcomer.holderName,
      emailOnFile: newcomer.email,
      phoneOnFile: newcomer.phone,
      mailingStreet: point.street,
      mailingCity: point.city,
      mailingRegion: 'CA',
      mailingPostalCode: point.postalCode,
    }),
    db.update(servicePointTenures).set({ endDay: moveOut }).where(and(eq(servicePointTenures.servicePointId, servicePointId), isNull(servicePointTenures.endDay))),
    db.insert(servicePointTenures).values({ servicePointId, accountId: newcomer.id, startDay: moveIn }),
    db.update(servicePoints).set({ accountId: newcomer.id }).where(eq(servicePoints.id, servicePointId)),
  ];
}
