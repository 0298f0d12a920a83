import type { Browser, Page } from 'playwright-core';
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

/** The code a mail's link to `path` carries in its fragment (the mail also shows it alone on a line). */
async function mailedLink(kind: string, to: string, requestId: string, path: string) {
  const mail = await proxy.env.DB.prepare('SELECT body_text FROM outbox_emails WHERE kind = ?1 AND to_address = ?2 AND body_text LIKE ?3').bind(kind, to, `%${requestId}%`).first<{ body_text: string }>();
  const link = new RegExp(`http\\S+${path.replaceAll('/', '\\/')}#code=\\S+`).exec(mail!.body_text)![0];
  const url = new URL(link);
  expect(url.search).toBe('');
  const code = new URLSearchParams(url.hash.slice(1)).get('code')!;
  expect(mail!.body_text.split('\n')).toContain(code);
  return { link, code };
}

/** Files a request through the form. axe needs script in the page, so it runs only where JavaScript is on. */
async function fileAsVisitor(page: Page, who: { holderName: string; email: string; accountNumber: string; servicePoint: { postalCode: string } }, axe = true) {
  await page.goto(`${origin}/privacy/request/`);
  if (axe) expect(await seriousAxeViolations(page), page.url()).toEqual([]);
  await page.getByLabel('Know what we hold about me').check();
  await page.getByLabel("Customer's full name").fill(who.holderName);
  await page.getByLabel('E-mail address to reach you').fill(who.email);
  await page.getByLabel('Utility account number').fill(who.accountNumber);
  await page.getByLabel('ZIP code').fill(who.servicePoint.postalCode);
  await page.getByLabel('I declare that the information').check();
  await page.getByLabel('Type your full name to sign').fill(who.holderName);
  await page.getByRole('button', { name: 'Send my request' }).click();
  // The answer to the post is the status page itself: no address ever carries its key.
  await page.locator('[data-state]').waitFor();
  expect(page.url()).not.toMatch(/[?&#](t|r|code)=/);
  await expect(page.locator('[data-state]').textContent()).resolves.toBe('Waiting for identity verification');
  const dueOn = await page.locator('[data-due]').getAttribute('data-due');
  expect(dueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  if (axe) expect(await seriousAxeViolations(page), page.url()).toEqual([]);
  const statusLink = new URL((await page.locator('a[data-status-link]').getAttribute('href'))!, origin).href;
  const statusCode = await page.getByLabel('Or keep this code').inputValue();
  const requestId = (await page.locator('dl.facts code').first().textContent())!;
  expect(statusLink).toBe(`${origin}/privacy/request/status/#code=${statusCode}`);
  return { statusLink, statusCode, requestId };
}

describe('a privacy request in Chromium', () => {
  it('is filed by a visitor, verified through the e-mail link, fulfilled by the privacy officer and downloaded; axe-clean throughout', async () => {
    const visitor = await openPage(browser);
    const { page } = visitor;
    const { statusLink, requestId } = await fileAsVisitor(page, customer);

    // The verification e-mail went to the address on file; its link fills the form from the fragment.
    const verify = await mailedLink('privacy-request-verify', customer.email, requestId, '/privacy/request/verify/');
    await page.goto(verify.link);
    await page.waitForURL(`${origin}/privacy/request/verify/`);
    await expect(page.getByLabel('Code from the e-mail').isHidden()).resolves.toBe(true);
    expect(await seriousAxeViolations(page), page.url()).toEqual([]);
    await page.getByRole('button', { name: 'Yes, confirm the request' }).click();
    await page.getByText('your request is confirmed').waitFor();
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

    // The visitor sees the answer at the status link (the page posts the fragment's code by itself).
    await page.goto(statusLink);
    await page.locator('[data-state]').waitFor();
    await expect(page.locator('[data-state]').textContent()).resolves.toBe('Completed');
    expect(page.url()).toBe(`${origin}/privacy/request/status/`);
    expect(await seriousAxeViolations(page), page.url()).toEqual([]);

    // The access package: the download page posts the code; the readable copy opens.
    const pkg = await mailedLink('privacy-request-package', customer.email, requestId, '/privacy/request/package/');
    await page.goto(pkg.link);
    await page.waitForURL(`${origin}/privacy/request/package/`);
    expect(await seriousAxeViolations(page), page.url()).toEqual([]);
    await page.getByRole('button', { name: 'Open the readable copy' }).click();
    await page.getByText(customer.holderName).first().waitFor();

    // No request either browser made carried a bearer value in its URL.
    expect([...visitor.requests, ...officer.requests].filter((u) => /[?&](t|s|n|token|code)=/.test(u))).toEqual([]);
    expect(visitor.consoleErrors).toEqual([]);
    expect(officer.consoleErrors).toEqual([]);
    await visitor.context.close();
    await officer.context.close();
  });

  it('works without JavaScript: the pages ask for the code the e-mail shows on its own line', async () => {
    const other = demoAccounts(seededRandom(DEMO_SEED))[3]!;
    const visitor = await openPage(browser, { javaScriptEnabled: false });
    const { page } = visitor;
    const { statusCode, requestId } = await fileAsVisitor(page, other, false);

    const verify = await mailedLink('privacy-request-verify', other.email, requestId, '/privacy/request/verify/');
    await page.goto(verify.link);
    const code = page.getByLabel('Code from the e-mail');
    await expect(code.inputValue()).resolves.toBe('');
    await code.fill(verify.code);
    await page.getByRole('button', { name: 'Yes, confirm the request' }).click();
    await page.getByText('your request is confirmed').waitFor();
    await expect(page.locator('[data-state]').textContent()).resolves.toBe('Identity verified');

    // The same link again: refused by code, with the page's own words.
    await page.goto(verify.link);
    await code.fill(verify.code);
    await page.getByRole('button', { name: 'Yes, confirm the request' }).click();
    await page.getByText('This confirmation link has already been used.').waitFor();

    // The status page takes the code typed in.
    await page.goto(`${origin}/privacy/request/status/`);
    await page.getByLabel('Code of your request').fill(statusCode);
    await page.getByRole('button', { name: 'Show my request' }).click();
    await page.locator('[data-state]').waitFor();
    await expect(page.locator('[data-state]').textContent()).resolves.toBe('Identity verified');
    expect(visitor.requests.filter((u) => /[?&](t|s|n|token|code)=/.test(u))).toEqual([]);
    await visitor.context.close();
  });
});
