/**
 * The second utility of the tests: Juniper Valley (worker/tenants/registry.ts), whose requests come
 * to juniper-valley.portal.test and whose rows live in JUNIPER_VALLEY_DB.
 */
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { accountAccess, accounts, logins, utilities, type LoginRole } from '../../../db/schema';
import { startSession, SESSION_COOKIE } from '../../../worker/auth/sessions';
import { stepUpStatement } from '../../../worker/auth/step-up';
import { tenantEnv } from '../../../worker/tenants/env';
import { juniperValley } from '../../../worker/tenants/profiles';
import { DEFAULT_TENANT, tenantById } from '../../../worker/tenants/registry';
import type { World } from './portal-world';
import { uniqueId } from './sign-in';

/** A utility's bindings as its requests get them (worker/tenants/env.ts): its own databases, and its build of the site behind ASSETS. */
export const envOf = (tenantId = DEFAULT_TENANT.id) => tenantEnv(env, tenantById(tenantId)!);

export const JUNIPER = tenantById('juniper-valley')!;
export const JUNIPER_ORIGIN = 'https://juniper-valley.portal.test';
export const juniperDb = () => drizzle(env.JUNIPER_VALLEY_DB);

async function givenJuniperUtility() {
  const u = juniperValley;
  await juniperDb()
    .insert(utilities)
    .values({ id: u.id, name: u.name, legalName: u.legalName, timeZone: u.timeZone, serviceArea: u.serviceArea, contactEmail: u.emails.customerService, contactPhone: u.phone, privacyEmail: u.emails.privacy })
    .onConflictDoNothing();
}

/** A login in Juniper Valley's database; `holderOf` is created there with the given id, number and name (which Alder Creek may also use). */
export async function juniperLogin(options: { role?: LoginRole; email?: string; holderOf?: { id: string; number?: string; holderName?: string; emailOnFile?: string } } = {}) {
  await givenJuniperUtility();
  const loginId = uniqueId('jv-login');
  const role = options.role ?? 'customer';
  await juniperDb().insert(logins).values({ id: loginId, email: options.email ?? `${loginId}@customers.example`, emailVerifiedAt: new Date().toISOString(), passwordHash: 'test:no-password', role });
  const account = options.holderOf;
  if (account) {
    await juniperDb().insert(accounts).values({ id: account.id, utilityId: juniperValley.id, accountNumber: account.number ?? account.id, holderName: account.holderName ?? 'Juniper Holder', emailOnFile: account.emailOnFile ?? null });
    await juniperDb().insert(accountAccess).values({ loginId, accountId: account.id, relationship: 'holder', canViewUsage: true, canViewBilling: true, canManage: true });
  }
  return { loginId, cookie: await juniperSession(loginId, role !== 'customer') };
}

/** A live session in Juniper Valley's database, fresh from its sign-in (staff: second factor passed). */
async function juniperSession(loginId: string, staff: boolean) {
  const { token, tokenHash } = await startSession(juniperDb(), loginId, { persistent: false, secondFactor: staff ? 'passed' : 'none' });
  await stepUpStatement(juniperDb(), { sessionHash: tokenHash, loginId }, staff ? 'totp' : 'password', new Date());
  return `${SESSION_COOKIE}=${token}`;
}

/**
 * The authorisation matrix's tenant axis: Juniper Valley's holder of an account that has account
 * A's very id, number and e-mail on file, signed in with A's holder's e-mail, and a Juniper Valley
 * administrator; each session cookie is live at Juniper Valley.
 */
export async function otherUtilitySessions(world: World) {
  const holder = await juniperLogin({ email: world.logins.holder.email, holderOf: { id: world.a.id, number: world.a.number, holderName: world.a.holderName, emailOnFile: `${world.a.number}@on-file.example` } });
  const admin = await juniperLogin({ role: 'admin' });
  return { other_utility_holder: holder.cookie, other_utility_admin: admin.cookie };
}
