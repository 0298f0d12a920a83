import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { AppEnv } from './app-types';
import { health } from './health/routes';
import { ingest } from './ingest/routes';
import { ApiError, handleError } from './http/errors';
import { portalSecureHeaders } from './http/security-headers';
import { usage } from './usage/routes';
import { wellKnown } from './well-known/routes';

const app = new Hono<AppEnv>();

app.use(requestId());
app.use(portalSecureHeaders());
app.use('/api/*', bodyLimit({ maxSize: 1024 * 1024, onError: () => { throw new ApiError(413, 'payload_too_large', 'The request body is larger than 1 MiB.'); } }));

const routes = app
  .route('/api/health', health)
  .route('/api/usage', usage)
  .route('/api/ingest', ingest)
  .route('/.well-known', wellKnown);

app.all('/api/*', () => {
  throw new ApiError(404, 'not_found', 'There is no such API route.');
});
app.all('/.well-known/*', () => {
  throw new ApiError(404, 'not_found', 'There is no such well-known resource.');
});

// Everything else is the static site. Assets answer with immutable headers, so copy them
// into a fresh Response that the security-headers middleware can add to.
app.all('*', async (c) => {
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  return new Response(asset.body, asset);
});

app.onError(handleError);

export type AppType = typeof routes;
export default app;
