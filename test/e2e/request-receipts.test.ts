/**
 * Receipts checked the way an outsider would: over HTTP against the running portal, with Node's own
 * crypto (test/support/receipt-verifier.ts), not the JOSE library the portal signs with.
 */
import { generateKeyPairSync, createHash } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { canonicalJson, verifyReceipt } from '../support/receipt-verifier';
import { startPortal } from '../support/portal-server';

const origin = inject('portalOrigin');

async function file(base: string, body: Record<string, unknown>) {
  const { formToken } = (await (await fetch(`${base}/api/requests/form`)).json()) as { formToken: string };
  const res = await fetch(`${base}/api/requests`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: base }, body: JSON.stringify({ formToken, ...body }) });
  if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; type: string; receivedAt: string; dueOn: string; receipt: string };
}

const submission = {
  type: 'know',
  submittedBy: 'self',
  fullName: 'Outside Verifier',
  email: 'outside@test.example',
  accountNumber: '1234567890',
  postalCode: '95990',
  declarationName: 'Outside Verifier',
  declarationTrue: true,
};

const jwks = async (base: string) => (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };

function signingSecret(kid: string) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] });
}

describe('receipts, verified independently with Node crypto', () => {
  it('verifies against the published JWKS and carries id, type, times and the submission hash', async () => {
    const filed = await file(origin, submission);
    const check = verifyReceipt(filed.receipt, await jwks(origin));
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.payload).toMatchObject({ rid: filed.id, type: 'know', received: filed.receivedAt, due: filed.dueOn });
    // The hash is reproducible from what was sent (everything but the form token and password).
    const expected = createHash('sha256').update(canonicalJson({ ...submission, agentAttest: false, optOutSaleSharing: false, limitSensitiveUse: false })).digest('hex');
    expect(check.payload.sha256).toBe(expected);
  });

  it('rejects a tampered receipt', async () => {
    const filed = await file(origin, submission);
    const [h, p, s] = filed.receipt.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...payload, due: '2099-01-01' })).toString('base64url');
    expect(verifyReceipt(`${h}.${forgedPayload}.${s}`, await jwks(origin))).toMatchObject({ ok: false });
    const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
    expect(verifyReceipt(`${h}.${p}.${flipped}`, await jwks(origin))).toMatchObject({ ok: false });
  });

  it('still verifies a receipt signed before a key rotation', async () => {
    // Receipts need no usage: the demo loads without its reads.
    const first = await startPortal({ secrets: { RECEIPT_SIGNING_JWKS: signingSecret('rotation-old') }, keepState: true, withoutUsage: true });
    let oldReceipt: string;
    try {
      oldReceipt = (await file(first.origin, submission)).receipt;
    } finally {
      await first.stop();
    }
    // Restart on the same database with only the new key in the secret.
    const second = await startPortal({ reuse: first.persistTo, secrets: { RECEIPT_SIGNING_JWKS: signingSecret('rotation-new') } });
    try {
      const published = await jwks(second.origin);
      expect(published.keys.map((k) => k.kid)).toEqual(expect.arrayContaining(['rotation-new', 'rotation-old']));
      expect(verifyReceipt(oldReceipt, published)).toMatchObject({ ok: true, kid: 'rotation-old' });
      const fresh = (await file(second.origin, submission)).receipt;
      expect(verifyReceipt(fresh, published)).toMatchObject({ ok: true, kid: 'rotation-new' });
    } finally {
      await second.stop();
    }
  }, 240_000);
});
