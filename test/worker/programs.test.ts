/**
 * Program and rebate applications: a customer applies with answers and documents judged by the
 * program's own front matter (the built /programs/catalog.json), program staff ask for more, approve
 * or deny with a reason and record the payment, the customer follows each status by mail and in the
 * portal; bad input is refused naming its fields with nothing written; repeats are throttled;
 * documents and decided applications go on schedule; the data map exports and deletes them.
 */
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { judgeAnswers } from '../../worker/programs/answers';
import { purgeProgramRecords } from '../../worker/programs/retention';
import { drizzle } from 'drizzle-orm/d1';
import { APPLICATION_KEPT_YEARS, customerApplication, staffQueue, withdraw } from '../../worker/programs/store';
import { buildAccessPackage } from '../../worker/staff/access-package';
import { usageShards } from '../../worker/usage/shards';
import { planDeletion } from '../../worker/staff/deletion';
import { DEFAULT_DOCUMENTS_KEPT_DAYS, type ProgramQuestion } from '../../worker/shared/program-catalog';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import { localDay } from '../../worker/usage/time';
import { get, mailsTo, ORIGIN, portal, postForm, postJson } from './support/accounts';
import { givenAccount, givenUtility, signedIn, uniqueId } from './support/sign-in';
import { describeWrites, installWriteLog, removeWriteLog, takeWrites } from './support/write-log';

const pdf = (extra = 0) => new Uint8Array([...new TextEncoder().encode('%PDF-1.4\n'), ...new Uint8Array(extra), ...new TextEncoder().encode('\n%%EOF\n')]);
const png = () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
type Upload = { field: string; name: string; type: string; bytes: Uint8Array };

/** A multipart post (the application form with its documents), as the browser sends it. */
function postMultipart(path: string, fields: Record<string, string>, files: Upload[], init: { cookie?: string; json?: boolean } = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append(f.field, new File([f.bytes as Uint8Array<ArrayBuffer>], f.name, { type: f.type }));
  return portal(path, { method: 'POST', body: form, headers: { origin: ORIGIN, 'cf-connecting-ip': '192.0.2.20', ...(init.json === false ? {} : { accept: 'application/json' }), ...(init.cookie ? { cookie: init.cookie } : {}) } });
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const toiletAnswers = (over: Record<string, string> = {}) => ({
  'answers.old-toilet-flush': 'three-or-more',
  'answers.watersense': 'yes',
  'answers.toilets': '2',
  'answers.installed-on': daysAgo(10),
  ...Object.fromEntries(Object.entries(over).map(([k, v]) => [`answers.${k}`, v])),
});
const receipt = (): Upload => ({ field: 'documents.receipt', name: 'receipt.pdf', type: 'application/pdf', bytes: pdf(200) });
const loginEmail = async (loginId: string) => (await env.DB.prepare('SELECT email FROM logins WHERE id = ?1').bind(loginId).first<{ email: string }>())!.email;
const objectCount = async () => (await env.PROGRAM_DOCUMENTS.list()).objects.length;

async function customerWithAccount() {
  const accountId = await givenAccount();
  const customer = await signedIn({ holderOf: [accountId] });
  return { accountId, customer };
}

async function applyForToilet(cookie: string, accountId: string, files: Upload[] = [receipt()]) {
  const res = await postMultipart('/api/programs/applications', { program: 'efficient-toilet', account: accountId, ...toiletAnswers() }, files, { cookie });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json<{ application: string }>()).application;
}

type Application = { status: string; staffNote: string | null; paidCents: number | null; paidBy: string | null; installedOn: string | null; answers: { id: string; shown: string }[]; documents: { id: string; fileName: string }[]; events: { status: string; note: string | null; actorKind: string }[] };

describe('a customer applies and follows the application to payment', () => {
  it('takes an application with a receipt, and carries it through a question, approval and payment by bill credit', async () => {
    const { accountId, customer } = await customerWithAccount();
    const staff = await signedIn({ role: 'programs' });
    const id = await applyForToilet(customer.cookie, accountId);
    const email = await loginEmail(customer.loginId);
    expect((await mailsTo(email, 'program-application-received'))[0]!.bodyText).toContain(`/account/programs/application/?id=${id}`);

    const sent = await (await get(`/api/programs/applications/${id}`, { cookie: customer.cookie })).json<Application>();
    expect(sent).toMatchObject({ status: 'submitted', installedOn: daysAgo(10) });
    expect(sent.answers.find((a) => a.id === 'old-toilet-flush')!.shown).toBe('3 gallons or more');
    expect(sent.documents.map((d) => d.fileName)).toEqual(['receipt.pdf']);

    const queue = await (await get('/api/staff/programs?view=submitted', { cookie: staff.cookie })).json<{ rows: { id: string }[] }>();
    expect(queue.rows.map((r) => r.id)).toContain(id);
    expect(JSON.stringify(queue)).not.toContain(accountId);

    expect((await postJson(`/api/staff/programs/${id}/need-info`, { note: 'Please send a photo of the installed toilet.' }, { cookie: staff.cookie })).status).toBe(200);
    const asked = await mailsTo(email, 'program-application-need-info');
    expect(asked[0]!.bodyText).not.toContain('photo of the installed toilet');
    const waiting = await (await get(`/api/programs/applications/${id}`, { cookie: customer.cookie })).json<Application>();
    expect(waiting).toMatchObject({ status: 'need_info', staffNote: 'Please send a photo of the installed toilet.' });

    const answer = await postMultipart(`/api/programs/applications/${id}/respond`, { note: 'Here it is.' }, [{ field: 'documents.receipt', name: 'toilet.png', type: 'image/png', bytes: png() }], { cookie: customer.cookie });
    expect(answer.status).toBe(200);
    expect((await postJson(`/api/staff/programs/${id}/approve`, { note: '' }, { cookie: staff.cookie })).status).toBe(200);
    expect((await postJson(`/api/staff/programs/${id}/pay`, { amount: '150.00', paidBy: 'bill_credit' }, { cookie: staff.cookie })).status).toBe(200);

    const paid = await (await get(`/api/programs/applications/${id}`, { cookie: customer.cookie })).json<Application>();
    expect(paid).toMatchObject({ status: 'paid', paidCents: 15000, paidBy: 'bill_credit' });
    expect(paid.documents.map((d) => d.fileName)).toEqual(['receipt.pdf', 'toilet.png']);
    expect(paid.events.map((e) => [e.status, e.actorKind])).toEqual([
      ['submitted', 'customer'],
      ['need_info', 'staff'],
      ['submitted', 'customer'],
      ['approved', 'staff'],
      ['paid', 'staff'],
    ]);
    const credit = await env.DB.prepare("SELECT amount_cents AS cents, description FROM adjustments WHERE account_id = ?1 AND kind = 'credit'").bind(accountId).first<{ cents: number; description: string }>();
    expect(credit).toEqual({ cents: -15000, description: 'Rebate: High-efficiency toilet rebate' });
    expect(await mailsTo(email, 'program-application-paid')).toHaveLength(1);
    const audited = await env.DB.prepare("SELECT event FROM audit_events WHERE actor_login_id = ?1 AND event LIKE 'staff.program_application_%' ORDER BY rowid").bind(staff.loginId).all<{ event: string }>();
    expect(audited.results.map((r) => r.event)).toEqual(['staff.program_application_info_requested', 'staff.program_application_approved', 'staff.program_application_paid']);
  });

  it('denies with a reason the customer reads in the portal, not in the mail, and takes no payment after', async () => {
    const { accountId, customer } = await customerWithAccount();
    const staff = await signedIn({ role: 'admin' });
    const id = await applyForToilet(customer.cookie, accountId);
    expect((await postJson(`/api/staff/programs/${id}/deny`, { reason: 'The model is not on the WaterSense list.' }, { cookie: staff.cookie })).status).toBe(200);
    const denied = await (await get(`/api/programs/applications/${id}`, { cookie: customer.cookie })).json<Application>();
    expect(denied).toMatchObject({ status: 'denied', staffNote: 'The model is not on the WaterSense list.' });
    const [mail] = await mailsTo(await loginEmail(customer.loginId), 'program-application-denied');
    expect(mail!.bodyText).not.toContain('WaterSense list');
    const pay = await postJson(`/api/staff/programs/${id}/pay`, { amount: '75', paidBy: 'cheque' }, { cookie: staff.cookie });
    expect(pay.status).toBe(409);
    expect((await postJson(`/api/staff/programs/${id}/approve`, {}, { cookie: staff.cookie })).status).toBe(409);
  });

  it('writes to a Spanish-speaking applicant in Spanish, naming the program by its Spanish title, and to an English one in English', async () => {
    const { accountId, customer } = await customerWithAccount();
    await env.DB.prepare("UPDATE logins SET locale = 'es' WHERE id = ?1").bind(customer.loginId).run();
    const staff = await signedIn({ role: 'programs' });
    const id = await applyForToilet(customer.cookie, accountId);
    const email = await loginEmail(customer.loginId);
    const [received] = await mailsTo(email, 'program-application-received');
    expect(received!.subject).toBe('Recibimos su solicitud: Reembolso por inodoros de alta eficiencia');
    expect(received!.bodyText).toContain(`/account/programs/application/?id=${id}`);
    expect((await postJson(`/api/staff/programs/${id}/approve`, { note: '' }, { cookie: staff.cookie })).status).toBe(200);
    const [approved] = await mailsTo(email, 'program-application-approved');
    expect(approved!.subject).toBe('Su solicitud para Reembolso por inodoros de alta eficiencia: aprobada');
    expect(approved!.bodyText).toMatch(/^Hola:/);
    expect(approved!.bodyText).toContain('fue aprobada');

    const english = await customerWithAccount();
    await applyForToilet(english.customer.cookie, english.accountId);
    expect((await mailsTo(await loginEmail(english.customer.loginId), 'program-application-received'))[0]!.subject).toBe('We received your application: High-efficiency toilet rebate');
  });

  it('applies for a program with no documents and finishes it at approval', async () => {
    const { accountId, customer } = await customerWithAccount();
    const staff = await signedIn({ role: 'programs' });
    const res = await postJson('/api/programs/applications', { program: 'home-water-checkup', account: accountId, answers: { 'last-visit': 'no', 'time-of-day': 'morning', sprinklers: 'yes' } }, { cookie: customer.cookie });
    expect(res.status).toBe(200);
    const id = (await res.json<{ application: string }>()).application;
    expect((await postJson(`/api/staff/programs/${id}/approve`, { note: 'We will call you to book.' }, { cookie: staff.cookie })).status).toBe(200);
    const row = await env.DB.prepare('SELECT status, decided_at AS decidedAt FROM program_applications WHERE id = ?1').bind(id).first<{ status: string; decidedAt: string | null }>();
    expect(row!.status).toBe('approved');
    expect(row!.decidedAt).not.toBeNull();
    expect((await postJson(`/api/staff/programs/${id}/pay`, { amount: '10', paidBy: 'cheque' }, { cookie: staff.cookie })).status).toBe(409);
  });

  it('serves a document as a private download to the customer and to program staff, and audits staff downloads', async () => {
    const { accountId, customer } = await customerWithAccount();
    const staff = await signedIn({ role: 'programs' });
    const id = await applyForToilet(customer.cookie, accountId);
    const { documents } = await (await get(`/api/programs/applications/${id}`, { cookie: customer.cookie })).json<Application>();
    for (const cookie of [customer.cookie, staff.cookie]) {
      const res = await get(`/api/programs/documents/${documents[0]!.id}`, { cookie });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="receipt\.pdf"/);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(pdf(200));
    }
    const support = await signedIn({ role: 'support' });
    expect((await get(`/api/programs/documents/${documents[0]!.id}`, { cookie: support.cookie })).status).toBe(404);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE event = 'staff.program_document_downloaded' AND actor_login_id = ?1").bind(staff.loginId).first('n')).toBe(1);
  });

  it('lets a delegate with the manage right apply for the account, and the holder follow it', async () => {
    const { accountId, customer } = await customerWithAccount();
    const delegate = await signedIn({ delegateOf: [{ accountId, manage: true }] });
    const id = await applyForToilet(delegate.cookie, accountId);
    expect((await get(`/api/programs/applications/${id}`, { cookie: customer.cookie })).status).toBe(200);
    const usageOnly = await signedIn({ delegateOf: [{ accountId, usage: true }] });
    expect((await get(`/api/programs/applications/${id}`, { cookie: usageOnly.cookie })).status).toBe(404);
    const refused = await postJson('/api/programs/applications', { program: 'home-water-checkup', account: accountId, answers: { 'last-visit': 'no', 'time-of-day': 'morning', sprinklers: 'no' } }, { cookie: usageOnly.cookie });
    expect(refused.status).toBe(404);
  });

  it('works without JavaScript: the form posts answer 303 to the application, refusals back to the program form with the field', async () => {
    const { accountId, customer } = await customerWithAccount();
    const ok = await postMultipart('/api/programs/applications', { program: 'efficient-toilet', account: accountId, ...toiletAnswers() }, [receipt()], { cookie: customer.cookie, json: false });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toMatch(/^\/account\/programs\/application\/\?id=[0-9a-f-]{36}&status=applied$/);
    const refused = await postMultipart('/api/programs/applications', { program: 'efficient-toilet', account: accountId, ...toiletAnswers({ watersense: 'no' }) }, [receipt()], { cookie: customer.cookie, json: false });
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe('/account/programs/apply/efficient-toilet/?error=not_eligible&field=answers.watersense');
    const page = await get('/account/programs/apply/efficient-toilet/?error=not_eligible&field=answers.watersense', { cookie: customer.cookie });
    const html = await page.text();
    expect(html).toContain('The new toilet must be WaterSense labelled to qualify.');
    expect(html).toContain('Check: Is the new toilet WaterSense labelled');
    expect(html).toContain(`<option value="${accountId}"`);
  });

  it('fills the application page for its customer, with the form to answer only while staff wait on them', async () => {
    const { accountId, customer } = await customerWithAccount();
    const staff = await signedIn({ role: 'programs' });
    const id = await applyForToilet(customer.cookie, accountId);
    const before = await (await get(`/account/programs/application/?id=${id}`, { cookie: customer.cookie })).text();
    expect(before).toContain('High-efficiency toilet rebate');
    expect(before).not.toContain('Send what we asked for');
    await postJson(`/api/staff/programs/${id}/need-info`, { note: 'Which model is it?' }, { cookie: staff.cookie });
    const after = await (await get(`/account/programs/application/?id=${id}`, { cookie: customer.cookie })).text();
    expect(after).toContain('Which model is it?');
    expect(after).toContain('Send what we asked for');
    expect(after).toContain('name="documents.receipt"');
    const list = await (await get('/account/programs/', { cookie: customer.cookie })).text();
    expect(list).toContain(`/account/programs/application/?id=${id}`);
  });
});

describe('bad input is refused naming its fields, with nothing written', () => {
  beforeEach(async () => {
    await installWriteLog();
    await takeWrites();
  });
  afterEach(async () => {
    await removeWriteLog();
  });

  it('refuses unknown programs, missing or ineligible answers, future dates, missing, oversized or wrong-type documents', async () => {
    const { accountId, customer } = await customerWithAccount();
    await takeWrites();
    const objects = await objectCount();
    const base = { program: 'efficient-toilet', account: accountId };
    const cases: [Record<string, string>, Upload[], number, string, string][] = [
      [{ ...base, program: 'free-pony' }, [receipt()], 422, 'program', 'invalid_request'],
      [{ ...base, ...toiletAnswers({ watersense: '' }) }, [receipt()], 422, 'answers.watersense', 'invalid_request'],
      [{ ...base, ...toiletAnswers({ watersense: 'no' }) }, [receipt()], 422, 'answers.watersense', 'not_eligible'],
      [{ ...base, ...toiletAnswers({ 'old-toilet-flush': 'less-than-three' }) }, [receipt()], 422, 'answers.old-toilet-flush', 'not_eligible'],
      [{ ...base, ...toiletAnswers({ toilets: '3' }) }, [receipt()], 422, 'answers.toilets', 'not_eligible'],
      [{ ...base, ...toiletAnswers({ toilets: 'two' }) }, [receipt()], 422, 'answers.toilets', 'invalid_request'],
      [{ ...base, ...toiletAnswers({ 'installed-on': daysAgo(-3) }) }, [receipt()], 422, 'answers.installed-on', 'invalid_request'],
      [{ ...base, ...toiletAnswers({ 'installed-on': daysAgo(400) }) }, [receipt()], 422, 'answers.installed-on', 'not_eligible'],
      [{ ...base, ...toiletAnswers({ 'installed-on': '2026-02-30' }) }, [receipt()], 422, 'answers.installed-on', 'invalid_request'],
      [{ ...base, ...toiletAnswers(), 'answers.colour': 'white' }, [receipt()], 422, 'answers.colour', 'invalid_request'],
      [{ ...base, ...toiletAnswers() }, [], 422, 'documents.receipt', 'invalid_request'],
      [{ ...base, ...toiletAnswers() }, [{ ...receipt(), bytes: new TextEncoder().encode('<html>not a pdf</html>') }], 422, 'documents.receipt', 'invalid_request'],
      [{ ...base, ...toiletAnswers() }, [receipt(), receipt(), receipt()], 422, 'documents.receipt', 'invalid_request'],
      [{ ...base, ...toiletAnswers() }, [receipt(), { ...receipt(), field: 'documents.selfie' }], 422, 'documents.selfie', 'invalid_request'],
      [{ ...base, ...toiletAnswers() }, [{ ...receipt(), bytes: pdf(5 * 1024 * 1024) }], 413, 'documents.receipt', 'payload_too_large'],
      [{ ...base, account: 'acct-not-mine', ...toiletAnswers() }, [receipt()], 404, 'account', 'not_found'],
    ];
    for (const [fields, files, status, field, code] of cases) {
      const res = await postMultipart('/api/programs/applications', fields, files, { cookie: customer.cookie });
      expect(res.status, field).toBe(status);
      const body = await res.json<{ error: { code: string; fields?: { field: string }[] } }>();
      expect(body.error.code, field).toBe(code);
      expect(body.error.fields?.map((f) => f.field), field).toContain(field);
      expect(describeWrites(await takeWrites()), field).toBe('');
    }
    expect(await objectCount()).toBe(objects);
  }, 30_000);

  it('refuses a body over the upload limit before reading it, and staff decisions without their reason or amount', async () => {
    const { accountId, customer } = await customerWithAccount();
    const staff = await signedIn({ role: 'programs' });
    const id = await applyForToilet(customer.cookie, accountId);
    await takeWrites();
    const huge = [1, 2, 3, 4, 5, 6].map((i) => ({ ...receipt(), name: `${i}.pdf`, bytes: pdf(4.5 * 1024 * 1024) }));
    const big = await postMultipart('/api/programs/applications', { program: 'efficient-toilet', account: accountId }, huge, { cookie: customer.cookie });
    expect(big.status).toBe(413);
    expect((await big.json<{ error: { fields: { field: string }[] } }>()).error.fields[0]!.field).toBe('documents');
    for (const [path, body, field] of [
      ['deny', { reason: ' ' }, 'reason'],
      ['need-info', {}, 'note'],
    ] as const) {
      const res = await postJson(`/api/staff/programs/${id}/${path}`, body, { cookie: staff.cookie });
      expect(res.status, path).toBe(422);
      expect((await res.json<{ error: { fields: { field: string }[] } }>()).error.fields[0]!.field).toBe(field);
    }
    await postJson(`/api/staff/programs/${id}/approve`, {}, { cookie: staff.cookie });
    await takeWrites();
    for (const body of [{ amount: '0', paidBy: 'cheque' }, { amount: '12.5', paidBy: 'cheque' }, { amount: '20000', paidBy: 'cheque' }, { amount: '75', paidBy: 'gold' }]) {
      const res = await postJson(`/api/staff/programs/${id}/pay`, body, { cookie: staff.cookie });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    const respond = await postMultipart(`/api/programs/applications/${id}/respond`, { note: 'late' }, [], { cookie: customer.cookie });
    expect(respond.status).toBe(409);
    expect(describeWrites(await takeWrites())).toBe('');
  }, 30_000);
});

describe('a customer withdraws an application staff have not decided', () => {
  type ErrorBody = { error: { code: string; message: string; fields?: { field: string; message: string }[] } };
  const rowOf = (id: string) =>
    env.DB.prepare('SELECT status, staff_note AS staffNote, decided_at AS decidedAt, documents_delete_on AS deleteOn FROM program_applications WHERE id = ?1')
      .bind(id)
      .first<{ status: string; staffNote: string | null; decidedAt: string | null; deleteOn: string | null }>();

  it('withdraws an open application: status, a history event by the customer, an audit line and the applicant told in their language', async () => {
    const { accountId, customer } = await customerWithAccount();
    await env.DB.prepare("UPDATE logins SET locale = 'es' WHERE id = ?1").bind(customer.loginId).run();
    const id = await applyForToilet(customer.cookie, accountId);
    const page = await (await get(`/account/programs/application/?id=${id}`, { cookie: customer.cookie })).text();
    expect(page).toContain('Withdraw this application');
    expect(page).toContain(`action="/api/programs/applications/${id}/withdraw"`);

    const res = await postJson(`/api/programs/applications/${id}/withdraw`, { confirm: true }, { cookie: customer.cookie });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'withdrawn', redirect: `/account/programs/application/?id=${id}&status=withdrawn` });
    const withdrawn = await (await get(`/api/programs/applications/${id}`, { cookie: customer.cookie })).json<Application>();
    expect(withdrawn.status).toBe('withdrawn');
    expect(withdrawn.events.map((e) => [e.status, e.actorKind])).toEqual([
      ['submitted', 'customer'],
      ['withdrawn', 'customer'],
    ]);
    const audited = await env.DB.prepare("SELECT actor_login_id AS actor, subject_account_id AS account, detail FROM audit_events WHERE event = 'program_application.withdrawn' AND subject_account_id = ?1").bind(accountId).all<{ actor: string; account: string; detail: string }>();
    expect(audited.results).toHaveLength(1);
    expect(audited.results[0]!.actor).toBe(customer.loginId);
    expect(JSON.parse(audited.results[0]!.detail)).toMatchObject({ application: id });
    const [mail] = await mailsTo(await loginEmail(customer.loginId), 'program-application-withdrawn');
    expect(mail!.subject).toBe('Su solicitud para Reembolso por inodoros de alta eficiencia: retirada');
    expect(mail!.bodyText).toMatch(/^Hola:/);
    expect(mail!.bodyText).toContain(`/account/programs/application/?id=${id}`);

    // The page says so, and offers neither form any more.
    const after = await (await get(`/account/programs/application/?id=${id}`, { cookie: customer.cookie })).text();
    expect(after).toContain('Withdrawn');
    expect(after).not.toContain('Withdraw this application');
    const again = await postJson(`/api/programs/applications/${id}/withdraw`, { confirm: true }, { cookie: customer.cookie });
    expect(again.status).toBe(409);
  });

  it('withdraws while staff wait on the customer, in English to an English applicant, and counts the withdrawal as the decision for retention', async () => {
    const { accountId, customer } = await customerWithAccount();
    const staff = await signedIn({ role: 'programs' });
    const id = await applyForToilet(customer.cookie, accountId);
    const open = await applyForToilet(customer.cookie, accountId);
    await postJson(`/api/staff/programs/${id}/need-info`, { note: 'Which model is it?' }, { cookie: staff.cookie });
    expect((await postJson(`/api/programs/applications/${id}/withdraw`, { confirm: 'on' }, { cookie: customer.cookie })).status).toBe(200);
    const [mail] = await mailsTo(await loginEmail(customer.loginId), 'program-application-withdrawn');
    expect(mail!.subject).toBe('Your application for High-efficiency toilet rebate: withdrawn');

    const row = await rowOf(id);
    const today = localDay(Date.now(), utility.timeZone);
    expect(row).toMatchObject({ status: 'withdrawn', staffNote: null });
    expect(row!.decidedAt).not.toBeNull();
    expect(row!.deleteOn).toBe(new Date(Date.parse(`${today}T00:00:00Z`) + DEFAULT_DOCUMENTS_KEPT_DAYS * 86_400_000).toISOString().slice(0, 10));
    const key = (await env.DB.prepare('SELECT object_key AS k FROM program_application_documents WHERE application_id = ?1').bind(id).first<{ k: string }>())!.k;
    await purgeProgramRecords(env, new Date(Date.parse(`${row!.deleteOn}T20:00:00Z`)));
    expect(await env.PROGRAM_DOCUMENTS.head(key)).toBeNull();
    expect(await env.DB.prepare('SELECT count(*) AS n FROM program_applications WHERE id = ?1').bind(id).first('n')).toBe(1);
    const later = new Date();
    later.setUTCFullYear(later.getUTCFullYear() + APPLICATION_KEPT_YEARS, later.getUTCMonth(), later.getUTCDate() + 1);
    await purgeProgramRecords(env, later);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM program_applications WHERE id = ?1').bind(id).first('n')).toBe(0);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM program_application_events WHERE application_id = ?1').bind(id).first('n')).toBe(0);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM program_applications WHERE id = ?1').bind(open).first('n')).toBe(1);
  });

  it('works without JavaScript: the form post answers 303 back to the application with a message, and a missing confirmation names its box', async () => {
    const { accountId, customer } = await customerWithAccount();
    const id = await applyForToilet(customer.cookie, accountId);
    const refused = await postForm(`/api/programs/applications/${id}/withdraw`, {}, { cookie: customer.cookie });
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe(`/account/programs/application/?id=${id}&error=invalid_request&field=confirm`);
    const refusedPage = await (await get(refused.headers.get('location')!, { cookie: customer.cookie })).text();
    expect(refusedPage).toContain('Check: “I want to withdraw this application”');
    expect(refusedPage).toMatch(/data-field-error="confirm">Tick “I want to withdraw this application” to confirm\.<\/p>/);
    expect(refusedPage).toMatch(/<input[^>]*name="confirm"[^>]*aria-invalid="true"/);
    expect((await rowOf(id))!.status).toBe('submitted');

    const ok = await postForm(`/api/programs/applications/${id}/withdraw`, { confirm: 'on' }, { cookie: customer.cookie });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/account/programs/application/?id=${id}&status=withdrawn`);
    const page = await (await get(ok.headers.get('location')!, { cookie: customer.cookie })).text();
    expect(page).toContain('Your application is withdrawn. We will not decide it; you can apply again at any time.');
    const spanish = await (await get(`/es/account/programs/application/?id=${id}&status=withdrawn`, { cookie: customer.cookie })).text();
    expect(spanish).toContain('Retiró su solicitud.');
    expect(spanish).toContain('Retirada');
  });

  it('shows program staff the withdrawn application in its own queue and on its page, and refuses their decisions with 409', async () => {
    const { accountId, customer } = await customerWithAccount();
    const staff = await signedIn({ role: 'programs' });
    const id = await applyForToilet(customer.cookie, accountId);
    await postJson(`/api/programs/applications/${id}/withdraw`, { confirm: true }, { cookie: customer.cookie });
    const toCheck = await (await get('/api/staff/programs?view=submitted', { cookie: staff.cookie })).json<{ rows: { id: string }[] }>();
    expect(toCheck.rows.map((r) => r.id)).not.toContain(id);
    const queue = await (await get('/staff/programs/?view=withdrawn', { cookie: staff.cookie })).text();
    expect(queue).toContain(`/staff/programs/application/?id=${id}`);
    expect(queue).toContain('Withdrawn by the customer');
    const detail = await (await get(`/staff/programs/application/?id=${id}`, { cookie: staff.cookie })).text();
    expect(detail).toContain('The customer withdrew this application');
    expect(detail).not.toContain(`/api/staff/programs/${id}/approve`);
    for (const [path, body] of [
      ['need-info', { note: 'Which model?' }],
      ['approve', {}],
      ['deny', { reason: 'Too late.' }],
      ['pay', { amount: '75', paidBy: 'cheque' }],
    ] as const) {
      const res = await postJson(`/api/staff/programs/${id}/${path}`, body, { cookie: staff.cookie });
      expect(res.status, path).toBe(409);
      const error = (await res.json<ErrorBody>()).error;
      expect(error.code, path).toBe('wrong_status');
      expect(error.message, path).toBe('The application is withdrawn; it cannot be changed that way now.');
    }
    expect((await rowOf(id))!.status).toBe('withdrawn');
  });

  it('lets only one of a withdrawal and a staff decision made at the same time win', async () => {
    const { accountId, customer } = await customerWithAccount();
    const staff = await signedIn({ role: 'programs' });
    const id = await applyForToilet(customer.cookie, accountId);
    // The customer's page read the application before staff approved it; the withdrawal then loses.
    const read = await customerApplication(env.DB, customer.loginId, id);
    expect((await postJson(`/api/staff/programs/${id}/approve`, {}, { cookie: staff.cookie })).status).toBe(200);
    await expect(withdraw(env, drizzle(env.DB), { id: customer.loginId, role: 'customer' }, read)).rejects.toMatchObject({ status: 409, code: 'wrong_status' });
    expect((await rowOf(id))!.status).toBe('approved');
    expect(await env.DB.prepare("SELECT count(*) AS n FROM program_application_events WHERE application_id = ?1 AND status = 'withdrawn'").bind(id).first('n')).toBe(0);
    expect(await mailsTo(await loginEmail(customer.loginId), 'program-application-withdrawn')).toHaveLength(0);
  });

  describe('refusals write nothing', () => {
    beforeEach(async () => {
      await installWriteLog();
      await takeWrites();
    });
    afterEach(async () => {
      await removeWriteLog();
    });

    it('refuses to withdraw an approved, denied or paid application with 409', async () => {
      const { accountId, customer } = await customerWithAccount();
      const staff = await signedIn({ role: 'programs' });
      const approved = await applyForToilet(customer.cookie, accountId);
      const denied = await applyForToilet(customer.cookie, accountId);
      const paid = await applyForToilet(customer.cookie, accountId);
      await postJson(`/api/staff/programs/${approved}/approve`, {}, { cookie: staff.cookie });
      await postJson(`/api/staff/programs/${denied}/deny`, { reason: 'Not eligible.' }, { cookie: staff.cookie });
      await postJson(`/api/staff/programs/${paid}/approve`, {}, { cookie: staff.cookie });
      await postJson(`/api/staff/programs/${paid}/pay`, { amount: '75', paidBy: 'cheque' }, { cookie: staff.cookie });
      const page = await (await get(`/account/programs/application/?id=${approved}`, { cookie: customer.cookie })).text();
      expect(page).not.toContain('Withdraw this application');
      await takeWrites();
      for (const [id, status] of [
        [approved, 'approved'],
        [denied, 'denied'],
        [paid, 'paid'],
      ] as const) {
        const res = await postJson(`/api/programs/applications/${id}/withdraw`, { confirm: true }, { cookie: customer.cookie });
        expect(res.status, status).toBe(409);
        expect((await res.json<ErrorBody>()).error, status).toMatchObject({ code: 'wrong_status', message: `The application is ${status}; it cannot be changed that way now.` });
        expect((await rowOf(id))!.status).toBe(status);
        const plain = await postForm(`/api/programs/applications/${id}/withdraw`, { confirm: 'on' }, { cookie: customer.cookie });
        expect(plain.headers.get('location'), status).toBe(`/account/programs/application/?id=${id}&error=wrong_status`);
      }
      expect(describeWrites(await takeWrites())).toBe('');
    });

    it('refuses another customer, a delegate without the manage right, another utility’s customer and an anonymous caller', async () => {
      const { accountId, customer } = await customerWithAccount();
      const id = await applyForToilet(customer.cookie, accountId);
      const other = await customerWithAccount();
      const usageOnly = await signedIn({ delegateOf: [{ accountId, usage: true, billing: true, pay: true }] });
      const foreignAccount = await givenAccount({ utilityId: await givenUtility('other-utility'), id: uniqueId('acct-other-utility') });
      const foreign = await signedIn({ holderOf: [foreignAccount] });
      await takeWrites();
      for (const [who, cookie, status] of [
        ['another customer', other.customer.cookie, 404],
        ['a delegate without the manage right', usageOnly.cookie, 404],
        ["another utility's customer", foreign.cookie, 404],
        ['an anonymous caller', null, 401],
      ] as const) {
        const res = await postJson(`/api/programs/applications/${id}/withdraw`, { confirm: true }, { cookie });
        expect(res.status, who).toBe(status);
        expect(await res.text(), who).not.toContain(accountId);
      }
      expect(describeWrites(await takeWrites())).toBe('');
      expect((await rowOf(id))!.status).toBe('submitted');
    });

    it('refuses a withdrawal without the ticked confirmation with 422 naming the field', async () => {
      const { accountId, customer } = await customerWithAccount();
      const id = await applyForToilet(customer.cookie, accountId);
      await takeWrites();
      for (const body of [{}, { confirm: false }, { confirm: 'off' }, { confirm: '' }]) {
        const res = await postJson(`/api/programs/applications/${id}/withdraw`, body, { cookie: customer.cookie });
        expect(res.status, JSON.stringify(body)).toBe(422);
        const error = (await res.json<ErrorBody>()).error;
        expect(error.code).toBe('invalid_request');
        expect(error.fields).toEqual([{ field: 'confirm', message: 'Tick “I want to withdraw this application” to confirm.' }]);
      }
      const spanish = await postJson(`/api/programs/applications/${id}/withdraw`, {}, { cookie: customer.cookie, headers: { referer: `${ORIGIN}/es/account/programs/application/?id=${id}` } });
      expect((await spanish.json<ErrorBody>()).error.fields).toEqual([{ field: 'confirm', message: 'Marque «Quiero retirar esta solicitud» para confirmar.' }]);
      expect(describeWrites(await takeWrites())).toBe('');
      expect((await rowOf(id))!.status).toBe('submitted');
    });
  });
});

describe('judging answers, apart from HTTP', () => {
  const questions: ProgramQuestion[] = [
    { id: 'lawn', type: 'yes-no', label: 'Lawn alive?', eligibleAnswer: 'yes', ineligible: 'Only a living lawn qualifies.' },
    { id: 'area', type: 'number', label: 'Area', min: 200, max: 10_000 },
    { id: 'when', type: 'date', label: 'Installed', withinDays: 30, marksInstall: true },
    { id: 'plans', type: 'text', label: 'Plans', maxLength: 20, optional: true },
  ];

  it('accepts good answers, keeps their words and the install day', () => {
    const judged = judgeAnswers(questions, { lawn: 'yes', area: '1500', when: '2026-11-20' }, '2026-11-27');
    expect(judged).toEqual({
      ok: true,
      installedOn: '2026-11-20',
      answers: [
        { id: 'lawn', label: 'Lawn alive?', answer: 'yes', shown: 'Yes' },
        { id: 'area', label: 'Area', answer: '1500', shown: '1,500' },
        { id: 'when', label: 'Installed', answer: '2026-11-20', shown: 'November 20, 2026' },
        { id: 'plans', label: 'Plans', answer: '', shown: 'Not answered' },
      ],
    });
  });

  it('names every field at fault at once, and says which rule out the application', () => {
    const judged = judgeAnswers(questions, { lawn: 'no', area: '50', when: '2026-09-01', plans: 'x'.repeat(21) }, '2026-11-27');
    expect(judged).toEqual({
      ok: false,
      ineligible: true,
      problems: [
        { field: 'answers.lawn', message: 'Only a living lawn qualifies.' },
        { field: 'answers.area', message: 'must be from 200 to 10000' },
        { field: 'answers.when', message: 'must be within the last 30 days' },
        { field: 'answers.plans', message: 'must be at most 20 characters' },
      ],
    });
  });
});

describe('limits on what a customer can repeat', () => {
  it('allows 5 applications a day per login, then refuses with 429 and writes nothing', async () => {
    const { accountId, customer } = await customerWithAccount();
    const answers = { 'last-visit': 'no', 'time-of-day': 'afternoon', sprinklers: 'no' };
    for (let i = 0; i < 5; i++) expect((await postJson('/api/programs/applications', { program: 'home-water-checkup', account: accountId, answers }, { cookie: customer.cookie })).status).toBe(200);
    const res = await postJson('/api/programs/applications', { program: 'home-water-checkup', account: accountId, answers }, { cookie: customer.cookie });
    expect(res.status).toBe(429);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM program_applications WHERE account_id = ?1').bind(accountId).first('n')).toBe(5);
  });
});

describe('retention and the personal-data map', () => {
  it('deletes documents on the day their program keeps them to, and decided applications after 3 years', async () => {
    const { accountId, customer } = await customerWithAccount();
    const staff = await signedIn({ role: 'programs' });
    const denied = await applyForToilet(customer.cookie, accountId);
    const open = await applyForToilet(customer.cookie, accountId);
    await postJson(`/api/staff/programs/${denied}/deny`, { reason: 'Not eligible.' }, { cookie: staff.cookie });
    const keyOf = async (id: string) => (await env.DB.prepare('SELECT object_key AS k FROM program_application_documents WHERE application_id = ?1').bind(id).first<{ k: string }>())!.k;
    const [deniedKey, openKey] = [await keyOf(denied), await keyOf(open)];
    const deleteOn = (await env.DB.prepare('SELECT documents_delete_on AS d FROM program_applications WHERE id = ?1').bind(denied).first<{ d: string }>())!.d;
    const today = localDay(Date.now(), utility.timeZone);
    expect(deleteOn).toBe(new Date(Date.parse(`${today}T00:00:00Z`) + DEFAULT_DOCUMENTS_KEPT_DAYS * 86_400_000).toISOString().slice(0, 10));

    await purgeProgramRecords(env, new Date(Date.parse(`${deleteOn}T12:00:00Z`) - 2 * 86_400_000));
    expect(await env.PROGRAM_DOCUMENTS.head(deniedKey)).not.toBeNull();
    await purgeProgramRecords(env, new Date(Date.parse(`${deleteOn}T20:00:00Z`)));
    expect(await env.PROGRAM_DOCUMENTS.head(deniedKey)).toBeNull();
    expect(await env.PROGRAM_DOCUMENTS.head(openKey)).not.toBeNull();
    expect(await env.DB.prepare('SELECT count(*) AS n FROM program_applications WHERE id = ?1').bind(denied).first('n')).toBe(1);

    const later = new Date();
    later.setUTCFullYear(later.getUTCFullYear() + APPLICATION_KEPT_YEARS, later.getUTCMonth(), later.getUTCDate() + 1);
    await purgeProgramRecords(env, later);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM program_applications WHERE id = ?1').bind(denied).first('n')).toBe(0);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM program_application_events WHERE application_id = ?1').bind(denied).first('n')).toBe(0);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM program_applications WHERE id = ?1').bind(open).first('n')).toBe(1);
    expect(await env.PROGRAM_DOCUMENTS.head(openKey)).not.toBeNull();
  });

  it('deletes bill assistance documents within a day of the decision, as its page promises', async () => {
    const { accountId, customer } = await customerWithAccount();
    const staff = await signedIn({ role: 'programs' });
    const res = await postMultipart(
      '/api/programs/applications',
      { program: 'bill-assistance', account: accountId, 'answers.main-home': 'yes', 'answers.household': '3', 'answers.qualifies-by': 'benefit' },
      [{ field: 'documents.proof', name: 'letter.pdf', type: 'application/pdf', bytes: pdf() }],
      { cookie: customer.cookie },
    );
    const id = (await res.json<{ application: string }>()).application;
    await postJson(`/api/staff/programs/${id}/approve`, {}, { cookie: staff.cookie });
    await purgeProgramRecords(env, new Date(Date.now() + 86_400_000));
    expect(await env.DB.prepare('SELECT count(*) AS n FROM program_application_documents WHERE application_id = ?1').bind(id).first('n')).toBe(0);
    const page = await (await get(`/account/programs/application/?id=${id}`, { cookie: customer.cookie })).text();
    expect(page).toContain('None kept: documents are deleted after the decision.');
  });

  it('puts applications, their history and document details in the access package, and removes them with their files on deletion', async () => {
    const { accountId, customer } = await customerWithAccount();
    const id = await applyForToilet(customer.cookie, accountId);
    const subject = { accountId, loginIds: [customer.loginId], emails: [] };
    const pkg = await buildAccessPackage(env.DB, usageShards(env), subject, 'req-test');
    const rows = (table: string) => pkg.tables.find((t) => t.table === table)!.rows;
    expect(rows('program_applications')[0]).toMatchObject({ id, program_id: 'efficient-toilet', status: 'submitted' });
    expect(rows('program_application_events')[0]).toMatchObject({ status: 'submitted', actor_kind: 'customer' });
    expect(rows('program_application_documents')[0]).toMatchObject({ file_name: 'receipt.pdf', requirement_id: 'receipt' });
    expect(Object.keys(rows('program_application_documents')[0]!)).not.toContain('object_key');
    await env.DB.batch(planDeletion(env.DB, subject).statements);
    for (const table of ['program_applications', 'program_application_events', 'program_application_documents']) {
      const where = table === 'program_applications' ? 'id = ?1' : 'application_id = ?1';
      expect(await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).bind(id).first('n'), table).toBe(0);
    }
  });
});

describe('the staff queue', () => {
  it('pages by its index: a page reads about its own rows, the next starts after the last, and approved programs that pay nothing are not "to pay"', async () => {
    const accountId = await givenAccount();
    const at = (i: number) => `2001-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`;
    await env.DB.batch(
      Array.from({ length: 60 }, (_, i) =>
        env.DB
          .prepare("INSERT INTO program_applications (id, account_id, program_id, program_title, program_kind, answers, status, created_at, updated_at, documents_kept_days) VALUES (?1, ?2, 'p', 'P', ?3, '[]', 'approved', ?4, ?4, 90)")
          .bind(crypto.randomUUID(), accountId, i % 3 === 0 ? 'program' : 'rebate', at(i)),
      ),
    );
    // The 40 rebates among these 60 are the oldest in the queue: two pages of them, then the rest.
    const first = await staffQueue(env.DB, 'approved');
    expect(first.rows).toHaveLength(25);
    expect(first.rows.every((r) => r.programKind === 'rebate' && r.updatedAt.startsWith('2001-'))).toBe(true);
    const second = await staffQueue(env.DB, 'approved', first.next!);
    expect(second.rows[0]!.updatedAt > first.rows[24]!.updatedAt).toBe(true);
    expect(second.rows.filter((r) => r.updatedAt.startsWith('2001-'))).toHaveLength(15);
    const submitted = await staffQueue(env.DB, 'submitted');
    expect(submitted.rowsRead).toBeLessThan(60);
  });

  it('shows program staff the queue page and an application with its customer, and other staff a refusal', async () => {
    const { accountId, customer } = await customerWithAccount();
    const id = await applyForToilet(customer.cookie, accountId);
    const staff = await signedIn({ role: 'programs' });
    const queue = await (await get('/staff/programs/?view=submitted', { cookie: staff.cookie })).text();
    expect(queue).toContain(`/staff/programs/application/?id=${id}`);
    const detail = await (await get(`/staff/programs/application/?id=${id}`, { cookie: staff.cookie })).text();
    expect(detail).toContain('receipt.pdf');
    expect(detail).toContain(`/api/staff/programs/${id}/approve`);
    const support = await signedIn({ role: 'support' });
    const refused = await get(`/staff/programs/application/?id=${id}`, { cookie: support.cookie });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Program applications are worked by program staff.');
    const plain = await postForm(`/api/staff/programs/${id}/approve`, { note: '' }, { cookie: staff.cookie });
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe(`/staff/programs/application/?id=${id}&status=approved`);
  });
});
