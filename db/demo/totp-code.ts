/**
 * Prints the current TOTP code for a demo staff secret (local use only):
 *   npx tsx db/demo/totp-code.ts BBGGD3ZLAZ4JXW2V3BWTLUCI55CJPEXE
 * With no argument, prints the code of every demo staff login. It reads the published demo secrets
 * below, never the database, which holds them sealed with TOTP_ENCRYPTION_KEYS.
 */
import { totpCode } from '../../worker/auth/totp';
import { DEMO_STAFF } from './logins';

const secret = process.argv[2];
const now = new Date();
if (secret) console.log(await totpCode(secret, now));
else for (const s of DEMO_STAFF) console.log(`${s.email}\t${await totpCode(s.totpSecret, now)}`);
