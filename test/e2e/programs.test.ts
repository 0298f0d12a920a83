/**
 * Program and rebate applications in Chromium, against the portal `wrangler dev` serves: the demo
 * customer applies for the toilet rebate with a receipt, is told beside the question when an answer
 * rules the application out, and sends it; the program officer finds it in the queue, approves it
 * and records the payment; the customer sees it paid, on the profile, and marked on the usage page.
 * The same form works without JavaScript. A customer withdraws an application they no longer want
 * from its page. Every page axe-clean.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { DEMO_CUSTOMER } from '../../db/demo/logins';
import { expectAccessible, openPage, seriousAxeViolations, useChromium } from './browser';
import { registeredCustomer, signInAsDemoCustomer, signInAsDemoStaff, signInThroughForm } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();
const accessible = (page: Page, scriptless = false) => expectAccessible(chromium.browser, page, scriptless);

/** A day `n` days before today, as a date input takes it. */
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const receiptPng = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

async function answerToiletQuestions(page: Page, watersense: 'Yes' | 'No') {
  await page.getByRole('group', { name: 'How much water did the old toilet use per flush?' }).getByLabel('3 gallons or more').check();
  await page.getByRole('group', { name: /Is the new toilet WaterSense labelled/ }).getByLabel(watersense, { exact: true }).check();
  await page.getByLabel(/How many toilets did you replace/).fill('1');
  await page.getByLabel('When was the new toilet installed?').fill(daysAgo(4));
  await page.getByLabel('The receipt showing the model number').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: receiptPng });
}

describe('programs and rebates, in Chromium', () => {
  it('applies for a rebate with a receipt; the program officer approves and pays it; the customer follows it', async () => {
    const customer = await openPage(chromium.browser);
    customer.page.setDefaultTimeout(15_000);
    await signInAsDemoCustomer(customer.page, origin);
    await customer.page.goto(`${origin}/programs/efficient-toilet/`);
    await customer.page.getByRole('link', { name: /Apply for high-efficiency toilet rebate online/ }).click();
    await customer.page.waitForURL(/\/account\/programs\/apply\/efficient-toilet\/$/);
    await accessible(customer.page, true);

    // An answer that rules the application out is named beside its question, and nothing is sent.
    await answerToiletQuestions(customer.page, 'No');
    await customer.page.getByRole('button', { name: 'Send the application' }).click();
    await customer.page.locator('[data-field-error="answers.watersense"]:not([hidden])').waitFor();
    await expect(customer.page.locator('[data-field-error="answers.watersense"]').textContent()).resolves.toContain('must be WaterSense labelled');
    await expect(customer.page.locator('[data-message]').textContent()).resolves.toContain('cannot be accepted');
    await accessible(customer.page);

    await answerToiletQuestions(customer.page, 'Yes');
    await Promise.all([customer.page.waitForURL(/\/account\/programs\/application\/\?id=.+status=applied/), customer.page.getByRole('button', { name: 'Send the application' }).click()]);
    await expect(customer.page.getByText('Submitted: we are checking it').first().isVisible()).resolves.toBe(true);
    await expect(customer.page.getByRole('link', { name: 'receipt.png' }).isVisible()).resolves.toBe(true);
    await accessible(customer.page);
    const application = new URL(customer.page.url()).searchParams.get('id')!;

    const staff = await openPage(chromium.browser);
    staff.page.setDefaultTimeout(15_000);
    await signInAsDemoStaff(staff.page, origin, 'programs');
    await staff.page.goto(`${origin}/staff/programs/?view=submitted`);
    await accessible(staff.page, true);
    await expect(staff.page.locator(`a[href="/staff/programs/application/?id=${application}"]`).isVisible()).resolves.toBe(true);
    await staff.page.goto(`${origin}/staff/programs/application/?id=${application}`);
    await accessible(staff.page, true);
    await expect(staff.page.getByRole('link', { name: 'receipt.png' }).isVisible()).resolves.toBe(true);
    await staff.page.getByLabel('Note to the customer (optional)').fill('Thank you for saving water.');
    await Promise.all([staff.page.waitForURL(/status=approved/), staff.page.getByRole('button', { name: 'Approve' }).click()]);
    await staff.page.getByLabel('Amount in dollars').fill('75.00');
    await staff.page.getByLabel('Cheque').check();
    await Promise.all([staff.page.waitForURL(/status=paid/), staff.page.getByRole('button', { name: 'Record the payment' }).click()]);
    await accessible(staff.page, true);

    await customer.page.goto(`${origin}/dev/outbox/`);
    const mail = customer.page.locator('li.mail', { hasText: DEMO_CUSTOMER.email }).filter({ hasText: 'is paid' }).first();
    await expect(mail.isVisible()).resolves.toBe(true);
    await customer.page.goto(`${origin}/account/programs/application/?id=${application}`);
    await expect(customer.page.getByText('$75.00').first().isVisible()).resolves.toBe(true);
    await expect(customer.page.getByText('Thank you for saving water.').first().isVisible()).resolves.toBe(true);
    await accessible(customer.page);
    await customer.page.goto(`${origin}/account/profile/`);
    await expect(customer.page.locator('[data-fill="participation"]').getByRole('link', { name: 'High-efficiency toilet rebate' }).first().isVisible()).resolves.toBe(true);
    await customer.page.goto(`${origin}/account/usage/`);
    await customer.page.locator('#usage-measures:not([hidden])').waitFor();
    await expect(customer.page.locator('#usage-measures').textContent()).resolves.toContain('High-efficiency toilet rebate');
    await accessible(customer.page);
    await customer.context.close();
    await staff.context.close();
  });

  it('takes an application without JavaScript, and sends an ineligible one back with the reason beside the question', async () => {
    const { page, context } = await openPage(chromium.browser, { javaScriptEnabled: false });
    page.setDefaultTimeout(15_000);
    await signInAsDemoCustomer(page, origin);
    await page.goto(`${origin}/account/programs/apply/home-water-checkup/`);
    await page.getByRole('group', { name: 'Has the address had a check-up in the last 3 years?' }).getByLabel('Yes', { exact: true }).check();
    await page.getByRole('group', { name: 'When would you like the visit?' }).getByLabel('A weekday morning').check();
    await page.getByRole('group', { name: 'Is there an automatic sprinkler system to test?' }).getByLabel('No', { exact: true }).check();
    await Promise.all([page.waitForURL(/error=not_eligible&field=answers\.last-visit/), page.getByRole('button', { name: 'Send the application' }).click()]);
    await expect(page.locator('[data-field-error="answers.last-visit"]').textContent()).resolves.toContain('one check-up every 3 years');
    await accessible(page, true);
    await page.getByRole('group', { name: 'Has the address had a check-up in the last 3 years?' }).getByLabel('No', { exact: true }).check();
    await page.getByRole('group', { name: 'When would you like the visit?' }).getByLabel('A weekday morning').check();
    await page.getByRole('group', { name: 'Is there an automatic sprinkler system to test?' }).getByLabel('No', { exact: true }).check();
    await Promise.all([page.waitForURL(/\/account\/programs\/application\/\?id=.+status=applied/), page.getByRole('button', { name: 'Send the application' }).click()]);
    await expect(page.getByText('Free home water check-up').first().isVisible()).resolves.toBe(true);
    await accessible(page, true);
    await context.close();
  });

  it('withdraws an application from its page after ticking the confirmation, and offers the form no more', async () => {
    const who = await registeredCustomer(origin, 'acct-0288', 'withdraw');
    const { page, context } = await openPage(chromium.browser);
    page.setDefaultTimeout(15_000);
    await signInThroughForm(page, origin, who);
    await page.goto(`${origin}/account/programs/apply/home-water-checkup/`);
    await page.getByRole('group', { name: 'Has the address had a check-up in the last 3 years?' }).getByLabel('No', { exact: true }).check();
    await page.getByRole('group', { name: 'When would you like the visit?' }).getByLabel('A weekday morning').check();
    await page.getByRole('group', { name: 'Is there an automatic sprinkler system to test?' }).getByLabel('No', { exact: true }).check();
    await Promise.all([page.waitForURL(/\/account\/programs\/application\/\?id=.+status=applied/), page.getByRole('button', { name: 'Send the application' }).click()]);

    const section = page.getByRole('region', { name: 'Withdraw this application' });
    await expect(section.isVisible()).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The box is required: the browser keeps the form until it is ticked.
    await section.getByRole('button', { name: 'Withdraw the application' }).click();
    expect(page.url()).toMatch(/status=applied/);
    await section.getByLabel('I want to withdraw this application').check();
    await Promise.all([page.waitForURL(/\/account\/programs\/application\/\?id=.+status=withdrawn/), section.getByRole('button', { name: 'Withdraw the application' }).click()]);
    await expect(page.getByText('Your application is withdrawn.').isVisible()).resolves.toBe(true);
    await expect(page.locator('[data-fill="application"]').getByText('Withdrawn').first().isVisible()).resolves.toBe(true);
    await expect(page.getByRole('region', { name: 'Withdraw this application' }).count()).resolves.toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
});
