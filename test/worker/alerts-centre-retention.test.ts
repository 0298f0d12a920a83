/**
 * Alerts are kept as the privacy notice says (3 years after they close): the daily job deletes an
 * older closed alert with its answers, actions, help request, notices and delivery records, in one
 * transaction, and leaves newer and open alerts alone.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { purgeExpiredAlerts, retentionCutoff } from '../../worker/alerts/centre/retention';
import { givenHelpRequest } from './support/portal-world';
import { signedIn, uniqueId } from './support/sign-in';
import { givenMeter } from './support/usage-fixtures';

const count = async (sql: string, ...params: string[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;

async function closedAlertWithEverything(closedAt: string) {
  const meter = await givenMeter();
  const { alertId, helpItemId } = await givenHelpRequest(meter.accountId, meter.meterId, 'closed');
  const noticeId = uniqueId('ntc');
  const recipientId = uniqueId('rcpt');
  const smsId = uniqueId('sms');
  await env.DB.batch([
    env.DB.prepare('UPDATE alerts SET closed_at = ?2 WHERE id = ?1').bind(alertId, closedAt),
    env.DB.prepare("INSERT INTO alert_actions (id, alert_id, account_id, action, taken_on, recorded_at) VALUES (?1, ?2, ?3, 'toilet_repair', '2026-10-03', ?4)").bind(uniqueId('act'), alertId, meter.accountId, closedAt),
    env.DB.prepare("INSERT INTO alert_notices (id, alert_id, kind, day) VALUES (?1, ?2, 'opened', '2026-10-02')").bind(noticeId, alertId),
    env.DB.prepare("INSERT INTO alert_recipients (id, account_id, channel, address, origin, status) VALUES (?1, ?2, 'sms', '+12095550177', 'added', 'confirmed')").bind(recipientId, meter.accountId),
    env.DB.prepare("INSERT INTO alert_deliveries (id, notice_id, recipient_id, channel, outbox_id) VALUES (?1, ?2, ?3, 'sms', ?4)").bind(uniqueId('dlv'), noticeId, recipientId, smsId),
    env.DB.prepare("INSERT INTO outbox_sms (id, to_number, body, kind, not_before, notice_id) VALUES (?1, '+12095550177', '[sent]', 'alert-opened', ?2, ?3)").bind(smsId, closedAt, noticeId),
  ]);
  return { meter, alertId, helpItemId, noticeId, smsId };
}

describe('alert retention', () => {
  it('deletes alerts closed more than three years ago with all that hangs on them, and keeps the rest', async () => {
    const now = new Date('2029-12-01T12:00:00Z');
    const cutoff = retentionCutoff(now);
    expect(cutoff).toBe('2026-12-01T12:00:00.000Z');
    const old = await closedAlertWithEverything('2026-11-30T09:00:00.000Z');
    const recent = await closedAlertWithEverything('2026-12-02T09:00:00.000Z');
    const open = await givenMeter();
    const openAlert = await givenHelpRequest(open.accountId, open.meterId, 'open');
    await env.DB.prepare("UPDATE alerts SET opened_at = '2020-01-01T00:00:00.000Z' WHERE id = ?1").bind(openAlert.alertId).run();

    expect(await purgeExpiredAlerts(env.DB, now)).toBeGreaterThanOrEqual(1);
    for (const [table, column] of [['alerts', 'id'], ['alert_answers', 'alert_id'], ['alert_actions', 'alert_id'], ['support_items', 'alert_id'], ['alert_notices', 'alert_id']] as const) {
      expect(await count(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?1`, old.alertId), table).toBe(0);
      expect(await count(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?1`, recent.alertId), table).toBe(1);
    }
    expect(await count('SELECT count(*) AS n FROM alert_deliveries WHERE notice_id = ?1', old.noticeId)).toBe(0);
    expect(await env.DB.prepare('SELECT notice_id AS noticeId FROM outbox_sms WHERE id = ?1').bind(old.smsId).first()).toEqual({ noticeId: null });
    expect(await count('SELECT count(*) AS n FROM alerts WHERE id = ?1', openAlert.alertId)).toBe(1);
    expect(await purgeExpiredAlerts(env.DB, now)).toBe(0);
  });

  it('leaves a customer\'s alert centre working after the purge', async () => {
    const old = await closedAlertWithEverything('2020-01-01T00:00:00.000Z');
    const holder = await signedIn({ holderOf: [old.meter.accountId] });
    await purgeExpiredAlerts(env.DB);
    const res = await (await import('./support/accounts')).get('/api/alerts', { cookie: holder.cookie });
    expect(await res.json()).toEqual({ alerts: [] });
  });
});
