/**
 * Connect My Data for a customer who reads Spanish, in Chromium: having chosen Spanish on the
 * account page, the customer whom the development third party sends to the portal gets the consent
 * screen in Spanish, allows it, and stops it from the Spanish "Connected applications" page. Every
 * page on the way passes axe (WCAG 2.2 AA), the application's own English words marked as English.
 */
import { describe, expect, inject, it } from 'vitest';
import { openPage, seriousAxeViolations, useChromium } from './browser';
import { registeredCustomer, signInThroughForm } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();

describe('Connect My Data in Spanish, in Chromium', () => {
  it('asks for consent in Spanish once the customer chose Spanish, and stops the sharing from the Spanish page', async () => {
    const who = await registeredCustomer(origin, 'acct-0297', 'connect-es');
    const { page, context, consoleErrors } = await openPage(chromium.browser, { locale: 'es-US' });
    await signInThroughForm(page, origin, who);

    // The customer chooses Spanish for the account.
    await page.goto(`${origin}/es/account/`);
    await page.getByLabel('Español').check();
    // The form's script follows the answer back to the account page: wait for that page, so the next navigation does not cut it short.
    await Promise.all([page.waitForURL(/\/es\/account\/\?status=language-saved/), page.getByRole('button', { name: 'Guardar idioma' }).click()]);

    // The third party's site sends the customer to the portal's consent screen: in Spanish.
    await page.goto(`${origin}/dev/third-party/`);
    await Promise.all([page.waitForURL(/\/es\/account\/sharing\/authorize\/\?request=/), page.getByRole('button', { name: 'Connect your Alder Creek data' }).click()]);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expect(page.locator('h1').textContent()).resolves.toBe('¿Compartir sus datos con una aplicación?');
    await expect(page.locator('main [lang="en"]', { hasText: 'Bright Meter Analytics (a demo company)' }).count()).resolves.toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel(/Totales por período de facturación/).uncheck();
    await Promise.all([page.waitForURL(/\/dev\/third-party\/callback\?/), page.getByRole('button', { name: 'Permitir', exact: true }).click()]);
    await expect(page.locator('code').textContent()).resolves.toMatch(/^FB=1_4_5;/);

    // The Spanish list of connected applications, and stopping it there.
    await page.goto(`${origin}/es/account/sharing/applications/`);
    const app = page.locator('section.connected-app', { hasText: 'Bright Meter (demo)' }).first();
    await expect(app.getByRole('heading', { level: 3, name: 'Lo que puede obtener' }).isVisible()).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await Promise.all([page.waitForURL(/\/es\/account\/sharing\/applications\/\?status=connect_revoked/), app.getByRole('button', { name: 'Dejar de compartir con Bright Meter (demo)' }).click()]);
    await expect(page.locator('[data-message]').textContent()).resolves.toContain('ya no puede obtener sus datos');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 120_000);
});
