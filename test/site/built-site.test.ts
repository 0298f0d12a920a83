import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isPrivatePage } from '../../site/lib/private-pages.mjs';
import { ALERT_RETENTION_YEARS } from '../../worker/alerts/centre/retention';
import { CONSENT_PROOF_RETENTION_MONTHS } from '../../worker/consent/retention';
import { RETENTION_MONTHS as REQUEST_RETENTION_MONTHS } from '../../worker/requests/scheduled';
import { MIN_SIMILAR_HOMES } from '../../worker/usage/series';
import { DISCLOSURE_LOG_MONTHS, INVITATION_KEPT_DAYS } from '../../worker/sharing/maintenance';
import { MESSAGE_RETENTION_DAYS } from '../../worker/messages/retention';
import { APPLICATION_KEPT_YEARS } from '../../worker/programs/store';
import { DEFAULT_DOCUMENTS_KEPT_DAYS } from '../../worker/shared/program-catalog';
import { CONSENT_MAX_AGE_SECONDS, cookieRegistry } from '../../worker/shared/cookie-registry';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import {
  builtPages,
  DIST,
  elementTexts,
  fileOfUrl,
  scriptSources,
  sitemapPaths,
  startTags,
  type BuiltPage,
} from './built-site';
import { HTML_CSS_GZIP_BUDGET, measurePages } from '../bench/site';

/** The site's production origin (astro.config.mjs `site`): links to it are internal links. */
const SITE_ORIGIN = 'https://portal.aldercreek-utility.example';

/**
 * Paths the worker answers rather than dist/ (worker/well-known/routes.ts, /api/ sub-apps).
 * A link to one of these is not a broken link even though no file exists for it.
 */
const WORKER_PATHS = ['/.well-known/security.txt', '/.well-known/gpc.json', '/.well-known/jwks.json', '/privacy/request-metrics.csv'];
const WORKER_PREFIXES = ['/api/'];

/**
 * Pages allowed to load JavaScript beyond the cookie banner's, with the reason. Every other page
 * ships only the banner script (the banner itself works without it). A capability that needs a
 * script on a page adds the page here in the same change.
 */
const accountForms = 'account forms: inline errors, no reload, show-password (every form also works without it)';
const linkLanding = "e-mailed link landings: move the link's code from the URL fragment into the form (a pasted code works without it)";
const PAGES_ALLOWED_SCRIPTS: Record<string, string> = {
  '/login/': accountForms,
  '/login/second-factor/': accountForms,
  '/register/': accountForms,
  '/register/verify/': accountForms,
  '/password/forgot/': accountForms,
  '/password/reset/': accountForms,
  '/account/': accountForms,
  '/account/profile/': accountForms,
  '/account/security/': accountForms,
  '/account/security/totp/': accountForms,
  '/account/security/recovery-codes/': accountForms,
  '/account/confirm/': `${accountForms}; the passkey confirmation (the code forms work without it)`,
  '/account/end-session/': `${accountForms}; ${linkLanding}`,
  '/account/email/confirm/': accountForms,
  '/account/usage/': 'usage chart, range and resolution switchers (the table and downloads work without it)',
  '/account/bills/detail/': 'the "Print this bill" button (the browser prints the page without it)',
  '/privacy/request/status/': linkLanding,
  '/privacy/request/verify/': linkLanding,
  '/privacy/request/package/': linkLanding,
  '/account/preferences/': accountForms,
  '/account/alerts/': accountForms,
  '/account/alerts/alert/': accountForms,
  '/account/alerts/settings/': accountForms,
  '/account/messages/': `${accountForms}; sends attachments as multipart`,
  '/account/messages/conversation/': `${accountForms}; sends attachments as multipart`,
  '/account/programs/application/': `${accountForms}; sends documents as multipart`,
  ...Object.fromEntries(['bill-assistance', 'efficient-toilet', 'heat-pump-water-heater', 'home-water-checkup', 'smart-irrigation-controller', 'turf-replacement'].map((id) => [`/account/programs/apply/${id}/`, `${accountForms}; sends documents as multipart`])),
  '/alerts/sign-up/': accountForms,
  '/alerts/confirm/': `${accountForms}; ${linkLanding}`,
  '/unsubscribe/': `${accountForms}; ${linkLanding}`,
  '/account/sharing/': accountForms,
  '/account/sharing/accept/': `${accountForms}; ${linkLanding}`,
  '/account/services/': accountForms,
  '/services/start/': accountForms,
};
/** The consent banner's small enhancement script: on every page that shows the banner. */
const BANNER_SCRIPT = /^\/_astro\/CookieBanner\.[^/]+\.js$/;

let pages: BuiltPage[];
let sitemap: string[];

beforeAll(() => {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ is not built: run `npm run build` first');
  pages = builtPages();
  sitemap = sitemapPaths();
});

/** ids and <a name> targets of a page, for #anchor checks. */
function anchorsOf(html: string): Set<string> {
  const set = new Set<string>();
  for (const t of startTags(html)) {
    const id = t.attrs.get('id');
    if (id) set.add(id);
    if (t.name === 'a' && t.attrs.get('name')) set.add(t.attrs.get('name')!);
  }
  return set;
}

describe('the built site', () => {
  it('builds a file for every URL in the sitemap', () => {
    expect(sitemap.length).toBeGreaterThan(10);
    const missing = sitemap.filter((path) => !fileOfUrl(path));
    expect(missing).toEqual([]);
  });

  it('lists every built page in the sitemap except the 404 pages and private pages', () => {
    const listed = new Set(sitemap);
    const unlisted = pages.map((p) => p.url).filter((url) => url !== '/404.html' && url !== '/es/404/' && !isPrivatePage(url) && !listed.has(url));
    expect(unlisted).toEqual([]);
    expect(sitemap.filter(isPrivatePage)).toEqual([]);
  });

  it('marks every private page noindex', () => {
    const indexable = pages.filter((p) => isPrivatePage(p.url) && !/<meta name="robots" content="noindex"/.test(p.html));
    expect(indexable.map((p) => p.url)).toEqual([]);
  });

  it('has no broken internal link or #anchor in any HTML file', () => {
    const anchorCache = new Map<string, Set<string>>();
    const anchors = (file: string) => {
      if (!anchorCache.has(file)) anchorCache.set(file, anchorsOf(readFileSync(file, 'utf8')));
      return anchorCache.get(file)!;
    };
    const broken: string[] = [];
    let checked = 0;
    for (const page of pages) {
      const base = new URL(page.url, SITE_ORIGIN);
      for (const tag of startTags(page.html)) {
        const attr = tag.name === 'a' || tag.name === 'link' ? 'href' : ['img', 'script', 'source'].includes(tag.name) ? 'src' : tag.name === 'form' ? 'action' : null;
        const raw = attr ? tag.attrs.get(attr) : undefined;
        if (raw === undefined || /^(mailto|tel|data):/i.test(raw)) continue;
        const target = new URL(raw, base);
        if (target.origin !== SITE_ORIGIN) continue; // external: not ours to check
        checked++;
        const where = `${page.url}: <${tag.name} ${attr}="${raw}">`;
        if (WORKER_PATHS.includes(target.pathname) || WORKER_PREFIXES.some((p) => target.pathname.startsWith(p))) continue;
        if (!target.pathname.endsWith('/') && !/\.[a-z0-9]+$/i.test(target.pathname)) {
          broken.push(`${where} (page links need a trailing slash)`);
          continue;
        }
        const file = fileOfUrl(target.pathname);
        if (!file) {
          broken.push(`${where} (no such file)`);
          continue;
        }
        if (target.hash) {
          const id = decodeURIComponent(target.hash.slice(1));
          if (!file.endsWith('.html') || !anchors(file).has(id)) broken.push(`${where} (no element with id "${id}")`);
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(broken).toEqual([]);
  });

  it('gives every page one h1, a lang, a title and a description', () => {
    const problems: string[] = [];
    for (const { url, html } of pages) {
      const tags = startTags(html);
      const h1s = tags.filter((t) => t.name === 'h1').length;
      if (h1s !== 1) problems.push(`${url}: ${h1s} h1 elements`);
      const lang = tags.find((t) => t.name === 'html')?.attrs.get('lang');
      if (!lang?.trim()) problems.push(`${url}: no <html lang>`);
      const titles = elementTexts(html, 'title');
      if (titles.length !== 1 || !titles[0]) problems.push(`${url}: title ${JSON.stringify(titles)}`);
      const descriptions = tags.filter((t) => t.name === 'meta' && t.attrs.get('name') === 'description');
      if (descriptions.length !== 1 || !descriptions[0]!.attrs.get('content')?.trim()) problems.push(`${url}: no single meta description`);
    }
    expect(problems).toEqual([]);
  });

  it('gives every page distinct titles and ids', () => {
    const titles = pages.map((p) => elementTexts(p.html, 'title')[0]);
    expect(new Set(titles).size).toBe(titles.length);
    const duplicates: string[] = [];
    for (const { url, html } of pages) {
      const ids = startTags(html).flatMap((t) => (t.attrs.has('id') ? [t.attrs.get('id')!] : []));
      for (const id of new Set(ids)) if (ids.filter((x) => x === id).length > 1) duplicates.push(`${url}#${id}`);
    }
    expect(duplicates).toEqual([]);
  });

  it('keeps a space between words and links in prose', () => {
    const glued = pages.flatMap(({ url, html }) =>
      // Any letter, accented ones included (Spanish pages: "vea<a>…</a>", "</a>ó").
      [...html.matchAll(/[\p{L}0-9,;:]<a\s[^>]*>[^<]*<\/a>|<\/a>[\p{L}(¿¡]/gu)].map((m) => `${url}: ${m[0]}`),
    );
    expect(glued).toEqual([]);
  });

  it('has no inline script, inline style or event-handler attribute the CSP would block', () => {
    const problems: string[] = [];
    for (const { url, html } of pages) {
      for (const t of startTags(html)) {
        if (t.name === 'script' && !t.attrs.has('src') && t.attrs.get('type') !== 'application/ld+json') problems.push(`${url}: inline <script>`);
        if (t.name === 'style') problems.push(`${url}: <style> element`);
        if (t.attrs.has('style')) problems.push(`${url}: style= on <${t.name}>`);
        for (const name of t.attrs.keys()) if (/^on[a-z]+$/.test(name)) problems.push(`${url}: ${name}= on <${t.name}>`);
        if (t.name === 'a' && /^\s*javascript:/i.test(t.attrs.get('href') ?? '')) problems.push(`${url}: javascript: link`);
      }
    }
    expect(problems).toEqual([]);
  });

  it(`keeps the HTML and CSS of every public page under ${HTML_CSS_GZIP_BUDGET / 1024} KB gzipped`, () => {
    const over = measurePages().filter((p) => p.htmlCssGzipBytes > HTML_CSS_GZIP_BUDGET);
    expect(over).toEqual([]);
  });

  it('ships no JavaScript on pages that need none', () => {
    const withScripts = pages
      // A Spanish page may carry what its English twin may.
      .filter((p) => !((p.url.startsWith('/es/') ? p.url.slice(3) : p.url) in PAGES_ALLOWED_SCRIPTS))
      .flatMap((p) => scriptSources(p.html).filter((src) => !BANNER_SCRIPT.test(src)).map((src) => `${p.url}: ${src}`));
    expect(withScripts).toEqual([]);
  });
});

describe('the privacy pages', () => {
  const page = (url: string) => {
    const found = pages.find((p) => p.url === url);
    if (!found) throw new Error(`${url} was not built`);
    return found.html;
  };

  it('shows the current notice with its version, effective date, summary and contents', () => {
    const html = page('/privacy/');
    expect(html).toMatch(/Version 3\.2, effective <time datetime="2026-11-30">November 30, 2026<\/time>/);
    expect(elementTexts(html, 'h2')).toEqual(expect.arrayContaining(['In short', 'Contents', 'How long we keep information', 'Your privacy rights']));
    expect(html).not.toContain('Archived version');
  });

  it('keeps the notice contact details in step with the utility record', () => {
    const html = page('/privacy/');
    expect(html).toContain(utility.emails.privacy);
    expect(html).toContain(utility.phoneDisplay);
    expect(html).toContain(utility.address.street);
  });

  it('lists every version in the history and marks old versions as archived', () => {
    const history = page('/privacy/history/');
    expect(history).toContain('href="/privacy/versions/1-0/"');
    expect(history).toContain('href="/privacy/versions/2-0/"');
    expect(history).toContain('href="/privacy/versions/3-0/"');
    expect(history).toContain('href="/privacy/changes/1-0-to-2-0/"');
    expect(history).toContain('href="/privacy/changes/2-0-to-3-0/"');
    expect(history).toContain('href="/privacy/changes/3-0-to-3-1/"');
    expect(history).toContain('href="/privacy/changes/3-1-to-3-2/"');
    for (const slug of ['1-0', '2-0', '3-0', '3-1']) {
      const old = page(`/privacy/versions/${slug}/`);
      expect(old).toContain('Archived version, not current.');
      expect(old).toContain('href="/privacy/"');
    }
  });

  it('shows the changes between consecutive versions with marked insertions and deletions', () => {
    const diff = page('/privacy/changes/1-0-to-2-0/');
    expect(diff).toMatch(/<del><span class="visually-hidden">\[removed: <\/span>90<span class="visually-hidden">\]<\/span><\/del>/);
    expect(diff).toMatch(/<ins><span class="visually-hidden">\[added: <\/span>30<span class="visually-hidden">\]<\/span><\/ins>/);
    expect(elementTexts(diff, 'h2')).toContain('Comparing your usage with similar homes');
  });

  it('states the periods and thresholds the code enforces, not others', () => {
    const text = elementTexts(page('/privacy/'), 'main')[0]!;
    const consentMonths = Math.round(CONSENT_MAX_AGE_SECONDS / (365 * 24 * 60 * 60)) * 12;
    expect(text).toContain(`Cookie choices ${CONSENT_PROOF_RETENTION_MONTHS} months, then deleted; we ask again after ${consentMonths} months`);
    expect(text).toContain(`Alerts and your answers to them ${ALERT_RETENTION_YEARS} years after the alert closes`);
    expect(text).toContain(`Privacy requests and what we did about them ${REQUEST_RETENTION_MONTHS} months after we close the request`);
    expect(text).toContain(`computed from at least ${MIN_SIMILAR_HOMES} homes`);
    expect(text).toContain(`The log of releases of your data ${DISCLOSURE_LOG_MONTHS} months`);
    expect(text).toContain(`Invitations to see your account ${INVITATION_KEPT_DAYS} days after they are accepted, withdrawn or expire`);
    expect(text).toContain(`Messages with customer service, and files attached to them ${MESSAGE_RETENTION_DAYS / 365} years after the conversation is closed`);
    expect(text).toContain(`Applications for programs and rebates, with your answers and their history ${APPLICATION_KEPT_YEARS} years after we decide the application`);
    expect(text).toContain(`Documents sent with an application ${DEFAULT_DOCUMENTS_KEPT_DAYS} days after we decide the application`);
  });

  it('says on each program page how long its documents are kept, as the catalog the worker judges by says', () => {
    const catalog = JSON.parse(readFileSync(join(DIST, 'programs', 'catalog.json'), 'utf8')) as { programs: { id: string; application: { documents: unknown[]; documentsKeptDays: number } }[] };
    expect(catalog.programs.length).toBeGreaterThan(0);
    for (const p of catalog.programs.filter((x) => x.application.documents.length)) {
      const text = elementTexts(page(`/programs/${p.id}/`), 'main')[0]!;
      expect(text, p.id).toContain(p.application.documentsKeptDays === 0 ? 'We delete the documents within a day of deciding the application.' : `We delete the documents ${p.application.documentsKeptDays} days after deciding the application.`);
    }
  });

  it('shows what version 3.0 changed: the retention of cookie choices, and the promise of releases to third parties removed', () => {
    const diff = page('/privacy/changes/2-0-to-3-0/');
    expect(elementTexts(diff, 'h1')).toEqual(['Changes from version 2.0 to version 3.0']);
    const sections = elementTexts(diff, 'h2');
    expect(sections).toEqual(expect.arrayContaining(['Alerts and who receives them', 'How long we keep information']));
    // 2.0 said "24 months, then we ask again"; 3.0 keeps the proof 24 months and asks again after 12.
    expect(diff).toMatch(/<ins><span class="visually-hidden">\[added: <\/span>[^<]*after 12 months[^<]*<span class="visually-hidden">\]<\/span><\/ins>/);
    // The release of data to third parties is not built: 3.0 removes the promise.
    expect(diff).toMatch(/<del><span class="visually-hidden">\[removed: <\/span>[^<]*the portal shows you every release we made/);
    const current = page('/privacy/');
    expect(current).not.toContain('every release we made');
    expect(page('/privacy/versions/3-0/')).toContain('The portal does not send your information to other companies for');
    expect(current).toContain('24 months, then deleted; we ask again after 12 months');
    expect(current).not.toContain('then we ask again');
  });

  it('lists every registered cookie on the cookie policy', () => {
    const html = page('/cookies/');
    for (const cookie of cookieRegistry) expect(html).toContain(`<code>${cookie.name}</code>`);
    expect(html).toContain('Only strictly necessary cookies are set without your consent.');
  });

  it('gives the privacy choices page a cookie section the footer links to', () => {
    const html = page('/privacy/choices/');
    expect(startTags(html).some((t) => t.attrs.get('id') === 'cookies')).toBe(true);
    expect(page('/').includes('href="/privacy/choices/#cookies"')).toBe(true);
  });
});
