/**
 * Green Button Connect My Data in Chromium: the demo customer authorises the development third
 * party, narrows what it gets, sees the release on "Connected applications", stops it there, and
 * the third party's next call is refused. Every page on the way passes axe (WCAG 2.2 AA).
 */
import { describe, expect, inject, it } from 'vitest';
import { openPage, seriousAxeViolations, useChromium } from './browser';
import { registeredCustomer, signInAsDemoCustomer, signInAsDemoStaff } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();

describe('Connect My Data in Chromium', () => {
  it('authorises the demo third party with narrowed data, logs the release, and stops it on request', async () => {
    const { page, context, consoleErrors } = await openPage(chromium.browser);
    await signInAsDemoCustomer(page, origin);

    // The third party's site sends the customer to the portal's consent screen.
    await page.goto(`${origin}/dev/third-party/`);
    await Promise.all([page.waitForURL(/\/account\/sharing\/authorize\/\?request=/), page.getByRole('button', { name: 'Connect your Alder Creek data' }).click()]);
    const main = page.locator('main');
    expect(await main.textContent()).toContain('Bright Meter Analytics (a demo company)');
    expect(await main.textContent()).toContain('Showing you when your home uses the most water and electricity');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Narrow it: no electricity, no billing-period totals, the last 30 days only.
    const electric = page.getByLabel(/^Electricity meter/);
    for (let i = 0; i < (await electric.count()); i++) await electric.nth(i).uncheck();
    await page.getByLabel(/Billing-period totals/).uncheck();
    await page.getByLabel(/How far back/).fill('30');
    await Promise.all([page.waitForURL(/\/dev\/third-party\/callback\?/), page.getByRole('button', { name: 'Allow', exact: true }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Connected');
    expect(await page.locator('code').textContent()).toBe('FB=1_4_5;IntervalDuration=900;HistoryLength=2592000');
    const fetched = await page.locator('#fetch-result').textContent();
    expect(fetched).toMatch(/^Fetched 1 service\(s\), \d+ day\(s\) of reads \(\d+ readings\) and 0 billing-period total\(s\)\.$/);

    // The customer, in another tab, sees the release and stops it.
    const sharing = await context.newPage();
    await sharing.goto(`${origin}/account/sharing/applications/`);
    const app = sharing.locator('section.connected-app', { hasText: 'Bright Meter (demo)' }).first();
    expect(await app.textContent()).toMatch(/Water data, meter reads, /);
    expect(await seriousAxeViolations(sharing)).toEqual([]);
    await Promise.all([sharing.waitForURL(/status=connect_revoked/), app.getByRole('button', { name: 'Stop sharing with Bright Meter (demo)' }).click()]);
    expect(await sharing.locator('[data-message]').textContent()).toContain('can no longer fetch your data');
    expect(await seriousAxeViolations(sharing)).toEqual([]);

    // The third party's next call is refused.
    await Promise.all([page.waitForURL(/\/dev\/third-party\/fetch$/), page.getByRole('button', { name: 'Fetch the data again' }).click()]);
    expect(await page.locator('#fetch-result').textContent()).toContain('The portal refused the request (401)');
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('brings a customer who was signed out back to the application’s request once they sign in', async () => {
    const who = await registeredCustomer(origin, 'acct-0284', 'connect-return');
    const { page, context, consoleErrors } = await openPage(chromium.browser);
    await page.goto(`${origin}/dev/third-party/`);
    await Promise.all([page.waitForURL(/\/login\/\?error=unauthenticated/), page.getByRole('button', { name: 'Connect your Alder Creek data' }).click()]);
    await page.getByLabel('E-mail address').fill(who.email);
    await page.getByLabel('Password', { exact: true }).fill(who.password);
    await Promise.all([page.waitForURL(/\/account\/sharing\/authorize\/\?request=/), page.locator('form[action="/api/accounts/login"] button[type="submit"]').click()]);
    expect(await page.locator('main').textContent()).toContain('Bright Meter Analytics (a demo company)');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('shows an administrator the demo application on the staff page, which passes axe', async () => {
    const { page, context } = await openPage(chromium.browser);
    await signInAsDemoStaff(page, origin, 'admin');
    await page.goto(`${origin}/staff/connect/`);
    expect(await page.locator('table').textContent()).toContain('Bright Meter (demo)');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
});
