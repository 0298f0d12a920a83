// @ts-check
import sitemap from '@astrojs/sitemap';
import { defineConfig } from 'astro/config';
import { isPrivatePage } from './site/lib/private-pages.mjs';
import { buildTenant } from './site/lib/tenant.ts';

export default defineConfig({
  // One build per utility (PORTAL_TENANT, scripts of package.json: build-sites.ts), each into its
  // own directory of the one assets binding; the worker serves a host its tenant's directory.
  // Fictional production origin; local runs use http://localhost:8787 (wrangler dev).
  site: `https://${buildTenant.hosts[0]}`,
  srcDir: './site',
  publicDir: './site/public',
  outDir: `./dist/${buildTenant.id}`,
  // Each build its own cache, so one tenant's content store never stands in for another's.
  cacheDir: `./node_modules/.astro/${buildTenant.id}`,
  trailingSlash: 'always',
  output: 'static',
  // Lossless whitespace compression. Astro 7's default ('jsx') drops a line break between text
  // and an element, which glues words to links in prose ("see<a>…</a>").
  compressHTML: true,
  build: {
    format: 'directory',
    // The CSP forbids inline script and style: everything ships as files.
    inlineStylesheets: 'never',
  },
  vite: {
    build: { assetsInlineLimit: 0 },
  },
  // English stays unprefixed (no existing URL changes); Spanish lives under /es/ with the same
  // slugs, so a page's twin is its path with or without the /es prefix (site/i18n/routes.ts).
  i18n: {
    defaultLocale: 'en',
    locales: ['en', 'es'],
    routing: { prefixDefaultLocale: false },
  },
  integrations: [
    sitemap({
      filter: (page) => !page.includes('/404') && !isPrivatePage(new URL(page).pathname),
      // hreflang alternates (xhtml:link) for every page that has a twin in the other language.
      i18n: { defaultLocale: 'en', locales: { en: 'en', es: 'es' } },
    }),
  ],
});
