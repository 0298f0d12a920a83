/**
 * A Spanish-speaking customer's bills and payment in Chromium: the bill list, one bill with its rate
 * explained, the payment history and a payment through the processor's page back to the Spanish
 * return page, every page in Spanish (dates, money and units through Intl) and checked with axe.
 * The customer registers through the API on a demo account no other test holds, so the payment
 * changes no one else's balance.
 */
import { describe, expect, inject, it } from 'vitest';
import { openPage, seriousAxeViolations, useChromium } from './browser';
import { registeredCustomer, signInThroughForm } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();

const money = /^-?\$\d{1,3}(,\d{3})*\.\d{2}$/;
const cents = (text: string | null) => Math.round(Number(text!.trim().replace(/[$,]/g, '')) * 100);

describe('a Spanish-speaking customer paying in Chromium', () => {
  it('reads the bills, a bill with its rate explained and the payment history in Spanish, and pays back to the Spanish pages', async () => {
    const who = await registeredCustomer(origin, 'acct-0291', 'es-billing', 'un colibrí sobre el maizal');
    const { page, context, consoleErrors, requests } = await openPage(chromium.browser, { locale: 'es-US' });
    page.setDefaultTimeout(15_000);
    await signInThroughForm(page, origin, who);

    // The bills, reached through the Spanish account navigation.
    await page.goto(`${origin}/es/account/`);
    const nav = page.getByRole('navigation', { name: 'Su cuenta' });
    await expect(nav.getByRole('link', { name: 'Pagar' }).getAttribute('href')).resolves.toBe('/es/account/pay/');
    await Promise.all([page.waitForURL(`${origin}/es/account/bills/`), nav.getByRole('link', { name: 'Facturas' }).click()]);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expect(page.locator('h1').textContent()).resolves.toBe('Sus facturas');
    const balance = (await page.locator('.billing-summary .balance-amount').textContent())!.trim();
    expect(balance).toMatch(money);
    const rows = page.locator('table.bills-table tbody tr');
    await expect(rows.count()).resolves.toBe(24);
    await expect(page.locator('table.bills-table caption').textContent()).resolves.toMatch(/^Facturas de la cuenta •••• \d{4}, de la más reciente a la más antigua$/);
    await expect(rows.first().locator('td').first().textContent()).resolves.toMatch(/^\d{1,2} de \p{L}+ de 2026$/u);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The latest bill: charges that add up, use beside last year, and the rate in Spanish.
    await Promise.all([page.waitForURL(/\/es\/account\/bills\/detail\/\?bill=/), rows.first().locator('th a').click()]);
    const title = (await page.locator('h1').textContent())!;
    expect(title).toMatch(/^Factura de \d{1,2} \p{L}+\.? – \d{1,2} \p{L}+\.?, 2026$/u);
    await expect(page.title()).resolves.toBe(`${title} | Alder Creek Water & Power`);
    const amounts = await page.locator('table.bill-lines tbody td:last-child').allTextContents();
    expect(amounts.reduce((s, a) => s + cents(a), 0)).toBe(cents(await page.locator('table.bill-lines tfoot td').textContent()));
    // The utility's own words stay English, and say so.
    await expect(page.locator('table.bill-lines tbody th span[lang="en"]').count()).resolves.toBe(amounts.length);
    await expect(page.locator('table.bill-use tbody th').first().textContent()).resolves.toMatch(/^Medidor de (agua|electricidad) …\d{4}$/);
    await expect(page.getByRole('heading', { name: 'Su tarifa, explicada' }).count()).resolves.toBe(1);
    await expect(page.getByRole('heading', { name: 'Agua', level: 3 }).count()).resolves.toBe(1);
    await expect(page.locator('.bill').textContent()).resolves.toContain('se cobra por tramos');
    await expect(page.getByRole('heading', { name: 'En total', level: 3 }).count()).resolves.toBe(1);
    // No document for this account's bills: the page prints as the bill.
    await expect(page.getByRole('button', { name: 'Imprimir esta factura' }).isVisible()).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The language switcher shows the same bill in English.
    const billUrl = page.url();
    await Promise.all([page.waitForURL(billUrl.replace('/es/account/', '/account/')), page.locator('a[data-lang-switch]').click()]);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/^Bill for /);
    await page.goto(billUrl);

    // The payment history, from the bill list.
    await page.goto(`${origin}/es/account/bills/`);
    await Promise.all([page.waitForURL(/\/es\/account\/bills\/payments\/\?account=/), page.locator('.billing-summary').getByRole('link', { name: 'Historial de pagos' }).click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Historial de pagos');
    await expect(page.locator('table.payments-table tbody tr').count()).resolves.toBeGreaterThanOrEqual(23);
    await expect(page.locator('table.payments-table tbody tr').first().locator('th').textContent()).resolves.toMatch(/^\d{1,2} de \p{L}+ de 2026$/u);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Paying: the Spanish pay page, the processor's page, and back to the Spanish return page.
    await Promise.all([page.waitForURL(`${origin}/es/account/pay/`), nav.getByRole('link', { name: 'Pagar' }).click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Pagar su factura');
    const section = page.locator('.pay-account').first();
    const due = cents(await section.locator('[data-amount-due]').textContent());
    expect(await seriousAxeViolations(page)).toEqual([]);
    await section.getByLabel('Importe a pagar, en dólares').fill('10.00');
    await Promise.all([page.waitForURL(/\/dev\/processor\/checkout\/cs_test_/), section.getByRole('button', { name: 'Continuar al pago seguro' }).click()]);
    await Promise.all([page.waitForURL(/\/es\/account\/pay\/return\/\?payment=pay_/), page.getByRole('button', { name: 'Pay $10.00' }).click()]);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expect(page.locator('h1').textContent()).resolves.toBe('Pago recibido');
    await expect(page.locator('main').textContent()).resolves.toContain('$10.00 para la cuenta');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await Promise.all([page.waitForURL(`${origin}/es/account/pay/`), page.getByRole('link', { name: 'Volver a pagos' }).click()]);
    await expect(section.locator('[data-amount-due]').textContent().then(cents)).resolves.toBe(due - 1000);
    await expect(section.locator('.pay-history li').first().textContent()).resolves.toMatch(/\$10\.00, pagado \(referencia pay_/);

    expect(consoleErrors).toEqual([]);
    expect(requests.every((u) => u.startsWith(origin))).toBe(true);
    await context.close();
  });
});
