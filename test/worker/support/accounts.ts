import { and, desc, eq } from 'drizzle-orm';
import { env, exports } from 'cloudflare:workers';
import { accountAccess, bills, logins, outboxEmails, servicePoints, type LoginRole } from '../../../db/schema';
import { hashPassword } from '../../../worker/accounts/password';
import type { AccountDeps } from '../../../worker/accounts/deps';
import { clientHash } from '../../../worker/accounts/throttle';
import { SESSION_COOKIE } from '../../../worker/auth/sessions';
import { parseTotpKeyring, sealTotpSecret } from '../../../worker/auth/totp-secrets';
import { db, givenAccount, uniqueId } from './sign-in';

export const ORIGIN = 'https://portal.test';

type Init = { cookie?: string | null; ip?: string; headers?: Record<string, string> };

export function portal(path: string, init: RequestInit = {}) {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }));
}

/** A JSON POST as the page script sends it (same origin). */
export function postJson(path: string, body: unknown, init: Init = {}) {
  return portal(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      origin: ORIGIN,
      'cf-connecting-ip': init.ip ?? '192.0.2.10',
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...init.headers,
    },
  });
}

/** A plain HTML form post (JavaScript off): answered with a 303. */
export function postForm(path: string, fields: Record<string, string>, init: Init = {}) {
  return portal(path, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: ORIGIN,
      'cf-connecting-ip': init.ip ?? '192.0.2.10',
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...init.headers,
    },
  });
}

export function get(path: string, init: Init = {}) {
  return portal(path, { headers: { ...(init.cookie ? { cookie: init.cookie } : {}), ...init.headers } });
}

/** The session cookie a response sets, as a Cookie header value ("__Host-session=..."), or null. */
export function sessionCookieFrom(res: Response) {
  const header = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!header) return null;
  const value = header.split(';')[0]!;
  return value === `${SESSION_COOKIE}=` ? null : value;
}

export const uniqueEmail = (prefix = 'person') => `${uniqueId(prefix)}@customers.example`.toLowerCase();

/** A login with a real password hash (and its TOTP secret stored encrypted, as the portal keeps it). */
export async function givenLogin(options: { email?: string; password?: string; verified?: boolean; role?: LoginRole; holderOf?: string[]; totpSecret?: string | null } = {}) {
  const id = uniqueId('login');
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? 'correct horse battery staple';
  const totpSecret = options.totpSecret ? await sealTotpSecret(await parseTotpKeyring(env.TOTP_ENCRYPTION_KEYS), id, options.totpSecret) : null;
  await db()
    .insert(logins)
    .values({ id, email, passwordHash: await hashPassword(password), emailVerifiedAt: options.verified === false ? null : new Date().toISOString(), role: options.role ?? 'customer', totpSecret });
  for (const accountId of options.holderOf ?? []) {
    await db().insert(accountAccess).values({ loginId: id, accountId, relationship: 'holder', canViewUsage: true, canViewBilling: true, canManage: true });
  }
  return { id, email, password };
}

/** An account with a service point in `zip` and bills, the last one `lastBillCents`. */
export async function givenProvableAccount(options: { zip?: string; lastBillCents?: number } = {}) {
  const number = String(4_000_000_000 + Math.floor(Math.random() * 999_999_999));
  const accountId = await givenAccount({ accountNumber: number });
  const zip = options.zip ?? '95990';
  const lastBillCents = options.lastBillCents ?? 6418;
  await db().insert(servicePoints).values({ id: uniqueId('sp'), accountId, street: '12 Heron Way', city: 'Alder Creek', region: 'CA', postalCode: zip, serviceArea: 'Alder Creek (city)' });
  await db()
    .insert(bills)
    .values([
      { id: uniqueId('bill'), accountId, periodStart: '2026-09-01', periodEnd: '2026-09-30', issuedOn: '2026-10-03', dueOn: '2026-10-24', amountCents: 9999 },
      { id: uniqueId('bill'), accountId, periodStart: '2026-10-01', periodEnd: '2026-10-31', issuedOn: '2026-11-03', dueOn: '2026-11-24', amountCents: lastBillCents },
    ]);
  return { accountId, accountNumber: number, zip, lastBill: (lastBillCents / 100).toFixed(2) };
}

export async function mailsTo(address: string, kind?: string) {
  return db()
    .select()
    .from(outboxEmails)
    .where(kind ? and(eq(outboxEmails.toAddress, address), eq(outboxEmails.kind, kind)) : eq(outboxEmails.toAddress, address))
    .orderBy(desc(outboxEmails.createdAt));
}

/** The token of the newest link of `kind` sent to `address`. */
export async function linkTokenSentTo(address: string, kind: string) {
  const [mail] = await mailsTo(address, kind);
  if (!mail) throw new Error(`no ${kind} mail for that address`);
  const url = /https?:\/\/\S+/.exec(mail.bodyText)![0];
  // The token rides in the fragment, which never reaches the server.
  return new URLSearchParams(new URL(url).hash.slice(1)).get('token')!;
}

/** Dependencies for calling the domain functions directly, with a chosen clock. */
export async function depsAt(now: Date, ip = '192.0.2.10'): Promise<AccountDeps> {
  return { db: db(), secret: env.LINK_SIGNING_SECRET, origin: env.PORTAL_ORIGIN, now, client: await clientHash(env.LINK_SIGNING_SECRET, ip), clientLabel: 'Chrome on Linux', locale: 'en' };
}

export async function registerAndVerify(account: Awaited<ReturnType<typeof givenProvableAccount>>, email = uniqueEmail(), password = 'a quiet river at dawn') {
  const res = await postJson('/api/accounts/register', { accountNumber: account.accountNumber, serviceZip: account.zip, lastBillAmount: account.lastBill, email, password });
  if (res.status !== 200) throw new Error(`register answered ${res.status}: ${await res.text()}`);
  const token = await linkTokenSentTo(email, 'verify-email');
  const verified = await postJson('/api/accounts/verify-email', { token });
  if (verified.status !== 200) throw new Error(`verify answered ${verified.status}`);
  return { email, password };
}

export async function login(email: string, password: string, init: Init & { remember?: boolean } = {}) {
  return postJson('/api/accounts/login', { email, password, remember: init.remember ?? false }, init);
}

export { db };
