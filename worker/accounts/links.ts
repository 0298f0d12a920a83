/**
 * Single-use, expiring, signed links for e-mail verification, password reset and e-mail change.
 *
 * A token reads `<purpose>.<expiry>.<random>.<mac>`: the MAC is an HMAC-SHA256 (key
 * LINK_SIGNING_SECRET) over purpose, expiry and the random part, so a tampered link is refused
 * before the database is asked. Only a SHA-256 of the random part is stored; consuming marks the
 * row used with a conditional update, so two clicks cannot both win.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { linkTokens, type LinkPurpose } from '../../db/schema';
import { base64url, randomToken, sha256Hex } from '../auth/tokens';
import { ApiError } from '../http/errors';

export const linkLifetimeMs: Record<LinkPurpose, number> = {
  'verify-email': 24 * 3_600_000,
  'password-reset': 60 * 60_000,
  'email-change': 24 * 3_600_000,
};

const purposeCode: Record<LinkPurpose, string> = { 'verify-email': 'v', 'password-reset': 'r', 'email-change': 'e' };
const codePurpose = Object.fromEntries(Object.entries(purposeCode).map(([k, v]) => [v, k])) as Record<string, LinkPurpose>;

async function macKey(secret: string) {
  if (!secret || secret.length < 16) throw new Error('LINK_SIGNING_SECRET is missing or too short.');
  return crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

const macInput = (purpose: LinkPurpose, expiry: string, random: string) => new TextEncoder().encode(`portal-link-v1\n${purpose}\n${expiry}\n${random}`);

/**
 * 32 bytes in unpadded base64url: 42 characters, then one whose two low bits are zero. Without the
 * last rule, 4 different last characters would decode to the same MAC and a changed link would pass.
 */
const CANONICAL_MAC = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

export async function signLink(secret: string, purpose: LinkPurpose, expiresAt: Date, random: string) {
  const expiry = Math.floor(expiresAt.getTime() / 1000).toString(36);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await macKey(secret), macInput(purpose, expiry, random)));
  return `${purposeCode[purpose]}.${expiry}.${random}.${base64url(mac)}`;
}

/** The purpose a well-formed token claims (not yet verified), for routing a landing page. */
export function claimedPurpose(token: string): LinkPurpose | null {
  return codePurpose[token.split('.')[0] ?? ''] ?? null;
}

/**
 * Issues a link: returns the token for the e-mail and the statements (insert, and retiring older
 * unused links of the same purpose for the login) to put in the caller's batch.
 */
export async function issueLink(
  db: DrizzleD1Database,
  secret: string,
  link: { purpose: LinkPurpose; loginId: string; accountId?: string | null; newEmail?: string | null; now?: Date },
) {
  const now = link.now ?? new Date();
  const expiresAt = new Date(now.getTime() + linkLifetimeMs[link.purpose]);
  const random = randomToken(24);
  const token = await signLink(secret, link.purpose, expiresAt, random);
  const statements = [
    db
      .update(linkTokens)
      .set({ usedAt: now.toISOString() })
      .where(and(eq(linkTokens.loginId, link.loginId), eq(linkTokens.purpose, link.purpose), isNull(linkTokens.usedAt))),
    db.insert(linkTokens).values({
      tokenHash: await sha256Hex(random),
      purpose: link.purpose,
      loginId: link.loginId,
      accountId: link.accountId ?? null,
      newEmail: link.newEmail ?? null,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    }),
  ] as const;
  return { token, expiresAt, statements };
}

export type ConsumedLink = typeof linkTokens.$inferSelect;

/**
 * Verifies and consumes a link, once. Throws 400 `link_invalid` (tampered, malformed, other
 * purpose, unknown), 410 `link_expired` or 410 `link_used`.
 */
export async function consumeLink(
  db: DrizzleD1Database,
  secret: string,
  token: string,
  purpose: LinkPurpose,
  now = new Date(),
  /** Runs on a valid, unused link before it is consumed: a refusal here leaves the link usable. */
  precheck?: (row: ConsumedLink) => Promise<void> | void,
): Promise<ConsumedLink> {
  const invalid = new ApiError(400, 'link_invalid', 'This link is not valid. Please use the newest link we sent, or ask for a new one.');
  const expired = new ApiError(410, 'link_expired', 'This link has expired. Please ask for a new one.');
  const used = new ApiError(410, 'link_used', 'This link has already been used, or a newer one replaced it.');
  const parts = token.split('.');
  if (parts.length !== 4 || codePurpose[parts[0]!] !== purpose) throw invalid;
  const [, expiry, random, mac] = parts as [string, string, string, string];
  if (!/^[0-9a-z]{1,10}$/.test(expiry) || !/^[A-Za-z0-9_-]{16,64}$/.test(random) || !CANONICAL_MAC.test(mac)) throw invalid;
  const macBytes = Uint8Array.from(atob(mac.replaceAll('-', '+').replaceAll('_', '/') + '='), (c) => c.charCodeAt(0));
  const genuine = await crypto.subtle.verify('HMAC', await macKey(secret), macBytes, macInput(purpose, expiry, random));
  if (!genuine) throw invalid;
  if (parseInt(expiry, 36) * 1000 <= now.getTime()) throw expired;
  const tokenHash = await sha256Hex(random);
  const [row] = await db.select().from(linkTokens).where(eq(linkTokens.tokenHash, tokenHash)).limit(1);
  if (!row || row.purpose !== purpose) throw invalid;
  if (row.usedAt) throw used;
  if (Date.parse(row.expiresAt) <= now.getTime()) throw expired;
  if (precheck) await precheck(row);
  const [claimed] = await db
    .update(linkTokens)
    .set({ usedAt: now.toISOString() })
    .where(and(eq(linkTokens.tokenHash, tokenHash), isNull(linkTokens.usedAt), gt(linkTokens.expiresAt, now.toISOString())))
    .returning();
  if (!claimed) throw used;
  return claimed;
}
