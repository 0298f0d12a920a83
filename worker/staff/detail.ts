/** One request as the privacy officer sees it: the submission, history, deadlines and what can be done next. Each view is logged. */
import { asc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { privacyRequestHistory } from '../../db/schema';
import { auditInsert } from '../audit/log';
import { localDate, urgency } from '../requests/deadlines';
import { closedStates, transitions } from '../requests/state-machine';
import { utility } from '../tenants/scope';
import { correctionView, loadRequest, noticeAddress } from './work';

export async function requestDetail(env: Pick<Env, 'DB'>, id: string, staffLoginId: string, now = new Date()) {
  const raw = env.DB;
  const row = await loadRequest(raw, id);
  const db = drizzle(raw);
  const [history, correction, noticeTo] = await Promise.all([
    db.select().from(privacyRequestHistory).where(eq(privacyRequestHistory.requestId, id)).orderBy(asc(privacyRequestHistory.at)),
    correctionView(raw, row),
    noticeAddress(raw, row),
  ]);
  await auditInsert(db, { event: 'staff.request_viewed', actorLoginId: staffLoginId, subjectAccountId: row.accountId, detail: { requestId: id } });
  const closed = closedStates.includes(row.state);
  const next = transitions[row.state].filter((s) => !(s === 'extended' && row.extendedAt));
  return {
    request: {
      id: row.id,
      type: row.type,
      state: row.state,
      receivedAt: row.receivedAt,
      acknowledgeBy: row.acknowledgeBy,
      acknowledgedAt: row.acknowledgedAt,
      dueOn: row.dueOn,
      urgency: urgency(row.dueOn, localDate(now, utility().timeZone), closed),
      extendedAt: row.extendedAt,
      extensionReason: row.extensionReason,
      overdueSince: row.overdueSince,
      closedAt: row.closedAt,
      refusalReason: row.refusalReason,
      answer: row.answer,
      submittedBy: row.submittedBy,
      requesterName: row.requesterName,
      requesterEmail: row.requesterEmail,
      /** The language it was filed in: its mail and stored answer are in it. */
      locale: row.locale,
      /** Where an extension or answer would be e-mailed now; null: no one (unverified or unmatched). */
      noticeTo,
      agentName: row.agentName,
      agentEmail: row.agentEmail,
      agentPermission: row.agentPermission,
      details: row.details,
      declarationName: row.declarationName,
      accountMatched: row.accountId !== null,
      accountId: row.accountId,
      verificationMethod: row.verificationMethod,
      verifiedAt: row.verifiedAt,
      submissionSha256: row.submissionSha256,
    },
    history: history.map((h) => ({ at: h.at, from: h.fromState, to: h.toState, actorKind: h.actorKind, actorLoginId: h.actorLoginId, note: h.note })),
    correction,
    next,
  };
}
