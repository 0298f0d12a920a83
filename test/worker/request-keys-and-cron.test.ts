import { env, exports } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { compactVerify, exportJWK, generateKeyPair, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { app, scheduled } from '../../worker/index';
import { runDailyMaintenance } from '../../worker/requests/scheduled';
import { newTotpSecret } from '../../worker/auth/totp';
import { UNDELIVERED_BODY } from '../../worker/mail/outbox';
import { formToken, requestBody } from './support/requests';

async function newSigningJwks(kid: string) {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' }] });
}

describe('receipt signing keys', () => {
  it('publishes public keys only, with kids, at /.well-known/jwks.json', async () => {
    const res = await exports.default.fetch(new Request('https://portal.test/.well-known/jwks.json'));
    expect(res.status).toBe(200);
    const { keys } = await res.json<{ keys: Record<string, string>[] }>();
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      expect(k).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(k.kid).toBeTruthy();
      expect(k).not.toHaveProperty('d');
    }
  });

  it('keeps publishing a rotated-out key, so a receipt signed before the rotation still verifies', async () => {
    const oldKeys = await newSigningJwks('test-old');
    const newKeys = await newSigningJwks('test-new');
    const call = (keys: string, path: string, init?: RequestInit) => app.fetch(new Request(`https://portal.test${path}`, { ...init, headers: { Origin: 'https://portal.test', 'Content-Type': 'application/json' } }), { ...env, RECEIPT_SIGNING_JWKS: keys }, createExecutionContext());
    const token = (await (await call(oldKeys, '/api/requests/form')).json<{ formToken: string }>()).formToken;
    const filed = await (await call(oldKeys, '/api/requests', { method: 'POST', body: JSON.stringify({ ...requestBody(), formToken: token }) })).json<{ receipt: string }>();
    // Rotate: the secret now holds only the new key.
    const { keys } = await (await call(newKeys, '/.well-known/jwks.json')).json<{ keys: { kid: string }[] }>();
    expect(keys.map((k) => k.kid)).toEqual(expect.arrayContaining(['test-new', 'test-old']));
    const old = keys.find((k) => k.kid === 'test-old')!;
    const { payload } = await compactVerify(filed.receipt, await importJWK(old as never, 'ES256'));
    expect(JSON.parse(new TextDecoder().decode(payload))).toHaveProperty('rid');
    // A form token from the old key is no longer accepted once rotated out (tokens live 30 minutes).
    const stale = await call(newKeys, '/api/requests', { method: 'POST', body: JSON.stringify({ ...requestBody(), formToken: await formToken() }) });
    expect(stale.status).toBe(400);
  });
});

describe('the daily job', () => {
  it('marks overdue requests once and purges requests closed more than 24 months ago with their history', async () => {
    const old = '2024-06-01T12:00:00.000Z';
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO privacy_requests (id, type, state, received_at, acknowledge_by, due_on, submitted_by, requester_name, requester_email, declaration_name, submission_sha256, receipt_jws, closed_at)
        VALUES ('req-old', 'know', 'fulfilled', ?1, '2024-06-14', '2024-07-16', 'self', 'x', 'x@test.example', 'x', 'h', 'r', ?1)`).bind(old),
      env.DB.prepare(`INSERT INTO privacy_request_history (id, request_id, at, from_state, to_state, actor_kind) VALUES ('h-old', 'req-old', ?1, 'in_progress', 'fulfilled', 'staff')`).bind(old),
      env.DB.prepare(`INSERT INTO privacy_requests (id, type, state, received_at, acknowledge_by, due_on, submitted_by, requester_name, requester_email, declaration_name, submission_sha256, receipt_jws, closed_at)
        VALUES ('req-recent', 'know', 'fulfilled', '2026-01-01T00:00:00.000Z', '2026-01-15', '2026-02-14', 'self', 'x', 'x@test.example', 'x', 'h', 'r', '2026-01-20T00:00:00.000Z')`),
      env.DB.prepare(`INSERT INTO privacy_requests (id, type, state, received_at, acknowledge_by, due_on, submitted_by, requester_name, requester_email, declaration_name, submission_sha256, receipt_jws)
        VALUES ('req-late', 'delete', 'in_progress', '2026-01-01T00:00:00.000Z', '2026-01-15', '2026-02-14', 'self', 'x', 'x@test.example', 'x', 'h', 'r')`),
    ]);
    const now = new Date('2026-11-24T18:00:00Z');
    const first = await runDailyMaintenance(env.DB, now);
    expect(first.purgedRequests).toBe(1);
    expect(first.purgedHistoryRows).toBe(1);
    expect(first.markedOverdue).toBeGreaterThanOrEqual(1);
    const ids = (await env.DB.prepare("SELECT id FROM privacy_requests WHERE id LIKE 'req-%' AND id IN ('req-old','req-recent','req-late')").all<{ id: string }>()).results.map((r) => r.id);
    expect(ids.sort()).toEqual(['req-late', 'req-recent']);
    const late = await env.DB.prepare("SELECT overdue_since FROM privacy_requests WHERE id = 'req-late'").first<{ overdue_since: string }>();
    expect(late!.overdue_since).toBe(now.toISOString());
    const again = await runDailyMaintenance(env.DB, new Date('2026-11-25T18:00:00Z'));
    expect(again.markedOverdue).toBe(0);
    const logged = await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE event = 'privacy_request.overdue' AND detail LIKE '%req-late%'").first<{ n: number }>();
    expect(logged!.n).toBe(1);
  });

  it('runs as the worker\'s scheduled handler: consent proof past 24 months, stale mail bodies and TOTP secrets in clear are dealt with', async () => {
    const consentId = `cron${crypto.randomUUID().replaceAll('-', '')}`;
    const mailId = crypto.randomUUID();
    const loginId = `cron-${crypto.randomUUID()}`;
    const secret = newTotpSecret();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO consent_records (id, consent_id, action, method, policy_version, preferences, analytics, gpc, recorded_at) VALUES (?1, ?2, 'choose', 'banner', 'old', 0, 1, 0, '2020-01-01T00:00:00.000Z')").bind(crypto.randomUUID(), consentId),
      env.DB.prepare("INSERT INTO outbox_emails (id, to_address, subject, body_text, kind, status, created_at) VALUES (?1, 'cron@customers.example', 'Reset', 'Open https://portal.test/password/reset/#token=abc', 'password-reset', 'queued', '2020-01-01T00:00:00.000Z')").bind(mailId),
      env.DB.prepare("INSERT INTO logins (id, email, password_hash, role, totp_secret) VALUES (?1, ?2, 'test:no-password', 'support', ?3)").bind(loginId, `${loginId}@test.example`, secret),
    ]);
    const ctx = createExecutionContext();
    await scheduled({ scheduledTime: Date.now(), cron: '17 10 * * *', noRetry() {} } as ScheduledController, env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM consent_records WHERE consent_id = ?1').bind(consentId).first('n')).toBe(0);
    expect(await env.DB.prepare('SELECT body_text FROM outbox_emails WHERE id = ?1').bind(mailId).first('body_text')).toBe(UNDELIVERED_BODY);
    expect(await env.DB.prepare('SELECT totp_secret FROM logins WHERE id = ?1').bind(loginId).first('totp_secret')).toMatch(/^totp1\./);
  });
});
