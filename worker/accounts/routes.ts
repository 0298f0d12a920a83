/**
 * /api/accounts: registration, e-mail confirmation, sign-in (with TOTP step), sign-out, sessions,
 * password reset and change, e-mail change, dashboard overview and profile.
 * Every state-changing route is behind the CSRF origin check (and the cookie is SameSite=Lax).
 */
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { requireLogin } from '../auth/require-login';
import { SESSION_COOKIE } from '../auth/sessions';
import { clearRegisteredCookie, setRegisteredCookie } from '../http/cookies';
import { ApiError } from '../http/errors';
import { deliverSoon } from '../mail/deliver';
import {
  changeEmailBody,
  changePasswordBody,
  confirmLinkBody,
  endSessionsBody,
  forgotPasswordBody,
  languageBody,
  loginBody,
  profileBody,
  registerBody,
  resetPasswordBody,
  secondFactorBody,
} from '../shared/account-forms';
import { accountDeps, accountsOnError, backTo, done, executionContext, readBody } from './http';
import { endSessions, listSessions, passSecondFactor, recentSignIns, signIn, signOut, type IssuedSession } from './login';
import { overview, profileAccountId, readProfile, saveProfile } from './profile';
import { changePassword, confirmCurrentPassword, confirmEmailChange, requestEmailChange, requestPasswordReset, resetPassword } from './recovery';
import { DEVICE_COOKIE } from '../auth/devices';
import { ensureSteppedUp } from '../auth/step-up';
import { secondFactorApi, setSignInCookies } from './second-factor-routes';
import { register, verifyEmail } from './register';
import { saveLanguage } from './language';
import { passkeysApi } from '../auth/passkeys/routes';
import { afterSignIn } from '../auth/sign-in-return';

function setSessionCookie(c: Context<AppEnv>, session: Pick<IssuedSession, 'token' | 'expiresAt' | 'persistent'>) {
  // A session cookie unless the customer asked to be remembered; then it lives as long as the session.
  const maxAgeSeconds = session.persistent ? Math.max(0, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000)) : undefined;
  setRegisteredCookie(c, SESSION_COOKIE, session.token, { allowed: [], persistent: session.persistent, ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}) });
}

function sendMailSoon(c: Context<AppEnv>, deps: { db: Parameters<typeof deliverSoon>[2] }) {
  deliverSoon(executionContext(c), c.env, deps.db);
}

export const accountsApi = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  })
  .route('/passkeys', passkeysApi)
  .route('/', secondFactorApi)
  .post('/register', async (c) => {
    backTo(c, '/register/');
    const deps = await accountDeps(c);
    const result = await register(deps, await readBody(c, registerBody));
    sendMailSoon(c, deps);
    return done(c, '/register/', result.status);
  })
  .post('/verify-email', async (c) => {
    backTo(c, '/register/verify/');
    const { token } = await readBody(c, confirmLinkBody);
    const result = await verifyEmail(await accountDeps(c), token);
    return done(c, '/login/', result.status);
  })
  .post('/login', async (c) => {
    backTo(c, '/login/');
    const deps = await accountDeps(c);
    const session = await signIn(deps, await readBody(c, loginBody), getCookie(c, SESSION_COOKIE), getCookie(c, DEVICE_COOKIE));
    setSignInCookies(c, session);
    sendMailSoon(c, deps);
    if (session.secondFactor === 'pending') return done(c, '/login/second-factor/', 'second-factor-needed', { secondFactor: 'required' });
    return done(c, afterSignIn(c, '/account/'), 'signed-in');
  })
  .post('/login/second-factor', async (c) => {
    backTo(c, '/login/second-factor/');
    const { code } = await readBody(c, secondFactorBody);
    const deps = await accountDeps(c);
    const session = await passSecondFactor(deps, getCookie(c, SESSION_COOKIE), { method: 'totp', code }, c.env.TOTP_ENCRYPTION_KEYS, getCookie(c, DEVICE_COOKIE));
    setSignInCookies(c, session);
    sendMailSoon(c, deps);
    return done(c, afterSignIn(c, '/account/'), 'signed-in');
  })
  .post('/logout', requireLogin, async (c) => {
    backTo(c, '/account/security/');
    await signOut(await accountDeps(c), c.var.login, false);
    clearRegisteredCookie(c, SESSION_COOKIE);
    return done(c, '/login/', 'signed-out');
  })
  .post('/logout-everywhere', requireLogin, async (c) => {
    backTo(c, '/account/security/');
    await signOut(await accountDeps(c), c.var.login, true);
    clearRegisteredCookie(c, SESSION_COOKIE);
    return done(c, '/login/', 'signed-out-everywhere');
  })
  .get('/me', requireLogin, async (c) => c.json(await overview(await accountDeps(c), c.var.login.id)))
  .get('/sessions', requireLogin, async (c) => {
    const deps = await accountDeps(c);
    return c.json({ sessions: await listSessions(deps, c.var.login), signIns: await recentSignIns(deps, c.var.login.id) });
  })
  .post('/sessions/end', requireLogin, async (c) => {
    backTo(c, '/account/security/');
    const body = await readBody(c, endSessionsBody);
    const deps = await accountDeps(c);
    const endsCurrent = body.scope === 'all' || (body.scope === 'one' && (await listSessions(deps, c.var.login)).some((s) => s.current && s.id === body.session));
    await endSessions(deps, c.var.login, body);
    if (endsCurrent) {
      clearRegisteredCookie(c, SESSION_COOKIE);
      return done(c, '/login/', body.scope === 'all' ? 'signed-out-everywhere' : 'signed-out');
    }
    return done(c, '/account/security/', body.scope === 'others' ? 'sessions-ended' : 'session-ended');
  })
  .post('/password', requireLogin, async (c) => {
    backTo(c, '/account/security/');
    const body = await readBody(c, changePasswordBody);
    const deps = await accountDeps(c);
    const result = await changePassword(deps, c.var.login, body.currentPassword, body.newPassword);
    setSessionCookie(c, result.session);
    sendMailSoon(c, deps);
    return done(c, '/account/security/', result.status);
  })
  .post('/password/forgot', async (c) => {
    backTo(c, '/password/forgot/');
    const deps = await accountDeps(c);
    const result = await requestPasswordReset(deps, (await readBody(c, forgotPasswordBody)).email);
    sendMailSoon(c, deps);
    return done(c, '/password/forgot/', result.status);
  })
  .post('/password/reset', async (c) => {
    backTo(c, '/password/reset/');
    const body = await readBody(c, resetPasswordBody);
    const deps = await accountDeps(c);
    const result = await resetPassword(deps, body.token, body.password);
    clearRegisteredCookie(c, SESSION_COOKIE);
    sendMailSoon(c, deps);
    return done(c, '/login/', result.status);
  })
  .post('/email', requireLogin, async (c) => {
    backTo(c, '/account/security/');
    const body = await readBody(c, changeEmailBody);
    const deps = await accountDeps(c);
    // Step-up: the password typed into the form is proof enough for a login without a second factor.
    await ensureSteppedUp(deps, c.var.login, { returnTo: '/account/security/', password: body.currentPassword, checkPassword: (p) => confirmCurrentPassword(deps, c.var.login.id, p) });
    const result = await requestEmailChange(deps, c.var.login, body.newEmail);
    sendMailSoon(c, deps);
    return done(c, '/account/security/', result.status);
  })
  .post('/email/confirm', async (c) => {
    backTo(c, '/account/email/confirm/');
    const { token } = await readBody(c, confirmLinkBody);
    const deps = await accountDeps(c);
    const result = await confirmEmailChange(deps, token);
    sendMailSoon(c, deps);
    return done(c, '/account/security/', result.status);
  })
  .get('/profile', requireLogin, async (c) => {
    const deps = await accountDeps(c);
    const accountId = await profileAccountId(deps, c.var.login.id, c.req.query('account'));
    if (!accountId) throw new ApiError(404, 'not_found', 'No account you may manage.');
    return c.json(await readProfile(deps, c.var.login.id, accountId));
  })
  .post('/profile', requireLogin, async (c) => {
    backTo(c, '/account/profile/');
    const body = await readBody(c, profileBody);
    backTo(c, `/account/profile/?account=${encodeURIComponent(body.account)}`);
    const result = await saveProfile(await accountDeps(c), c.var.login.id, body);
    return done(c, `/account/profile/?account=${encodeURIComponent(body.account)}`, result.status);
  })
  .post('/language', requireLogin, async (c) => {
    backTo(c, '/account/');
    const { locale } = await readBody(c, languageBody);
    await saveLanguage(await accountDeps(c), c.var.login.id, locale);
    // Back to the account page in the language just chosen, whichever page's language the form was on.
    c.header('Content-Language', locale);
    return done(c, locale === 'es' ? '/es/account/' : '/account/', 'language-saved');
  });

accountsApi.onError(accountsOnError);
