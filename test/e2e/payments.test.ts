import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { demoRegistrationFacts } from '../../db/demo/facts';
import { openPage, seriousAxeViolations, useChromium } from './browser';
import { signInAsDemoCustomer } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();

const cents = (text: string | null) => Math.round(Number((text ?? '').replace(/[$,\s]/g, '')) * 100);

async function amountDueOnPayPage(page: Page) {
  await page.goto(`${origin}/account/pay/`);
  return cents(await page.locator('.pay-account').first().locator('[data-amount-due]').textContent());
}

describe('paying in Chromium through the development processor', () => {
  it('lets the demo customer pay part of the balance, then shows the lower amount due and the payment in the history', async () => {
    const { page, context, consoleErrors } = await openPage(chromium.browser);
    await signInAsDemoCustomer(page, origin);
    const before = await amountDueOnPayPage(page);
    expect(await seriousAxeViolations(page)).toEqual([]);

    const section = page.locator('.pay-account').first();
    await section.getByLabel('Amount to pay, in dollars').fill('25.00');
    await Promise.all([page.waitForURL(/\/dev\/processor\/checkout\/cs_test_/), section.getByRole('button', { name: 'Continue to secure payment' }).click()]);
    // The processor's page, not the portal's: no card field of ours anywhere.
    expect(await page.locator('h1').textContent()).toBe('Pay your bill');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await Promise.all([page.waitForURL(/\/account\/pay\/return\/\?payment=pay_/), page.getByRole('button', { name: 'Pay $25.00' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Payment received');
    expect(await page.locator('main').textContent()).toContain('$25.00');
    expect(await seriousAxeViolations(page)).toEqual([]);

    expect(await amountDueOnPayPage(page)).toBe(before - 2500);
    const history = page.locator('.pay-account').first().locator('.pay-history li').first();
    expect(await history.textContent()).toMatch(/\$25\.00, paid/);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('changes nothing when the customer leaves the processor\'s page without paying', async () => {
    const { page, context } = await openPage(chromium.browser);
    await signInAsDemoCustomer(page, origin);
    const before = await amountDueOnPayPage(page);
    const section = page.locator('.pay-account').first();
    await section.getByLabel('Amount to pay, in dollars').fill('10.00');
    await Promise.all([page.waitForURL(/\/dev\/processor\/checkout\//), section.getByRole('button', { name: 'Continue to secure payment' }).click()]);
    await Promise.all([page.waitForURL(/\/account\/pay\/\?account=.*status=payment-cancelled/), page.getByRole('button', { name: 'Cancel and go back' }).click()]);
    expect(await page.locator('[data-message]').textContent()).toContain('Nothing was charged');
    expect(await amountDueOnPayPage(page)).toBe(before);
    await context.close();
  });

  for (const mode of [
    { name: 'with JavaScript', javaScriptEnabled: true, accountId: 'acct-0263' },
    { name: 'without JavaScript', javaScriptEnabled: false, accountId: 'acct-0264' },
  ]) {
    it(`lets a visitor without an account pay with the account number and service ZIP, ${mode.name}`, async () => {
      const facts = demoRegistrationFacts(mode.accountId);
      const { page, context, consoleErrors } = await openPage(chromium.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      page.setDefaultTimeout(15_000);
      // axe runs as script in the page; with JavaScript off the pages are the same HTML, checked in the other run.
      const accessible = async () => {
        if (mode.javaScriptEnabled) expect(await seriousAxeViolations(page)).toEqual([]);
      };
      const lookUp = async () => {
        await page.goto(`${origin}/pay/`);
        await page.getByLabel('Account number').fill(facts.accountNumber);
        await page.getByLabel('ZIP code of the service address').fill(facts.serviceZip);
        await Promise.all([page.waitForURL(`${origin}/api/payments/guest/lookup`), page.getByRole('button', { name: 'Show the amount due' }).click()]);
        return cents(await page.locator('[data-fill="amount-due"]').textContent());
      };
      await page.goto(`${origin}/pay/`);
      await accessible();
      const due = await lookUp();
      await accessible();
      // The amount due and nothing else: no name, no address.
      expect(await page.locator('main').textContent()).not.toMatch(/Street|Way|Avenue|Road|Lane|Drive|Court/);

      await page.getByLabel('Amount to pay, in dollars').fill('12.34');
      await Promise.all([page.waitForURL(/\/dev\/processor\/checkout\//), page.getByRole('button', { name: 'Continue to secure payment' }).click()]);
      await accessible();
      await Promise.all([page.waitForURL(`${origin}/pay/return/`), page.getByRole('button', { name: 'Pay $12.34' }).click()]);
      expect(await page.locator('h1').textContent()).toBe('Thank you');
      await accessible();
      expect(await lookUp()).toBe(due - 1234);
      expect(consoleErrors).toEqual([]);
      await context.close();
    });
  }

  it('tells a visitor plainly when the details match no account', async () => {
    const { page, context } = await openPage(chromium.browser);
    await page.goto(`${origin}/pay/`);
    await page.getByLabel('Account number').fill('1000000001');
    await page.getByLabel('ZIP code of the service address').fill('00000');
    await Promise.all([page.waitForURL(/\/pay\/\?error=account_not_matched/), page.getByRole('button', { name: 'Show the amount due' }).click()]);
    expect(await page.locator('[role="alert"]').textContent()).toContain('could not find an account');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
});
