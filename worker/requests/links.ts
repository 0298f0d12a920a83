/**
 * Links signed with HMAC-SHA256 (LINK_SIGNING_SECRET), each bound to a purpose so one kind can
 * never stand in for another:
 * - status: the requester's link to see status and due date (no expiry; shows no personal data);
 * - verify: single-use, 72 hours, sent to the e-mail on file; its nonce's hash is stored and cleared on use;
 * - package: the access package download, 7 days.
 *
 * Each link is a landing page plus one code, the parts joined by dots (request ids and base64url
 * never contain one). The code rides in the URL fragment, never in a path or query string, so no
 * request log keeps it; the pages post it in a body, and a person without JavaScript pastes it.
 */
import { base64url, randomToken } from '../auth/tokens';
import { fragment, type MailLink } from '../mail/link-lines';

export const VERIFY_LINK_HOURS = 72;
export const PACKAGE_LINK_DAYS = 7;

/** Longest code any of these links makes (a verify code is about 130 characters). */
export const LINK_CODE_MAX = 300;

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

/** The dot-separated parts of a code, or null unless there are exactly `count` well-formed ones. */
function parts(code: string, count: number): string[] | null {
  const trimmed = code.trim();
  if (trimmed.length > LINK_CODE_MAX) return null;
  const split = trimmed.split('.');
  return split.length === count && split.every((p) => /^[A-Za-z0-9_-]{1,100}$/.test(p)) ? split : null;
}

const expiry = (value: string) => (/^\d{1,12}$/.test(value) ? Number(value) : null);

// ---- status ----

export const statusToken = (secret: string, requestId: string) => hmac(secret, `privacy-request-status:${requestId}`);

export async function checkStatusToken(secret: string, requestId: string, token: string): Promise<boolean> {
  return same(await statusToken(secret, requestId), token);
}

export function statusLink(requestId: string, token: string): MailLink {
  const code = `${requestId}.${token}`;
  return { path: `/privacy/request/status/${fragment('code', code)}`, code };
}

export async function statusLinkFor(secret: string, requestId: string): Promise<MailLink> {
  return statusLink(requestId, await statusToken(secret, requestId));
}

export function statusPath(requestId: string, token: string) {
  return statusLink(requestId, token).path;
}

export function parseStatusCode(code: string): { requestId: string; token: string } | null {
  const p = parts(code, 2);
  return p ? { requestId: p[0]!, token: p[1]! } : null;
}

// ---- verify ----

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

export function verifyMailLink(requestId: string, link: VerifyLink): MailLink {
  const code = `${requestId}.${link.nonce}.${link.expires}.${link.signature}`;
  return { path: `/privacy/request/verify/${fragment('code', code)}`, code };
}

export function parseVerifyCode(code: string): { requestId: string; link: VerifyLink } | null {
  const p = parts(code, 4);
  const expires = p ? expiry(p[2]!) : null;
  return p && expires !== null ? { requestId: p[0]!, link: { nonce: p[1]!, expires, signature: p[3]! } } : null;
}

// ---- package ----

export async function makePackageLink(secret: string, requestId: string, now: Date): Promise<MailLink & { expires: number }> {
  const expires = Math.floor(now.getTime() / 1000) + PACKAGE_LINK_DAYS * 86_400;
  const signature = await hmac(secret, `privacy-request-package:${requestId}:${expires}`);
  const code = `${requestId}.${expires}.${signature}`;
  return { expires, code, path: `/privacy/request/package/${fragment('code', code)}` };
}

export async function checkPackageLink(secret: string, requestId: string, expires: number, signature: string, now: Date): Promise<'ok' | 'bad' | 'expired'> {
  if (!same(await hmac(secret, `privacy-request-package:${requestId}:${expires}`), signature)) return 'bad';
  return now.getTime() / 1000 > expires ? 'expired' : 'ok';
}

export function parsePackageCode(code: string): { requestId: string; expires: number; signature: string } | null {
  const p = parts(code, 3);
  const expires = p ? expiry(p[1]!) : null;
  return p && expires !== null ? { requestId: p[0]!, expires, signature: p[2]! } : null;
}
