/**
 * Who may see and do what with alerts. Every alerts route refuses an anonymous caller, another
 * customer, a delegate without the usage right (alerts are usage data) and a customer of another
 * utility; staff see de-identified counts (never a group under 10 homes) and one person's alerts
 * only through a logged look-up; the personal-data map exports alerts, answers, actions, help
 * requests, recipients and preferences in an access package, and a deletion removes them.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { personalDataMap } from '../../db/personal-data';
import { countableMonths } from '../../worker/alerts/staff/counts';
import { buildAccessPackage } from '../../worker/staff/access-package';
import { usageShards } from '../../worker/usage/shards';
import { planDeletion } from '../../worker/staff/deletion';
import { addDays } from '../../worker/usage/time';
import { givenAlert } from './support/alert-fixtures';
import { get, postForm, postJson } from './support/accounts';
import { givenAccount, givenUtility, signedIn, uniqueId } from './support/sign-in';
import { givenMeter, TZ } from './support/usage-fixtures';

type Caller = 'anonymous' | 'other_customer' | 'delegate_without_usage' | 'other_utility' | 'delegate_with_usage' | 'holder';

/** An account with a water meter and an alert, and one cookie per kind of caller. */
async function world() {
  const meter = await givenMeter();
  const alert = await givenAlert({ accountId: meter.accountId, meterId: meter.meterId });
  const otherUtility = await givenUtility('other-utility');
  const foreignAccount = await givenAccount({ utilityId: otherUtility, id: uniqueId('acct-other-utility') });
  const cookies: Record<Exclude<Caller, 'anonymous'>, string> = {
    holder: (await signedIn({ holderOf: [meter.accountId] })).cookie,
    other_customer: (await signedIn({ holderOf: [(await givenMeter()).accountId] })).cookie,
    delegate_without_usage: (await signedIn({ delegateOf: [{ accountId: meter.accountId, usage: false, billing: true }] })).cookie,
    delegate_with_usage: (await signedIn({ delegateOf: [{ accountId: meter.accountId, usage: true }] })).cookie,
    other_utility: (await signedIn({ holderOf: [foreignAccount] })).cookie,
  };
  return { meter, alert, cookies };
}

type Route = { name: string; send: (w: Awaited<ReturnType<typeof world>>, cookie: string | null) => Promise<Response> };

const customerRoutes: Route[] = [
  { name: 'GET /api/alerts/:alertId', send: (w, cookie) => get(`/api/alerts/${w.alert.id}`, { cookie }) },
  { name: 'POST /api/alerts/:alertId/answer', send: (w, cookie) => postJson(`/api/alerts/${w.alert.id}/answer`, { answer: 'need_help' }, { cookie }) },
  { name: 'POST /api/alerts/:alertId/answer (form)', send: (w, cookie) => postForm(`/api/alerts/${w.alert.id}/answer`, { answer: 'need_help' }, { cookie, headers: { accept: 'application/json' } }) },
  { name: 'POST /api/alerts/:alertId/actions', send: (w, cookie) => postJson(`/api/alerts/${w.alert.id}/actions`, { action: 'toilet_repair' }, { cookie }) },
  { name: 'GET /api/alerts/settings', send: (w, cookie) => get(`/api/alerts/settings?account=${w.meter.accountId}`, { cookie }) },
  { name: 'POST /api/alerts/settings', send: (w, cookie) => postJson('/api/alerts/settings', { account: w.meter.accountId, kind: 'water', dayThreshold: 400 }, { cookie }) },
];

/** Expected status per caller: the holder may do everything; usage-right delegates see and answer, but thresholds need the manage right. */
const expected: Record<string, Record<Caller, number>> = {
  'GET /api/alerts/:alertId': { anonymous: 401, other_customer: 404, delegate_without_usage: 404, other_utility: 404, delegate_with_usage: 200, holder: 200 },
  'POST /api/alerts/:alertId/answer': { anonymous: 401, other_customer: 404, delegate_without_usage: 404, other_utility: 404, delegate_with_usage: 200, holder: 200 },
  'POST /api/alerts/:alertId/answer (form)': { anonymous: 401, other_customer: 404, delegate_without_usage: 404, other_utility: 404, delegate_with_usage: 200, holder: 200 },
  'POST /api/alerts/:alertId/actions': { anonymous: 401, other_customer: 404, delegate_without_usage: 404, other_utility: 404, delegate_with_usage: 200, holder: 200 },
  'GET /api/alerts/settings': { anonymous: 401, other_customer: 404, delegate_without_usage: 404, other_utility: 404, delegate_with_usage: 404, holder: 200 },
  'POST /api/alerts/settings': { anonymous: 401, other_customer: 404, delegate_without_usage: 404, other_utility: 404, delegate_with_usage: 404, holder: 200 },
};

const callers: Caller[] = ['anonymous', 'other_customer', 'delegate_without_usage', 'other_utility', 'delegate_with_usage', 'holder'];

describe('who may see and answer an alert', () => {
  for (const route of customerRoutes) {
    it(`${route.name}: refuses anonymous callers, other customers, delegates without the usage right and another utility's customers`, async () => {
      const w = await world();
      const got: Record<string, number> = {};
      for (const caller of callers) {
        const res = await route.send(w, caller === 'anonymous' ? null : w.cookies[caller]);
        got[caller] = res.status;
        const text = await res.text();
        if (res.status !== 200) {
          expect(text, `${route.name} as ${caller}`).not.toContain(w.meter.meterId);
          expect(text).not.toContain('without stopping');
        }
      }
      expect(got).toEqual(expected[route.name]);
    });
  }

  it('lists only the caller\'s own alerts', async () => {
    const w = await world();
    for (const caller of ['other_customer', 'delegate_without_usage', 'other_utility'] as const) {
      const res = await get('/api/alerts', { cookie: w.cookies[caller] });
      expect(res.status).toBe(200);
      expect(await res.text(), caller).not.toContain(w.alert.id);
    }
    expect(await (await get('/api/alerts', { cookie: w.cookies.delegate_with_usage })).text()).toContain(w.alert.id);
    expect((await get('/api/alerts')).status).toBe(401);
  });

  it('sends callers who may not see an alert page back to their alert list, and anonymous ones to sign in', async () => {
    const w = await world();
    for (const [path, holderStatus] of [[`/account/alerts/alert/?id=${w.alert.id}`, 200], [`/account/alerts/settings/?account=${w.meter.accountId}`, 200]] as const) {
      const anonymous = await get(path);
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get('location')).toBe('/login/?error=unauthenticated');
      for (const caller of ['other_customer', 'delegate_without_usage', 'other_utility'] as const) {
        const res = await get(path, { cookie: w.cookies[caller] });
        expect(res.status, `${path} as ${caller}`).toBe(303);
        expect(res.headers.get('location')).toBe('/account/alerts/?error=not_found');
      }
      expect((await get(path, { cookie: w.cookies.holder })).status).toBe(holderStatus);
    }
    const list = await get('/account/alerts/?error=not_found', { cookie: w.cookies.other_customer });
    expect(await list.text()).toContain('That alert or account was not found.');
  });

  it('keeps a delegate with only the usage right from changing thresholds, and says so on the page', async () => {
    const w = await world();
    const page = await get('/account/alerts/settings/', { cookie: w.cookies.delegate_with_usage });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Alert settings are chosen by the account holder');
    expect(await env.DB.prepare('SELECT count(*) AS n FROM alert_settings WHERE account_id = ?1').bind(w.meter.accountId).first()).toEqual({ n: 0 });
  });
});

describe('what staff see of alerts', () => {
  async function alertsInMonth(month: string, area: string, homes: number, answer?: 'fixed' | 'need_help') {
    const ids: { accountId: string; alertId: string }[] = [];
    for (let i = 0; i < homes; i++) {
      const meter = await givenMeter({ serviceArea: area });
      const alert = await givenAlert({ accountId: meter.accountId, meterId: meter.meterId, type: 'intermittent_leak', status: 'closed', firstDay: `${month}-0${1 + (i % 9)}`, lastDay: `${month}-1${i % 9}` });
      if (answer) await env.DB.prepare("INSERT INTO alert_answers (id, alert_id, account_id, answer, answered_at) VALUES (?1, ?2, ?3, ?4, '2026-01-01T00:00:00Z')").bind(uniqueId('ans'), alert.id, meter.accountId, answer).run();
      ids.push({ accountId: meter.accountId, alertId: alert.id });
    }
    return ids;
  }

  it('counts alerts by type and area for an ended month, never a group under 10 homes', async () => {
    const month = countableMonths(TZ)[6]!;
    const north = await alertsInMonth(month, 'Counts North', 12, 'fixed');
    const south = await alertsInMonth(month, 'Counts South', 4, 'need_help');
    for (const role of ['support', 'privacy_officer', 'admin'] as const) {
      const staff = await signedIn({ role });
      const res = await get(`/api/staff/alerts/counts?month=${month}`, { cookie: staff.cookie });
      expect(res.status, role).toBe(200);
      const text = await res.text();
      const body = JSON.parse(text) as { month: string; types: { type: string; byArea: unknown; byAnswer: unknown }[] };
      expect(body.month).toBe(month);
      const leaks = body.types.find((t) => t.type === 'intermittent_leak')!;
      // South's 4 homes are never shown apart: North's 12 join them in "others combined".
      expect(leaks.byArea).toEqual({ withheld: false, total: { homes: 16, alerts: 16 }, cells: [], other: { homes: 16, alerts: 16 } });
      expect(leaks.byAnswer).toEqual({ withheld: false, total: { homes: 16, alerts: 16 }, cells: [], other: { homes: 16, alerts: 16 } });
      expect(body.types.find((t) => t.type === 'continuous_flow')!.byArea).toEqual({ withheld: true, reason: 'fewer than 10 homes' });
      for (const { accountId, alertId } of [...north, ...south]) {
        expect(text).not.toContain(accountId);
        expect(text).not.toContain(alertId);
      }
      expect(text).not.toContain('Counts South');
    }
    // Six more homes in the south make it a group of its own.
    await alertsInMonth(month, 'Counts South', 6, 'need_help');
    const staff = await signedIn({ role: 'support' });
    const body = await (await get(`/api/staff/alerts/counts?month=${month}`, { cookie: staff.cookie })).json<{ types: { type: string; byArea: { cells: { key: string; homes: number }[] }; byAnswer: { cells: { key: string; homes: number }[] } }[] }>();
    const leaks = body.types.find((t) => t.type === 'intermittent_leak')!;
    expect(leaks.byArea.cells).toEqual([{ key: 'Counts North', homes: 12, alerts: 12 }, { key: 'Counts South', homes: 10, alerts: 10 }]);
    expect(leaks.byAnswer.cells).toEqual([{ key: 'fixed', homes: 12, alerts: 12 }, { key: 'need_help', homes: 10, alerts: 10 }]);
    const page = await (await get(`/staff/alerts/?month=${month}`, { cookie: staff.cookie })).text();
    expect(page).toContain('<th scope="row">Counts South</th><td>10</td><td>10</td>');
  });

  it('refuses the month in progress and months too old: figures that change day by day could single out a home', async () => {
    const staff = await signedIn({ role: 'admin' });
    const current = addDays(countableMonths(TZ)[0]!.concat('-01'), 40).slice(0, 7);
    for (const month of [current, '2019-01', '2026-13', 'last']) {
      const res = await get(`/api/staff/alerts/counts?month=${month}`, { cookie: staff.cookie });
      expect(res.status, month).toBe(422);
      expect((await res.json<{ error: { fields: { field: string }[] } }>()).error.fields[0]!.field).toBe('month');
    }
  });

  it('shows one customer\'s alerts to support only through a logged look-up, and the queue to support and administrators only', async () => {
    const meter = await givenMeter();
    const number = String(6_100_000_000 + Math.floor(Math.random() * 1e6));
    await env.DB.prepare('UPDATE accounts SET account_number = ?1 WHERE id = ?2').bind(number, meter.accountId).run();
    const alert = await givenAlert({ accountId: meter.accountId, meterId: meter.meterId });
    const support = await signedIn({ role: 'support' });
    const logged = () => env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE event = 'staff.customer_alerts_viewed' AND actor_login_id = ?1").bind(support.loginId).first<{ n: number }>();
    const res = await get(`/api/staff/alerts/customer?accountNumber=${number}`, { cookie: support.cookie });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(alert.id);
    expect((await logged())!.n).toBe(1);
    expect((await get('/api/staff/alerts/customer?accountNumber=999999999', { cookie: support.cookie })).status).toBe(404);
    expect((await logged())!.n).toBe(2);
    const page = await (await get(`/staff/alerts/?accountNumber=${number}`, { cookie: support.cookie })).text();
    expect(page).toContain('Water running without a break');
    expect((await logged())!.n).toBe(3);

    const officer = await signedIn({ role: 'privacy_officer' });
    const customer = await signedIn({ holderOf: [meter.accountId] });
    for (const path of ['/api/staff/alerts/help', `/api/staff/alerts/customer?accountNumber=${number}`]) {
      expect((await get(path, { cookie: officer.cookie })).status, path).toBe(403);
      expect((await get(path, { cookie: customer.cookie })).status, path).toBe(403);
      expect((await get(path)).status, path).toBe(401);
    }
    expect((await get('/api/staff/alerts/counts', { cookie: customer.cookie })).status).toBe(403);
    const officerPage = await get(`/staff/alerts/?accountNumber=${number}`, { cookie: officer.cookie });
    expect(officerPage.status).toBe(200);
    const officerHtml = await officerPage.text();
    expect(officerHtml).not.toContain(alert.id);
    expect(officerHtml).toContain('for support agents and administrators');
    expect((await get('/staff/alerts/', { cookie: customer.cookie })).status).toBe(403);
    expect((await get('/staff/alerts/')).status).toBe(401);
  });
});

describe('alerts in the personal-data map', () => {
  it('maps every alerts table, and exports alerts, answers, actions, help requests, recipients and preferences; deletion removes them', async () => {
    const alertTables = ['alerts', 'alert_notices', 'alert_settings', 'alert_answers', 'alert_actions', 'support_items', 'alert_recipients', 'recipient_topics', 'contact_preferences', 'alert_deliveries'];
    for (const t of alertTables) expect(personalDataMap.some((e) => e.table === t), t).toBe(true);

    const meter = await givenMeter();
    const holder = await signedIn({ holderOf: [meter.accountId] });
    const alert = await givenAlert({ accountId: meter.accountId, meterId: meter.meterId });
    await postJson(`/api/alerts/${alert.id}/answer`, { answer: 'need_help', note: 'The lawn is flooded' }, { cookie: holder.cookie });
    await postJson(`/api/alerts/${alert.id}/actions`, { action: 'irrigation_repair' }, { cookie: holder.cookie });
    await postJson('/api/alerts/settings', { account: meter.accountId, kind: 'water', dayThreshold: 420 }, { cookie: holder.cookie });
    const recipientId = uniqueId('rcpt');
    await env.DB.batch([
      env.DB.prepare("INSERT INTO alert_recipients (id, account_id, channel, address, name, origin, status) VALUES (?1, ?2, 'sms', '+12095550188', 'Sam (landlord)', 'added', 'confirmed')").bind(recipientId, meter.accountId),
      env.DB.prepare("INSERT INTO recipient_topics (recipient_id, topic, enabled, changed_via) VALUES (?1, 'continuous_flow', 1, 'preferences')").bind(recipientId),
      env.DB.prepare("INSERT INTO contact_preferences (account_id, quiet_hours_start, quiet_hours_end) VALUES (?1, '22:00', '07:00')").bind(meter.accountId),
      env.DB.prepare("INSERT INTO alert_notices (id, alert_id, kind, day) VALUES (?1, ?2, 'opened', ?3)").bind(uniqueId('ntc'), alert.id, '2026-10-01'),
    ]);

    const subject = { accountId: meter.accountId, loginIds: [holder.loginId], emails: [] };
    const pkg = await buildAccessPackage(env.DB, usageShards(env), subject, 'req-alerts');
    const rows = (table: string) => pkg.tables.find((t) => t.table === table)?.rows ?? [];
    expect(rows('alerts')).toEqual([expect.objectContaining({ id: alert.id, type: 'continuous_flow', status: 'open' })]);
    expect(rows('alert_answers')).toEqual([expect.objectContaining({ alert_id: alert.id, answer: 'need_help', note: 'The lawn is flooded' })]);
    expect(rows('alert_actions')).toEqual([expect.objectContaining({ alert_id: alert.id, action: 'irrigation_repair' })]);
    expect(rows('support_items')).toEqual([expect.objectContaining({ alert_id: alert.id, kind: 'alert_help', status: 'open' })]);
    expect(rows('alert_settings')).toEqual([expect.objectContaining({ kind: 'water', day_threshold: 420 })]);
    expect(rows('alert_recipients')).toEqual([expect.objectContaining({ address: '+12095550188', name: 'Sam (landlord)' })]);
    expect(rows('recipient_topics')).toEqual([expect.objectContaining({ topic: 'continuous_flow' })]);
    expect(rows('contact_preferences')).toEqual([expect.objectContaining({ quiet_hours_start: '22:00' })]);
    expect(pkg.categories.find((c) => c.id === 'alert_responses')?.tables).toEqual(['alert_answers', 'alert_actions', 'support_items']);
    expect(JSON.stringify(rows('alert_answers'))).not.toContain(holder.loginId);

    const plan = planDeletion(env.DB, subject);
    await env.DB.batch(plan.statements);
    for (const t of ['alerts', 'alert_answers', 'alert_actions', 'support_items', 'alert_settings', 'alert_notices', 'alert_recipients', 'contact_preferences']) {
      const column = t === 'alert_notices' ? 'alert_id' : 'account_id';
      const value = t === 'alert_notices' ? alert.id : meter.accountId;
      expect((await env.DB.prepare(`SELECT count(*) AS n FROM "${t}" WHERE ${column} = ?1`).bind(value).first<{ n: number }>())!.n, t).toBe(0);
    }
    expect((await env.DB.prepare('SELECT count(*) AS n FROM recipient_topics WHERE recipient_id = ?1').bind(recipientId).first<{ n: number }>())!.n).toBe(0);
    expect(plan.answer.removed.join(' ')).toContain('Your answers to alerts');
  });
});
