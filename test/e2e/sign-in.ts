import type { Page } from 'playwright-core';
import { DEMO_CUSTOMER, DEMO_STAFF, DEMO_STAFF_PASSWORD } from '../../db/demo/logins';
import type { LoginRole } from '../../db/schema';
import { totpCode } from '../../worker/auth/totp';

/** Signs a page in through the real login form (and the TOTP step for staff), as a person would. */
export async function signInThroughForm(page: Page, origin: string, who: { email: string; password: string; totpSecret?: string }) {
  await page.goto(`${origin}/login/`);
  await page.getByLabel('E-mail address').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await Promise.all([page.waitForURL(/\/(account|login\/second-factor)\//), page.locator('form[action="/api/accounts/login"] button[type="submit"]').click()]);
  if (who.totpSecret) {
    await page.getByLabel('6-digit code').fill(await totpCode(who.totpSecret, new Date()));
    await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login/')), page.locator('form[action="/api/accounts/login/second-factor"] button[type="submit"]').click()]);
  }
}

export const signInAsDemoCustomer = (page: Page, origin: string) => signInThroughForm(page, origin, DEMO_CUSTOMER);

export function signInAsDemoStaff(page: Page, origin: string, role: Exclude<LoginRole, 'customer'>) {
  const staff = DEMO_STAFF.find((s) => s.role === role)!;
  return signInThroughForm(page, origin, { email: staff.email, password: DEMO_STAFF_PASSWORD, totpSecret: staff.totpSecret });
}
