/**
 * Whose data a privacy request covers: only identities proven for the account (the e-mail on file
 * and the verified login e-mails of its holders), never an address the requester typed.
 */
import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accountAccess, logins } from '../../db/schema';
import { currentKdf, hashPassword } from '../../worker/accounts/password';
import { dataSubject } from '../../worker/staff/subject';
import type { AccessPackage } from '../../worker/staff/access-package';
import { fileRequest, formToken, latestEmail, linkCodeFrom, postJson, requestBody, staffPost, verifyByEmail } from './support/requests';
import { db, givenAccount, signedIn, uniqueId } from './support/sign-in';

let n = 0;
const accountNumber = () => String(6_000_000_000 + (Date.now() % 1_000_000) * 100 + n++);

/** An account whose e-mail on file is `email` (the attacker's own account, in the attacks below). */
async function account(email = `${uniqueId('on-file')}@customers.example`) {
  const number = accountNumber();
  const id = await givenAccount({ accountNumber: number, holderName: 'Mallory Reyes', emailOnFile: email, mailingPostalCode: '95990' });
  return { id, number, email, name: 'Mallory Reyes' };
}

/** Someone else, who has had mail from the utility: their history must stay out of other people's requests. */
async function bystander() {
  const email = `${uniqueId('victim')}@elsewhere.example`;
  const subject = `Your leak alert ${uniqueId('mail')}`;
  await env.DB.prepare("INSERT INTO outbox_emails (id, to_address, subject, body_text, kind) VALUES (?1, ?2, ?3, 'A leak was detected at your home.', 'alert')").bind(crypto.randomUUID(), email, subject).run();
  return { email, subject };
}

const outboxTo = async (email: string) => (await env.DB.prepare('SELECT count(*) AS n FROM outbox_emails WHERE to_address = ?1').bind(email).first<{ n: number }>())!.n;

async function packageOf(requestId: string, to: string): Promise<AccessPackage> {
  const officer = await signedIn({ role: 'privacy_officer' });
  expect((await staffPost(`/requests/${requestId}/start`, officer.cookie)).status).toBe(200);
  expect((await staffPost(`/requests/${requestId}/fulfil`, officer.cookie)).status).toBe(200);
  const mail = await latestEmail('privacy-request-package', to);
  const res = await postJson('/api/requests/package', { code: linkCodeFrom(mail!.body_text, '/privacy/request/package/'), format: 'json' });
  expect(res.status).toBe(200);
  return res.json<AccessPackage>();
}

async function withPassword(loginId: string, password: string) {
  await db().update(logins).set({ passwordHash: await hashPassword(password, { ...currentKdf, iterations: 1000 }) }).where(eq(logins.id, loginId));
}

describe('the data subject of a request', () => {
  it('is the e-mail on file and the verified login e-mails of the holders, never an unverified login or a delegate', async () => {
    const a = await account();
    const holder = await signedIn({ holderOf: [a.id] });
    const delegate = await signedIn({ delegateOf: [{ accountId: a.id, usage: true }] });
    const unverified = `${uniqueId('unverified')}@elsewhere.example`;
    const pendingId = uniqueId('login');
    await db().insert(logins).values({ id: pendingId, email: unverified, passwordHash: 'test:no-password', role: 'customer' });
    await db().insert(accountAccess).values({ loginId: pendingId, accountId: a.id, relationship: 'holder', canViewUsage: true, canViewBilling: true, canManage: true });

    const subject = await dataSubject(env.DB, a.id);
    expect(subject.emails.sort()).toEqual([a.email, `${holder.loginId}@test.example`].map((e) => e.toLowerCase()).sort());
    expect(subject.emails).not.toContain(unverified);
    expect(subject.emails).not.toContain(`${delegate.loginId}@test.example`);
  });

  it('leaves out the address a signed-in holder typed: the filing takes the login\'s address, and the package has none of the other person\'s mail', async () => {
    const a = await account();
    const holder = await signedIn({ holderOf: [a.id] });
    const victim = await bystander();
    const filed = await fileRequest(requestBody({ type: 'know', accountNumber: a.number, fullName: a.name, declarationName: a.name, email: victim.email }), holder.cookie);
    expect(filed.state).toBe('verified');
    const row = await env.DB.prepare('SELECT requester_email FROM privacy_requests WHERE id = ?1').bind(filed.id).first<{ requester_email: string }>();
    expect(row!.requester_email).toBe(`${holder.loginId}@test.example`);

    const pkg = await packageOf(filed.id, `${holder.loginId}@test.example`);
    expect(JSON.stringify(pkg)).not.toContain(victim.subject);
    expect(JSON.stringify(pkg)).not.toContain(victim.email);
  });

  it('leaves out the address typed on a request verified through the e-mail on file', async () => {
    // The attacker holds the e-mail on file of their own account and gives a victim's address as contact.
    const a = await account();
    const victim = await bystander();
    const filed = await fileRequest(requestBody({ type: 'know', accountNumber: a.number, fullName: a.name, declarationName: a.name, email: victim.email }));
    await verifyByEmail(a.email);
    const pkg = await packageOf(filed.id, a.email);
    const outbox = pkg.tables.find((t) => t.table === 'outbox_emails')!;
    expect(outbox.rows.map((r) => r.subject)).not.toContain(victim.subject);
    expect(JSON.stringify(pkg)).not.toContain(victim.subject);
  });

  it('does not delete another person\'s mail history when a deletion names their address', async () => {
    const a = await account();
    const holder = await signedIn({ holderOf: [a.id] });
    await withPassword(holder.loginId, 'holder password 1');
    const victim = await bystander();
    await env.DB.prepare("INSERT INTO outbox_emails (id, to_address, subject, body_text, kind) VALUES (?1, ?2, 'Your bill is ready', 'Your bill is ready.', 'bill')").bind(crypto.randomUUID(), a.email).run();
    const deletion = await fileRequest(requestBody({ type: 'delete', accountNumber: a.number, fullName: a.name, declarationName: a.name, email: victim.email, password: 'holder password 1' }), holder.cookie);
    expect(deletion.state).toBe('verified');
    const officer = await signedIn({ role: 'privacy_officer' });
    await staffPost(`/requests/${deletion.id}/start`, officer.cookie);
    expect((await staffPost(`/requests/${deletion.id}/fulfil`, officer.cookie)).status).toBe(200);
    expect(await outboxTo(victim.email)).toBe(1);
    // The holder's own proven address is gone, as a deletion should leave it.
    expect(await outboxTo(a.email)).toBe(0);
  });
});

describe('correcting the e-mail on file', () => {
  it('is not a correction the form takes: the e-mail on file is what link verification rests on', async () => {
    const a = await account();
    const holder = await signedIn({ holderOf: [a.id] });
    const res = await postJson('/api/requests', { formToken: await formToken(), ...requestBody({ type: 'correct', accountNumber: a.number, fullName: a.name, declarationName: a.name, correctionField: 'email_on_file', correctionValue: 'mallory@attacker.example' }) }, holder.cookie);
    expect(res.status).toBe(422);
    expect((await res.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field)).toContain('correctionField');
  });

  it('cannot open a way around the deletion password: an older e-mail correction is not applied, and a deletion link still goes to the holder', async () => {
    const a = await account();
    const holder = await signedIn({ holderOf: [a.id] });
    // A correction filed before the e-mail on file stopped being correctable (or written by hand).
    const correction = await fileRequest(requestBody({ type: 'correct', accountNumber: a.number, fullName: a.name, declarationName: a.name, correctionField: 'phone_on_file', correctionValue: '+1-209-555-0111' }), holder.cookie);
    await env.DB.prepare("UPDATE privacy_requests SET details = json_object('correctionField', 'email_on_file', 'correctionValue', 'mallory@attacker.example') WHERE id = ?1").bind(correction.id).run();
    const officer = await signedIn({ role: 'privacy_officer' });
    await staffPost(`/requests/${correction.id}/start`, officer.cookie);
    expect((await staffPost(`/requests/${correction.id}/correction`, officer.cookie, { decision: 'apply' })).status).toBe(409);
    const onFile = await env.DB.prepare('SELECT email_on_file FROM accounts WHERE id = ?1').bind(a.id).first<{ email_on_file: string }>();
    expect(onFile!.email_on_file).toBe(a.email);

    // Without the password, a deletion is verified only by the holder at the address on file.
    const deletion = await fileRequest(requestBody({ type: 'delete', accountNumber: a.number, fullName: a.name, declarationName: a.name, email: 'mallory@attacker.example' }));
    expect(deletion.state).toBe('verifying');
    expect(await outboxTo('mallory@attacker.example')).toBe(0);
    expect((await latestEmail('privacy-request-verify', a.email))?.body_text).toContain(deletion.id);
  });

  it('checks the format of a corrected phone number or ZIP code', async () => {
    const a = await account();
    for (const [field, value] of [['phone_on_file', 'call me maybe'], ['mailing_postal_code', 'nine five']]) {
      const res = await postJson('/api/requests', { formToken: await formToken(), ...requestBody({ type: 'correct', accountNumber: a.number, fullName: a.name, declarationName: a.name, correctionField: field, correctionValue: value }) });
      expect(res.status, field).toBe(422);
      expect((await res.json<{ error: { fields: { field: string }[] } }>()).error.fields.map((f) => f.field)).toContain('correctionValue');
    }
  });
});
