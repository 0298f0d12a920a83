import { desc, eq, sql } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { consentRecords } from '../../db/schema';
import { randomToken } from '../auth/tokens';
import { COOKIE_POLICY_VERSION } from '../shared/cookie-registry';
import type { ConsentMethod, ConsentState } from './state';

export type ConsentAction = 'choose' | 'withdraw';

export type ConsentChoice = {
  action: ConsentAction;
  method: ConsentMethod;
  preferences: boolean;
  analytics: boolean;
  /** A GPC signal came with the choice (request header or the page's navigator.globalPrivacyControl). */
  gpc: boolean;
};

/**
 * The state a choice leads to. The visitor keeps their consent id across changes (one browser, one
 * history of proof rows); a withdrawal turns every optional category off; a GPC signal always
 * turns analytics off, whatever the form said.
 */
export function decideConsent(previous: ConsentState | null, choice: ConsentChoice, nowSeconds: number): ConsentState {
  const withdraw = choice.action === 'withdraw';
  return {
    consentId: previous?.consentId ?? randomToken(18),
    policyVersion: COOKIE_POLICY_VERSION,
    preferences: !withdraw && choice.preferences,
    analytics: !withdraw && !choice.gpc && choice.analytics,
    gpc: choice.gpc,
    method: choice.method,
    givenAt: nowSeconds,
  };
}

/** The proof row for a state; returned unexecuted so it can join a batch. Rows are only ever inserted. */
export function proofInsert(db: DrizzleD1Database, state: ConsentState, action: ConsentAction) {
  return db.insert(consentRecords).values({
    id: crypto.randomUUID(),
    consentId: state.consentId,
    action,
    method: state.method,
    policyVersion: state.policyVersion,
    preferences: state.preferences,
    analytics: state.analytics,
    gpc: state.gpc,
    recordedAt: new Date(state.givenAt * 1000).toISOString(),
  });
}

/** The newest proof row for a consent id (what GET /api/consent shows as the record on file). */
export async function latestProof(db: DrizzleD1Database, consentId: string) {
  const rows = await db
    .select()
    .from(consentRecords)
    .where(eq(consentRecords.consentId, consentId))
    .orderBy(desc(sql`rowid`))
    .limit(1);
  return rows[0] ?? null;
}
