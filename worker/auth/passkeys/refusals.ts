/**
 * What a refused passkey response is told. The answer says enough to act on (try again, use
 * another passkey, sign in another way) and no more: it never says whether a passkey belongs to
 * someone else, nor which check failed; the audit line keeps the reason.
 */
import { ApiError } from '../../http/errors';
import type { RefusalReason } from './ceremonies';

export function passkeyRefusalError(reason: RefusalReason): ApiError {
  switch (reason) {
    case 'challenge':
      return new ApiError(401, 'passkey_expired', 'The passkey request expired or was already used. Please try again.');
    case 'unknown_credential':
    case 'other_login':
    case 'user_handle':
      return new ApiError(401, 'passkey_unknown', 'That passkey is not registered for this login. It may have been removed. Use another passkey, or sign in with your password.');
    case 'duplicate':
      return new ApiError(409, 'passkey_already_registered', 'That passkey is already registered.');
    case 'limit':
      return new ApiError(409, 'passkey_limit', 'This login has as many passkeys as it may have. Remove one you no longer use first.');
    case 'counter':
    case 'verification':
      return new ApiError(401, 'passkey_invalid', 'The passkey could not be checked. Please try again, or sign in another way.');
  }
}
