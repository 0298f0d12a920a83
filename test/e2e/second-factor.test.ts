/**
 * An authenticator app and recovery codes in Chromium, as a customer uses them: set up the app
 * from the security page (QR code drawn by the portal, the key as text for typing), make recovery
 * codes, sign out, sign in with the password and a recovery code, then with the password and the
 * app's code; with JavaScript and without. Every page on the way is checked with axe (a page seen
 * without JavaScript is checked as the same URL in a context that has it, for axe's sake).
 * Codes are computed here from the key the page shows, as an app would.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { totpCode } from '../../worker/auth/totp';
import { expectAccessible, openPage, seriousAxeViolations, submitForm, useChromium } from './browser';
import { registeredCustomer } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();



const accessible = (page: Page, scriptless: boolean) => expectAccessible(chromium.browser, page, scriptless);


async function passwordStep(page: Page, who: { email: string; password: string }, expectedPath: RegExp) {
  await page.goto(`${origin}/login/`);
  await page.getByLabel('E-mail address').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await submitForm(page, 'form[action="/api/accounts/login"]', expectedPath);
}

const modes = [
  { name: 'with JavaScript', javaScriptEnabled: true, accountId: 'acct-0241' },
  { name: 'without JavaScript', javaScriptEnabled: false, accountId: 'acct-0242' },
];

describe('authenticator app and recovery codes in Chromium', () => {
  for (const mode of modes) {
    it(`sets up the app, makes recovery codes, and signs in with a recovery code and with the app ${mode.name}; axe-clean`, async () => {
      const scriptless = !mode.javaScriptEnabled;
      const who = await registeredCustomer(origin, mode.accountId, `totp-${scriptless ? 'nojs' : 'js'}`);
      const { context, page, consoleErrors } = await openPage(chromium.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      page.setDefaultTimeout(15_000);
      await passwordStep(page, who, /\/account\/\?status=signed-in$/);

      await page.goto(`${origin}/account/security/`);
      await expect(page.locator('[data-fill="totp-summary"]').textContent()).resolves.toContain('No authenticator app is set up');
      await Promise.all([page.waitForURL(/\/account\/security\/totp\/$/), page.getByRole('link', { name: 'Set up an authenticator app' }).click()]);
      await accessible(page, scriptless);
      // Just signed in: that proof still counts, so no confirmation is asked before starting.
      await submitForm(page, 'form[action="/api/accounts/totp/start"]', /\/account\/security\/totp\/\?status=totp-started$/);
      await expect(page.getByRole('img', { name: /QR code for setting up/ }).isVisible()).resolves.toBe(true);
      const key = (await page.locator('code.secret').textContent())!.replace(/\s/g, '');
      expect(key).toMatch(/^[A-Z2-7]{32}$/);
      await accessible(page, scriptless);
      await page.getByLabel('6-digit code').fill(await totpCode(key, new Date()));
      await submitForm(page, 'form[action="/api/accounts/totp/confirm"]', /\/account\/security\/recovery-codes\/\?status=totp-enabled$/);
      await expect(page.locator('[data-message]').first().textContent()).resolves.toContain('Now make your recovery codes');
      await accessible(page, scriptless);

      // The codes are the answer to the form itself: shown this once.
      await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Make new recovery codes' }).click()]);
      await page.locator('ol.recovery-codes li').first().waitFor();
      const codes = await page.locator('ol.recovery-codes code').allTextContents();
      expect(codes).toHaveLength(10);
      // The answer to a POST cannot be loaded again for axe's scriptless twin; its shell is the page checked just above.
      if (!scriptless) expect(await seriousAxeViolations(page)).toEqual([]);

      await page.goto(`${origin}/account/security/`);
      await submitForm(page, 'form[action="/api/accounts/logout"]', /\/login\/\?status=signed-out$/);

      // Lost phone: the password, then a recovery code.
      await passwordStep(page, who, /\/login\/second-factor\/\?status=second-factor-needed$/);
      await accessible(page, scriptless);
      await expect(page.getByLabel('Recovery code', { exact: true }).isVisible()).resolves.toBe(true);
      await page.getByLabel('Recovery code', { exact: true }).fill(codes[0]!.toLowerCase());
      await submitForm(page, 'form[action="/api/accounts/login/recovery-code"]', /\/account\/\?status=signed-in-with-recovery-code$/);
      await page.goto(`${origin}/account/security/`);
      await expect(page.locator('[data-fill="recovery-summary"]').textContent()).resolves.toContain('9 of 10 recovery codes are unused');
      await submitForm(page, 'form[action="/api/accounts/logout"]', /\/login\/\?status=signed-out$/);

      // The app: its next code (the current one was spent confirming the set-up).
      await passwordStep(page, who, /\/login\/second-factor\/\?status=second-factor-needed$/);
      await page.getByLabel('6-digit code').fill(await totpCode(key, new Date(Date.now() + 30_000)));
      await submitForm(page, 'form[action="/api/accounts/login/second-factor"]', /\/account\/\?status=signed-in$/);
      await expect(page.locator('h1').textContent()).resolves.toBe('Your account');

      // A sensitive change after the proof has lapsed asks to confirm, then comes back.
      await page.goto(`${origin}/account/confirm/?return=%2Faccount%2Fsecurity%2F`);
      await accessible(page, scriptless);
      await expect(page.getByText('With your password').count()).resolves.toBe(0);
      expect(consoleErrors).toEqual([]);
      await context.close();
    });
  }
});
