/**
 * The whole alert journey in Chromium, against the portal `wrangler dev` serves (real ingest API,
 * real Queue, real D1): the demo customer tightens the continuous-flow setting, the utility's
 * system sends a batch with ten hours of water that never stops (signed as db/demo/ingest-send.ts
 * signs), the alert appears in the alert centre and is mailed (the dev outbox), and the customer
 * answers it. Ten hours would not alert at the utility's 24-hour default: the threshold the
 * customer set is what raised it. Then the same pages with JavaScript off.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { DEMO_CUSTOMER } from '../../db/demo/logins';
import { ingestAudience } from '../../worker/ingest/auth';
import { signClientAssertion } from '../../worker/ingest/client-assertion';
import { longDay } from '../../worker/alerts/centre/format';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import { addDays, localDay } from '../../worker/usage/time';
import { openPage, seriousAxeViolations, useChromium } from './browser';
import { signInAsDemoCustomer, signInAsDemoStaff, signInThroughForm } from './sign-in';

const origin = inject('portalOrigin');
const persistTo = inject('portalPersistTo');
const chromium = useChromium();

const WATER_METER = 'mtr-w-0001';

/** Sends a batch to the running portal's ingest API, signed with the demo client's key, as the utility's system would. */
async function sendBatch(body: unknown) {
  const client = JSON.parse(readFileSync(join(persistTo, 'demo-ingest-client.json'), 'utf8')) as { clientId: string; privateJwk: Record<string, string> };
  const text = JSON.stringify(body);
  const url = `${origin}/api/ingest/batches`;
  const token = await signClientAssertion({ privateJwk: client.privateJwk, clientId: client.clientId, audience: ingestAudience(origin), method: 'POST', url, body: new TextEncoder().encode(text) });
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: text });
}

/** Reloads `path` until `done` holds (the queue consumer runs after the batch is accepted). */
async function waitForPage(page: Page, path: string, done: () => Promise<boolean>, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.goto(`${origin}${path}`);
    if (await done()) return;
    if (Date.now() > deadline) throw new Error(`${path} did not show what was expected within ${timeoutMs} ms`);
    await page.waitForTimeout(1000);
  }
}

describe('alerts in Chromium', () => {
  it('the customer sets a threshold, a batch with a leak arrives, the alert shows and is mailed, and the customer answers it', async () => {
    const { page, context, consoleErrors, requests } = await openPage(chromium.browser);
    await signInAsDemoCustomer(page, origin);

    // 1. Alert settings: continuous flow after 6 hours instead of the utility's 24.
    await page.goto(`${origin}/account/alerts/settings/`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel('Hours of flow that never stops').selectOption('6');
    await Promise.all([page.waitForURL(/status=alert-settings-saved/), page.getByRole('button', { name: 'Save water alert settings' }).click()]);
    await expect(page.locator('[data-message]').textContent()).resolves.toContain('Your alert settings are saved');
    expect(await page.getByLabel('Hours of flow that never stops').inputValue()).toBe('6');

    // 2. The utility's system sends yesterday's hourly reads: water from 01:00 to 11:00 without a break, nothing otherwise.
    const yesterday = addDays(localDay(Date.now(), utility.timeZone), -1);
    const alertMail = page.locator('li.mail[data-kind="alert-opened"]', { has: page.locator('h2', { hasText: 'Water has been running without a break' }) });
    await page.goto(`${origin}/dev/outbox/`);
    const mailsBefore = await alertMail.count();
    const values = Array.from({ length: 24 }, (_, hour) => (hour >= 1 && hour <= 10 ? 2.5 : 0));
    const res = await sendBatch({ batchId: `e2e-alerts-${Date.now()}`, days: [{ meterId: WATER_METER, day: yesterday, values }] });
    expect(res.status, await res.clone().text()).toBeLessThan(300);

    // 3. The alert appears in the alert centre once the queue consumer has evaluated the reads.
    const openRow = page.locator('table.alerts-table').first().locator('tbody tr', { hasText: 'Water has been running without a break' }).filter({ hasText: longDay(yesterday) });
    await waitForPage(page, '/account/alerts/', async () => (await openRow.count()) > 0);
    expect(await openRow.first().textContent()).toContain('Not answered yet');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // 4. It was mailed to the customer (locally: the dev outbox).
    await waitForPage(page, '/dev/outbox/', async () => (await alertMail.count()) > mailsBefore);
    expect(await alertMail.first().textContent()).toContain(`${origin}/account/alerts/`);
    // The figures are those of the run that fired, not of the quiet hours after it.
    expect(await alertMail.first().textContent()).toContain('10 hours without stopping, never less than 2.5');

    // 5. The alert page: what the reads showed, a chart and the same reads as a table.
    await page.goto(`${origin}/account/alerts/`);
    await Promise.all([page.waitForURL(/\/account\/alerts\/alert\/\?id=/), openRow.first().getByRole('link').click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Water has been running without a break');
    await expect(page.locator('.alert-status').textContent()).resolves.toContain(`Open since ${longDay(yesterday)}`);
    expect(await page.locator('svg.alert-svg rect.bar').count()).toBeGreaterThanOrEqual(10);
    expect(await page.locator('svg.alert-svg rect.episode-band').count()).toBeGreaterThanOrEqual(1);
    await page.locator('details.alert-reads summary').click();
    expect(await page.locator('table.usage-table tbody tr.in-episode').count()).toBe(24);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // 6. The customer answers it; the answer is kept with its time and shown.
    await page.getByLabel('I found the cause and fixed it').check();
    await page.getByLabel('Anything you want to add (optional)').fill('A sprinkler valve was stuck open.');
    await Promise.all([page.waitForURL(/status=answered/), page.getByRole('button', { name: 'Send your answer' }).click()]);
    await expect(page.locator('[data-message]').textContent()).resolves.toContain('Your answer is saved');
    await expect(page.locator('ol.answers li').first().textContent()).resolves.toMatch(/Fixed.*A sprinkler valve was stuck open\./s);
    await page.getByLabel('What you did', { exact: true }).selectOption('irrigation_repair');
    await Promise.all([page.waitForURL(/status=action-saved/), page.getByRole('button', { name: 'Record this action' }).click()]);
    await expect(page.locator('ul.actions-taken').textContent()).resolves.toContain('Repaired a sprinkler head, line or valve');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The dashboard links the alert centre.
    await page.goto(`${origin}/account/`);
    expect(await page.locator('[data-fill="alerts-card"] a[href="/account/alerts/"]').count()).toBe(1);

    expect(consoleErrors).toEqual([]);
    expect(requests.every((u) => u.startsWith(origin))).toBe(true);
    await context.close();
  });

  it('works with JavaScript off: the list, the alert with its table, and an answer by plain form post', async () => {
    const { page, context } = await openPage(chromium.browser, { javaScriptEnabled: false });
    await signInThroughForm(page, origin, DEMO_CUSTOMER);
    await page.goto(`${origin}/account/alerts/`);
    const link = page.locator('table.alerts-table tbody tr th a').first();
    expect(await link.count()).toBe(1);
    await Promise.all([page.waitForURL(/\/account\/alerts\/alert\/\?id=/), link.click()]);
    expect(await page.locator('svg.alert-svg').count()).toBe(1);
    expect(await page.locator('table.usage-table tbody tr').count()).toBeGreaterThan(0);
    await page.getByLabel('I need help').check();
    await Promise.all([page.waitForURL(/status=answered-help/), page.getByRole('button', { name: 'Send your answer' }).click()]);
    await expect(page.locator('[data-message]').textContent()).resolves.toContain("customer service team's queue");
    await expect(page.locator('ol.answers li').first().textContent()).resolves.toContain('Asked for help');
    await context.close();
  });

  it('puts the request for help in the support queue, where an agent opens it (logged) and closes it', async () => {
    const { page, context, consoleErrors } = await openPage(chromium.browser);
    await signInAsDemoStaff(page, origin, 'support');
    await page.goto(`${origin}/staff/alerts/`);
    const item = page.locator('table.queue tbody tr').first();
    expect(await item.count()).toBe(1);
    // The queue names no one: the customer's name and note appear only once the agent opens the request.
    expect(await page.locator('main').textContent()).not.toContain(DEMO_CUSTOMER.email);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await Promise.all([page.waitForURL(/\/staff\/alerts\/help\/\?id=/), item.getByRole('link', { name: 'Open this request' }).click()]);
    await expect(page.locator('dl.facts').textContent()).resolves.toContain('Account number');
    await expect(page.locator('table.data').textContent()).resolves.toContain('Asked for help');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel('Note (what was done; no personal data)').fill('Called back; plumber booked.');
    await Promise.all([page.waitForURL(/done=closed/), page.getByRole('button', { name: 'Close the request' }).click()]);
    await expect(page.locator('[data-fill="problems"]').textContent()).resolves.toContain('The request is closed.');
    await expect(page.locator('[data-fill="item"]').textContent()).resolves.toContain('Called back; plumber booked.');
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
