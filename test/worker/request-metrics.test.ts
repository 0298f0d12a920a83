/**
 * The yearly privacy-request figures a business publishes (11 CCR § 7102): counted apart from HTTP,
 * frozen by the daily job before the requests behind them are purged, shown on a public page in
 * both languages and downloadable as CSV.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { categoriesOf, mean, median, metricsCsv, readyToFreeze, yearFigures, type RequestForMetrics } from '../../worker/reports/request-metrics';
import { publishedRequestMetrics } from '../../worker/reports/request-metrics-store';
import { runDailyMaintenance } from '../../worker/requests/scheduled';
import { formToken, portal, postJson, requestBody } from './support/requests';

const LA = 'America/Los_Angeles';

const request = (overrides: Partial<RequestForMetrics>): RequestForMetrics => ({
  type: 'know',
  state: 'fulfilled',
  receivedAt: '2024-03-01T18:00:00.000Z',
  closedAt: '2024-03-11T18:00:00.000Z',
  details: null,
  ...overrides,
});

describe('counting a year', () => {
  it('counts an opt-out request once for each choice it made', () => {
    expect(categoriesOf({ type: 'opt_out', details: { optOutSaleSharing: true, limitSensitiveUse: true } })).toEqual(['opt_out', 'limit']);
    expect(categoriesOf({ type: 'opt_out', details: { optOutSaleSharing: false, limitSensitiveUse: true } })).toEqual(['limit']);
    expect(categoriesOf({ type: 'delete', details: null })).toEqual(['delete']);
  });

  it('counts received, carried out, denied and open, with median and mean days over the answered ones', () => {
    const figures = yearFigures(
      2024,
      [
        request({ closedAt: '2024-03-11T18:00:00.000Z' }), // 10 days
        request({ closedAt: '2024-03-21T18:00:00.000Z' }), // 20 days
        request({ state: 'refused', closedAt: '2024-04-15T18:00:00.000Z' }), // 45 days, denied
        request({ state: 'in_progress', closedAt: null }),
        request({ type: 'delete', closedAt: '2024-03-04T18:00:00.000Z' }),
      ],
      LA,
    );
    const know = figures.categories.find((c) => c.category === 'know')!;
    expect(know).toEqual({ category: 'know', received: 4, complied: 2, denied: 1, open: 1, medianDays: 20, meanDays: 25 });
    expect(figures.categories.find((c) => c.category === 'delete')).toMatchObject({ received: 1, complied: 1, medianDays: 3, meanDays: 3 });
    expect(figures.categories.find((c) => c.category === 'correct')).toEqual({ category: 'correct', received: 0, complied: 0, denied: 0, open: 0, medianDays: null, meanDays: null });
    expect(figures.categories.map((c) => c.category)).toEqual(['know', 'delete', 'correct', 'opt_out', 'limit']);
  });

  it('places a request in the local year it was received, and counts local calendar days', () => {
    // 05:00 UTC on 1 January is still New Year's Eve in California.
    const eve = request({ receivedAt: '2025-01-01T05:00:00.000Z', closedAt: '2025-01-02T05:00:00.000Z' });
    expect(yearFigures(2024, [eve], LA).categories[0]).toMatchObject({ received: 1, medianDays: 1 });
    expect(yearFigures(2025, [eve], LA).categories[0]).toMatchObject({ received: 0 });
  });

  it('takes the middle two for an even median, and rounds to one decimal', () => {
    expect(median([1, 2, 4, 10])).toBe(3);
    expect(median([3, 1, 2])).toBe(2);
    expect(mean([1, 1, 2])).toBe(1.3);
    expect(median([])).toBeNull();
  });

  it('freezes a finished year once every request in it is answered, or when the year after it is over too', () => {
    expect(readyToFreeze(2026, 2026, 0)).toBe(false);
    expect(readyToFreeze(2025, 2026, 0)).toBe(true);
    expect(readyToFreeze(2025, 2026, 2)).toBe(false);
    expect(readyToFreeze(2024, 2026, 2)).toBe(true);
  });

  it('writes RFC 4180 CSV with a header and blank days where nothing was answered', () => {
    const csv = metricsCsv([yearFigures(2024, [request({})], LA)]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('year,category,received,complied_in_whole_or_part,denied,open,median_days_to_respond,mean_days_to_respond');
    expect(lines[1]).toBe('2024,know,1,1,0,0,10,10');
    expect(lines[2]).toBe('2024,delete,0,0,0,0,,');
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});

async function insertRequest(id: string, r: Partial<RequestForMetrics>) {
  const { type, state, receivedAt, closedAt, details } = request(r);
  await env.DB.prepare(
    `INSERT INTO privacy_requests (id, type, state, received_at, acknowledge_by, due_on, submitted_by, requester_name, requester_email, declaration_name, submission_sha256, receipt_jws, closed_at, details)
     VALUES (?1, ?2, ?3, ?4, '2000-01-01', '2000-01-01', 'self', 'x', 'x@test.example', 'x', 'h', 'r', ?5, ?6)`,
  )
    .bind(id, type, state, receivedAt, closedAt, details ? JSON.stringify(details) : null)
    .run();
}

describe('the published figures', () => {
  it('freezes a finished year before the daily job purges its requests, and keeps showing it', async () => {
    await insertRequest('m-2019-a', { receivedAt: '2019-02-01T18:00:00.000Z', closedAt: '2019-02-11T18:00:00.000Z' });
    await insertRequest('m-2019-b', { type: 'opt_out', details: { optOutSaleSharing: true, limitSensitiveUse: true }, receivedAt: '2019-05-01T18:00:00.000Z', closedAt: '2019-05-05T18:00:00.000Z' });
    await insertRequest('m-2020-open', { type: 'delete', state: 'in_progress', receivedAt: '2020-12-20T18:00:00.000Z', closedAt: null });

    // Early 2020: 2019 is answered in full, so it is frozen.
    expect((await runDailyMaintenance(env.DB, new Date('2020-01-10T18:00:00Z'))).frozenYears).toEqual([2019]);
    // 2021: 2020 still has an open request, and the year after it is not over.
    expect((await runDailyMaintenance(env.DB, new Date('2021-01-10T18:00:00Z'))).frozenYears).toEqual([]);
    // 2022: the open 2020 request no longer holds its year back; the 2019 requests, closed over
    // 24 months ago, are purged, and their figures stay.
    const in2022 = await runDailyMaintenance(env.DB, new Date('2022-01-10T18:00:00Z'));
    expect(in2022.frozenYears).toEqual([2020, 2021]);
    expect(in2022.purgedRequests).toBe(2);
    const years = await publishedRequestMetrics(env.DB, new Date('2022-06-01T18:00:00Z'));
    expect(years.map((y) => [y.year, y.frozen])).toEqual([[2019, true], [2020, true], [2021, true], [2022, false]]);
    const y2019 = years[0]!.categories;
    expect(y2019.find((c) => c.category === 'know')).toMatchObject({ received: 1, complied: 1, medianDays: 10 });
    expect(y2019.find((c) => c.category === 'opt_out')).toMatchObject({ received: 1, complied: 1, medianDays: 4 });
    expect(y2019.find((c) => c.category === 'limit')).toMatchObject({ received: 1, complied: 1, medianDays: 4 });
    expect(years[1]!.categories.find((c) => c.category === 'delete')).toMatchObject({ received: 1, open: 1, complied: 0 });
    // Freezing twice writes nothing new.
    expect((await runDailyMaintenance(env.DB, new Date('2022-01-11T18:00:00Z'))).frozenYears).toEqual([]);
  });

  it('counts a request filed today in the current year as received and not answered yet', async () => {
    const before = await publishedRequestMetrics(env.DB);
    const filed = await postJson('/api/requests', { ...requestBody({ type: 'correct', correctionField: 'holder_name', correctionValue: 'Test Holder-Smith' }), formToken: await formToken() });
    expect(filed.status).toBeLessThan(300);
    const after = await publishedRequestMetrics(env.DB);
    const correct = (years: typeof after) => years.at(-1)!.categories.find((c) => c.category === 'correct')!;
    expect(correct(after).received).toBe(correct(before).received + 1);
    expect(correct(after).open).toBe(correct(before).open + 1);
  });

  it('shows each year newest first on the public page, in English and in Spanish', async () => {
    const english = await (await portal('/privacy/request-metrics/')).text();
    expect(english).toContain('<h1>Privacy requests by year</h1>');
    expect(english).toMatch(/<h2 id="year-\d{4}">\d{4}, so far<\/h2>/);
    expect(english.indexOf('id="year-2020"')).toBeLessThan(english.indexOf('id="year-2019"'));
    expect(english).toContain('<h2 id="year-2019">2019</h2>');
    expect(english).toContain('<th scope="row">Requests to limit the use of sensitive information</th>');
    const spanish = await portal('/es/privacy/request-metrics/');
    expect(spanish.status).toBe(200);
    const html = await spanish.text();
    expect(html).toContain('<html lang="es"');
    expect(html).toMatch(/\d{4}, hasta hoy/);
    expect(html).toContain('<th scope="row">Solicitudes para borrar</th>');
    expect(html).toContain('Mediana de días para responder');
  });

  it('downloads every year as CSV', async () => {
    const res = await portal('/privacy/request-metrics.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/csv/);
    expect(res.headers.get('Content-Disposition')).toContain('attachment');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^year,category,received,/);
    expect(lines).toContain('2019,know,1,1,0,0,10,10');
    expect(lines).toContain('2019,limit,1,1,0,0,4,4');
  });
});
