import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, openPage, seriousAxeViolations } from './browser';

const origin = inject('portalOrigin');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('public pages in Chromium', () => {
  it('renders the home page with no console errors and no serious axe violations', async () => {
    const { page, consoleErrors, context } = await openPage(browser);
    const res = await page.goto(`${origin}/`);
    expect(res?.status()).toBe(200);
    await expect(page.locator('h1').count()).resolves.toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
