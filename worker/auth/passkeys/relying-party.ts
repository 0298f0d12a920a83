/**
 * Who the portal is to an authenticator (the WebAuthn "relying party"), from PORTAL_ORIGIN alone:
 * never from the request's Host header, which a client chooses. A passkey made for one origin is
 * then refused on any other, including a look-alike host that reached the worker.
 */
import { utility } from '../../tenants/scope';

export type RelyingParty = {
  /** The RP id: the portal's host name (a passkey is scoped to it and its subdomains' parent). */
  id: string;
  /** The one origin a ceremony may come from (scheme, host and port). */
  origin: string;
  /** Shown by the authenticator next to the account name. */
  name: string;
};

export function relyingParty(portalOrigin: string): RelyingParty {
  const url = new URL(portalOrigin);
  return { id: url.hostname, origin: url.origin, name: utility().name };
}

/**
 * COSE algorithms offered and accepted: Ed25519, ES256 (every platform authenticator), RS256
 * (Windows Hello). Named rather than the library's default, which may add post-quantum ones when
 * the runtime has them, so registration and verification always agree.
 */
export const PASSKEY_ALGORITHMS = [-8, -7, -257];

/** How long a ceremony may take: the challenge lives this long, and the browser is told the same. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/** How many passkeys one login may register: plenty for every device a household owns, and a bound on rows. */
export const MAX_PASSKEYS_PER_LOGIN = 20;
