/**
 * The privacy officer's actions on a request. Each is one D1 batch: a guard that the request is
 * still in the state the officer saw, the history row, the update, and every side effect (the
 * notice to the requester, the deletion, the correction, the audit event).
 */
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { accounts, privacyChoices, privacyRequests, type PrivacyRequestState, type RequestAnswer } from '../../db/schema';
import { auditInsert } from '../audit/log';
import { ApiError } from '../http/errors';
import { guardSql, guarded } from '../http/batch-guard';
import { queueEmail } from '../mail/outbox';
import { correctableFields, type CorrectableField } from '../shared/request-schemas';
import { requestWording } from '../shared/request-wording';
import { formatsFor } from '../i18n/format';
import { correctedMail, extendedMail, optOutMail, packageMail, refusedMail, type RequestMail } from '../requests/mails';
import { contactEditedAtColumn } from '../ingest/contact-precedence';
import { utility } from '../tenants/scope';
import { extendedDueOn, localDate } from '../requests/deadlines';
import { makePackageLink, statusLinkFor } from '../requests/links';
import { closedStates, assertTransition, TransitionError } from '../requests/state-machine';
import { stmt, transitionStatements } from '../requests/statements';
import { planDeletion } from './deletion';
import { dataSubject } from './subject';

export type WorkEnv = Pick<Env, 'DB' | 'LINK_SIGNING_SECRET' | 'PORTAL_ORIGIN'> & { MESSAGE_ATTACHMENTS?: R2Bucket; PROGRAM_DOCUMENTS?: R2Bucket };
export type PrivacyRequestRow = typeof privacyRequests.$inferSelect;

export async function loadRequest(raw: D1Database, id: string): Promise<PrivacyRequestRow> {
  const [row] = await drizzle(raw).select().from(privacyRequests).where(eq(privacyRequests.id, id)).limit(1);
  if (!row) throw new ApiError(404, 'not_found', 'No such request.');
  return row;
}

/** Fails the whole batch (malformed JSON error) unless the request is in `state` — the optimistic-concurrency guard. */
function guard(raw: D1Database, requestId: string, state: PrivacyRequestState) {
  return raw
    .prepare(guardSql('EXISTS (SELECT 1 FROM privacy_requests WHERE id = ?1 AND state = ?2)', 'request-state-changed'))
    .bind(requestId, state);
}

const runBatch = (raw: D1Database, statements: D1PreparedStatement[]) =>
  guarded(() => raw.batch(statements), () => new ApiError(409, 'conflict', 'Someone else changed this request a moment ago. Reload it and try again.'));

function check(row: PrivacyRequestRow, to: PrivacyRequestState) {
  try {
    assertTransition(row.state, to, { alreadyExtended: row.extendedAt !== null });
  } catch (e) {
    if (e instanceof TransitionError) throw new ApiError(409, 'invalid_transition', e.message);
    throw e;
  }
}

/**
 * Where notices (extension, answer) go: only to an address someone stood behind. Once the request
 * was verified by the link to the e-mail on file, the contact address given (the agent's, else the
 * requester's); for a signed-in filing, the login's confirmed address. An opt-out needs no
 * verification, so its notices go only to the e-mail on file of the account it matched. An
 * unverified or unmatched request mails no one: its status link shows the answer.
 */
export async function noticeAddress(raw: D1Database, row: PrivacyRequestRow): Promise<string | null> {
  if (row.verificationMethod === 'email_link') return row.submittedBy === 'agent' && row.agentEmail ? row.agentEmail : row.requesterEmail;
  if (row.verificationMethod === 'session' && row.accountId) return verifiedAddress(raw, row, row.accountId).catch(() => null);
  if (row.verificationMethod === 'not_required' && row.accountId) return emailOnFile(raw, row.accountId);
  return null;
}

/** The notice e-mail, when there is an address we may send it to (see noticeAddress). */
function noticeMail(raw: D1Database, to: string | null, email: RequestMail): D1PreparedStatement[] {
  return to ? [stmt(raw, queueEmail(drizzle(raw), { ...email, to }))] : [];
}


type Staff = { loginId: string };

/** verified → in_progress, extended → in_progress. */
export async function startWork(env: WorkEnv, id: string, staff: Staff, note: string | null, now = new Date()) {
  const row = await loadRequest(env.DB, id);
  check(row, 'in_progress');
  const raw = env.DB;
  await runBatch(raw, [
    guard(raw, id, row.state),
    ...transitionStatements(raw, { requestId: id, from: row.state, to: 'in_progress', actor: { kind: 'staff', loginId: staff.loginId }, note, at: now.toISOString() }),
    stmt(raw, auditInsert(drizzle(raw), { event: 'privacy_request.in_progress', actorLoginId: staff.loginId, subjectAccountId: row.accountId, detail: { requestId: id } })),
  ]);
}

/** One extension of up to 45 days, with the reason sent to the requester. */
export async function extendRequest(env: WorkEnv, id: string, staff: Staff, days: number, reason: string, now = new Date()) {
  const row = await loadRequest(env.DB, id);
  check(row, 'extended');
  const dueOn = extendedDueOn(row.dueOn, days);
  const raw = env.DB;
  const db = drizzle(raw);
  await runBatch(raw, [
    guard(raw, id, row.state),
    ...transitionStatements(raw, {
      requestId: id,
      from: row.state,
      to: 'extended',
      actor: { kind: 'staff', loginId: staff.loginId },
      note: `Extended by ${days} days`,
      at: now.toISOString(),
      set: { extended_at: now.toISOString(), extension_reason: reason, due_on: dueOn, overdue_since: null },
    }),
    ...noticeMail(
      raw,
      await noticeAddress(raw, row),
      extendedMail(row.locale, { origin: env.PORTAL_ORIGIN, type: row.type, receivedAt: row.receivedAt, reason, dueOn, previousDueOn: row.dueOn, status: await statusLinkFor(env.LINK_SIGNING_SECRET, id) }),
    ),
    stmt(raw, auditInsert(db, { event: 'privacy_request.extended', actorLoginId: staff.loginId, subjectAccountId: row.accountId, detail: { requestId: id, days } })),
  ]);
  return { dueOn };
}

export async function refuseRequest(env: WorkEnv, id: string, staff: Staff, reason: string, now = new Date()) {
  const row = await loadRequest(env.DB, id);
  check(row, 'refused');
  const raw = env.DB;
  const db = drizzle(raw);
  const answer: RequestAnswer = { summary: requestWording[row.locale].answers.refused(reason) };
  await runBatch(raw, [
    guard(raw, id, row.state),
    ...transitionStatements(raw, {
      requestId: id,
      from: row.state,
      to: 'refused',
      actor: { kind: 'staff', loginId: staff.loginId },
      note: 'Refused with a reason',
      at: now.toISOString(),
      set: { refusal_reason: reason, closed_at: now.toISOString(), answer: JSON.stringify(answer), verify_nonce_hash: null },
    }),
    ...noticeMail(raw, await noticeAddress(raw, row), refusedMail(row.locale, { origin: env.PORTAL_ORIGIN, type: row.type, reason, status: await statusLinkFor(env.LINK_SIGNING_SECRET, id) })),
    stmt(raw, auditInsert(db, { event: 'privacy_request.refused', actorLoginId: staff.loginId, subjectAccountId: row.accountId, detail: { requestId: id } })),
  ]);
}

/** For a correction: the value on file now and the value asked for. */
export async function correctionView(raw: D1Database, row: PrivacyRequestRow) {
  const field = row.details?.correctionField as CorrectableField | undefined;
  if (row.type !== 'correct' || !field || !(field in correctableFields)) return null;
  let current: string | null = null;
  if (row.accountId) {
    const result = await raw.prepare(`SELECT "${field}" AS value FROM accounts WHERE id = ?1`).bind(row.accountId).first<{ value: string | null }>();
    current = result?.value ?? null;
  }
  return { field, label: correctableFields[field], current, requested: (row.details?.correctionValue as string | null) ?? null };
}

/**
 * Fulfils an in-progress (or extended) request according to its type:
 * know → package link to the verified address; delete → de-identification; correct → the change;
 * opt_out → the choices recorded.
 */
export async function fulfilRequest(env: WorkEnv, id: string, staff: Staff, now = new Date()) {
  const row = await loadRequest(env.DB, id);
  check(row, 'fulfilled');
  const raw = env.DB;
  const db = drizzle(raw);
  const at = now.toISOString();
  const effects: D1PreparedStatement[] = [];
  // The answer is stored, and mailed, in the language the request was filed in.
  const wording = requestWording[row.locale];
  let answer: RequestAnswer;
  let objectKeys: string[] = [];
  let documentKeys: string[] = [];
  const needAccount = () => {
    if (!row.accountId) throw new ApiError(409, 'no_account', 'No utility account matched this request. Refuse it as unverifiable instead.');
    return row.accountId;
  };

  switch (row.type) {
    case 'know': {
      const accountId = needAccount();
      const link = await makePackageLink(env.LINK_SIGNING_SECRET, id, now);
      const to = await verifiedAddress(raw, row, accountId);
      const until = formatsFor(row.locale).day(localDate(new Date(link.expires * 1000), utility().timeZone));
      answer = { summary: wording.answers.packageReady(until) };
      effects.push(stmt(raw, queueEmail(db, { to, ...packageMail(row.locale, { origin: env.PORTAL_ORIGIN, link }) })));
      break;
    }
    case 'delete': {
      const subject = await dataSubject(raw, needAccount());
      const plan = planDeletion(raw, subject);
      // Message attachments and program documents are objects in R2, which the map's D1 statements cannot reach: removed after the batch.
      objectKeys = (await raw.prepare('SELECT object_key AS key FROM message_attachments WHERE conversation_id IN (SELECT id FROM conversations WHERE account_id = ?1)').bind(subject.accountId).all<{ key: string }>()).results.map((r) => r.key);
      documentKeys = (await raw.prepare('SELECT object_key AS key FROM program_application_documents WHERE application_id IN (SELECT id FROM program_applications WHERE account_id = ?1)').bind(subject.accountId).all<{ key: string }>()).results.map((r) => r.key);
      answer = {
        summary: wording.answers.deleted,
        removed: plan.answer.removed,
        retained: plan.answer.retained,
      };
      // No e-mail: after de-identification no address of yours may remain. The answer is at your status link.
      effects.push(...plan.statements);
      break;
    }
    case 'correct': {
      const accountId = needAccount();
      const view = await correctionView(raw, row);
      if (!view || view.requested === null) throw new ApiError(409, 'invalid_request', 'This correction names no field or value.');
      // A contact correction is the customer's change: the utility's nightly rows must not undo it silently.
      const editedAt = contactEditedAtColumn(view.field);
      effects.push(raw.prepare(`UPDATE accounts SET "${view.field}" = ?1, updated_at = ?2${editedAt ? `, ${editedAt} = ?2` : ''} WHERE id = ?3`).bind(view.requested, at, accountId));
      answer = { summary: wording.answers.corrected(wording.fields[view.field]) };
      effects.push(...noticeMail(raw, await noticeAddress(raw, row), correctedMail(row.locale, { origin: env.PORTAL_ORIGIN, answer: answer.summary, status: await statusLinkFor(env.LINK_SIGNING_SECRET, id) })));
      break;
    }
    case 'opt_out': {
      const optOut = row.details?.optOutSaleSharing === true;
      const limit = row.details?.limitSensitiveUse === true;
      if (row.accountId) {
        effects.push(
          stmt(
            raw,
            db
              .insert(privacyChoices)
              .values({ accountId: row.accountId, optOutSaleSharing: optOut, limitSensitiveUse: limit, sourceRequestId: id, updatedAt: at })
              .onConflictDoUpdate({ target: privacyChoices.accountId, set: { ...(optOut ? { optOutSaleSharing: true } : {}), ...(limit ? { limitSensitiveUse: true } : {}), sourceRequestId: id, updatedAt: at } }),
          ),
        );
      }
      answer = { summary: wording.answers.optOut(optOut, limit) };
      effects.push(...noticeMail(raw, await noticeAddress(raw, row), optOutMail(row.locale, { origin: env.PORTAL_ORIGIN, answer: answer.summary, status: await statusLinkFor(env.LINK_SIGNING_SECRET, id) })));
      break;
    }
  }

  await runBatch(raw, [
    guard(raw, id, row.state),
    ...transitionStatements(raw, { requestId: id, from: row.state, to: 'fulfilled', actor: { kind: 'staff', loginId: staff.loginId }, note: `Fulfilled (${row.type})`, at, set: { closed_at: at, answer: JSON.stringify(answer) } }),
    ...effects,
    stmt(raw, auditInsert(db, { event: `privacy_request.fulfilled`, actorLoginId: staff.loginId, subjectAccountId: row.accountId, detail: { requestId: id, type: row.type } })),
  ]);
  for (let i = 0; i < objectKeys.length; i += 1000) await env.MESSAGE_ATTACHMENTS?.delete(objectKeys.slice(i, i + 1000));
  for (let i = 0; i < documentKeys.length; i += 1000) await env.PROGRAM_DOCUMENTS?.delete(documentKeys.slice(i, i + 1000));
  return answer;
}

/** Correction refused: the request closes as refused with the reason. */
export const refuseCorrection = refuseRequest;

async function emailOnFile(raw: D1Database, accountId: string): Promise<string | null> {
  const [account] = await drizzle(raw).select({ email: accounts.emailOnFile }).from(accounts).where(eq(accounts.id, accountId)).limit(1);
  return account?.email ?? null;
}

/**
 * The address that proved control of the account: the login's confirmed address for a session
 * (a login that still holds the account), else the e-mail on file. Never the address typed.
 */
async function verifiedAddress(raw: D1Database, row: PrivacyRequestRow, accountId: string): Promise<string> {
  if (row.verificationMethod === 'session' && row.filedByLoginId) {
    const login = await raw
      .prepare("SELECT l.email FROM logins l JOIN account_access a ON a.login_id = l.id WHERE l.id = ?1 AND a.account_id = ?2 AND a.relationship = 'holder' AND l.email_verified_at IS NOT NULL")
      .bind(row.filedByLoginId, accountId)
      .first<{ email: string }>();
    if (login) return login.email;
  }
  const email = await emailOnFile(raw, accountId);
  if (!email) throw new ApiError(409, 'no_address', 'The account has no e-mail address on file to send the package to.');
  return email;
}

export function isClosed(state: PrivacyRequestState) {
  return closedStates.includes(state);
}

export { localDate };
