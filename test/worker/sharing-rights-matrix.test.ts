/**
 * The delegate rights matrix: a delegate holding exactly one right (or none) against one route of
 * each kind on the account, beside the holder. Each right opens what it names and nothing else;
 * sharing itself stays the holder's, whatever rights a delegate holds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { get, postJson } from './support/accounts';
import { givenBilledAccount } from './support/billing-fixtures';
import { signedIn } from './support/sign-in';
import { givenIngestClient, givenMeter } from './support/usage-fixtures';

type Right = 'usage' | 'billing' | 'pay' | 'manage' | 'alerts';
const callers = ['none', 'usage', 'billing', 'pay', 'manage', 'alerts', 'every right', 'holder'] as const;
type Caller = (typeof callers)[number];

let accountId: string;
let meterId: string;
let billId: string;
const cookies = {} as Record<Caller, string>;

beforeAll(async () => {
  const client = await givenIngestClient();
  const billed = await givenBilledAccount(client);
  accountId = billed.accountId;
  billId = billed.billId;
  meterId = (await givenMeter({ accountId })).meterId;
  const only = (right: Right | null) => ({ accountId, usage: right === 'usage', billing: right === 'billing' || right === 'pay', pay: right === 'pay', manage: right === 'manage', alerts: right === 'alerts' });
  for (const right of ['usage', 'billing', 'pay', 'manage', 'alerts'] as const) cookies[right] = (await signedIn({ delegateOf: [only(right)] })).cookie;
  cookies.none = (await signedIn({ delegateOf: [only(null)] })).cookie;
  cookies['every right'] = (await signedIn({ delegateOf: [{ accountId, usage: true, billing: true, pay: true, manage: true, alerts: true }] })).cookie;
  cookies.holder = (await signedIn({ holderOf: [accountId] })).cookie;
});

// "pay" callers also hold "billing": paying needs seeing the bills (worker/shared/sharing-forms.ts).
// prettier-ignore
const routes: { name: string; send: (cookie: string) => Promise<Response>; statuses: Record<Caller, number> }[] = [
  { name: 'usage series', send: (cookie) => get(`/api/usage/meters/${meterId}/series?from=2026-09-01&to=2026-09-07`, { cookie }),
    statuses: { none: 404, usage: 200, billing: 404, pay: 404, manage: 404, alerts: 404, 'every right': 200, holder: 200 } },
  { name: 'usage download', send: (cookie) => get(`/api/usage/meters/${meterId}/export.csv?from=2026-09-01&to=2026-09-07`, { cookie }),
    statuses: { none: 404, usage: 200, billing: 404, pay: 404, manage: 404, alerts: 404, 'every right': 200, holder: 200 } },
  { name: 'bills', send: (cookie) => get(`/api/billing/accounts/${accountId}/bills`, { cookie }),
    statuses: { none: 404, usage: 404, billing: 200, pay: 200, manage: 404, alerts: 404, 'every right': 200, holder: 200 } },
  { name: 'one bill', send: (cookie) => get(`/api/billing/bills/${billId}`, { cookie }),
    statuses: { none: 404, usage: 404, billing: 200, pay: 200, manage: 404, alerts: 404, 'every right': 200, holder: 200 } },
  { name: 'paying', send: (cookie) => postJson('/api/payments/checkout', { account: accountId, amount: '20.00' }, { cookie }),
    statuses: { none: 404, usage: 404, billing: 404, pay: 200, manage: 404, alerts: 404, 'every right': 200, holder: 200 } },
  { name: 'preferences', send: (cookie) => get(`/api/preferences?account=${accountId}`, { cookie }),
    statuses: { none: 404, usage: 404, billing: 404, pay: 404, manage: 200, alerts: 404, 'every right': 200, holder: 200 } },
  { name: 'alert settings', send: (cookie) => get(`/api/alerts/settings?account=${accountId}`, { cookie }),
    statuses: { none: 404, usage: 404, billing: 404, pay: 404, manage: 200, alerts: 404, 'every right': 200, holder: 200 } },
  { name: 'profile', send: (cookie) => get(`/api/accounts/profile?account=${accountId}`, { cookie }),
    statuses: { none: 404, usage: 404, billing: 404, pay: 404, manage: 200, alerts: 404, 'every right': 200, holder: 200 } },
  { name: 'who has access, and the disclosure log', send: (cookie) => get(`/api/sharing/accounts/${accountId}`, { cookie }),
    statuses: { none: 404, usage: 404, billing: 404, pay: 404, manage: 404, alerts: 404, 'every right': 404, holder: 200 } },
  { name: 'inviting someone', send: (cookie) => postJson('/api/sharing/invitations', { account: accountId, email: `matrix-${crypto.randomUUID()}@family.example`, usage: true }, { cookie }),
    statuses: { none: 404, usage: 404, billing: 404, pay: 404, manage: 404, alerts: 404, 'every right': 404, holder: 200 } },
];

describe('delegate rights matrix', () => {
  for (const route of routes) {
    it(`${route.name}: each right opens only what it names`, async () => {
      const actual: Record<string, number> = {};
      for (const caller of callers) actual[caller] = (await route.send(cookies[caller])).status;
      expect(actual).toEqual(route.statuses);
    });
  }

  it('lists the account among a delegate\'s accounts only while they hold some right', async () => {
    const listed = async (caller: Caller) => (await (await get('/api/sharing', { cookie: cookies[caller] })).json<{ accounts: { account: string }[] }>()).accounts.map((a) => a.account);
    expect(await listed('none')).toEqual([]);
    for (const caller of ['usage', 'alerts', 'holder'] as const) expect(await listed(caller)).toEqual([accountId]);
  });
});
