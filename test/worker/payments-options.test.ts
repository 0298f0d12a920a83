import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { billingOptions } from '../../worker/payments/options';
import { newBillNoticeStatement } from '../../worker/preferences/bill-ready';
import { givenProvableAccount, mailsTo, postForm } from './support/accounts';
import { deliverEvent, eventFor, payOnStandIn, rows, sessionFromUrl } from './support/payments';
import { db, signedIn, uniqueId } from './support/sign-in';
import { bills } from '../../db/schema';
import { septemberBill } from './support/billing-fixtures';
import { givenIngestClient, sendBatch } from './support/usage-fixtures';

async function holderOfNewAccount() {
  const account = await givenProvableAccount();
  const holder = await signedIn({ holderOf: [account.accountId] });
  return { account, holder };
}

const enrolments = (accountId: string) => rows<{ id: string; status: string; processor_customer_id: string; processor_setup_id: string | null }>('SELECT * FROM autopay_enrolments WHERE account_id = ?1 ORDER BY requested_at', accountId);

describe('autopay', () => {
  it('is handed to the processor as a setup session, shows as pending, and turns on only from the verified webhook', async () => {
    const { account, holder } = await holderOfNewAccount();
    const res = await postForm('/api/payments/autopay', { account: account.accountId }, { cookie: holder.cookie });
    expect(res.status).toBe(303);
    const url = res.headers.get('location')!;
    const { state } = await sessionFromUrl(url);
    expect(state).toMatchObject({ mode: 'setup', currency: 'usd', amount_total: null, customer: expect.stringMatching(/^cus_test_/) });
    expect(await billingOptions(env.DB, account.accountId)).toEqual({ paperless: false, autopay: 'pending' });
    // Coming back to the success URL changes nothing by itself.
    expect(state.success_url).toBe(`${env.PORTAL_ORIGIN}/account/pay/?account=${account.accountId}&status=autopay-started`);
    await payOnStandIn(url);
    const [enrolment] = await enrolments(account.accountId);
    expect(enrolment).toMatchObject({ status: 'active', processor_setup_id: expect.stringMatching(/^seti_test_/) });
    expect(await billingOptions(env.DB, account.accountId)).toEqual({ paperless: false, autopay: 'active' });
    expect(await mailsTo(`${holder.loginId}@test.example`, 'autopay-on')).toHaveLength(1);
  });

  it('keeps one active enrolment per account: a new one replaces the old', async () => {
    const { account, holder } = await holderOfNewAccount();
    for (let i = 0; i < 2; i++) {
      const res = await postForm('/api/payments/autopay', { account: account.accountId }, { cookie: holder.cookie });
      await payOnStandIn(res.headers.get('location')!);
    }
    expect((await enrolments(account.accountId)).map((e) => e.status)).toEqual(['cancelled', 'active']);
  });

  it('ends autopay at the processor first, then records it off; ending it twice is refused', async () => {
    const { account, holder } = await holderOfNewAccount();
    await payOnStandIn((await postForm('/api/payments/autopay', { account: account.accountId }, { cookie: holder.cookie })).headers.get('location')!);
    const end = await postForm('/api/payments/autopay/end', { account: account.accountId }, { cookie: holder.cookie });
    expect(end.status).toBe(303);
    expect(end.headers.get('location')).toBe(`/account/pay/?account=${account.accountId}&status=autopay-ended`);
    expect((await enrolments(account.accountId)).map((e) => e.status)).toEqual(['cancelled']);
    expect(await billingOptions(env.DB, account.accountId)).toMatchObject({ autopay: 'off' });
    expect(await mailsTo(`${holder.loginId}@test.example`, 'autopay-off')).toHaveLength(1);
    const again = await postForm('/api/payments/autopay/end', { account: account.accountId }, { cookie: holder.cookie });
    expect(again.headers.get('location')).toBe(`/account/pay/?account=${account.accountId}&error=autopay_not_active`);
  });

  it('refuses a setup event whose processor customer is not the one the portal created', async () => {
    const { account, holder } = await holderOfNewAccount();
    const url = (await postForm('/api/payments/autopay', { account: account.accountId }, { cookie: holder.cookie })).headers.get('location')!;
    const res = await deliverEvent(await eventFor(url, 'checkout.session.completed', (s) => void (s.customer = 'cus_test_someoneelse123')));
    expect(res.status).toBe(422);
    expect((await enrolments(account.accountId))[0]!.status).toBe('pending');
  });
});

describe('paperless billing', () => {
  it('turns on and off per account, and is audited', async () => {
    const { account, holder } = await holderOfNewAccount();
    const on = await postForm('/api/payments/paperless', { account: account.accountId, paperless: 'on' }, { cookie: holder.cookie });
    expect(on.headers.get('location')).toBe(`/account/pay/?account=${account.accountId}&status=paperless-on`);
    expect(await billingOptions(env.DB, account.accountId)).toEqual({ paperless: true, autopay: 'off' });
    await postForm('/api/payments/paperless', { account: account.accountId, paperless: 'off' }, { cookie: holder.cookie });
    expect(await billingOptions(env.DB, account.accountId)).toEqual({ paperless: false, autopay: 'off' });
    const audit = await rows<{ event: string }>("SELECT event FROM audit_events WHERE subject_account_id = ?1 AND event LIKE 'billing.paperless%' ORDER BY at", account.accountId);
    expect(audit.map((a) => a.event)).toEqual(['billing.paperless_on', 'billing.paperless_off']);
  });

  it('e-mails a new-bill notice, without amount or account number, to the verified logins with the billing right, only when paperless is on', async () => {
    const { account, holder } = await holderOfNewAccount();
    const delegate = await signedIn({ delegateOf: [{ accountId: account.accountId, billing: true }] });
    const noBilling = await signedIn({ delegateOf: [{ accountId: account.accountId, usage: true }] });
    const addBill = async () => {
      const id = uniqueId('bill');
      await db().insert(bills).values({ id, accountId: account.accountId, periodStart: '2026-11-01', periodEnd: '2026-11-30', issuedOn: '2026-12-03', dueOn: '2026-12-24', amountCents: 5000 });
      await newBillNoticeStatement(env.DB, env.PORTAL_ORIGIN, [{ id, dueOn: '2026-12-24' }]).run();
    };
    await addBill();
    expect(await mailsTo(`${holder.loginId}@test.example`, 'new-bill')).toEqual([]);
    await postForm('/api/payments/paperless', { account: account.accountId, paperless: 'on' }, { cookie: holder.cookie });
    await addBill();
    const [mail] = await mailsTo(`${holder.loginId}@test.example`, 'new-bill');
    expect(mail!.subject).toBe('Your Alder Creek bill is ready');
    expect(mail!.bodyText).toContain('It is due on December 24, 2026.');
    expect(mail!.bodyText).toContain(`${env.PORTAL_ORIGIN}/account/bills/`);
    expect(mail!.bodyText).not.toContain('50.00');
    expect(mail!.bodyText).not.toContain(account.accountNumber);
    expect(await mailsTo(`${delegate.loginId}@test.example`, 'new-bill')).toHaveLength(1);
    expect(await mailsTo(`${noBilling.loginId}@test.example`, 'new-bill')).toEqual([]);
  });

  it('sends the notice from the ingest batch that brings a new bill, once: not again for the same batch, nor for a corrected bill', async () => {
    const { account, holder } = await holderOfNewAccount();
    await postForm('/api/payments/paperless', { account: account.accountId, paperless: 'on' }, { cookie: holder.cookie });
    const client = await givenIngestClient();
    const bill = septemberBill(account.accountId);
    const batch = { batchId: uniqueId('bills'), bills: [bill] };
    const first = await sendBatch(client, batch);
    expect(first.status, await first.clone().text()).toBe(201);
    expect(await mailsTo(`${holder.loginId}@test.example`, 'new-bill')).toHaveLength(1);
    await sendBatch(client, batch);
    const corrected = await sendBatch(client, { batchId: uniqueId('bills'), bills: [{ ...bill, dueOn: '2026-10-26' }] });
    expect(corrected.status).toBe(201);
    expect(await mailsTo(`${holder.loginId}@test.example`, 'new-bill')).toHaveLength(1);
  });
});
