/**
 * The portal's signature over what a payment intent asks for: its id, the account, the amount and
 * the currency. It travels to the processor in the session's metadata and comes back in the
 * webhook, so a webhook whose session was altered anywhere (or that names another account, amount
 * or currency than the portal signed) is refused even when the processor's own signature holds.
 * HMAC-SHA256 keyed by LINK_SIGNING_SECRET under its own label, base64url.
 */
const encoder = new TextEncoder();

export type SignedTerms = { reference: string; accountId: string; amountCents: number | null; currency: string };

function material(t: SignedTerms) {
  return `payment-intent\n${t.reference}\n${t.accountId}\n${t.amountCents ?? 'setup'}\n${t.currency}`;
}

async function key(secret: string) {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

function base64url(bytes: Uint8Array) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function signTerms(secret: string, terms: SignedTerms) {
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', await key(secret), encoder.encode(material(terms)))));
}

export async function termsSignatureValid(secret: string, terms: SignedTerms, signature: string | undefined | null) {
  if (!signature || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return false;
  const bytes = Uint8Array.from(atob(signature.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  // crypto.subtle.verify compares in constant time.
  return crypto.subtle.verify('HMAC', await key(secret), bytes, encoder.encode(material(terms)));
}
