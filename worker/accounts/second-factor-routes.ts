/**
 * /api/accounts, second factors: the recovery-code sign-in step, confirming it is you (step-up),
 * setting up and removing an authenticator app, and the new-device notice's end-session link.
 * Mounted inside accountsApi (worker/accounts/routes.ts), so the CSRF origin check, no-store and
 * the plain-form error redirects apply as to every account form.
 */
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_SECONDS, endSessionByLink } from '../auth/devices';
import { requireLogin } from '../auth/require-login';
import { SESSION_COOKIE } from '../auth/sessions';
import { requireStepUp, safeReturnPath } from '../auth/step-up';
import { setRegisteredCookie } from '../http/cookies';
import { deliverSoon } from '../mail/deliver';
import { passkeyAssertionBody } from '../shared/passkey-forms';
import { endSessionLinkBody, passkeyStepUpBody, recoveryCodeBody, stepUpBody, totpConfirmBody } from '../shared/second-factor-forms';
import { accountDeps, accountsOnError, backTo, done, executionContext, readBody } from './http';
import { finishSecondFactor, passSecondFactor, pendingSignIn, type IssuedSession } from './login';
import { checkPasskeyFactor } from './second-factor-check';
import { recoveryCodesApi } from './second-factor-pages';
import { proveIdentity, proveIdentityWithPasskey } from './step-up-proof';
import { confirmTotpEnrolment, removeTotp, startTotpEnrolment } from './totp-enrolment';
import { afterSignIn } from '../auth/sign-in-return';

/** Sets the session cookie and, on a completed sign-in, the device cookie. */
export function setSignInCookies(c: Context<AppEnv>, session: IssuedSession) {
  // A session cookie unless the customer asked to be remembered; then it lives as long as the session.
  const maxAgeSeconds = session.persistent ? Math.max(0, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000)) : undefined;
  setRegisteredCookie(c, SESSION_COOKIE, session.token, { allowed: [], persistent: session.persistent, ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}) });
  // Strictly necessary (it protects the login), so it needs no consent: worker/auth/devices.ts.
  if (session.device) setRegisteredCookie(c, DEVICE_COOKIE, session.device, { maxAgeSeconds: DEVICE_COOKIE_MAX_AGE_SECONDS });
}

const sendMailSoon = (c: Context<AppEnv>, deps: { db: Parameters<typeof deliverSoon>[2] }) => deliverSoon(executionContext(c), c.env, deps.db);

const SECURITY = '/account/security/';
const TOTP_PAGE = '/account/security/totp/';

export const secondFactorApi = new Hono<AppEnv>()
  .route('/', recoveryCodesApi)
  // The second sign-in step with a recovery code, when the authenticator or passkey is not at hand.
  .post('/login/recovery-code', async (c) => {
    backTo(c, '/login/second-factor/');
    const { recoveryCode } = await readBody(c, recoveryCodeBody);
    const deps = await accountDeps(c);
    const session = await passSecondFactor(deps, getCookie(c, SESSION_COOKIE), { method: 'recovery_code', code: recoveryCode }, c.env.TOTP_ENCRYPTION_KEYS, getCookie(c, DEVICE_COOKIE));
    setSignInCookies(c, session);
    sendMailSoon(c, deps);
    return done(c, afterSignIn(c, '/account/'), 'signed-in-with-recovery-code');
  })
  // The second sign-in step with a passkey (the answer to a `second_factor` challenge, worker/auth/passkeys/second-factor.ts).
  .post('/login/second-factor/passkey', async (c) => {
    const { credential } = await readBody(c, passkeyAssertionBody);
    const deps = await accountDeps(c);
    const pending = await pendingSignIn(deps, getCookie(c, SESSION_COOKIE));
    const extra = await checkPasskeyFactor(deps, pending, credential, 'sign_in');
    const session = await finishSecondFactor(deps, pending, 'passkey', { extra, deviceCookie: getCookie(c, DEVICE_COOKIE) });
    setSignInCookies(c, session);
    sendMailSoon(c, deps);
    return done(c, afterSignIn(c, '/account/'), 'signed-in');
  })
  .post('/step-up/passkey', requireLogin, async (c) => {
    const body = await readBody(c, passkeyStepUpBody);
    const deps = await accountDeps(c);
    await proveIdentityWithPasskey(deps, c.var.login, body.credential);
    return done(c, safeReturnPath(body.return), 'stepped-up');
  })
  .post('/step-up', requireLogin, async (c) => {
    backTo(c, '/account/confirm/');
    const body = await readBody(c, stepUpBody);
    const returnTo = safeReturnPath(body.return);
    backTo(c, `/account/confirm/?return=${encodeURIComponent(returnTo)}`);
    const deps = await accountDeps(c);
    await proveIdentity(deps, c.var.login, body, c.env.TOTP_ENCRYPTION_KEYS);
    sendMailSoon(c, deps);
    return done(c, returnTo, 'stepped-up');
  })
  .post('/totp/start', requireLogin, requireStepUp(TOTP_PAGE), async (c) => {
    backTo(c, TOTP_PAGE);
    const result = await startTotpEnrolment(await accountDeps(c), c.var.login, c.env.TOTP_ENCRYPTION_KEYS);
    return done(c, TOTP_PAGE, result.status);
  })
  // No step-up here: starting needed one, and the code proves the app holds the new secret.
  .post('/totp/confirm', requireLogin, async (c) => {
    backTo(c, TOTP_PAGE);
    const { code } = await readBody(c, totpConfirmBody);
    const deps = await accountDeps(c);
    const result = await confirmTotpEnrolment(deps, c.var.login, code, c.env.TOTP_ENCRYPTION_KEYS);
    sendMailSoon(c, deps);
    return done(c, '/account/security/recovery-codes/', result.status);
  })
  .post('/totp/remove', requireLogin, requireStepUp(SECURITY), async (c) => {
    backTo(c, SECURITY);
    const deps = await accountDeps(c);
    const result = await removeTotp(deps, c.var.login);
    sendMailSoon(c, deps);
    return done(c, SECURITY, result.status);
  })
  // The new-device notice's link: ends that one session, for whoever holds the link, without signing in.
  .post('/sessions/end-by-link', async (c) => {
    backTo(c, '/account/end-session/');
    const { token } = await readBody(c, endSessionLinkBody);
    const result = await endSessionByLink((await accountDeps(c)).db, token, new Date());
    return done(c, '/account/end-session/', result.status);
  });

secondFactorApi.onError(accountsOnError);
