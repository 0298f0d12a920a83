/**
 * The customer's alert thresholds (alert_settings, read by detection's rules): per account and per
 * kind of service the account holds now, the continuous-flow hours (water; only stricter than the
 * utility's default), a daily and a billing-period limit (in gallons, kWh or therms) and a bill
 * amount. An empty field means "not set": the utility's default applies, and a limit the customer
 * has not set is not checked (the "well above your typical use" rules still run).
 *
 * Reading and changing them needs the manage right: thresholds decide what the account's holder
 * is told, so a delegate who may only look at usage cannot quieten them.
 */
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import type { MeterKind } from '../../usage/units';
import { maskAccountNumber } from '../../accounts/client';
import { assertAccountRight, grantSql } from '../../auth/account-access';
import { invalidRequest } from '../../http/errors';
import type { AlertSettingsBody } from '../../shared/alert-forms';
import { continuousFlowHoursRange } from '../detection/config';

export type KindSettings = {
  kind: MeterKind;
  /** The unit thresholds are entered in (the kind's base unit). */
  unit: 'gal' | 'kWh' | 'therm';
  continuousFlowHours: number | null;
  dayThreshold: number | null;
  periodThreshold: number | null;
  billThresholdCents: number | null;
  updatedAt: string | null;
  /** Water only: the hours a customer may choose, and the utility's default. */
  hoursRange: { min: number; max: number; default: number } | null;
};

export type SettingsView = { accountId: string; accountNumber: string; kinds: KindSettings[] };

const baseUnits: Record<MeterKind, KindSettings['unit']> = { water: 'gal', electric: 'kWh', gas: 'therm' };
const kindOrder: MeterKind[] = ['water', 'electric', 'gas'];

/** The kinds of meter at service points the account holds now (an open tenure), and its utility. */
async function heldKinds(raw: D1Database, accountId: string): Promise<{ utilityId: string; accountNumber: string; kinds: MeterKind[] } | null> {
  const account = await raw.prepare('SELECT utility_id AS utilityId, account_number AS accountNumber FROM accounts WHERE id = ?1').bind(accountId).first<{ utilityId: string; accountNumber: string }>();
  if (!account) return null;
  const { results } = await raw
    .prepare('SELECT DISTINCT m.kind FROM service_point_tenures t JOIN meters m ON m.service_point_id = t.service_point_id WHERE t.account_id = ?1 AND t.end_day IS NULL')
    .bind(accountId)
    .all<{ kind: MeterKind }>();
  const kinds = kindOrder.filter((k) => results.some((r) => r.kind === k));
  return { ...account, kinds };
}

export async function readSettings(db: DrizzleD1Database, raw: D1Database, loginId: string, accountId: string): Promise<SettingsView> {
  await assertAccountRight(db, loginId, accountId, 'manage');
  const held = await heldKinds(raw, accountId);
  if (!held) return { accountId, accountNumber: '', kinds: [] };
  const { results } = await raw
    .prepare('SELECT kind, continuous_flow_hours AS continuousFlowHours, day_threshold AS dayThreshold, period_threshold AS periodThreshold, bill_threshold_cents AS billThresholdCents, updated_at AS updatedAt FROM alert_settings WHERE account_id = ?1')
    .bind(accountId)
    .all<Omit<KindSettings, 'unit' | 'hoursRange'>>();
  const range = continuousFlowHoursRange(held.utilityId);
  return {
    accountId,
    accountNumber: maskAccountNumber(held.accountNumber),
    kinds: held.kinds.map((kind) => {
      const row = results.find((r) => r.kind === kind);
      return {
        kind,
        unit: baseUnits[kind],
        continuousFlowHours: row?.continuousFlowHours ?? null,
        dayThreshold: row?.dayThreshold ?? null,
        periodThreshold: row?.periodThreshold ?? null,
        billThresholdCents: row?.billThresholdCents ?? null,
        updatedAt: row?.updatedAt ?? null,
        hoursRange: kind === 'water' ? range : null,
      };
    }),
  };
}

/**
 * Saves one kind's settings (every field of the form: an empty one clears the setting). Refused
 * with the field named: a kind the account holds no meter of, hours outside the utility's range,
 * hours for a service that is not water.
 */
export async function saveSettings(db: DrizzleD1Database, raw: D1Database, loginId: string, body: AlertSettingsBody, now = new Date()) {
  await assertAccountRight(db, loginId, body.account, 'manage');
  const held = await heldKinds(raw, body.account);
  if (!held || !held.kinds.includes(body.kind)) throw invalidRequest([{ field: 'kind', message: 'This account has no meter of that kind at an address it holds now.' }]);
  if (body.continuousFlowHours !== undefined) {
    const range = continuousFlowHoursRange(held.utilityId);
    if (body.kind !== 'water') throw invalidRequest([{ field: 'continuousFlowHours', message: 'Continuous-flow alerts are for water only.' }]);
    if (body.continuousFlowHours < range.min || body.continuousFlowHours > range.max) {
      throw invalidRequest([{ field: 'continuousFlowHours', message: `Choose from ${range.min} to ${range.max} hours (${range.max} is the utility's setting; fewer hours alerts you sooner).` }]);
    }
  }
  await raw
    .prepare(
      `INSERT INTO alert_settings (account_id, kind, continuous_flow_hours, day_threshold, period_threshold, bill_threshold_cents, updated_at, updated_by_login_id)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
       ON CONFLICT (account_id, kind) DO UPDATE SET continuous_flow_hours = excluded.continuous_flow_hours, day_threshold = excluded.day_threshold,
         period_threshold = excluded.period_threshold, bill_threshold_cents = excluded.bill_threshold_cents, updated_at = excluded.updated_at, updated_by_login_id = excluded.updated_by_login_id`,
    )
    .bind(body.account, body.kind, body.continuousFlowHours ?? null, body.dayThreshold ?? null, body.periodThreshold ?? null, body.billThreshold ?? null, now.toISOString(), loginId)
    .run();
  return { status: 'alert-settings-saved' as const };
}

/** The account the settings page opens on: the one asked for, else the first the login may manage. */
export async function settingsAccountId(raw: D1Database, loginId: string, asked?: string | null): Promise<string | null> {
  if (asked) return asked;
  const row = await raw
    .prepare(`SELECT g.account_id AS accountId FROM account_access g WHERE g.login_id = ?1 AND ${grantSql('g', 'manage')} ORDER BY g.account_id LIMIT 1`)
    .bind(loginId)
    .first<{ accountId: string }>();
  return row?.accountId ?? null;
}
