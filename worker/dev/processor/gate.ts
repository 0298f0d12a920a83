/**
 * The development payment processor must never exist in production. It is reachable only when BOTH
 * hold: the worker runs as development (wrangler.toml says production; only `npm start`, the tests
 * and the e2e harness override it) AND the portal's own origin is this machine. A deploy that got
 * ENVIRONMENT wrong still serves a real hostname, so the second check refuses it.
 */
export type DevGateEnv = { ENVIRONMENT: string; PORTAL_ORIGIN: string };

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLocalOrigin(origin: string) {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && localHosts.has(url.hostname);
  } catch {
    return false;
  }
}

export function devProcessorEnabled(env: DevGateEnv) {
  return env.ENVIRONMENT === 'development' && isLocalOrigin(env.PORTAL_ORIGIN);
}
