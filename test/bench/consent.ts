/**
 * Cookie consent figures (`npm run bench`, or `npx tsx test/bench/consent.ts` alone; needs `npm run build`):
 * - our banner's JavaScript + CSS, gzipped, beside vanilla-cookieconsent v3's dist JS + CSS, same run, same gzip;
 * - time from navigation start to the banner being visible in Chromium (median of N fresh visits);
 * - requests a page makes before any consent (target: only the page's own assets, none to /api/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { launchChromium } from '../e2e/browser';
import { startPortal } from '../support/portal-server';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const gz = (data: string | Buffer) => gzipSync(data, { level: 9 }).length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function sizes() {
  const astroDir = join(root, 'dist/alder-creek/_astro');
  const jsFile = readdirSync(astroDir).find((f) => f.startsWith('CookieBanner') && f.endsWith('.js'));
  if (!jsFile) throw new Error('dist/_astro has no CookieBanner script: run `npm run build` first.');
  const ourJs = readFileSync(join(astroDir, jsFile));
  // Astro merges CSS per page; minify our stylesheet on its own the way Vite does, to count only the banner's part.
  const ourCss = (await transform(readFileSync(join(root, 'site/styles/consent.css'), 'utf8'), { loader: 'css', minify: true })).code;
  const ccDir = dirname(require.resolve('vanilla-cookieconsent/dist/cookieconsent.css'));
  const ccVersion = JSON.parse(readFileSync(join(ccDir, '../package.json'), 'utf8')).version as string;
  const ccJs = readFileSync(join(ccDir, 'cookieconsent.umd.js'));
  const ccCss = readFileSync(join(ccDir, 'cookieconsent.css'));
  // vanilla-cookieconsent builds its markup in JS; ours ships in the page, so report it beside (not in) the total.
  const page = readFileSync(join(root, 'dist/alder-creek/index.html'), 'utf8');
  const bannerHtml = page.slice(page.indexOf('<section class="cc"'), page.indexOf('</section>', page.indexOf('<section class="cc"')) + 10);
  const ours = { jsGzip: gz(ourJs), cssGzip: gz(ourCss), totalGzip: gz(ourJs) + gz(ourCss), jsRaw: ourJs.length, cssRaw: ourCss.length, bannerHtmlGzipInPage: gz(bannerHtml) };
  const theirs = { version: ccVersion, jsGzip: gz(ccJs), cssGzip: gz(ccCss), totalGzip: gz(ccJs) + gz(ccCss), jsRaw: ccJs.length, cssRaw: ccCss.length };
  return { ours, vanillaCookieconsent: theirs, ratio: Number((ours.totalGzip / theirs.totalGzip).toFixed(3)) };
}

/**
 * Runs in the page before its own scripts: notes first contentful paint and the first animation
 * frame in which the banner is laid out inside the viewport. A string, so that the TypeScript
 * loader adds no helpers the page does not have.
 */
const WATCH_BANNER = `
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') window.__fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  (function check() {
    const el = document.querySelector('[data-cc-banner]');
    const r = el && el.getBoundingClientRect();
    if (el && r.height > 0 && r.top < innerHeight && el.checkVisibility()) window.__bannerVisibleAt = performance.now();
    else requestAnimationFrame(check);
  })();
`;

async function browserFigures(runs: number) {
  const portal = await startPortal();
  const browser = await launchChromium();
  try {
    const visibleMs: number[] = [];
    const fcpMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      await context.addInitScript(WATCH_BANNER);
      const page = await context.newPage();
      await page.goto(`${portal.origin}/`, { waitUntil: 'load' });
      await page.waitForFunction(() => (window as unknown as { __fcp?: number; __bannerVisibleAt?: number }).__fcp !== undefined && (window as unknown as { __bannerVisibleAt?: number }).__bannerVisibleAt !== undefined);
      const { at, fcp } = await page.evaluate(() => {
        const w = window as unknown as { __bannerVisibleAt: number; __fcp: number };
        return { at: w.__bannerVisibleAt, fcp: w.__fcp };
      });
      // The banner cannot be seen before the first paint.
      if (i > 0) {
        visibleMs.push(Math.max(at, fcp));
        fcpMs.push(fcp);
      }
      await context.close();
    }

    const before: Record<string, { total: number; beyondOwnAssets: string[]; urls: string[] }> = {};
    for (const path of ['/', '/privacy/choices/']) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const urls: string[] = [];
      page.on('request', (r) => urls.push(r.url()));
      await page.goto(`${portal.origin}${path}`, { waitUntil: 'networkidle' });
      const own = (u: string) => new URL(u).origin === portal.origin && !new URL(u).pathname.startsWith('/api/');
      before[path] = { total: urls.length, beyondOwnAssets: urls.filter((u) => !own(u)), urls: urls.map((u) => new URL(u).pathname) };
      await context.close();
    }
    return {
      bannerVisible: { runs: visibleMs.length, medianMs: Number(median(visibleMs).toFixed(1)), minMs: Number(Math.min(...visibleMs).toFixed(1)), maxMs: Number(Math.max(...visibleMs).toFixed(1)), medianFirstContentfulPaintMs: Number(median(fcpMs).toFixed(1)) },
      requestsBeforeConsent: before,
    };
  } finally {
    await browser.close();
    await portal.stop();
  }
}

export async function bench(): Promise<Record<string, unknown>> {
  const runs = Number(process.env.CONSENT_BENCH_RUNS ?? 21);
  const figures = { consentBannerSize: await sizes(), ...(await browserFigures(runs)) };
  console.log('consent:', JSON.stringify(figures, null, 2));
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await bench();
