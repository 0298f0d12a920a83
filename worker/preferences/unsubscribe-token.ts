/**
 * Unsubscribe tokens: a signed capability to stop ONE topic for ONE recipient, and nothing else.
 *
 * A token reads `<recipient id>.<topic>.<expiry>.<mac>`, the MAC an HMAC-SHA256 under
 * LINK_SIGNING_SECRET over all three (with its own label, so no other link of the portal can be
 * turned into one). `topic` is a mail topic, or `all` (a recipient stopping everything: an extra
 * recipient removes itself). Nothing is stored: the token is its own proof, works any number of
 * times (stopping twice is stopping), and only ever turns mail off.
 *
 * Why a token in a URL is acceptable here, against the rule that no bearer value travels in a URL:
 * RFC 8058 has the mail client POST to the URL of the `List-Unsubscribe` header with a fixed body,
 * so that URL must carry who and what. Whoever reads it in a log can do exactly what the token
 * says, stop one kind of mail to one address, and learn nothing: the recipient id is random, the
 * address is not in it, and the page it answers with masks the address. The links in the message
 * body keep the token in the fragment, as every other e-mailed link does, so only the one-click
 * POST made by the recipient's mail provider carries it in a path.
 */
import { mailTopics, type MailTopic } from '../../db/schema/preferences';
import { base64url } from '../auth/tokens';

export type UnsubscribeTopic = MailTopic | 'all';

/** Long enough for anyone reading old mail (CAN-SPAM asks for at least 30 days after sending). */
export const UNSUBSCRIBE_LIFETIME_MS = 60 * 86_400_000;

const CANONICAL_MAC = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const RECIPIENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function macKey(secret: string) {
  if (!secret || secret.length < 16) throw new Error('LINK_SIGNING_SECRET is missing or too short.');
  return crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

const macInput = (recipientId: string, topic: string, expiry: string) => new TextEncoder().encode(`portal-unsubscribe-v1\n${recipientId}\n${topic}\n${expiry}`);

export async function signUnsubscribe(secret: string, recipientId: string, topic: UnsubscribeTopic, now = new Date()) {
  const expiry = Math.floor((now.getTime() + UNSUBSCRIBE_LIFETIME_MS) / 1000).toString(36);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await macKey(secret), macInput(recipientId, topic, expiry)));
  return `${recipientId}.${topic}.${expiry}.${base64url(mac)}`;
}

export type UnsubscribeCheck = { ok: true; recipientId: string; topic: UnsubscribeTopic } | { ok: false; reason: 'invalid' | 'expired' };

/** Verifies a token: `invalid` for anything malformed or tampered with, `expired` for a genuine one past its time. */
export async function verifyUnsubscribe(secret: string, token: string, now = new Date()): Promise<UnsubscribeCheck> {
  const parts = token.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'invalid' };
  const [recipientId, topic, expiry, mac] = parts as [string, string, string, string];
  if (!RECIPIENT_ID.test(recipientId) || !(topic === 'all' || (mailTopics as readonly string[]).includes(topic))) return { ok: false, reason: 'invalid' };
  if (!/^[0-9a-z]{1,10}$/.test(expiry) || !CANONICAL_MAC.test(mac)) return { ok: false, reason: 'invalid' };
  const macBytes = Uint8Array.from(atob(mac.replaceAll('-', '+').replaceAll('_', '/') + '='), (ch) => ch.charCodeAt(0));
  if (!(await crypto.subtle.verify('HMAC', await macKey(secret), macBytes, macInput(recipientId, topic, expiry)))) return { ok: false, reason: 'invalid' };
  if (parseInt(expiry, 36) * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, recipientId, topic: topic as UnsubscribeTopic };
}
