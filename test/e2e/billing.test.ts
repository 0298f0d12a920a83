import { describe, expect, inject, it } from 'vitest';
import { DOCUMENT_MONTHS } from '../../db/demo/billing';
import { openPage, seriousAxeViolations, useChromium } from './browser';
import { signInAsDemoCustomer } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();

/** The demo customer (holder of acct-0001) signed in through the login form. */
async function signedInPage(options: { javaScriptEnabled?: boolean } = {}) {
  const opened = await openPage(chromium.browser, options);
  await signInAsDemoCustomer(opened.page, origin);
  return opened;
}

const money = /^-?\$\d{1,3}(,\d{3})*\.\d{2}$/;

describe('bills in Chromium', () => {
  it('shows the demo customer the balance, the bills, a bill with its charges and its document, and the payment history; axe-clean', async () => {
    const { page, context, consoleErrors, requests } = await signedInPage();

    // The dashboard's billing card.
    await page.goto(`${origin}/account/`);
    const card = page.locator('.balance-card').first();
    await expect(card.locator('h3').textContent()).resolves.toMatch(/^Account •••• \d{4}$/);
    const balance = (await card.locator('.balance-amount').textContent())!.trim();
    expect(balance).toMatch(money);
    await expect(card.locator('dt', { hasText: 'Paperless billing' }).count()).resolves.toBe(1);
    await expect(card.locator('dt', { hasText: 'Autopay' }).count()).resolves.toBe(1);
    await expect(card.locator('dd').first().textContent()).resolves.toMatch(/^\$[\d,.]+ for Oct 1 – Oct 31, 2026, issued November 3, 2026$/);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Every bill of two years on one page, the same balance.
    await Promise.all([page.waitForURL(/\/account\/bills\/\?account=/), card.getByRole('link', { name: 'All bills' }).click()]);
    await expect(page.locator('.billing-summary .balance-amount').textContent()).resolves.toBe(balance);
    const rows = page.locator('table.bills-table tbody tr');
    await expect(rows.count()).resolves.toBe(24);
    await expect(page.locator('table.bills-table tbody a[href^="/api/billing/bills/"]').count()).resolves.toBe(DOCUMENT_MONTHS);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The latest bill: charges that add up, the rate explained, use beside last year, and its PDF.
    await Promise.all([page.waitForURL(/\/account\/bills\/detail\/\?bill=/), rows.first().locator('th a').click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Bill for Oct 1 – Oct 31, 2026');
    await expect(page.title()).resolves.toBe('Bill for Oct 1 – Oct 31, 2026 | Alder Creek Water & Power');
    const amounts = await page.locator('table.bill-lines tbody td:last-child').allTextContents();
    const sum = amounts.reduce((s, a) => s + Math.round(Number(a.replace(/[$,]/g, '')) * 100), 0);
    const total = Math.round(Number((await page.locator('table.bill-lines tfoot td').textContent())!.replace(/[$,]/g, '')) * 100);
    expect(sum).toBe(total);
    await expect(page.getByRole('heading', { name: 'Your rate, explained' }).count()).resolves.toBe(1);
    await expect(page.locator('table.bill-use tbody tr').first().textContent()).resolves.toMatch(/Water meter …\d{4}[\d.,]+ CCF/);
    expect(await seriousAxeViolations(page)).toEqual([]);

    const href = await page.getByRole('link', { name: /^Open the bill as the utility sent it \(PDF, \d+ KB\)$/ }).getAttribute('href');
    const pdf = await context.request.get(`${origin}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect(pdf.headers()['cache-control']).toBe('private, no-store');
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Signed out, the same address opens nothing.
    const anonymous = await chromium.browser.newContext();
    expect((await anonymous.request.get(`${origin}${href}`)).status()).toBe(401);
    await anonymous.close();

    // The period's use, day by day, on the usage page.
    await Promise.all([page.waitForURL(/\/account\/usage\/\?from=2026-10-01&to=2026-10-31$/), page.getByRole('link', { name: "See this period's use day by day" }).click()]);
    // The page script sets the controls once it has loaded the meters.
    await expect.poll(() => page.locator('#usage-range').inputValue(), { timeout: 15_000 }).toBe('custom');
    await expect(page.locator('#usage-from').inputValue()).resolves.toBe('2026-10-01');
    await expect(page.locator('#usage-to').inputValue()).resolves.toBe('2026-10-31');
    await expect(page.locator('#usage-resolution').inputValue()).resolves.toBe('day');

    // Payment history.
    await page.goto(`${origin}/account/bills/payments/`);
    await expect(page.locator('table.payments-table tbody tr').count()).resolves.toBeGreaterThanOrEqual(23);
    await expect(page.locator('table.adjustments-table').textContent()).resolves.toContain('Leak adjustment for the July 2026 bill');
    expect(await seriousAxeViolations(page)).toEqual([]);

    expect(consoleErrors).toEqual([]);
    expect(requests.every((u) => u.startsWith(origin))).toBe(true);
    await context.close();
  });

  it('prints a bill the utility sent no document for as the bill itself', async () => {
    const { page, context } = await signedInPage();
    await page.goto(`${origin}/account/bills/`);
    // The oldest bills have no document.
    await Promise.all([page.waitForURL(/\/account\/bills\/detail\//), page.locator('table.bills-table tbody tr').last().locator('th a').click()]);
    await expect(page.locator('.bill-document').textContent()).resolves.toContain('The utility sent no document for this bill');
    const print = page.getByRole('button', { name: 'Print this bill' });
    await expect(print.isVisible()).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.account-nav').isVisible()).resolves.toBe(false);
    await expect(page.locator('.primary-nav').isVisible()).resolves.toBe(false);
    await expect(print.isVisible()).resolves.toBe(false);
    await expect(page.locator('table.bill-lines').isVisible()).resolves.toBe(true);
    await expect(page.locator('.bill-facts').isVisible()).resolves.toBe(true);
    const printed = await page.pdf({ format: 'Letter' });
    expect(printed.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await context.close();
  });

  it('works without JavaScript: the pages come filled from the server', async () => {
    const { page, context } = await signedInPage({ javaScriptEnabled: false });
    await page.goto(`${origin}/account/bills/`);
    await expect(page.locator('table.bills-table tbody tr').count()).resolves.toBe(24);
    await page.locator('table.bills-table tbody tr').last().locator('th a').click();
    await page.waitForURL(/\/account\/bills\/detail\//);
    await expect(page.locator('table.bill-lines tbody tr').count()).resolves.toBeGreaterThan(2);
    // Without a script the print button stays hidden; the text says to use the browser's print command.
    await expect(page.locator('button[data-print]').isVisible()).resolves.toBe(false);
    await expect(page.locator('.bill-document').textContent()).resolves.toContain("use your browser's print command");
    await context.close();
  });

  it('sends an anonymous visitor to sign in', async () => {
    const { page, context } = await openPage(chromium.browser);
    await page.goto(`${origin}/account/bills/`);
    expect(new URL(page.url()).pathname).toBe('/login/');
    await context.close();
  });
});
