/**
 * Two utilities on one portal, in Chromium: Juniper Valley Water (the demo's second, water-only
 * utility) answers at juniper-valley.localhost, with its own site, notice, logins and data, beside
 * Alder Creek at localhost. Chromium sends *.localhost to this machine, as it does localhost.
 */
import { describe, expect, inject, it } from 'vitest';
import { DEMO_STAFF_PASSWORD } from '../../db/demo/logins';
import { JUNIPER_DEMO_CUSTOMER, JUNIPER_DEMO_STAFF } from '../../db/demo/juniper-valley';
import { openPage, seriousAxeViolations, useChromium } from './browser';
import { signInAsDemoCustomer, signInThroughForm } from './sign-in';

const origin = inject('portalOrigin');
const juniper = (() => {
  const url = new URL(origin);
  url.hostname = `juniper-valley.${url.hostname}`;
  return url.origin;
})();
const chromium = useChromium();

describe('a second utility on the same portal, in Chromium', () => {
  it("shows Juniper Valley's own site, brand and privacy notice at its host, with no serious axe violations", async () => {
    const { page, context, consoleErrors, requests } = await openPage(chromium.browser);
    await page.goto(`${juniper}/`);
    expect(await page.locator('html').getAttribute('data-tenant')).toBe('juniper-valley');
    expect(await page.locator('header').textContent()).toContain('Juniper Valley Water');
    expect(await page.content()).not.toMatch(/Alder Creek|aldercreek/);
    // Its own brand colour, from the one stylesheet.
    const brand = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--brand').trim());
    expect(brand).toBe('#2f6b3a');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.goto(`${juniper}/privacy/`);
    expect(await page.locator('main').textContent()).toContain('Juniper Valley Water District');
    expect(await page.locator('main').textContent()).toContain('1.0');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(requests.every((u) => u.startsWith(juniper))).toBe(true);
    await context.close();
  });

  it("signs the same person in to each utility with that utility's own login, and shows each its own account", async () => {
    const { page, context } = await openPage(chromium.browser);
    await signInThroughForm(page, juniper, JUNIPER_DEMO_CUSTOMER);
    await page.goto(`${juniper}/account/usage/`);
    await page.waitForSelector('#usage-table tbody tr');
    expect(await page.locator('#usage-summary').textContent()).toMatch(/gallons of water/);
    // Water only: no electricity meter to choose.
    expect(await page.locator('#usage-meter option', { hasText: /electric/i }).count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.goto(`${juniper}/account/`);
    expect(await page.locator('main').textContent()).not.toContain('acct-0001 ');

    // The Juniper Valley session is not a session at Alder Creek (cookies are per host): signed out there.
    const alder = await page.goto(`${origin}/api/accounts/me`);
    expect(alder?.status()).toBe(401);
    await signInAsDemoCustomer(page, origin);
    const me = await (await page.goto(`${origin}/api/accounts/me`))!.json();
    expect(JSON.stringify(me)).not.toContain('jv-acct');
    await context.close();
  });

  it("lets Juniper Valley's privacy officer in at its host only", async () => {
    const { page, context } = await openPage(chromium.browser);
    const officer = JUNIPER_DEMO_STAFF.find((s) => s.role === 'privacy_officer')!;
    await signInThroughForm(page, juniper, { email: officer.email, password: DEMO_STAFF_PASSWORD, totpSecret: officer.totpSecret });
    const res = await page.goto(`${juniper}/staff/`);
    expect(res?.status()).toBe(200);
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The same login does not exist at Alder Creek.
    await page.goto(`${origin}/login/`);
    await page.getByLabel('E-mail address').fill(officer.email);
    await page.getByLabel('Password', { exact: true }).fill(DEMO_STAFF_PASSWORD);
    await page.locator('form[action="/api/accounts/login"] button[type="submit"]').click();
    await page.waitForSelector('[role="alert"]:not([hidden])');
    expect(new URL(page.url()).pathname).toBe('/login/');
    await context.close();
  });
});
