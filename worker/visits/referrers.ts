/**
 * Referring domains, bucketed so that a day holds a bounded number of keys and a rare referrer
 * (a small company's intranet, a personal blog) is never stored by name:
 * - well-known sites (search engines, social networks, webmail) count under their own key, every
 *   variant under one name (google.co.uk and news.google.com are "google.com");
 * - any other domain counts under "(other)" until it has sent REFERRER_PROMOTE_AT visits in the day;
 *   those visits are then moved to a key of its own, where later ones count too;
 * - until then it is tallied under a keyed hash of the day and the domain (dimension
 *   "referrer_candidate"), at most MAX_REFERRER_CANDIDATES a day; past that, unknown domains go to
 *   "(other)" and are not tallied at all. Yesterday's hashes are useless and the daily cron deletes them.
 * So a day has at most known + 2 + MAX_REFERRER_CANDIDATES referrer keys, and as many candidates.
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { visitDailyCounts } from '../../db/schema';
import { utility } from '../tenants/scope';
import { localDay } from './aggregate';

export const DIRECT = '(direct)';
export const OTHER = '(other)';
export const REFERRER_PROMOTE_AT = 5;
export const MAX_REFERRER_CANDIDATES = 200;

/** Suffix of a referring host → the key it counts under. Order matters only for overlapping suffixes. */
const knownReferrers: [RegExp, string][] = [
  [/(^|\.)google\.(com?\.)?[a-z]{2,3}$/, 'google.com'],
  [/(^|\.)bing\.com$/, 'bing.com'],
  [/(^|\.)duckduckgo\.com$/, 'duckduckgo.com'],
  [/(^|\.)yahoo\.(com?\.)?[a-z]{2,3}$/, 'yahoo.com'],
  [/(^|\.)ecosia\.org$/, 'ecosia.org'],
  [/(^|\.)brave\.com$/, 'brave.com'],
  [/(^|\.)startpage\.com$/, 'startpage.com'],
  [/(^|\.)qwant\.com$/, 'qwant.com'],
  [/(^|\.)baidu\.com$/, 'baidu.com'],
  [/(^|\.)yandex\.(com|ru|[a-z]{2})$/, 'yandex.com'],
  [/(^|\.)chatgpt\.com$/, 'chatgpt.com'],
  [/(^|\.)perplexity\.ai$/, 'perplexity.ai'],
  [/(^|\.)(facebook\.com|fb\.com|fb\.me)$/, 'facebook.com'],
  [/(^|\.)instagram\.com$/, 'instagram.com'],
  [/(^|\.)(x\.com|twitter\.com|t\.co)$/, 'x.com'],
  [/(^|\.)(linkedin\.com|lnkd\.in)$/, 'linkedin.com'],
  [/(^|\.)reddit\.com$/, 'reddit.com'],
  [/(^|\.)nextdoor\.com$/, 'nextdoor.com'],
  [/(^|\.)(youtube\.com|youtu\.be)$/, 'youtube.com'],
  [/(^|\.)bsky\.app$/, 'bsky.app'],
  [/(^|\.)threads\.(net|com)$/, 'threads.net'],
  [/(^|\.)pinterest\.(com|[a-z]{2})$/, 'pinterest.com'],
  [/(^|\.)(outlook\.live\.com|outlook\.office\.com|outlook\.office365\.com|live\.com)$/, 'outlook.com'],
  [/(^|\.)wikipedia\.org$/, 'wikipedia.org'],
];

/** Lower case, no trailing dot, no "www." or "m." in front. */
export function normaliseDomain(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, '').replace(/^(www|m)\./, '');
}

export function knownReferrer(domain: string): string | null {
  const d = normaliseDomain(domain);
  return knownReferrers.find(([pattern]) => pattern.test(d))?.[1] ?? null;
}

/**
 * How one visit's referrer counts: under `key`; `moveFromOther` earlier visits of the day move
 * from "(other)" to `key` (at promotion); `candidate` is the hash to tally while it waits.
 */
export type ReferrerCount = { key: string; moveFromOther: number; candidate: string | null };

async function candidateKey(secret: string, day: string, domain: string) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`visit-referrer\n${day}\n${domain}`)));
  return [...mac.slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function countOf(db: DrizzleD1Database, day: string, dimension: 'referrer_domain' | 'referrer_candidate', key: string) {
  const [row] = await db
    .select({ count: visitDailyCounts.count })
    .from(visitDailyCounts)
    .where(and(eq(visitDailyCounts.day, day), eq(visitDailyCounts.dimension, dimension), eq(visitDailyCounts.key, key)))
    .limit(1);
  return row?.count ?? null;
}

export async function countReferrer(
  db: DrizzleD1Database,
  context: { secret: string; day: string; domain: string | undefined; ownHost: string },
  limits = { promoteAt: REFERRER_PROMOTE_AT, maxCandidates: MAX_REFERRER_CANDIDATES },
): Promise<ReferrerCount> {
  const plain = { moveFromOther: 0, candidate: null };
  if (!context.domain) return { key: DIRECT, ...plain };
  const domain = normaliseDomain(context.domain);
  if (domain === normaliseDomain(context.ownHost)) return { key: DIRECT, ...plain };
  const known = knownReferrer(domain);
  if (known) return { key: known, ...plain };
  if ((await countOf(db, context.day, 'referrer_domain', domain)) !== null) return { key: domain, ...plain };

  const candidate = await candidateKey(context.secret, context.day, domain);
  const seen = await countOf(db, context.day, 'referrer_candidate', candidate);
  if (seen !== null && seen + 1 >= limits.promoteAt) return { key: domain, moveFromOther: seen, candidate: null };
  if (seen === null) {
    const [{ n } = { n: 0 }] = await db
      .select({ n: sql<number>`count(*)` })
      .from(visitDailyCounts)
      .where(and(eq(visitDailyCounts.day, context.day), eq(visitDailyCounts.dimension, 'referrer_candidate')));
    if (n >= limits.maxCandidates) return { key: OTHER, ...plain };
  }
  return { key: OTHER, moveFromOther: 0, candidate };
}

/** Daily: a candidate's hash is salted with its day, so after that day it can never match again. */
export async function purgeReferrerCandidates(db: DrizzleD1Database, now = new Date()) {
  const result = await db
    .delete(visitDailyCounts)
    .where(and(eq(visitDailyCounts.dimension, 'referrer_candidate'), lt(visitDailyCounts.day, localDay(now, utility().timeZone))));
  return { purgedReferrerCandidates: result.meta.changes ?? 0 };
}
