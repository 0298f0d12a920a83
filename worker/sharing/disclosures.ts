import { and, desc, eq } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { accountAccess, disclosures, logins, type DisclosureRecipientKind } from '../../db/schema';

export type Disclosure = {
  accountId: string;
  recipient: { kind: DisclosureRecipientKind; id: string; label: string };
  /** Under which authorisation the data left: a Connect My Data authorisation id, or `delegate:<login id>`. */
  authority: string;
  description: string;
  /** The path released (never a query string: it could carry a token). */
  resource: string;
  records: number;
};

/** The statement that logs one release; put it in the same batch as anything else the release writes. */
export function disclosureInsert(db: DrizzleD1Database, d: Disclosure) {
  return db.insert(disclosures).values({
    id: crypto.randomUUID(),
    accountId: d.accountId,
    recipientKind: d.recipient.kind,
    recipientId: d.recipient.id,
    recipientLabel: d.recipient.label,
    authority: d.authority,
    description: d.description,
    resource: d.resource.split('?')[0]!,
    records: d.records,
  });
}

export async function recordDisclosure(db: DrizzleD1Database, d: Disclosure) {
  await disclosureInsert(db, d);
}

/** The account's log, newest first, as the sharing page shows it. */
export function disclosureLog(db: DrizzleD1Database, accountId: string, limit = 200) {
  return db.select().from(disclosures).where(eq(disclosures.accountId, accountId)).orderBy(desc(disclosures.releasedAt)).limit(limit);
}

/**
 * A download of usage by a delegate is a release outside the holders: logged when the login sees
 * the account as a delegate (a holder's own download is not a disclosure). Returns whether it logged.
 */
export async function logDelegateExport(db: DrizzleD1Database, e: { loginId: string; accountId: string; description: string; resource: string; records: number }) {
  const [grant] = await db
    .select({ relationship: accountAccess.relationship, email: logins.email })
    .from(accountAccess)
    .innerJoin(logins, eq(logins.id, accountAccess.loginId))
    .where(and(eq(accountAccess.loginId, e.loginId), eq(accountAccess.accountId, e.accountId)))
    .limit(1);
  if (grant?.relationship !== 'delegate') return false;
  await recordDisclosure(db, {
    accountId: e.accountId,
    recipient: { kind: 'delegate', id: e.loginId, label: grant.email },
    authority: `delegate:${e.loginId}`,
    description: e.description,
    resource: e.resource,
    records: e.records,
  });
  return true;
}
