/**
 * Request bodies of the passkey routes, shared by the worker (which enforces them) and the tests'
 * generators. A credential arrives as the JSON the browser's WebAuthn API produces (base64url
 * fields, as @simplewebauthn/browser sends it); its contents are checked by the ceremony, its shape
 * and sizes here, so a malformed one is a 422 naming the field and never reaches the verifier.
 */
import { z } from 'zod';

const base64url = (max: number) =>
  z
    .string()
    .min(1, 'Missing.')
    .max(max, `At most ${max} characters.`)
    .regex(/^[A-Za-z0-9_-]+$/, 'Not base64url.');

const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());

export const PASSKEY_NAME_MAX = 60;

/** A name the customer gives a passkey ("Phone", "Office key"): printable text, no control characters. */
export const passkeyName = z
  .string()
  .trim()
  .min(1, 'Give the passkey a name.')
  .max(PASSKEY_NAME_MAX, `Use at most ${PASSKEY_NAME_MAX} characters.`)
  .regex(/^[^\p{Cc}\p{Cf}]+$/u, 'Use letters, digits and punctuation only.');

/** Our own id of a passkey (passkey_credentials.id). */
export const passkeyId = z.string().trim().min(1, 'Missing.').max(64);

const transports = z.array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'])).max(8);
const attachment = z.enum(['platform', 'cross-platform']).optional();

/** The browser's answer to navigator.credentials.create(), as JSON (RegistrationResponseJSON). */
export const registrationCredential = z.object({
  id: base64url(1366),
  rawId: base64url(1366),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(16_384),
    authenticatorData: base64url(16_384).optional(),
    transports: transports.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url(4096).optional(),
  }),
  authenticatorAttachment: attachment,
  // Extension outputs are not used; whatever came is dropped.
  clientExtensionResults: z.object({}).optional(),
});

/** The browser's answer to navigator.credentials.get(), as JSON (AuthenticationResponseJSON). */
export const authenticationCredential = z.object({
  id: base64url(1366),
  rawId: base64url(1366),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(4096),
    signature: base64url(2048),
    userHandle: base64url(128).optional(),
  }),
  authenticatorAttachment: attachment,
  clientExtensionResults: z.object({}).optional(),
});

export const registerPasskeyBody = z.object({ name: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), passkeyName.optional()), credential: registrationCredential });
export const passkeySignInBody = z.object({ credential: authenticationCredential, remember: checkbox.default(false) });
export const passkeyAssertionBody = z.object({ credential: authenticationCredential });
/** Which proof a session asks a passkey challenge for: the second sign-in step, or a step-up. */
export const passkeyProofOptionsBody = z.object({ purpose: z.enum(['second_factor', 'step_up']) });
export const renamePasskeyBody = z.object({ passkey: passkeyId, name: passkeyName });
export const removePasskeyBody = z.object({ passkey: passkeyId });

export type RegistrationCredential = z.infer<typeof registrationCredential>;
export type AuthenticationCredential = z.infer<typeof authenticationCredential>;
