/**
 * A Spanish-speaking customer in Chromium applies for a rebate on the Spanish pages: the program's
 * questions in Spanish, an answer that rules the application out explained in Spanish beside its
 * question, the application sent and followed on its Spanish page. Another sets up an authenticator
 * app and makes recovery codes on the Spanish pages. Every page is checked with axe. Each customer
 * registers through the API on a demo account no other test holds (acct-0295, acct-0296).
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { totpCode } from '../../worker/auth/totp';
import { expectAccessible, openPage, seriousAxeViolations, submitForm, useChromium } from './browser';
import { registeredCustomer, signInThroughForm } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();
const accessible = (page: Page, scriptless = false) => expectAccessible(chromium.browser, page, scriptless);

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const receiptPng = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

async function answerToiletQuestions(page: Page, watersense: 'Sí' | 'No') {
  await page.getByRole('group', { name: '¿Cuánta agua usaba el inodoro viejo en cada descarga?' }).getByLabel('3 galones o más').check();
  await page.getByRole('group', { name: /¿El inodoro nuevo tiene la etiqueta WaterSense/ }).getByLabel(watersense, { exact: true }).check();
  await page.getByLabel(/¿Cuántos inodoros cambió\?/).fill('1');
  await page.getByLabel('¿Cuándo se instaló el inodoro nuevo?').fill(daysAgo(4));
  await page.getByLabel('El recibo donde aparece el número de modelo').setInputFiles({ name: 'recibo.png', mimeType: 'image/png', buffer: receiptPng });
}

describe('programs and second factors in Spanish, in Chromium', () => {
  it('applies for a rebate in Spanish, is told in Spanish why an answer rules it out, and follows the application', async () => {
    const who = await registeredCustomer(origin, 'acct-0295', 'es-programs', 'un pato azul bajo el puente');
    const { page, context, consoleErrors, requests } = await openPage(chromium.browser, { locale: 'es-US' });
    page.setDefaultTimeout(15_000);
    await signInThroughForm(page, origin, who);

    await page.goto(`${origin}/es/account/programs/`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expect(page.locator('h1').textContent()).resolves.toBe('Sus programas y reembolsos');
    await expect(page.locator('[data-fill="applications"]').textContent()).resolves.toContain('Todavía no tiene solicitudes.');
    await accessible(page, true);
    await Promise.all([
      page.waitForURL(`${origin}/es/account/programs/apply/efficient-toilet/`),
      page.getByRole('link', { name: 'Reembolso por inodoros de alta eficiencia' }).click(),
    ]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Solicitud: Reembolso por inodoros de alta eficiencia');
    await accessible(page, true);

    // The program's own reason, in Spanish, beside the answer that rules the application out.
    await answerToiletQuestions(page, 'No');
    await page.getByRole('button', { name: 'Enviar la solicitud' }).click();
    await page.locator('[data-field-error="answers.watersense"]:not([hidden])').waitFor();
    await expect(page.locator('[data-field-error="answers.watersense"]').textContent()).resolves.toBe('Para calificar, el inodoro nuevo debe tener la etiqueta WaterSense.');
    await expect(page.locator('[data-message]').textContent()).resolves.toContain('no podemos aceptar esta solicitud');
    await accessible(page);

    await answerToiletQuestions(page, 'Sí');
    await Promise.all([page.waitForURL(/\/es\/account\/programs\/application\/\?id=.+status=applied/), page.getByRole('button', { name: 'Enviar la solicitud' }).click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Reembolso por inodoros de alta eficiencia');
    await expect(page.locator('[data-message]').textContent()).resolves.toContain('Su solicitud se envió.');
    await expect(page.getByText('Enviada: la estamos revisando').first().isVisible()).resolves.toBe(true);
    const answers = (await page.locator('[data-fill="application"]').textContent())!;
    expect(answers).toContain('3 galones o más');
    expect(answers).toMatch(/¿Cuándo se instaló el inodoro nuevo\?\s*\d{1,2} de \p{L}+ de \d{4}/u);
    await expect(page.getByRole('link', { name: 'recibo.png' }).isVisible()).resolves.toBe(true);
    await accessible(page);

    // The list shows it, by its Spanish title, linking its Spanish page.
    await page.getByRole('link', { name: 'Todas sus solicitudes' }).click();
    await page.waitForURL(`${origin}/es/account/programs/`);
    const row = page.locator('[data-fill="applications"] tbody tr').first();
    await expect(row.getByRole('link', { name: 'Reembolso por inodoros de alta eficiencia' }).getAttribute('href')).resolves.toMatch(/^\/es\/account\/programs\/application\/\?id=/);
    await accessible(page, true);

    // The one refusal (422) is the ineligible answer above; nothing else went wrong.
    expect(consoleErrors.filter((e) => !e.includes('status of 422'))).toEqual([]);
    expect(consoleErrors.filter((e) => e.includes('status of 422'))).toHaveLength(1);
    expect(requests.every((u) => u.startsWith(origin))).toBe(true);
    await context.close();
  });

  it('sets up an authenticator app and makes recovery codes on the Spanish pages', async () => {
    const who = await registeredCustomer(origin, 'acct-0296', 'es-totp', 'una luna llena sobre el molino');
    const { page, context, consoleErrors } = await openPage(chromium.browser, { locale: 'es-US' });
    page.setDefaultTimeout(15_000);
    await signInThroughForm(page, origin, who);

    await page.goto(`${origin}/es/account/security/`);
    await Promise.all([page.waitForURL(`${origin}/es/account/security/totp/`), page.getByRole('link', { name: 'Configurar una aplicación de autenticación' }).click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Aplicación de autenticación');
    await accessible(page, true);
    // Just signed in: that proof still counts, so no confirmation is asked before starting.
    await submitForm(page, 'form[action="/api/accounts/totp/start"]', /\/es\/account\/security\/totp\/\?status=totp-started$/);
    await expect(page.getByRole('img', { name: /^Código QR para configurar/ }).isVisible()).resolves.toBe(true);
    await expect(page.locator('[data-fill="totp-expires"]').textContent()).resolves.toMatch(/^el \d{1,2} \p{L}+/u);
    const key = (await page.locator('code.secret').textContent())!.replace(/\s/g, '');
    await accessible(page, true);
    await page.getByLabel('Código de 6 dígitos').fill(await totpCode(key, new Date()));
    await submitForm(page, 'form[action="/api/accounts/totp/confirm"]', /\/es\/account\/security\/recovery-codes\/\?status=totp-enabled$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Códigos de recuperación');
    await expect(page.locator('[data-fill="recovery-status"]').textContent()).resolves.toBe('Todavía no tiene códigos de recuperación.');
    await accessible(page, true);

    // The codes are the answer to the form itself, on the Spanish page: shown this once.
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Crear nuevos códigos de recuperación' }).click()]);
    await page.locator('ol.recovery-codes li').first().waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    expect(await page.locator('ol.recovery-codes code').allTextContents()).toHaveLength(10);
    await expect(page.locator('[data-message]').textContent()).resolves.toBe('Sus nuevos códigos de recuperación están abajo. Los códigos anteriores ya no sirven.');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.goto(`${origin}/es/account/security/recovery-codes/`);
    await expect(page.locator('[data-fill="recovery-status"]').textContent()).resolves.toMatch(/^10 de 10 códigos sin usar; los creó el /);
    await page.goto(`${origin}/es/account/security/totp/`);
    await expect(page.locator('#totp-enabled-heading').textContent()).resolves.toBe('Su aplicación de autenticación está configurada');
    await accessible(page, true);

    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
