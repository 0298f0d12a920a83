import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { demoRegistrationFacts } from '../../db/demo/facts';
import { expectAccessible, openPage, submitForm, useChromium } from './browser';

const origin = inject('portalOrigin');
const chromium = useChromium();

/**
 * axe needs script in the page. With JavaScript off, the same URL (same cookies, so the same
 * worker-filled HTML) is checked in a second context that has it.
 */
const scriptless = new WeakSet<Page>();

const accessible = (page: Page) => expectAccessible(chromium.browser, page, scriptless.has(page));


// Two demo accounts no demo login holds (high numbers, so other suites' picks are unlikely to collide): one registers with JavaScript, one without.
const modes = [
  { name: 'with JavaScript', javaScriptEnabled: true, accountId: 'acct-0217' },
  { name: 'without JavaScript', javaScriptEnabled: false, accountId: 'acct-0218' },
];

describe('accounts in Chromium', () => {
  for (const mode of modes) {
    it(`registers, confirms by the outbox link, signs in, edits the profile and signs out ${mode.name}`, async () => {
      const facts = demoRegistrationFacts(mode.accountId);
      const email = `e2e-${mode.javaScriptEnabled ? 'js' : 'nojs'}-${Date.now()}@customers.example`;
      const password = 'three green herons at dusk';
      const { context, page, consoleErrors } = await openPage(chromium.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      page.setDefaultTimeout(15_000);
      if (!mode.javaScriptEnabled) scriptless.add(page);

      await page.goto(`${origin}/register/`);
      await accessible(page);
      await page.getByLabel('Account number').fill(facts.accountNumber);
      await page.getByLabel('ZIP code of the service address').fill(facts.serviceZip);
      await page.getByLabel('Amount of your last bill, in dollars').fill(facts.lastBillAmount);
      await page.getByLabel('E-mail address').fill(email);
      await page.getByLabel('Choose a password').fill(password);
      await submitForm(page, 'form[action="/api/accounts/register"]', /\/register\/\?status=registered$/);
      await expect(page.locator('[data-message]').textContent()).resolves.toContain('We sent a confirmation link');
      await accessible(page);

      await page.goto(`${origin}/dev/outbox/`);
      const mail = page.locator('li.mail', { hasText: email }).filter({ hasText: 'Confirm your e-mail address' }).first();
      // The link carries its token in the fragment only; the e-mail also shows it alone for pasting.
      const href = (await mail.locator('a').first().getAttribute('href'))!;
      expect(href).toMatch(/^\/register\/verify\/#token=[^&?]+$/);
      const token = new URLSearchParams(href.split('#')[1]).get('token')!;
      await expect(mail.locator('pre').textContent()).resolves.toContain(`\n${token}\n`);
      await Promise.all([page.waitForURL(/\/register\/verify\//), mail.locator('a').first().click()]);
      const codeField = page.getByLabel('Code from the e-mail');
      if (mode.javaScriptEnabled) {
        // The page script took the token into the form and out of the address bar.
        await page.waitForURL(`${origin}/register/verify/`);
        await expect(codeField.isHidden()).resolves.toBe(true);
        await expect(codeField.inputValue()).resolves.toBe(token);
      } else {
        // Without JavaScript the page asks for the code from the e-mail.
        await expect(codeField.inputValue()).resolves.toBe('');
        await codeField.fill(token);
      }
      await accessible(page);
      await submitForm(page, 'form[action="/api/accounts/verify-email"]', /\/login\/\?status=email-verified$/);
      await expect(page.locator('[data-message]').textContent()).resolves.toContain('confirmed');

      await accessible(page);
      await page.getByLabel('E-mail address').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await submitForm(page, 'form[action="/api/accounts/login"]', /\/account\/\?status=signed-in$/);
      await expect(page.locator('h1').textContent()).resolves.toBe('Your account');
      await expect(page.locator('.account-number').first().textContent()).resolves.toBe(`•••• ${facts.accountNumber.slice(-4)}`);
      await accessible(page);

      await page.getByRole('link', { name: 'Profile and household', exact: true }).click();
      await page.waitForURL(/\/account\/profile\//);
      await accessible(page);
      await page.getByLabel('Your name').fill('Heron Watcher');
      await page.getByLabel('People living here').fill('4');
      await page.getByLabel('Landscape', { exact: true }).selectOption('drought_tolerant');
      await page.getByLabel('High-efficiency clothes washer').check();
      await submitForm(page, 'form[action="/api/accounts/profile"]', /status=profile-saved$/);
      await expect(page.getByLabel('Your name').inputValue()).resolves.toBe('Heron Watcher');
      await expect(page.getByLabel('People living here').inputValue()).resolves.toBe('4');
      await expect(page.getByLabel('High-efficiency clothes washer').isChecked()).resolves.toBe(true);
      await accessible(page);

      await page.getByRole('link', { name: 'Sign-in and security' }).click();
      await page.waitForURL(/\/account\/security\/$/);
      await expect(page.locator('[data-fill="sessions"]').textContent()).resolves.toContain('This session');
      await accessible(page);

      await submitForm(page, 'form[action="/api/accounts/logout"]', /\/login\/\?status=signed-out$/);
      await page.goto(`${origin}/account/`);
      expect(new URL(page.url()).pathname).toBe('/login/');
      expect(consoleErrors).toEqual([]);
      await context.close();
    });
  }

  it('signs in the documented demo customer', async () => {
    const { context, page } = await openPage(chromium.browser);
    await page.goto(`${origin}/login/`);
    await page.getByLabel('E-mail address').fill('demo@customers.example');
    await page.getByLabel('Password', { exact: true }).fill('Demo-water-meter-2026');
    await submitForm(page, 'form[action="/api/accounts/login"]', /\/account\/\?status=signed-in$/);
    await expect(page.locator('[data-fill="name"]').textContent()).resolves.toBe('Demo Customer');
    await context.close();
  });

  it('shows a refused sign-in next to the form with JavaScript, keeping the e-mail typed', async () => {
    const { context, page } = await openPage(chromium.browser);
    await page.goto(`${origin}/login/`);
    await page.getByLabel('E-mail address').fill('demo@customers.example');
    await page.getByLabel('Password', { exact: true }).fill('not the right password');
    await page.locator('form[action="/api/accounts/login"] button[type="submit"]').click();
    await expect(page.locator('[data-message].message-error').textContent()).resolves.toContain('do not match');
    expect(new URL(page.url()).pathname).toBe('/login/');
    await expect(page.getByLabel('E-mail address').inputValue()).resolves.toBe('demo@customers.example');
    await context.close();
  });
});
