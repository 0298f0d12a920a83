/**
 * What a customer may release on the consent screen, and the check of their answer: meters of one
 * account they may manage (and whose usage they see), a subset of the blocks asked for, a history
 * no longer than asked, an end no later than the application's longest. Nothing here widens a request.
 */
import { inArray } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { accounts, meters } from '../../db/schema';
import { accountIdsWithRight } from '../auth/account-access';
import { invalidRequest, type FieldProblem } from '../http/errors';
import type { z } from 'zod';
import type { consentDecisionBody } from '../shared/connect-forms';
import { utility } from '../tenants/scope';
import { addDays, dayStartUtc, localDay } from '../usage/time';
import { tenuredMeters, type DayRange } from '../usage/tenure';
import type { Grant } from './oauth';
import { historyDays, type FunctionBlock, type Scope } from './scope';

export type ShareableMeter = { id: string; kind: string; serialNumber: string; intervalMinutes: number; unit: string };
export type ShareableAccount = { accountId: string; accountNumber: string; meters: ShareableMeter[] };

/** Accounts the login may authorise a release from (manage and usage rights), with the meters each held. */
export async function shareableAccounts(db: DrizzleD1Database, raw: D1Database, loginId: string): Promise<ShareableAccount[]> {
  const manage = await accountIdsWithRight(db, loginId, 'manage');
  const usage = new Set(await accountIdsWithRight(db, loginId, 'usage'));
  const ids = manage.filter((a) => usage.has(a));
  if (ids.length === 0) return [];
  const byMeter = await tenuredMeters(raw, ids);
  const meterRows = byMeter.size ? await db.select({ id: meters.id, kind: meters.kind, serialNumber: meters.serialNumber, intervalMinutes: meters.intervalMinutes, unit: meters.unit }).from(meters).where(inArray(meters.id, [...byMeter.keys()])) : [];
  const numbers = new Map((await db.select({ id: accounts.id, n: accounts.accountNumber }).from(accounts).where(inArray(accounts.id, ids))).map((a) => [a.id, a.n]));
  return ids
    .map((accountId) => ({
      accountId,
      accountNumber: numbers.get(accountId) ?? '',
      meters: meterRows.filter((m) => byMeter.get(m.id)!.some((t) => t.accountId === accountId)).sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id)),
    }))
    .filter((a) => a.meters.length > 0);
}

/** The tenure of one account on one meter: the days a third party authorised through it may see. */
export async function accountTenureOn(raw: D1Database, accountId: string, meterId: string): Promise<DayRange[]> {
  return ((await tenuredMeters(raw, [accountId])).get(meterId) ?? []).map(({ from, to }) => ({ from, to }));
}

export const today = (now: Date) => localDay(now.getTime(), utility().timeZone);

/** Checks the customer's choice against what was asked and what they hold; a 422 naming the fields otherwise. */
export function checkGrant(options: ShareableAccount[], body: z.infer<typeof consentDecisionBody>, asked: Scope, maxDays: number, now: Date): Grant {
  const problems: FieldProblem[] = [];
  const chosen = [...new Set(body.meter)];
  const account = options.find((a) => chosen.length > 0 && chosen.every((m) => a.meters.some((x) => x.id === m)));
  if (chosen.length === 0) problems.push({ field: 'meter', message: 'choose at least one service to share' });
  else if (!account) problems.push({ field: 'meter', message: 'choose services of one of your accounts' });
  const blocks = [...new Set([1, ...body.block])].sort((a, b) => a - b) as FunctionBlock[];
  if (!blocks.every((b) => asked.blocks.includes(b))) problems.push({ field: 'block', message: 'you can only share what the application asked for' });
  if (blocks.length === 1) problems.push({ field: 'block', message: 'choose at least one kind of data' });
  const askedDays = historyDays(asked);
  const days = body.historyDays ?? askedDays;
  if (days > askedDays) problems.push({ field: 'historyDays', message: `at most ${askedDays} days, as the application asked` });
  const first = today(now);
  const latest = addDays(first, maxDays);
  const until = body.until ?? latest;
  if (until <= first) problems.push({ field: 'until', message: 'must be after today' });
  else if (until > latest) problems.push({ field: 'until', message: `at most ${maxDays} days from today` });
  if (problems.length || !account) throw invalidRequest(problems.length ? problems : [{ field: 'meter', message: 'choose services of one of your accounts' }]);
  // The authorisation ends at the end of its last local day.
  const endsAt = new Date(dayStartUtc(addDays(until, 1), utility().timeZone));
  return { accountId: account.accountId, meterIds: chosen, scope: { blocks, intervalSeconds: asked.intervalSeconds, historySeconds: days * 86_400 }, dataFrom: addDays(first, -days), endsAt };
}
