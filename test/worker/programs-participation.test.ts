import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { eachDay } from '../../worker/usage/time';
import { givenAccount, signedIn, uniqueId } from './support/sign-in';
import { get, givenMeter, givenReads, portal } from './support/usage-fixtures';

type Status = 'submitted' | 'need_info' | 'approved' | 'denied' | 'paid';

/** An application as staff left it, written directly (the decision flow has tests of its own). */
async function givenApplication(accountId: string, status: Status, title: string, installedOn: string | null) {
  const id = uniqueId('app');
  const at = '2025-06-10T17:00:00.000Z';
  await env.DB.prepare(
    `INSERT INTO program_applications (id, account_id, program_id, program_title, program_kind, answers, installed_on, status, paid_cents, created_at, updated_at, decided_at, documents_kept_days)
     VALUES (?1, ?2, 'efficient-toilet', ?3, 'rebate', '[]', ?4, ?5, ?6, ?7, ?7, ?8, 90)`,
  )
    .bind(id, accountId, title, installedOn, status, status === 'paid' ? 10000 : null, at, status === 'paid' || status === 'denied' ? at : null)
    .run();
  return id;
}

type SeriesBody = { points: { label: string }[]; measures: { on: string; title: string }[] };
const measuresOf = async (cookie: string, meterId: string, q: string) => {
  const res = await get(`/api/usage/meters/${meterId}/series?${q}`, cookie);
  expect(res.status).toBe(200);
  return (await res.json<SeriesBody>()).measures;
};

describe('measures on the usage series', () => {
  it('lists approved and paid installs in range, of the caller’s accounts and tenure only', async () => {
    const meter = await givenMeter();
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    await givenReads(meter, eachDay('2025-05-28', '2025-06-03'), () => 1);
    await givenApplication(meter.accountId, 'approved', 'High-efficiency toilet rebate', '2025-06-01');
    await givenApplication(meter.accountId, 'paid', 'Smart irrigation controller rebate', '2025-05-30');
    await givenApplication(meter.accountId, 'submitted', 'Submitted rebate', '2025-06-02');
    await givenApplication(meter.accountId, 'need_info', 'Rebate needing information', '2025-06-02');
    await givenApplication(meter.accountId, 'denied', 'Denied rebate', '2025-06-02');
    await givenApplication(meter.accountId, 'approved', 'Later rebate', '2025-07-15');
    await givenApplication(meter.accountId, 'approved', 'Program with no install day', null);
    const other = await givenAccount();
    await givenApplication(other, 'approved', 'Neighbour’s rebate', '2025-06-01');

    const q = 'from=2025-05-28&to=2025-06-03';
    const expected = [
      { on: '2025-05-30', title: 'Smart irrigation controller rebate' },
      { on: '2025-06-01', title: 'High-efficiency toilet rebate' },
    ];
    for (const resolution of ['native', 'hour', 'day', 'month', 'billing']) expect(await measuresOf(cookie, meter.meterId, `${q}&resolution=${resolution}`)).toEqual(expected);
    // The range bounds both ends, inclusive.
    expect(await measuresOf(cookie, meter.meterId, 'from=2025-06-01&to=2025-06-01&resolution=day')).toEqual([expected[1]]);
    expect(await measuresOf(cookie, meter.meterId, 'from=2025-06-02&to=2025-06-30&resolution=day')).toEqual([]);
    expect(await measuresOf(cookie, meter.meterId, 'from=2025-07-01&to=2025-07-31&resolution=day')).toEqual([{ on: '2025-07-15', title: 'Later rebate' }]);

    // After moving out on May 31, what the account installed later belongs to its new home, not this meter.
    await env.DB.prepare('UPDATE service_point_tenures SET end_day = ?2 WHERE service_point_id = ?1').bind(meter.servicePointId, '2025-05-31').run();
    expect(await measuresOf(cookie, meter.meterId, `${q}&resolution=day`)).toEqual([expected[0]]);
  });

  it('names a measure in Spanish, from the catalog, when the Spanish usage page asks', async () => {
    const meter = await givenMeter();
    const { cookie } = await signedIn({ holderOf: [meter.accountId] });
    await givenReads(meter, eachDay('2025-06-01', '2025-06-02'), () => 1);
    await givenApplication(meter.accountId, 'approved', 'High-efficiency toilet rebate', '2025-06-01');
    const path = `/api/usage/meters/${meter.meterId}/series?from=2025-06-01&to=2025-06-02&resolution=day`;
    const spanish = await portal(path, { headers: { Cookie: cookie, Referer: 'https://portal.test/es/account/usage/' } });
    expect((await spanish.json<SeriesBody>()).measures).toEqual([{ on: '2025-06-01', title: 'Reembolso por inodoros de alta eficiencia' }]);
    expect(await measuresOf(cookie, meter.meterId, 'from=2025-06-01&to=2025-06-02&resolution=day')).toEqual([{ on: '2025-06-01', title: 'High-efficiency toilet rebate' }]);
  });

  it('shows another account’s meter to no one else, measures included', async () => {
    const meter = await givenMeter();
    await givenApplication(meter.accountId, 'approved', 'High-efficiency toilet rebate', '2025-06-01');
    const stranger = await signedIn({ holderOf: [await givenAccount()] });
    const res = await get(`/api/usage/meters/${meter.meterId}/series?from=2025-05-28&to=2025-06-03`, stranger.cookie);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('toilet');
  });
});

describe('programs on the profile page', () => {
  it('lists approved and paid programs with links, and no submitted or denied one', async () => {
    const accountId = await givenAccount();
    const { cookie } = await signedIn({ holderOf: [accountId] });
    const approved = await givenApplication(accountId, 'approved', 'Home water checkup', null);
    const paid = await givenApplication(accountId, 'paid', 'High-efficiency toilet <rebate>', '2025-06-01');
    await givenApplication(accountId, 'denied', 'Turf replacement rebate', '2025-06-01');
    await givenApplication(accountId, 'submitted', 'Heat pump water heater rebate', null);
    await givenApplication(await givenAccount(), 'approved', 'Neighbour’s program', null);

    const page = await (await get(`/account/profile/?account=${accountId}`, cookie)).text();
    const section = page.slice(page.indexOf('Programs you take part in'));
    expect(section).toContain(`<a href="/account/programs/application/?id=${approved}">Home water checkup</a>: Approved`);
    // Titles are escaped: they came from content, but the page treats them as text.
    expect(section).toContain(`<a href="/account/programs/application/?id=${paid}">High-efficiency toilet &#60;rebate&#62;</a>: Paid <time datetime="2025-06-10T17:00:00.000Z">`);
    expect(page).not.toContain('Turf replacement rebate');
    expect(page).not.toContain('Heat pump water heater rebate');
    expect(page).not.toContain('Neighbour’s program');
    expect(section).not.toContain('None yet.');
  });

  it('points to programs and rebates when the account takes part in none', async () => {
    const accountId = await givenAccount();
    const { cookie } = await signedIn({ holderOf: [accountId] });
    await givenApplication(accountId, 'denied', 'Turf replacement rebate', null);
    const page = await (await get(`/account/profile/?account=${accountId}`, cookie)).text();
    expect(page).toContain('None yet. <a href="/account/programs/">See programs and rebates</a>.');
    expect(page).not.toContain('Turf replacement rebate');
  });

  it('shows the profile in Spanish at /es/, programs by their Spanish titles and linking their Spanish pages', async () => {
    const accountId = await givenAccount();
    const { cookie } = await signedIn({ holderOf: [accountId] });
    const paid = await givenApplication(accountId, 'paid', 'High-efficiency toilet rebate', '2025-06-01');
    const page = await (await get(`/es/account/profile/?account=${accountId}&status=profile-saved`, cookie)).text();
    expect(page).toContain('<html lang="es"');
    expect(page).toContain('Su perfil está guardado.');
    const section = page.slice(page.indexOf('Programas en los que participa'));
    expect(section).toMatch(new RegExp(`<a href="/es/account/programs/application/\\?id=${paid}">[^<]+</a>: Pagado <time`));
  });
});
