import { drizzle } from 'drizzle-orm/d1';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-types';
import type { LoginRole } from '../../db/schema';
import { ApiError } from '../http/errors';
import { resolveSession, SESSION_COOKIE } from './sessions';

/** Refuses anonymous callers (401); on success `c.var.login` holds who is signed in. */
export const requireLogin = createMiddleware<AppEnv>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  const login = token ? await resolveSession(drizzle(c.env.DB), token) : null;
  if (!login) throw new ApiError(401, 'unauthenticated', 'Please sign in.');
  c.set('login', login);
  await next();
});

/** Refuses a signed-in login whose role is not one of `roles` (403). Use after requireLogin. */
export const requireRole = (...roles: LoginRole[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!roles.includes(c.var.login.role)) throw new ApiError(403, 'forbidden', 'Your role does not allow this.');
    await next();
  });
