/**
 * The token every privacy-request form carries: a JWS (ES256, jose) signed by the portal, valid
 * 30 minutes, bound to one purpose, single-use (its jti is recorded when a request is filed).
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import { signingKeys } from './signing-keys';

export const FORM_PURPOSE = 'privacy-request';
export const FORM_TOKEN_MINUTES = 30;
const TYPE = 'form+jwt';

export type FormTokenClaims = { jti: string; expiresAt: Date };

export type FormTokenProblem = 'malformed' | 'forged' | 'expired' | 'wrong_purpose' | 'replayed';

export class FormTokenError extends Error {
  constructor(readonly problem: FormTokenProblem) {
    super(formTokenMessages[problem]);
  }
}

export const formTokenMessages: Record<FormTokenProblem, string> = {
  malformed: 'This form\'s security token is missing or damaged. Please reload the request page and try again.',
  forged: 'This form was not issued by this portal. Please open the request page on our site and try again.',
  expired: 'This form has expired (forms are valid for 30 minutes). Please reload the request page and submit it again.',
  wrong_purpose: 'This form token was issued for a different form. Please reload the request page and try again.',
  replayed: 'This form has already been submitted. Please reload the request page to file another request.',
};

export async function issueFormToken(secret: string, options: { purpose?: string; now?: Date; issuer: string }): Promise<{ token: string; expiresAt: Date }> {
  const keys = await signingKeys(secret);
  const now = options.now ?? new Date();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + FORM_TOKEN_MINUTES * 60;
  const token = await new SignJWT({ purpose: options.purpose ?? FORM_PURPOSE })
    .setProtectedHeader({ alg: 'ES256', kid: keys.current.kid, typ: TYPE })
    .setIssuer(options.issuer)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(crypto.randomUUID())
    .sign(keys.current.privateKey);
  return { token, expiresAt: new Date(exp * 1000) };
}

/** Checks signature, issuer, age and purpose; the caller records the jti to make it single-use. */
export async function verifyFormToken(secret: string, token: string, options: { issuer: string; now?: Date }): Promise<FormTokenClaims> {
  if (!token || token.split('.').length !== 3) throw new FormTokenError('malformed');
  const keys = await signingKeys(secret);
  let payload;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header) => {
        const key = header.kid ? await keys.verifyKey(header.kid) : null;
        if (!key) throw new FormTokenError('forged');
        return key;
      },
      { algorithms: ['ES256'], typ: TYPE, issuer: options.issuer, currentDate: options.now, clockTolerance: 0 },
    ));
  } catch (e) {
    if (e instanceof FormTokenError) throw e;
    if (e instanceof errors.JWTExpired) throw new FormTokenError('expired');
    if (e instanceof errors.JWSSignatureVerificationFailed) throw new FormTokenError('forged');
    if (e instanceof errors.JWTClaimValidationFailed) throw new FormTokenError('forged');
    throw new FormTokenError('malformed');
  }
  if (payload.purpose !== FORM_PURPOSE) throw new FormTokenError('wrong_purpose');
  if (typeof payload.jti !== 'string' || typeof payload.exp !== 'number') throw new FormTokenError('malformed');
  return { jti: payload.jti, expiresAt: new Date(payload.exp * 1000) };
}
