/**
 * Start, stop and move in Chromium, against the portal `wrangler dev` serves: a demo customer asks
 * to move, follows the request, and a support agent confirms it in the staff console; a newcomer
 * asks to start service without a login. Every page axe-clean.
 */
import { describe, expect, inject, it } from 'vitest';
import { addDays, localDay } from '../../worker/usage/time';
import { expectAccessible, openPage, useChromium } from './browser';
import { signInAsDemoStaff, signInThroughForm } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();
const inDays = (n: number) => addDays(localDay(Date.now(), 'America/Los_Angeles'), n);

describe('start, stop and move, in Chromium', () => {
  it('a customer asks to move, an administrator confirms it, and the customer sees it confirmed', async () => {
    const customer = await openPage(chromium.browser);
    customer.page.setDefaultTimeout(15_000);
    // The demo household that moved in on 1 September (db/demo/move.ts); no other browser test uses it.
    await signInThroughForm(customer.page, origin, { email: 'moved-in@customers.example', password: 'Demo-water-meter-2026' });
    await customer.page.goto(`${origin}/account/services/`);
    await expectAccessible(chromium.browser, customer.page, false);
    const move = customer.page.locator('form[action="/api/services/move"]');
    await move.getByLabel('Last day at the old address').fill(inDays(30));
    await move.getByLabel('New street address').fill('8 Willow Lane');
    await move.getByLabel('City').fill('Alder Creek');
    await move.getByLabel('ZIP code').fill('95990');
    await move.getByLabel('First day at the new address').fill(inDays(31));
    await Promise.all([customer.page.waitForURL(/status=move-requested/), move.getByRole('button', { name: 'Ask to move' }).click()]);
    await expect(customer.page.locator('[data-fill="requests"]').textContent()).resolves.toContain('Waiting for staff');
    await expectAccessible(chromium.browser, customer.page, false);

    const staff = await openPage(chromium.browser);
    staff.page.setDefaultTimeout(15_000);
    await signInAsDemoStaff(staff.page, origin, 'admin');
    await staff.page.goto(`${origin}/staff/services/`);
    await expectAccessible(chromium.browser, staff.page, false);
    const request = staff.page.locator('section.request', { hasText: '8 Willow Lane' }).first();
    await Promise.all([staff.page.waitForURL(/status=request-confirmed/), request.getByRole('button', { name: 'Confirm' }).click()]);

    await customer.page.reload();
    await expect(customer.page.locator('[data-fill="requests"]').textContent()).resolves.toContain('Confirmed');
    expect(customer.consoleErrors).toEqual([]);
    await staff.context.close();
    await customer.context.close();
  });

  it('a newcomer asks to start service without a login', async () => {
    const { page, context, consoleErrors } = await openPage(chromium.browser, { javaScriptEnabled: false });
    page.setDefaultTimeout(15_000);
    await page.goto(`${origin}/services/start/`);
    await expectAccessible(chromium.browser, page, true);
    await page.getByLabel('Street address').fill('3 Fern Court');
    await page.getByLabel('City').fill('Alder Creek');
    await page.getByLabel('ZIP code').fill('95990');
    await page.getByLabel('First day of service').fill(inDays(14));
    await page.getByLabel('Your name').fill('Robin Newcomer');
    await page.getByLabel('E-mail address').fill(`e2e-newcomer-${Date.now()}@mail.example`);
    await page.getByLabel('Phone').fill('(209) 555-0188');
    await Promise.all([page.waitForURL(/status=start-requested/), page.getByRole('button', { name: 'Ask to start service' }).click()]);
    await expect(page.locator('[data-message]').textContent()).resolves.toContain('We received your request to start service');
    await expectAccessible(chromium.browser, page, true);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
