/**
 * The utility's reports in Chromium, on the demo data: the privacy officer opens them from the
 * staff console; each report is a chart with its table, the tables are reachable by keyboard, and
 * the page is axe-clean.
 */
import { describe, expect, inject, it } from 'vitest';
import { expectAccessible, openPage, useChromium } from './browser';
import { signInAsDemoStaff } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();

describe('staff reports, in Chromium', () => {
  it('shows the privacy officer each report as a chart beside its table, hiding groups under 10 homes', async () => {
    const { page, context, consoleErrors } = await openPage(chromium.browser);
    await signInAsDemoStaff(page, origin, 'privacy_officer');
    await page.goto(`${origin}/staff/`);
    await Promise.all([page.waitForURL(`${origin}/staff/reports/`), page.getByRole('navigation', { name: 'Staff console' }).getByRole('link', { name: 'Reports' }).click()]);
    for (const name of ['Water use by area and month', 'Alerts by type', 'Program uptake', 'Cookie choices', 'Visits']) {
      await expect(page.getByRole('heading', { level: 2, name }).isVisible(), name).resolves.toBe(true);
    }
    // The demo's areas have enough homes for their monthly use to show.
    const water = page.getByRole('region', { name: 'Water use by area and month: gallons per home per day (homes)' });
    await expect(water.getByRole('cell', { name: /homes\)$/ }).count()).resolves.toBeGreaterThan(0);
    await expect(page.getByRole('img', { name: /^Cookie choices by month\. The table beside the chart has every figure\.$/ }).count()).resolves.toBe(1);
    // Each table scrolls on its own and takes the keyboard focus to do so.
    await water.focus();
    await expect(water.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await expectAccessible(chromium.browser, page, false);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 120_000);
});
