/**
 * Links signed with HMAC-SHA256 (LINK_SIGNING_SECRET), each bound to a purpose so one kind can
 * never stand in for another:
 * - status: the requester's link to see status and due date (no expiry; shows no personal data);
 * - verify: single-use, 72 hours, sent to the e-mail on file; its nonce's hash is stored and cleared on use;
 * - package: the access package download, 7 days.
 */
import { base64url, randomToken } from '../auth/tokens';

export const VERIFY_LINK_HOURS = 72;
export const PACKAGE_LINK_DAYS = 7;

async function hmac(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message))));
}

/** Constant-time comparison of two strings of the same alphabet. */
function same(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export const statusToken = (secret: string, requestId: string) => hmac(secret, `privacy-request-status:${requestId}`);

export async function checkStatusToken(secret: string, requestId: string, token: string): Promise<boolean> {
  return same(await statusToken(secret, requestId), token);
}

export function statusPath(requestId: string, token: string) {
  return `/privacy/request/status/?r=${encodeURIComponent(requestId)}&t=${encodeURIComponent(token)}`;
}

export type VerifyLink = { nonce: string; expires: number; signature: string };

export async function makeVerifyLink(secret: string, requestId: string, now: Date): Promise<VerifyLink> {
  const nonce = randomToken(24);
  const expires = Math.floor(now.getTime() / 1000) + VERIFY_LINK_HOURS * 3600;
  return { nonce, expires, signature: await hmac(secret, `privacy-request-verify:${requestId}:${nonce}:${expires}`) };
}

export async function checkVerifyLink(secret: string, requestId: string, link: VerifyLink, now: Date): Promise<'ok' | 'bad' | 'expired'> {
  if (!same(await hmac(secret, `privacy-request-verify:${requestId}:${link.nonce}:${link.expires}`), link.signature)) return 'bad';
  return now.getTime() / 1000 > link.expires ? 'expired' : 'ok';
}

export function verifyPath(requestId: string, link: VerifyLink) {
  return `/privacy/request/verify/?r=${encodeURIComponent(requestId)}&n=${encodeURIComponent(link.nonce)}&e=${link.expires}&s=${encodeURIComponent(link.signature)}`;
}

export async function makePackageLink(secret: string, requestId: string, now: Date) {
  const expires = Math.floor(now.getTime() / 1000) + PACKAGE_LINK_DAYS * 86_400;
  const signature = await hmac(secret, `privacy-request-package:${requestId}:${expires}`);
  const query = `r=${encodeURIComponent(requestId)}&e=${expires}&s=${encodeURIComponent(signature)}`;
  return { expires, json: `/api/requests/package?${query}&format=json`, html: `/api/requests/package?${query}&format=html` };
}

export async function checkPackageLink(secret: string, requestId: string, expires: number, signature: string, now: Date): Promise<'ok' | 'bad' | 'expired'> {
  if (!same(await hmac(secret, `privacy-request-package:${requestId}:${expires}`), signature)) return 'bad';
  return now.getTime() / 1000 > expires ? 'expired' : 'ok';
}
