import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

/**
 * The Chromium to drive: `CHROMIUM_PATH` when set, else a system Chromium (Debian's package) when
 * the machine has one, else the build shipped inside the npm package @sparticuz/chromium, so that
 * `npm ci && npm test` needs nothing but Node and npm. Playwright cannot download its own browser here.
 */
export async function chromiumExecutable(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (existsSync(candidate)) return candidate;
  }
  // Unpacks the packaged binary (once per machine, into the temp directory). Its serverless launch
  // flags (`args`: single process, web security off) are deliberately not used: they change what
  // the browser enforces, and a second browser context crashes under them.
  const { default: packaged } = await import('@sparticuz/chromium');
  return packaged.executablePath();
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumExecutable(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

/** One Chromium for the whole test file: launched before its tests, closed after them. */
export function useChromium() {
  const handle = { browser: undefined as unknown as Browser };
  beforeAll(async () => {
    handle.browser = await launchChromium();
  });
  afterAll(async () => {
    await handle.browser?.close();
  });
  return handle;
}

/** A page that records console errors, failed requests and every request it makes. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  return { context, page, consoleErrors, requests };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/**
 * Runs axe-core (WCAG 2.x A/AA + 2.2 rules) in the page. Injected through the DevTools protocol
 * rather than a <script>, so the page's strict CSP stays as it is in production.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Asserts the page has no serious axe violation. axe needs script: a page opened without it is
 * checked again in a twin context that has it (same URL, same cookies).
 */
export async function expectAccessible(browser: Browser, page: Page, scriptless: boolean) {
  if (!scriptless) {
    expect(await seriousAxeViolations(page)).toEqual([]);
    return;
  }
  const checker = await browser.newContext();
  await checker.addCookies(await page.context().cookies());
  const twin = await checker.newPage();
  await twin.goto(page.url());
  expect(await seriousAxeViolations(twin)).toEqual([]);
  await checker.close();
}

/** Submits the form's (first) submit button and waits for the page it leads to. */
export async function submitForm(page: Page, formSelector: string, expectedPath: RegExp) {
  await Promise.all([page.waitForURL(expectedPath), page.locator(`${formSelector} button[type="submit"]`).first().click()]);
}
