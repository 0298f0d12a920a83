import { env } from 'cloudflare:workers';
import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { currentKdf, hashPassword } from '../../worker/accounts/password';
import { issueFormToken } from '../../worker/requests/form-token';
import { formatsFor } from '../../worker/i18n/format';
import { db, givenAccount, signedIn } from './support/sign-in';
import { logins } from '../../db/schema';
import { eq } from 'drizzle-orm';
import {
  ORIGIN,
  fileRequest,
  formToken,
  latestEmail,
  portal,
  postForm,
  postJson,
  requestBody,
  requestState,
  staffPost,
  verifyByEmail,
  verifyFieldsFrom,
} from './support/requests';

let n = 0;
const accountNumber = () => String(7_000_000_000 + Date.now() % 1_000_000 * 100 + n++);

async function customer(overrides: { holderName?: string; email?: string; postal?: string } = {}) {
  const number = accountNumber();
  const email = overrides.email ?? `holder-${number}@customers.example`;
  const id = await givenAccount({ accountNumber: number, holderName: overrides.holderName ?? 'Ada Castellan', emailOnFile: email, phoneOnFile: '+1-209-555-0199', mailingStreet: '12 Heron Way', mailingCity: 'Alder Creek', mailingRegion: 'CA', mailingPostalCode: overrides.postal ?? '95990' });
  return { id, number, email, name: overrides.holderName ?? 'Ada Castellan' };
}

const fileFor = (c: { number: string; name: string }, extra: Record<string, unknown> = {}) =>
  fileRequest(requestBody({ accountNumber: c.number, fullName: c.name, declarationName: c.name, ...extra }));

describe('form tokens', () => {
  it('refuses a forged form token (signed by a key that is not the portal\'s)', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const published = JSON.parse(env.RECEIPT_SIGNING_JWKS).keys[0].kid;
    const forged = await new SignJWT({ purpose: 'privacy-request' })
      .setProtectedHeader({ alg: 'ES256', kid: published, typ: 'form+jwt' })
      .setIssuer(env.PORTAL_ORIGIN)
      .setIssuedAt()
      .setExpirationTime('30m')
      .setJti(crypto.randomUUID())
      .sign(privateKey);
    const res = await postJson('/api/requests', { ...requestBody(), formToken: forged });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('form_token_forged');
    expect(body.error.message).toMatch(/not issued by this portal/);
  });

  it('refuses an expired form token', async () => {
    const { token } = await issueFormToken(env.RECEIPT_SIGNING_JWKS, { issuer: env.PORTAL_ORIGIN, now: new Date(Date.now() - 31 * 60_000) });
    const res = await postJson('/api/requests', { ...requestBody(), formToken: token });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('form_token_expired');
    expect(body.error.message).toMatch(/expired/);
  });

  it('refuses a replayed form token', async () => {
    const token = await formToken();
    const first = await postJson('/api/requests', { ...requestBody(), formToken: token });
    expect(first.status).toBe(201);
    const again = await postJson('/api/requests', { ...requestBody(), formToken: token });
    expect(again.status).toBe(409);
    expect((await again.json<{ error: { code: string } }>()).error.code).toBe('form_token_replayed');
  });

  it('refuses a form token issued for another purpose', async () => {
    const { token } = await issueFormToken(env.RECEIPT_SIGNING_JWKS, { issuer: env.PORTAL_ORIGIN, purpose: 'newsletter-signup' });
    const res = await postJson('/api/requests', { ...requestBody(), formToken: token });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('form_token_wrong_purpose');
  });

  it('refuses a garbled token and writes nothing', async () => {
    const before = await env.DB.prepare('SELECT count(*) AS n FROM privacy_requests').first<{ n: number }>();
    const res = await postJson('/api/requests', { ...requestBody(), formToken: 'not-a-token' });
    expect(res.status).toBe(400);
    const after = await env.DB.prepare('SELECT count(*) AS n FROM privacy_requests').first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });

  it('sends a no-JavaScript form back to the page with the problem named', async () => {
    const res = await postForm('/api/requests', { ...(requestBody() as Record<string, string>), declarationTrue: 'on', formToken: 'x.y.z' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/privacy\/request\/\?error=form_token_malformed/);
  });
});

describe('declaration', () => {
  it('is required: no "information is true" box, no request', async () => {
    const res = await postJson('/api/requests', { ...requestBody({ declarationTrue: false }), formToken: await formToken() });
    expect(res.status).toBe(422);
    const body = await res.json<{ error: { fields: { field: string }[] } }>();
    expect(body.error.fields.map((f) => f.field)).toContain('declarationTrue');
  });

  it('must be signed with the name given (the agent signs with the agent name)', async () => {
    const res = await postJson('/api/requests', { ...requestBody({ declarationName: 'Someone Else' }), formToken: await formToken() });
    expect(res.status).toBe(422);
    expect((await res.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field)).toContain('declarationName');
    const agent = await postJson('/api/requests', { ...requestBody({ submittedBy: 'agent', agentName: 'Rosa Agent', agentEmail: 'rosa@agents.example', agentPermission: 'Signed by the customer 2026-10-01', agentAttest: true, declarationName: 'Rosa Agent' }), formToken: await formToken() });
    expect(agent.status).toBe(201);
  });

  it('requires agent details and the customer\'s signed permission from an agent', async () => {
    const res = await postJson('/api/requests', { ...requestBody({ submittedBy: 'agent', declarationName: 'Test Holder' }), formToken: await formToken() });
    expect(res.status).toBe(422);
    const fields = (await res.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['agentName', 'agentEmail', 'agentPermission', 'agentAttest']));
  });
});

describe('filing and verification', () => {
  it('answers the same whether or not the account exists, and e-mails only the address on file', async () => {
    const c = await customer();
    const matched = await fileFor(c);
    const unmatched = await fileRequest(requestBody({ accountNumber: '1234567890', fullName: 'Nobody Here', declarationName: 'Nobody Here' }));
    expect(matched.state).toBe(unmatched.state);
    expect(matched.nextStep).toBe(unmatched.nextStep);
    expect(Object.keys(matched).sort()).toEqual(Object.keys(unmatched).sort());
    const mail = await latestEmail('privacy-request-verify', c.email);
    expect(mail?.body_text).toContain(`/privacy/request/verify/#code=${matched.id}.`);
    const stray = await env.DB.prepare("SELECT count(*) AS n FROM outbox_emails WHERE kind = 'privacy-request-verify' AND body_text LIKE ?1").bind(`%${unmatched.id}%`).first<{ n: number }>();
    expect(stray!.n).toBe(0);
  });

  it('matches on account number plus ZIP when the name differs', async () => {
    const c = await customer({ postal: '95994' });
    const filed = await fileRequest(requestBody({ accountNumber: c.number, fullName: 'A. Castellan', declarationName: 'A. Castellan', postalCode: '95994' }));
    const row = await env.DB.prepare('SELECT account_id FROM privacy_requests WHERE id = ?1').bind(filed.id).first<{ account_id: string }>();
    expect(row!.account_id).toBe(c.id);
  });

  it('verifies through the single-use link sent to the e-mail on file', async () => {
    const c = await customer();
    const filed = await fileFor(c);
    expect(await requestState(filed.id)).toBe('verifying');
    const mail = await latestEmail('privacy-request-verify', c.email);
    const fields = verifyFieldsFrom(mail!.body_text);
    const res = await postJson('/api/requests/verify', fields);
    expect(res.status).toBe(200);
    expect(await requestState(filed.id)).toBe('verified');
    const again = await postJson('/api/requests/verify', fields);
    expect(again.status).toBe(409);
    const [r, nonce, expires, signature] = fields.code!.split('.');
    const tampered = await postJson('/api/requests/verify', { code: [r, nonce, Number(expires) + 1, signature].join('.') });
    expect(tampered.status).toBe(400);
  });

  it('verifies a signed-in holder by session, and asks for the password again before a deletion once the sign-in is over 10 minutes old', async () => {
    const c = await customer();
    // A session whose sign-in no longer counts as a recent proof (worker/auth/step-up.ts).
    const holder = await signedIn({ holderOf: [c.id], steppedUp: false });
    const know = await fileRequest(requestBody({ accountNumber: c.number, fullName: c.name, declarationName: c.name }), holder.cookie);
    expect(know.state).toBe('verified');
    await db().update(logins).set({ passwordHash: await hashPassword('correct horse battery', { ...currentKdf, iterations: 1000 }) }).where(eq(logins.id, holder.loginId));
    const noPassword = await postJson('/api/requests', { ...requestBody({ type: 'delete', accountNumber: c.number, fullName: c.name, declarationName: c.name }), formToken: await formToken() }, holder.cookie);
    expect(noPassword.status).toBe(422);
    expect((await noPassword.json<{ error: { fields: { field: string }[] } }>()).error.fields[0]!.field).toBe('password');
    const wrong = await postJson('/api/requests', { ...requestBody({ type: 'delete', accountNumber: c.number, fullName: c.name, declarationName: c.name, password: 'wrong' }), formToken: await formToken() }, holder.cookie);
    expect(wrong.status).toBe(422);
    const right = await postJson('/api/requests', { ...requestBody({ type: 'delete', accountNumber: c.number, fullName: c.name, declarationName: c.name, password: 'correct horse battery' }), formToken: await formToken() }, holder.cookie);
    expect(right.status).toBe(201);
    expect((await right.json<{ state: string }>()).state).toBe('verified');
  });

  it('shows status and due date for the status link\'s code, and nothing without the right key', async () => {
    const c = await customer();
    const filed = await fileFor(c);
    const code = new URLSearchParams(new URL(filed.statusPath, ORIGIN).hash.slice(1)).get('code')!;
    const res = await postJson('/api/requests/status', { code });
    const status = await res.json<{ state: string; dueOn: string; receipt: string }>();
    expect(status).toMatchObject({ state: 'verifying', dueOn: filed.dueOn, receipt: filed.receipt });
    expect(JSON.stringify(status)).not.toContain(c.name);
    const wrong = await postJson('/api/requests/status', { code: `${filed.id}.AAAA` });
    expect(wrong.status).toBe(404);
    const page = await postForm('/privacy/request/status/', { code });
    const html = await page.text();
    expect(html).toContain(filed.dueOn);
    expect(html).toContain('Link to your request');
    expect((await postForm('/privacy/request/status/', { code: `${filed.id}.AAAA` })).status).toBe(404);
  });

  it('files from the no-JavaScript form and answers with the status page, its key only in the page', async () => {
    const page = await (await portal('/privacy/request/')).text();
    const token = /name="formToken" value="([^"]+)"/.exec(page)?.[1];
    expect(token).toBeTruthy();
    const res = await postForm('/api/requests', { formToken: token!, type: 'opt_out', submittedBy: 'self', fullName: 'Vera Sato', email: 'vera@test.example', optOutSaleSharing: 'on', declarationName: 'Vera Sato', declarationTrue: 'on' });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    expect(html).toContain('We received your request');
    expect(html).toMatch(/href="\/privacy\/request\/status\/#code=req-[0-9a-f-]+\.[A-Za-z0-9_-]+"/);
  });
});

describe('staff console: roles', () => {
  it('refuses anonymous callers, customers and support agents on privacy request routes', async () => {
    expect((await portal('/api/staff/requests')).status).toBe(401);
    const customerLogin = await signedIn();
    expect((await portal('/api/staff/requests', { headers: { Cookie: customerLogin.cookie } })).status).toBe(403);
    const support = await signedIn({ role: 'support' });
    expect((await portal('/api/staff/requests', { headers: { Cookie: support.cookie } })).status).toBe(403);
    const c = await customer();
    const filed = await fileFor(c);
    await verifyByEmail(c.email);
    expect((await staffPost(`/requests/${filed.id}/start`, support.cookie)).status).toBe(403);
    expect((await staffPost(`/requests/${filed.id}/fulfil`, customerLogin.cookie)).status).toBe(403);
    expect(await requestState(filed.id)).toBe('verified');
  });

  it('lets support look up a customer, and logs every look-up', async () => {
    const c = await customer();
    const support = await signedIn({ role: 'support' });
    const res = await portal(`/api/staff/customers?accountNumber=${c.number}`, { headers: { Cookie: support.cookie } });
    expect(res.status).toBe(200);
    expect((await res.json<{ customer: { holderName: string } }>()).customer.holderName).toBe(c.name);
    const logged = await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE event = 'staff.customer_viewed' AND actor_login_id = ?1 AND subject_account_id = ?2").bind(support.loginId, c.id).first<{ n: number }>();
    expect(logged!.n).toBe(1);
    const customerLogin = await signedIn({ holderOf: [c.id] });
    expect((await portal(`/api/staff/customers?accountNumber=${c.number}`, { headers: { Cookie: customerLogin.cookie } })).status).toBe(403);
    expect((await portal(`/api/staff/customers?accountNumber=${c.number}`)).status).toBe(401);
  });

  it('logs the privacy officer\'s view of a request', async () => {
    const c = await customer();
    const filed = await fileFor(c);
    const officer = await signedIn({ role: 'privacy_officer' });
    const res = await portal(`/api/staff/requests/${filed.id}`, { headers: { Cookie: officer.cookie } });
    expect(res.status).toBe(200);
    const logged = await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE event = 'staff.request_viewed' AND actor_login_id = ?1 AND subject_account_id = ?2").bind(officer.loginId, c.id).first<{ n: number }>();
    expect(logged!.n).toBe(1);
  });

  it('shows the staff pages only to staff, without data for anyone else', async () => {
    const anonymous = await portal('/staff/');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain('sign in');
    const support = await signedIn({ role: 'support' });
    const refused = await portal('/staff/', { headers: { Cookie: support.cookie } });
    expect(refused.status).toBe(403);
    const officer = await signedIn({ role: 'privacy_officer' });
    const ok = await portal('/staff/', { headers: { Cookie: officer.cookie } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<table class="queue">');
  });
});

describe('staff console: the life of a request', () => {
  it('moves through every state, each change logged with who and when', async () => {
    const c = await customer();
    const filed = await fileFor(c);
    const officer = await signedIn({ role: 'privacy_officer' });
    // Not verified yet: cannot start.
    expect((await staffPost(`/requests/${filed.id}/start`, officer.cookie)).status).toBe(409);
    await verifyByEmail(c.email);
    expect((await staffPost(`/requests/${filed.id}/start`, officer.cookie, { note: 'Collecting records' })).status).toBe(200);
    expect(await requestState(filed.id)).toBe('in_progress');
    expect((await staffPost(`/requests/${filed.id}/extend`, officer.cookie, { days: 30, reason: 'Records from the billing archive take longer to collect.' })).status).toBe(200);
    expect(await requestState(filed.id)).toBe('extended');
    // Only one extension.
    expect((await staffPost(`/requests/${filed.id}/start`, officer.cookie)).status).toBe(200);
    const second = await staffPost(`/requests/${filed.id}/extend`, officer.cookie, { days: 10, reason: 'Again, please wait a little more.' });
    expect(second.status).toBe(409);
    expect((await staffPost(`/requests/${filed.id}/fulfil`, officer.cookie)).status).toBe(200);
    expect(await requestState(filed.id)).toBe('fulfilled');
    // Closed: nothing more.
    expect((await staffPost(`/requests/${filed.id}/refuse`, officer.cookie, { reason: 'Too late to refuse.' })).status).toBe(409);

    const { results } = await env.DB.prepare('SELECT from_state, to_state, actor_kind, actor_login_id, at FROM privacy_request_history WHERE request_id = ?1 ORDER BY at, rowid').bind(filed.id).all<{ from_state: string | null; to_state: string; actor_kind: string; actor_login_id: string | null; at: string }>();
    expect(results.map((h) => `${h.from_state ?? '∅'}→${h.to_state}`)).toEqual(['∅→received', 'received→verifying', 'verifying→verified', 'verified→in_progress', 'in_progress→extended', 'extended→in_progress', 'in_progress→fulfilled']);
    expect(results.filter((h) => h.actor_kind === 'staff').every((h) => h.actor_login_id === officer.loginId)).toBe(true);
    expect(results.every((h) => !Number.isNaN(Date.parse(h.at)))).toBe(true);
  });

  it('keeps the history append-only', async () => {
    const c = await customer();
    const filed = await fileFor(c);
    await expect(env.DB.prepare("UPDATE privacy_request_history SET note = 'changed' WHERE request_id = ?1").bind(filed.id).run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare('DELETE FROM privacy_request_history WHERE request_id = ?1').bind(filed.id).run()).rejects.toThrow(/24 months/);
  });

  it('sends the extension notice with its reason and the new due date to the requester', async () => {
    const c = await customer();
    const filed = await fileFor(c, { email: 'ask-me@test.example' });
    await verifyByEmail(c.email);
    const officer = await signedIn({ role: 'privacy_officer' });
    const res = await staffPost(`/requests/${filed.id}/extend`, officer.cookie, { days: 45, reason: 'We must retrieve archived meter records.' });
    const { result } = await res.json<{ result: { dueOn: string } }>();
    const mail = await latestEmail('privacy-request-extended', 'ask-me@test.example');
    expect(mail?.body_text).toContain('We must retrieve archived meter records.');
    expect(mail?.body_text).toContain(`We will answer by ${formatsFor('en').day(result.dueOn)}`);
    const due = new Date(`${filed.dueOn}T00:00:00Z`);
    due.setUTCDate(due.getUTCDate() + 45);
    expect(result.dueOn).toBe(due.toISOString().slice(0, 10));
  });

  it('refuses an extension over 45 days', async () => {
    const c = await customer();
    const filed = await fileFor(c);
    await verifyByEmail(c.email);
    const officer = await signedIn({ role: 'privacy_officer' });
    const res = await staffPost(`/requests/${filed.id}/extend`, officer.cookie, { days: 46, reason: 'Far too long an extension.' });
    expect(res.status).toBe(422);
  });

  it('refuses a request with a reason the requester reads at the status link', async () => {
    const filed = await fileRequest(requestBody({ accountNumber: '5550000000', fullName: 'Not A Customer', declarationName: 'Not A Customer' }));
    const officer = await signedIn({ role: 'privacy_officer' });
    expect((await staffPost(`/requests/${filed.id}/fulfil`, officer.cookie)).status).toBe(409);
    expect((await staffPost(`/requests/${filed.id}/refuse`, officer.cookie, { reason: 'We could not verify the request within 45 days.' })).status).toBe(200);
    const page = await (await postForm('/privacy/request/status/', { code: new URLSearchParams(filed.statusPath.split('#')[1]).get('code')! })).text();
    expect(page).toContain('We could not verify the request within 45 days.');
  });

  it('shows a correction\'s current and requested values, and applies it atomically', async () => {
    const c = await customer();
    const filed = await fileFor(c, { type: 'correct', correctionField: 'phone_on_file', correctionValue: '+1-209-555-0111' });
    await verifyByEmail(c.email);
    const officer = await signedIn({ role: 'privacy_officer' });
    const detail = await (await portal(`/api/staff/requests/${filed.id}`, { headers: { Cookie: officer.cookie } })).json<{ correction: { current: string; requested: string } }>();
    expect(detail.correction).toMatchObject({ current: '+1-209-555-0199', requested: '+1-209-555-0111' });
    await staffPost(`/requests/${filed.id}/start`, officer.cookie);
    expect((await staffPost(`/requests/${filed.id}/correction`, officer.cookie, { decision: 'apply' })).status).toBe(200);
    const row = await env.DB.prepare('SELECT phone_on_file FROM accounts WHERE id = ?1').bind(c.id).first<{ phone_on_file: string }>();
    expect(row!.phone_on_file).toBe('+1-209-555-0111');
  });

  it('refuses a correction with a reason and leaves the data as it was', async () => {
    const c = await customer();
    const filed = await fileFor(c, { type: 'correct', correctionField: 'holder_name', correctionValue: 'Someone Else Entirely' });
    await verifyByEmail(c.email);
    const officer = await signedIn({ role: 'privacy_officer' });
    await staffPost(`/requests/${filed.id}/start`, officer.cookie);
    expect((await staffPost(`/requests/${filed.id}/correction`, officer.cookie, { decision: 'refuse', reason: 'The account holder on the service contract is unchanged.' })).status).toBe(200);
    expect(await requestState(filed.id)).toBe('refused');
    const row = await env.DB.prepare('SELECT holder_name FROM accounts WHERE id = ?1').bind(c.id).first<{ holder_name: string }>();
    expect(row!.holder_name).toBe(c.name);
  });

  it('records an opt-out without identity verification', async () => {
    const c = await customer();
    const filed = await fileFor(c, { type: 'opt_out', optOutSaleSharing: true, limitSensitiveUse: true });
    expect(filed.state).toBe('verified');
    const officer = await signedIn({ role: 'privacy_officer' });
    await staffPost(`/requests/${filed.id}/start`, officer.cookie);
    expect((await staffPost(`/requests/${filed.id}/fulfil`, officer.cookie)).status).toBe(200);
    const choice = await env.DB.prepare('SELECT opt_out_sale_sharing, limit_sensitive_use FROM privacy_choices WHERE account_id = ?1').bind(c.id).first<{ opt_out_sale_sharing: number; limit_sensitive_use: number }>();
    expect(choice).toEqual({ opt_out_sale_sharing: 1, limit_sensitive_use: 1 });
  });

  it('sorts the queue by due date and filters by type and status', async () => {
    const officer = await signedIn({ role: 'privacy_officer' });
    const c = await customer();
    await fileFor(c, { type: 'delete' });
    await env.DB.prepare("UPDATE privacy_requests SET due_on = '2020-01-01' WHERE id = (SELECT id FROM privacy_requests WHERE type = 'delete' ORDER BY received_at DESC LIMIT 1)").run();
    const res = await portal('/api/staff/requests?status=open', { headers: { Cookie: officer.cookie } });
    const { requests } = await res.json<{ requests: { dueOn: string; urgency: string; type: string }[] }>();
    expect(requests.map((r) => r.dueOn)).toEqual([...requests.map((r) => r.dueOn)].sort());
    expect(requests[0]).toMatchObject({ dueOn: '2020-01-01', urgency: 'overdue' });
    const deletes = await (await portal('/api/staff/requests?type=delete', { headers: { Cookie: officer.cookie } })).json<{ requests: { type: string }[] }>();
    expect(deletes.requests.length).toBeGreaterThan(0);
    expect(deletes.requests.every((r) => r.type === 'delete')).toBe(true);
  });
});
