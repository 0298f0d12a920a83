/**
 * Preferences, alert sign-up and unsubscribe in Chromium, against the portal `wrangler dev` serves:
 * a household signs up for alerts without a login and confirms from the dev outbox (with
 * JavaScript and without), then leaves through the List-Unsubscribe page a mail client opens; the
 * demo customer adds their mobile, which the SMS stand-in texts, answers YES from the outbox, and
 * removes it again. Every page axe-clean.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { demoRegistrationFacts } from '../../db/demo/facts';
import { parseEnvFile } from '../../db/demo/dev-secrets';
import { signUnsubscribe } from '../../worker/preferences/unsubscribe-token';
import { expectAccessible, openPage, seriousAxeViolations, useChromium } from './browser';
import { signInAsDemoCustomer } from './sign-in';

const origin = inject('portalOrigin');
const persistTo = inject('portalPersistTo');
const chromium = useChromium();

const accessible = (page: Page, scriptless: boolean) => expectAccessible(chromium.browser, page, scriptless);

// Demo accounts no demo login holds, apart from the other suites' picks.
const modes = [
  { name: 'with JavaScript', javaScriptEnabled: true, accountId: 'acct-0221' },
  { name: 'without JavaScript', javaScriptEnabled: false, accountId: 'acct-0222' },
];

describe('alert sign-up without a login, in Chromium', () => {
  for (const mode of modes) {
    it(`signs up, confirms from the outbox and unsubscribes from the one-click page ${mode.name}`, async () => {
      const facts = demoRegistrationFacts(mode.accountId);
      const address = `e2e-alerts-${mode.javaScriptEnabled ? 'js' : 'nojs'}-${Date.now()}@mail.example`;
      const { context, page, consoleErrors } = await openPage(chromium.browser, { javaScriptEnabled: mode.javaScriptEnabled });
      page.setDefaultTimeout(15_000);

      await page.goto(`${origin}/alerts/sign-up/`);
      await accessible(page, !mode.javaScriptEnabled);
      await page.getByLabel('Account number').fill(facts.accountNumber);
      await page.getByLabel('ZIP code of the service address').fill(facts.serviceZip);
      await page.getByLabel('Amount of your last bill, in dollars').fill(facts.lastBillAmount);
      await page.getByLabel('E-mail address or mobile number').fill(address);
      await page.getByLabel('Bill on course to be higher than my amount').check();
      await Promise.all([page.waitForURL(/\/alerts\/sign-up\/\?status=sign-up-sent$/), page.getByRole('button', { name: 'Sign up for alerts' }).click()]);
      await expect(page.locator('[data-message]').textContent()).resolves.toContain('Alerts start once you confirm');
      await accessible(page, !mode.javaScriptEnabled);

      await page.goto(`${origin}/dev/outbox/`);
      const mail = page.locator('li.mail', { hasText: address }).filter({ hasText: 'Confirm:' }).first();
      const href = (await mail.locator('a').first().getAttribute('href'))!;
      expect(href).toMatch(/^\/alerts\/confirm\/#code=[^?&]+$/);
      const code = decodeURIComponent(href.split('#code=')[1]!);
      await Promise.all([page.waitForURL(/\/alerts\/confirm\//), mail.locator('a').first().click()]);
      const codeField = page.getByLabel('Code from the message');
      if (mode.javaScriptEnabled) {
        await page.waitForURL(`${origin}/alerts/confirm/`);
        await expect(codeField.isHidden()).resolves.toBe(true);
      } else {
        await codeField.fill(code);
      }
      await accessible(page, !mode.javaScriptEnabled);
      await Promise.all([page.waitForURL(/status=recipient-confirmed$/), page.getByRole('button', { name: 'Yes, send me these alerts' }).click()]);
      await expect(page.locator('[data-message]').textContent()).resolves.toContain('Alerts for this account will now reach you');

      // A mail client that opens the List-Unsubscribe URL in a browser (RFC 2369) gets one button.
      const secrets = parseEnvFile(readFileSync(join(persistTo, 'secrets.env'), 'utf8'));
      const token = await signUnsubscribe(secrets.LINK_SIGNING_SECRET!, code.split('.')[0]!, 'all');
      await page.goto(`${origin}/unsubscribe/${token}`);
      await expect(page.getByText('Stop every message about this account to this address?').isVisible()).resolves.toBe(true);
      await accessible(page, !mode.javaScriptEnabled);
      await page.getByRole('button', { name: 'Unsubscribe' }).click();
      await expect(page.locator('[data-message]').textContent()).resolves.toContain('you will not get these messages any more');
      await accessible(page, !mode.javaScriptEnabled);
      expect(consoleErrors).toEqual([]);
      await context.close();
    });
  }
});

describe('the preferences page, in Chromium', () => {
  it('adds a mobile, which is texted through the SMS stand-in and confirmed by replying YES, then removes it', async () => {
    const { context, page, consoleErrors } = await openPage(chromium.browser);
    page.setDefaultTimeout(15_000);
    await signInAsDemoCustomer(page, origin);
    await page.goto(`${origin}/account/preferences/`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await expect(page.getByRole('table', { name: 'Which alerts go where' }).isVisible()).resolves.toBe(true);

    // Texts wait for quiet hours (21:00–08:00 Pacific unless changed): off here, so the
    // confirmation goes at once whatever the hour the test runs; back on at the end.
    const holdTexts = page.getByLabel('Hold texts during quiet hours');
    await holdTexts.uncheck();
    await Promise.all([page.waitForURL(/status=preferences-saved$/), page.getByRole('button', { name: 'Save preferences' }).click()]);

    await page.getByLabel('Mobile number', { exact: true }).fill('(209) 555-0177');
    await Promise.all([page.waitForURL(/status=recipient-invited$/), page.getByRole('button', { name: 'Send a confirmation text' }).click()]);
    await expect(page.getByText('waiting for its owner to confirm').first().isVisible()).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The stand-in received it over Twilio's API; the outbox lets the phone answer.
    await page.goto(`${origin}/dev/outbox/`);
    const text = page.locator('li.sms', { hasText: 'Reply YES to agree' }).filter({ hasText: '(209) 555-0177' }).first();
    await text.getByLabel(/Reply from/).fill('YES');
    await Promise.all([page.waitForURL(/\/dev\/outbox\/#sms$/), text.getByRole('button', { name: 'Send reply' }).click()]);

    await page.goto(`${origin}/account/preferences/`);
    await expect(page.getByText('Texts go to (209) 555-0177: confirmed.').isVisible()).resolves.toBe(true);
    await expect(page.getByRole('columnheader', { name: 'Your mobile (209) 555-0177' }).isVisible()).resolves.toBe(true);
    await Promise.all([page.waitForURL(/status=recipient-removed$/), page.getByRole('button', { name: 'Stop texts to this number' }).click()]);
    await expect(page.getByLabel('Mobile number', { exact: true }).isVisible()).resolves.toBe(true);
    await holdTexts.check();
    await Promise.all([page.waitForURL(/status=preferences-saved$/), page.getByRole('button', { name: 'Save preferences' }).click()]);
    await expect(holdTexts.isChecked()).resolves.toBe(true);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('saves without JavaScript and says so', async () => {
    const { context, page } = await openPage(chromium.browser, { javaScriptEnabled: false });
    await signInAsDemoCustomer(page, origin);
    await page.goto(`${origin}/account/preferences/`);
    await Promise.all([page.waitForURL(/status=preferences-saved$/), page.getByRole('button', { name: 'Save preferences' }).click()]);
    await expect(page.locator('[data-message]').textContent()).resolves.toBe('Your preferences are saved.');
    await expect(page.getByLabel('Quiet hours start').inputValue()).resolves.toBe('21:00');
    await context.close();
  });
});
