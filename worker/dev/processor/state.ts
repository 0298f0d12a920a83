/**
 * The stand-in keeps no tables: a Checkout Session's state travels inside its id, signed with the
 * stand-in's API key (the one secret the portal and the stand-in share), so nothing is added to
 * the portal's schema for a development tool and a forged or edited id is refused.
 * `cs_test_<base64url(JSON)><base64url(16-byte HMAC)>`, as long as a real id is opaque.
 */
export type StandInSession = {
  mode: 'payment' | 'setup';
  amount_total: number | null;
  currency: string;
  description: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  success_url: string;
  cancel_url: string | null;
  customer: string | null;
  created: number;
  expires_at: number;
  nonce: string;
};

const encoder = new TextEncoder();
const MAC_LENGTH = 22;

function base64url(bytes: Uint8Array) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

async function mac(key: string, data: string) {
  const k = await crypto.subtle.importKey('raw', encoder.encode(`dev-processor-session\n${key}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', k, encoder.encode(data))).slice(0, 16));
}

export async function encodeSessionId(key: string, session: StandInSession) {
  const body = base64url(encoder.encode(JSON.stringify(session)));
  return `cs_test_${body}${await mac(key, body)}`;
}

export async function decodeSessionId(key: string, id: string): Promise<StandInSession | null> {
  if (!/^cs_test_[A-Za-z0-9_-]{30,4000}$/.test(id)) return null;
  const rest = id.slice('cs_test_'.length);
  const body = rest.slice(0, -MAC_LENGTH);
  const given = rest.slice(-MAC_LENGTH);
  const expected = await mac(key, body);
  // Length is fixed and both are public-format strings; compare in constant time anyway.
  let diff = given.length ^ expected.length;
  for (let i = 0; i < Math.min(given.length, expected.length); i++) diff |= given.charCodeAt(i) ^ expected.charCodeAt(i);
  if (diff !== 0) return null;
  try {
    return JSON.parse(new TextDecoder().decode(fromBase64url(body))) as StandInSession;
  } catch {
    return null;
  }
}

/** A short stable suffix for ids derived from a session (payment intent, event): the same session gives the same ids. */
export async function derivedId(prefix: string, from: string) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(from)));
  return `${prefix}${base64url(digest.slice(0, 18)).replace(/[-_]/g, 'x')}`;
}
