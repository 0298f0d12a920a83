import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import { personalDataMap } from '../../db/personal-data';
import { demoAccounts } from '../../db/demo/customers';
import { demoStatements, DEMO_SEED } from '../../db/demo/dataset';
import { seededRandom } from '../../db/demo/random';
import { accountAccess, householdProfiles, logins } from '../../db/schema';
import { currentKdf, hashPassword } from '../../worker/accounts/password';
import { startSession, SESSION_COOKIE } from '../../worker/auth/sessions';
import type { AccessPackage } from '../../worker/staff/access-package';
import { fileRequest, latestEmail, linkCodeFrom, portal, postForm, postJson, requestBody, staffPost, verifyByEmail } from './support/requests';
import { signedIn } from './support/sign-in';

const demo = demoAccounts(seededRandom(DEMO_SEED));

beforeAll(async () => {
  const loaded = await env.DB.prepare("SELECT count(*) AS n FROM accounts WHERE id = 'acct-0001'").first<{ n: number }>();
  if (loaded!.n > 0) return;
  const db = drizzle(env.DB);
  const statements = demoStatements(db);
  for (let i = 0; i < statements.length; i += 200) {
    const chunk = statements.slice(i, i + 200);
    await db.batch(chunk as [(typeof chunk)[0], ...typeof chunk]);
  }
});

/** A demo customer with a portal login (and session), a household profile, a delegate, and mail sent. */
async function demoCustomerWithPortalData(index: number) {
  const a = demo[index]!;
  const db = drizzle(env.DB);
  const loginId = `login-demo-${index}`;
  await db.insert(logins).values({ id: loginId, email: a.email, emailVerifiedAt: '2026-01-01T00:00:00.000Z', passwordHash: await hashPassword('demo password', { ...currentKdf, iterations: 1000 }), displayName: a.holderName });
  await db.insert(accountAccess).values({ loginId, accountId: a.id, relationship: 'holder', canViewUsage: true, canViewBilling: true, canManage: true });
  const delegate = await signedIn({ delegateOf: [{ accountId: a.id, usage: true }] });
  const { token } = await startSession(db, loginId, { persistent: true, clientLabel: 'Firefox on Linux' });
  await db.insert(householdProfiles).values({ accountId: a.id, occupants: 3, landscapeType: 'lawn', hasPool: false, fixtures: { toilets: 2 } });
  return { ...a, loginId, delegate, cookie: `${SESSION_COOKIE}=${token}` };
}

async function textColumns(): Promise<{ table: string; column: string }[]> {
  const { results: tables } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'").all<{ name: string }>();
  const out: { table: string; column: string }[] = [];
  for (const { name } of tables) {
    const { results } = await env.DB.prepare(`PRAGMA table_info("${name}")`).all<{ name: string; type: string }>();
    for (const c of results) if (/TEXT|CHAR|CLOB|^$/i.test(c.type)) out.push({ table: name, column: c.name });
  }
  return out;
}

/**
 * Every place (table.column) where `needle` occurs, case-insensitively, in any text column of any table.
 * The demo data has other customers whose own values can contain the needle (it reuses its 100 fictional
 * 555-01xx numbers, and "12 Heron Way" is inside "112 Heron Way"): their own account and service-point rows are skipped.
 */
async function findEverywhere(needle: string, customerId: string): Promise<string[]> {
  const others = JSON.stringify(demo.filter((d) => d.id !== customerId && JSON.stringify(d).toLowerCase().includes(needle.toLowerCase())).map((d) => d.id));
  const columns = await textColumns();
  const tables = [...new Set(columns.map((c) => c.table))];
  const results = await env.DB.batch<Record<string, number>>(
    tables.map((table) => {
      const cols = columns.filter((c) => c.table === table);
      const skip = table === 'accounts' ? ' AND id NOT IN (SELECT value FROM json_each(?2))' : table === 'service_points' ? ' AND account_id NOT IN (SELECT value FROM json_each(?2))' : '';
      const sums = cols.map((c, i) => `coalesce(sum(instr(lower("${c.column}"), lower(?1)) > 0), 0) AS c${i}`).join(', ');
      return env.DB.prepare(`SELECT ${sums} FROM "${table}" WHERE 1${skip}`).bind(...(skip ? [needle, others] : [needle]));
    }),
  );
  const hits: string[] = [];
  tables.forEach((table, t) => {
    const row = results[t]!.results[0]!;
    columns.filter((c) => c.table === table).forEach((c, i) => {
      if (Number(row[`c${i}`]) > 0) hits.push(`${table}.${c.column}`);
    });
  });
  return hits;
}

async function totals(accountId: string) {
  return env.DB.prepare(
    `SELECT (SELECT sum(amount_cents) FROM bills WHERE account_id = ?1) AS billed, (SELECT count(*) FROM bills WHERE account_id = ?1) AS bills,
            (SELECT count(*) FROM meters WHERE service_point_id IN (SELECT id FROM service_points WHERE account_id = ?1)) AS meters,
            (SELECT street FROM service_points WHERE account_id = ?1) AS service_street`,
  )
    .bind(accountId)
    .first();
}

describe('deletion by de-identification', () => {
  it('leaves none of the customer\'s name, e-mail, phone or mailing address in any table, and their bills and meters unchanged', async () => {
    const c = await demoCustomerWithPortalData(6);
    const other = demo[7]!;
    const before = await totals(c.id);
    // The customer files a deletion while signed in (password re-entered), and an earlier access request by e-mail link.
    await fileRequest(requestBody({ type: 'know', accountNumber: c.accountNumber, fullName: c.holderName, declarationName: c.holderName, email: c.email, postalCode: c.servicePoint.postalCode }));
    await verifyByEmail(c.email);
    const deletion = await fileRequest(requestBody({ type: 'delete', accountNumber: c.accountNumber, fullName: c.holderName, declarationName: c.holderName, email: c.email, password: 'demo password' }), c.cookie);
    expect(deletion.state).toBe('verified');
    // Before: the values are there.
    expect(await findEverywhere(c.holderName, c.id)).not.toEqual([]);
    expect(await findEverywhere(c.email, c.id)).not.toEqual([]);

    const officer = await signedIn({ role: 'privacy_officer' });
    expect((await staffPost(`/requests/${deletion.id}/start`, officer.cookie)).status).toBe(200);
    const res = await staffPost(`/requests/${deletion.id}/fulfil`, officer.cookie);
    expect(res.status).toBe(200);
    const { result: answer } = await res.json<{ result: { retained: { item: string; reason: string }[]; removed: string[] } }>();

    expect(await findEverywhere(c.holderName, c.id)).toEqual([]);
    expect(await findEverywhere(c.email, c.id)).toEqual([]);
    expect(await findEverywhere(c.phone, c.id)).toEqual([]);
    // The street is the service address too: it stays, tied to the premises, and nowhere else.
    expect(await findEverywhere(c.servicePoint.street, c.id)).toEqual(['service_points.street']);
    expect(answer.retained.map((r) => r.item)).toContain('Service address');

    // Usage and billing stay tied to the service address and utility account.
    expect(await totals(c.id)).toEqual(before);
    // The portal login and its sessions are gone; the delegate lost access; another customer is untouched.
    expect(await env.DB.prepare('SELECT count(*) AS n FROM logins WHERE id = ?1').bind(c.loginId).first()).toEqual({ n: 0 });
    expect(await env.DB.prepare('SELECT count(*) AS n FROM sessions WHERE login_id = ?1').bind(c.loginId).first()).toEqual({ n: 0 });
    expect(await env.DB.prepare('SELECT count(*) AS n FROM account_access WHERE account_id = ?1').bind(c.id).first()).toEqual({ n: 0 });
    expect(await env.DB.prepare('SELECT count(*) AS n FROM logins WHERE id = ?1').bind(c.delegate.loginId).first()).toEqual({ n: 1 });
    expect(await env.DB.prepare('SELECT email_on_file AS e, holder_name AS n FROM accounts WHERE id = ?1').bind(other.id).first()).toEqual({ e: other.email, n: other.holderName });
    // The session no longer signs anyone in.
    expect((await portal('/api/staff/requests', { headers: { Cookie: c.cookie } })).status).toBe(401);

    // The answer lists every retained item with its legal reason, and the requester reads it at the status link.
    for (const entry of personalDataMap) {
      const deletion = entry.deletion;
      if (deletion.action === 'retain') expect(answer.retained.some((r) => r.item === entry.label && r.reason === deletion.reason)).toBe(true);
    }
    const statusCode = new URLSearchParams(deletion.statusPath.split('#')[1]).get('code')!;
    const page = await (await postForm('/privacy/request/status/', { code: statusCode })).text();
    expect(page).toContain('What we kept, and why');
    expect(page).not.toContain(c.holderName);
  }, 60_000);

  it('is one atomic batch: a failure part-way leaves everything as it was', async () => {
    const c = await demoCustomerWithPortalData(8);
    const deletion = await fileRequest(requestBody({ type: 'delete', accountNumber: c.accountNumber, fullName: c.holderName, declarationName: c.holderName, email: c.email, password: 'demo password' }), c.cookie);
    const officer = await signedIn({ role: 'privacy_officer' });
    await staffPost(`/requests/${deletion.id}/start`, officer.cookie);
    // Another officer finishes it first: this one's batch must not apply (the guard fails the whole batch).
    await env.DB.prepare("UPDATE privacy_requests SET state = 'refused' WHERE id = ?1").bind(deletion.id).run();
    const res = await staffPost(`/requests/${deletion.id}/fulfil`, officer.cookie);
    expect(res.status).toBe(409);
    expect(await findEverywhere(c.email, c.id)).not.toEqual([]);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM logins WHERE id = ?1').bind(c.loginId).first()).toEqual({ n: 1 });
  });
});

describe('the access package', () => {
  it('exports every mapped table that holds customer data, with categories, sources, purposes and recipients, via an expiring signed link', async () => {
    const c = await demoCustomerWithPortalData(10);
    const filed = await fileRequest(requestBody({ type: 'know', accountNumber: c.accountNumber, fullName: c.holderName, declarationName: c.holderName, email: c.email }));
    await verifyByEmail(c.email);
    const officer = await signedIn({ role: 'privacy_officer' });
    await staffPost(`/requests/${filed.id}/start`, officer.cookie);
    expect((await staffPost(`/requests/${filed.id}/fulfil`, officer.cookie)).status).toBe(200);
    const mail = await latestEmail('privacy-request-package', c.email);
    expect(mail).toBeTruthy();
    const code = linkCodeFrom(mail!.body_text, '/privacy/request/package/');

    const res = await postJson('/api/requests/package', { code, format: 'json' });
    expect(res.status).toBe(200);
    const pkg = await res.json<AccessPackage>();
    const expected = personalDataMap.filter((e) => e.tie.by !== 'none').map((e) => e.table);
    expect(pkg.tables.map((t) => t.table).sort()).toEqual(expected.sort());
    const rows = Object.fromEntries(pkg.tables.map((t) => [t.table, t]));
    expect(rows.accounts!.rows[0]).toMatchObject({ holder_name: c.holderName, email_on_file: c.email });
    expect(rows.bills!.rowCount).toBe(24);
    expect(rows.household_profiles!.rows[0]).toMatchObject({ occupants: 3, fixtures: { toilets: 2 } });
    expect(rows.logins!.rows[0]).toMatchObject({ email: c.email });
    expect(rows.logins!.rows[0]).not.toHaveProperty('password_hash');
    expect(rows.sessions!.rowCount).toBe(1);
    // A delegate is another person: not in the package.
    expect(JSON.stringify(pkg)).not.toContain(c.delegate.loginId);
    for (const cat of pkg.categories) {
      expect(cat.sources.length).toBeGreaterThan(0);
      expect(cat.purposes.length).toBeGreaterThan(0);
      expect(cat.recipients.length).toBeGreaterThan(0);
    }
    const html = await (await postForm('/api/requests/package', { code, format: 'html' })).text();
    expect(html).toContain(c.holderName);
    expect(html).toContain('Who receives it');

    const [id, expires, signature] = code.split('.');
    expect((await postJson('/api/requests/package', { code: `${id}.${Number(expires) + 60}.${signature}` })).status).toBe(404);
  });

  it('refuses an expired download link', async () => {
    const { makePackageLink } = await import('../../worker/requests/links');
    const link = await makePackageLink(env.LINK_SIGNING_SECRET, 'req-whatever', new Date(Date.now() - 8 * 86_400_000));
    expect((await postJson('/api/requests/package', { code: link.code })).status).toBe(410);
  });
});
