/** Helpers for the second-factor, step-up and new-device tests: real routes, real rows. */
import { eq } from 'drizzle-orm';
import { stepUps } from '../../../db/schema';
import { DEVICE_COOKIE } from '../../../worker/auth/devices';
import { SESSION_COOKIE } from '../../../worker/auth/sessions';
import { sha256Hex } from '../../../worker/auth/tokens';
import { totpCode } from '../../../worker/auth/totp';
import { db, get, login, postJson, sessionCookieFrom } from './accounts';

export const errorOf = async (res: Response) => (await res.json<{ error: { code: string; fields?: { field: string }[] } }>()).error;

/** The session token hash behind a Cookie header value. */
export const sessionHashOf = (cookie: string) => sha256Hex(cookie.slice(`${SESSION_COOKIE}=`.length).split(';')[0]!);

/** Moves the session's last proof `ms` into the past, as if that long had passed since. */
export async function ageStepUp(cookie: string, ms: number) {
  const row = await db().select().from(stepUps).where(eq(stepUps.sessionHash, await sessionHashOf(cookie))).limit(1);
  if (!row[0]) throw new Error('no step-up recorded for that session');
  await db().update(stepUps).set({ at: new Date(Date.parse(row[0].at) - ms).toISOString() }).where(eq(stepUps.sessionHash, row[0].sessionHash));
}

/** The device cookie a response sets, as a Cookie header value, or null. */
export function deviceCookieFrom(res: Response) {
  const header = res.headers.getSetCookie().find((c) => c.startsWith(`${DEVICE_COOKIE}=`));
  return header ? header.split(';')[0]! : null;
}

/** Signs in through the real routes (password, then the TOTP code when the login has one); returns the session and device cookies. */
export async function signInFully(who: { email: string; password: string; totpSecret?: string }, init: { device?: string | null; ip?: string; at?: Date } = {}) {
  const res = await login(who.email, who.password, { ...(init.device ? { cookie: init.device } : {}), ...(init.ip ? { ip: init.ip } : {}) });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  const body = await res.json<{ status: string }>();
  if (body.status !== 'second-factor-needed') return { cookie: sessionCookieFrom(res)!, device: deviceCookieFrom(res) ?? init.device ?? null };
  const pending = sessionCookieFrom(res)!;
  const code = await totpCode(who.totpSecret!, init.at ?? new Date());
  const second = await postJson('/api/accounts/login/second-factor', { code }, { cookie: [pending, init.device].filter(Boolean).join('; '), ...(init.ip ? { ip: init.ip } : {}) });
  if (second.status !== 200) throw new Error(`second step answered ${second.status}: ${await second.text()}`);
  return { cookie: sessionCookieFrom(second)!, device: deviceCookieFrom(second) ?? init.device ?? null };
}

export const pageHtml = async (path: string, cookie: string) => (await get(path, { cookie })).text();
