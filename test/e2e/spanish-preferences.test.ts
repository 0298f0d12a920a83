/**
 * A Spanish-speaking customer's alerts and messages page in Chromium: /es/account/preferences/
 * reads in Spanish (the table of what goes where, the bills and quiet hours), saves the newsletter
 * and comes back to the Spanish page with its message, and invites another person, who shows as
 * waiting with the time the confirmation left written in Spanish. Every state is checked with axe.
 * The customer registers on a demo account no other test holds.
 */
import { describe, expect, inject, it } from 'vitest';
import { openPage, seriousAxeViolations, useChromium } from './browser';
import { registeredCustomer, signInThroughForm } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();

describe('the Spanish preferences page in Chromium', () => {
  it('reads in Spanish, saves the newsletter and invites another person, staying on Spanish pages', async () => {
    const who = await registeredCustomer(origin, 'acct-0293', 'es-preferences', 'una nutria bajo el puente del molino');
    const { page, context, consoleErrors, requests } = await openPage(chromium.browser, { locale: 'es-US' });
    page.setDefaultTimeout(15_000);
    await signInThroughForm(page, origin, who);

    await page.goto(`${origin}/es/account/preferences/`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expect(page.locator('h1').textContent()).resolves.toBe('Alertas y mensajes');
    const nav = page.getByRole('navigation', { name: 'Su cuenta' });
    await expect(nav.getByRole('link', { name: 'Mensajes y preferencias' }).getAttribute('aria-current')).resolves.toBe('page');
    const table = page.getByRole('table', { name: 'Qué alertas van adónde' });
    await expect(table.getByRole('rowheader', { name: 'Fuga: agua que corre sin parar' }).isVisible()).resolves.toBe(true);
    await expect(table.getByRole('checkbox', { name: 'Fuga: agua que corre sin parar: su correo electrónico' }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('group', { name: 'Cómo le llegan sus facturas' }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Inicio de las horas de silencio').inputValue()).resolves.toBe('21:00');
    await expect(page.getByText('Nadie más recibe alertas de esta cuenta.').isVisible()).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Saving comes back to the Spanish page, with its message in Spanish.
    await page.getByLabel('Boletín (unas pocas veces al año)').check();
    await Promise.all([page.waitForURL(/\/es\/account\/preferences\/\?account=[^&]+&status=preferences-saved$/), page.getByRole('button', { name: 'Guardar las preferencias' }).click()]);
    await expect(page.locator('[data-message]').textContent()).resolves.toBe('Sus preferencias están guardadas.');
    await expect(page.getByLabel('Boletín (unas pocas veces al año)').isChecked()).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Another person: invited, and listed as waiting, in Spanish.
    await page.getByLabel('Nombre de la persona', { exact: true }).fill('Lucía');
    await page.getByLabel('Correo electrónico o número de celular', { exact: true }).fill(`e2e-vecina-${Date.now()}@family.example`);
    await Promise.all([page.waitForURL(/\/es\/account\/preferences\/\?account=[^&]+&status=recipient-invited$/), page.getByRole('button', { name: 'Enviarle una confirmación' }).click()]);
    const pending = page.locator('ul.recipients li').first();
    await expect(pending.textContent()).resolves.toMatch(/^Lucía, correo electrónico a e2e-vecina-\d+@family\.example\s*esperando a que su dueño confirme; no se envía nada antes \(confirmación enviada el \d{1,2} \p{L}+\.? \d{4}/u);
    await expect(pending.getByRole('button', { name: 'Enviar la confirmación de nuevo' }).isVisible()).resolves.toBe(true);
    await expect(table.getByRole('columnheader', { name: /^Lucía, correo electrónico a / }).isVisible()).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    expect(consoleErrors).toEqual([]);
    expect(requests.every((u) => u.startsWith(origin))).toBe(true);
    await context.close();
  });
});
