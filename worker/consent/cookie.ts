import { consentMethods } from '../../db/schema';
import { base64url } from '../auth/tokens';
import type { ConsentMethod, ConsentState } from './state';

/**
 * The `__Host-consent` cookie: `1.<consentId>.<policyVersion>.<flags>.<method>.<givenAt>.<mac>`,
 * where flags are `p`/`a`/`g` (preferences, analytics, GPC seen) or `-`, and mac is an HMAC-SHA256
 * under a key derived from LINK_SIGNING_SECRET for this purpose alone. The signature lets every
 * request know the visitor's consent without a database read, and means the worker only acts on
 * choices it recorded itself (each one also a proof row in D1).
 */
const FORMAT = '1';
const idPattern = /^[A-Za-z0-9_-]{16,64}$/;
const versionPattern = /^[A-Za-z0-9_-]{1,32}$/;

const keys = new Map<string, Promise<CryptoKey>>();

/** A key used only for consent cookies: HMAC(LINK_SIGNING_SECRET, "consent-cookie-v1"). */
function consentKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const enc = new TextEncoder();
      const root = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const derived = await crypto.subtle.sign('HMAC', root, enc.encode('consent-cookie-v1'));
      return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    })();
    keys.set(secret, key);
  }
  return key;
}

function payloadOf(s: ConsentState): string {
  const flags = `${s.preferences ? 'p' : ''}${s.analytics ? 'a' : ''}${s.gpc ? 'g' : ''}` || '-';
  return [FORMAT, s.consentId, s.policyVersion, flags, s.method, String(s.givenAt)].join('.');
}

export async function encodeConsentCookie(state: ConsentState, secret: string): Promise<string> {
  const payload = payloadOf(state);
  const mac = await crypto.subtle.sign('HMAC', await consentKey(secret), new TextEncoder().encode(payload));
  return `${payload}.${base64url(new Uint8Array(mac))}`;
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const b64 = text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The state a cookie carries, or null when it is malformed or its signature does not verify. */
export async function decodeConsentCookie(value: string | undefined, secret: string): Promise<ConsentState | null> {
  if (!value || value.length > 256) return null;
  const parts = value.split('.');
  if (parts.length !== 7 || parts[0] !== FORMAT) return null;
  const [, consentId, policyVersion, flags, method, givenAtText, macText] = parts as [string, string, string, string, string, string, string];
  if (!idPattern.test(consentId) || !versionPattern.test(policyVersion) || !/^(-|p?a?g?)$/.test(flags) || flags === '') return null;
  if (!(consentMethods as readonly string[]).includes(method) || !/^\d{1,12}$/.test(givenAtText)) return null;
  const mac = fromBase64url(macText);
  if (!mac) return null;
  const payload = parts.slice(0, 6).join('.');
  const ok = await crypto.subtle.verify('HMAC', await consentKey(secret), mac, new TextEncoder().encode(payload));
  if (!ok) return null;
  return {
    consentId,
    policyVersion,
    preferences: flags.includes('p'),
    analytics: flags.includes('a'),
    gpc: flags.includes('g'),
    method: method as ConsentMethod,
    givenAt: Number(givenAtText),
  };
}
