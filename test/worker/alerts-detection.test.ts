/**
 * Detection against the real local D1 (the real migrations), in workerd: what is stored and what
 * is handed to delivery when reads arrive again, late, corrected, or after a move. Evaluation runs
 * through processDetectionMessage, the queue consumer's own step, with the clock given.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { processDetectionMessage } from '../../worker/alerts/detection/queue';
import { closeAllAfterMoveOut } from '../../worker/alerts/detection/evaluate';
import { addDays, dayStartUtc, eachDay, localDay } from '../../worker/usage/time';
import { givenLogin } from './support/accounts';
import { givenAccount, uniqueId } from './support/sign-in';
import { givenIngestClient, givenMeter, givenReads, sendBatch, TZ, type GivenMeter } from './support/usage-fixtures';

/** Local noon of a day, as the clock detection runs with. */
const noonOf = (day: string) => new Date(dayStartUtc(day, TZ) + 12 * 3_600_000);

/** An ordinary home: water at 7, 12 and 19 o'clock only. */
const quiet = (_day: string, slot: number) => ([7, 12, 19].includes(slot) ? 20 : 0);
/** The same home with water that never stops (2 gal an hour more, every hour) from `from` on. */
const leakingFrom = (from: string) => (day: string, slot: number) => quiet(day, slot) + (day >= from ? 2 : 0);

/** An account with a meter and a holder login (alerts go to the holder's login e-mail by default). */
async function customer(kind: 'water' | 'electric' = 'water') {
  const accountId = await givenAccount();
  const { email } = await givenLogin({ holderOf: [accountId] });
  return { email, meter: await givenMeter({ accountId, kind }) };
}

function evaluate(meter: GivenMeter, from: string, to: string, today: string, servicePoints: string[] = []) {
  return processDetectionMessage(env, { v: 1, utilityId: 'test-utility', timeZone: TZ, acceptedAt: new Date().toISOString(), meters: [[meter.meterId, from, to]], servicePoints }, { now: noonOf(today) });
}

const alertsOf = async (accountId: string) =>
  (await env.DB.prepare('SELECT id, type, status, close_reason AS closeReason, first_day AS firstDay, last_day AS lastDay, closed_day AS closedDay, figures FROM alerts WHERE account_id = ?1 ORDER BY opened_at').bind(accountId).all<{ id: string; type: string; status: string; closeReason: string | null; firstDay: string; lastDay: string; closedDay: string | null; figures: string }>()).results;
const noticesOf = async (alertId: string) => (await env.DB.prepare('SELECT kind, day FROM alert_notices WHERE alert_id = ?1 ORDER BY created_at, day').bind(alertId).all<{ kind: string; day: string }>()).results;
const mailTo = async (address: string) => (await env.DB.prepare('SELECT subject, kind, body_text AS body FROM outbox_emails WHERE to_address = ?1 ORDER BY created_at').bind(address).all<{ subject: string; kind: string; body: string }>()).results;

describe('one alert per episode', () => {
  it('raises one alert for a leak and mails it once, however often the same days are evaluated', async () => {
    const { email, meter } = await customer();
    const today = '2026-10-21';
    await givenReads(meter, eachDay('2026-09-10', '2026-10-20'), leakingFrom('2026-10-18'));
    for (let i = 0; i < 3; i++) await evaluate(meter, '2026-10-18', '2026-10-20', today);
    const alerts = await alertsOf(meter.accountId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: 'continuous_flow', status: 'open', firstDay: '2026-10-18', lastDay: '2026-10-20' });
    expect(JSON.parse(alerts[0]!.figures)).toMatchObject({ rule: 'continuous_flow', since: '2026-10-18T00:00', minPerHour: 2 });
    expect(await noticesOf(alerts[0]!.id)).toEqual([{ kind: 'opened', day: '2026-10-20' }]);
    const mail = await mailTo(email);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ kind: 'alert-opened', subject: 'Water has been running without a break' });
    expect(mail[0]!.body).toMatch(/never less than 2 gallons an hour/);
  });

  it('folds a late read for an earlier day into the open alert instead of raising another', async () => {
    const { meter } = await customer();
    // 10-19 arrives with its morning missing; the leak already shows on 10-20.
    await givenReads(meter, eachDay('2026-09-10', '2026-10-18'), leakingFrom('2026-10-17'));
    await givenReads(meter, ['2026-10-19'], (day, slot) => (slot < 4 ? null : leakingFrom('2026-10-17')(day, slot)));
    await givenReads(meter, ['2026-10-20'], leakingFrom('2026-10-17'));
    await evaluate(meter, '2026-10-17', '2026-10-20', '2026-10-21');
    // Later the utility sends the missing morning of 10-19.
    await givenReads(meter, ['2026-10-19'], leakingFrom('2026-10-17'));
    await evaluate(meter, '2026-10-19', '2026-10-19', '2026-10-21');
    const alerts = await alertsOf(meter.accountId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: 'open', firstDay: '2026-10-17', lastDay: '2026-10-20' });
    expect((await noticesOf(alerts[0]!.id)).map((n) => n.kind)).toEqual(['opened']);
  });

  it('closes an alert when corrected reads remove its cause, and tells the customer once', async () => {
    const { email, meter } = await customer();
    await env.DB.prepare("INSERT INTO alert_settings (account_id, kind, day_threshold) VALUES (?1, 'water', 500)").bind(meter.accountId).run();
    // 10-20 read 700 gallons in one hour: a meter fault, corrected the next day.
    await givenReads(meter, eachDay('2026-09-10', '2026-10-19'), quiet);
    await givenReads(meter, ['2026-10-20'], (day, slot) => quiet(day, slot) + (slot === 14 ? 700 : 0));
    await evaluate(meter, '2026-10-20', '2026-10-20', '2026-10-21');
    expect(await alertsOf(meter.accountId)).toMatchObject([{ type: 'high_use_day', status: 'open' }]);
    await givenReads(meter, ['2026-10-20'], quiet);
    await evaluate(meter, '2026-10-20', '2026-10-20', '2026-10-21');
    await evaluate(meter, '2026-10-20', '2026-10-20', '2026-10-21');
    const [alert] = await alertsOf(meter.accountId);
    expect(alert).toMatchObject({ status: 'closed', closeReason: 'corrected', closedDay: '2026-10-21' });
    expect(await noticesOf(alert!.id)).toEqual([
      { kind: 'opened', day: '2026-10-20' },
      { kind: 'closed', day: '2026-10-21' },
    ]);
    expect((await mailTo(email)).map((m) => m.subject)).toEqual(['High water use in one day', 'Alert closed: high water use in one day']);
    expect((await mailTo(email))[1]!.body).toMatch(/withdrawn/);
  });

  it('reminds while a leak lasts (3, then 6, then 12 days apart) and says once when it has stopped', async () => {
    const { meter } = await customer();
    await givenReads(meter, eachDay('2026-08-20', '2026-09-30'), quiet);
    // The leak runs 1 to 25 October; each day's reads arrive the next morning.
    const leak = (day: string, slot: number) => quiet(day, slot) + (day <= '2026-10-25' ? 2 : 0);
    for (const day of eachDay('2026-10-01', '2026-10-31')) {
      await givenReads(meter, [day], leak);
      await evaluate(meter, day, day, addDays(day, 1));
    }
    const [alert] = await alertsOf(meter.accountId);
    expect(await noticesOf(alert!.id)).toEqual([
      { kind: 'opened', day: '2026-10-01' },
      { kind: 'reminder', day: '2026-10-04' },
      { kind: 'reminder', day: '2026-10-10' },
      { kind: 'reminder', day: '2026-10-22' },
      { kind: 'closed', day: '2026-10-29' },
    ]);
    expect(alert).toMatchObject({ status: 'closed', closeReason: 'resolved', lastDay: '2026-10-25', closedDay: '2026-10-25' });
  });

  it('sends no reminder once the customer has answered the alert', async () => {
    const { meter } = await customer();
    await givenReads(meter, eachDay('2026-09-10', '2026-10-10'), leakingFrom('2026-10-05'));
    await evaluate(meter, '2026-10-05', '2026-10-10', '2026-10-11');
    const [alert] = await alertsOf(meter.accountId);
    await env.DB.prepare("UPDATE alerts SET reminders_stopped_at = '2026-10-11T08:00:00.000Z' WHERE id = ?1").bind(alert!.id).run();
    await givenReads(meter, eachDay('2026-10-11', '2026-10-20'), leakingFrom('2026-10-05'));
    await evaluate(meter, '2026-10-11', '2026-10-20', '2026-10-21');
    expect((await noticesOf(alert!.id)).map((n) => n.kind)).toEqual(['opened']);
    expect(await alertsOf(meter.accountId)).toMatchObject([{ status: 'open', lastDay: '2026-10-20' }]);
  });

  it('counts the 25 hours of the fall-back day in a leak read from storage', async () => {
    const { meter } = await customer();
    await givenReads(meter, eachDay('2026-09-25', '2026-10-31'), quiet);
    await givenReads(meter, ['2026-11-01'], () => 1.5);
    await evaluate(meter, '2026-11-01', '2026-11-01', '2026-11-02');
    const [alert] = await alertsOf(meter.accountId);
    expect(alert).toMatchObject({ type: 'continuous_flow', firstDay: '2026-11-01' });
    expect(JSON.parse(alert!.figures)).toMatchObject({ hours: 25, since: '2026-11-01T00:00' });
  });

  it('raises nothing for a leak found in a backfill of old reads that has since ended', async () => {
    const { meter } = await customer();
    await givenReads(meter, eachDay('2026-06-01', '2026-07-31'), (day, slot) => quiet(day, slot) + (day >= '2026-07-01' && day <= '2026-07-05' ? 2 : 0));
    await evaluate(meter, '2026-06-01', '2026-07-31', '2026-10-21');
    expect(await alertsOf(meter.accountId)).toEqual([]);
  });
});

describe('alerts follow tenure', () => {
  it('ends the former holder\'s alert the day they move out, and the new holder\'s alert reads only their own days', async () => {
    const client = await givenIngestClient();
    const { email, meter } = await customer();
    const today = localDay(Date.now(), TZ);
    const moveIn = addDays(today, -2);
    // The former holder's leak from four days ago; the newcomer's reads continue it.
    await givenReads(meter, eachDay(addDays(today, -40), addDays(today, -3)), leakingFrom(addDays(today, -4)));
    await evaluate(meter, addDays(today, -4), addDays(today, -3), addDays(today, -2));
    expect(await alertsOf(meter.accountId)).toMatchObject([{ status: 'open' }]);

    const newcomer = uniqueId('acct');
    const res = await sendBatch(client, {
      batchId: uniqueId('move'),
      accounts: [{ id: newcomer, accountNumber: newcomer, holderName: 'New Holder', email: `${newcomer}@customers.example` }],
      servicePoints: [{ id: meter.servicePointId, accountId: newcomer, street: '1 Test Street', city: 'Testville', region: 'CA', postalCode: '95990', serviceArea: meter.serviceArea, accountSince: moveIn }],
    });
    expect(res.status).toBe(201);
    await givenReads(meter, eachDay(moveIn, addDays(today, -1)), leakingFrom(addDays(today, -4)));
    await evaluate(meter, moveIn, addDays(today, -1), today, [meter.servicePointId]);

    const former = await alertsOf(meter.accountId);
    expect(former).toMatchObject([{ status: 'closed', closeReason: 'moved_out', closedDay: addDays(today, -3) }]);
    expect(former[0]!.lastDay <= addDays(today, -3)).toBe(true);
    // No closing mail, no reminder to the former holder: only the first alert ever reached them.
    expect((await noticesOf(former[0]!.id)).map((n) => n.kind)).toEqual(['opened']);
    expect((await mailTo(email)).map((m) => m.kind)).toEqual(['alert-opened']);

    const theirs = await alertsOf(newcomer);
    expect(theirs).toMatchObject([{ type: 'continuous_flow', status: 'open', firstDay: moveIn }]);
    // The flow is counted from the move-in, not from the former holder's days.
    expect(JSON.parse(theirs[0]!.figures).since).toBe(`${moveIn}T00:00`);
  });

  it('closes, on the daily run, the alerts of a holder whose move-out day has passed', async () => {
    const { meter } = await customer();
    await givenReads(meter, eachDay('2026-09-10', '2026-10-20'), leakingFrom('2026-10-18'));
    await evaluate(meter, '2026-10-18', '2026-10-20', '2026-10-21');
    // A move-out recorded ahead of time, which has now passed.
    await env.DB.prepare('UPDATE service_point_tenures SET end_day = ?2 WHERE service_point_id = ?1 AND end_day IS NULL').bind(meter.servicePointId, addDays(localDay(Date.now(), TZ), -1)).run();
    expect(await closeAllAfterMoveOut(env.DB)).toBeGreaterThanOrEqual(1);
    expect(await alertsOf(meter.accountId)).toMatchObject([{ status: 'closed', closeReason: 'moved_out', closedDay: addDays(localDay(Date.now(), TZ), -1) }]);
  });
});
