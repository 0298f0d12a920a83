/**
 * Passkeys in Chromium with a virtual authenticator (the DevTools protocol's WebAuthn domain: a
 * platform authenticator with resident keys and user verification, as a phone or laptop has):
 * a new customer adds a passkey on the security page, signs out, and signs in with the passkey
 * alone. Both pages are checked with axe. The customer registers through the API first (the
 * registration form has its own end-to-end test), on a demo account no other test holds.
 */
import type { CDPSession, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { openPage, seriousAxeViolations, useChromium } from './browser';
import { registeredCustomer } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();



async function addVirtualAuthenticator(page: Page) {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

/**
 * Chromium's virtual authenticator answers a conditional (autofill) request at once, as if the
 * customer picked the passkey from the e-mail field's list; a real browser waits for that pick.
 * Where a step must go through the button, the page is told autofill is unavailable, as in a
 * browser without it.
 */
async function withoutPasskeyAutofill(page: Page) {
  await page.addInitScript(() => {
    if (window.PublicKeyCredential) window.PublicKeyCredential.isConditionalMediationAvailable = async () => false;
  });
}

describe('passkeys in Chromium', () => {
  it('adds a passkey on the security page, signs out, and signs in with the passkey alone; axe-clean', async () => {
    const who = await registeredCustomer(origin, 'acct-0231', 'passkey', 'a kingfisher over the millrace');
    const { context, page, consoleErrors } = await openPage(chromium.browser);
    page.setDefaultTimeout(15_000);
    const { cdp, authenticatorId } = await addVirtualAuthenticator(page);
    await withoutPasskeyAutofill(page);

    await page.goto(`${origin}/login/`);
    await expect(page.getByRole('button', { name: 'Sign in with a passkey' }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('E-mail address').getAttribute('autocomplete')).resolves.toBe('username webauthn');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel('E-mail address').fill(who.email);
    await page.getByLabel('Password', { exact: true }).fill(who.password);
    await Promise.all([page.waitForURL(/\/account\/\?status=signed-in$/), page.locator('form[action="/api/accounts/login"] button[type="submit"]').click()]);

    await page.goto(`${origin}/account/security/`);
    await expect(page.locator('[data-fill="passkeys"]').textContent()).resolves.toContain('no passkey yet');
    await page.getByLabel('Name for the new passkey (optional)').fill('Test laptop');
    await Promise.all([page.waitForURL(/\/account\/security\/\?status=passkey-added$/), page.getByRole('button', { name: 'Add a passkey' }).click()]);
    await expect(page.locator('[data-fill="passkeys"]').textContent()).resolves.toContain('Test laptop');
    await expect(page.locator('[data-message]').first().textContent()).resolves.toContain('passkey is added');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await Promise.all([page.waitForURL(/\/login\/\?status=signed-out$/), page.locator('form[action="/api/accounts/logout"] button[type="submit"]').click()]);
    await page.goto(`${origin}/account/`);
    expect(new URL(page.url()).pathname).toBe('/login/');

    // No e-mail, no password: the passkey alone.
    await Promise.all([page.waitForURL(/\/account\/\?status=signed-in$/), page.getByRole('button', { name: 'Sign in with a passkey' }).click()]);
    await page.goto(`${origin}/account/security/`);
    await expect(page.locator('[data-fill="passkeys"]').textContent()).resolves.toMatch(/last used/);
    expect(consoleErrors).toEqual([]);
    // Taken after the sign-in, so the copy's signature counter is where the portal last saw it.
    const synced = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    await context.close();

    // Another browser holding the same passkey (a synced one): the e-mail field's autofill offers
    // it on the sign-in page, and picking it signs in.
    const other = await openPage(chromium.browser);
    other.page.setDefaultTimeout(15_000);
    const second = await addVirtualAuthenticator(other.page);
    for (const credential of synced) await second.cdp.send('WebAuthn.addCredential', { authenticatorId: second.authenticatorId, credential });
    await Promise.all([other.page.waitForURL(/\/account\/\?status=signed-in$/), other.page.goto(`${origin}/login/`)]);
    expect(other.consoleErrors).toEqual([]);
    await other.context.close();
  });

  it('says on the sign-in page that passkeys need JavaScript, and keeps the password form working without it', async () => {
    const { context, page } = await openPage(chromium.browser, { javaScriptEnabled: false });
    await page.goto(`${origin}/login/`);
    await expect(page.locator('[data-passkey-needs-js]').textContent()).resolves.toContain('needs JavaScript');
    await expect(page.getByRole('button', { name: 'Sign in with a passkey' }).isVisible()).resolves.toBe(false);
    await expect(page.locator('form[action="/api/accounts/login"] button[type="submit"]').isVisible()).resolves.toBe(true);
    await context.close();
  });
});
