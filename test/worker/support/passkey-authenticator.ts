/**
 * A software authenticator for the worker tests: makes real WebAuthn registration and assertion
 * responses (ES256 over WebCrypto, "none" attestation, CBOR like a real authenticator), so the
 * portal's checks run unmocked end to end. Each knob a test needs to break one thing at a time:
 * the origin and RP id it signs for, the challenge it answers, the counter, the flags.
 */
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { isoBase64URL, isoCBOR, isoUint8Array } from '@simplewebauthn/server/helpers';
import type { AuthenticationCredential, RegistrationCredential } from '../../../worker/shared/passkey-forms';

export const TEST_ORIGIN = 'http://localhost:8787';
export const TEST_RP_ID = 'localhost';

type Overrides = {
  origin?: string;
  rpId?: string;
  challenge?: string;
  /** User verified (PIN, biometric); default true. */
  uv?: boolean;
  type?: string;
  /** The counter to report (overrides the authenticator's own). */
  counter?: number;
  /** Another user handle to report. */
  userHandle?: string | null;
};

const sha256 = async (data: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource));
const utf8 = (text: string) => new TextEncoder().encode(text);

/** WebCrypto's ECDSA signature is r‖s; WebAuthn carries it DER-encoded. */
function derSignature(raw: Uint8Array) {
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let body = bytes.slice(i);
    if (body[0]! & 0x80) body = isoUint8Array.concat([new Uint8Array([0]), body]);
    return isoUint8Array.concat([new Uint8Array([0x02, body.length]), body]);
  };
  const r = integer(raw.slice(0, 32));
  const s = integer(raw.slice(32));
  return isoUint8Array.concat([new Uint8Array([0x30, r.length + s.length]), r, s]);
}

function flagsByte(o: { up?: boolean; uv: boolean; at?: boolean; be?: boolean; bs?: boolean }) {
  return (o.up === false ? 0 : 1) | (o.uv ? 4 : 0) | (o.be ? 8 : 0) | (o.bs ? 16 : 0) | (o.at ? 64 : 0);
}

function counterBytes(counter: number) {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, counter);
  return out;
}

export class SoftAuthenticator {
  readonly credentialId = crypto.getRandomValues(new Uint8Array(16));
  counter: number;
  userHandle: string | null = null;
  private constructor(
    private readonly keys: CryptoKeyPair,
    /** Authenticators that count add one per use; most passkeys report 0 always. */
    readonly counts: boolean,
    readonly synced: boolean,
  ) {
    this.counter = counts ? 1 : 0;
  }

  static async create(options: { counts?: boolean; synced?: boolean } = {}) {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    return new SoftAuthenticator(keys, options.counts ?? false, options.synced ?? true);
  }

  get id() {
    return isoBase64URL.fromBuffer(this.credentialId);
  }

  private async coseKey() {
    const jwk = (await crypto.subtle.exportKey('jwk', this.keys.publicKey)) as JsonWebKey;
    return isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, isoBase64URL.toBuffer(jwk.x!)],
        [-3, isoBase64URL.toBuffer(jwk.y!)],
      ]),
    );
  }

  private clientData(type: string, challenge: string, origin: string) {
    return utf8(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** The answer to navigator.credentials.create() with these options. */
  async register(options: PublicKeyCredentialCreationOptionsJSON, o: Overrides = {}): Promise<RegistrationCredential> {
    this.userHandle = options.user.id;
    const rpIdHash = await sha256(utf8(o.rpId ?? options.rp.id ?? TEST_RP_ID));
    const idLength = new Uint8Array([0, this.credentialId.length]);
    const authData = isoUint8Array.concat([
      rpIdHash,
      new Uint8Array([flagsByte({ uv: o.uv ?? true, at: true, be: this.synced, bs: this.synced })]),
      counterBytes(o.counter ?? this.counter),
      new Uint8Array(16), // AAGUID: none given with "none" attestation
      idLength,
      this.credentialId,
      await this.coseKey(),
    ]);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as never);
    const clientDataJSON = this.clientData(o.type ?? 'webauthn.create', o.challenge ?? options.challenge, o.origin ?? TEST_ORIGIN);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: isoBase64URL.fromBuffer(clientDataJSON), attestationObject: isoBase64URL.fromBuffer(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** The answer to navigator.credentials.get() with these options (counting one use). */
  async assert(options: PublicKeyCredentialRequestOptionsJSON, o: Overrides = {}): Promise<AuthenticationCredential> {
    if (this.counts && o.counter === undefined) this.counter += 1;
    const rpIdHash = await sha256(utf8(o.rpId ?? options.rpId ?? TEST_RP_ID));
    const authenticatorData = isoUint8Array.concat([rpIdHash, new Uint8Array([flagsByte({ uv: o.uv ?? true, be: this.synced, bs: this.synced })]), counterBytes(o.counter ?? this.counter)]);
    const clientDataJSON = this.clientData(o.type ?? 'webauthn.get', o.challenge ?? options.challenge, o.origin ?? TEST_ORIGIN);
    const signed = isoUint8Array.concat([authenticatorData, await sha256(clientDataJSON)]);
    const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.keys.privateKey, signed as BufferSource));
    const userHandle = o.userHandle === undefined ? this.userHandle : o.userHandle;
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(clientDataJSON),
        authenticatorData: isoBase64URL.fromBuffer(authenticatorData),
        signature: isoBase64URL.fromBuffer(derSignature(raw)),
        ...(userHandle ? { userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
