/**
 * Step-up: before an action that could hurt the customer if someone else held their session (a
 * deletion request, a new login e-mail, a new alert recipient, second-factor changes, autopay;
 * delegates and third-party releases when they exist), the session must have proved its
 * login again within STEP_UP_MS: a second factor (authenticator code, passkey, recovery code) when
 * the login has one, the password only when it has none. A sign-in counts as the proof it made.
 *
 * One function (`ensureSteppedUp`) and one middleware (`requireStepUp`) for every route. A refusal
 * is `StepUpRequired` (403 `step_up_required`): JSON callers get it as the error shape and go to
 * the confirmation page themselves; a plain form post is sent there by `accountsOnError` with the
 * page to come back to (`/account/confirm/?return=…`).
 */
import { and, count, eq, isNotNull, lt, sql } from 'drizzle-orm';
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { createMiddleware } from 'hono/factory';
import { logins, passkeyCredentials, stepUps, type StepUpMethod } from '../../db/schema';
import type { AccountDeps } from '../accounts/deps';
import type { AppEnv } from '../app-types';
import { ApiError } from '../http/errors';
import type { SignedInLogin } from './sessions';

/** How long a proof lets sensitive actions through: long enough for one task, short enough that a walked-away-from browser is not open for long. */
export const STEP_UP_MS = 10 * 60_000;

/** The page a confirmation is asked on. */
export const STEP_UP_PAGE = '/account/confirm/';

/**
 * Pages a confirmation may send the browser back to: same-site paths under these prefixes only, so
 * `return` can never lead off the site (issue 9, finding 8).
 */
const returnPrefixes = ['/account/', '/privacy/request/'];

/** `path` if it is a safe place to return to after confirming, else the security page. */
export function safeReturnPath(path: string | null | undefined): string {
  const fallback = '/account/security/';
  if (!path || path.length > 300) return fallback;
  // One leading slash, then path and query characters only: no scheme, no host, no backslash, no fragment.
  if (!/^\/(?![/\\])[A-Za-z0-9/_.~%=&?-]*$/.test(path) || path.includes('//') || path.includes('..')) return fallback;
  // A Spanish page (/es/…) may be returned to when its English twin may.
  const english = path.startsWith('/es/') ? path.slice(3) : path;
  return returnPrefixes.some((p) => english.startsWith(p)) && !english.startsWith(STEP_UP_PAGE) ? path : fallback;
}

export function stepUpPageFor(returnTo: string) {
  return `${STEP_UP_PAGE}?return=${encodeURIComponent(safeReturnPath(returnTo))}`;
}

/** 403: the action needs a fresh proof first. `returnTo` is the page to come back to. */
export class StepUpRequired extends ApiError {
  constructor(
    readonly returnTo: string | null,
    readonly reason: 'stale' | 'password_not_enough' = 'stale',
  ) {
    super(
      403,
      'step_up_required',
      reason === 'password_not_enough'
        ? 'Your login has a second factor: confirm it is you with your authenticator app or passkey first.'
        : 'For your security, confirm it is you first, then try again.',
    );
  }
}

/**
 * For the end of a batch that removes a second factor: fails the whole batch (a guard, see
 * worker/http/batch-guard.ts) when the login is staff and has none left. The check before the batch
 * reads what two removals sent at once both see (each the other factor); this one runs inside the
 * transaction, after whichever removal committed first.
 */
export const staffFactorGuard = (db: DrizzleD1Database, loginId: string) =>
  db
    .select({
      ok: sql`CASE WHEN ${logins.role} = 'customer' OR ${logins.totpSecret} IS NOT NULL OR EXISTS (SELECT 1 FROM passkey_credentials p WHERE p.login_id = ${loginId}) THEN 1 ELSE json('last-second-factor') END`,
    })
    .from(logins)
    .where(eq(logins.id, loginId));

/** Which second factors a login has (what it must use to confirm, and what the sign-in asks for). */
export async function secondFactorsOf(db: DrizzleD1Database, loginId: string) {
  const [[login], [passkeys]] = await Promise.all([
    db.select({ totp: isNotNull(logins.totpSecret) }).from(logins).where(eq(logins.id, loginId)).limit(1),
    db.select({ n: count() }).from(passkeyCredentials).where(eq(passkeyCredentials.loginId, loginId)),
  ]);
  const totp = Boolean(login?.totp);
  const passkeyCount = passkeys?.n ?? 0;
  return { totp, passkeys: passkeyCount, any: totp || passkeyCount > 0 };
}

/**
 * The statement recording that `session` just proved its login by `method` (unexecuted, for the
 * caller's batch, so the proof and its record land together).
 */
export function stepUpStatement(db: DrizzleD1Database, session: { sessionHash: string; loginId: string }, method: StepUpMethod, now: Date) {
  const values = { method, at: now.toISOString() };
  return db
    .insert(stepUps)
    .values({ sessionHash: session.sessionHash, loginId: session.loginId, ...values })
    .onConflictDoUpdate({ target: stepUps.sessionHash, set: values });
}

/** When this session last proved its login, if it ever did. */
export async function lastStepUp(db: DrizzleD1Database, login: Pick<SignedInLogin, 'sessionHash' | 'id'>): Promise<{ at: Date; method: StepUpMethod } | null> {
  const [row] = await db
    .select()
    .from(stepUps)
    .where(and(eq(stepUps.sessionHash, login.sessionHash), eq(stepUps.loginId, login.id)))
    .limit(1);
  return row ? { at: new Date(row.at), method: row.method } : null;
}

/**
 * Until when the session may act without a new proof, or null when it must give one. A password
 * proof stops counting once the login has a second factor (it was enough only without one).
 */
export async function steppedUpUntil(db: DrizzleD1Database, login: Pick<SignedInLogin, 'sessionHash' | 'id'>, now: Date, factors?: { any: boolean }): Promise<Date | null> {
  const last = await lastStepUp(db, login);
  if (!last) return null;
  const until = new Date(last.at.getTime() + STEP_UP_MS);
  // A proof dated ahead of now (clock skew between instances) is not trusted beyond a minute.
  if (until.getTime() <= now.getTime() || last.at.getTime() > now.getTime() + 60_000) return null;
  if (last.method === 'password' && (factors ?? (await secondFactorsOf(db, login.id))).any) return null;
  return until;
}

export type InlineProof = {
  /**
   * The password typed into the same form (the deletion request, the e-mail change). Enough on its
   * own only for a login without a second factor.
   */
  password?: string | null;
  /**
   * Checks the password and throws when it is wrong: the accounts' confirmCurrentPassword, which
   * shares the sign-in throttle and audit (passed in, so this module does not depend on the account flows).
   */
  checkPassword?: (password: string) => Promise<unknown>;
};

/**
 * Lets the action through when the session proved its login within STEP_UP_MS, or when `proof`
 * does so now; otherwise throws StepUpRequired. A wrong inline password is refused as such
 * (422 `wrong_password`, counted and audited), never silently ignored.
 */
export async function ensureSteppedUp(deps: Pick<AccountDeps, 'db' | 'now'>, login: SignedInLogin, options: { returnTo: string | null } & InlineProof): Promise<void> {
  const { db, now } = deps;
  const factors = await secondFactorsOf(db, login.id);
  if (options.password && options.checkPassword) {
    await options.checkPassword(options.password);
    if (!factors.any) {
      await stepUpStatement(db, { sessionHash: login.sessionHash, loginId: login.id }, 'password', now);
      return;
    }
    if (await steppedUpUntil(db, login, now, factors)) return;
    throw new StepUpRequired(options.returnTo, 'password_not_enough');
  }
  if (await steppedUpUntil(db, login, now, factors)) return;
  throw new StepUpRequired(options.returnTo);
}

/**
 * Middleware for a route whose form carries no password: use after requireLogin. `returnTo` is the
 * page the customer comes back to after confirming (the form's own page).
 */
export const requireStepUp = (returnTo: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    await ensureSteppedUp({ db: drizzle(c.env.DB), now: new Date() }, c.var.login, { returnTo });
    await next();
  });

/** A step-up older than a day can never count again: the daily cron forgets it (unexecuted). */
export function purgeStaleStepUps(db: DrizzleD1Database, now: Date) {
  return db.delete(stepUps).where(lt(stepUps.at, new Date(now.getTime() - 86_400_000).toISOString()));
}
