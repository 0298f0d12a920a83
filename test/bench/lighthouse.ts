/**
 * Lighthouse scores (`npm run bench`, or alone: `npx tsx test/bench/lighthouse.ts`). Needs `dist/`.
 * Five Spanish pages and their English twins, side by side in one run, on a local portal (wrangler
 * dev, demo data), desktop-less default (mobile emulation, simulated throttling): performance,
 * accessibility, best practices and SEO, each 0–100.
 */
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { fileURLToPath } from 'node:url';
import { chromiumExecutable } from '../e2e/browser';
import { startPortal } from '../support/portal-server';

const SPANISH_PAGES = ['/es/', '/es/programs/', '/es/programs/efficient-toilet/', '/es/help/leaks-and-alerts/', '/es/cookies/'];

export async function bench(): Promise<Record<string, unknown>> {
  const portal = await startPortal();
  const chrome = await launch({ chromePath: await chromiumExecutable(), chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const scores: Record<string, Record<string, number>> = {};
    for (const spanish of SPANISH_PAGES) {
      for (const path of [spanish, spanish.replace(/^\/es/, '') || '/']) {
        const result = await lighthouse(`${portal.origin}${path}`, { port: chrome.port, logLevel: 'error', output: 'json', onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'] });
        scores[path] = Object.fromEntries(Object.entries(result!.lhr.categories).map(([id, c]) => [id, Math.round((c.score ?? 0) * 100)]));
      }
    }
    return { scores };
  } finally {
    await chrome.kill();
    await portal.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await bench(), null, 2));
}
