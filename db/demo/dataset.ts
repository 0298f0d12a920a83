import type { BatchItem } from 'drizzle-orm/batch';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { chunkRowsForInsert } from '../batching';
import { accounts, bills, meters, servicePoints, utilities } from '../schema';
import { demoLedger } from './billing';
import { demoAccounts, demoUtilityRow } from './customers';
import { seededRandom } from './random';

export const DEMO_SEED = 20261125;
/** The demo's "today": data runs up to here, so the demo looks the same whenever it is loaded. */
export const DEMO_TODAY = '2026-11-24';

/** Every insert of the demo data set, in foreign-key order. Deterministic for a given seed. */
export function demoStatements(db: DrizzleD1Database, seed = DEMO_SEED): BatchItem<'sqlite'>[] {
  const random = seededRandom(seed);
  const customers = demoAccounts(random);
  const statements: BatchItem<'sqlite'>[] = [db.insert(utilities).values(demoUtilityRow)];
  for (const a of customers) {
    statements.push(
      db.insert(accounts).values({
        id: a.id,
        utilityId: demoUtilityRow.id,
        accountNumber: a.accountNumber,
        holderName: a.holderName,
        emailOnFile: a.email,
        phoneOnFile: a.phone,
        mailingStreet: a.servicePoint.street,
        mailingCity: a.servicePoint.city,
        mailingRegion: 'CA',
        mailingPostalCode: a.servicePoint.postalCode,
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
  // Bills after every account: their lines, payments and balances come from db/demo/billing.ts (the loader adds them).
  customers.forEach((a, i) => {
    const rows = demoLedger(a, i, seed).bills.map(({ lines: _lines, ...bill }) => bill);
    for (const chunk of chunkRowsForInsert(rows)) statements.push(db.insert(bills).values(chunk));
  });
  return statements;
}
