/**
 * /api/accounts/passkeys: a login's own passkeys (list, register, rename, remove), signing in
 * with a passkey alone, and the challenge for a passkey proof (second sign-in step, step-up).
 * Mounted inside accountsApi, so the CSRF origin check, `Cache-Control: no-store` and the form
 * error redirects apply. Registering and signing in need JavaScript (WebAuthn is a browser API);
 * renaming and removing are plain forms that work without it.
 */
import { drizzle } from 'drizzle-orm/d1';
import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { sessions } from '../../../db/schema';
import { accountDeps, accountsOnError, backTo, done, executionContext, readBody } from '../../accounts/http';
import type { AppEnv } from '../../app-types';
import { setSignInCookies } from '../../accounts/second-factor-routes';
import { clearRegisteredCookie, setRegisteredCookie } from '../../http/cookies';
import { ApiError } from '../../http/errors';
import { deliverSoon } from '../../mail/deliver';
import { passkeyProofOptionsBody, passkeySignInBody, registerPasskeyBody, removePasskeyBody, renamePasskeyBody } from '../../shared/passkey-forms';
import { requireLogin } from '../require-login';
import { DEVICE_COOKIE } from '../devices';
import { resolveSession, SESSION_COOKIE, type SignedInLogin } from '../sessions';
import { ensureSteppedUp, requireStepUp } from '../step-up';
import { finishPasskeyRegistration, listPasskeys, removeOwnPasskey, renameOwnPasskey, startPasskeyRegistration } from './manage';
import { relyingParty } from './relying-party';
import { passkeyProofOptions } from './second-factor';
import { passkeySignInOptions, signInWithPasskey } from './sign-in';
import { afterSignIn } from '../sign-in-return';

export const PASSKEY_ATTEMPT_COOKIE = '__Host-passkey-attempt';

const rpOf = (c: Context<AppEnv>) => relyingParty(c.env.PORTAL_ORIGIN);
const SECURITY = '/account/security/';

/** The session that owes its second sign-in step (password accepted, passkey or code still due), or a 401. */
async function pendingSession(c: Context<AppEnv>): Promise<SignedInLogin> {
  const token = getCookie(c, SESSION_COOKIE);
  const db = drizzle(c.env.DB);
  const pending = token ? await resolveSession(db, token, new Date(), { allowPending: true }) : null;
  const [row] = pending ? await db.select({ secondFactor: sessions.secondFactor }).from(sessions).where(eq(sessions.tokenHash, pending.sessionHash)).limit(1) : [];
  if (!pending || row?.secondFactor !== 'pending') throw new ApiError(401, 'second_factor_expired', 'The sign-in took too long. Please start again.');
  return pending;
}

export const passkeysApi = new Hono<AppEnv>()
  .get('/', requireLogin, async (c) => c.json({ passkeys: await listPasskeys((await accountDeps(c)).db, c.var.login.id) }))
  // Adding or removing a way to sign in needs a fresh proof (worker/auth/step-up.ts): a session
  // someone else got hold of must not add a passkey that outlives a password change.
  .post('/register/options', requireLogin, requireStepUp(SECURITY), async (c) => c.json(await startPasskeyRegistration(await accountDeps(c), rpOf(c), c.var.login)))
  .post('/register', requireLogin, requireStepUp(SECURITY), async (c) => {
    const body = await readBody(c, registerPasskeyBody);
    const deps = await accountDeps(c);
    const passkey = await finishPasskeyRegistration(deps, rpOf(c), c.var.login, body);
    deliverSoon(executionContext(c), c.env, deps.db);
    return c.json({ status: 'passkey-added', redirect: '/account/security/?status=passkey-added', passkey });
  })
  .post('/rename', requireLogin, async (c) => {
    backTo(c, SECURITY);
    const body = await readBody(c, renamePasskeyBody);
    await renameOwnPasskey(await accountDeps(c), c.var.login, body);
    return done(c, SECURITY, 'passkey-renamed');
  })
  .post('/remove', requireLogin, async (c) => {
    backTo(c, SECURITY);
    const body = await readBody(c, removePasskeyBody);
    const deps = await accountDeps(c);
    await ensureSteppedUp(deps, c.var.login, { returnTo: SECURITY });
    await removeOwnPasskey(deps, c.var.login, body);
    deliverSoon(executionContext(c), c.env, deps.db);
    return done(c, SECURITY, 'passkey-removed');
  })
  .post('/sign-in/options', async (c) => {
    const { attempt, options } = await passkeySignInOptions(await accountDeps(c), rpOf(c), getCookie(c, PASSKEY_ATTEMPT_COOKIE));
    setRegisteredCookie(c, PASSKEY_ATTEMPT_COOKIE, attempt);
    return c.json(options);
  })
  .post('/sign-in', async (c) => {
    const body = await readBody(c, passkeySignInBody);
    const deps = await accountDeps(c);
    const session = await signInWithPasskey(deps, rpOf(c), getCookie(c, PASSKEY_ATTEMPT_COOKIE), body, getCookie(c, SESSION_COOKIE), getCookie(c, DEVICE_COOKIE));
    clearRegisteredCookie(c, PASSKEY_ATTEMPT_COOKIE);
    setSignInCookies(c, { ...session, secondFactor: 'passed' });
    // A browser new to the login was mailed a notice (worker/auth/devices.ts).
    deliverSoon(executionContext(c), c.env, deps.db);
    const next = afterSignIn(c, '/account/');
    return c.json({ status: 'signed-in', redirect: `${next}${next.includes('?') ? '&' : '?'}status=signed-in` });
  })
  .post('/proof/options', async (c) => {
    const { purpose } = await readBody(c, passkeyProofOptionsBody);
    const deps = await accountDeps(c);
    let login: SignedInLogin;
    if (purpose === 'second_factor') login = await pendingSession(c);
    else {
      const token = getCookie(c, SESSION_COOKIE);
      const resolved = token ? await resolveSession(deps.db, token, deps.now) : null;
      if (!resolved) throw new ApiError(401, 'unauthenticated', 'Please sign in.');
      login = resolved;
    }
    return c.json(await passkeyProofOptions(deps, rpOf(c), purpose, { loginId: login.id, sessionHash: login.sessionHash }));
  });

passkeysApi.onError(accountsOnError);
