/**
 * Request filing against abuse: rate limits per client and per address that a real household or
 * agent never meets, the deletion password under the sign-in throttle and audit, and mail only to
 * addresses someone stood behind.
 */
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { logins } from '../../db/schema';
import { currentKdf, hashPassword } from '../../worker/accounts/password';
import { fileRequest, formToken, latestEmail, newClientIp, portal, postForm, postJson, requestBody, staffPost, verifyByEmail } from './support/requests';
import { db, givenAccount, signedIn, uniqueId } from './support/sign-in';
import { formatsFor } from '../../worker/i18n/format';

let n = 0;
const accountNumber = () => String(5_000_000_000 + (Date.now() % 1_000_000) * 100 + n++);

async function customer() {
  const number = accountNumber();
  const email = `${uniqueId('on-file')}@customers.example`;
  const id = await givenAccount({ accountNumber: number, holderName: 'Iris Okafor', emailOnFile: email, mailingPostalCode: '95990' });
  return { id, number, email, name: 'Iris Okafor' };
}

const typed = (label: string) => `${uniqueId(label)}@typed.example`;
const count = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;
const mailTo = (address: string) => count('SELECT count(*) AS n FROM outbox_emails WHERE to_address = ?1', address);
const file = async (body: Record<string, unknown>, ip: string, cookie?: string) => postJson('/api/requests', { formToken: await formToken(), ...requestBody(body) }, cookie, ip);

describe('filing limits', () => {
  it('lets one client file 10 requests, then answers 429 with the JSON error shape and writes nothing, mailing no typed address', async () => {
    const ip = newClientIp();
    const c = await customer();
    const before = await count('SELECT count(*) AS n FROM privacy_requests');
    const tokensBefore = await count('SELECT count(*) AS n FROM used_form_tokens');
    const addresses: string[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const email = typed('flood');
      addresses.push(email);
      // Every third names a real account: its e-mail on file gets a verification link, the typed address nothing.
      const body = i % 3 === 0 ? { accountNumber: c.number, fullName: c.name, declarationName: c.name, email } : { type: 'opt_out', optOutSaleSharing: true, accountNumber: '1234567890', fullName: 'Junk Filer', declarationName: 'Junk Filer', email };
      const res = await file(body, ip);
      statuses.push(res.status);
      if (res.status === 429) {
        const error = (await res.json<{ error: { code: string; message: string } }>()).error;
        expect(error.code).toBe('too_many_requests');
        expect(error.message).toContain('write to');
        expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
      }
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    expect(statuses.slice(10)).toEqual(Array(20).fill(429));
    expect(await count('SELECT count(*) AS n FROM privacy_requests')).toBe(before + 10);
    expect(await count('SELECT count(*) AS n FROM used_form_tokens')).toBe(tokensBefore + 10);
    for (const address of addresses) expect(await mailTo(address)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM outbox_emails WHERE to_address = ?1 AND kind = 'privacy-request-verify'", c.email)).toBe(4);
  });

  it('sends a throttled form post back to the form with a message code', async () => {
    const ip = newClientIp();
    for (let i = 0; i < 10; i++) expect((await file({ email: typed('form') }, ip)).status).toBe(201);
    const res = await postForm('/api/requests', { ...(requestBody({ email: typed('form') }) as Record<string, string>), declarationTrue: 'on', formToken: await formToken() }, undefined, ip);
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!, 'https://portal.test');
    expect(location.pathname).toBe('/privacy/request/');
    expect(location.searchParams.get('error')).toBe('too_many_requests');
  });

  it('holds one contact address to 5 filings an hour, from any client', async () => {
    const email = typed('same');
    for (let i = 0; i < 5; i++) expect((await file({ email }, newClientIp())).status).toBe(201);
    expect((await file({ email }, newClientIp())).status).toBe(429);
    expect((await file({ email: email.toUpperCase() }, newClientIp())).status).toBe(429);
  });

  it('lets a household file every kind of request for two people from one connection', async () => {
    const ip = newClientIp();
    const c = await customer();
    for (const person of [typed('parent'), typed('partner')]) {
      for (const type of ['know', 'delete', 'correct', 'opt_out']) {
        const extra = type === 'correct' ? { correctionField: 'phone_on_file', correctionValue: '(209) 555-0112' } : type === 'opt_out' ? { optOutSaleSharing: true } : {};
        const res = await file({ type, accountNumber: c.number, fullName: c.name, declarationName: c.name, email: person, ...extra }, ip);
        expect(res.status, `${type} for ${person}`).toBe(201);
      }
    }
  });

  it('caps verification links to one e-mail on file, still answering every filing the same', async () => {
    const c = await customer();
    const answers = [];
    for (let i = 0; i < 8; i++) {
      const res = await file({ accountNumber: c.number, fullName: c.name, declarationName: c.name, email: typed('spread') }, newClientIp());
      expect(res.status).toBe(201);
      answers.push((await res.json<{ state: string; nextStep: string }>()));
    }
    expect(new Set(answers.map((a) => `${a.state}|${a.nextStep}`)).size).toBe(1);
    expect(await count("SELECT count(*) AS n FROM outbox_emails WHERE to_address = ?1 AND kind = 'privacy-request-verify'", c.email)).toBe(6);
  });
});

describe('the password re-entered for a deletion', () => {
  it('is locked after 5 wrong guesses: the 6th try gets 429 even with the right password, and each failure is audited', async () => {
    const c = await customer();
    const holder = await signedIn({ holderOf: [c.id] });
    await db().update(logins).set({ passwordHash: await hashPassword('the right password', { ...currentKdf, iterations: 1000 }) }).where(eq(logins.id, holder.loginId));
    const ip = newClientIp();
    const deletion = (password: string) => file({ type: 'delete', accountNumber: c.number, fullName: c.name, declarationName: c.name, password }, ip, holder.cookie);
    for (let i = 0; i < 5; i++) {
      const wrong = await deletion(`wrong guess ${i}`);
      expect(wrong.status).toBe(422);
      expect((await wrong.json<{ error: { fields: { field: string }[] } }>()).error.fields[0]!.field).toBe('password');
    }
    const right = await deletion('the right password');
    expect(right.status).toBe(429);
    expect((await right.json<{ error: { code: string } }>()).error.code).toBe('too_many_attempts');
    expect(await count("SELECT count(*) AS n FROM audit_events WHERE event = 'password.confirm_failure' AND subject_login_id = ?1", holder.loginId)).toBe(5);
    expect(await count("SELECT count(*) AS n FROM audit_events WHERE event = 'login.lockout' AND subject_login_id = ?1", holder.loginId)).toBeGreaterThan(0);
    expect(await count("SELECT count(*) AS n FROM privacy_requests WHERE filed_by_login_id = ?1 AND type = 'delete'", holder.loginId)).toBe(0);
  });
});

describe('where request mail goes', () => {
  it('mails a signed-in filing\'s receipt to the login\'s confirmed address, never the address typed', async () => {
    const c = await customer();
    const holder = await signedIn({ holderOf: [c.id] });
    const other = typed('typed-by-holder');
    const filed = await fileRequest(requestBody({ accountNumber: c.number, fullName: c.name, declarationName: c.name, email: other }), holder.cookie);
    expect(filed.state).toBe('verified');
    expect((await latestEmail('privacy-request-received', `${holder.loginId}@test.example`))?.body_text).toContain(formatsFor('en').day(filed.dueOn));
    expect(await mailTo(other)).toBe(0);
  });

  it('shows a signed-in customer their login address on the form, fixed, and a visitor an empty field', async () => {
    const holder = await signedIn({ holderOf: [(await customer()).id] });
    const form = await (await portal('/privacy/request/', { headers: { Cookie: holder.cookie } })).text();
    expect(form).toMatch(new RegExp(`<input id="email"[^>]*value="${holder.loginId}@test.example"[^>]*readonly`));
    expect(form).toContain('You are signed in');
    const anonymous = await (await portal('/privacy/request/')).text();
    expect(anonymous).not.toMatch(/<input id="email"[^>]*readonly/);
  });

  it('mails an anonymous filing only at the e-mail on file, and the contact address once the request is verified', async () => {
    const c = await customer();
    const contact = typed('contact');
    const filed = await fileRequest(requestBody({ accountNumber: c.number, fullName: c.name, declarationName: c.name, email: contact }));
    expect(await mailTo(contact)).toBe(0);
    expect(await mailTo(c.email)).toBe(1);
    await verifyByEmail(c.email);
    const officer = await signedIn({ role: 'privacy_officer' });
    await staffPost(`/requests/${filed.id}/start`, officer.cookie);
    expect((await staffPost(`/requests/${filed.id}/extend`, officer.cookie, { days: 10, reason: 'Archived records take longer.' })).status).toBe(200);
    expect((await latestEmail('privacy-request-extended', contact))?.body_text).toContain('Archived records take longer.');
  });

  it('mails no one about an unmatched or unverified filing, and an opt-out\'s answer only to the e-mail on file', async () => {
    const officer = await signedIn({ role: 'privacy_officer' });
    const stranger = typed('stranger');
    const unmatched = await fileRequest(requestBody({ accountNumber: '5550000001', fullName: 'Not A Customer', declarationName: 'Not A Customer', email: stranger }));
    const detail = await (await portal(`/api/staff/requests/${unmatched.id}`, { headers: { Cookie: officer.cookie } })).json<{ request: { noticeTo: string | null } }>();
    expect(detail.request.noticeTo).toBeNull();
    expect((await staffPost(`/requests/${unmatched.id}/refuse`, officer.cookie, { reason: 'We could not verify the request.' })).status).toBe(200);
    const junkOptOut = await fileRequest(requestBody({ type: 'opt_out', optOutSaleSharing: true, accountNumber: '5550000002', fullName: 'Not A Customer', declarationName: 'Not A Customer', email: stranger }));
    await staffPost(`/requests/${junkOptOut.id}/start`, officer.cookie);
    expect((await staffPost(`/requests/${junkOptOut.id}/fulfil`, officer.cookie)).status).toBe(200);
    expect(await mailTo(stranger)).toBe(0);

    const c = await customer();
    const unverified = await fileRequest(requestBody({ accountNumber: c.number, fullName: c.name, declarationName: c.name, email: stranger }));
    expect((await staffPost(`/requests/${unverified.id}/refuse`, officer.cookie, { reason: 'The link was never followed.' })).status).toBe(200);
    const optOut = await fileRequest(requestBody({ type: 'opt_out', optOutSaleSharing: true, accountNumber: c.number, fullName: c.name, declarationName: c.name, email: stranger }));
    await staffPost(`/requests/${optOut.id}/start`, officer.cookie);
    expect((await staffPost(`/requests/${optOut.id}/fulfil`, officer.cookie)).status).toBe(200);
    expect(await mailTo(stranger)).toBe(0);
    expect(await latestEmail('privacy-request-opt-out', c.email)).toBeTruthy();
    const optOutDetail = await (await portal(`/api/staff/requests/${optOut.id}`, { headers: { Cookie: officer.cookie } })).json<{ request: { noticeTo: string | null } }>();
    expect(optOutDetail.request.noticeTo).toBe(c.email);
  });
});
