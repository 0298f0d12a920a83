/**
 * The program pages, static Astro shells the worker fills:
 * - /account/programs/: the applications on every account the login manages;
 * - /account/programs/apply/<program>/: the program's form (built from its front matter), with the
 *   accounts the login may apply for;
 * - /account/programs/application/?id=: one application, its history, answers and documents, the
 *   form to send what staff asked for, and the form to withdraw it while it is undecided;
 * - /staff/programs/?view=&after=: the queue, paged by index, no identities;
 * - /staff/programs/application/?id=: one application with its customer (a logged look-up), and the
 *   forms to ask for information, approve, deny and record a payment (none once the customer withdrew it).
 * Messages after a redirect come from codes (worker/shared/program-forms.ts), never from the URL.
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../app-types';
import { escapeHtml, signedInPage, when, withMessage, type Filler, type PageMessage } from '../accounts/pages';
import { formatsFor } from '../i18n/format';
import { bothLanguages, type Locale } from '../i18n/locale';
import { pageLinks } from '../i18n/page-links';
import { translatedApplication } from '../shared/program-texts';
import { titleIn } from './mails';
import { programErrorIn, programFieldIn, programWords } from './words';
import { accountChoices } from '../auth/account-access';
import { requireLogin } from '../auth/require-login';
import { ApiError, handleError } from '../http/errors';
import { MAX_ATTACHMENT_BYTES } from '../messages/attachments';
import { esc, servePage, type Fill } from '../requests/page-fill';
import type { CatalogProgram } from '../shared/program-catalog';
import { applicationParam, MAX_NOTE, staffProgramQuery, staffProgramViews, staffViewLabels, type StaffProgramView } from '../shared/program-forms';
import { programsOf } from './catalog';
import { programRoles, STAFF_PROGRAMS_PAGE, staffApplicationPageFor } from './routes';
import { applicationPageFor, customerApplication, listApplications, staffApplication, staffQueue, withdrawableStatuses, type Application } from './store';
import { html, text } from '../http/html';


const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/** A program's application in a page language: the English structure, the catalog's words for it. */
const applicationIn = (locale: Locale, program: CatalogProgram | undefined) => (program ? translatedApplication(program.application, locale === 'en' ? undefined : program.texts[locale]) : undefined);

/** A field's words: the program's own question or document label, else the form's. */
function labelOf(locale: Locale, field: string, program: CatalogProgram | undefined) {
  const [kind, id] = field.split('.', 2);
  const application = applicationIn(locale, program);
  if (kind === 'answers') return application?.questions.find((q) => q.id === id)?.label;
  if (kind === 'documents') return application?.documents.find((d) => d.id === id)?.label ?? programWords[locale].someDocuments;
  return programFieldIn(locale, field);
}

/** The page message from the query's codes, naming the field at fault in the program's words. */
function messageFor(c: Context<AppEnv>, program?: CatalogProgram, locale: Locale = c.get('locale')): PageMessage {
  const words = programWords[locale];
  const error = c.req.query('error');
  if (error) {
    const base = programErrorIn(locale, error) ?? words.errors.invalid_request!;
    const field = c.req.query('field');
    const label = field ? labelOf(locale, field, program) : undefined;
    return { kind: 'error', text: label && (error === 'invalid_request' || error === 'not_eligible') ? `${base} ${words.check(label)}` : base };
  }
  const status = c.req.query('status');
  const said = status ? words.statuses[status] : undefined;
  return said ? { kind: 'status', text: said } : null;
}

type Audience = 'customer' | 'staff';

function historyHtml(a: Application, audience: Audience, locale: Locale) {
  const w = programWords[locale];
  const { when } = formatsFor(locale);
  const who = (e: Application['events'][number]) => (e.actorKind === 'staff' ? w.who.staff : audience === 'customer' ? w.who.customer : w.who.customerToStaff);
  return `<h2>${w.history}</h2><ol class="timeline">${a.events
    .map((e) => `<li><p><strong>${esc(w.status[e.status])}</strong> · ${who(e)} · ${when(e.at)}</p>${e.note ? `<p class="message-body">${escapeHtml(e.note).replaceAll('\n', '<br>')}</p>` : ''}</li>`)
    .join('')}</ol>`;
}

/**
 * An answer as the page shows it: stored in English (staff read it so), shown on a Spanish page in
 * the program's Spanish words when the question is still asked, else as it was stored.
 */
function shownAnswer(locale: Locale, answer: Application['answers'][number], application: ReturnType<typeof applicationIn>) {
  const q = locale === 'en' ? undefined : application?.questions.find((x) => x.id === answer.id);
  if (!q) return { label: answer.label, shown: answer.shown };
  const w = programWords[locale];
  const f = formatsFor(locale);
  const value = answer.answer;
  const shown =
    value === ''
      ? w.notAnswered
      : q.type === 'yes-no'
        ? value === 'yes' ? w.yes : w.no
        : q.type === 'choice'
          ? (q.options.find((o) => o.value === value)?.label ?? answer.shown)
          : q.type === 'number' && /^\d+$/.test(value)
            ? f.number(Number(value))
            : q.type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value)
              ? f.day(value)
              : value;
  return { label: q.label, shown };
}

function detailsHtml(a: Application, audience: Audience, locale: Locale, program: CatalogProgram | undefined) {
  const w = programWords[locale];
  const { when, day, money } = formatsFor(locale);
  const application = applicationIn(locale, program);
  const documentsUntil = a.documentsDeleteOn ? `<p>${w.deletedOn(day(a.documentsDeleteOn))}</p>` : '';
  const documents = a.documents.length
    ? `<ul class="attachments">${a.documents
        .map((d) => `<li><a href="/api/programs/documents/${encodeURIComponent(d.id)}" download>${escapeHtml(d.fileName)}</a> (${size(d.sizeBytes)}, ${when(d.createdAt)})</li>`)
        .join('')}</ul>${documentsUntil}`
    : `<p>${a.decidedAt && a.documentsDeleteOn ? w.noneKept : w.noDocuments}</p>`;
  const paid = a.paidCents !== null ? `<dt>${w.facts.paid}</dt><dd>${w.paid(money(a.paidCents / 100), day(a.paidOn!), a.paidBy === 'bill_credit')}</dd>` : '';
  const note = a.staffNote ? `<dt>${a.status === 'denied' ? w.facts.reason : a.status === 'need_info' ? w.facts.needed : w.facts.note}</dt><dd>${escapeHtml(a.staffNote).replaceAll('\n', '<br>')}</dd>` : '';
  const answers = a.answers.map((x) => shownAnswer(locale, x, application));
  return `<dl class="facts"><dt>${w.facts.account}</dt><dd>${escapeHtml(a.accountNumber)}</dd><dt>${w.facts.status}</dt><dd><strong>${esc(w.status[a.status])}</strong></dd>${note}${paid}<dt>${w.facts.sent}</dt><dd>${when(a.createdAt)}</dd>${a.installedOn ? `<dt>${w.facts.installed}</dt><dd>${day(a.installedOn)}</dd>` : ''}</dl>
<h2>${w.answers[audience]}</h2><dl class="facts">${answers.map((x) => `<dt>${esc(x.label)}</dt><dd>${escapeHtml(x.shown)}</dd>`).join('')}</dl>
<h2>${w.documents}</h2>${documents}${historyHtml(a, audience, locale)}`;
}

/** The file inputs of a program's documents, all optional: for answering a request for more information. */
function respondDocumentsHtml(locale: Locale, program: CatalogProgram | undefined) {
  const application = applicationIn(locale, program);
  if (!application?.documents.length) return '';
  const w = programWords[locale];
  return `<fieldset><legend>${w.optionalDocuments}</legend>${application.documents
    .map((d) => {
      const id = `document-${esc(d.id)}`;
      return `<div class="field"><label for="${id}">${esc(d.label)}</label><p class="hint" id="${id}-hint">${w.files(d.maxFiles)}: ${w.kinds(MAX_ATTACHMENT_BYTES / 1024 / 1024)}</p><input id="${id}" name="documents.${esc(d.id)}" type="file"${d.maxFiles > 1 ? ' multiple' : ''} accept="application/pdf,image/jpeg,image/png,image/heic,.heic" aria-describedby="${id}-hint ${id}-error"><p class="field-error" id="${id}-error" data-field-error="documents.${esc(d.id)}" hidden></p></div>`;
    })
    .join('')}</fieldset>`;
}

const fillList: Filler = async (c, login, rewriter) => {
  const locale = c.get('locale');
  const w = programWords[locale];
  const { when } = formatsFor(locale);
  const [list, catalog, links] = await Promise.all([listApplications(c.env.DB, login.id), programsOf(c.env.ASSETS, c.env.PORTAL_ORIGIN), pageLinks(c)]);
  const rows = list.length
    ? `<table><caption>${w.newestFirst}</caption><thead><tr>${w.columns.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${list
        .map((a) => `<tr><td>${links.a(applicationPageFor(a.id), esc(titleIn(locale, a.programTitle, catalog.get(a.programId))))}</td><td>${esc(a.accountNumber)}</td><td>${when(a.createdAt)}</td><td>${esc(w.status[a.status])}</td></tr>`)
        .join('')}</tbody></table>`
    : `<p>${w.none}</p>`;
  return rewriter.on('[data-fill="applications"]', html(rows));
};

const fillApply: Filler = async (c, login, rewriter) => {
  const locale = c.get('locale');
  const w = programWords[locale];
  const programId = c.req.param('program') ?? '';
  const program = (await programsOf(c.env.ASSETS, c.env.PORTAL_ORIGIN)).get(programId);
  let r = withMessage(c, rewriter, messageFor(c, program));
  // Without the page script, an ineligible answer's reason goes beside its question too.
  const field = c.req.query('field');
  const question = c.req.query('error') === 'not_eligible' && field?.startsWith('answers.') ? applicationIn(locale, program)?.questions.find((q) => `answers.${q.id}` === field) : undefined;
  if (question && 'ineligible' in question && question.ineligible) {
    const reason = question.ineligible;
    r = r.on(`[data-field-error="answers.${question.id}"]`, { element: (el) => void (el.removeAttribute('hidden'), el.setInnerContent(reason)) });
  }
  const accounts = await accountChoices(c.env.DB, login.id, 'manage');
  if (!accounts.length) return r.on('[data-fill="apply-section"]', html(`<p>${w.noAccount}</p>`));
  const asked = c.req.query('account');
  return r.on('[data-fill="account-options"]', html(accounts.map((a) => `<option value="${escapeHtml(a.id)}"${a.id === asked ? ' selected' : ''}>${escapeHtml(w.account(a.number))}</option>`).join('')));
};

const fillApplication: Filler = async (c, login, rewriter) => {
  const locale = c.get('locale');
  const parsed = applicationParam.safeParse({ id: c.req.query('id') });
  let a: Application;
  try {
    if (!parsed.success) throw new ApiError(404, 'not_found', 'There is no such application.');
    a = await customerApplication(c.env.DB, login.id, parsed.data.id);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return c.redirect('/account/programs/?error=not_found', 303);
    throw e;
  }
  const program = (await programsOf(c.env.ASSETS, c.env.PORTAL_ORIGIN)).get(a.programId);
  let r = withMessage(c, rewriter, messageFor(c, program))
    .on('[data-fill="title"]', text(titleIn(locale, a.programTitle, program)))
    .on('[data-fill="application"]', html(detailsHtml(a, 'customer', locale, program)));
  // The withdrawal form while nothing is decided; without the page script, a missing confirmation is named beside its box too.
  if (!withdrawableStatuses.includes(a.status)) r = r.on('[data-fill="withdraw-section"]', { element: (el) => void el.remove() });
  else {
    r = r
      .on('[data-fill="withdraw-section"]', { element: (el) => void el.removeAttribute('hidden') })
      .on('[data-fill="withdraw-form"]', { element: (el) => void el.setAttribute('action', `/api/programs/applications/${encodeURIComponent(a.id)}/withdraw`) });
    if (c.req.query('error') === 'invalid_request' && c.req.query('field') === 'confirm') {
      const said = programWords[locale].confirmToWithdraw;
      r = r
        .on('[data-field-error="confirm"]', { element: (el) => void (el.removeAttribute('hidden'), el.setInnerContent(said)) })
        .on('input[name="confirm"]', { element: (el) => void el.setAttribute('aria-invalid', 'true') });
    }
  }
  if (a.status !== 'need_info') return r.on('[data-fill="respond-section"]', { element: (el) => void el.remove() });
  return r
    .on('[data-fill="respond-section"]', { element: (el) => void el.removeAttribute('hidden') })
    .on('[data-fill="respond-form"]', { element: (el) => void el.setAttribute('action', `/api/programs/applications/${encodeURIComponent(a.id)}/respond`) })
    .on('[data-fill="respond-documents"]', html(respondDocumentsHtml(locale, program)));
};

function staffNotice(c: Context<AppEnv>) {
  const message = messageFor(c, undefined, 'en');
  return message ? `<p class="message message-${message.kind}" role="${message.kind === 'error' ? 'alert' : 'status'}">${esc(message.text)}</p>` : '';
}

function staffForms(a: Application) {
  const action = (path: string) => `/api/staff/programs/${encodeURIComponent(a.id)}/${path}`;
  const textarea = (id: string, name: string, label: string, required: boolean) =>
    `<div class="field"><label for="${id}">${label}</label><textarea id="${id}" name="${name}" rows="4" maxlength="${MAX_NOTE}"${required ? ' required' : ''}></textarea></div>`;
  if (a.status === 'submitted' || a.status === 'need_info') {
    return `<h2>Decide</h2><p>The customer is e-mailed that the status changed; what you write here is shown in the portal, not in the e-mail.</p>
<form method="post" action="${action('need-info')}">${textarea('need-info-note', 'note', 'Ask for more information', true)}<button type="submit">Ask the customer</button></form>
<form method="post" action="${action('approve')}">${textarea('approve-note', 'note', 'Note to the customer (optional)', false)}<button type="submit">Approve</button></form>
<form method="post" action="${action('deny')}">${textarea('deny-reason', 'reason', 'Reason for the denial (the customer reads it)', true)}<button type="submit">Deny</button></form>`;
  }
  if (a.status === 'approved' && a.programKind === 'rebate') {
    return `<h2>Record the payment</h2><form method="post" action="${action('pay')}"><div class="field"><label for="pay-amount">Amount in dollars</label><input id="pay-amount" name="amount" inputmode="decimal" required pattern="\\d{1,5}(\\.\\d{2})?"></div>
<fieldset><legend>Paid by</legend><div class="check"><input type="radio" id="pay-credit" name="paidBy" value="bill_credit" required><label for="pay-credit">A credit on the customer's bill (posted to the account now)</label></div><div class="check"><input type="radio" id="pay-cheque" name="paidBy" value="cheque"><label for="pay-cheque">Cheque</label></div></fieldset>
<button type="submit">Record the payment</button></form>`;
  }
  if (a.status === 'withdrawn') return `<h2>Withdrawn</h2><p>The customer withdrew this application on ${when(a.decidedAt ?? a.updatedAt)}; it can no longer be decided.</p>`;
  return '';
}

const viewOf = (c: Context<AppEnv>) => {
  const parsed = staffProgramQuery.safeParse(c.req.query());
  return parsed.success ? parsed.data : { view: 'submitted' as StaffProgramView, after: undefined };
};

export const programPages = new Hono<AppEnv>()
  .on(['GET'], bothLanguages('/account/programs/'), signedInPage(fillList, { message: (c) => messageFor(c) }))
  .on(['GET'], bothLanguages('/account/programs/apply/:program/'), signedInPage(fillApply, { message: () => null }))
  .on(['GET'], bothLanguages('/account/programs/application/'), signedInPage(fillApplication, { message: () => null }))
  .use('/staff/programs/*', requireLogin, programRoles)
  .get(STAFF_PROGRAMS_PAGE, async (c) => {
    const query = viewOf(c);
    const page = await staffQueue(c.env.DB, query.view, query.after);
    const tabs = `<nav aria-label="Application queues"><ul class="inline">${staffProgramViews
      .map((v) => `<li><a href="${STAFF_PROGRAMS_PAGE}?view=${v}"${v === query.view ? ' aria-current="page"' : ''}>${esc(staffViewLabels[v])}</a></li>`)
      .join('')}</ul></nav>`;
    const table = page.rows.length
      ? `<table class="queue"><caption>${esc(staffViewLabels[query.view])}, ${query.view === 'withdrawn' ? 'oldest first' : 'longest waiting first'}</caption><thead><tr><th scope="col">${query.view === 'withdrawn' ? 'Withdrawn on' : 'Waiting since'}</th><th scope="col">Program</th><th scope="col">Sent</th><th scope="col">Details (logged)</th></tr></thead><tbody>${page.rows
          .map((r) => `<tr><td>${when(r.updatedAt)}</td><td>${esc(r.programTitle)}</td><td>${when(r.createdAt)}</td><td><a href="${staffApplicationPageFor(r.id)}">Open</a></td></tr>`)
          .join('')}</tbody></table>`
      : '<p>Nothing in this queue.</p>';
    const next = page.next ? `<p><a href="${STAFF_PROGRAMS_PAGE}?view=${query.view}&amp;after=${encodeURIComponent(page.next)}">Next page</a></p>` : '';
    return servePage(c, STAFF_PROGRAMS_PAGE, [{ selector: '[data-fill="queue"]', html: staffNotice(c) + tabs + table + next }]);
  })
  .get(`${STAFF_PROGRAMS_PAGE}application/`, async (c) => {
    const parsed = applicationParam.safeParse({ id: c.req.query('id') });
    if (!parsed.success) throw new ApiError(404, 'not_found', 'There is no such application.');
    const { application: a, customer } = await staffApplication(c.env.DB, { id: c.var.login.id, role: c.var.login.role }, parsed.data.id);
    const facts: [string, string][] = [
      ['Account number', customer?.accountNumber ?? '—'],
      ['Holder', customer?.holderName ?? '—'],
      ['Service address', customer?.serviceAddresses ?? '—'],
      ['Applied from the login', customer?.applicantEmail ?? '—'],
      ['E-mail on file', customer?.emailOnFile ?? '—'],
      ['Phone on file', customer?.phoneOnFile ?? '—'],
    ];
    return servePage(c, `${STAFF_PROGRAMS_PAGE}application/`, [
      { selector: '[data-fill="title"]', html: esc(a.programTitle) },
      { selector: '[data-fill="message"]', html: staffNotice(c) },
      { selector: '[data-fill="application"]', html: `<h2>Customer</h2><dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>${detailsHtml(a, 'staff', 'en', undefined)}${staffForms(a)}` },
    ]);
  })
  .onError((err, c) => {
    const status = err instanceof HTTPException ? err.status : 500;
    if (!new URL(c.req.url).pathname.startsWith(STAFF_PROGRAMS_PAGE) || (status !== 401 && status !== 403 && status !== 404)) return handleError(err, c);
    const message =
      status === 401 ? '<p>Please <a href="/login/">sign in</a> with your staff account.</p>' : status === 403 ? '<p>Your role does not allow this page. Program applications are worked by program staff.</p>' : '<p>There is no such application.</p>';
    const page = new URL(c.req.url).pathname.startsWith(`${STAFF_PROGRAMS_PAGE}application/`) ? `${STAFF_PROGRAMS_PAGE}application/` : STAFF_PROGRAMS_PAGE;
    const fills: Fill[] = [{ selector: page === STAFF_PROGRAMS_PAGE ? '[data-fill="queue"]' : '[data-fill="application"]', html: message }];
    return servePage(c, page, fills, status);
  });
