import { Hono } from 'hono';
import type { AppEnv } from '../app-types';
import { checkDatabase } from './check';

/** GET /api/health: the worker is up and D1 answers (used by deploy checks and the test harness). */
export const health = new Hono<AppEnv>().get('/', async (c) => {
  const database = await checkDatabase(c.env.DB);
  c.header('Cache-Control', 'no-store');
  return c.json({ status: database.ok ? 'ok' : 'degraded', database }, database.ok ? 200 : 503);
});
