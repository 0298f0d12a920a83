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

/**
 * Every secret the worker declares in wrangler.toml `[secrets] required`: one set per utility, the
 * first's unprefixed and each other's under its prefix (JUNIPER_VALLEY_LINK_SIGNING_SECRET), as listed there.
 */
export async function generateDevSecrets(): Promise<Record<string, string>> {
  const required = JSON.parse(/^required\s*=\s*(\[[^\]]*\])/m.exec(readFileSync(fileURLToPath(new URL('../../wrangler.toml', import.meta.url)), 'utf8'))?.[1] ?? '[]') as string[];
  const sets = new Map<string, Record<string, string>>();
  const out: Record<string, string> = {};
  for (const name of required) {
    const base = ONE_SET.find((b) => name.endsWith(b));
    if (!base) throw new Error(`wrangler.toml requires ${name}, which db/demo/dev-secrets.ts cannot make`);
    const prefix = name.slice(0, -base.length);
    if (!sets.has(prefix)) sets.set(prefix, await secretsOfOneTenant());
    out[name] = sets.get(prefix)![base]!;
  }
  return out;
}

const ONE_SET = ['LINK_SIGNING_SECRET', 'RECEIPT_SIGNING_JWKS', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'TOTP_ENCRYPTION_KEYS', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'];

async function secretsOfOneTenant(): Promise<Record<string, string>> {
  return {
    // HMAC key for single-use links (e-mail verification, password reset, request verification).
    LINK_SIGNING_SECRET: randomSecret(),
    // ES256 private keys; the first signs receipts and forms, all are published at /.well-known/jwks.json.
    RECEIPT_SIGNING_JWKS: await receiptSigningJwks(),
    // Locally the payment processor is the development stand-in (worker/dev/processor/): it accepts
    // only this key and signs its webhooks with this secret, in Stripe's formats.
    STRIPE_SECRET_KEY: `sk_test_dev_${randomSecret(24)}`,
    STRIPE_WEBHOOK_SECRET: `whsec_${randomSecret(32)}`,
    // AES-256-GCM keys for staff TOTP secrets in D1, "<kid>:<base64url 32 bytes>", newest first (worker/auth/totp-secrets.ts).
    TOTP_ENCRYPTION_KEYS: `dev-${new Date().toISOString().slice(0, 10)}:${randomSecret(32)}`,
    // Twilio credentials. Locally only the SMS stand-in (worker/alerts/delivery/sms/stand-in.ts) checks
    // them, as Twilio would: Basic auth on its Messages API, and the X-Twilio-Signature of its webhooks.
    TWILIO_ACCOUNT_SID: `AC${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex')}`,
    TWILIO_AUTH_TOKEN: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex'),
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

/** Reads what toEnvFile writes (and plain or double-quoted values, as a hand-edited .dev.vars may hold). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const raw = m[2]!;
    out[m[1]!] = /^'.*'$/.test(raw) || /^".*"$/.test(raw) ? raw.slice(1, -1) : raw;
  }
  return out;
}

/**
 * The local secrets in `path` (.dev.vars, or an e2e run's env file), after adding any that are
 * missing. The demo loader needs them too: it stores staff TOTP secrets sealed with TOTP_ENCRYPTION_KEYS.
 */
export async function ensureDevSecrets(path = '.dev.vars'): Promise<Record<string, string>> {
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const missing = Object.entries(await generateDevSecrets()).filter(([k]) => !new RegExp(`^${k}=`, 'm').test(existing));
  if (missing.length) {
    writeFileSync(path, (existing && !existing.endsWith('\n') ? `${existing}\n` : existing) + toEnvFile(Object.fromEntries(missing)));
    console.log(`Wrote local secrets to ${path}: ${missing.map(([k]) => k).join(', ')}`);
  }
  return parseEnvFile(readFileSync(path, 'utf8'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await ensureDevSecrets();
