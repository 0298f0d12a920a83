/**
 * Secrets for local runs and tests, generated fresh on each machine (never committed).
 * Production sets the same names with `wrangler secret put`. As a CLI:
 *   tsx db/demo/dev-secrets.ts        writes any missing secret into .dev.vars
 */
import { exportJWK, generateKeyPair } from 'jose';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function randomSecret(bytes = 32) {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url');
}

async function receiptSigningJwks() {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `dev-${new Date().toISOString().slice(0, 10)}-${randomSecret(4)}`, alg: 'ES256', use: 'sig' };
  return JSON.stringify({ keys: [jwk] });
}

/** Every secret the worker declares in wrangler.toml `[secrets] required`. */
export async function generateDevSecrets(): Promise<Record<string, string>> {
  return {
    // HMAC key for single-use links (e-mail verification, password reset, request verification).
    LINK_SIGNING_SECRET: randomSecret(),
    // ES256 private keys; the first signs receipts and forms, all are published at /.well-known/jwks.json.
    RECEIPT_SIGNING_JWKS: await receiptSigningJwks(),
    // Locally the payment processor is the development stand-in (worker/dev/processor/): it accepts
    // only this key and signs its webhooks with this secret, in Stripe's formats.
    STRIPE_SECRET_KEY: `sk_test_dev_${randomSecret(24)}`,
    STRIPE_WEBHOOK_SECRET: `whsec_${randomSecret(32)}`,
  };
}

/**
 * KEY='value' lines. Single quotes: dotenv (wrangler's .dev.vars / --env-file) keeps single-quoted values
 * literally, whereas in double quotes it does not undo JSON's \" escapes, which broke RECEIPT_SIGNING_JWKS.
 */
export function toEnvFile(secrets: Record<string, string>) {
  return (
    Object.entries(secrets)
      .map(([k, v]) => {
        if (v.includes("'") || v.includes('\n')) throw new Error(`Secret ${k} cannot be written to an env file as a literal.`);
        return `${k}='${v}'`;
      })
      .join('\n') + '\n'
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = '.dev.vars';
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const missing = Object.entries(await generateDevSecrets()).filter(([k]) => !new RegExp(`^${k}=`, 'm').test(existing));
  if (missing.length) {
    writeFileSync(path, existing + toEnvFile(Object.fromEntries(missing)));
    console.log(`Wrote local secrets to ${path}: ${missing.map(([k]) => k).join(', ')}`);
  }
}
