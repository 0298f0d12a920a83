/**
 * A Spanish-speaking visitor's privacy request in Chromium: the form, the signed receipt and the
 * status page, the confirmation link mailed in Spanish, and the privacy choices page, all in
 * Spanish and with no serious axe violation.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getPlatformProxy } from 'wrangler';
import { demoAccounts } from '../../db/demo/customers';
import { DEMO_SEED } from '../../db/demo/dataset';
import { seededRandom } from '../../db/demo/random';
import { launchChromium, openPage, seriousAxeViolations } from './browser';
import { sendSpanishKnowRequest } from './spanish-request-form';

const origin = inject('portalOrigin');
const persistTo = inject('portalPersistTo');
const customer = demoAccounts(seededRandom(DEMO_SEED))[5]!;
let browser: Browser;
let proxy: Awaited<ReturnType<typeof getPlatformProxy<{ DB: D1Database }>>>;

beforeAll(async () => {
  browser = await launchChromium();
  proxy = await getPlatformProxy<{ DB: D1Database }>({ configPath: 'wrangler.toml', persist: { path: `${persistTo}/v3` }, remoteBindings: false });
});
afterAll(async () => {
  await browser?.close();
  await proxy?.dispose();
});

const lang = (page: Page) => page.locator('html').getAttribute('lang');
const axeClean = async (page: Page) => expect(await seriousAxeViolations(page), page.url()).toEqual([]);

describe('a Spanish-speaking visitor in Chromium', () => {
  it('files a privacy request in Spanish, keeps the signed receipt, confirms it from the Spanish e-mail and sees its status in Spanish', async () => {
    const { page, context, consoleErrors } = await openPage(browser, { locale: 'es-US' });

    await page.goto(`${origin}/es/privacy/request/`);
    await expect(lang(page)).resolves.toBe('es');
    await expect(page.locator('h1').textContent()).resolves.toBe('Haga una solicitud de privacidad');
    await axeClean(page);
    await sendSpanishKnowRequest(page, customer, `visitante-${Date.now()}@test.example`);

    // The answer is the Spanish status page with the receipt; no address carries its key.
    await expect(lang(page)).resolves.toBe('es');
    expect(page.url()).not.toMatch(/[?&#](t|r|code)=/);
    await expect(page.locator('.notice[role="status"]').textContent()).resolves.toContain('Recibimos su solicitud.');
    await expect(page.locator('[data-state]').textContent()).resolves.toBe('Esperando la verificación de identidad');
    await expect(page.locator('[data-due]').textContent()).resolves.toMatch(/^\d{1,2} de [a-z]+ de \d{4}$/);
    await expect(page.getByLabel('Comprobante firmado (JWS)').inputValue()).resolves.toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const statusCode = await page.getByLabel('O guarde este código').inputValue();
    const statusLink = new URL((await page.locator('a[data-status-link]').getAttribute('href'))!, origin).href;
    expect(statusLink).toBe(`${origin}/es/privacy/request/status/#code=${statusCode}`);
    const requestId = (await page.locator('dl.facts code').first().textContent())!;
    await axeClean(page);

    // The confirmation e-mail to the address on file is in Spanish and links to the Spanish page.
    const mail = await proxy.env.DB.prepare("SELECT subject, body_text FROM outbox_emails WHERE kind = 'privacy-request-verify' AND to_address = ?1 AND body_text LIKE ?2")
      .bind(customer.email, `%${requestId}%`)
      .first<{ subject: string; body_text: string }>();
    expect(mail!.subject).toBe('Confirme una solicitud de privacidad sobre su cuenta de servicios');
    const verifyLink = /http\S+\/es\/privacy\/request\/verify\/#code=\S+/.exec(mail!.body_text)![0];
    await page.goto(verifyLink);
    await page.waitForURL(`${origin}/es/privacy/request/verify/`);
    await expect(lang(page)).resolves.toBe('es');
    await expect(page.getByLabel('Código del correo').isHidden()).resolves.toBe(true);
    await axeClean(page);
    await page.getByRole('button', { name: 'Sí, confirmo la solicitud' }).click();
    await page.getByText('su solicitud quedó confirmada').waitFor();
    await expect(page.locator('[data-state]').textContent()).resolves.toBe('Identidad verificada');
    await axeClean(page);

    // The kept link opens the Spanish status page by itself.
    await page.goto(statusLink);
    await page.locator('[data-state]').waitFor();
    expect(page.url()).toBe(`${origin}/es/privacy/request/status/`);
    await expect(page.locator('[data-state]').textContent()).resolves.toBe('Identidad verificada');
    await expect(page.getByRole('heading', { name: 'Su comprobante' }).isVisible()).resolves.toBe(true);
    await axeClean(page);

    // Each landing page without a code asks for it in Spanish; the choices page is Spanish too.
    for (const [path, heading] of [
      ['/es/privacy/request/status/', 'Su solicitud de privacidad'],
      ['/es/privacy/request/verify/', 'Confirme su solicitud de privacidad'],
      ['/es/privacy/request/package/', 'Su información personal'],
      ['/es/privacy/choices/', 'Sus opciones de privacidad'],
    ] as const) {
      const res = await page.goto(`${origin}${path}`);
      expect(res?.status(), path).toBe(200);
      await expect(lang(page)).resolves.toBe('es');
      await expect(page.locator('h1').textContent()).resolves.toBe(heading);
      await axeClean(page);
    }
    await expect(page.locator('[data-cc-state]').textContent()).resolves.toContain('Todavía no ha elegido');
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it('says what to fix in Spanish when the request form is sent incomplete without JavaScript', async () => {
    const { page, context } = await openPage(browser, { locale: 'es-US', javaScriptEnabled: false });
    await page.goto(`${origin}/es/privacy/request/`);
    await page.getByLabel('Soy un representante autorizado').check();
    await page.getByLabel('Nombre completo del cliente').fill(customer.holderName);
    await page.getByLabel('Correo electrónico para comunicarnos').fill(`visitante-${Date.now()}@test.example`);
    await page.getByLabel('Declaro que la información').check();
    await page.getByLabel('Escriba su nombre completo para firmar').fill(customer.holderName);
    await page.getByRole('button', { name: 'Enviar mi solicitud' }).click();
    await page.waitForURL(/\/es\/privacy\/request\/\?error=invalid_request/);
    await expect(lang(page)).resolves.toBe('es');
    const problems = page.getByRole('alert');
    await expect(problems.getByRole('heading').textContent()).resolves.toBe('Hay un problema');
    await expect(problems.getByRole('link', { name: 'Escriba el nombre completo del representante.' }).isVisible()).resolves.toBe(true);
    await context.close();
  });
});
