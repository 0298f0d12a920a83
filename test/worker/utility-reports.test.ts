/**
 * The utility's reports at /staff/reports/: use by area and month, alerts by type and program
 * uptake never show a group under 10 homes; consent outcomes and visits are counted per month;
 * each chart has its table beside it; only the privacy officer, program staff and administrators
 * see them.
 */
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { barChart } from '../../worker/reports/chart';
import { consentOutcome, lastMonths, shownCount, useByAreaAndMonth } from '../../worker/reports/utility-reports';
import { utilityReports } from '../../worker/reports/utility-reports-store';
import { localDate } from '../../worker/requests/deadlines';
import { signedIn, uniqueId } from './support/sign-in';
import { givenMeter, givenReads, portal, TZ } from './support/usage-fixtures';
import { usageShards } from '../../worker/usage/shards';

describe('the de-identification rules', () => {
  it('shows a group of 10 homes or more, and hides a smaller one', () => {
    expect(shownCount(10)).toBe(10);
    expect(shownCount(9)).toBeNull();
    const [shown, hidden] = useByAreaAndMonth([
      { kind: 'water', area: 'North', month: '2026-10', total: 3100, homeDays: 31 * 10, fewestHomes: 10 },
      { kind: 'water', area: 'South', month: '2026-10', total: 2790, homeDays: 31 * 9, fewestHomes: 9 },
    ]);
    expect(shown).toEqual({ kind: 'water', area: 'North', month: '2026-10', homes: 10, perHomePerDay: 10 });
    expect(hidden).toEqual({ kind: 'water', area: 'South', month: '2026-10', homes: null, perHomePerDay: null });
  });

  it('names a cookie choice: allowed all, refused all or withdrew, some, or a Global Privacy Control signal', () => {
    expect(consentOutcome({ action: 'choose', method: 'banner', preferences: true, analytics: true })).toBe('accept');
    expect(consentOutcome({ action: 'choose', method: 'banner', preferences: false, analytics: false })).toBe('reject');
    expect(consentOutcome({ action: 'withdraw', method: 'settings', preferences: true, analytics: true })).toBe('reject');
    expect(consentOutcome({ action: 'choose', method: 'settings', preferences: true, analytics: false })).toBe('custom');
    expect(consentOutcome({ action: 'choose', method: 'gpc', preferences: true, analytics: false })).toBe('gpc');
  });

  it('covers the last 13 calendar months, across a year end', () => {
    expect(lastMonths('2026-02-14')).toEqual(['2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02']);
  });

  it('draws no bar for a hidden figure, and labels the chart as a picture of its table', () => {
    const svg = barChart('Homes with an alert', ['Oct 2026', 'Nov 2026'], [{ name: 'Leak', values: [12, null] }], String);
    expect(svg.match(/<rect /g)).toHaveLength(1);
    expect(svg).toContain('role="img" aria-label="Homes with an alert. The table beside the chart has every figure."');
    expect(svg).not.toMatch(/style=/);
  });
});

describe('the reports page', () => {
  const today = localDate(new Date(), TZ);
  const month = today.slice(0, 7);
  const days = [1, 2, 3].map((d) => `${month}-0${d}`).filter((d) => d <= today);
  const area = (name: string, homes: number) => Promise.all(Array.from({ length: homes }, () => givenMeter({ serviceArea: name })));

  beforeAll(async () => {
    // Ten homes in North, nine in South, each with complete days of readings written through the real path.
    const north = await area('North Reports', 10);
    const south = await area('South Reports', 9);
    for (const meter of [...north, ...south]) await givenReads(meter, days, (_day, _slot, count) => 120 / count);
    // Twelve homes with a leak alert this month, three with a high-use day.
    const alert = (meter: (typeof north)[number], type: string) =>
      env.DB.prepare(`INSERT INTO alerts (id, account_id, meter_id, type, first_day, last_day, figures) VALUES (?1, ?2, ?3, ?4, ?5, ?5, '{}')`).bind(uniqueId('alert'), meter.accountId, meter.meterId, type, days[0]);
    await env.DB.batch([...north, ...south.slice(0, 2)].map((m) => alert(m, 'continuous_flow')).concat(south.slice(0, 3).map((m) => alert(m, 'high_use_day'))));
    // Eleven homes applied to one program (ten approved); four to another.
    const apply = (accountId: string, program: string, status: string) =>
      env.DB.prepare(
        `INSERT INTO program_applications (id, account_id, program_id, program_title, program_kind, answers, status, created_at, updated_at, documents_kept_days, paid_cents, paid_on, paid_by)
         VALUES (?1, ?2, ?3, ?4, 'rebate', '{}', ?5, ?6, ?6, 90, ?7, ?8, ?9)`,
      ).bind(uniqueId('app'), accountId, program, program === 'toilet' ? 'Toilet rebate' : 'Turf rebate', status, new Date().toISOString(), ...(status === 'paid' ? [7500, today, 'cheque'] : [null, null, null]));
    await env.DB.batch([
      ...north.map((m) => apply(m.accountId, 'toilet', 'approved')),
      apply(south[0]!.accountId, 'toilet', 'submitted'),
      ...south.slice(1, 5).map((m) => apply(m.accountId, 'turf', 'paid')),
    ]);
    // Cookie choices and visits this month.
    const now = new Date().toISOString();
    const choice = (method: string, action: string, preferences: number, analytics: number) =>
      env.DB.prepare(`INSERT INTO consent_records (id, consent_id, action, method, policy_version, preferences, analytics, gpc, recorded_at) VALUES (?1, ?1, ?2, ?3, 'test', ?4, ?5, 0, ?6)`).bind(uniqueId('c'), action, method, preferences, analytics, now);
    await env.DB.batch([choice('banner', 'choose', 1, 1), choice('banner', 'choose', 1, 1), choice('banner', 'choose', 0, 0), choice('settings', 'choose', 1, 0), choice('gpc', 'choose', 1, 0)]);
    await env.DB.prepare(`INSERT INTO visit_daily_totals (day, visits, page_views, timed_views, time_on_page_ms) VALUES (?1, 40, 100, 50, 1500000)`).bind(today).run();
  });

  it('counts this month: use where 10 homes, alerts and uptake from 10, every cookie choice and visit', async () => {
    const r = await utilityReports(env.DB, usageShards(env), today);
    expect(r.use.find((u) => u.area === 'North Reports' && u.month === month)).toMatchObject({ homes: 10, perHomePerDay: 120 });
    expect(r.use.find((u) => u.area === 'South Reports' && u.month === month)).toMatchObject({ homes: null, perHomePerDay: null });
    expect(r.alertHomes('continuous_flow', month)).toBe(12);
    expect(r.alertHomes('high_use_day', month)).toBeNull();
    expect(r.alertHomes('bill_forecast', month)).toBe(0);
    expect(r.programs).toEqual([
      { title: 'Toilet rebate', applied: 11, approved: 10, paid: 0 },
      { title: 'Turf rebate', applied: null, approved: null, paid: null },
    ]);
    expect(r.consent.at(-1)).toEqual({ month, accept: 2, reject: 1, custom: 1, gpc: 1 });
    expect(r.visits.at(-1)).toEqual({ month, visits: 40, pageViews: 100, pagesPerVisit: 2.5, secondsOnPage: 30 });
  });

  it('shows each report as a chart with its table, hiding the small groups', async () => {
    const { cookie } = await signedIn({ role: 'privacy_officer' });
    const res = await portal('/staff/reports/', { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const id of ['use-water', 'alerts', 'programs', 'consent', 'visits']) expect(html).toContain(`<h2 id="${id}">`);
    expect(html.match(/<svg viewBox/g)!.length).toBe(4);
    expect(html).toContain('120 (10 homes)');
    expect(html).toContain('hidden: fewer than 10 homes');
    expect(html).toContain('<tr><th scope="row">Turf rebate</th><td>fewer than 10</td><td>fewer than 10</td><td>fewer than 10</td></tr>');
    expect(html).not.toContain('>9 homes');
  });

  it('refuses customers, support agents and anyone signed out', async () => {
    expect((await portal('/staff/reports/', { redirect: 'manual' })).status).toBe(401);
    for (const role of ['customer', 'support'] as const) {
      const { cookie } = await signedIn({ role });
      expect((await portal('/staff/reports/', { headers: { Cookie: cookie }, redirect: 'manual' })).status, role).toBe(403);
    }
    for (const role of ['programs', 'admin'] as const) {
      const { cookie } = await signedIn({ role });
      expect((await portal('/staff/reports/', { headers: { Cookie: cookie } })).status, role).toBe(200);
    }
  });
});
