import { and, asc, gte, inArray, lte } from 'drizzle-orm';
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { bills, utilities } from '../../db/schema';
import type { AppEnv } from '../app-types';
import { requireLogin } from '../auth/require-login';
import { ApiError, invalidRequest } from '../http/errors';
import { validate } from '../http/validate';
import { logDelegateExport } from '../sharing/disclosures';
import { greenButtonFeed, usageCsv } from './export';
import { meterForViewer, meterListFor, type MeterContext, type ViewedMeter } from './meters';
import { maxRangeDays, resolutions, usageSeries } from './series';
import { usageShards } from './shards';
import { dayBounds, readDays, similarGroup } from './store';
import { programsOf } from '../programs/catalog';
import { titleIn } from '../programs/mails';
import { measuresInstalled } from '../programs/store';
import { daysBetween, isDay } from './time';
import { isUnitOf, type DisplayUnit } from './units';

const day = z.string().refine(isDay, 'must be a date YYYY-MM-DD');
const seriesQuery = z.object({
  from: day,
  to: day,
  resolution: z.enum(resolutions).default('day'),
  unit: z.enum(['gal', 'ccf', 'm3', 'kWh', 'therm']).optional(),
});
const exportQuery = z.object({ from: day, to: day, unit: z.enum(['gal', 'ccf', 'm3', 'kWh', 'therm']).optional() });
const meterParam = z.object({ meterId: z.string().min(1).max(64) });

/**
 * The meter and the days the caller may see of it: through an account on which the caller holds
 * the usage right and that held the meter's service point (404 otherwise, as for no such meter).
 */
async function allowedMeter(db: DrizzleD1Database, raw: D1Database, loginId: string, meterId: string): Promise<ViewedMeter> {
  const viewed = await meterForViewer(db, raw, loginId, meterId);
  if (!viewed) throw new ApiError(404, 'not_found', 'No such meter.');
  return viewed;
}

function checkRange(from: string, to: string, maxDays: number) {
  if (to < from) throw invalidRequest([{ field: 'to', message: 'must not be before from' }]);
  if (daysBetween(from, to) + 1 > maxDays) throw invalidRequest([{ field: 'to', message: `the range may cover at most ${maxDays} days at this resolution` }]);
}

function displayUnit(meter: MeterContext, unit: string | undefined): DisplayUnit {
  const u = unit ?? meter.unit;
  if (!isUnitOf(meter.kind, u)) throw invalidRequest([{ field: 'unit', message: `a ${meter.kind} meter can be shown in ${meter.kind === 'water' ? 'gal, ccf or m3' : meter.kind === 'electric' ? 'kWh' : 'therm or ccf'}` }]);
  return u;
}

const noStore = { 'Cache-Control': 'no-store' };

const kindName = { water: 'Water', electric: 'Electricity', gas: 'Gas' } as const;

/** A delegate's download goes in the account's disclosure log (worker/sharing/disclosures.ts). */
const logExport = (c: Context<AppEnv>, meter: MeterContext, e: { from: string; to: string; format: string; records: number }) =>
  logDelegateExport(drizzle(c.env.DB), {
    loginId: c.var.login.id,
    accountId: meter.accountId,
    description: `${kindName[meter.kind as keyof typeof kindName] ?? 'Meter'} use, ${meter.intervalMinutes}-minute reads, ${e.from} to ${e.to}, downloaded as ${e.format}`,
    resource: c.req.path,
    records: e.records,
  });

/** Customer usage: the caller's meters, series at any resolution, CSV and Green Button exports. */
export const usage = new Hono<AppEnv>()
  .use(requireLogin)
  .get('/meters', async (c) => {
    const db = drizzle(c.env.DB);
    const list = await meterListFor(db, c.env.DB, c.var.login.id);
    const bounds = await dayBounds(usageShards(c.env), list);
    const meters = list.map((m, i) => ({ ...m, firstDay: bounds[i]!.first, lastDay: bounds[i]!.last }));
    return c.json({ meters }, 200, noStore);
  })
  .get('/meters/:meterId/series', validate('param', meterParam), validate('query', seriesQuery), async (c) => {
    const { meterId } = c.req.valid('param');
    const q = c.req.valid('query');
    const db = drizzle(c.env.DB);
    const { meter, tenure, accountIds } = await allowedMeter(db, c.env.DB, c.var.login.id, meterId);
    checkRange(q.from, q.to, maxRangeDays[q.resolution]);
    const unit = displayUnit(meter, q.unit);
    // Billing periods come from the bills of the accounts the caller sees the meter through.
    const billingPeriods =
      q.resolution === 'billing'
        ? await db
            .select({ start: bills.periodStart, end: bills.periodEnd })
            .from(bills)
            .where(and(inArray(bills.accountId, accountIds), lte(bills.periodStart, q.to), gte(bills.periodEnd, q.from)))
            .orderBy(asc(bills.periodStart))
        : [];
    const locale = c.get('locale');
    const [series, installed] = await Promise.all([
      usageSeries(usageShards(c.env), meter, { from: q.from, to: q.to, resolution: q.resolution, unit, billingPeriods }, similarGroup(meter.kind, meter.serviceArea, meter.household), tenure, locale),
      measuresInstalled(c.env.DB, accountIds, q.from, q.to, tenure),
    ]);
    // A measure is named as its program is in the page's language (the catalog's Spanish title).
    const catalog = locale === 'en' || !installed.length ? null : await programsOf(c.env.ASSETS, c.env.PORTAL_ORIGIN);
    const measures = installed.map(({ on, title, programId }) => ({ on, title: titleIn(locale, title, catalog?.get(programId)) }));
    return c.json({ ...series, measures }, 200, noStore);
  })
  .get('/meters/:meterId/export.csv', validate('param', meterParam), validate('query', exportQuery), async (c) => {
    const { meterId } = c.req.valid('param');
    const q = c.req.valid('query');
    const { meter, tenure } = await allowedMeter(drizzle(c.env.DB), c.env.DB, c.var.login.id, meterId);
    checkRange(q.from, q.to, 800);
    const unit = displayUnit(meter, q.unit);
    const { days } = await readDays(usageShards(c.env), meter.id, q.from, q.to, tenure);
    await logExport(c, meter, { from: q.from, to: q.to, format: 'CSV', records: days.length });
    return c.body(usageCsv(meter, days, q.from, q.to, unit, tenure), 200, {
      ...noStore,
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="usage-${meter.id}-${q.from}-to-${q.to}.csv"`,
    });
  })
  .get('/meters/:meterId/export.xml', validate('param', meterParam), validate('query', exportQuery.omit({ unit: true })), async (c) => {
    const { meterId } = c.req.valid('param');
    const q = c.req.valid('query');
    const db = drizzle(c.env.DB);
    const { meter, tenure } = await allowedMeter(db, c.env.DB, c.var.login.id, meterId);
    checkRange(q.from, q.to, 800);
    const { days } = await readDays(usageShards(c.env), meter.id, q.from, q.to, tenure);
    await logExport(c, meter, { from: q.from, to: q.to, format: 'Green Button XML', records: days.length });
    const [utility] = await db.select({ name: utilities.name }).from(utilities).limit(1);
    const xml = await greenButtonFeed({ meter, days, from: q.from, to: q.to, origin: c.env.PORTAL_ORIGIN, utilityName: utility?.name ?? 'Utility', tenure });
    return c.body(xml, 200, {
      ...noStore,
      'Content-Type': 'application/atom+xml; charset=utf-8',
      'Content-Disposition': `attachment; filename="green-button-${meter.id}-${q.from}-to-${q.to}.xml"`,
    });
  });
