/**
 * Program and rebate applications, apart from HTTP.
 *
 * Who sees what: an application belongs to one utility account; the logins that may manage the
 * account (its holders, delegates given the manage right) apply, follow and answer it, and no other
 * customer learns it exists (404). Program staff (the `programs` role, or an administrator, second
 * factor passed) work the queue; each time staff open an application or one of its documents it is
 * written to the audit log.
 *
 * Statuses: submitted → need_info ⇄ submitted → approved → paid (a rebate), or denied with a reason
 * at any point before approval; or withdrawn by the customer while still undecided (submitted or
 * need_info). Denied, paid, approved for a program that pays nothing, and withdrawn are final: the
 * decision (or withdrawal) day sets when the documents are deleted (the program's documentsKeptDays).
 * Every change is one D1 batch: the application, its history event, the customer's e-mail, the
 * audit line (and the bill credit when a rebate is paid that way). Documents go to R2 first and are
 * removed again if the batch fails.
 */
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import type { ProgramApplicationStatus } from '../../db/schema/programs';
import { lockedUntil, recordFailure, throttle, type Throttle } from '../accounts/throttle';
import { grantSql } from '../auth/account-access';
import { ApiError, type FieldProblem } from '../http/errors';
import { guardSql, guarded } from '../http/batch-guard';
import { chosenFiles, downloadResponse, judgeFile, storeFiles, tooLarge, type CheckedFile } from '../messages/attachments';
import type { CatalogProgram } from '../shared/program-catalog';
import type { StaffProgramView } from '../shared/program-forms';
import { utility } from '../tenants/scope';
import { rangesFilterSql, rangesJson, type DayRange } from '../usage/tenure';
import { localDay } from '../usage/time';
import { starterOrHolders } from '../mail/recipients';
import { judgeAnswers, type StoredAnswer } from './answers';
import { applicationMail, receivedMail, titleIn } from './mails';
import { programsOf } from './catalog';

export type ProgramsEnv = { DB: D1Database; PROGRAM_DOCUMENTS: R2Bucket; LINK_SIGNING_SECRET: string; PORTAL_ORIGIN: string; ASSETS: Fetcher };
export type Staff = { id: string; role: string };
export type DocumentFile = CheckedFile & { requirementId: string };

export type ApplicationSummary = {
  id: string;
  accountId: string;
  accountNumber: string;
  programId: string;
  programTitle: string;
  programKind: 'rebate' | 'program';
  status: ProgramApplicationStatus;
  createdAt: string;
  updatedAt: string;
};
export type ApplicationEvent = { status: ProgramApplicationStatus; note: string | null; actorKind: 'customer' | 'staff'; at: string };
export type ApplicationDocument = { id: string; requirementId: string; fileName: string; contentType: string; sizeBytes: number; createdAt: string };
export type Application = ApplicationSummary & {
  answers: StoredAnswer[];
  installedOn: string | null;
  staffNote: string | null;
  paidCents: number | null;
  paidOn: string | null;
  paidBy: 'bill_credit' | 'cheque' | null;
  decidedAt: string | null;
  documentsDeleteOn: string | null;
  documentsKeptDays: number;
  documents: ApplicationDocument[];
  events: ApplicationEvent[];
};

export const APPLICATION_PAGE = '/account/programs/application/';
export const applicationPageFor = (id: string) => `${APPLICATION_PAGE}?id=${encodeURIComponent(id)}`;

/** A decided application and its history are kept this long after the decision, then deleted (retention.ts). */
export const APPLICATION_KEPT_YEARS = 3;

const notFound = () => new ApiError(404, 'not_found', 'There is no such application.');
const wrongStatus = (now: ProgramApplicationStatus) => new ApiError(409, 'wrong_status', `The application is ${now.replace('_', ' ')}; it cannot be changed that way now.`);
const today = (now: Date) => localDay(now.getTime(), utility().timeZone);
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

// ---- Judging what the customer sent ----

/**
 * The files of each of the program's documents, judged before anything is written: an unknown
 * document, a missing required one, too many files, an empty, oversized (413) or wrong-type file
 * is refused naming `documents.<id>`.
 */
export async function judgeDocuments(program: CatalogProgram, given: Map<string, File[]>, mustHaveRequired = true): Promise<{ files: DocumentFile[]; problems: FieldProblem[] }> {
  const problems: FieldProblem[] = [];
  const files: DocumentFile[] = [];
  const known = new Map(program.application.documents.map((d) => [d.id, d]));
  for (const id of given.keys()) if (!known.has(id) && chosenFiles(given.get(id)!).length) problems.push({ field: `documents.${id}`, message: 'is not a document this program asks for' });
  for (const doc of program.application.documents) {
    const field = `documents.${doc.id}`;
    const chosen = chosenFiles(given.get(doc.id) ?? []);
    if (!chosen.length) {
      if (doc.required && mustHaveRequired) problems.push({ field, message: 'is required' });
      continue;
    }
    if (chosen.length > doc.maxFiles) {
      problems.push({ field, message: `at most ${doc.maxFiles} file${doc.maxFiles === 1 ? '' : 's'}` });
      continue;
    }
    for (const f of chosen) {
      const judged = await judgeFile(f);
      if (judged === 'too_large') throw tooLarge(field);
      if (typeof judged === 'string') problems.push({ field, message: judged });
      else files.push({ ...judged, requirementId: doc.id });
    }
  }
  return { files, problems };
}

/** Answers and documents together: every problem of both at once, `not_eligible` when an answer rules the application out. */
export async function judgeApplication(program: CatalogProgram, answers: Record<string, string>, documents: Map<string, File[]>, now = new Date()) {
  const judged = judgeAnswers(program.application.questions, answers, today(now));
  const docs = await judgeDocuments(program, documents);
  const problems = [...(judged.ok ? [] : judged.problems), ...docs.problems];
  if (problems.length) {
    const ineligible = !judged.ok && judged.ineligible;
    throw new ApiError(422, ineligible ? 'not_eligible' : 'invalid_request', ineligible ? 'From the answers given, this application cannot be accepted.' : 'The application has fields that are missing or not valid.', problems);
  }
  return { answers: (judged as Extract<typeof judged, { ok: true }>).answers, installedOn: (judged as Extract<typeof judged, { ok: true }>).installedOn, files: docs.files };
}

// ---- Reading ----

const summaryColumns = `p.id, p.account_id AS accountId, a.account_number AS accountNumber, p.program_id AS programId, p.program_title AS programTitle, p.program_kind AS programKind, p.status, p.created_at AS createdAt, p.updated_at AS updatedAt`;
const managedBy = (loginParam: string) => `p.account_id IN (SELECT g.account_id FROM account_access g WHERE g.login_id = ${loginParam} AND ${grantSql('g', 'manage')})`;

/** The applications on every account the login may manage, newest first. */
export async function listApplications(raw: D1Database, loginId: string): Promise<ApplicationSummary[]> {
  const { results } = await raw
    .prepare(`SELECT ${summaryColumns} FROM program_applications p JOIN accounts a ON a.id = p.account_id WHERE ${managedBy('?1')} ORDER BY p.created_at DESC, p.id LIMIT 100`)
    .bind(loginId)
    .all<ApplicationSummary>();
  return results;
}

/** Approved and paid applications of one account: the programs it takes part in (the profile) and the measures it installed (the usage page). */
export async function participationOf(raw: D1Database, accountIds: string[]) {
  if (!accountIds.length) return [];
  const { results } = await raw
    .prepare(
      `SELECT id, account_id AS accountId, program_id AS programId, program_title AS programTitle, program_kind AS programKind, status, installed_on AS installedOn, decided_at AS decidedAt, updated_at AS updatedAt
       FROM program_applications WHERE status IN ('approved', 'paid') AND account_id IN (${accountIds.map((_, i) => `?${i + 1}`).join(', ')}) ORDER BY updated_at DESC LIMIT 50`,
    )
    .bind(...accountIds)
    .all<{ id: string; accountId: string; programId: string; programTitle: string; programKind: 'rebate' | 'program'; status: 'approved' | 'paid'; installedOn: string | null; decidedAt: string | null; updatedAt: string }>();
  return results;
}

async function applicationWhere(raw: D1Database, where: string, params: string[]): Promise<Application | null> {
  const head = await raw
    .prepare(
      `SELECT ${summaryColumns}, p.answers, p.installed_on AS installedOn, p.staff_note AS staffNote, p.paid_cents AS paidCents, p.paid_on AS paidOn, p.paid_by AS paidBy,
        p.decided_at AS decidedAt, p.documents_delete_on AS documentsDeleteOn, p.documents_kept_days AS documentsKeptDays
       FROM program_applications p JOIN accounts a ON a.id = p.account_id WHERE ${where}`,
    )
    .bind(...params)
    .first<Omit<Application, 'answers' | 'documents' | 'events'> & { answers: string }>();
  if (!head) return null;
  const [documents, events] = await raw.batch([
    raw.prepare('SELECT id, requirement_id AS requirementId, file_name AS fileName, content_type AS contentType, size_bytes AS sizeBytes, created_at AS createdAt FROM program_application_documents WHERE application_id = ?1 ORDER BY created_at, rowid').bind(head.id),
    raw.prepare('SELECT status, note, actor_kind AS actorKind, at FROM program_application_events WHERE application_id = ?1 ORDER BY at, rowid').bind(head.id),
  ]);
  return { ...head, answers: JSON.parse(head.answers) as StoredAnswer[], documents: (documents?.results ?? []) as ApplicationDocument[], events: (events?.results ?? []) as ApplicationEvent[] };
}

/** One application for a customer who may manage its account; 404 for anyone else. */
export async function customerApplication(raw: D1Database, loginId: string, id: string) {
  const application = await applicationWhere(raw, `p.id = ?1 AND ${managedBy('?2')}`, [id, loginId]);
  if (!application) throw notFound();
  return application;
}

/** A measure an account installed (an approved or paid program application): the usage page marks its day. */
export type Measure = { on: string; title: string; programId: string };

/**
 * Measures of the accounts the caller sees the meter through (so never the previous occupant's),
 * installed within from..to on a day of the caller's tenure (so not what the account installed at
 * its next home after moving out). Filtered in SQL rather than through participationOf, whose
 * newest-50 cap could drop an older install that is in range.
 */
export async function measuresInstalled(raw: D1Database, accountIds: string[], from: string, to: string, tenure: readonly DayRange[]): Promise<Measure[]> {
  const { results } = await raw
    .prepare(
      `SELECT installed_on AS "on", program_title AS title, program_id AS programId FROM program_applications
       WHERE account_id IN (SELECT value FROM json_each(?1)) AND status IN ('approved', 'paid') AND installed_on BETWEEN ?2 AND ?3 AND ${rangesFilterSql('installed_on', '?4')}
       ORDER BY installed_on, id LIMIT 50`,
    )
    .bind(JSON.stringify(accountIds), from, to, rangesJson(tenure))
    .all<Measure>();
  return results;
}

// ---- Customers: applying and answering ----

const tooMany = () => new ApiError(429, 'too_many_requests', 'You have sent many applications today. Please try again tomorrow, or call us.');

async function limitsFor(env: ProgramsEnv, db: DrizzleD1Database, loginId: string, kinds: ('programApplyLogin' | 'programRespondLogin')[], now: Date) {
  const limits: Throttle[] = await Promise.all(kinds.map((k) => throttle(env.LINK_SIGNING_SECRET, k, loginId)));
  if (await lockedUntil(db, limits, now)) throw tooMany();
  return limits;
}

async function withStoredDocuments<T>(env: ProgramsEnv, files: DocumentFile[], write: (stored: (DocumentFile & { id: string; key: string })[]) => Promise<T>) {
  const { stored, undo } = await storeFiles(env.PROGRAM_DOCUMENTS, files, 'p');
  try {
    return await write(stored);
  } catch (e) {
    await undo();
    throw e;
  }
}

const documentInserts = (raw: D1Database, applicationId: string, stored: (DocumentFile & { id: string; key: string })[], at: string) =>
  stored.map((f) =>
    raw
      .prepare('INSERT INTO program_application_documents (id, application_id, requirement_id, object_key, file_name, content_type, size_bytes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)')
      .bind(f.id, applicationId, f.requirementId, f.key, f.fileName, f.contentType, f.bytes.length, at),
  );

const eventInsert = (raw: D1Database, applicationId: string, status: ProgramApplicationStatus, note: string | null, actor: { kind: 'customer' | 'staff'; loginId: string }, at: string) =>
  raw
    .prepare('INSERT INTO program_application_events (id, application_id, status, note, actor_kind, actor_login_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)')
    .bind(crypto.randomUUID(), applicationId, status, note, actor.kind, actor.loginId, at);

/** Fails the batch (nothing written) when the application is no longer in `status`: someone moved it since it was read. */
const statusGuard = (raw: D1Database, id: string, status: ProgramApplicationStatus) =>
  raw.prepare(guardSql('EXISTS (SELECT 1 FROM program_applications WHERE id = ?1 AND status = ?2)', 'application-status-changed')).bind(id, status);

const inBatch = (raw: D1Database, statements: D1PreparedStatement[]) =>
  guarded(() => raw.batch(statements), () => new ApiError(409, 'wrong_status', 'The application changed a moment ago. Reload it to see where it is.'));

const mailInsert = (raw: D1Database, to: string, mail: { subject: string; text: string }, kind: string) =>
  raw.prepare('INSERT INTO outbox_emails (id, to_address, subject, body_text, kind) VALUES (?1, ?2, ?3, ?4, ?5)').bind(crypto.randomUUID(), to, mail.subject, mail.text, kind);

/** A customer applies for a program on an account they may manage (404 for any other account). */
export async function apply(
  env: ProgramsEnv,
  db: DrizzleD1Database,
  loginId: string,
  program: CatalogProgram,
  accountId: string,
  judged: { answers: StoredAnswer[]; installedOn: string | null; files: DocumentFile[] },
  now = new Date(),
) {
  const raw = env.DB;
  const allowed = await raw.prepare(`SELECT 1 AS ok FROM account_access g WHERE g.login_id = ?1 AND g.account_id = ?2 AND ${grantSql('g', 'manage')}`).bind(loginId, accountId).first();
  if (!allowed) throw new ApiError(404, 'not_found', 'No such account.', [{ field: 'account', message: 'is not an account you may apply for' }]);
  const limits = await limitsFor(env, db, loginId, ['programApplyLogin'], now);
  const applicant = await raw.prepare("SELECT email, locale FROM logins WHERE id = ?1 AND status = 'active'").bind(loginId).first<{ email: string; locale: 'en' | 'es' }>();
  const id = crypto.randomUUID();
  const at = now.toISOString();
  await withStoredDocuments(env, judged.files, (stored) =>
    raw.batch([
      raw
        .prepare(
          `INSERT INTO program_applications (id, account_id, applicant_login_id, program_id, program_title, program_kind, answers, installed_on, status, created_at, updated_at, documents_kept_days)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'submitted', ?9, ?9, ?10)`,
        )
        .bind(id, accountId, loginId, program.id, program.title, program.kind, JSON.stringify(judged.answers), judged.installedOn, at, program.application.documentsKeptDays),
      eventInsert(raw, id, 'submitted', null, { kind: 'customer', loginId }, at),
      ...documentInserts(raw, id, stored, at),
      ...(applicant ? [mailInsert(raw, applicant.email, receivedMail(applicant.locale, env.PORTAL_ORIGIN, titleIn(applicant.locale, program.title, program), id), 'program-application-received')] : []),
    ]),
  );
  await recordFailure(db, limits, now);
  return { status: 'applied' as const, application: id };
}

/** The customer answers a request for more information (a note, documents, or both): back to staff. */
export async function respond(env: ProgramsEnv, db: DrizzleD1Database, loginId: string, application: Application, program: CatalogProgram | undefined, note: string, documents: Map<string, File[]>, now = new Date()) {
  const raw = env.DB;
  if (application.status !== 'need_info') throw wrongStatus(application.status);
  let files: DocumentFile[] = [];
  if (program) {
    const judged = await judgeDocuments(program, documents, false);
    if (judged.problems.length) throw new ApiError(422, 'invalid_request', 'Some documents could not be used.', judged.problems);
    files = judged.files;
  } else if ([...documents.values()].some((f) => chosenFiles(f).length)) {
    throw new ApiError(422, 'invalid_request', 'This program no longer takes documents online.', [{ field: 'documents', message: 'this program no longer takes documents online' }]);
  }
  if (!note && !files.length) throw new ApiError(422, 'invalid_request', 'Write an answer or add a document.', [{ field: 'note', message: 'Write an answer or add a document.' }]);
  const limits = await limitsFor(env, db, loginId, ['programRespondLogin'], now);
  const at = now.toISOString();
  await withStoredDocuments(env, files, (stored) =>
    inBatch(raw, [
      statusGuard(raw, application.id, 'need_info'),
      raw.prepare("UPDATE program_applications SET status = 'submitted', updated_at = ?2 WHERE id = ?1").bind(application.id, at),
      eventInsert(raw, application.id, 'submitted', note || null, { kind: 'customer', loginId }, at),
      ...documentInserts(raw, application.id, stored, at),
    ]),
  );
  await recordFailure(db, limits, now);
  return { status: 'responded' as const };
}

/** The statuses a customer may still withdraw from: nothing is decided yet. */
export const withdrawableStatuses: readonly ProgramApplicationStatus[] = ['submitted', 'need_info'];

/**
 * The customer withdraws an application staff have not decided: final at once, like a decision
 * (documents then kept the program's documentsKeptDays, the application 3 years). Staff can no
 * longer decide it; a staff decision racing it loses on the status guard (or wins, and this does).
 */
export async function withdraw(env: ProgramsEnv, db: DrizzleD1Database, login: { id: string; role: string }, application: Application, now = new Date()) {
  const raw = env.DB;
  if (!withdrawableStatuses.includes(application.status)) throw wrongStatus(application.status);
  const limits = await limitsFor(env, db, login.id, ['programRespondLogin'], now);
  const at = now.toISOString();
  const row = await raw.prepare('SELECT applicant_login_id AS applicant FROM program_applications WHERE id = ?1').bind(application.id).first<{ applicant: string | null }>();
  const program = (await programsOf(env.ASSETS, env.PORTAL_ORIGIN)).get(application.programId);
  const mailTo = (to: { email: string; locale: 'en' | 'es' }) =>
    mailInsert(raw, to.email, applicationMail(to.locale, env.PORTAL_ORIGIN, titleIn(to.locale, application.programTitle, program), application.id, 'withdrawn'), 'program-application-withdrawn');
  await inBatch(raw, [
    statusGuard(raw, application.id, application.status),
    raw
      .prepare("UPDATE program_applications SET status = 'withdrawn', updated_at = ?2, staff_note = NULL, decided_at = ?2, documents_delete_on = ?3 WHERE id = ?1")
      .bind(application.id, at, addDays(today(now), application.documentsKeptDays)),
    eventInsert(raw, application.id, 'withdrawn', null, { kind: 'customer', loginId: login.id }, at),
    ...(await starterOrHolders(raw, row?.applicant ?? null, application.accountId)).map(mailTo),
    audit(raw, 'program_application.withdrawn', login, application.accountId, application.id, at),
  ]);
  await recordFailure(db, limits, now);
  return { status: 'withdrawn' as const };
}

// ---- Staff ----

export const STAFF_QUEUE_PAGE = 25;
export type QueueRow = { id: string; programTitle: string; programKind: 'rebate' | 'program'; status: ProgramApplicationStatus; createdAt: string; updatedAt: string };

/**
 * One page of the program queue, longest waiting first, keyed by (updated_at, id) after the previous
 * page's last row: the index (status, updated_at, id) serves it. No customer identity is shown.
 * "Approved rebates to pay" leaves out approved programs that pay nothing.
 */
export async function staffQueue(raw: D1Database, view: StaffProgramView, after?: string) {
  const [afterAt, afterId] = after ? (after.split('~') as [string, string]) : ['', ''];
  const page = await raw
    .prepare(
      `SELECT id, program_title AS programTitle, program_kind AS programKind, status, created_at AS createdAt, updated_at AS updatedAt FROM program_applications
       WHERE status = ?1 AND (updated_at, id) > (?2, ?3)${view === 'approved' ? " AND program_kind = 'rebate'" : ''} ORDER BY updated_at, id LIMIT ${STAFF_QUEUE_PAGE + 1}`,
    )
    .bind(view, afterAt, afterId)
    .all<QueueRow>();
  const rows = page.results.slice(0, STAFF_QUEUE_PAGE);
  const last = rows[rows.length - 1];
  return { view, rows, next: page.results.length > STAFF_QUEUE_PAGE && last ? `${last.updatedAt}~${last.id}` : null, rowsRead: page.meta.rows_read };
}

const audit = (raw: D1Database, event: string, staff: Staff, accountId: string, application: string, at: string, extra: Record<string, unknown> = {}) =>
  raw
    .prepare('INSERT INTO audit_events (id, at, event, actor_login_id, subject_account_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)')
    .bind(crypto.randomUUID(), at, event, staff.id, accountId, JSON.stringify({ application, role: staff.role, ...extra }));

/** An application with its customer, for program staff; each view is audited. 404 for no such application. */
export async function staffApplication(raw: D1Database, staff: Staff, id: string, now = new Date()) {
  const application = await applicationWhere(raw, 'p.id = ?1', [id]);
  if (!application) throw notFound();
  const customer = await raw
    .prepare(
      `SELECT a.account_number AS accountNumber, a.holder_name AS holderName, a.email_on_file AS emailOnFile, a.phone_on_file AS phoneOnFile,
        (SELECT l.email FROM logins l JOIN program_applications p ON p.applicant_login_id = l.id WHERE p.id = ?2) AS applicantEmail,
        (SELECT group_concat(sp.street || ', ' || sp.city, '; ') FROM service_points sp WHERE sp.account_id = a.id) AS serviceAddresses
       FROM accounts a WHERE a.id = ?1`,
    )
    .bind(application.accountId, id)
    .first<{ accountNumber: string; holderName: string; emailOnFile: string | null; phoneOnFile: string | null; applicantEmail: string | null; serviceAddresses: string | null }>();
  await audit(raw, 'staff.program_application_viewed', staff, application.accountId, id, now.toISOString()).run();
  return { application, customer };
}

type Decision =
  | { action: 'need_info'; note: string }
  | { action: 'approve'; note: string }
  | { action: 'deny'; reason: string }
  | { action: 'pay'; amountCents: number; paidBy: 'bill_credit' | 'cheque' };

const allowedFrom: Record<Decision['action'], ProgramApplicationStatus[]> = {
  need_info: ['submitted', 'need_info'],
  approve: ['submitted', 'need_info'],
  deny: ['submitted', 'need_info'],
  pay: ['approved'],
};

/** Staff move an application on; the customer is e-mailed that its status changed (the reason stays in the portal). */
export async function decide(env: ProgramsEnv, staff: Staff, id: string, decision: Decision, now = new Date()) {
  const raw = env.DB;
  const row = await raw
    .prepare('SELECT account_id AS accountId, applicant_login_id AS applicant, status, program_id AS programId, program_kind AS programKind, program_title AS programTitle, documents_kept_days AS keptDays FROM program_applications WHERE id = ?1')
    .bind(id)
    .first<{ accountId: string; applicant: string | null; status: ProgramApplicationStatus; programId: string; programKind: 'rebate' | 'program'; programTitle: string; keptDays: number }>();
  if (!row) throw notFound();
  if (!allowedFrom[decision.action].includes(row.status)) throw wrongStatus(row.status);
  if (decision.action === 'pay' && row.programKind !== 'rebate') throw new ApiError(409, 'wrong_status', 'Only a rebate is paid.');
  const at = now.toISOString();
  const day = today(now);
  const next = { need_info: 'need_info', approve: 'approved', deny: 'denied', pay: 'paid' }[decision.action] as Exclude<ProgramApplicationStatus, 'submitted' | 'withdrawn'>;
  const final = next === 'denied' || next === 'paid' || (next === 'approved' && row.programKind === 'program');
  const note = decision.action === 'deny' ? decision.reason : decision.action === 'pay' ? null : decision.note || null;
  const paid = decision.action === 'pay' ? decision : null;
  // Earlier statuses leave decided_at, documents_delete_on and the payment columns empty, so each transition sets all of them.
  const update = raw
    .prepare('UPDATE program_applications SET status = ?2, updated_at = ?3, staff_note = ?4, decided_at = ?5, documents_delete_on = ?6, paid_cents = ?7, paid_on = ?8, paid_by = ?9 WHERE id = ?1')
    .bind(id, next, at, note, final ? at : null, final ? addDays(day, row.keptDays) : null, paid?.amountCents ?? null, paid ? day : null, paid?.paidBy ?? null);
  const credit =
    paid?.paidBy === 'bill_credit'
      ? [raw.prepare("INSERT INTO adjustments (id, account_id, posted_on, kind, description, amount_cents) VALUES (?1, ?2, ?3, 'credit', ?4, ?5)").bind(crypto.randomUUID(), row.accountId, day, `Rebate: ${row.programTitle}`, -paid.amountCents)]
      : [];
  // Each recipient reads the change in their own language; a program since withdrawn from the catalog keeps its English title.
  const program = (await programsOf(env.ASSETS, env.PORTAL_ORIGIN)).get(row.programId);
  const mailTo = (to: { email: string; locale: 'en' | 'es' }) => mailInsert(raw, to.email, applicationMail(to.locale, env.PORTAL_ORIGIN, titleIn(to.locale, row.programTitle, program), id, next), `program-application-${next.replace('_', '-')}`);
  await inBatch(raw, [
      statusGuard(raw, id, row.status),
      update,
      eventInsert(raw, id, next, paid ? `$${(paid.amountCents / 100).toFixed(2)} by ${paid.paidBy === 'bill_credit' ? 'bill credit' : 'cheque'}` : note, { kind: 'staff', loginId: staff.id }, at),
      ...credit,
      ...(await starterOrHolders(raw, row.applicant, row.accountId)).map(mailTo),
    audit(raw, `staff.program_application_${{ need_info: 'info_requested', approve: 'approved', deny: 'denied', pay: 'paid' }[decision.action]}`, staff, row.accountId, id, at),
  ]);
  const status = { need_info: 'asked-for-info', approved: 'approved', denied: 'denied', paid: 'paid' }[next];
  return { status };
}

// ---- Documents ----

const programStaffRoles = ['programs', 'admin'];

/** A document for someone allowed it: program staff with the second factor passed (audited), or a customer who may manage the account. 404 otherwise. */
export async function documentResponse(env: ProgramsEnv, login: { id: string; role: string; secondFactor: boolean }, id: string) {
  const raw = env.DB;
  const staff = programStaffRoles.includes(login.role) && login.secondFactor;
  const row = await raw
    .prepare(
      `SELECT d.object_key AS objectKey, d.file_name AS fileName, d.content_type AS contentType, p.account_id AS accountId, p.id AS applicationId
       FROM program_application_documents d JOIN program_applications p ON p.id = d.application_id WHERE d.id = ?1${staff ? ' AND ?2 = ?2' : ` AND ${managedBy('?2')}`}`,
    )
    .bind(id, login.id)
    .first<{ objectKey: string; fileName: string; contentType: string; accountId: string; applicationId: string }>();
  if (!row) throw new ApiError(404, 'not_found', 'There is no such document.');
  const object = await env.PROGRAM_DOCUMENTS.get(row.objectKey);
  if (!object) {
    console.error(JSON.stringify({ level: 'error', event: 'program_document_missing', document: id }));
    throw new ApiError(404, 'not_found', 'This document is not available just now.');
  }
  if (staff) await audit(raw, 'staff.program_document_downloaded', { id: login.id, role: login.role }, row.accountId, row.applicationId, new Date().toISOString(), { document: id }).run();
  return downloadResponse(object, row);
}
