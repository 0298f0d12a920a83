import type { Page } from 'playwright-core';
import { DEMO_CUSTOMER, DEMO_STAFF, DEMO_STAFF_PASSWORD } from '../../db/demo/logins';
import type { LoginRole } from '../../db/schema';
import { expect } from 'vitest';
import { demoRegistrationFacts } from '../../db/demo/facts';
import { totpCode } from '../../worker/auth/totp';

/** Signs a page in through the real login form (and the TOTP step for staff), as a person would. */
export async function signInThroughForm(page: Page, origin: string, who: { email: string; password: string; totpSecret?: string }) {
  await page.goto(`${origin}/login/`);
  await page.getByLabel('E-mail address').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await Promise.all([page.waitForURL(/\/(account|login\/second-factor)\//), page.locator('form[action="/api/accounts/login"] button[type="submit"]').click()]);
  if (who.totpSecret) {
    // A code is accepted once (the portal refuses a replay). Another test file may have signed the
    // same staff login in during this 30-second step; the next step's code, which the portal's
    // drift window accepts, then gets through, as a person would type the next one their app shows.
    const refused = page.locator('#field-code-error:not([hidden]), [data-message][role="alert"]').first();
    for (const [attempt, ahead] of [0, 30_000, 30_000].entries()) {
      // Two tries used this step and the next: wait (at most 30 s) for a step no one has used yet.
      if (attempt === 2) await page.waitForTimeout(30_000 - (Date.now() % 30_000) + 500);
      // A fresh page for each retry, so the last refusal's message is not taken for this one's.
      if (attempt > 0) await page.goto(`${origin}/login/second-factor/`);
      await page.getByLabel('6-digit code').fill(await totpCode(who.totpSecret, new Date(Date.now() + ahead)));
      await page.locator('form[action="/api/accounts/login/second-factor"] button[type="submit"]').click();
      // The wait that loses the race ends with the page or its timeout: caught, so it cannot fail a later test.
      const outcome = await Promise.race([
        page.waitForURL((url) => !url.pathname.startsWith('/login/')).then(() => 'in' as const, () => 'timeout' as const),
        refused.waitFor().then(() => 'refused' as const, () => 'timeout' as const),
      ]);
      if (outcome === 'in') return;
    }
    throw new Error(`the second factor of ${who.email} was refused three times`);
  }
}

export const signInAsDemoCustomer = (page: Page, origin: string) => signInThroughForm(page, origin, DEMO_CUSTOMER);

export function signInAsDemoStaff(page: Page, origin: string, role: Exclude<LoginRole, 'customer'>) {
  const staff = DEMO_STAFF.find((s) => s.role === role)!;
  return signInThroughForm(page, origin, { email: staff.email, password: DEMO_STAFF_PASSWORD, totpSecret: staff.totpSecret });
}

/**
 * A verified customer login on a demo account no other test holds, registered through the API and
 * confirmed through the development outbox (each test file takes accounts of its own).
 */
export async function registeredCustomer(origin: string, accountId: string, tag: string, password = 'an otter under the old mill bridge') {
  const post = (path: string, body: unknown) =>
    fetch(`${origin}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json', Origin: origin }, body: JSON.stringify(body) });
  const facts = demoRegistrationFacts(accountId);
  const email = `e2e-${tag}-${Date.now()}@customers.example`;
  expect((await post('/api/accounts/register', { accountNumber: facts.accountNumber, serviceZip: facts.serviceZip, lastBillAmount: facts.lastBillAmount, email, password })).status).toBe(200);
  const outbox = await (await fetch(`${origin}/dev/outbox/`)).text();
  const mail = outbox.split('<li class="mail"').find((m) => m.includes(email) && m.includes('verify-email'))!;
  const token = /#token=([A-Za-z0-9._~-]+)/.exec(mail)![1]!;
  expect((await post('/api/accounts/verify-email', { token })).status).toBe(200);
  return { email, password };
}
