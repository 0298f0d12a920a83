import { drizzle } from 'drizzle-orm/d1';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-types';
import type { LoginRole } from '../../db/schema';
import { ApiError } from '../http/errors';
import { resolveSession, SESSION_COOKIE, staffRoles } from './sessions';

/**
 * Refuses anonymous callers (401); on success `c.var.login` holds who is signed in. A session that
 * still owes its second factor counts as anonymous here.
 */
export const requireLogin = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  const login = token ? await resolveSession(drizzle(c.env.DB), token) : null;
  if (!login) throw new ApiError(401, 'unauthenticated', 'Please sign in.');
  c.set('login', login);
  await next();
});

/**
 * Refuses a signed-in login whose role is not one of `roles` (403). Use after requireLogin.
 * A staff role (support, privacy officer, admin) counts only on a session that passed the second factor.
 */
export const requireRole = (...roles: LoginRole[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const login = c.var.login;
    if (!roles.includes(login.role)) throw new ApiError(403, 'forbidden', 'Your role does not allow this.');
    if (staffRoles.includes(login.role) && !login.secondFactor) {
      throw new ApiError(403, 'second_factor_required', 'Staff access needs the second sign-in step.');
    }
    await next();
  });
