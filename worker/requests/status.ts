/** What the requester sees at their status link: no personal data, only the request's course. */
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { privacyRequests, type PrivacyRequestState, type RequestAnswer } from '../../db/schema';
import type { Locale } from '../i18n/locale';
import { checkStatusToken } from './links';
import { stateLabels } from './state-machine';

export type RequestStatus = {
  id: string;
  type: string;
  state: PrivacyRequestState;
  stateLabel: string;
  /** The language it was filed in: its mail, and the answer stored with it, are in it. */
  locale: Locale;
  receivedAt: string;
  dueOn: string;
  extended: { reason: string | null; at: string } | null;
  answer: RequestAnswer | null;
  receipt: string;
  submissionSha256: string;
};

export async function requestStatus(env: Pick<Env, 'DB' | 'LINK_SIGNING_SECRET'>, id: string, token: string): Promise<RequestStatus | null> {
  if (!(await checkStatusToken(env.LINK_SIGNING_SECRET, id, token))) return null;
  const [row] = await drizzle(env.DB).select().from(privacyRequests).where(eq(privacyRequests.id, id)).limit(1);
  if (!row) return null;
  return {
    id: row.id,
    type: row.type,
    state: row.state,
    stateLabel: stateLabels[row.state],
    locale: row.locale,
    receivedAt: row.receivedAt,
    dueOn: row.dueOn,
    extended: row.extendedAt ? { reason: row.extensionReason, at: row.extendedAt } : null,
    answer: row.answer ?? null,
    receipt: row.receiptJws,
    submissionSha256: row.submissionSha256,
  };
}
