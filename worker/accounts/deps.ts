import type { BatchItem } from 'drizzle-orm/batch';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import type { Locale } from '../i18n/locale';

/** What the account flows need from the outside; routes build it, tests may pass their own `now`. */
export type AccountDeps = {
  db: DrizzleD1Database;
  /** LINK_SIGNING_SECRET: signs links and keys the throttle counters. */
  secret: string;
  /** PORTAL_ORIGIN, for links in e-mails. */
  origin: string;
  now: Date;
  /** Keyed hash of the client's address (see throttle.clientHash). */
  client: string;
  /** Coarse browser label for the sessions list. */
  clientLabel: string | null;
  /** The language of the page the request came from: a new login's language, and that of mail sent to an address typed there. */
  locale: Locale;
};

/** Runs statements as one D1 batch (one transaction). */
export async function runBatch(db: DrizzleD1Database, items: BatchItem<'sqlite'>[]) {
  if (!items.length) return;
  await db.batch(items as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
}
