import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getPlatformProxy } from 'wrangler';
import { demoAccounts } from '../../db/demo/customers';
import { DEMO_SEED } from '../../db/demo/dataset';
import { seededRandom } from '../../db/demo/random';
import { launchChromium, openPage, seriousAxeViolations } from './browser';
import { signInAsDemoStaff } from './sign-in';

const origin = inject('portalOrigin');
const persistTo = inject('portalPersistTo');
const customer = demoAccounts(seededRandom(DEMO_SEED))[2]!;
let browser: Browser;
let proxy: Awaited<ReturnType<typeof getPlatformProxy<{ DB: D1Database }>>>;

beforeAll(async () => {
  browser = await launchChromium();
  // The portal's own local D1, opened beside the running wrangler dev (same state directory).
  proxy = await getPlatformProxy<{ DB: D1Database }>({ configPath: 'wrangler.toml', persist: { path: `${persistTo}/v3` }, remoteBindings: false });
});
afterAll(async () => {
  await browser?.close();
  await proxy?.dispose();
});

describe('a privacy request in Chromium', () => {
  it('is filed by a visitor, verified through the e-mail link, fulfilled by the privacy officer; axe-clean throughout', async () => {
    const visitor = await openPage(browser);
    const { page } = visitor;
    await page.goto(`${origin}/privacy/request/`);
    expect(await seriousAxeViolations(page), page.url()).toEqual([]);
    await page.getByLabel('Know what we hold about me').check();
    await page.getByLabel("Customer's full name").fill(customer.holderName);
    await page.getByLabel('E-mail address to reach you').fill(customer.email);
    await page.getByLabel('Utility account number').fill(customer.accountNumber);
    await page.getByLabel('ZIP code').fill(customer.servicePoint.postalCode);
    await page.getByLabel('I declare that the information').check();
    await page.getByLabel('Type your full name to sign').fill(customer.holderName);
    await page.getByRole('button', { name: 'Send my request' }).click();
    await page.waitForURL(/\/privacy\/request\/status\/\?r=/);
    await expect(page.locator('[data-state]').textContent()).resolves.toBe('Waiting for identity verification');
    const dueOn = await page.locator('[data-due]').getAttribute('data-due');
    expect(dueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await seriousAxeViolations(page), page.url()).toEqual([]);
    const statusUrl = page.url().replace('&filed=1', '');
    const requestId = new URL(statusUrl).searchParams.get('r')!;

    // The verification e-mail went to the address on file; open its link.
    const mail = await proxy.env.DB.prepare("SELECT body_text FROM outbox_emails WHERE kind = 'privacy-request-verify' AND to_address = ?1 AND body_text LIKE ?2").bind(customer.email, `%${requestId}%`).first<{ body_text: string }>();
    const link = /http\S+\/privacy\/request\/verify\/\?\S+/.exec(mail!.body_text)![0];
    await page.goto(link);
    expect(await seriousAxeViolations(page), page.url()).toEqual([]);
    await page.getByRole('button', { name: 'Yes, confirm the request' }).click();
    await page.waitForURL(/verified=1/);
    await expect(page.locator('[data-state]').textContent()).resolves.toBe('Identity verified');

    // The privacy officer works the queue.
    const officer = await openPage(browser);
    await signInAsDemoStaff(officer.page, origin, 'privacy_officer');
    await officer.page.goto(`${origin}/staff/`);
    expect(await seriousAxeViolations(officer.page)).toEqual([]);
    await officer.page.locator(`a[href="/staff/request/?id=${requestId}"]`).click();
    await officer.page.getByRole('button', { name: 'Start work' }).click();
    await officer.page.getByText('Work started.').waitFor();
    expect(await seriousAxeViolations(officer.page)).toEqual([]);
    await officer.page.getByRole('button', { name: 'Send the access package' }).click();
    await officer.page.getByText('Request fulfilled.').waitFor();
    expect(await seriousAxeViolations(officer.page)).toEqual([]);

    // The visitor sees the answer at the status link.
    await page.goto(statusUrl);
    await expect(page.locator('[data-state]').textContent()).resolves.toBe('Completed');
    expect(await seriousAxeViolations(page), page.url()).toEqual([]);
    expect(visitor.consoleErrors).toEqual([]);
    expect(officer.consoleErrors).toEqual([]);
    await visitor.context.close();
    await officer.context.close();
  });
});
