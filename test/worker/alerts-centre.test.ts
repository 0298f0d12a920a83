/**
 * The customer's side of an alert, through the real worker and D1: the alert centre lists and shows
 * alerts with the reads behind them, keeps every answer with its time, sends "need help" to the
 * support queue, records saving actions and shows use before and after, and saves the thresholds
 * detection reads. Bad input is refused with the fields named and nothing written.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../worker/usage/time';
import { centreTables, daysAgo, givenAlert, today } from './support/alert-fixtures';
import { get, postForm, postJson } from './support/accounts';
import { givenAccount, signedIn } from './support/sign-in';
import { givenMeter, givenReads } from './support/usage-fixtures';

async function holderWithAlert(options: Parameters<typeof givenAlert>[0] extends infer O ? Partial<O> : never = {}) {
  const meter = await givenMeter();
  const holder = await signedIn({ holderOf: [meter.accountId] });
  const alert = await givenAlert({ accountId: meter.accountId, meterId: meter.meterId, ...options });
  return { meter, holder, alert };
}

const answers = (alertId: string) =>
  env.DB.prepare('SELECT answer, note, answered_at AS answeredAt, login_id AS loginId FROM alert_answers WHERE alert_id = ?1 ORDER BY answered_at, rowid').bind(alertId).all<{ answer: string; note: string | null; answeredAt: string; loginId: string }>();
const alertRow = (alertId: string) => env.DB.prepare('SELECT status, close_reason AS closeReason, closed_day AS closedDay, reminders_stopped_at AS remindersStoppedAt FROM alerts WHERE id = ?1').bind(alertId).first<{ status: string; closeReason: string | null; closedDay: string | null; remindersStoppedAt: string | null }>();

describe('the alert centre lists and shows alerts', () => {
  it('lists open alerts before past ones, each with its latest answer', async () => {
    const { meter, holder, alert: open } = await holderWithAlert({ lastDay: daysAgo(1) });
    const past = await givenAlert({ accountId: meter.accountId, meterId: meter.meterId, type: 'high_use_day', status: 'closed', firstDay: daysAgo(20), lastDay: daysAgo(20) });
    await postJson(`/api/alerts/${past.id}/answer`, { answer: 'expected_use' }, { cookie: holder.cookie });
    const res = await get('/api/alerts', { cookie: holder.cookie });
    expect(res.status).toBe(200);
    const body = await res.json<{ alerts: { id: string; status: string; answer: { answer: string } | null }[] }>();
    expect(body.alerts.map((a) => [a.id, a.status, a.answer?.answer ?? null])).toEqual([
      [open.id, 'open', null],
      [past.id, 'closed', 'expected_use'],
    ]);
  });

  it('shows an alert with the reads of its days, hour by hour, from the holder\'s tenure only', async () => {
    const { meter, holder, alert } = await holderWithAlert({ firstDay: daysAgo(2), lastDay: daysAgo(1) });
    await givenReads(meter, [daysAgo(3), daysAgo(2), daysAgo(1)], (day, slot) => (day === daysAgo(3) && slot < 5 ? 0 : 3));
    const res = await get(`/api/alerts/${alert.id}`, { cookie: holder.cookie });
    expect(res.status).toBe(200);
    const d = await res.json<{ chart: { resolution: string; from: string; to: string; points: { label: string; value: number | null }[] }; allowedAnswers: string[]; allowedActions: string[] }>();
    expect(d.chart).toMatchObject({ resolution: 'hour', from: daysAgo(3), to: daysAgo(1) });
    expect(d.chart.points.length).toBeGreaterThanOrEqual(71);
    expect(d.chart.points[0]).toMatchObject({ label: `${daysAgo(3)}T00:00`, value: 0 });
    expect(d.chart.points.at(-1)!.value).toBe(3);
    expect(d.allowedAnswers).toEqual(['fixed', 'not_a_leak', 'need_help']);
    expect(d.allowedActions).toContain('toilet_repair');
  });

  it('shows a new occupant none of the previous occupant\'s reads beside an alert, and the former holder none of theirs', async () => {
    const meter = await givenMeter();
    const moveIn = daysAgo(3);
    await givenReads(meter, [daysAgo(5), daysAgo(4), daysAgo(3), daysAgo(2), daysAgo(1)], (day) => (day < moveIn ? 50 : 7));
    const newHolderAccount = await givenAccount();
    await env.DB.batch([
      env.DB.prepare('UPDATE service_point_tenures SET end_day = ?2 WHERE service_point_id = ?1 AND end_day IS NULL').bind(meter.servicePointId, addDays(moveIn, -1)),
      env.DB.prepare('INSERT INTO service_point_tenures (service_point_id, account_id, start_day) VALUES (?1, ?2, ?3)').bind(meter.servicePointId, newHolderAccount, moveIn),
      env.DB.prepare('UPDATE service_points SET account_id = ?2 WHERE id = ?1').bind(meter.servicePointId, newHolderAccount),
    ]);
    const formerHolder = await signedIn({ holderOf: [meter.accountId] });
    const newHolder = await signedIn({ holderOf: [newHolderAccount] });
    const theirs = await givenAlert({ accountId: meter.accountId, meterId: meter.meterId, status: 'closed', closeReason: 'moved_out', firstDay: daysAgo(5), lastDay: daysAgo(4) });
    const mine = await givenAlert({ accountId: newHolderAccount, meterId: meter.meterId, firstDay: moveIn, lastDay: daysAgo(1) });
    type Detail = { chart: { points: { label: string; value: number | null; quality: string }[] } };
    const newView = await (await get(`/api/alerts/${mine.id}`, { cookie: newHolder.cookie })).json<Detail>();
    // The window starts the day before the alert, which was the previous occupant's: shown as not held, with no value.
    expect(newView.chart.points.filter((p) => p.label < moveIn).every((p) => p.value === null && p.quality === 'not_held')).toBe(true);
    expect(newView.chart.points.filter((p) => p.label >= moveIn).every((p) => p.value === 7)).toBe(true);
    const newPage = await (await get(`/account/alerts/alert/?id=${mine.id}`, { cookie: newHolder.cookie })).text();
    expect(newPage).not.toContain('>50<');
    const formerView = await (await get(`/api/alerts/${theirs.id}`, { cookie: formerHolder.cookie })).json<Detail>();
    expect(formerView.chart.points.some((p) => p.value === 50)).toBe(true);
    expect(formerView.chart.points.some((p) => p.value === 7)).toBe(false);
    // Each sees only their own alert.
    expect((await get(`/api/alerts/${theirs.id}`, { cookie: newHolder.cookie })).status).toBe(404);
    expect((await get(`/api/alerts/${mine.id}`, { cookie: formerHolder.cookie })).status).toBe(404);
  });

  it('serves the alert page without JavaScript: a chart, a table of the same reads, and the answer and action forms', async () => {
    const { meter, holder, alert } = await holderWithAlert({ firstDay: daysAgo(1), lastDay: daysAgo(1) });
    await givenReads(meter, [daysAgo(2), daysAgo(1)], () => 4);
    const res = await get(`/account/alerts/alert/?id=${alert.id}`, { cookie: holder.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1 data-fill="title">Water has been running without a break</h1>');
    expect(html).toMatch(/<svg viewBox="0 0 640 240" role="img"[^>]*aria-labelledby="alert-chart-title"><title id="alert-chart-title">Hourly use from/);
    expect(html.match(/<rect class="bar"/g)?.length).toBe(48);
    expect(html.match(/<tr class="in-episode">/g)?.length).toBe(24);
    expect(html).toContain(`<form method="post" action="/api/alerts/${alert.id}/answer" data-enhance>`);
    expect(html).toContain('value="not_a_leak"');
    expect(html).not.toContain('value="expected_use"');
    expect(html).toContain(`<form method="post" action="/api/alerts/${alert.id}/actions" data-enhance>`);
    expect(html).toContain('30 hours without stopping, never less than 2.5 gallons an hour');
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('lists alerts on a page without JavaScript, and counts open ones on the dashboard', async () => {
    const { holder, alert } = await holderWithAlert();
    const list = await (await get('/account/alerts/', { cookie: holder.cookie })).text();
    expect(list).toContain(`href="/account/alerts/alert/?id=${alert.id}"`);
    expect(list).toContain('Open alerts (1)');
    expect(list).toContain('Not answered yet');
    const dashboard = await (await get('/account/', { cookie: holder.cookie })).text();
    expect(dashboard).toContain('One open alert');
    expect(dashboard).toContain('href="/account/alerts/"');
  });

  it('draws the customer\'s daily limit on a high-use chart', async () => {
    const { meter, holder, alert } = await holderWithAlert({ type: 'high_use_day', figures: { basis: 'threshold', total: 650, threshold: 500 } });
    await postJson('/api/alerts/settings', { account: meter.accountId, kind: 'water', dayThreshold: 500 }, { cookie: holder.cookie });
    const html = await (await get(`/account/alerts/alert/?id=${alert.id}`, { cookie: holder.cookie })).text();
    expect(html).toContain('class="line-threshold"');
    expect(html).toContain('Your limit: 500');
    expect(html).toContain('you used 650 gallons, above the 500 gallons a day you asked us to watch for.');
  });
});

describe('answers are kept with their time', () => {
  it('keeps every answer with its time and who gave it; the latest is the current one', async () => {
    const { holder, alert } = await holderWithAlert();
    const before = Date.now();
    const first = await postJson(`/api/alerts/${alert.id}/answer`, { answer: 'need_help', note: 'Water sound in the wall' }, { cookie: holder.cookie });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'answered-help', supportItem: true });
    const second = await postJson(`/api/alerts/${alert.id}/answer`, { answer: 'fixed' }, { cookie: holder.cookie });
    expect(await second.json()).toMatchObject({ status: 'answered', closed: false });
    const rows = (await answers(alert.id)).results;
    expect(rows.map((r) => [r.answer, r.note, r.loginId])).toEqual([
      ['need_help', 'Water sound in the wall', holder.loginId],
      ['fixed', null, holder.loginId],
    ]);
    for (const r of rows) expect(Date.parse(r.answeredAt)).toBeGreaterThanOrEqual(before - 1000);
    const list = await (await get('/api/alerts', { cookie: holder.cookie })).json<{ alerts: { id: string; answer: { answer: string } }[] }>();
    expect(list.alerts.find((a) => a.id === alert.id)!.answer.answer).toBe('fixed');
  });

  it('stops reminders when the customer fixed it, and keeps the alert open until the reads say so', async () => {
    const { holder, alert } = await holderWithAlert();
    await postJson(`/api/alerts/${alert.id}/answer`, { answer: 'fixed' }, { cookie: holder.cookie });
    const row = await alertRow(alert.id);
    expect(row).toMatchObject({ status: 'open', closeReason: null });
    expect(row!.remindersStoppedAt).not.toBeNull();
  });

  it('closes the alert as dismissed when it was not a leak', async () => {
    const { holder, alert } = await holderWithAlert();
    const res = await postJson(`/api/alerts/${alert.id}/answer`, { answer: 'not_a_leak', note: 'Filling the pool' }, { cookie: holder.cookie });
    expect(await res.json()).toMatchObject({ status: 'answered', closed: true });
    expect(await alertRow(alert.id)).toMatchObject({ status: 'closed', closeReason: 'dismissed', closedDay: today() });
  });

  it('takes a plain form post without JavaScript and answers with a redirect to the alert and a message', async () => {
    const { holder, alert } = await holderWithAlert();
    const res = await postForm(`/api/alerts/${alert.id}/answer`, { answer: 'fixed', note: '' }, { cookie: holder.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/account/alerts/alert/?id=${alert.id}&status=answered`);
    const page = await (await get(res.headers.get('location')!, { cookie: holder.cookie })).text();
    expect(page).toContain('Your answer is saved with the date and time.');
    expect(page).toContain('<strong>Fixed</strong>');
    expect(page).toContain('Change your answer');
  });

  it('refuses an answer that does not fit the alert, or bad input, naming the field and writing nothing', async () => {
    const { holder, alert } = await holderWithAlert();
    const before = await centreTables();
    for (const [body, field] of [
      [{ answer: 'expected_use' }, 'answer'],
      [{ answer: 'maybe' }, 'answer'],
      [{}, 'answer'],
      [{ answer: 'fixed', note: 'x'.repeat(501) }, 'note'],
      [{ answer: 'fixed', note: 42 }, 'note'],
    ] as const) {
      const res = await postJson(`/api/alerts/${alert.id}/answer`, body, { cookie: holder.cookie });
      expect(res.status, JSON.stringify(body)).toBe(422);
      const error = (await res.json<{ error: { code: string; fields: { field: string }[] } }>()).error;
      expect(error.code).toBe('invalid_request');
      expect(error.fields.map((f) => f.field)).toContain(field);
    }
    const form = await postForm(`/api/alerts/${alert.id}/answer`, { answer: 'maybe' }, { cookie: holder.cookie });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe(`/account/alerts/alert/?id=${alert.id}&error=invalid_request&field=answer`);
    expect(await centreTables()).toEqual(before);
  });

  it('keeps at most ten answers per alert', async () => {
    const { holder, alert } = await holderWithAlert({ status: 'closed' });
    for (let i = 0; i < 10; i++) expect((await postJson(`/api/alerts/${alert.id}/answer`, { answer: i % 2 ? 'fixed' : 'need_help' }, { cookie: holder.cookie })).status).toBe(200);
    const res = await postJson(`/api/alerts/${alert.id}/answer`, { answer: 'fixed' }, { cookie: holder.cookie });
    expect(res.status).toBe(409);
    expect((await answers(alert.id)).results).toHaveLength(10);
  });
});

describe('"need help" reaches support', () => {
  it('opens one support item per alert, which support sees without the customer\'s identity until they open it (logged), and closes', async () => {
    const { meter, holder, alert } = await holderWithAlert();
    await postJson(`/api/alerts/${alert.id}/answer`, { answer: 'need_help', note: 'Please call after 5 pm' }, { cookie: holder.cookie });
    await postJson(`/api/alerts/${alert.id}/answer`, { answer: 'need_help' }, { cookie: holder.cookie });
    const items = await env.DB.prepare("SELECT id, status FROM support_items WHERE alert_id = ?1").bind(alert.id).all<{ id: string; status: string }>();
    expect(items.results).toEqual([{ id: expect.any(String), status: 'open' }]);
    const itemId = items.results[0]!.id;

    const support = await signedIn({ role: 'support' });
    const queue = await get('/api/staff/alerts/help', { cookie: support.cookie });
    expect(queue.status).toBe(200);
    const queueText = await queue.text();
    expect(queueText).toContain(itemId);
    expect(queueText).not.toContain(meter.accountId);
    expect(queueText).not.toContain('Please call after 5 pm');
    expect(queueText).not.toContain('Test Holder');

    const audits = () => env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE event = 'staff.support_item_viewed' AND subject_account_id = ?1 AND actor_login_id = ?2").bind(meter.accountId, support.loginId).first<{ n: number }>();
    expect((await audits())!.n).toBe(0);
    const opened = await get(`/api/staff/alerts/help/${itemId}`, { cookie: support.cookie });
    expect(opened.status).toBe(200);
    const detail = await opened.json<{ customer: { holderName: string }; alert: { id: string; answers: { note: string | null }[] } }>();
    expect(detail.customer.holderName).toBe('Test Holder');
    expect(detail.alert.id).toBe(alert.id);
    expect(detail.alert.answers.map((a) => a.note)).toEqual(['Please call after 5 pm', null]);
    expect((await audits())!.n).toBe(1);

    const page = await (await get(`/staff/alerts/help/?id=${itemId}`, { cookie: support.cookie })).text();
    expect(page).toContain('Please call after 5 pm');
    const closed = await postForm(`/api/staff/alerts/help/${itemId}/close`, { note: 'Called; plumber booked' }, { cookie: support.cookie });
    expect(closed.status).toBe(303);
    expect(closed.headers.get('location')).toBe(`/staff/alerts/help/?id=${itemId}&done=closed`);
    expect(await env.DB.prepare('SELECT status, closed_by_login_id AS by, closing_note AS note FROM support_items WHERE id = ?1').bind(itemId).first()).toEqual({ status: 'closed', by: support.loginId, note: 'Called; plumber booked' });
    expect((await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE event = 'staff.support_item_closed' AND subject_account_id = ?1").bind(meter.accountId).first<{ n: number }>())!.n).toBe(1);
    const again = await postJson(`/api/staff/alerts/help/${itemId}/close`, {}, { cookie: support.cookie });
    expect(again.status).toBe(409);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE event = 'staff.support_item_closed' AND subject_account_id = ?1").bind(meter.accountId).first<{ n: number }>())!.n).toBe(1);

    // Once closed, asking again opens a new item.
    await postJson(`/api/alerts/${alert.id}/answer`, { answer: 'need_help' }, { cookie: holder.cookie });
    expect((await env.DB.prepare("SELECT count(*) AS n FROM support_items WHERE alert_id = ?1 AND status = 'open'").bind(alert.id).first<{ n: number }>())!.n).toBe(1);
  });
});

describe('saving actions are recorded and use before and after is shown', () => {
  it('records an action once per alert (again moves its day) and compares complete days before and after it', async () => {
    const { meter, holder, alert } = await holderWithAlert({ firstDay: daysAgo(20), lastDay: daysAgo(12) });
    const actionDay = daysAgo(10);
    const days = Array.from({ length: 24 }, (_, i) => daysAgo(24 - i)).filter((d) => d < today());
    // 10 gallons an hour before the repair, 4 after; the repair day itself is mixed; one day after is missing an hour.
    await givenReads(meter, days, (day, slot) => (day === daysAgo(5) && slot === 3 ? null : day < actionDay ? 10 : day === actionDay ? 7 : 4));
    const first = await postJson(`/api/alerts/${alert.id}/actions`, { action: 'toilet_repair', takenOn: daysAgo(11) }, { cookie: holder.cookie });
    expect(first.status).toBe(200);
    expect((await postJson(`/api/alerts/${alert.id}/actions`, { action: 'toilet_repair', takenOn: actionDay }, { cookie: holder.cookie })).status).toBe(200);
    const rows = await env.DB.prepare('SELECT action, taken_on AS takenOn FROM alert_actions WHERE alert_id = ?1').bind(alert.id).all();
    expect(rows.results).toEqual([{ action: 'toilet_repair', takenOn: actionDay }]);

    const d = await (await get(`/api/alerts/${alert.id}`, { cookie: holder.cookie })).json<{ actions: { action: string; effect: { status: string; before: { days: number; perDay: number }; after: { days: number; perDay: number }; change: number } }[] }>();
    const effect = d.actions[0]!.effect;
    expect(effect.status).toBe('compared');
    expect(effect.before).toMatchObject({ days: 14, perDay: 240 });
    // Days after: actionDay+1 … yesterday (9 days), less the one with a missing hour.
    expect(effect.after).toMatchObject({ days: 8, perDay: 96 });
    expect(effect.change).toBeCloseTo(-0.6, 5);
    const page = await (await get(`/account/alerts/alert/?id=${alert.id}`, { cookie: holder.cookie })).text();
    expect(page).toContain('Before: 240 gallons a day (14 days). Since: 96 gallons a day (8 days), 60% less.');
  });

  it('says when there are not enough reads yet, and refuses actions that do not fit, days in the future or long before the alert', async () => {
    const { holder, alert } = await holderWithAlert({ firstDay: daysAgo(3), lastDay: daysAgo(1) });
    expect((await postJson(`/api/alerts/${alert.id}/actions`, { action: 'plumber_repair' }, { cookie: holder.cookie })).status).toBe(200);
    const d = await (await get(`/api/alerts/${alert.id}`, { cookie: holder.cookie })).json<{ actions: { takenOn: string; effect: { status: string } }[] }>();
    expect(d.actions).toEqual([expect.objectContaining({ takenOn: today(), effect: expect.objectContaining({ status: 'not_enough_before' }) })]);
    const before = await centreTables();
    for (const [body, field] of [
      [{ action: 'thermostat' }, 'action'],
      [{ action: 'dance' }, 'action'],
      [{ action: 'toilet_repair', takenOn: addDays(today(), 1) }, 'takenOn'],
      [{ action: 'toilet_repair', takenOn: daysAgo(40) }, 'takenOn'],
      [{ action: 'toilet_repair', takenOn: '2026-02-30' }, 'takenOn'],
    ] as const) {
      const res = await postJson(`/api/alerts/${alert.id}/actions`, body, { cookie: holder.cookie });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect((await res.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field)).toContain(field);
    }
    expect(await centreTables()).toEqual(before);
  });
});

describe('threshold settings', () => {
  it('saves the values detection reads, per service, and an empty field clears one', async () => {
    const meter = await givenMeter();
    const holder = await signedIn({ holderOf: [meter.accountId] });
    const res = await postForm('/api/alerts/settings', { account: meter.accountId, kind: 'water', continuousFlowHours: '8', dayThreshold: '450', periodThreshold: '9000', billThreshold: '$120.50' }, { cookie: holder.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/account/alerts/settings/?account=${meter.accountId}&status=alert-settings-saved`);
    const row = () => env.DB.prepare('SELECT continuous_flow_hours AS h, day_threshold AS d, period_threshold AS p, bill_threshold_cents AS b, updated_by_login_id AS by FROM alert_settings WHERE account_id = ?1 AND kind = ?2').bind(meter.accountId, 'water').first();
    expect(await row()).toEqual({ h: 8, d: 450, p: 9000, b: 12050, by: holder.loginId });
    await postJson('/api/alerts/settings', { account: meter.accountId, kind: 'water', continuousFlowHours: '', dayThreshold: 300 }, { cookie: holder.cookie });
    expect(await row()).toEqual({ h: null, d: 300, p: null, b: null, by: holder.loginId });
    const view = await (await get(`/api/alerts/settings?account=${meter.accountId}`, { cookie: holder.cookie })).json<{ kinds: { kind: string; dayThreshold: number; hoursRange: { min: number; max: number } }[] }>();
    expect(view.kinds).toEqual([expect.objectContaining({ kind: 'water', dayThreshold: 300, hoursRange: { min: 6, max: 24, default: 24 } })]);
    const page = await (await get(`/account/alerts/settings/?account=${meter.accountId}`, { cookie: holder.cookie })).text();
    expect(page).toContain('name="dayThreshold" type="number" inputmode="decimal" min="0" step="any" max="100000" value="300"');
    expect(page).toContain('<option value="">Our setting (24 hours)</option>');
  });

  it('refuses bad thresholds with the fields named, and writes nothing', async () => {
    const meter = await givenMeter();
    const holder = await signedIn({ holderOf: [meter.accountId] });
    const before = await centreTables();
    for (const [body, field] of [
      [{ kind: 'water', continuousFlowHours: 30 }, 'continuousFlowHours'],
      [{ kind: 'water', continuousFlowHours: 2 }, 'continuousFlowHours'],
      [{ kind: 'water', continuousFlowHours: '8.5' }, 'continuousFlowHours'],
      [{ kind: 'water', dayThreshold: -5 }, 'dayThreshold'],
      [{ kind: 'water', dayThreshold: 'lots' }, 'dayThreshold'],
      [{ kind: 'water', dayThreshold: '1e9' }, 'dayThreshold'],
      [{ kind: 'water', periodThreshold: 0 }, 'periodThreshold'],
      [{ kind: 'water', billThreshold: '12.345' }, 'billThreshold'],
      [{ kind: 'water', billThreshold: '0' }, 'billThreshold'],
      [{ kind: 'electric', dayThreshold: 30 }, 'kind'],
      [{ kind: 'steam' }, 'kind'],
    ] as const) {
      const res = await postJson('/api/alerts/settings', { account: meter.accountId, ...body }, { cookie: holder.cookie });
      expect(res.status, JSON.stringify(body)).toBe(422);
      const fields = (await res.json<{ error: { fields: { field: string; message: string }[] } }>()).error.fields;
      expect(fields.map((f) => f.field), JSON.stringify(body)).toContain(field);
    }
    const form = await postForm('/api/alerts/settings', { account: meter.accountId, kind: 'water', continuousFlowHours: '48' }, { cookie: holder.cookie });
    expect(form.headers.get('location')).toBe(`/account/alerts/settings/?account=${meter.accountId}&error=invalid_request&field=continuousFlowHours`);
    const page = await (await get(form.headers.get('location')!, { cookie: holder.cookie })).text();
    expect(page).toContain('Check: Hours of flow that never stops.');
    expect(await centreTables()).toEqual(before);
  });
});
