import { describe, expect, inject, it } from 'vitest';
import { openPage, seriousAxeViolations, useChromium } from './browser';

const origin = inject('portalOrigin');
const chromium = useChromium();

/** Every public page the running portal lists in its sitemap, as paths. */
async function sitemapPaths(): Promise<string[]> {
  const locs = (xml: string) => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!.trim()).pathname);
  const index = await (await fetch(`${origin}/sitemap-index.xml`)).text();
  const paths: string[] = [];
  for (const sitemap of locs(index)) paths.push(...locs(await (await fetch(`${origin}${sitemap}`)).text()));
  return paths;
}

describe('public pages in Chromium', () => {
  it('renders the home page with no console errors and no serious axe violations', async () => {
    const { page, consoleErrors, context } = await openPage(chromium.browser);
    const res = await page.goto(`${origin}/`);
    expect(res?.status()).toBe(200);
    await expect(page.locator('h1').count()).resolves.toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('renders the current privacy notice with its version, date, summary and working contents links', async () => {
    const { page, consoleErrors, context } = await openPage(chromium.browser);
    const res = await page.goto(`${origin}/privacy/`);
    expect(res?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Privacy notice');
    await expect(page.locator('.meta').first().textContent()).resolves.toContain('Version 3.2, effective November 30, 2026');
    await expect(page.getByRole('heading', { name: 'In short' }).isVisible()).resolves.toBe(true);
    await page.getByRole('navigation', { name: 'Contents' }).getByRole('link', { name: 'How long we keep information' }).click();
    expect(new URL(page.url()).hash).toBe('#how-long-we-keep-information');
    await expect(page.getByRole('table').isVisible()).resolves.toBe(true);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('opens the history, an archived version and the comparison of consecutive versions', async () => {
    const { page, consoleErrors, context } = await openPage(chromium.browser);
    await page.goto(`${origin}/privacy/history/`);
    await page.getByRole('link', { name: 'Read version 1.0' }).click();
    await page.waitForURL(`${origin}/privacy/versions/1-0/`);
    await expect(page.getByRole('note').textContent()).resolves.toContain('Archived version, not current.');

    await page.goto(`${origin}/privacy/history/`);
    await page.getByRole('link', { name: 'Compare with version 1.0' }).click();
    await page.waitForURL(`${origin}/privacy/changes/1-0-to-2-0/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Changes from version 1.0 to version 2.0');
    expect(await page.locator('main ins').count()).toBeGreaterThan(5);
    expect(await page.locator('main del').count()).toBeGreaterThan(2);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('follows the privacy notice to the yearly request figures, one table per year, and their CSV', async () => {
    const { page, consoleErrors, context } = await openPage(chromium.browser);
    await page.goto(`${origin}/privacy/`);
    await page.getByRole('link', { name: 'How many privacy requests we received each year, and how we answered them' }).click();
    await page.waitForURL(`${origin}/privacy/request-metrics/`);
    const year = new Date().getFullYear();
    const current = page.getByRole('region', { name: `${year}, so far` });
    await expect(current.getByRole('rowheader').allTextContents()).resolves.toEqual([
      'Requests to know',
      'Requests to delete',
      'Requests to correct',
      'Requests to opt out of sale or sharing',
      'Requests to limit the use of sensitive information',
    ]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download every year as CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('privacy-requests-by-year.csv');
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('answers an unknown page with the 404 page', async () => {
    const { page, context } = await openPage(chromium.browser);
    const res = await page.goto(`${origin}/no-such-page/`);
    expect(res?.status()).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toBe('Page not found');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });

  it('finds no serious or critical axe violation and no console error on any page in the sitemap', async () => {
    const paths = await sitemapPaths();
    expect(paths.length).toBeGreaterThan(10);
    const { page, consoleErrors, context } = await openPage(chromium.browser);
    const problems: Record<string, unknown> = {};
    for (const path of paths) {
      const res = await page.goto(`${origin}${path}`);
      if (res?.status() !== 200) problems[path] = `HTTP ${res?.status()}`;
      const violations = await seriousAxeViolations(page);
      if (violations.length) problems[path] = violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
      if (consoleErrors.length) problems[path] = consoleErrors.splice(0);
    }
    expect(problems).toEqual({});
    await context.close();
  }, 180_000);
});
