import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { demoAccounts } from '../../db/demo/customers';
import { DEMO_SEED } from '../../db/demo/dataset';
import { seededRandom } from '../../db/demo/random';
import { expectAccessible, openPage, useChromium } from './browser';
import { registeredCustomer } from './sign-in';
import { sendSpanishKnowRequest } from './spanish-request-form';

const origin = inject('portalOrigin');
const chromium = useChromium();

const cookieNames = async (context: BrowserContext) => (await context.cookies(origin)).map((c) => c.name).sort();
const banner = (page: Page) => page.getByRole('region', { name: 'Cookies en este sitio' });
const lang = (page: Page) => page.locator('html').getAttribute('lang');
const h1 = (page: Page) => page.locator('h1').textContent();

/** Follows a link and waits for the page it leads to. */
async function follow(page: Page, link: ReturnType<Page['getByRole']>, path: string) {
  await Promise.all([page.waitForURL(`${origin}${path}`), link.click()]);
}

describe('a Spanish-speaking visitor in Chromium', () => {
  it('reads the site in Spanish, rejects optional cookies, opens a program and switches language on the same page', async () => {
    const { page, context, requests, consoleErrors } = await openPage(chromium.browser, { locale: 'es-US' });

    await page.goto(`${origin}/es/`);
    await expect(lang(page)).resolves.toBe('es');
    await expect(h1(page)).resolves.toBe('Su agua y su luz, en un solo lugar');
    await expect(banner(page).isVisible()).resolves.toBe(true);
    await expect(banner(page).textContent()).resolves.toContain('Usamos las cookies que este sitio necesita para funcionar.');
    await expectAccessible(chromium.browser, page, false);

    // Nothing optional until a choice; "Rechazar todas" keeps it that way and says so in Spanish.
    await banner(page).getByRole('button', { name: 'Rechazar todas' }).click();
    await banner(page).waitFor({ state: 'hidden' });
    await expect(page.locator('[data-cc-live]').textContent()).resolves.toContain('Las estadísticas están desactivadas');
    expect(await cookieNames(context)).toEqual(['__Host-consent']);

    // The programs, in Spanish, through the main navigation.
    await follow(page, page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Programas y reembolsos' }), '/es/programs/');
    expect(await banner(page).count()).toBe(0);
    await expect(h1(page)).resolves.toBe('Programas y reembolsos');
    await expectAccessible(chromium.browser, page, false);

    await follow(page, page.getByRole('link', { name: 'Reembolso por inodoros de alta eficiencia' }), '/es/programs/efficient-toilet/');
    await expect(lang(page)).resolves.toBe('es');
    await expect(page.getByRole('heading', { name: 'Quién puede participar' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('main').textContent()).resolves.toContain('$75 por inodoro');
    await expectAccessible(chromium.browser, page, false);

    // The switcher keeps the visitor on the same page, in each direction.
    await follow(page, page.getByRole('link', { name: 'English', exact: true }), '/programs/efficient-toilet/');
    await expect(lang(page)).resolves.toBe('en');
    await expect(h1(page)).resolves.toBe('High-efficiency toilet rebate');
    await follow(page, page.getByRole('link', { name: 'Español', exact: true }), '/es/programs/efficient-toilet/');
    await expect(h1(page)).resolves.toBe('Reembolso por inodoros de alta eficiencia');

    // The choice of language is the URL alone: no cookie beyond the consent record, no visit beacon.
    expect(await cookieNames(context)).toEqual(['__Host-consent']);
    expect(requests.filter((u) => new URL(u).pathname === '/api/visits')).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('visits every Spanish page of the front door with no serious axe violation or console error', async () => {
    const { page, context, consoleErrors } = await openPage(chromium.browser, { locale: 'es-US' });
    const paths = ['/es/', '/es/contact/', '/es/accessibility/', '/es/security/', '/es/cookies/', '/es/help/', '/es/help/billing/', '/es/help/leaks-and-alerts/', '/es/programs/', '/es/programs/turf-replacement/'];
    for (const path of paths) {
      const res = await page.goto(`${origin}${path}`);
      expect(res?.status(), path).toBe(200);
      await expect(lang(page)).resolves.toBe('es');
      await expectAccessible(chromium.browser, page, false);
    }
    // A missing Spanish page answers with the Spanish 404 page.
    const missing = await page.goto(`${origin}/es/no-such-page/`);
    expect(missing?.status()).toBe(404);
    await expect(lang(page)).resolves.toBe('es');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Página no encontrada');
    await expectAccessible(chromium.browser, page, false);
    expect(consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
    await context.close();
  }, 120_000);

  it('reads the privacy notice in Spanish, and switches to the English notice and back', async () => {
    const { page, context, consoleErrors } = await openPage(chromium.browser, { locale: 'es-US' });
    const res = await page.goto(`${origin}/es/privacy/`);
    expect(res?.status()).toBe(200);
    await expect(lang(page)).resolves.toBe('es');
    await expect(h1(page)).resolves.toBe('Aviso de privacidad');
    await expect(page.locator('.meta').first().textContent()).resolves.toContain('Versión 3.2, vigente desde el 30 de noviembre de 2026');
    await expect(page.getByRole('main').textContent()).resolves.toContain('prevalece la versión en inglés');
    await expectAccessible(chromium.browser, page, false);

    await follow(page, page.getByRole('link', { name: 'English', exact: true }), '/privacy/');
    await expect(lang(page)).resolves.toBe('en');
    await expect(h1(page)).resolves.toBe('Privacy notice');
    await follow(page, page.getByRole('link', { name: 'Español', exact: true }), '/es/privacy/');
    await expect(h1(page)).resolves.toBe('Aviso de privacidad');
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('without JavaScript, the banner form brings the visitor back to the Spanish page', async () => {
    const { page, context } = await openPage(chromium.browser, { locale: 'es-US', javaScriptEnabled: false });
    await page.goto(`${origin}/es/cookies/`);
    await Promise.all([page.waitForURL(`${origin}/es/cookies/`), banner(page).getByRole('button', { name: 'Rechazar todas' }).click()]);
    await expect(lang(page)).resolves.toBe('es');
    expect(await cookieNames(context)).toEqual(['__Host-consent']);
    await expectAccessible(chromium.browser, page, true);
    await context.close();
  });

  it("goes on a Spanish visitor's whole journey: the banner, the notice, a privacy request with its receipt, signing in and reading usage", async () => {
    const { page, context, consoleErrors } = await openPage(chromium.browser, { locale: 'es-US' });
    page.setDefaultTimeout(15_000);
    const footer = page.getByRole('navigation', { name: 'Privacidad, avisos legales y ayuda' });

    // The banner, in Spanish; optional cookies refused.
    await page.goto(`${origin}/es/`);
    await banner(page).getByRole('button', { name: 'Rechazar todas' }).click();
    await banner(page).waitFor({ state: 'hidden' });

    // The privacy notice, from the footer.
    await follow(page, footer.getByRole('link', { name: 'Aviso de privacidad' }), '/es/privacy/');
    await expect(h1(page)).resolves.toBe('Aviso de privacidad');

    // A privacy request, from the footer, answered with its signed receipt on the Spanish status page.
    const customer = demoAccounts(seededRandom(DEMO_SEED))[7]!;
    await follow(page, footer.getByRole('link', { name: 'Hacer una solicitud de privacidad' }), '/es/privacy/request/');
    await sendSpanishKnowRequest(page, customer, `recorrido-${Date.now()}@test.example`);
    await expect(lang(page)).resolves.toBe('es');
    await expect(page.locator('.notice[role="status"]').textContent()).resolves.toContain('Recibimos su solicitud.');
    await expect(page.getByLabel('Comprobante firmado (JWS)').inputValue()).resolves.toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    await expectAccessible(chromium.browser, page, false);

    // Signing in from the Spanish navigation lands on the Spanish account home.
    const who = await registeredCustomer(origin, 'acct-0281', 'es-journey', 'un martín pescador sobre el arroyo');
    await follow(page, page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Iniciar sesión' }), '/es/login/');
    await page.getByLabel('Correo electrónico').fill(who.email);
    await page.getByLabel('Contraseña', { exact: true }).fill(who.password);
    await Promise.all([page.waitForURL(`${origin}/es/account/?status=signed-in`), page.locator('form[action="/api/accounts/login"] button[type="submit"]').click()]);
    await expect(h1(page)).resolves.toBe('Su cuenta');
    await expect(page.locator('[data-message]').textContent()).resolves.toBe('Inició sesión.');
    await expectAccessible(chromium.browser, page, false);

    // Usage, in Spanish words, dates and units.
    await follow(page, page.getByRole('navigation', { name: 'Su cuenta' }).getByRole('link', { name: 'Consumo' }), '/es/account/usage/');
    await page.waitForSelector('#usage-table tbody tr');
    await expect(page.locator('#usage-summary').textContent()).resolves.toMatch(/^Del \d{1,2} de \p{L}+ de \d{4} al /u);
    await expectAccessible(chromium.browser, page, false);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 120_000);
});
