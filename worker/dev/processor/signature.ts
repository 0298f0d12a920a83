/**
 * Stripe's webhook signature, computed as Stripe documents it (not with the SDK, so that the
 * portal's SDK-based verification is checked against an independent implementation):
 * `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The whole `whsec_…` string is the HMAC key.
 */
const encoder = new TextEncoder();

export async function stripeSignatureHeader(secret: string, payload: string, timestampSeconds: number) {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${timestampSeconds}.${payload}`)));
  return `t=${timestampSeconds},v1=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
