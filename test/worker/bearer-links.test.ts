/**
 * What URLs carry: once Workers Logs records every request URL, a bearer value (a link token, a
 * status key, a signed package or verification link) must never travel in a path or query string
 * that reaches the worker. E-mailed links put the secret in the fragment; every API that takes one
 * takes it in a POST body; no redirect puts one in its Location.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../../worker/index';
import { linkTokenSentTo, postForm as accountForm, postJson as accountJson, get, givenLogin, givenProvableAccount, login, sessionCookieFrom, uniqueEmail } from './support/accounts';
import { fileRequest, linkCodeFrom, portal, postForm, postJson, requestBody, requestState, staffPost } from './support/requests';
import { db, givenAccount, signedIn, uniqueId } from './support/sign-in';
import { outboxEmails } from '../../db/schema';
import { inArray } from 'drizzle-orm';

let n = 0;
async function customer() {
  const number = String(6_100_000_000 + (Date.now() % 1_000_000) * 100 + n++);
  const email = `links-${number}@customers.example`;
  const id = await givenAccount({ accountNumber: number, holderName: 'Lena Marsh', emailOnFile: email, phoneOnFile: '+1-209-555-0142', mailingPostalCode: '95990' });
  return { id, number, email, name: 'Lena Marsh' };
}

const fileFor = (c: { number: string; name: string }, extra: Record<string, unknown> = {}) =>
  fileRequest(requestBody({ accountNumber: c.number, fullName: c.name, declarationName: c.name, email: `contact-${c.number}@test.example`, ...extra }));

/** A run of URL-safe characters long enough to be a secret rather than a word of a path. */
const SECRET_RUN = /[A-Za-z0-9_~.-]{20,}/;

/** Every URL in a mail body, with the line it is on. */
function urlsIn(body: string) {
  return [...body.matchAll(/https?:\/\/\S+/g)].map((m) => new URL(m[0]));
}

/** Checks one URL: nothing after the path but a fragment, and no path segment that could be a secret. */
function bearerProblems(url: URL, where: string): string[] {
  const problems: string[] = [];
  if (url.search) problems.push(`${where}: query string ${url.search}`);
  if (SECRET_RUN.test(url.pathname)) problems.push(`${where}: path ${url.pathname}`);
  return problems;
}

describe('e-mailed links', () => {
  it('carry their secret only in the fragment, with the code on its own line for a page without JavaScript, in every flow that sends mail', async () => {
    const addresses: string[] = [];
    const codes: string[] = [];

    // Registration, then its confirmation link.
    const account = await givenProvableAccount();
    const registering = uniqueEmail('links-register');
    addresses.push(registering);
    expect((await accountJson('/api/accounts/register', { accountNumber: account.accountNumber, serviceZip: account.zip, lastBillAmount: account.lastBill, email: registering, password: 'a quiet river at dawn' })).status).toBe(200);
    const verifyToken = await linkTokenSentTo(registering, 'verify-email');
    codes.push(verifyToken);
    expect((await accountJson('/api/accounts/verify-email', { token: verifyToken })).status).toBe(200);

    // Password reset and e-mail change (with the notices to the old address).
    const who = await givenLogin();
    addresses.push(who.email);
    expect((await accountJson('/api/accounts/password/forgot', { email: who.email })).status).toBe(200);
    const resetToken = await linkTokenSentTo(who.email, 'password-reset');
    codes.push(resetToken);
    expect((await accountJson('/api/accounts/password/reset', { token: resetToken, password: 'a fresh and long phrase' })).status).toBe(200);
    const cookie = sessionCookieFrom(await login(who.email, 'a fresh and long phrase'))!;
    const moved = uniqueEmail('links-moved');
    addresses.push(moved);
    expect((await accountJson('/api/accounts/email', { newEmail: moved, currentPassword: 'a fresh and long phrase' }, { cookie })).status).toBe(200);
    const changeToken = await linkTokenSentTo(moved, 'email-change');
    codes.push(changeToken);
    expect((await accountJson('/api/accounts/email/confirm', { token: changeToken })).status).toBe(200);

    // Privacy requests: filing, verification by the code from the mail, extension, refusal, the
    // access package, an opt-out and a correction.
    const officer = await signedIn({ role: 'privacy_officer' });
    const c = await customer();
    addresses.push(c.email, `contact-${c.number}@test.example`);
    const know = await fileFor(c);
    const verifyMail = await latestTo(c.email, 'privacy-request-verify');
    const verifyCode = linkCodeFrom(verifyMail, '/privacy/request/verify/');
    codes.push(verifyCode);
    expect((await postJson('/api/requests/verify', { code: verifyCode })).status).toBe(200);
    expect(await requestState(know.id)).toBe('verified');
    expect((await staffPost(`/requests/${know.id}/start`, officer.cookie)).status).toBe(200);
    expect((await staffPost(`/requests/${know.id}/extend`, officer.cookie, { days: 10, reason: 'Archived billing records take longer.' })).status).toBe(200);
    expect((await staffPost(`/requests/${know.id}/start`, officer.cookie)).status).toBe(200);
    expect((await staffPost(`/requests/${know.id}/fulfil`, officer.cookie)).status).toBe(200);
    const packageCode = linkCodeFrom(await latestTo(c.email, 'privacy-request-package'), '/privacy/request/package/');
    codes.push(packageCode);
    const download = await postJson('/api/requests/package', { code: packageCode, format: 'json' });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);

    const refused = await fileFor(c);
    expect((await postJson('/api/requests/verify', { code: linkCodeFrom(await latestTo(c.email, 'privacy-request-verify'), '/privacy/request/verify/') })).status).toBe(200);
    expect((await staffPost(`/requests/${refused.id}/refuse`, officer.cookie, { reason: 'We hold no records for this period.' })).status).toBe(200);

    const optOut = await fileFor(c, { type: 'opt_out', optOutSaleSharing: true });
    await staffPost(`/requests/${optOut.id}/start`, officer.cookie);
    expect((await staffPost(`/requests/${optOut.id}/fulfil`, officer.cookie)).status).toBe(200);

    const correction = await fileFor(c, { type: 'correct', correctionField: 'phone_on_file', correctionValue: '+1-209-555-0143' });
    expect((await postJson('/api/requests/verify', { code: linkCodeFrom(await latestTo(c.email, 'privacy-request-verify'), '/privacy/request/verify/') })).status).toBe(200);
    await staffPost(`/requests/${correction.id}/start`, officer.cookie);
    expect((await staffPost(`/requests/${correction.id}/correction`, officer.cookie, { decision: 'apply' })).status).toBe(200);

    // A signed-in holder's filing (its receipt goes to the login's address).
    const holder = await signedIn({ holderOf: [c.id] });
    const bySession = await fileRequest(requestBody({ accountNumber: c.number, fullName: c.name, declarationName: c.name }), holder.cookie);

    // Every mail those flows queued: to the addresses used, or about the requests filed.
    const requestIds = [know.id, refused.id, optOut.id, correction.id, bySession.id];
    const byAddress = await db().select().from(outboxEmails).where(inArray(outboxEmails.toAddress, addresses));
    const byRequest = await env.DB.prepare(`SELECT kind, body_text FROM outbox_emails WHERE ${requestIds.map((_, i) => `body_text LIKE ?${i + 1}`).join(' OR ')}`)
      .bind(...requestIds.map((id) => `%${id}%`))
      .all<{ kind: string; body_text: string }>();
    const all = [...byAddress.map((m) => ({ kind: m.kind, body: m.bodyText })), ...byRequest.results.map((m) => ({ kind: m.kind, body: m.body_text }))];
    const kinds = new Set(all.map((m) => m.kind));
    for (const kind of ['verify-email', 'password-reset', 'password-changed', 'email-change', 'email-change-notice', 'email-changed', 'privacy-request-received', 'privacy-request-verify', 'privacy-request-extended', 'privacy-request-refused', 'privacy-request-package', 'privacy-request-corrected']) {
      expect(kinds, kind).toContain(kind);
    }

    const problems: string[] = [];
    let fragments = 0;
    for (const mail of all) {
      for (const url of urlsIn(mail.body)) {
        problems.push(...bearerProblems(url, mail.kind));
        if (url.hash) {
          fragments++;
          // The code a page without JavaScript asks for stands on its own line.
          const code = new URLSearchParams(url.hash.slice(1)).values().next().value!;
          if (!mail.body.split('\n').some((line) => line.trim() === code)) problems.push(`${mail.kind}: the code of ${url.pathname} is not on a line of its own`);
        }
      }
      // No bearer value issued in these flows appears anywhere but in a fragment or on its own line.
      for (const code of codes) {
        for (const line of mail.body.split('\n')) {
          if (line.includes(code) && line.trim() !== code && !line.includes(`#`)) problems.push(`${mail.kind}: a secret outside a fragment: ${line}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(fragments).toBeGreaterThanOrEqual(10);
  }, 60_000);
});

async function latestTo(to: string, kind: string) {
  const row = await env.DB.prepare('SELECT body_text FROM outbox_emails WHERE kind = ?1 AND to_address = ?2 ORDER BY created_at DESC, rowid DESC LIMIT 1').bind(kind, to).first<{ body_text: string }>();
  if (!row) throw new Error(`no ${kind} mail to ${to}`);
  return row.body_text;
}

describe('routes that used to take a bearer value in the URL', () => {
  it('no longer exist as GET routes: the status and package APIs answer 404 without looking the value up', async () => {
    const c = await customer();
    const filed = await fileFor(c);
    const [r, t] = splitStatus(filed.statusPath);
    expect((await portal(`/api/requests/status?r=${r}&t=${t}`)).status).toBe(404);
    expect((await portal(`/api/requests/status?code=${r}.${t}`)).status).toBe(404);
    // The JSON API takes the code in a POST body.
    const status = await postJson('/api/requests/status', { code: `${r}.${t}` });
    expect(status.status).toBe(200);
    expect((await status.json<{ id: string }>()).id).toBe(filed.id);

    const { makePackageLink } = await import('../../worker/requests/links');
    const link = await makePackageLink(env.LINK_SIGNING_SECRET, filed.id, new Date());
    const [id, e, s] = link.code.split('.');
    const before = await downloads(filed.id);
    expect((await portal(`/api/requests/package?r=${id}&e=${e}&s=${s}&format=json`)).status).toBe(404);
    expect(await downloads(filed.id)).toBe(before);
  });

  it('ignore bearer query parameters on the landing pages', async () => {
    const c = await customer();
    const filed = await fileFor(c);
    const [r, t] = splitStatus(filed.statusPath);
    const statusPage = await portal(`/privacy/request/status/?r=${r}&t=${t}`);
    expect(statusPage.status).toBe(200);
    const html = await statusPage.text();
    expect(html).not.toContain(filed.id);
    expect(html).toContain('name="code"');

    const verifyCode = linkCodeFrom(await latestTo(c.email, 'privacy-request-verify'), '/privacy/request/verify/');
    const [vr, vn, ve, vs] = verifyCode.split('.');
    const verifyPage = await (await portal(`/privacy/request/verify/?r=${vr}&n=${vn}&e=${ve}&s=${vs}&code=${verifyCode}`)).text();
    expect(verifyPage).not.toContain(vn!);
    expect(await requestState(filed.id)).toBe('verifying');

    const who = await givenLogin();
    await accountJson('/api/accounts/password/forgot', { email: who.email });
    const token = await linkTokenSentTo(who.email, 'password-reset');
    for (const page of ['/password/reset/', '/register/verify/', '/account/email/confirm/']) {
      const res = await get(`${page}?token=${token}`);
      expect(res.status, page).toBe(200);
      expect(await res.text(), page).not.toContain(token);
    }
  });
});

function splitStatus(statusPath: string): [string, string] {
  const code = new URLSearchParams(new URL(statusPath, 'https://x').hash.slice(1)).get('code')!;
  const dot = code.lastIndexOf('.');
  return [code.slice(0, dot), code.slice(dot + 1)];
}

async function downloads(requestId: string) {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE event = 'privacy_request.package_downloaded' AND detail LIKE ?1").bind(`%${requestId}%`).first<{ n: number }>();
  return row!.n;
}

/** The query string of a Location header, minus keys that name codes, pages or records (never secrets). */
function locationProblems(location: string | null, secrets: string[], where: string): string[] {
  if (!location) return [];
  const url = new URL(location, 'https://portal.test');
  const problems: string[] = [];
  const beforeFragment = location.split('#')[0]!;
  for (const secret of secrets) if (beforeFragment.includes(secret)) problems.push(`${where}: ${location}`);
  for (const key of url.searchParams.keys()) {
    if (!['status', 'error', 'field', 'done', 'id', 'account', 'consent'].includes(key)) problems.push(`${where}: query key ${key} in ${location}`);
  }
  if (SECRET_RUN.test(url.pathname)) problems.push(`${where}: path ${url.pathname}`);
  return problems;
}

describe('redirects', () => {
  it('never carry a bearer value in a Location, on the real link flows posted as plain forms', async () => {
    const problems: string[] = [];
    const seen: string[] = [];
    const check = (res: Response, secrets: string[], where: string) => {
      if (res.status >= 300 && res.status < 400) seen.push(where);
      problems.push(...locationProblems(res.headers.get('location'), secrets, where));
    };

    // Accounts: each link landing's form, used once (success) and again (refused).
    const account = await givenProvableAccount();
    const email = uniqueEmail('links-form');
    await accountJson('/api/accounts/register', { accountNumber: account.accountNumber, serviceZip: account.zip, lastBillAmount: account.lastBill, email, password: 'a quiet river at dawn' });
    const verifyToken = await linkTokenSentTo(email, 'verify-email');
    check(await accountForm('/api/accounts/verify-email', { token: verifyToken }), [verifyToken], 'verify-email');
    check(await accountForm('/api/accounts/verify-email', { token: verifyToken }), [verifyToken], 'verify-email again');
    await accountJson('/api/accounts/password/forgot', { email });
    const resetToken = await linkTokenSentTo(email, 'password-reset');
    check(await accountForm('/api/accounts/password/reset', { token: resetToken, password: 'short' }), [resetToken], 'reset refused');
    check(await accountForm('/api/accounts/password/reset', { token: resetToken, password: 'a fresh and long phrase' }), [resetToken], 'reset');
    const cookie = sessionCookieFrom(await login(email, 'a fresh and long phrase'))!;
    const moved = uniqueEmail('links-form-moved');
    await accountJson('/api/accounts/email', { newEmail: moved, currentPassword: 'a fresh and long phrase' }, { cookie });
    const changeToken = await linkTokenSentTo(moved, 'email-change');
    check(await accountForm('/api/accounts/email/confirm', { token: changeToken }), [changeToken], 'email confirm');
    check(await accountForm('/api/accounts/email/confirm', { token: changeToken }), [changeToken], 'email confirm again');

    // Privacy requests: filing and verification from the no-JavaScript forms.
    const c = await customer();
    const page = await (await portal('/privacy/request/')).text();
    const formToken = /name="formToken" value="([^"]+)"/.exec(page)![1]!;
    const filing = await postForm('/api/requests', { formToken, type: 'know', submittedBy: 'self', fullName: c.name, email: `contact-${c.number}@test.example`, accountNumber: c.number, declarationName: c.name, declarationTrue: 'on' });
    expect(filing.status).toBe(200);
    const filed = await filing.text();
    const requestId = /<code>(req-[0-9a-f-]+)<\/code>/.exec(filed)![1]!;
    const statusSecret = (await import('../../worker/requests/links')).statusToken(env.LINK_SIGNING_SECRET, requestId);
    check(filing, [await statusSecret], 'filing');
    const verifyCode = linkCodeFrom(await latestTo(c.email, 'privacy-request-verify'), '/privacy/request/verify/');
    const verified = await postForm('/api/requests/verify', { code: verifyCode });
    expect(verified.status).toBe(200);
    expect(await verified.text()).toContain('your request is confirmed');
    check(verified, [verifyCode, await statusSecret], 'verify');
    check(await postForm('/api/requests/verify', { code: verifyCode }), [verifyCode, await statusSecret], 'verify again');
    const statusForm = await postForm('/privacy/request/status/', { code: `${requestId}.${await statusSecret}` });
    expect(statusForm.status).toBe(200);
    expect(await statusForm.text()).toContain(requestId);

    expect(problems).toEqual([]);
    expect(seen.length).toBeGreaterThanOrEqual(6);
  }, 60_000);

  it('never carry a value sent under a bearer name back into a Location, on any route the app has', async () => {
    const canary = `canary${uniqueId('secret').replaceAll('-', '')}XYZ`;
    const bearerFields = { token: canary, t: canary, r: canary, n: canary, e: canary, s: canary, code: canary, key: canary };
    const query = new URLSearchParams(bearerFields).toString();
    const officer = await signedIn({ role: 'privacy_officer' });
    const problems: string[] = [];
    const routes = app.routes.filter((r) => r.method !== 'ALL' || r.path.endsWith('*'));
    let redirects = 0;
    for (const route of routes) {
      const path = route.path.replace(/\/\*$/, '/x').replace(/:[A-Za-z]+/g, 'x').replace(/\*/g, 'x');
      const methods = route.method === 'ALL' ? ['GET', 'POST'] : [route.method];
      for (const method of methods) {
        for (const cookie of [undefined, officer.cookie]) {
          const res = await portal(`${path}?${query}`, {
            method,
            redirect: 'manual',
            ...(method === 'GET' || method === 'HEAD' ? {} : { body: new URLSearchParams(bearerFields).toString() }),
            headers: {
              Origin: 'https://portal.test',
              ...(method === 'GET' || method === 'HEAD' ? {} : { 'Content-Type': 'application/x-www-form-urlencoded' }),
              ...(cookie ? { Cookie: cookie } : {}),
            },
          });
          const location = res.headers.get('location');
          if (location) {
            redirects++;
            if (location.split('#')[0]!.includes(canary)) problems.push(`${method} ${path}: ${location}`);
          }
          await res.body?.cancel();
        }
      }
    }
    expect(problems).toEqual([]);
    expect(redirects).toBeGreaterThan(5);
  }, 120_000);
});
