/**
 * The public forms in Spanish, in Chromium against the portal `wrangler dev` serves: a visitor
 * looks up the amount due without signing in and a newcomer asks to start service, from the
 * Spanish pages; every page they see is Spanish and axe-clean, refusals included.
 */
import { describe, expect, inject, it } from 'vitest';
import { demoRegistrationFacts } from '../../db/demo/facts';
import { addDays, localDay } from '../../worker/usage/time';
import { expectAccessible, openPage, useChromium } from './browser';

const origin = inject('portalOrigin');
const chromium = useChromium();
const inDays = (n: number) => addDays(localDay(Date.now(), 'America/Los_Angeles'), n);

describe('the public forms, for a Spanish-speaking visitor in Chromium', () => {
  it('looks up the amount due without signing in, in Spanish, and is told plainly when the details match nothing', async () => {
    // An account no other browser test pays on: this one only looks.
    const facts = demoRegistrationFacts('acct-0270');
    const { page, context, consoleErrors } = await openPage(chromium.browser, { locale: 'es-US' });
    page.setDefaultTimeout(15_000);
    await page.goto(`${origin}/es/pay/`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expectAccessible(chromium.browser, page, false);

    await page.getByLabel('Número de cuenta').fill(facts.accountNumber);
    await page.getByLabel('Código postal de la dirección del servicio').fill(facts.serviceZip);
    await Promise.all([page.waitForURL(`${origin}/api/payments/guest/lookup`), page.getByRole('button', { name: 'Ver el importe pendiente' }).click()]);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expect(page.locator('h1').textContent()).resolves.toBe('Importe pendiente');
    await expect(page.locator('[data-fill="bounds"]').textContent()).resolves.toMatch(/^De \$[\d,.]+ a \$[\d,.]+\.$/);
    await expect(page.getByLabel('Importe a pagar, en dólares').isVisible()).resolves.toBe(true);
    await expectAccessible(chromium.browser, page, false);

    await page.goto(`${origin}/es/pay/return/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Gracias por su pago');
    await expectAccessible(chromium.browser, page, false);

    await page.goto(`${origin}/es/pay/`);
    await page.getByLabel('Número de cuenta').fill('1000000001');
    await page.getByLabel('Código postal de la dirección del servicio').fill('00000');
    await Promise.all([page.waitForURL(/\/es\/pay\/\?error=account_not_matched/), page.getByRole('button', { name: 'Ver el importe pendiente' }).click()]);
    await expect(page.locator('[role="alert"]').textContent()).resolves.toContain('No encontramos ninguna cuenta');
    await expectAccessible(chromium.browser, page, false);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 90_000);

  it('asks to start service in Spanish: a refused date is explained in Spanish beside its field, then the request goes through', async () => {
    const { page, context, consoleErrors } = await openPage(chromium.browser, { locale: 'es-US' });
    page.setDefaultTimeout(15_000);
    await page.goto(`${origin}/es/services/start/`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expectAccessible(chromium.browser, page, false);
    await page.getByLabel('Calle y número').fill('5 Fern Court');
    await page.getByLabel('Ciudad').fill('Alder Creek');
    await page.getByLabel('Código postal').fill('95990');
    await page.getByLabel('Primer día de servicio').fill(inDays(0));
    await page.getByLabel('Su nombre').fill('Rocío Recién');
    await page.getByLabel('Correo electrónico').fill(`e2e-nuevo-${Date.now()}@mail.example`);
    await page.getByLabel('Teléfono').fill('(209) 555-0188');

    // Today cannot be changed online: the portal's refusal, in Spanish, under the date field.
    await page.getByRole('button', { name: 'Pedir el inicio del servicio' }).click();
    const dateError = page.locator('[data-field-error="startOn"]');
    await dateError.waitFor({ state: 'visible' });
    await expect(dateError.textContent()).resolves.toBe('Elija una fecha a partir de mañana.');
    await expectAccessible(chromium.browser, page, false);

    await page.getByLabel('Primer día de servicio').fill(inDays(14));
    await Promise.all([page.waitForURL(/\/es\/services\/start\/\?status=start-requested/), page.getByRole('button', { name: 'Pedir el inicio del servicio' }).click()]);
    await expect(page.locator('[data-message]').textContent()).resolves.toContain('Recibimos su solicitud para iniciar el servicio');
    await expectAccessible(chromium.browser, page, false);
    // The browser logs the refused post's 422 itself; nothing else may fail.
    expect(consoleErrors.filter((e) => !e.includes('status of 422'))).toEqual([]);
    await context.close();
  }, 90_000);
});
