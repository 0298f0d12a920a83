/**
 * A Spanish-speaking customer registers, confirms the address from the Spanish mail and signs in,
 * all on the Spanish pages: refusals come back in Spanish beside the field or in the page's
 * message, with and without JavaScript, and every page passes axe.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { demoRegistrationFacts } from '../../db/demo/facts';
import { expectAccessible, openPage, submitForm, useChromium } from './browser';

const origin = inject('portalOrigin');
const chromium = useChromium();

const lang = (page: Page) => page.locator('html').getAttribute('lang');
const message = (page: Page) => page.locator('[data-message]');

// A demo account no other suite registers.
const ACCOUNT = 'acct-0257';

describe('a Spanish-speaking customer signing in', () => {
  it('registers on the Spanish page, confirms from the Spanish mail, and signs in after a wrong password', async () => {
    const facts = demoRegistrationFacts(ACCOUNT);
    const email = `e2e-es-${Date.now()}@customers.example`;
    const password = 'tres garzas verdes al anochecer';
    const { context, page, consoleErrors } = await openPage(chromium.browser, { locale: 'es-US' });
    page.setDefaultTimeout(15_000);

    await page.goto(`${origin}/es/register/`);
    await expect(lang(page)).resolves.toBe('es');
    await expect(page.locator('h1').textContent()).resolves.toBe('Regístrese para usar el portal en línea');
    await expectAccessible(chromium.browser, page, false);

    await page.getByLabel('Número de cuenta').fill(facts.accountNumber);
    await page.getByLabel('Código postal de la dirección del servicio').fill(facts.serviceZip);
    await page.getByLabel('Importe de su última factura, en dólares').fill(facts.lastBillAmount);
    await page.getByLabel('Correo electrónico').fill(email);
    // A password everyone guesses: refused beside the field, in Spanish, keeping what was typed.
    await page.getByLabel('Elija una contraseña').fill('qwerty123456');
    await page.locator('form[action="/api/accounts/register"] button[type="submit"]').click();
    const passwordError = page.locator('#field-password-error');
    await passwordError.waitFor();
    // (The field's own words come from the central Spanish error answers, worker/i18n/api-errors-es.ts.)
    await expect(passwordError.textContent()).resolves.toMatch(/^(Esa contraseña es demasiado común|Este dato falta o no es válido)/);
    await expect(page.getByLabel('Elija una contraseña').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(message(page).getAttribute('role')).resolves.toBe('alert');
    await expect(message(page).textContent()).resolves.toBe('Esa contraseña es demasiado común o fácil de adivinar. Pruebe con algunas palabras sin relación entre sí.');
    await expect(page.getByLabel('Correo electrónico').inputValue()).resolves.toBe(email);
    await expectAccessible(chromium.browser, page, false);

    await page.getByLabel('Elija una contraseña').fill(password);
    await submitForm(page, 'form[action="/api/accounts/register"]', /\/es\/register\/\?status=registered$/);
    await expect(message(page).textContent()).resolves.toContain('Enviamos un enlace de confirmación');

    // The confirmation mail is in Spanish and leads to the Spanish page.
    await page.goto(`${origin}/dev/outbox/`);
    const mail = page.locator('li.mail', { hasText: email }).filter({ hasText: 'Confirme su correo electrónico' }).first();
    await expect(mail.locator('pre').last().textContent()).resolves.toContain('Si la página le pide un código, copie este');
    const href = (await mail.locator('a').first().getAttribute('href'))!;
    expect(href).toMatch(/^\/es\/register\/verify\/#token=[^&?]+$/);
    await Promise.all([page.waitForURL(`${origin}/es/register/verify/`), mail.locator('a').first().click()]);
    await expect(lang(page)).resolves.toBe('es');
    await expect(page.getByLabel('Código del correo electrónico').isHidden()).resolves.toBe(true);
    await expectAccessible(chromium.browser, page, false);
    await submitForm(page, 'form[action="/api/accounts/verify-email"]', /\/es\/login\/\?status=email-verified$/);
    await expect(message(page).textContent()).resolves.toBe('Su dirección de correo electrónico está confirmada. Ya puede iniciar sesión.');

    // A wrong password: the Spanish page says so, in Spanish, and keeps the e-mail typed.
    await page.getByLabel('Correo electrónico').fill(email);
    await page.getByLabel('Contraseña', { exact: true }).fill('no es la contraseña correcta');
    await page.locator('form[action="/api/accounts/login"] button[type="submit"]').click();
    await page.locator('[data-message][role="alert"]').waitFor();
    await expect(message(page).textContent()).resolves.toBe('Ese correo electrónico y esa contraseña no coinciden con ningún usuario.');
    expect(new URL(page.url()).pathname).toBe('/es/login/');
    await expect(page.getByLabel('Correo electrónico').inputValue()).resolves.toBe(email);
    await expectAccessible(chromium.browser, page, false);

    // The right one signs in.
    await page.getByLabel('Contraseña', { exact: true }).fill(password);
    await submitForm(page, 'form[action="/api/accounts/login"]', /\/account\/\?status=signed-in$/);
    // The two refusals above are the only failed requests (the browser logs each); nothing else went wrong.
    expect(consoleErrors.filter((e) => !/status of (401|422)\b/.test(e))).toEqual([]);
    await context.close();

    // Without JavaScript, the plain form comes back to the Spanish page with the Spanish message.
    const plain = await openPage(chromium.browser, { locale: 'es-US', javaScriptEnabled: false });
    await plain.page.goto(`${origin}/es/login/`);
    await plain.page.getByLabel('Correo electrónico').fill(email);
    await plain.page.getByLabel('Contraseña', { exact: true }).fill('tampoco es esta');
    await submitForm(plain.page, 'form[action="/api/accounts/login"]', /\/es\/login\/\?error=invalid_credentials$/);
    await expect(lang(plain.page)).resolves.toBe('es');
    await expect(message(plain.page).textContent()).resolves.toBe('Ese correo electrónico y esa contraseña no coinciden con ningún usuario.');
    await expectAccessible(chromium.browser, plain.page, true);
    await plain.page.getByLabel('Correo electrónico').fill(email);
    await plain.page.getByLabel('Contraseña', { exact: true }).fill(password);
    await submitForm(plain.page, 'form[action="/api/accounts/login"]', /\/account\/\?status=signed-in$/);
    await plain.context.close();
  }, 120_000);

  it('finds every Spanish sign-in page free of serious axe violations, and the passkey note in Spanish', async () => {
    const { page, context, consoleErrors } = await openPage(chromium.browser, { locale: 'es-US' });
    for (const path of ['/es/login/', '/es/login/second-factor/', '/es/password/forgot/', '/es/password/reset/', '/es/account/end-session/', '/es/account/email/confirm/']) {
      const res = await page.goto(`${origin}${path}`);
      expect(res?.status(), path).toBe(200);
      await expect(lang(page)).resolves.toBe('es');
      await expectAccessible(chromium.browser, page, false);
    }
    // The script took out the "needs JavaScript" note (this browser can use passkeys) and left no English behind.
    await page.goto(`${origin}/es/login/`);
    await expect(page.getByRole('button', { name: 'Iniciar sesión con una llave de acceso' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('main').textContent()).resolves.not.toMatch(/\b(passkey|Sign in|password)\b/);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 120_000);
});
