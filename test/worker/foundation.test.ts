import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

const portal = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`https://portal.test${path}`, init));

describe('health', () => {
  it('reports ok after touching D1 with every migration applied', async () => {
    await env.DB.prepare("INSERT INTO utilities (id, name, legal_name, time_zone, service_area, contact_email, contact_phone, privacy_email) VALUES ('u1','Test Utility','Test Utility District','America/Los_Angeles','Testville','a@x.example','+1-209-555-0100','p@x.example')").run();
    const res = await portal('/api/health');
    expect(res.status).toBe(200);
    const body = await res.json<{ status: string; database: { ok: boolean; migrations: number; utility: string } }>();
    expect(body.status).toBe('ok');
    expect(body.database.migrations).toBe(env.TEST_MIGRATIONS.length);
    expect(body.database.utility).toBe('Test Utility');
  });
});

describe('errors', () => {
  it('answers an unknown API route with a 404 JSON error', async () => {
    const res = await portal('/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = await res.json<{ error: { code: string; requestId: string } }>();
    expect(body.error.code).toBe('not_found');
    expect(body.error.requestId).toBeTruthy();
  });

  it('answers a missing page with the 404 page in its language', async () => {
    const english = await portal('/no-such-page/');
    expect(english.status).toBe(404);
    expect(await english.text()).toContain('Page not found');
    const spanish = await portal('/es/no-such-page/');
    expect(spanish.status).toBe(404);
    const html = await spanish.text();
    expect(html).toContain('Página no encontrada');
    expect(html).toMatch(/<html[^>]*lang="es"/);
  });

  it('answers an unknown well-known resource with a 404 JSON error', async () => {
    const res = await portal('/.well-known/nothing-here');
    expect(res.status).toBe(404);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('not_found');
  });

  it('refuses an oversized API body with 413 JSON', async () => {
    const res = await portal('/api/health', { method: 'POST', headers: { Origin: 'https://portal.test' }, body: 'x'.repeat(1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('payload_too_large');
  });
});

describe('cross-site writes', () => {
  it('refuses a form post or JSON write from another site on every cookie-bearing API', async () => {
    for (const path of ['/api/accounts/login', '/api/consent', '/api/requests']) {
      const form = await portal(path, { method: 'POST', headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
      expect(form.status, path).toBe(403);
      const json = await portal(path, { method: 'POST', headers: { Origin: 'https://evil.example', 'Content-Type': 'application/json' }, body: '{}' });
      expect(json.status, path).toBe(403);
      expect((await json.json<{ error: { code: string } }>()).error.code).toBe('cross_origin');
    }
  });

  it('leaves machine-to-machine ingestion to its signed client assertion', async () => {
    const res = await portal('/api/ingest/batches', { method: 'POST', headers: { Origin: 'https://evil.example', 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
  });
});

describe('security headers', () => {
  for (const path of ['/api/health', '/api/missing', '/', '/no-such-page/', '/.well-known/security.txt']) {
    it(`are on ${path}`, async () => {
      const res = await portal(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    });
  }
});

describe('well-known files', () => {
  it('serves an RFC 9116 security.txt as text/plain that has not expired', async () => {
    const res = await portal('/.well-known/security.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const text = await res.text();
    for (const field of ['Contact: mailto:', 'Expires: ', 'Policy: ', 'Preferred-Languages: en', 'Canonical: ']) {
      expect(text).toContain(field);
    }
    const expires = Date.parse(/^Expires: (.+)$/m.exec(text)![1]!);
    expect(expires).toBeGreaterThan(Date.now());
    expect(expires - Date.now()).toBeLessThan(365 * 86_400_000);
  });

  it('serves the GPC support resource as JSON', async () => {
    const res = await portal('/.well-known/gpc.json');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json<{ gpc: boolean; lastUpdate: string }>();
    expect(body.gpc).toBe(true);
    expect(body.lastUpdate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
