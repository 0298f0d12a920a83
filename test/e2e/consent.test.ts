import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { openPage, seriousAxeViolations, useChromium } from './browser';

const origin = inject('portalOrigin');
const chromium = useChromium();

const NECESSARY = ['__Host-consent', '__Host-session', '__Host-device', '__Host-db-bookmark'];
const cookieNames = async (context: BrowserContext) => (await context.cookies(origin)).map((c) => c.name).sort();
const nonEssential = async (context: BrowserContext) => (await cookieNames(context)).filter((n) => !NECESSARY.includes(n));
const beacons = (requests: string[]) => requests.filter((u) => new URL(u).pathname === '/api/visits');
const banner = (page: Page) => page.getByRole('region', { name: 'Cookies on this site' });

/** Leaves the page the way a visitor does, so a leave beacon would fire if one were allowed. */
async function leaveAndSettle(page: Page) {
  await page.goto(`${origin}/404-not-here/`);
  await page.goto(`${origin}/`);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300))));
}

describe('cookie consent in Chromium', () => {
  it('shows the banner on a first visit with no cookie and no request beyond the page’s own assets', async () => {
    const { page, context, requests, consoleErrors } = await openPage(chromium.browser);
    await page.goto(`${origin}/`);
    await expect(banner(page).isVisible()).resolves.toBe(true);
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    expect(await cookieNames(context)).toEqual([]);
    for (const url of requests) {
      expect(new URL(url).origin).toBe(origin);
      expect(new URL(url).pathname.startsWith('/api/')).toBe(false);
    }
    // No box is ticked in advance.
    await banner(page).getByText('Customize').click();
    expect(await page.locator('[data-cc-banner] input[type=checkbox]:checked').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('"Reject all" leaves no non-essential cookie and sends no beacon', async () => {
    const { page, context, requests } = await openPage(chromium.browser);
    await page.goto(`${origin}/`);
    await banner(page).getByRole('button', { name: 'Reject all' }).click();
    await banner(page).waitFor({ state: 'hidden' });
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Analytics is off');
    expect(await cookieNames(context)).toEqual(['__Host-consent']);
    await leaveAndSettle(page);
    expect(await banner(page).count()).toBe(0);
    expect(beacons(requests)).toEqual([]);
    expect(await nonEssential(context)).toEqual([]);
    await context.close();
  });

  it('"Accept all" sets the analytics cookie and sends the page-view beacon', async () => {
    const { page, context, requests } = await openPage(chromium.browser);
    await page.goto(`${origin}/`);
    expect(beacons(requests)).toEqual([]);
    const beacon = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/visits');
    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    expect((await beacon).status()).toBe(204);
    expect(await cookieNames(context)).toEqual(['__Host-consent', '__Host-visit']);
    // The next page counts itself and the previous one reports its time on page.
    const next = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/visits' && r.postData()?.includes('"view"') === true && r.postData()?.includes('/privacy/choices/') === true);
    await page.goto(`${origin}/privacy/choices/`);
    await next;
    // Page view of /, its leave beacon, then the page view of /privacy/choices/.
    expect(beacons(requests).length).toBeGreaterThanOrEqual(2);
    await context.close();
  });

  it('the footer "Cookie settings" link reopens the choices, and withdrawing removes the analytics cookie', async () => {
    const { page, context } = await openPage(chromium.browser);
    await page.goto(`${origin}/`);
    const beacon = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/visits');
    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    await beacon;
    expect(await cookieNames(context)).toContain('__Host-visit');

    await page.getByRole('contentinfo').getByRole('link', { name: 'Cookie settings' }).click();
    await page.waitForURL(`${origin}/privacy/choices/#cookies`);
    await expect(page.getByRole('checkbox', { name: 'Analytics (first-party only)' }).isChecked()).resolves.toBe(true);
    await expect(page.locator('[data-cc-state]').textContent()).resolves.toContain('you allowed');

    await page.getByRole('button', { name: 'Withdraw my consent' }).click();
    await page.waitForURL(`${origin}/privacy/choices/?consent=withdrawn#cookies`);
    await expect(page.locator('[data-cc-flash]').textContent()).resolves.toContain('withdrawn');
    expect(await nonEssential(context)).toEqual([]);
    await expect(page.getByRole('checkbox', { name: 'Analytics (first-party only)' }).isChecked()).resolves.toBe(false);
    await context.close();
  });

  it('honours Sec-GPC: 1 — the banner says so and no beacon ever fires, even after "Accept all"', async () => {
    const { page, context, requests } = await openPage(chromium.browser, { extraHTTPHeaders: { 'Sec-GPC': '1' } });
    await page.goto(`${origin}/`);
    await expect(banner(page).getByText('Global Privacy Control detected').isVisible()).resolves.toBe(true);
    await banner(page).getByText('Customize').click();
    await expect(banner(page).getByRole('checkbox', { name: 'Analytics (first-party only)' }).isDisabled()).resolves.toBe(true);
    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    await banner(page).waitFor({ state: 'hidden' });
    await leaveAndSettle(page);
    await page.goto(`${origin}/privacy/choices/`);
    await expect(page.locator('[data-cc-gpc-state]').textContent()).resolves.toContain('Detected');
    expect(beacons(requests)).toEqual([]);
    expect(await nonEssential(context)).toEqual([]);
    await context.close();
  });

  it('honours navigator.globalPrivacyControl when no header reaches the site, storing nothing before a choice', async () => {
    const { page, context, requests } = await openPage(chromium.browser);
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
    await page.goto(`${origin}/`);
    await expect(banner(page).getByText('Global Privacy Control detected').isVisible()).resolves.toBe(true);
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    // Honoured in the page alone: no request records it and no cookie is set for a visitor who has not chosen.
    expect(requests.filter((u) => new URL(u).pathname === '/api/consent')).toEqual([]);
    expect(await cookieNames(context)).toEqual([]);
    const chosen = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/consent' && r.request().method() === 'POST');
    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    expect(JSON.parse((await chosen).request().postData() ?? '{}')).toMatchObject({ method: 'banner', analytics: false, gpc: true });
    await leaveAndSettle(page);
    expect(beacons(requests)).toEqual([]);
    expect(await nonEssential(context)).toEqual([]);
    await context.close();
  });

  it('works with the keyboard alone; Escape closes without accepting', async () => {
    const { page, context } = await openPage(chromium.browser);
    await page.goto(`${origin}/`);
    // The banner takes focus when the page loads, so it is announced and the next Tab is in it.
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('cookie-banner');
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('Cookie settings');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('Accept all');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('Reject all');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('Customize');
    await page.keyboard.press('Enter');
    await expect(page.locator('[data-cc-custom]').getAttribute('open')).resolves.toBe('');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => (document.activeElement as HTMLInputElement).name)).resolves.toBe('preferences');
    await page.keyboard.press('Escape');
    await expect(page.locator('[data-cc-custom]').getAttribute('open')).resolves.toBeNull();
    await expect(focused()).resolves.toBe('Customize');
    await page.keyboard.press('Escape');
    await banner(page).waitFor({ state: 'hidden' });
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');
    expect(await cookieNames(context)).toEqual([]);

    // Next page: asked again. Choose analytics only, by keyboard.
    await page.goto(`${origin}/`);
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('Customize');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => (document.activeElement as HTMLInputElement).name)).resolves.toBe('analytics');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await expect(focused()).resolves.toBe('Save my choices');
    const beacon = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/visits');
    await page.keyboard.press('Enter');
    await beacon;
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');
    expect(await cookieNames(context)).toEqual(['__Host-consent', '__Host-visit']);
    await context.close();
  });

  it('has no serious axe violation with the banner open and with Customize open', async () => {
    const { page, context } = await openPage(chromium.browser);
    await page.goto(`${origin}/`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await banner(page).getByText('Customize').click();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.goto(`${origin}/privacy/choices/`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });

  it('gives Accept all, Reject all and Customize equal prominence', async () => {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 375, height: 740 }]) {
      const { page, context } = await openPage(chromium.browser, { viewport });
      await page.goto(`${origin}/`);
      const controls = [
        banner(page).getByRole('button', { name: 'Accept all' }),
        banner(page).getByRole('button', { name: 'Reject all' }),
        banner(page).locator('summary', { hasText: 'Customize' }),
      ];
      const boxes = await Promise.all(controls.map((c) => c.boundingBox()));
      for (const box of boxes) {
        expect(box).not.toBeNull();
        expect(Math.abs(box!.width - boxes[0]!.width)).toBeLessThanOrEqual(1);
        expect(Math.abs(box!.height - boxes[0]!.height)).toBeLessThanOrEqual(1);
      }
      const props = ['color', 'background-color', 'font-size', 'font-weight', 'font-family', 'border-top-color', 'border-top-width', 'padding-top', 'padding-left', 'text-decoration-line', 'opacity'];
      const styles = await Promise.all(controls.map((c) => c.evaluate((el, names) => names.map((n) => getComputedStyle(el).getPropertyValue(n)), props)));
      expect(styles[1]).toEqual(styles[0]);
      expect(styles[2]).toEqual(styles[0]);
      await context.close();
    }
  });

  it('works with JavaScript off through the plain forms, leaving no non-essential cookie', async () => {
    const { page, context, requests } = await openPage(chromium.browser, { javaScriptEnabled: false });
    await page.goto(`${origin}/`);
    await expect(banner(page).isVisible()).resolves.toBe(true);
    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    await page.waitForURL(`${origin}/?consent=saved`);
    await expect(page.getByText('Your cookie choices are saved.').isVisible()).resolves.toBe(true);
    expect(await banner(page).count()).toBe(0);
    expect(await cookieNames(context)).toEqual(['__Host-consent']);

    await page.goto(`${origin}/privacy/choices/`);
    await page.getByRole('checkbox', { name: 'Analytics (first-party only)' }).uncheck();
    await page.getByRole('button', { name: 'Save my choices' }).click();
    await page.waitForURL(`${origin}/privacy/choices/?consent=saved#cookies`);
    await expect(page.locator('[data-cc-state]').textContent()).resolves.toContain('you allowed: Preferences');
    await page.getByRole('button', { name: 'Withdraw my consent' }).click();
    await page.waitForURL(`${origin}/privacy/choices/?consent=withdrawn#cookies`);
    await expect(page.locator('[data-cc-state]').textContent()).resolves.toContain('strictly necessary cookies only');
    expect(beacons(requests)).toEqual([]);
    expect(await nonEssential(context)).toEqual([]);
    await context.close();
  });
});
