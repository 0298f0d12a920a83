/**
 * Several utilities on one deployment (worker/tenants/): a request's host picks its utility, and
 * then it sees only that utility's databases, keys, site build and words. Alder Creek answers on
 * portal.test (the first tenant, as on any development host); Juniper Valley on
 * juniper-valley.portal.test, with databases of its own (JUNIPER_VALLEY_DB, its usage shard).
 */
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { signClientAssertion } from '../../worker/ingest/client-assertion';
import worker from '../../worker/index';
import { forEachTenant, forEachTenantOfBatch } from '../../worker/tenants/entry';
import { TENANT_OWN, tenantEnv } from '../../worker/tenants/env';
import { DEFAULT_TENANT, tenantForHost, tenantOrigin, tenants } from '../../worker/tenants/registry';
import { currentTenant, utility } from '../../worker/tenants/scope';
import { ingestAudience } from '../../worker/ingest/auth';
import { usageShards } from '../../worker/usage/shards';
import { givenAccount, signedIn, uniqueId } from './support/sign-in';
import { requestBody } from './support/requests';
import { givenApplication, tokensFor } from './support/connect-fixtures';
import { givenMeter, givenReads, TZ } from './support/usage-fixtures';
import { addDays, localDay } from '../../worker/usage/time';
import { JUNIPER, JUNIPER_ORIGIN, juniperLogin } from './support/tenants';

const ALDER = 'https://portal.test';
const JUNIPER_HOST = JUNIPER_ORIGIN;
const send = (origin: string, path: string, init: RequestInit = {}) =>
  exports.default.fetch(new Request(`${origin}${path}`, { redirect: 'manual', ...init, headers: { Origin: origin, 'CF-Connecting-IP': `2001:db8:7::${Math.floor(Math.random() * 0xffff).toString(16)}`, ...(init.headers ?? {}) } }));

describe('choosing the utility by host', () => {
  it('picks a tenant only from its hosts in production, and from <id>.<host> in development', () => {
    const production = { ENVIRONMENT: 'production', PORTAL_ORIGIN: 'https://portal.aldercreek-utility.example' };
    expect(tenantForHost('portal.aldercreek-utility.example', production)?.id).toBe('alder-creek');
    expect(tenantForHost('MyAccount.JuniperValley-Water.example:443', production)?.id).toBe('juniper-valley');
    expect(tenantForHost('juniper-valley.portal.aldercreek-utility.example', production)).toBeUndefined();
    expect(tenantForHost('localhost', production)).toBeUndefined();
    const development = { ENVIRONMENT: 'development', PORTAL_ORIGIN: 'http://localhost:8787' };
    expect(tenantForHost('juniper-valley.localhost:8787', development)?.id).toBe('juniper-valley');
    expect(tenantForHost('localhost:8787', development)?.id).toBe('alder-creek');
    // A tenant id alone is not a host of that tenant.
    expect(tenantForHost('juniper-valley', development)?.id).toBe('alder-creek');
    expect(tenantOrigin(JUNIPER, development)).toBe('http://juniper-valley.localhost:8787');
    expect(tenantOrigin(JUNIPER, production)).toBe('https://myaccount.junipervalley-water.example');
  });

  it('refuses a host of no utility in production, before touching any database', async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request('https://unknown.example/api/health'), { ...env, ENVIRONMENT: 'production' }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'unknown_host' } });
  });

  it("answers a utility's production host from its own database", async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request('https://myaccount.junipervalley-water.example/.well-known/security.txt'), { ...env, ENVIRONMENT: 'production' }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('Contact: mailto:security@junipervalley-water.example');
    expect(text).toContain('Canonical: https://myaccount.junipervalley-water.example/.well-known/security.txt');
  });

  it("speaks with each utility's own name and contacts", async () => {
    const [alder, juniper] = await Promise.all([send(ALDER, '/.well-known/security.txt'), send(JUNIPER_HOST, '/.well-known/security.txt')]);
    expect(await alder.text()).toContain('security@aldercreek-utility.example');
    const text = await juniper.text();
    expect(text).toContain('security@junipervalley-water.example');
    expect(text).not.toContain('aldercreek');
  });
});

describe("each utility's own site build", () => {
  it('serves each host the pages built for its utility', async () => {
    const [alder, juniper] = await Promise.all([send(ALDER, '/'), send(JUNIPER_HOST, '/')]);
    const [a, j] = [await alder.text(), await juniper.text()];
    expect(a).toContain('data-tenant="alder-creek"');
    expect(j).toContain('data-tenant="juniper-valley"');
    expect(j).toContain('Juniper Valley Water');
    expect(j).not.toMatch(/Alder Creek|aldercreek/);
  });

  it("cannot be asked for another utility's build, or its own by its directory", async () => {
    for (const [origin, path] of [[ALDER, '/juniper-valley/'], [ALDER, '/alder-creek/'], [JUNIPER_HOST, '/alder-creek/privacy/'], [JUNIPER_HOST, '/juniper-valley/']] as const) {
      const res = await send(origin, path);
      expect(res.status, `${origin}${path}`).toBe(404);
    }
  });

  it("keeps the assets' own redirects inside the host's site", async () => {
    const res = await send(JUNIPER_HOST, '/privacy');
    expect(res.status).toBeGreaterThanOrEqual(300);
    expect(res.status).toBeLessThan(400);
    expect(new URL(res.headers.get('location')!, JUNIPER_HOST).pathname).toBe('/privacy/');
  });

  it("takes program applications against the utility's own programs", async () => {
    const catalog = async (origin: string) => (await (await send(origin, '/programs/catalog.json')).json<{ programs: { id: string }[] }>()).programs.map((p) => p.id).sort();
    expect(await catalog(ALDER)).toContain('heat-pump-water-heater');
    expect(await catalog(JUNIPER_HOST)).not.toContain('heat-pump-water-heater');
  });
});

describe('one utility cannot reach another', () => {
  it("does not know another utility's customer, even one whose account id and e-mail it also has", async () => {
    const accountId = await givenAccount();
    const { cookie: alderCookie } = await signedIn({ holderOf: [accountId] });
    const juniper = await juniperLogin({ holderOf: { id: accountId } });
    expect((await send(JUNIPER_HOST, '/api/accounts/me', { headers: { Cookie: juniper.cookie } })).status).toBe(200);
    // Each utility's session cookie means nothing at the other's host.
    expect((await send(ALDER, '/api/accounts/me', { headers: { Cookie: juniper.cookie } })).status).toBe(401);
    expect((await send(JUNIPER_HOST, '/api/accounts/me', { headers: { Cookie: alderCookie } })).status).toBe(401);
    const profile = await send(ALDER, '/api/accounts/profile', { headers: { Cookie: juniper.cookie } });
    expect(profile.status).toBe(401);
    expect(await profile.text()).not.toContain(accountId);
  });

  it("refuses another utility's staff", async () => {
    const { cookie } = await signedIn({ role: 'admin' });
    expect((await send(ALDER, '/api/staff/requests', { headers: { Cookie: cookie, Accept: 'application/json' } })).status).toBe(200);
    expect((await send(JUNIPER_HOST, '/api/staff/requests', { headers: { Cookie: cookie, Accept: 'application/json' } })).status).toBe(401);
    const { cookie: juniperAdmin } = await juniperLogin({ role: 'admin' });
    expect((await send(JUNIPER_HOST, '/api/staff/requests', { headers: { Cookie: juniperAdmin, Accept: 'application/json' } })).status).toBe(200);
    expect((await send(ALDER, '/api/staff/customers?accountNumber=1', { headers: { Cookie: juniperAdmin, Accept: 'application/json' } })).status).toBe(401);
  });

  it("refuses another utility's ingest client, even with an assertion made for this host", async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const clientId = uniqueId('client');
    await env.DB.prepare("INSERT INTO utilities (id, name, legal_name, time_zone, service_area, contact_email, contact_phone, privacy_email) VALUES ('alder-creek', 'A', 'A', 'America/Los_Angeles', 'A', 'a@a.example', '+1-209-555-0100', 'p@a.example') ON CONFLICT DO NOTHING").run();
    await env.DB.prepare("INSERT INTO ingest_clients (id, utility_id, name, public_jwk, status) VALUES (?1, 'alder-creek', 'MDM', ?2, 'active')").bind(clientId, JSON.stringify(await exportJWK(publicKey))).run();
    const body = JSON.stringify({ batchId: uniqueId('batch'), accounts: [] });
    const post = async (origin: string, audienceOrigin: string) => {
      const token = await signClientAssertion({ privateJwk: await exportJWK(privateKey), clientId, audience: ingestAudience(audienceOrigin), method: 'POST', url: `${audienceOrigin}/api/ingest/batches`, body });
      return exports.default.fetch(new Request(`${origin}/api/ingest/batches`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body }));
    };
    const juniperOrigin = tenantOrigin(JUNIPER, env);
    expect((await post(JUNIPER_HOST, juniperOrigin)).status).toBe(401);
    expect((await post(JUNIPER_HOST, env.PORTAL_ORIGIN)).status).toBe(401);
    // The same client, at its own utility, is heard.
    expect((await post(ALDER, env.PORTAL_ORIGIN)).status).not.toBe(401);
  });

  it("refuses another utility's third party: its access token and its client", async () => {
    const water = await givenMeter({ kind: 'water' });
    await givenReads(water, [addDays(localDay(Date.now(), TZ), -2)], () => 2);
    const { cookie } = await signedIn({ holderOf: [water.accountId] });
    const application = await givenApplication({ name: 'Water Coach' });
    const tokens = await tokensFor(cookie, application, [water.meterId]);
    const path = new URL(tokens.resourceURI).pathname;
    const at = (origin: string) => exports.default.fetch(new Request(`${origin}${path}`, { headers: { Authorization: `Bearer ${tokens.access_token}` } }));
    expect((await at(ALDER)).status).toBe(200);
    const refused = await at(JUNIPER_HOST);
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain(water.meterId);
    // Its client id and secret mean nothing at the other utility's token endpoint either.
    const basic = btoa(`${application.clientId}:${application.secret}`);
    const token = await exports.default.fetch(new Request(`${JUNIPER_HOST}/api/connect/token`, { method: 'POST', headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }) }));
    expect(token.status).toBe(401);
  });

  it("refuses a privacy request form signed for another utility (each has its own keys)", async () => {
    const form = await (await send(ALDER, '/api/requests/form')).json<{ formToken: string }>();
    const res = await send(JUNIPER_HOST, '/api/requests', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...requestBody(), formToken: form.formToken }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'form_token_forged' } });
    expect(await env.JUNIPER_VALLEY_DB.prepare('SELECT count(*) AS n FROM privacy_requests').first('n')).toBe(0);
  });

  it("publishes each utility's own signing keys", async () => {
    const keys = async (origin: string) => (await (await send(origin, '/.well-known/jwks.json')).json<{ keys: { kid: string }[] }>()).keys.map((k) => k.kid);
    const [alder, juniper] = await Promise.all([keys(ALDER), keys(JUNIPER_HOST)]);
    expect(juniper.length).toBeGreaterThan(0);
    expect(juniper.filter((kid) => alder.includes(kid))).toEqual([]);
  });
});

describe("a tenant's bindings", () => {
  it('holds only its own databases, under the names the code uses', () => {
    const juniper = tenantEnv(env, JUNIPER);
    expect(juniper.DB).toBe(env.JUNIPER_VALLEY_DB);
    expect(usageShards(juniper).names).toEqual(['USAGE_SHARD_1']);
    expect(juniper.USAGE_SHARD_1).toBe(env.JUNIPER_VALLEY_USAGE_SHARD_1);
    expect(juniper.LINK_SIGNING_SECRET).toBe(env.JUNIPER_VALLEY_LINK_SIGNING_SECRET);
    expect(Object.keys(juniper).filter((k) => k.startsWith('JUNIPER_VALLEY_'))).toEqual([]);
    expect('USAGE_SHARD_2' in juniper).toBe(false);
    const alder = tenantEnv(env, DEFAULT_TENANT);
    expect(alder.DB).toBe(env.DB);
    expect(usageShards(alder).names).toEqual(['USAGE_SHARD_1', 'USAGE_SHARD_2']);
    expect(Object.keys(alder).filter((k) => k.startsWith('JUNIPER_VALLEY_'))).toEqual([]);
  });

  it("refuses to run a utility that lacks a database or secret of its own rather than lend it the first one's", () => {
    const { JUNIPER_VALLEY_LINK_SIGNING_SECRET: _gone, ...withoutSecret } = env as unknown as Record<string, unknown>;
    expect(() => tenantEnv(withoutSecret as unknown as Env, JUNIPER)).toThrow(/JUNIPER_VALLEY_LINK_SIGNING_SECRET/);
    expect(TENANT_OWN).toContain('DB');
  });
});

describe('crons and queues', () => {
  it('runs a cron once for every utility, each in its own scope and databases', async () => {
    const seen: string[] = [];
    await forEachTenant(env, async (tenantEnv, tenant) => {
      expect(currentTenant()).toBe(tenant);
      expect(tenantEnv.DB).toBe(tenant === DEFAULT_TENANT ? env.DB : env.JUNIPER_VALLEY_DB);
      seen.push(utility().id);
    });
    expect(seen.sort()).toEqual(tenants.map((t) => t.id).sort());
  });

  it("purges each utility's stale records in the daily cron", async () => {
    const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
    for (const database of [env.DB, env.JUNIPER_VALLEY_DB]) {
      await database.prepare('INSERT INTO throttles (key, failures, window_started_at, updated_at) VALUES (?1, 1, ?2, ?2)').bind(uniqueId('stale'), old).run();
    }
    const ctx = createExecutionContext();
    await worker.scheduled({ cron: '17 10 * * *', scheduledTime: Date.now(), noRetry() {} } as ScheduledController, env, ctx);
    await waitOnExecutionContext(ctx);
    for (const database of [env.DB, env.JUNIPER_VALLEY_DB]) {
      expect(await database.prepare('SELECT count(*) AS n FROM throttles WHERE updated_at = ?1').bind(old).first('n')).toBe(0);
    }
  });

  it('stamps queued messages with their utility and hands each back to it', async () => {
    const sent: unknown[] = [];
    const queue = { send: async (body: unknown) => void sent.push(body), sendBatch: async (ms: Iterable<{ body: unknown }>) => void sent.push(...[...ms].map((m) => m.body)) } as unknown as Queue;
    await tenantEnv({ ...env, ALERT_QUEUE: queue }, JUNIPER).ALERT_QUEUE.send({ meters: ['m1'] });
    await tenantEnv({ ...env, ALERT_QUEUE: queue }, DEFAULT_TENANT).ALERT_QUEUE.sendBatch([{ body: { meters: ['m2'] } }]);
    expect(sent).toEqual([{ tenant: 'juniper-valley', body: { meters: ['m1'] } }, { tenant: 'alder-creek', body: { meters: ['m2'] } }]);

    // A message sent before tenants (no stamp) belongs to the first utility; one for an unknown tenant is dropped.
    const batch = createMessageBatch('alert-detection', [...sent, { meters: ['m3'] }, { tenant: 'gone', body: {} }].map((body, i) => ({ id: `m-${i}`, timestamp: new Date(), attempts: 1, body })));
    const handled: [string, unknown[], boolean][] = [];
    await forEachTenantOfBatch(batch, env, async (part, partEnv) => {
      handled.push([utility().id, part.messages.map((m) => m.body), partEnv.DB === env.JUNIPER_VALLEY_DB]);
      part.messages.forEach((m) => m.ack());
    });
    expect(handled).toEqual([
      ['juniper-valley', [{ meters: ['m1'] }], true],
      ['alder-creek', [{ meters: ['m2'] }, { meters: ['m3'] }], false],
    ]);
    const result = await getQueueResult(batch, createExecutionContext());
    expect(result.explicitAcks.sort()).toEqual(['m-0', 'm-1', 'm-2', 'm-3']);
  });
});
