/**
 * Lighthouse on Spanish pages, against the portal `wrangler dev` serves (the worker's consent
 * reflection, headers and all): accessibility, best practices and SEO each score 1 on five Spanish
 * pages, with `lang`, hreflang and the document title audits passing. Performance depends on the
 * machine, so it is never asserted here: `npx tsx test/bench/lighthouse.ts` reports it.
 */
import { launch, type LaunchedChrome } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromiumExecutable } from './browser';

const origin = inject('portalOrigin');
export const SPANISH_PAGES = ['/es/', '/es/programs/', '/es/programs/efficient-toilet/', '/es/help/leaks-and-alerts/', '/es/cookies/'];

let chrome: LaunchedChrome;
beforeAll(async () => {
  chrome = await launch({ chromePath: await chromiumExecutable(), chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
}, 60_000);
afterAll(async () => {
  await chrome?.kill();
});

describe('Lighthouse on Spanish pages', () => {
  for (const path of SPANISH_PAGES) {
    it(`scores ${path} 1 for accessibility, best practices and SEO`, async () => {
      const result = await lighthouse(`${origin}${path}`, { port: chrome.port, logLevel: 'error', output: 'json', onlyCategories: ['accessibility', 'best-practices', 'seo'] });
      const lhr = result!.lhr;
      const scores = Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, c.score]));
      const failing = Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary').map((a) => a.id);
      expect(failing, path).toEqual([]);
      expect(scores, path).toEqual({ accessibility: 1, 'best-practices': 1, seo: 1 });
      for (const audit of ['html-has-lang', 'html-lang-valid', 'hreflang', 'document-title']) expect(lhr.audits[audit]?.score, `${path} ${audit}`).toBe(1);
    }, 90_000);
  }
});
