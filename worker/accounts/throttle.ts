/**
 * Rate limits and lockouts, counted in D1 (shared by every Worker instance).
 *
 * Each counter has a policy: after `maxFailures` within `windowMs` it locks for `baseLockMs`; each
 * further lock in a row doubles, up to `maxLockMs`, and the streak resets after a quiet day. Every
 * lock therefore ends, so an attacker can slow a customer down but never lock them out for good
 * (and a password reset by e-mail clears the account's counters).
 *
 * Keys never hold a value in clear: `<kind>:<HMAC-SHA256(secret, kind + value)>`. The client is
 * the CF-Connecting-IP address, which is hashed this way and never stored.
 */
import { eq, inArray, like, or } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { throttles } from '../../db/schema';
import { clientNetwork } from '../http/client-network';

export type ThrottlePolicy = { maxFailures: number; windowMs: number; baseLockMs: number; maxLockMs: number };

const minute = 60_000;
const hour = 60 * minute;

export const throttlePolicies = {
  /** One login identity guessed from one client: the tight limit. */
  loginPair: { maxFailures: 5, windowMs: 15 * minute, baseLockMs: 1 * minute, maxLockMs: 1 * hour },
  /** One login identity from every client together (a spread-out attack): looser, short locks. */
  loginIdentity: { maxFailures: 20, windowMs: 1 * hour, baseLockMs: 5 * minute, maxLockMs: 30 * minute },
  /** One client across every login identity (credential stuffing). */
  loginClient: { maxFailures: 30, windowMs: 15 * minute, baseLockMs: 5 * minute, maxLockMs: 4 * hour },
  /** Wrong codes at the second sign-in step, per login. */
  secondFactor: { maxFailures: 5, windowMs: 15 * minute, baseLockMs: 5 * minute, maxLockMs: 1 * hour },
  /**
   * Passkey sign-in challenges asked for from one client (every request counts: each writes a row
   * until it is answered or expires). The sign-in page asks once as it loads, for the browser's
   * passkey autofill, and again per button press: a person reloading and retrying stays far below;
   * a script writing rows stops at 4 a minute.
   */
  passkeyOptionsClient: { maxFailures: 60, windowMs: 15 * minute, baseLockMs: 15 * minute, maxLockMs: 4 * hour },
  /** Refused passkey sign-ins from one client: an assertion cannot be guessed, so this only stops a flood. */
  passkeyClient: { maxFailures: 10, windowMs: 15 * minute, baseLockMs: 5 * minute, maxLockMs: 1 * hour },
  /** Passkey registrations finished by one login (every one counts; each mails the customer). */
  passkeyRegisterLogin: { maxFailures: 10, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  /** Failed account proofs at registration, per account number. */
  registerAccount: { maxFailures: 5, windowMs: 1 * hour, baseLockMs: 15 * minute, maxLockMs: 24 * hour },
  /** Failed account proofs at registration, per client (account-number guessing). */
  registerClient: { maxFailures: 10, windowMs: 1 * hour, baseLockMs: 15 * minute, maxLockMs: 24 * hour },
  /** E-mails (reset, verification) asked for one address: every request counts. */
  mailIdentity: { maxFailures: 5, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 1 * hour },
  /** E-mails asked for from one client. */
  mailClient: { maxFailures: 20, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 4 * hour },
  /** E-mail changes asked for by one signed-in login (each mails two addresses): a typo and a retry fit easily. */
  mailLogin: { maxFailures: 5, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 4 * hour },
  /** Cookie choices recorded from one client (network): a person changes their mind a few times, a bot posts hundreds. */
  consentClient: { maxFailures: 30, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  /** Visit beacons from one client (network): a view and a leave per page; a reader never needs one every 5 seconds for long. */
  visitClient: { maxFailures: 120, windowMs: 10 * minute, baseLockMs: 10 * minute, maxLockMs: 1 * hour },
  /**
   * Privacy-request filings from one client (every filing counts). The law forbids making a request
   * hard, so this only stops floods: two people of a household filing all four kinds (8) in one
   * sitting, or an agent filing for a few customers, pass; a script gets 10, then waits an hour,
   * doubling with each lock up to a day (at most about 50 a day), and is told it can write or call.
   */
  requestClient: { maxFailures: 10, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  /**
   * Filings giving one contact address, from any client: one person's four kinds plus a retry.
   * Stops one address being used to fill the queue from many clients.
   */
  requestAddress: { maxFailures: 5, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  /**
   * Verification links mailed to one e-mail on file: two people of the account each asking for the
   * three kinds that need one fits; a flood of links to a customer's inbox from many clients does
   * not. Past it the request is still filed (the answer must not reveal a match), only the mail is held.
   */
  requestVerifyMail: { maxFailures: 6, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  /**
   * Alert recipients one signed-in login adds or re-invites (each mails or texts a confirmation to
   * someone else): a household adds a mobile, a partner and a landlord, with a retry or two; a
   * script using the portal to message strangers stops at 10 a day.
   */
  recipientInviteLogin: { maxFailures: 10, windowMs: 24 * hour, baseLockMs: 24 * hour, maxLockMs: 7 * 24 * hour },
  /**
   * Confirmations sent to one address or number, from every account and alert sign-up together:
   * its owner is asked at most 3 times a day, however many people name it.
   */
  recipientInviteAddress: { maxFailures: 3, windowMs: 24 * hour, baseLockMs: 24 * hour, maxLockMs: 7 * 24 * hour },
  /**
   * Paying without signing in (worker/payments/guest.ts). Every look-up of an amount due from one
   * client counts, right or wrong: a household or a landlord paying a few accounts stays far below
   * 30 an hour; a script walking a list of account numbers and ZIP codes does not.
   */
  guestPayClient: { maxFailures: 30, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  /** Look-ups from one client that matched no account: guessing, as at registration. */
  guestPayMissClient: { maxFailures: 10, windowMs: 1 * hour, baseLockMs: 15 * minute, maxLockMs: 24 * hour },
  /** Wrong ZIP codes for one account number from any client: 5, then locks that grow, as at registration. */
  guestPayMissAccount: { maxFailures: 5, windowMs: 1 * hour, baseLockMs: 15 * minute, maxLockMs: 24 * hour },
  /**
   * Invitations to share an account sent by one holder (each mails someone who did not ask): a
   * household invites a partner, a parent and a landlord with a retry; a script stops at 10 a day.
   */
  delegateInviteLogin: { maxFailures: 10, windowMs: 24 * hour, baseLockMs: 24 * hour, maxLockMs: 7 * 24 * hour },
  /** Invitations to one address, from every account together: its owner is asked at most 3 times a day. */
  delegateInviteAddress: { maxFailures: 3, windowMs: 24 * hour, baseLockMs: 24 * hour, maxLockMs: 7 * 24 * hour },
  /** Wrong invitation codes tried by one login: codes cannot be guessed, so this only stops a flood. */
  delegateAcceptLogin: { maxFailures: 10, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  /** Stop and move requests from one login: a household changing its mind twice fits; a script writing a staff queue does not. */
  serviceRequestLogin: { maxFailures: 5, windowMs: 24 * hour, baseLockMs: 24 * hour, maxLockMs: 7 * 24 * hour },
  /** Start-service requests from one client without a login (each is a row staff must work, and a mail). */
  serviceStartClient: { maxFailures: 5, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  /** Start-service requests naming one e-mail address, from every client together. */
  serviceStartAddress: { maxFailures: 3, windowMs: 24 * hour, baseLockMs: 24 * hour, maxLockMs: 7 * 24 * hour },
  /**
   * Connect My Data consent requests one login opens (each writes a row until answered or expired):
   * a customer connecting a few applications, with retries, stays far below; a script does not.
   */
  connectConsentLogin: { maxFailures: 30, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  /** Hand-offs to the processor for one account, signed in or not (each one is a processor session and a row). */
  payStartAccount: { maxFailures: 15, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  /** Hand-offs started by one login, or (without a login) one client. */
  payStartActor: { maxFailures: 15, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  /**
   * Secure messages (worker/messages/), per login, every success counts: a customer with a few
   * questions about a few accounts starts 5 conversations in an hour; 30 messages and 20 attached
   * files an hour is a long back-and-forth; a script filling the support queue or R2 stops there.
   */
  messageConversationLogin: { maxFailures: 5, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  messagePostLogin: { maxFailures: 30, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  messageUploadLogin: { maxFailures: 20, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
  /**
   * Program applications (worker/programs/), per login, every success counts: each is a row staff
   * must work and up to 5 files in R2. A household applies for a few programs in a day; answers to
   * "we need more information" come a few at a time.
   */
  programApplyLogin: { maxFailures: 5, windowMs: 24 * hour, baseLockMs: 24 * hour, maxLockMs: 7 * 24 * hour },
  programRespondLogin: { maxFailures: 20, windowMs: 1 * hour, baseLockMs: 1 * hour, maxLockMs: 24 * hour },
} as const satisfies Record<string, ThrottlePolicy>;

export type ThrottleKind = keyof typeof throttlePolicies;
export type Throttle = { key: string; kind: ThrottleKind };

async function hmacHex(secret: string, value: string) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(value)));
  return [...mac.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A counter key for `kind` and the values it counts (e.g. a normalised e-mail and a client hash). */
export async function throttle(secret: string, kind: ThrottleKind, ...values: string[]): Promise<Throttle> {
  // Keys of several values start with the first one's hash, so all counters of one login can be cleared together.
  const head = await hmacHex(secret, `throttle\n${kind}\n${values[0] ?? ''}`);
  const key = values.length > 1 ? `${kind}:${head}:${await hmacHex(secret, `throttle\n${kind}\n${values.join('\n')}`)}` : `${kind}:${head}`;
  return { key, kind };
}

/** Every counter of `kind` whose first value was `first` (e.g. all (login, client) pairs of one login). */
export async function throttlePrefix(secret: string, kind: ThrottleKind, first: string) {
  return `${kind}:${await hmacHex(secret, `throttle\n${kind}\n${first}`)}`;
}

/** The key prefixes of every counter of one login identity, from every client. */
export async function loginThrottlePrefixes(secret: string, email: string) {
  return { pairs: await throttlePrefix(secret, 'loginPair', email), identity: await throttlePrefix(secret, 'loginIdentity', email) };
}

/**
 * Forgets those counters (after a password reset by e-mail). Not async on purpose: a drizzle query
 * is a thenable, so an async function returning one would run it instead of handing it over.
 */
export function clearLoginThrottles(db: DrizzleD1Database, prefixes: { pairs: string; identity: string }) {
  return db.delete(throttles).where(or(like(throttles.key, `${prefixes.pairs}:%`), eq(throttles.key, prefixes.identity)));
}

/** A keyed hash standing for the client (its IP address), never reversible without the secret. */
export async function clientHash(secret: string, ip: string | undefined | null) {
  return hmacHex(secret, `client\n${clientNetwork(ip)}`);
}

/** When the latest lock among `list` ends, or null when none is locked at `now`. */
export async function lockedUntil(db: DrizzleD1Database, list: Throttle[], now = new Date()): Promise<Date | null> {
  if (!list.length) return null;
  const rows = await db.select().from(throttles).where(inArray(throttles.key, list.map((t) => t.key)));
  let latest: number | null = null;
  for (const row of rows) {
    const until = row.lockedUntil ? Date.parse(row.lockedUntil) : 0;
    if (until > now.getTime() && (latest === null || until > latest)) latest = until;
  }
  return latest === null ? null : new Date(latest);
}

/**
 * Counts one failure on each counter; returns the kinds that became locked by it (for the audit log).
 */
export async function recordFailure(db: DrizzleD1Database, list: Throttle[], now = new Date()): Promise<ThrottleKind[]> {
  if (!list.length) return [];
  const rows = await db.select().from(throttles).where(inArray(throttles.key, list.map((t) => t.key)));
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const locked: ThrottleKind[] = [];
  const writes = list.map((t) => {
    const policy: ThrottlePolicy = throttlePolicies[t.kind];
    const row = byKey.get(t.key);
    let failures = row?.failures ?? 0;
    let windowStartedAt = row ? Date.parse(row.windowStartedAt) : now.getTime();
    let lockouts = row?.lockouts ?? 0;
    let lockedUntilAt = row?.lockedUntil ?? null;
    if (now.getTime() - windowStartedAt > policy.windowMs) {
      failures = 0;
      windowStartedAt = now.getTime();
    }
    if (row && lockouts > 0 && now.getTime() - Date.parse(row.updatedAt) > 24 * hour) lockouts = 0;
    failures += 1;
    if (failures >= policy.maxFailures) {
      lockouts += 1;
      const length = Math.min(policy.baseLockMs * 2 ** (lockouts - 1), policy.maxLockMs);
      lockedUntilAt = new Date(now.getTime() + length).toISOString();
      failures = 0;
      windowStartedAt = now.getTime();
      locked.push(t.kind);
    }
    const values = { failures, windowStartedAt: new Date(windowStartedAt).toISOString(), lockedUntil: lockedUntilAt, lockouts, updatedAt: now.toISOString() };
    return db.insert(throttles).values({ key: t.key, ...values }).onConflictDoUpdate({ target: throttles.key, set: values });
  });
  await db.batch(writes as [(typeof writes)[0], ...typeof writes]);
  return locked;
}

/** Forgets counters (after a success, or a password reset that proves the owner). */
export function clearThrottles(db: DrizzleD1Database, list: Throttle[]) {
  return db.delete(throttles).where(inArray(throttles.key, list.map((t) => t.key)));
}

export function clearThrottle(db: DrizzleD1Database, t: Throttle) {
  return db.delete(throttles).where(eq(throttles.key, t.key));
}
