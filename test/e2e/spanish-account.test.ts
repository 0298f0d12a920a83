/**
 * A Spanish-speaking customer in Chromium: signs in (on the English sign-in page until it has a
 * Spanish twin), opens the Spanish account home and usage page and reads them in Spanish (chart,
 * table, dates and units written through Intl), then chooses Spanish for mail and texts. Every page
 * is checked with axe. The customer registers through the API on a demo account no other test holds,
 * so changing its language touches no one else's mail.
 */
import { describe, expect, inject, it } from 'vitest';
import { openPage, seriousAxeViolations, useChromium } from './browser';
import { registeredCustomer, signInThroughForm } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();



describe('a Spanish-speaking customer in Chromium', () => {
  it('reads the account home and usage in Spanish, and chooses Spanish for mail and texts', async () => {
    const who = await registeredCustomer(origin, 'acct-0277', 'es-account', 'una garza blanca en el canal');
    const { page, context, consoleErrors, requests } = await openPage(chromium.browser, { locale: 'es-US' });
    page.setDefaultTimeout(15_000);
    await signInThroughForm(page, origin, who);

    // The account home, in Spanish, with the customer's own account.
    await page.goto(`${origin}/es/account/`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expect(page.locator('h1').textContent()).resolves.toBe('Su cuenta');
    const nav = page.getByRole('navigation', { name: 'Su cuenta' });
    await expect(nav.getByRole('link', { name: 'Resumen' }).getAttribute('aria-current')).resolves.toBe('page');
    await expect(nav.getByRole('link', { name: 'Consumo' }).getAttribute('href')).resolves.toBe('/es/account/usage/');
    await expect(page.locator('[data-fill="accounts"]').textContent()).resolves.toContain('Usted es titular de esta cuenta.');
    await expect(page.locator('[data-fill="alerts-card"] h2').textContent()).resolves.toBe('Alertas');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Usage: the script writes the summary, the chart and the table in Spanish.
    await Promise.all([page.waitForURL(`${origin}/es/account/usage/`), nav.getByRole('link', { name: 'Consumo' }).click()]);
    await page.waitForSelector('#usage-table tbody tr');
    expect(await page.locator('#usage-table tbody tr').count()).toBe(30);
    const summary = (await page.locator('#usage-summary').textContent())!;
    expect(summary).toMatch(/^Del \d{1,2} de \p{L}+ de \d{4} al \d{1,2} de \p{L}+ de \d{4} usó [\d,.]+ (galones de agua|kWh de electricidad)/u);
    expect(summary).not.toMatch(/\b(you used|gallons)\b/);
    await expect(page.locator('#usage-table-caption').textContent()).resolves.toMatch(/^Consumo de (agua|electricidad) por día, del .+ al .+, en (galones|kWh)$/);
    await expect(page.locator('#usage-col-use').textContent()).resolves.toMatch(/^Su consumo \((galones|kWh)\)$/);
    // Rows are days written in Spanish; the chart's numbers are the table's.
    await expect(page.locator('#usage-table tbody th').first().textContent()).resolves.toMatch(/^\d{1,2} de \p{L}+ de \d{4}$/u);
    await expect(page.locator('#usage-chart svg title').first().textContent()).resolves.toMatch(/^Consumo de (agua|electricidad) por día en (galones|kWh), del /);
    const first = (await page.locator('#usage-table tbody tr').first().locator('td').first().textContent())!.trim();
    const firstBar = await page.locator('#usage-chart svg rect.bar title, #usage-chart svg rect.bar-estimated title').first().textContent();
    expect(firstBar).toContain(first);
    await expect(page.locator('#usage-chart .x-labels text').first().textContent()).resolves.toMatch(/^\d{1,2} \p{L}+\.?$/u);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // By month: the month summary compares with last year in Spanish.
    await page.selectOption('#usage-range', '395');
    await page.selectOption('#usage-resolution', 'month');
    await page.waitForFunction(() => document.querySelectorAll('#usage-table tbody tr').length >= 13);
    await page.waitForSelector('#usage-month-summary:not(:empty)');
    await expect(page.locator('#usage-month-summary').textContent()).resolves.toMatch(/^En \p{L}+ de 2026 usó .+ que en \p{L}+ de 2025\.$/u);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The language of mail and texts: Spanish, saved and shown as chosen, back on the Spanish home.
    await page.goto(`${origin}/es/account/`);
    await page.getByLabel('Español').check();
    await Promise.all([page.waitForURL(/\/es\/account\/\?status=language-saved$/), page.getByRole('button', { name: 'Guardar idioma' }).click()]);
    await expect(page.getByLabel('Español').isChecked()).resolves.toBe(true);
    await expect(page.locator('[data-message]').isVisible()).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    expect(consoleErrors).toEqual([]);
    expect(requests.every((u) => u.startsWith(origin))).toBe(true);
    await context.close();
  });
});
