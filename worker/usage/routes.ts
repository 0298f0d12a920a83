import { and, asc, eq, gte, lte } from 'drizzle-orm';
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { z } from 'zod';
import { bills, utilities } from '../../db/schema';
import type { AppEnv } from '../app-types';
import { assertAccountRight } from '../auth/account-access';
import { requireLogin } from '../auth/require-login';
import { ApiError, invalidRequest } from '../http/errors';
import { validate } from '../http/validate';
import { greenButtonFeed, usageCsv } from './export';
import { meterContext, meterListFor, type MeterContext } from './meters';
import { maxRangeDays, resolutions, usageSeries } from './series';
import { readDays, similarGroupId } from './store';
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

/** The meter, once the caller is known to hold the usage right on its account (404 otherwise). */
async function allowedMeter(db: DrizzleD1Database, loginId: string, meterId: string): Promise<MeterContext> {
  const meter = await meterContext(db, meterId);
  if (!meter) throw new ApiError(404, 'not_found', 'No such meter.');
  await assertAccountRight(db, loginId, meter.accountId, 'usage').catch(() => {
    throw new ApiError(404, 'not_found', 'No such meter.');
  });
  return meter;
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

/** Customer usage: the caller's meters, series at any resolution, CSV and Green Button exports. */
export const usage = new Hono<AppEnv>()
  .use(requireLogin)
  .get('/meters', async (c) => {
    const db = drizzle(c.env.DB);
    const list = await meterListFor(db, c.var.login.id);
    const ranges = list.length
      ? await c.env.DB.batch<{ first: string | null; last: string | null }>(
          list.map((m) => c.env.DB.prepare('SELECT min(day) AS first, max(day) AS last FROM usage_days WHERE meter_id = ?1').bind(m.id)),
        )
      : [];
    const meters = list.map((m, i) => ({ ...m, firstDay: ranges[i]?.results[0]?.first ?? null, lastDay: ranges[i]?.results[0]?.last ?? null }));
    return c.json({ meters }, 200, noStore);
  })
  .get('/meters/:meterId/series', validate('param', meterParam), validate('query', seriesQuery), async (c) => {
    const { meterId } = c.req.valid('param');
    const q = c.req.valid('query');
    const db = drizzle(c.env.DB);
    const meter = await allowedMeter(db, c.var.login.id, meterId);
    checkRange(q.from, q.to, maxRangeDays[q.resolution]);
    const unit = displayUnit(meter, q.unit);
    const billingPeriods =
      q.resolution === 'billing'
        ? await db
            .select({ start: bills.periodStart, end: bills.periodEnd })
            .from(bills)
            .where(and(eq(bills.accountId, meter.accountId), lte(bills.periodStart, q.to), gte(bills.periodEnd, q.from)))
            .orderBy(asc(bills.periodStart))
        : [];
    const group = await similarGroupId(c.env.DB, meter.kind, meter.serviceArea, meter.household);
    const series = await usageSeries(c.env.DB, meter, { from: q.from, to: q.to, resolution: q.resolution, unit, billingPeriods }, group);
    return c.json(series, 200, noStore);
  })
  .get('/meters/:meterId/export.csv', validate('param', meterParam), validate('query', exportQuery), async (c) => {
    const { meterId } = c.req.valid('param');
    const q = c.req.valid('query');
    const meter = await allowedMeter(drizzle(c.env.DB), c.var.login.id, meterId);
    checkRange(q.from, q.to, 800);
    const unit = displayUnit(meter, q.unit);
    const { days } = await readDays(c.env.DB, meter.id, q.from, q.to);
    return c.body(usageCsv(meter, days, q.from, q.to, unit), 200, {
      ...noStore,
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="usage-${meter.id}-${q.from}-to-${q.to}.csv"`,
    });
  })
  .get('/meters/:meterId/export.xml', validate('param', meterParam), validate('query', exportQuery.omit({ unit: true })), async (c) => {
    const { meterId } = c.req.valid('param');
    const q = c.req.valid('query');
    const db = drizzle(c.env.DB);
    const meter = await allowedMeter(db, c.var.login.id, meterId);
    checkRange(q.from, q.to, 800);
    const { days } = await readDays(c.env.DB, meter.id, q.from, q.to);
    const [utility] = await db.select({ name: utilities.name }).from(utilities).limit(1);
    const xml = await greenButtonFeed({ meter, days, from: q.from, to: q.to, origin: c.env.PORTAL_ORIGIN, utilityName: utility?.name ?? 'Utility' });
    return c.body(xml, 200, {
      ...noStore,
      'Content-Type': 'application/atom+xml; charset=utf-8',
      'Content-Disposition': `attachment; filename="green-button-${meter.id}-${q.from}-to-${q.to}.xml"`,
    });
  });
