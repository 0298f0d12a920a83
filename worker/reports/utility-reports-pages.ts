/**
 * /staff/reports/: the utility's de-identified reports over the last 13 months — use by area and
 * month, alerts by type, program uptake, consent outcomes and visits — each a chart with its table
 * beside it. For the privacy officer, program staff and administrators; support agents work one
 * customer at a time and have no need of them.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-types';
import { alertTypes } from '../../db/schema';
import { requireLogin, requireRole } from '../auth/require-login';
import { alertTypeLabels } from '../alerts/centre/vocabulary';
import { localDate } from '../requests/deadlines';
import { esc, servePage } from '../requests/page-fill';
import { utility } from '../tenants/scope';
import { baseUnit, unitLabels, type MeterKind } from '../usage/units';
import { barChart } from './chart';
import { reportTable } from './table';
import { MIN_GROUP, type ConsentOutcome } from './utility-reports';
import { usageShards } from '../usage/shards';
import { utilityReports } from './utility-reports-store';

export const STAFF_REPORTS_PAGE = '/staff/reports/';
export const reportRoles = requireRole('privacy_officer', 'programs', 'admin');

const FEWER = `fewer than ${MIN_GROUP}`;
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const count = (n: number | null) => (n === null ? FEWER : number.format(n));
const monthName = (month: string) => new Date(`${month}-15T12:00:00Z`).toLocaleDateString('en-US', { timeZone: 'UTC', month: 'short', year: 'numeric' });

const consentLabels: Record<ConsentOutcome, string> = {
  accept: 'Allowed all',
  reject: 'Refused all (or withdrew)',
  custom: 'Chose some',
  gpc: 'Global Privacy Control',
};

const section = (id: string, title: string, about: string, body: string) =>
  `<section aria-labelledby="${id}"><h2 id="${id}">${esc(title)}</h2><p>${esc(about)}</p><div class="report">${body}</div></section>`;

function useSection(r: Awaited<ReturnType<typeof utilityReports>>): string {
  const kinds = [...new Set(r.use.map((u) => u.kind))] as MeterKind[];
  if (!kinds.length) return section('use', 'Use by area and month', 'No complete days of use in the last 13 months.', '');
  const labels = r.months.map(monthName);
  return kinds
    .map((kind) => {
      const unit = unitLabels[baseUnit(kind)];
      const areas = [...new Set(r.use.filter((u) => u.kind === kind).map((u) => u.area))];
      const value = (area: string, month: string) => r.use.find((u) => u.kind === kind && u.area === area && u.month === month);
      const title = `${kind === 'water' ? 'Water' : kind === 'electric' ? 'Electricity' : 'Gas'} use by area and month`;
      const chart = barChart(`${title}, ${unit} per home per day`, labels, areas.map((area) => ({ name: area, values: r.months.map((m) => value(area, m)?.perHomePerDay ?? null) })), number.format);
      const rows = r.months.map((m, i) => [labels[i]!, ...areas.map((area) => {
        const v = value(area, m);
        return !v ? 'no complete days' : v.perHomePerDay === null ? `hidden: ${FEWER} homes` : `${number.format(v.perHomePerDay)} (${number.format(v.homes!)} homes)`;
      })]);
      return section(`use-${kind}`, title, `Average ${unit} per home per day over the homes with a complete day of readings; a month is hidden where any day had ${FEWER} homes in the area.`, chart + reportTable(`${title}: ${unit} per home per day (homes)`, ['Month', ...areas], rows));
    })
    .join('');
}

function alertSection(r: Awaited<ReturnType<typeof utilityReports>>): string {
  const labels = r.months.map(monthName);
  const chart = barChart('Homes with a new alert, by type and month', labels, alertTypes.map((type) => ({ name: alertTypeLabels[type], values: r.months.map((m) => r.alertHomes(type, m)) })), number.format);
  const rows = r.months.map((m, i) => [labels[i]!, ...alertTypes.map((type) => count(r.alertHomes(type, m)))]);
  return section('alerts', 'Alerts by type', `Homes that got a new alert of each type in the month; a count under ${MIN_GROUP} is not shown.`, chart + reportTable('Homes with a new alert', ['Month', ...alertTypes.map((t) => alertTypeLabels[t])], rows));
}

function programSection(r: Awaited<ReturnType<typeof utilityReports>>): string {
  const about = `Homes that applied to each program in the last 13 months, were approved (or already paid), and were paid; a count under ${MIN_GROUP} is not shown.`;
  if (!r.programs.length) return section('programs', 'Program uptake', about, '<p>No applications in the last 13 months.</p>');
  return section('programs', 'Program uptake', about, reportTable('Program uptake, last 13 months', ['Program', 'Applied', 'Approved', 'Paid'], r.programs.map((p) => [p.title, count(p.applied), count(p.approved), count(p.paid)])));
}

function consentSection(r: Awaited<ReturnType<typeof utilityReports>>): string {
  const labels = r.months.map(monthName);
  const chart = barChart('Cookie choices by month', labels, r.consentOutcomes.map((o) => ({ name: consentLabels[o], values: r.consent.map((c) => c[o]) })), number.format);
  const rows = r.consent.map((c, i) => [labels[i]!, ...r.consentOutcomes.map((o) => number.format(c[o]))]);
  return section('consent', 'Cookie choices', 'Every choice recorded from the banner or the cookie settings, and every Global Privacy Control signal that turned analytics off (months in UTC, as the proof is kept).', chart + reportTable('Cookie choices by month', ['Month', ...r.consentOutcomes.map((o) => consentLabels[o])], rows));
}

function visitSection(r: Awaited<ReturnType<typeof utilityReports>>): string {
  const labels = r.months.map(monthName);
  const chart = barChart('Visits and page views by month', labels, [{ name: 'Visits', values: r.visits.map((v) => v.visits) }, { name: 'Page views', values: r.visits.map((v) => v.pageViews) }], number.format);
  const rows = r.visits.map((v, i) => [labels[i]!, number.format(v.visits), number.format(v.pageViews), v.pagesPerVisit === null ? '—' : number.format(v.pagesPerVisit), v.secondsOnPage === null ? '—' : `${number.format(v.secondsOnPage)} s`]);
  return section('visits', 'Visits', 'Counted only for visitors who allowed analytics cookies; no visitor is identified.', chart + reportTable('Visits by month', ['Month', 'Visits', 'Page views', 'Pages per visit', 'Time on a page'], rows));
}

export const reportPages = new Hono<AppEnv>().use(STAFF_REPORTS_PAGE, requireLogin, reportRoles).get(STAFF_REPORTS_PAGE, async (c) => {
  const reports = await utilityReports(c.env.DB, usageShards(c.env), localDate(new Date(), utility().timeZone));
  const html = useSection(reports) + alertSection(reports) + programSection(reports) + consentSection(reports) + visitSection(reports);
  return servePage(c, STAFF_REPORTS_PAGE, [{ selector: '[data-fill="reports"]', html }]);
});
