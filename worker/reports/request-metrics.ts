/**
 * The privacy-request figures a business publishes each year (11 CCR § 7102): for requests to know,
 * delete, correct, opt out of sale or sharing, and limit the use of sensitive information, how many
 * were received in the calendar year, how many were complied with in whole or in part, how many
 * were denied, and the median and mean days to answer. Pure: the store hands in the requests.
 *
 * A request belongs to the year of its local receipt date. "Complied" is a fulfilled request (a
 * deletion that kept some records is complied with in part, and counted here); "denied" is a
 * refused one, whatever the reason (unverifiable included). Days run from the local receipt date
 * to the local date the request closed, counted over the closed requests only.
 */
import { requestMetricCategories, type PrivacyRequestState, type PrivacyRequestType, type RequestMetricCategory } from '../../db/schema';
import { daysBetween, localDate } from '../requests/deadlines';

export type RequestForMetrics = {
  type: PrivacyRequestType;
  state: PrivacyRequestState;
  receivedAt: string;
  closedAt: string | null;
  /** An opt-out request's choices (`optOutSaleSharing`, `limitSensitiveUse`). */
  details: Record<string, unknown> | null;
};

export type CategoryFigures = {
  category: RequestMetricCategory;
  received: number;
  complied: number;
  denied: number;
  /** Received in the year and not answered yet. */
  open: number;
  medianDays: number | null;
  meanDays: number | null;
};

export type YearFigures = { year: number; categories: CategoryFigures[] };

/** The categories one request is reported under: an opt-out request once for each choice it made. */
export function categoriesOf(request: Pick<RequestForMetrics, 'type' | 'details'>): RequestMetricCategory[] {
  if (request.type !== 'opt_out') return [request.type];
  const chosen: RequestMetricCategory[] = [];
  if (request.details?.optOutSaleSharing === true) chosen.push('opt_out');
  if (request.details?.limitSensitiveUse === true) chosen.push('limit');
  // The form requires a choice; a request without one still counts, as the opt-out it was filed as.
  return chosen.length ? chosen : ['opt_out'];
}

/** The local calendar year a request was received in. */
export function yearReceived(receivedAt: string, timeZone: string): number {
  return Number(localDate(new Date(receivedAt), timeZone).slice(0, 4));
}

const oneDecimal = (n: number) => Math.round(n * 10) / 10;

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return oneDecimal(sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2);
}

export function mean(values: number[]): number | null {
  return values.length ? oneDecimal(values.reduce((sum, v) => sum + v, 0) / values.length) : null;
}

/** The figures of one calendar year from the requests received in it (others are ignored). */
export function yearFigures(year: number, requests: RequestForMetrics[], timeZone: string): YearFigures {
  const byCategory = new Map(requestMetricCategories.map((category) => [category, { received: 0, complied: 0, denied: 0, open: 0, days: [] as number[] }]));
  for (const request of requests) {
    if (yearReceived(request.receivedAt, timeZone) !== year) continue;
    const closedDays = request.closedAt ? daysBetween(localDate(new Date(request.receivedAt), timeZone), localDate(new Date(request.closedAt), timeZone)) : null;
    for (const category of categoriesOf(request)) {
      const tally = byCategory.get(category)!;
      tally.received += 1;
      if (request.state === 'fulfilled') tally.complied += 1;
      else if (request.state === 'refused') tally.denied += 1;
      else tally.open += 1;
      if (closedDays !== null && (request.state === 'fulfilled' || request.state === 'refused')) tally.days.push(closedDays);
    }
  }
  return {
    year,
    categories: requestMetricCategories.map((category) => {
      const { days, ...counts } = byCategory.get(category)!;
      return { category, ...counts, medianDays: median(days), meanDays: mean(days) };
    }),
  };
}

/**
 * Whether a finished year's figures can be frozen: every request of it answered, or, failing that,
 * the year after it over too — its first answered requests are purged 24 months after closing, so
 * a request left open longer must not take the year's figures with them.
 */
export function readyToFreeze(year: number, currentYear: number, openInYear: number): boolean {
  return year < currentYear && (openInYear === 0 || year + 1 < currentYear);
}

const csvHeader = ['year', 'category', 'received', 'complied_in_whole_or_part', 'denied', 'open', 'median_days_to_respond', 'mean_days_to_respond'];

/** RFC 4180 CSV, one row per year and category, oldest year first; blank days where nothing closed. */
export function metricsCsv(years: YearFigures[]): string {
  const rows = years.flatMap(({ year, categories }) =>
    categories.map((c) => [year, c.category, c.received, c.complied, c.denied, c.open, c.medianDays ?? '', c.meanDays ?? ''].join(',')),
  );
  return [csvHeader.join(','), ...rows].join('\r\n') + '\r\n';
}
