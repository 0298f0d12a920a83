/**
 * Start, stop and move: a holder asks (with a fresh proof), staff confirm or refuse with a reason,
 * the customer is told and follows the status; a confirmed stop ends the account's tenure of the
 * address on the stop day. A newcomer asks to start without a login. Bad dates and addresses are
 * refused with the field named and nothing written; delegates, other customers, anonymous callers
 * and non-support staff are refused.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accountAccess, logins, servicePointTenures, serviceRequests } from '../../db/schema';
import { addDays, localDay } from '../../worker/usage/time';
import { get, mailsTo, postForm, postJson, uniqueEmail } from './support/accounts';
import { givenHousehold } from './support/delivery-fixtures';
import { db, givenAccount, signedIn } from './support/sign-in';
import { givenMeter } from './support/usage-fixtures';
import { installWriteLog, takeWrites } from './support/write-log';

const today = () => localDay(Date.now(), 'America/Los_Angeles');
const inDays = (n: number) => addDays(today(), n);

const stop = (cookie: string | null, body: Record<string, unknown>) => postJson('/api/services/stop', body, { cookie });
const errorOf = async (res: Response) => (await res.json<{ error: { code: string; fields?: { field: string }[] } }>()).error;

describe('stopping and moving', () => {
  it('files a holder\'s stop, tells the holder, and shows it waiting on their page', async () => {
    const h = await givenHousehold();
    const res = await stop(h.cookie, { account: h.accountId, servicePoint: h.meter.servicePointId, stopOn: inDays(10) });
    expect(res.status).toBe(200);
    const { request } = await res.json<{ request: string }>();
    expect((await db().select().from(serviceRequests).where(eq(serviceRequests.id, request)))[0]).toMatchObject({ kind: 'stop', accountId: h.accountId, stopOn: inDays(10), state: 'submitted' });
    expect((await mailsTo(h.holder.email, 'service-request-received'))[0]!.bodyText).toContain(`Last day at 1 Test Street: ${inDays(10)}`);
    const list = await (await get('/api/services', { cookie: h.cookie })).json<{ requests: { id: string; state: string }[] }>();
    expect(list.requests).toEqual([expect.objectContaining({ id: request, state: 'submitted' })]);
  });

  it('shows the requests and the forms in Spanish at /es/account/services/, dates in words', async () => {
    const h = await givenHousehold();
    expect((await stop(h.cookie, { account: h.accountId, servicePoint: h.meter.servicePointId, stopOn: inDays(10) })).status).toBe(200);
    const html = await (await get('/es/account/services/', { cookie: h.cookie })).text();
    expect(html).toContain('<html lang="es"');
    expect(html).toMatch(/<strong>Suspender el servicio<\/strong>: último día en 1 Test Street: \d{1,2} de \p{L}+ de \d{4}\. <strong>Esperando al personal<\/strong>; pedida el <time/u);
    expect(html).toContain('Retirar esta solicitud');
    expect(html).toContain('<h2 id="stop-title">Suspender el servicio</h2>');
    expect(html).toContain('href="/es/services/start/"');
  });

  it("writes to each holder in the holder's own language, whichever page the request came from", async () => {
    const h = await givenHousehold();
    const coHolder = await signedIn({ holderOf: [h.accountId] });
    await db().update(logins).set({ locale: 'es' }).where(eq(logins.id, coHolder.loginId));
    const [spanishHolder] = await db().select({ email: logins.email }).from(logins).where(eq(logins.id, coHolder.loginId));
    expect((await stop(h.cookie, { account: h.accountId, servicePoint: h.meter.servicePointId, stopOn: inDays(10) })).status).toBe(200);
    expect((await mailsTo(h.holder.email, 'service-request-received'))[0]!.subject).toMatch(/^We received your request/);
    expect((await mailsTo(spanishHolder!.email, 'service-request-received'))[0]!.subject).toMatch(/^Recibimos su solicitud/);
  });

  it('files a move with the new address and its first day', async () => {
    const h = await givenHousehold();
    const res = await postJson('/api/services/move', { account: h.accountId, servicePoint: h.meter.servicePointId, stopOn: inDays(20), startOn: inDays(21), newStreet: '8 Willow Lane', newCity: 'Alder Creek', newPostalCode: '95990' }, { cookie: h.cookie });
    expect(res.status).toBe(200);
    expect((await mailsTo(h.holder.email, 'service-request-received'))[0]!.bodyText).toContain(`First day at 8 Willow Lane: ${inDays(21)}`);
  });

  it.each([
    ['a stop today', { stopOn: 'TODAY' }, 'stopOn', 'date_too_soon'],
    ['a stop more than 90 days ahead', { stopOn: 'FAR' }, 'stopOn', 'date_too_far'],
    ['a date that does not exist', { stopOn: '2027-02-30' }, 'stopOn', 'invalid_request'],
    ['an address the account does not hold', { servicePoint: 'sp-not-theirs' }, 'servicePoint', 'invalid_request'],
  ])('refuses %s, naming the field, and writes nothing', async (_, change, field, code) => {
    const h = await givenHousehold();
    const body = { account: h.accountId, servicePoint: h.meter.servicePointId, stopOn: inDays(5), ...change };
    if (body.stopOn === 'TODAY') body.stopOn = today();
    if (body.stopOn === 'FAR') body.stopOn = inDays(91);
    await installWriteLog();
    await takeWrites();
    const res = await stop(h.cookie, body);
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe(code);
    expect(error.fields!.map((f) => f.field)).toContain(field);
    expect((await takeWrites()).filter((w) => w.table !== 'sessions')).toEqual([]);
  });

  it('finds the account from the address when the form names none, for a holder of several accounts', async () => {
    const h = await givenHousehold();
    const second = await givenMeter();
    await db().insert(accountAccess).values({ loginId: h.holder.id, accountId: second.accountId, relationship: 'holder', canViewUsage: true, canViewBilling: true, canManage: true });
    const res = await stop(h.cookie, { servicePoint: second.servicePointId, stopOn: inDays(7) });
    expect(res.status).toBe(200);
    const { request } = await res.json<{ request: string }>();
    expect((await db().select().from(serviceRequests).where(eq(serviceRequests.id, request)))[0]).toMatchObject({ accountId: second.accountId, servicePointId: second.servicePointId });
    const stranger = await givenMeter();
    const refused = await stop(h.cookie, { servicePoint: stranger.servicePointId, stopOn: inDays(7) });
    expect(refused.status).toBe(422);
    expect((await errorOf(refused)).fields!.map((f) => f.field)).toEqual(['servicePoint']);
  });

  it('refuses a second open request for the same address', async () => {
    const h = await givenHousehold();
    expect((await stop(h.cookie, { account: h.accountId, servicePoint: h.meter.servicePointId, stopOn: inDays(5) })).status).toBe(200);
    expect((await stop(h.cookie, { account: h.accountId, servicePoint: h.meter.servicePointId, stopOn: inDays(6) })).status).toBe(409);
  });

  it('asks for a fresh proof, and lets only the holder ask: a delegate who may manage, another customer and an anonymous caller are refused', async () => {
    const h = await givenHousehold();
    const body = { account: h.accountId, servicePoint: h.meter.servicePointId, stopOn: inDays(5) };
    const stale = await signedIn({ holderOf: [h.accountId], steppedUp: false });
    expect((await errorOf(await stop(stale.cookie, body))).code).toBe('step_up_required');
    const delegate = await signedIn({ delegateOf: [{ accountId: h.accountId, usage: true, billing: true, pay: true, manage: true, alerts: true }] });
    expect((await stop(delegate.cookie, body)).status).toBe(404);
    const other = await signedIn({ holderOf: [await givenAccount()] });
    expect((await stop(other.cookie, body)).status).toBe(404);
    expect((await stop(null, body)).status).toBe(401);
    expect(await db().select().from(serviceRequests).where(eq(serviceRequests.accountId, h.accountId))).toHaveLength(0);
  });

  it('lets the holder withdraw a request staff have not answered', async () => {
    const h = await givenHousehold();
    const { request } = await (await stop(h.cookie, { account: h.accountId, servicePoint: h.meter.servicePointId, stopOn: inDays(5) })).json<{ request: string }>();
    const other = await signedIn({ holderOf: [await givenAccount()] });
    expect((await postJson('/api/services/withdraw', { request }, { cookie: other.cookie })).status).toBe(404);
    const res = await postForm('/api/services/withdraw', { request }, { cookie: h.cookie });
    expect(res.headers.get('Location')).toBe('/account/services/?status=request-withdrawn');
    expect((await db().select().from(serviceRequests).where(eq(serviceRequests.id, request)))[0]!.state).toBe('withdrawn');
  });
});

describe('starting service without an account', () => {
  it('files a newcomer\'s start and e-mails them a receipt', async () => {
    const email = uniqueEmail('newcomer');
    const res = await postForm('/api/services/start', { contactName: 'Robin Newcomer', contactEmail: email, contactPhone: '(209) 555-0188', newStreet: '3 Fern Court', newCity: 'Alder Creek', newPostalCode: '95990', startOn: inDays(14) }, { ip: '198.51.100.77' });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/services/start/?status=start-requested');
    const [row] = await db().select().from(serviceRequests).where(eq(serviceRequests.contactEmail, email));
    expect(row).toMatchObject({ kind: 'start', accountId: null, contactPhone: '+12095550188', startOn: inDays(14) });
    expect(await mailsTo(email, 'service-request-received')).toHaveLength(1);
  });

  it('stops one client at 5 requests an hour', async () => {
    const body = () => ({ contactName: 'Flood', contactEmail: uniqueEmail('flood'), contactPhone: '(209) 555-0188', newStreet: '3 Fern Court', newCity: 'Alder Creek', newPostalCode: '95990', startOn: inDays(14) });
    for (let i = 0; i < 5; i++) expect((await postJson('/api/services/start', body(), { ip: '198.51.100.90' })).status).toBe(200);
    expect((await postJson('/api/services/start', body(), { ip: '198.51.100.90' })).status).toBe(429);
  });
});

describe('staff decisions', () => {
  it('confirms a stop: the account\'s tenure of the address ends on the stop day, and the holder is told', async () => {
    const h = await givenHousehold();
    const { request } = await (await stop(h.cookie, { account: h.accountId, servicePoint: h.meter.servicePointId, stopOn: inDays(3) })).json<{ request: string }>();
    const support = await signedIn({ role: 'support' });
    const res = await postForm('/api/staff/services/confirm', { request }, { cookie: support.cookie });
    expect(res.headers.get('Location')).toBe('/staff/services/?status=request-confirmed');
    const [tenure] = await db().select().from(servicePointTenures).where(and(eq(servicePointTenures.servicePointId, h.meter.servicePointId), eq(servicePointTenures.accountId, h.accountId)));
    expect(tenure!.endDay).toBe(inDays(3));
    expect(await mailsTo(h.holder.email, 'service-request-confirmed')).toHaveLength(1);
    expect((await postForm('/api/staff/services/confirm', { request }, { cookie: support.cookie })).headers.get('Location')).toBe('/staff/services/?error=request_closed');
  });

  it('refuses with a reason the customer reads', async () => {
    const h = await givenHousehold();
    const { request } = await (await stop(h.cookie, { account: h.accountId, servicePoint: h.meter.servicePointId, stopOn: inDays(3) })).json<{ request: string }>();
    const admin = await signedIn({ role: 'admin' });
    expect((await postJson('/api/staff/services/refuse', { request, reason: '' }, { cookie: admin.cookie })).status).toBe(422);
    expect((await postJson('/api/staff/services/refuse', { request, reason: 'The account has a payment plan; please call us to close it.' }, { cookie: admin.cookie })).status).toBe(200);
    expect((await mailsTo(h.holder.email, 'service-request-refused'))[0]!.bodyText).toContain('payment plan');
    const [tenure] = await db().select().from(servicePointTenures).where(eq(servicePointTenures.servicePointId, h.meter.servicePointId));
    expect(tenure!.endDay).toBeNull();
  });

  it('keeps the queue to support agents and administrators', async () => {
    for (const role of ['customer', 'privacy_officer'] as const) {
      const who = await signedIn({ role });
      expect((await get('/api/staff/services', { cookie: who.cookie })).status).toBe(403);
    }
    expect((await get('/api/staff/services')).status).toBe(401);
    expect((await get('/api/staff/services', { cookie: (await signedIn({ role: 'support' })).cookie })).status).toBe(200);
  });
});
