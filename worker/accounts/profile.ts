/** The dashboard overview and the profile (contact details, mailing address, household). */
import { eq, inArray } from 'drizzle-orm';
import { accounts, householdProfiles, logins, meters, servicePoints } from '../../db/schema';
import { accessibleAccounts, assertAccountRight } from '../auth/account-access';
import { auditInsert } from '../audit/log';
import { ApiError } from '../http/errors';
import type { ProfileBody } from '../shared/account-forms';
import { maskAccountNumber } from './client';
import { runBatch, type AccountDeps } from './deps';
import { customerContactEdits } from '../ingest/contact-precedence';

/** The login and every account it may see: masked number, service addresses and meters. */
export async function overview(deps: AccountDeps, loginId: string) {
  const { db } = deps;
  const [login] = await db.select({ email: logins.email, displayName: logins.displayName, role: logins.role, locale: logins.locale }).from(logins).where(eq(logins.id, loginId)).limit(1);
  if (!login) throw new ApiError(401, 'unauthenticated', 'Please sign in.');
  const grants = (await accessibleAccounts(db, loginId)).filter((g) => g.relationship === 'holder' || g.canViewUsage || g.canViewBilling || g.canPay || g.canManage || g.canReceiveAlerts);
  const ids = grants.map((g) => g.accountId);
  const accountRows = ids.length ? await db.select().from(accounts).where(inArray(accounts.id, ids)) : [];
  const points = ids.length ? await db.select().from(servicePoints).where(inArray(servicePoints.accountId, ids)) : [];
  const meterRows = points.length ? await db.select().from(meters).where(inArray(meters.servicePointId, points.map((p) => p.id))) : [];
  return {
    login: { email: login.email, displayName: login.displayName, role: login.role, locale: login.locale },
    accounts: accountRows
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((a) => {
        const grant = grants.find((g) => g.accountId === a.id)!;
        return {
          id: a.id,
          number: maskAccountNumber(a.accountNumber),
          relationship: grant.relationship,
          rights: {
            usage: grant.relationship === 'holder' || grant.canViewUsage,
            billing: grant.relationship === 'holder' || grant.canViewBilling,
            manage: grant.relationship === 'holder' || grant.canManage,
          },
          servicePoints: points
            .filter((p) => p.accountId === a.id)
            .map((p) => ({
              id: p.id,
              address: `${p.street}, ${p.city}, ${p.region} ${p.postalCode}`,
              meters: meterRows.filter((m) => m.servicePointId === p.id).map((m) => ({ id: m.id, kind: m.kind, unit: m.unit, intervalMinutes: m.intervalMinutes, serial: `…${m.serialNumber.slice(-4)}` })),
            })),
        };
      }),
  };
}

/** The account to show on the profile page: the one asked for, else the first the login may manage. */
export async function profileAccountId(deps: AccountDeps, loginId: string, asked?: string | null) {
  if (asked) return asked;
  const grants = await accessibleAccounts(deps.db, loginId);
  const manageable = grants.filter((g) => g.relationship === 'holder' || g.canManage).sort((a, b) => a.accountId.localeCompare(b.accountId));
  return manageable[0]?.accountId ?? null;
}

export type Profile = Awaited<ReturnType<typeof readProfile>>;

/** Contact details and household of one account; needs the 'manage' right (404 otherwise). */
export async function readProfile(deps: AccountDeps, loginId: string, accountId: string) {
  const { db } = deps;
  await assertAccountRight(db, loginId, accountId, 'manage');
  const [login] = await db.select({ displayName: logins.displayName, email: logins.email }).from(logins).where(eq(logins.id, loginId)).limit(1);
  const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId)).limit(1);
  if (!account) throw new ApiError(404, 'not_found', 'No such account.');
  const [household] = await db.select().from(householdProfiles).where(eq(householdProfiles.accountId, accountId)).limit(1);
  const fixtures = household?.fixtures ?? {};
  return {
    account: accountId,
    accountNumber: maskAccountNumber(account.accountNumber),
    email: login?.email ?? '',
    displayName: login?.displayName ?? null,
    phone: account.phoneOnFile,
    mailingStreet: account.mailingStreet,
    mailingCity: account.mailingCity,
    mailingRegion: account.mailingRegion,
    mailingPostalCode: account.mailingPostalCode,
    occupants: household?.occupants ?? null,
    landscapeType: household?.landscapeType ?? null,
    landscapeSqFt: household?.landscapeSqFt ?? null,
    hasPool: household?.hasPool ?? null,
    toilets: typeof fixtures.toilets === 'number' ? fixtures.toilets : null,
    showers: typeof fixtures.showers === 'number' ? fixtures.showers : null,
    highEfficiencyToilets: fixtures.highEfficiencyToilets === true,
    highEfficiencyWasher: fixtures.highEfficiencyWasher === true,
    dishwasher: fixtures.dishwasher === true,
    smartIrrigation: fixtures.smartIrrigation === true,
  };
}

/**
 * Saves the profile. The name is the login's own (how we address you); phone and mailing address
 * are the account's contact details; the household is the account's. One batch.
 */
export async function saveProfile(deps: AccountDeps, loginId: string, body: ProfileBody) {
  const { db, now } = deps;
  await assertAccountRight(db, loginId, body.account, 'manage');
  const fixtures: Record<string, number | boolean> = {};
  if (body.toilets !== undefined) fixtures.toilets = body.toilets;
  if (body.showers !== undefined) fixtures.showers = body.showers;
  for (const key of ['highEfficiencyToilets', 'highEfficiencyWasher', 'dishwasher', 'smartIrrigation'] as const) fixtures[key] = body[key] ?? false;
  const household = {
    occupants: body.occupants ?? null,
    landscapeType: body.landscapeType ?? null,
    landscapeSqFt: body.landscapeSqFt ?? null,
    hasPool: body.hasPool ?? false,
    fixtures,
    updatedAt: now.toISOString(),
  };
  const contact = {
    phone: body.phone ?? null,
    mailingStreet: body.mailingStreet ?? null,
    mailingCity: body.mailingCity ?? null,
    mailingRegion: body.mailingRegion?.toUpperCase() ?? null,
    mailingPostalCode: body.mailingPostalCode ?? null,
  };
  await runBatch(db, [
    db.update(logins).set({ displayName: body.displayName ?? null, updatedAt: now.toISOString() }).where(eq(logins.id, loginId)),
    db
      .update(accounts)
      .set({
        phoneOnFile: contact.phone,
        mailingStreet: contact.mailingStreet,
        mailingCity: contact.mailingCity,
        mailingRegion: contact.mailingRegion,
        mailingPostalCode: contact.mailingPostalCode,
        // When the customer changed which group: the utility's nightly rows must not undo it silently.
        ...customerContactEdits(contact, now),
        updatedAt: now.toISOString(),
      })
      .where(eq(accounts.id, body.account)),
    db.insert(householdProfiles).values({ accountId: body.account, ...household }).onConflictDoUpdate({ target: householdProfiles.accountId, set: household }),
    auditInsert(db, { event: 'profile.updated', actorLoginId: loginId, subjectLoginId: loginId, subjectAccountId: body.account }),
  ]);
  return { status: 'profile-saved' as const };
}
