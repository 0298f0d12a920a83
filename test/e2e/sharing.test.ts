/**
 * Sharing in Chromium, against the portal `wrangler dev` serves: the demo customer invites someone
 * with chosen rights; the invitee, who has no login, opens the e-mailed link, creates a login as
 * they accept, signs in and sees the account; their download appears in the holder's disclosure
 * log; the holder ends their access and the delegate's next request is refused. Every page
 * axe-clean, with JavaScript and (for the holder's page) without.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { DEMO_CUSTOMER } from '../../db/demo/logins';
import { expectAccessible, openPage, useChromium } from './browser';
import { signInAsDemoCustomer, signInThroughForm } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();
const accessible = (page: Page, scriptless = false) => expectAccessible(chromium.browser, page, scriptless);

describe('sharing an account, in Chromium', () => {
  it('invites, accepts with a new login, logs the delegate\'s download, and ends the access at once', async () => {
    const invitee = `e2e-partner-${Date.now()}@family.example`;
    const password = 'a long walk by the river';
    const holder = await openPage(chromium.browser);
    holder.page.setDefaultTimeout(15_000);
    await signInAsDemoCustomer(holder.page, origin);

    await holder.page.goto(`${origin}/account/sharing/?account=${DEMO_CUSTOMER.accountId}`);
    await accessible(holder.page, true);
    await holder.page.getByLabel('Their e-mail address').fill(invitee);
    const invite = holder.page.locator('form[action="/api/sharing/invitations"]');
    await invite.getByLabel('See usage').check();
    await invite.getByLabel('Receive alerts').check();
    await Promise.all([holder.page.waitForURL(/status=delegate-invited/), invite.getByRole('button', { name: 'Send the invitation' }).click()]);
    await expect(holder.page.locator('[data-message]').textContent()).resolves.toContain('Invitation sent');
    await expect(holder.page.getByText(`To ${invitee}`).isVisible()).resolves.toBe(true);
    await accessible(holder.page);

    // The invitee opens the link from the e-mail, in a browser where no one is signed in.
    await holder.page.goto(`${origin}/dev/outbox/`);
    const mail = holder.page.locator('li.mail', { hasText: invitee }).filter({ hasText: 'invites you' }).first();
    const href = (await mail.locator('a').first().getAttribute('href'))!;
    expect(href).toMatch(/^\/account\/sharing\/accept\/#code=[^?&]+$/);
    const guest = await openPage(chromium.browser);
    guest.page.setDefaultTimeout(15_000);
    await guest.page.goto(`${origin}${href}`);
    await guest.page.waitForURL(`${origin}/account/sharing/accept/`);
    await accessible(guest.page);
    await guest.page.getByLabel('New password').fill(password);
    await Promise.all([guest.page.waitForURL(/\/login\/\?status=delegate-login-created/), guest.page.getByRole('button', { name: 'Create my login and accept' }).click()]);
    await signInThroughForm(guest.page, origin, { email: invitee, password });

    await guest.page.goto(`${origin}/account/sharing/`);
    await expect(guest.page.getByText('was shared with you by its holder').isVisible()).resolves.toBe(true);
    await expect(guest.page.getByText('You may: See usage, Receive alerts').isVisible()).resolves.toBe(true);
    await accessible(guest.page);
    const meters = await (await guest.page.request.get(`${origin}/api/usage/meters`)).json();
    const meter = meters.meters[0].id as string;
    const csv = await guest.page.request.get(`${origin}/api/usage/meters/${meter}/export.csv?from=2026-10-01&to=2026-10-07`);
    expect(csv.status()).toBe(200);
    expect((await guest.page.request.get(`${origin}/api/billing/accounts/${DEMO_CUSTOMER.accountId}/bills`)).status()).toBe(404);

    // The holder sees the release, then ends the access.
    await holder.page.goto(`${origin}/account/sharing/?account=${DEMO_CUSTOMER.accountId}`);
    const log = holder.page.locator('table.disclosures');
    await expect(log.textContent()).resolves.toContain(invitee);
    await expect(log.textContent()).resolves.toContain('downloaded as CSV');
    await accessible(holder.page);
    const person = holder.page.locator('.people li', { hasText: invitee });
    await Promise.all([holder.page.waitForURL(/status=delegate-ended/), person.getByRole('button', { name: /access now/ }).click()]);
    await expect(holder.page.locator('[data-message]').textContent()).resolves.toContain('Their access has ended');

    expect((await guest.page.request.get(`${origin}/api/usage/meters/${meter}/series?from=2026-10-01&to=2026-10-07`)).status()).toBe(404);
    expect(holder.consoleErrors).toEqual([]);
    expect(guest.consoleErrors).toEqual([]);
    await guest.context.close();
    await holder.context.close();
  });
});
