import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { buildAccessPackage } from '../../worker/staff/access-package';
import { usageShards } from '../../worker/usage/shards';
import { planDeletion } from '../../worker/staff/deletion';
import { givenProvableAccount, postForm } from './support/accounts';
import { payOnStandIn, rows } from './support/payments';
import { signedIn } from './support/sign-in';

/** A holder who paid once, set up autopay and went paperless. */
async function customerWithPaymentHistory() {
  const account = await givenProvableAccount();
  const holder = await signedIn({ holderOf: [account.accountId] });
  await payOnStandIn((await postForm('/api/payments/checkout', { account: account.accountId, amount: '30.00' }, { cookie: holder.cookie })).headers.get('location')!);
  await payOnStandIn((await postForm('/api/payments/autopay', { account: account.accountId }, { cookie: holder.cookie })).headers.get('location')!);
  await postForm('/api/payments/paperless', { account: account.accountId, paperless: 'on' }, { cookie: holder.cookie });
  const subject = { accountId: account.accountId, loginIds: [holder.loginId], emails: [`${holder.loginId}@test.example`] };
  return { account, holder, subject };
}

describe('payments in the access package and a deletion', () => {
  it('exports the payments started in the portal, the processor confirmations, autopay and paperless, and no processor ids', async () => {
    const { subject } = await customerWithPaymentHistory();
    const pkg = await buildAccessPackage(env.DB, usageShards(env), subject, 'req-test');
    const table = (name: string) => pkg.tables.find((t) => t.table === name);
    expect(table('payment_intents')!.rows).toMatchObject([{ amount_cents: 3000, status: 'paid', channel: 'signed_in' }]);
    expect(table('payments')!.rows).toMatchObject([{ amount_cents: 3000, status: 'pending' }]);
    expect(table('processor_events')!.rows.map((r) => r.type)).toEqual(['checkout.session.completed', 'checkout.session.completed']);
    expect(table('autopay_enrolments')!.rows).toMatchObject([{ status: 'active' }]);
    expect(table('billing_preferences')!.rows).toMatchObject([{ paperless: 1 }]);
    expect(JSON.stringify(pkg)).not.toMatch(/cs_test_|cus_test_|pi_test_|seti_test_/);
  });

  it('keeps the billing records when the customer\'s data is deleted, without the login that acted', async () => {
    const { account, holder, subject } = await customerWithPaymentHistory();
    const plan = planDeletion(env.DB, subject);
    await env.DB.batch(plan.statements);
    expect(await rows('SELECT login_id, amount_cents, status FROM payment_intents WHERE account_id = ?1', account.accountId)).toEqual([{ login_id: null, amount_cents: 3000, status: 'paid' }]);
    expect(await rows('SELECT login_id, status FROM autopay_enrolments WHERE account_id = ?1', account.accountId)).toEqual([{ login_id: null, status: 'active' }]);
    expect(await rows('SELECT changed_by_login_id, paperless FROM billing_preferences WHERE account_id = ?1', account.accountId)).toEqual([{ changed_by_login_id: null, paperless: 1 }]);
    expect(await rows('SELECT id FROM logins WHERE id = ?1', holder.loginId)).toEqual([]);
    // The answer to the customer says what was kept and why.
    const retained = plan.answer.retained.map((r) => r.item);
    for (const label of ['Payments started in the portal', 'Confirmations received from the payment processor', 'Autopay enrolments', 'Paperless billing choice']) {
      expect(retained.some((item) => item.startsWith(label)), label).toBe(true);
    }
  });
});
