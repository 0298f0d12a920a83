// @ts-check
import sitemap from '@astrojs/sitemap';
import { defineConfig } from 'astro/config';
import { isPrivatePage } from './site/lib/private-pages.mjs';

export default defineConfig({
  // Fictional production origin; local runs use http://localhost:8787 (wrangler dev).
  site: 'https://portal.aldercreek-utility.example',
  srcDir: './site',
  publicDir: './site/public',
  outDir: './dist',
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
  integrations: [sitemap({ filter: (page) => !page.includes('/404') && !isPrivatePage(new URL(page).pathname) })],
});
