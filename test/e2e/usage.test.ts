import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { DEMO_CUSTOMER } from '../../db/demo/logins';
import { DEMO_MOVE_LOGINS } from '../../db/demo/move';
import { USAGE_FIRST_DAY, USAGE_LAST_DAY } from '../../db/demo/usage';
import { openPage, seriousAxeViolations, useChromium } from './browser';
import { signInAsDemoCustomer, signInThroughForm } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();

/** A browser signed in through the login form as the documented demo customer (holder of acct-0001). */
async function signedInPage() {
  const opened = await openPage(chromium.browser);
  await signInAsDemoCustomer(opened.page, origin);
  return opened;
}

describe('usage page in Chromium', () => {
  it('asks an anonymous visitor to sign in', async () => {
    const { page, context } = await openPage(chromium.browser);
    await page.goto(`${origin}/account/usage/`);
    await expect(page.locator('#usage-status').textContent({ timeout: 10_000 })).resolves.toContain('');
    await page.waitForSelector('#usage-status a[href^="/login/"]');
    expect(await page.locator('#usage-result').isHidden()).toBe(true);
    await context.close();
  });

  it('shows the demo customer a chart, a table with the same numbers and a summary, with no serious axe violations', async () => {
    const { page, context, consoleErrors, requests } = await signedInPage();
    const res = await page.goto(`${origin}/account/usage/`);
    expect(res?.status()).toBe(200);
    await page.waitForSelector('#usage-table tbody tr');
    // Last 30 days by day: 30 bars (or missing ticks) and 30 table rows.
    expect(await page.locator('#usage-table tbody tr').count()).toBe(30);
    expect(await page.locator('#usage-chart svg[role="img"] rect.bar, #usage-chart svg rect.bar-estimated, #usage-chart svg rect.bar-missing').count()).toBe(30);
    expect(await page.locator('#usage-summary').textContent()).toMatch(/^From .+ you used [\d,.]+ gallons of water, (\d+% (less|more) than|about the same as) the same days last year\./);
    // The chart's numbers are the table's numbers.
    const first = await page.locator('#usage-table tbody tr').first().locator('td').first().textContent();
    const firstBar = await page.locator('#usage-chart svg rect.bar title, #usage-chart svg rect.bar-estimated title').first().textContent();
    expect(firstBar).toContain(first!.trim());
    expect(await page.locator('#usage-chart path.line-last-year').count()).toBe(1);
    expect(await page.locator('#usage-chart path.line-similar').count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Months over the last 13 months.
    await page.selectOption('#usage-range', '395');
    await page.selectOption('#usage-resolution', 'month');
    await page.waitForFunction(() => document.querySelectorAll('#usage-table tbody tr').length >= 13 && document.querySelectorAll('#usage-table tbody tr').length <= 14);
    await page.waitForSelector('#usage-month-summary:not(:empty)');
    expect(await page.locator('#usage-month-summary').textContent()).toMatch(/^You used .+ water in \w+ 2026 (than|as) in \w+ 2025\.$/);
    expect(await seriousAxeViolations(page)).toEqual([]);

    expect(consoleErrors).toEqual([]);
    expect(requests.every((u) => u.startsWith(origin))).toBe(true);
    await context.close();
  });

  it('shows each side of the demo move only its own days of the service point that changed hands', async () => {
    const [movedOut, movedIn] = DEMO_MOVE_LOGINS;
    type Listed = { meters: { id: string; firstDay: string | null; lastDay: string | null }[] };
    for (const [who, firstDay, lastDay] of [[movedOut, USAGE_FIRST_DAY, '2026-08-31'], [movedIn, '2026-09-01', USAGE_LAST_DAY]] as const) {
      const { page, context } = await openPage(chromium.browser);
      await signInThroughForm(page, origin, { email: who.email, password: DEMO_CUSTOMER.password });
      const list = await (await page.request.get(`${origin}/api/usage/meters`)).json() as Listed;
      expect(list.meters.map((m) => [m.id, m.firstDay, m.lastDay])).toEqual([['mtr-e-0012', firstDay, lastDay], ['mtr-w-0012', firstDay, lastDay]]);
      if (who === movedIn) {
        // Thirteen months by month: the months before the move-in are not this account's, and the page says so.
        await page.goto(`${origin}/account/usage/`);
        await page.waitForSelector('#usage-table tbody tr');
        await page.selectOption('#usage-range', '395');
        await page.selectOption('#usage-resolution', 'month');
        await page.waitForFunction(() => /moved in/.test(document.querySelector('#usage-summary')?.textContent ?? ''));
        expect(await page.locator('#usage-summary').textContent()).toContain('Days before you moved in on September 1, 2026 are not shown');
        expect(await page.locator('#usage-table tbody tr', { hasText: 'not your account' }).count()).toBeGreaterThanOrEqual(9);
        expect(await seriousAxeViolations(page)).toEqual([]);
      }
      await context.close();
    }
  });

  it('downloads a Green Button export that the ESPI schema accepts, when the schema is at hand', async () => {
    const { page, context } = await signedInPage();
    const res = await page.request.get(`${origin}/api/usage/meters/mtr-w-0001/export.xml?from=2026-10-25&to=2026-11-07`);
    expect(res.status()).toBe(200);
    const xml = await res.text();
    expect(xml).toContain('<espi:IntervalBlock>');
    const espi = [process.env.ESPI_DIR, resolve('../shared/espi'), '/work/shared/espi'].find((d) => d && existsSync(join(d, 'feed.xsd')));
    const xmllint = spawnSync('xmllint', ['--version']).status === 0;
    if (!espi || !xmllint) {
      console.warn('SKIPPED: Green Button schema validation (no ../shared/espi or no xmllint here).');
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'gb-'));
      const file = join(dir, 'export.xml');
      writeFileSync(file, xml);
      const check = spawnSync('xmllint', ['--noout', '--schema', join(espi, 'feed.xsd'), file], { env: { ...process.env, XML_CATALOG_FILES: join(espi, 'catalog.xml') }, encoding: 'utf8' });
      rmSync(dir, { recursive: true, force: true });
      expect(check.stderr).toContain('validates');
      expect(check.status).toBe(0);
    }
    // Another customer's meter is not there for this login.
    expect((await page.request.get(`${origin}/api/usage/meters/mtr-w-0002/export.xml?from=2026-10-25&to=2026-11-07`)).status()).toBe(404);
    await context.close();
  });
});
