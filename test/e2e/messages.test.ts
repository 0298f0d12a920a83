/**
 * Secure messages in Chromium, against the portal `wrangler dev` serves: the demo customer writes
 * to support with a PDF attached; a support agent finds it in the queue, assigns it, replies; the
 * customer is e-mailed that a reply waits (no content), sees the unread mark and reads the reply.
 * Every page axe-clean.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { DEMO_CUSTOMER } from '../../db/demo/logins';
import { expectAccessible, openPage, useChromium } from './browser';
import { signInAsDemoCustomer, signInAsDemoStaff } from './sign-in';

const origin = inject('portalOrigin');
const chromium = useChromium();
const accessible = (page: Page, scriptless = false) => expectAccessible(chromium.browser, page, scriptless);

describe('messages with support, in Chromium', () => {
  it('a customer writes to support and reads the reply; staff work the queue', async () => {
    const subject = `Meter question ${Date.now()}`;
    const customer = await openPage(chromium.browser);
    customer.page.setDefaultTimeout(15_000);
    await signInAsDemoCustomer(customer.page, origin);
    await customer.page.goto(`${origin}/account/messages/?account=${DEMO_CUSTOMER.accountId}`);
    await accessible(customer.page, true);
    await customer.page.getByLabel('Topic').selectOption('usage');
    await customer.page.getByLabel('Subject').fill(subject);
    await customer.page.getByLabel('Your message').fill('The meter seems to run when nothing is on.');
    await customer.page.getByLabel('Attachments (optional)').setInputFiles({ name: 'photo.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\nbench\n%%EOF\n') });
    await Promise.all([customer.page.waitForURL(/\/account\/messages\/conversation\/\?id=.+status=conversation-started/), customer.page.getByRole('button', { name: 'Send to support' }).click()]);
    await expect(customer.page.getByRole('link', { name: 'photo.pdf' }).isVisible()).resolves.toBe(true);
    await accessible(customer.page);
    const conversation = new URL(customer.page.url()).searchParams.get('id')!;

    const staff = await openPage(chromium.browser);
    staff.page.setDefaultTimeout(15_000);
    await signInAsDemoStaff(staff.page, origin, 'support');
    await staff.page.goto(`${origin}/staff/messages/?view=open`);
    await accessible(staff.page, true);
    await expect(staff.page.getByRole('cell', { name: subject }).isVisible()).resolves.toBe(true);
    await staff.page.goto(`${origin}/staff/messages/conversation/?id=${conversation}`);
    await accessible(staff.page, true);
    await Promise.all([staff.page.waitForURL(/status=assigned/), staff.page.getByRole('button', { name: 'Assign to me' }).click()]);
    await staff.page.getByLabel('Your reply').fill('Please read the meter at night and tell us the two readings.');
    await Promise.all([staff.page.waitForURL(/status=staff-reply-sent/), staff.page.getByRole('button', { name: 'Send the reply' }).click()]);
    await accessible(staff.page, true);

    await customer.page.goto(`${origin}/dev/outbox/`);
    const mail = customer.page.locator('li.mail', { hasText: DEMO_CUSTOMER.email }).filter({ hasText: 'reply from' }).first();
    await expect(mail.textContent()).resolves.not.toContain('two readings');
    await customer.page.goto(`${origin}/account/messages/`);
    await expect(customer.page.locator('li', { hasText: subject }).getByText('New reply').isVisible()).resolves.toBe(true);
    await customer.page.getByRole('link', { name: subject }).click();
    await expect(customer.page.getByText('two readings').isVisible()).resolves.toBe(true);
    await accessible(customer.page);
    await customer.context.close();
    await staff.context.close();
  });
});
