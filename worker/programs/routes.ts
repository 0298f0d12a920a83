/**
 * /api/programs (customers, signed in) and /api/staff/programs (program staff and administrators,
 * second factor passed): applications for programs and rebates. Every form works as a plain HTML
 * post (303 back to its page with a code) or from the page's script with JSON; an application and
 * an answer to "we need more information" may carry documents as a multipart form, with a body
 * limit of their own (MAX_PROGRAM_BODY_BYTES, worker/index.ts). Bad input is refused naming its
 * fields before anything is written.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import type { ZodType, z } from 'zod';
import type { AppEnv } from '../app-types';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { accountsOnError, backTo, done, executionContext, isPlainFormPost, readBody } from '../accounts/http';
import { spanishError } from '../i18n/api-errors-es';
import { accountChoices } from '../auth/account-access';
import { requireLogin, requireRole } from '../auth/require-login';
import { readFieldsAndFiles } from '../http/body';
import { ApiError, fieldsOf, invalidRequest } from '../http/errors';
import { deliverSoon } from '../mail/deliver';
import { MAX_ATTACHMENT_BYTES } from '../messages/attachments';
import { MAX_APPLICATION_FILES, type CatalogProgram } from '../shared/program-catalog';
import { applicationParam, applyFields, approveBody, denyBody, documentParam, needInfoBody, payBody, respondBody, staffProgramQuery, withdrawBody } from '../shared/program-forms';
import { programFor, programsOf } from './catalog';
import { apply, applicationPageFor, customerApplication, decide, documentResponse, judgeApplication, listApplications, respond, staffApplication, staffQueue, withdraw } from './store';

export const PROGRAMS_PAGE = '/account/programs/';
export const applyPageFor = (programId: string) => `${PROGRAMS_PAGE}apply/${programId}/`;
export const STAFF_PROGRAMS_PAGE = '/staff/programs/';
export const staffApplicationPageFor = (id: string) => `${STAFF_PROGRAMS_PAGE}application/?id=${encodeURIComponent(id)}`;

/** The largest body an application may have: every document at its largest and the form around them. */
export const MAX_PROGRAM_BODY_BYTES = MAX_APPLICATION_FILES * MAX_ATTACHMENT_BYTES + 64 * 1024;

/** The routes whose body may carry documents (worker/index.ts gives them their own body limit). */
export const isProgramUpload = (path: string) => /^\/api\/programs\/applications(\/[0-9a-f-]{36}\/respond)?\/?$/.test(path);

/** Where a plain form refused before its route ran (a body over the limit) goes back to. */
export function programUploadRefusedPage(path: string) {
  const respondTo = /^\/api\/programs\/applications\/([0-9a-f-]{36})\/respond$/.exec(path);
  return respondTo ? applicationPageFor(respondTo[1]!) : PROGRAMS_PAGE;
}

type ApplicationBody<T> = { fields: T; answers: Record<string, string>; documents: Map<string, File[]> };

/**
 * Reads JSON or a form (multipart included) once: `answers.<id>` fields (or a JSON `answers`
 * object) are the answers, `documents.<id>` files the documents, the rest is checked by `schema`.
 */
async function readApplicationBody<T extends ZodType>(c: Context, schema: T): Promise<ApplicationBody<z.infer<T>>> {
  const { kind, fields, files } = await readFieldsAndFiles(c);
  const rest: Record<string, unknown> = {};
  const answers: Record<string, string> = {};
  const documents = new Map<string, File[]>();
  for (const [k, list] of files) {
    const document = /^documents\.(.{1,80})$/.exec(k);
    if (document) documents.set(document[1]!, list);
  }
  for (const [k, v] of Object.entries(fields)) {
    // A form sends each answer as its own `answers.<id>` field; JSON sends them as one object, below.
    const answer = kind === 'form' ? /^answers\.(.{1,80})$/.exec(k) : null;
    if (answer && typeof v === 'string') answers[answer[1]!] = v;
    else if (kind === 'json' ? k !== 'answers' : !k.startsWith('documents.')) rest[k] = v;
  }
  if (kind === 'json' && fields.answers !== undefined) {
    if (!fields.answers || typeof fields.answers !== 'object' || Array.isArray(fields.answers)) throw invalidRequest([{ field: 'answers', message: 'must be an object of answers by question' }]);
    for (const [k, v] of Object.entries(fields.answers)) {
      if (typeof v !== 'string') throw invalidRequest([{ field: `answers.${k}`, message: 'must be text' }]);
      answers[k] = v;
    }
  }
  const parsed = schema.safeParse(rest);
  if (!parsed.success) throw invalidRequest(fieldsOf(parsed.error));
  return { fields: parsed.data, answers, documents };
}

/**
 * A refusal of a Spanish page's script whose answers rule the application out: each reason is the
 * program's own words (its `ineligible`), which the Spanish error table (worker/i18n/api-errors-es.ts)
 * cannot know, so it comes in the program's Spanish words (site/content/<tenant>/programs-es/, through the
 * catalog's `texts.es`); the rest of the answer is put in Spanish as every error is. A plain form
 * goes back to its page, which shows the reason itself (worker/programs/pages.ts).
 */
function ineligibleInSpanish(c: Context<AppEnv>, err: ApiError, program: CatalogProgram): Response | null {
  const texts = program.texts.es;
  if (c.get('locale') !== 'es' || err.code !== 'not_eligible' || !texts || !err.fields || isPlainFormPost(c)) return null;
  const reasons = new Map<string, { en: string; es: string }>();
  for (const q of program.application.questions) {
    const es = texts.questions[q.id]?.ineligible;
    if ('ineligible' in q && q.ineligible && es) reasons.set(`answers.${q.id}`, { en: q.ineligible, es });
  }
  const english = err.fields;
  const body = spanishError({ code: err.code, message: err.message, fields: english });
  const fields = (body.fields ?? []).map((f, i) => {
    const reason = reasons.get(f.field);
    return reason && english[i]?.message === reason.en ? { ...f, message: reason.es } : f;
  });
  const requestId = c.get('requestId');
  return c.json({ error: { ...body, fields, ...(requestId ? { requestId } : {}) } }, err.status as ContentfulStatusCode);
}

const programsEnv = (c: Context<AppEnv>) => c.env;
const sendSoon = (c: Context<AppEnv>) => deliverSoon(executionContext(c), c.env, drizzle(c.env.DB));
const idOf = (c: Context) => {
  const parsed = applicationParam.safeParse({ id: c.req.param('id') });
  if (!parsed.success) throw new ApiError(404, 'not_found', 'There is no such application.');
  return parsed.data.id;
};

export const programsApi = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    await next();
    // A document says `private, no-store` itself; everything else here is no-store.
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  })
  .use('*', requireLogin)
  /** The accounts the login may apply for, and its applications on every account it manages. */
  .get('/applications', async (c) => c.json({ accounts: await accountChoices(c.env.DB, c.var.login.id, 'manage'), applications: await listApplications(c.env.DB, c.var.login.id) }))
  .post('/applications', async (c) => {
    backTo(c, PROGRAMS_PAGE);
    const { fields, answers, documents } = await readApplicationBody(c, applyFields);
    const program = await programFor(c.env.ASSETS, c.env.PORTAL_ORIGIN, fields.program);
    backTo(c, applyPageFor(program.id));
    let judged: Awaited<ReturnType<typeof judgeApplication>>;
    try {
      judged = await judgeApplication(program, answers, documents);
    } catch (e) {
      const spanish = e instanceof ApiError ? ineligibleInSpanish(c, e, program) : null;
      if (spanish) return spanish;
      throw e;
    }
    const result = await apply(programsEnv(c), drizzle(c.env.DB), c.var.login.id, program, fields.account, judged);
    sendSoon(c);
    return done(c, applicationPageFor(result.application), result.status, { application: result.application });
  })
  .get('/applications/:id', async (c) => c.json(await customerApplication(c.env.DB, c.var.login.id, idOf(c))))
  .post('/applications/:id/respond', async (c) => {
    const id = idOf(c);
    backTo(c, applicationPageFor(id));
    const { fields, documents } = await readApplicationBody(c, respondBody);
    const application = await customerApplication(c.env.DB, c.var.login.id, id);
    const program = (await programsOf(c.env.ASSETS, c.env.PORTAL_ORIGIN)).get(application.programId);
    const result = await respond(programsEnv(c), drizzle(c.env.DB), c.var.login.id, application, program, fields.note, documents);
    return done(c, applicationPageFor(id), result.status);
  })
  /** The customer withdraws an application not yet decided; the ticked confirmation box is required (422 naming `confirm` without it). */
  .post('/applications/:id/withdraw', async (c) => {
    const id = idOf(c);
    backTo(c, applicationPageFor(id));
    await readBody(c, withdrawBody);
    const application = await customerApplication(c.env.DB, c.var.login.id, id);
    const result = await withdraw(programsEnv(c), drizzle(c.env.DB), { id: c.var.login.id, role: c.var.login.role }, application);
    sendSoon(c);
    return done(c, applicationPageFor(id), result.status);
  })
  /** One document, to the account's managers or to program staff; never cached, always a download. */
  .get('/documents/:id', async (c) => {
    const parsed = documentParam.safeParse({ id: c.req.param('id') });
    if (!parsed.success) throw new ApiError(404, 'not_found', 'There is no such document.');
    return documentResponse(programsEnv(c), c.var.login, parsed.data.id);
  });
programsApi.onError(accountsOnError);

export const programRoles = requireRole('programs', 'admin');
const staffOf = (c: Context<AppEnv>) => ({ id: c.var.login.id, role: c.var.login.role });

/** Reads a staff form (JSON or HTML form) by `schema` and moves the application on. */
const staffDecision = <T extends ZodType>(schema: T, toDecision: (body: z.infer<T>) => Parameters<typeof decide>[3]) => async (c: Context<AppEnv>) => {
  const id = idOf(c);
  backTo(c, staffApplicationPageFor(id));
  const { fields } = await readApplicationBody(c, schema);
  const result = await decide(programsEnv(c), staffOf(c), id, toDecision(fields));
  sendSoon(c);
  return done(c, staffApplicationPageFor(id), result.status);
};

export const staffProgramsApi = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store, private');
  })
  .use('*', requireLogin)
  .use('*', programRoles)
  .get('/', async (c) => {
    const parsed = staffProgramQuery.safeParse(c.req.query());
    if (!parsed.success) throw invalidRequest(fieldsOf(parsed.error));
    const { rowsRead: _rows, ...page } = await staffQueue(c.env.DB, parsed.data.view, parsed.data.after);
    return c.json(page);
  })
  .get('/:id', async (c) => c.json(await staffApplication(c.env.DB, staffOf(c), idOf(c))))
  .post('/:id/need-info', staffDecision(needInfoBody, (b) => ({ action: 'need_info', note: b.note })))
  .post('/:id/approve', staffDecision(approveBody, (b) => ({ action: 'approve', note: b.note })))
  .post('/:id/deny', staffDecision(denyBody, (b) => ({ action: 'deny', reason: b.reason })))
  .post('/:id/pay', staffDecision(payBody, (b) => ({ action: 'pay', amountCents: Math.round(Number(b.amount) * 100), paidBy: b.paidBy })));
staffProgramsApi.onError(accountsOnError);
