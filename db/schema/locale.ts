import { text } from 'drizzle-orm/sqlite-core';

/** The languages the portal writes in (site/i18n/index.ts `locales` is the same list). */
export const portalLocales = ['en', 'es'] as const;

/**
 * The language a person reads the portal's mail and texts in: chosen where they gave their
 * address (the page's language), changeable by a login in its account settings.
 */
export const localeColumn = () => text('locale', { enum: portalLocales }).notNull().default('en');
