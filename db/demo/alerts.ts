/**
 * The demo's alerts: the alerts the demo reads of the last DEMO_ALERT_DAYS days would have raised,
 * recorded as a backfill (past episodes closed as resolved, running leaks open), so the alert
 * centre and the staff counts open with something in them. Nothing is mailed.
 *
 * The rules and episodes are the portal's own (worker/alerts/detection/rules.ts, episodes.ts) and
 * the writes those of the queue consumer (evaluate.ts); only the reads come from the generator
 * rather than from D1, as the loader has just written the very same values. Going through the
 * local D1 meter by meter would cost a minute of round trips; this costs seconds. Each holder is
 * evaluated on their own days, and a holder who has moved out gets nothing (tenure).
 *
 * What was injected to raise them: demoInjectedEpisodes (usage.ts); `npx tsx db/demo/episodes.ts` prints it.
 */
import { defaultDetectionConfig } from '../../worker/alerts/detection/config';
import { reconcile } from '../../worker/alerts/detection/episodes';
import { changeStatements, type EvalContext, type NoticeWritten } from '../../worker/alerts/detection/evaluate';
import { alertFamilies, billingPeriods, evaluateRules } from '../../worker/alerts/detection/rules';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import { addDays, eachDay } from '../../worker/usage/time';
import { demoAccounts } from './customers';
import { DEMO_SEED, DEMO_TODAY } from './dataset';
import { DEMO_MOVE } from './move';
import { seededRandom } from './random';
import { demoMeterDays, demoMeters, USAGE_FIRST_DAY, USAGE_LAST_DAY } from './usage';

export const DEMO_ALERT_DAYS = 150;

export async function loadDemoAlerts(db: D1Database) {
  const accounts = demoAccounts(seededRandom(DEMO_SEED));
  const meters = demoMeters(accounts);
  const holderOf = new Map(accounts.flatMap((a) => a.meters.map((m) => [m.id, a.id] as const)));
  const calendar = eachDay(USAGE_FIRST_DAY, USAGE_LAST_DAY);
  const ctx: EvalContext = { config: defaultDetectionConfig, today: DEMO_TODAY, timeZone: utility.timeZone, backfill: true };
  const from = addDays(USAGE_LAST_DAY, -DEMO_ALERT_DAYS + 1);
  const statements: D1PreparedStatement[] = [];
  const planned: NoticeWritten[] = [];
  for (const m of meters) {
    const days = demoMeterDays(m, calendar, DEMO_SEED);
    // The move: the former holder's tenure has ended (nothing new for them); the newcomer's days start at the move-in.
    const holder = m.newHousehold ? { accountId: DEMO_MOVE.newcomer.id, from: DEMO_MOVE.moveIn } : { accountId: holderOf.get(m.id)!, from: USAGE_FIRST_DAY };
    const own = days.filter((d) => d.day >= holder.from);
    const start = from > holder.from ? from : holder.from;
    const verdicts = evaluateRules({ meter: { kind: m.kind, intervalMinutes: m.intervalMinutes, timeZone: utility.timeZone }, days: own, totals: [], from: start, to: USAGE_LAST_DAY, settings: null, periodOf: billingPeriods([]), config: ctx.config });
    for (const family of alertFamilies(verdicts)) {
      for (const change of reconcile({ types: family.types, verdicts: family.verdicts, from: start, to: USAGE_LAST_DAY, stored: [], today: DEMO_TODAY, config: ctx.config, backfill: true })) {
        statements.push(...changeStatements(db, change, { meterId: m.id, accountId: holder.accountId }, planned, ctx));
      }
    }
  }
  for (let i = 0; i < statements.length; i += 200) await db.batch(statements.slice(i, i + 200));
  return { alerts: planned.length };
}
