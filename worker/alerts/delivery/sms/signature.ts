/**
 * Twilio's webhook signature (X-Twilio-Signature), as Twilio documents it: HMAC-SHA1, keyed with
 * the account's auth token, over the full URL Twilio was configured to call followed by every POST
 * parameter, sorted by name, each as name then value with nothing between; base64-encoded. The
 * URL is the portal's configured one (PORTAL_ORIGIN), never the Host of the request, as with the
 * ingest assertion's `htu`.
 */

function base64(bytes: Uint8Array) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** What Twilio signs: the URL, then each parameter name and value, by name (a repeated name keeps its values' order). */
export function signedText(url: string, params: [string, string][]) {
  const sorted = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return url + sorted.map(([k, v]) => k + v).join('');
}

export async function twilioSignature(authToken: string, url: string, params: [string, string][]) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(authToken), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  return base64(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(signedText(url, params)))));
}

/** Compares in constant time (for equal lengths), so the expected signature cannot be found byte by byte. */
export async function verifyTwilioSignature(authToken: string, url: string, params: [string, string][], signature: string | undefined | null) {
  if (!signature || !authToken) return false;
  const expected = new TextEncoder().encode(await twilioSignature(authToken, url, params));
  const given = new TextEncoder().encode(signature);
  if (expected.length !== given.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected[i]! ^ given[i]!;
  return diff === 0;
}
