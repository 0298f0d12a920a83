import { Hono } from 'hono';
import type { AppEnv } from '../app-types';
import { gpcSupportResource, securityTxt } from './documents';
import { publishedJwks } from './jwks';

/** /.well-known/: machine-readable statements other software looks for at fixed addresses. */
export const wellKnown = new Hono<AppEnv>()
  .get('/security.txt', (c) => {
    c.header('Content-Type', 'text/plain; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(securityTxt(c.env.PORTAL_ORIGIN, new Date()));
  })
  .get('/gpc.json', (c) => {
    c.header('Cache-Control', 'public, max-age=86400');
    return c.json(gpcSupportResource);
  })
  .get('/jwks.json', async (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    c.header('Access-Control-Allow-Origin', '*');
    return c.json(await publishedJwks(c.env));
  });
