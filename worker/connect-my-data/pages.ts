/**
 * The customer's pages of Connect My Data: the consent screen (who asks, for which data, for what
 * purpose and until when; the customer may narrow the data and shorten the period) and
 * "Connected applications" (what each may fetch, every release to it, and a button to stop it).
 * Plain forms: both work without JavaScript.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { disclosures } from '../../db/schema';
import type { AppEnv } from '../app-types';
import { accountIdsWithRight } from '../auth/account-access';
import { escapeHtml, signedInPage, type Filler, type PageMessage } from '../accounts/pages';
import { formatsFor } from '../i18n/format';
import { bothLanguages, type Locale } from '../i18n/locale';
import { pageLinks } from '../i18n/page-links';
import { utility } from '../tenants/scope';
import { addDays } from '../usage/time';
import { shareableAccounts, today } from './consent';
import { authorizationsOf, consentRequest } from './oauth';
import { describeScope, functionBlocksIn, historyDays, historyWords, parseScope } from './scope';
import { html } from '../http/html';

const words = {
  en: {
    messages: {
      connect_revoked: 'The application can no longer fetch your data. Its next request will be refused.',
      oauth_bad_client: 'This request does not come from an application registered with us, or it is not accepting new connections. Nothing was shared.',
      oauth_request_expired: 'This request has expired or was already answered. Go back to the application and start again.',
      invalid_request: 'Please check the choices marked below.',
      not_found: 'There is no such connection.',
      too_many_requests: 'Too many connection requests in the last hour. Please wait an hour and try again.',
    } as Record<string, string>,
    failed: 'That did not work. Please try again.',
    kinds: { electric: 'Electricity', water: 'Water', gas: 'Gas' } as Record<string, string>,
    servicesOf: (account: string) => `Services of account ${account}`,
    meter: (kind: string, serial: string, minutes: number) => `${kind} meter ${serial} (read every ${minutes} minutes)`,
    noAccount: 'You have no account whose data you may share. Only the account holder, or someone they allowed to manage the account, can connect an application.',
    who: 'Who is asking',
    runBy: (app: string, organisation: string) => `<strong>${app}</strong>, run by ${organisation}.`,
    purpose: 'What they say they will do with it:',
    noVouch: (utilityName: string) => `${utilityName} has registered this application, but does not vouch for how it uses your data. Its own privacy policy applies once it has the data.`,
    which: 'Which data',
    always: (basics: string) => `It always gets ${basics}. Untick anything you do not want to share.`,
    kindsOfData: 'Kinds of data',
    howFar: (days: number, about: string) => `How far back (days, at most ${days}; ${about})`,
    untilWhen: 'Until when',
    untilText: (latest: string, link: string) => `It may fetch new data until the end of the day you choose (at most ${latest}). You can stop it sooner at any time from ${link}.`,
    connected: 'Connected applications',
    lastDay: 'Last day',
    listed: 'Every time it fetches your data, we list it on your Connected applications page.',
    allow: 'Allow',
    deny: 'Do not allow',
    releasesTo: (app: string) => `Releases to ${app}`,
    when: 'When',
    what: 'What',
    records: 'Records',
    nothingYet: 'It has not fetched anything yet.',
    since: (from: string, until: string) => `Connected since ${from}, until ${until}.`,
    ended: (at: string, by: string | null) =>
      `Ended ${at}${by === 'customer' ? ' by you' : by === 'staff' ? ' by the utility' : by === 'refresh_reuse' || by === 'code_replay' ? ' for your security (a credential was used twice)' : by === 'application_revoked' ? ' (the application is no longer registered)' : ''}.`,
    purposeLabel: 'Purpose:',
    mayFetch: 'What it may fetch',
    fromOn: (day: string) => `From ${day} on, and only for the time your account held each service`,
    fetched: 'What it has fetched',
    stop: (app: string) => `Stop sharing with ${app}`,
  },
  es: {
    messages: {
      connect_revoked: 'La aplicación ya no puede obtener sus datos. Su próxima solicitud será rechazada.',
      oauth_bad_client: 'Esta solicitud no viene de una aplicación registrada con nosotros, o la aplicación no acepta conexiones nuevas. No se compartió nada.',
      oauth_request_expired: 'Esta solicitud venció o ya tuvo respuesta. Vuelva a la aplicación y empiece de nuevo.',
      invalid_request: 'Revise las opciones marcadas abajo.',
      not_found: 'No existe esa conexión.',
      too_many_requests: 'Demasiadas solicitudes de conexión en la última hora. Espere una hora e inténtelo de nuevo.',
    } as Record<string, string>,
    failed: 'No funcionó. Inténtelo de nuevo.',
    kinds: { electric: 'Electricidad', water: 'Agua', gas: 'Gas' } as Record<string, string>,
    servicesOf: (account: string) => `Servicios de la cuenta ${account}`,
    meter: (kind: string, serial: string, minutes: number) => `Medidor de ${kind.toLowerCase()} ${serial} (lectura cada ${minutes} minutos)`,
    noAccount: 'Usted no tiene ninguna cuenta cuyos datos pueda compartir. Solo el titular de la cuenta, o alguien a quien el titular permitió administrarla, puede conectar una aplicación.',
    who: 'Quién lo pide',
    runBy: (app: string, organisation: string) => `<strong>${app}</strong>, de ${organisation}.`,
    purpose: 'Lo que dicen que harán con los datos:',
    noVouch: (utilityName: string) => `${utilityName} registró esta aplicación, pero no responde por el uso que haga de sus datos. Una vez que los recibe, se aplica la política de privacidad de la aplicación.`,
    which: 'Qué datos',
    always: (basics: string) => `Siempre recibe ${basics}. Desmarque lo que no quiera compartir.`,
    kindsOfData: 'Tipos de datos',
    howFar: (days: number, about: string) => `Desde cuándo (en días, como máximo ${days}; ${about})`,
    untilWhen: 'Hasta cuándo',
    untilText: (latest: string, link: string) => `Puede obtener datos nuevos hasta el final del día que usted elija (como máximo el ${latest}). Puede detenerla antes cuando quiera desde ${link}.`,
    connected: 'Aplicaciones conectadas',
    lastDay: 'Último día',
    listed: 'Cada vez que obtenga sus datos, lo anotamos en su página de Aplicaciones conectadas.',
    allow: 'Permitir',
    deny: 'No permitir',
    releasesTo: (app: string) => `Entregas a ${app}`,
    when: 'Cuándo',
    what: 'Qué',
    records: 'Registros',
    nothingYet: 'Todavía no ha obtenido nada.',
    since: (from: string, until: string) => `Conectada desde ${from}, hasta ${until}.`,
    ended: (at: string, by: string | null) =>
      `Terminó ${at}${by === 'customer' ? ' porque usted la detuvo' : by === 'staff' ? ' porque la empresa la detuvo' : by === 'refresh_reuse' || by === 'code_replay' ? ' por su seguridad (una credencial se usó dos veces)' : by === 'application_revoked' ? ' (la aplicación ya no está registrada)' : ''}.`,
    purposeLabel: 'Para qué:',
    mayFetch: 'Lo que puede obtener',
    fromOn: (day: string) => `Desde el ${day}, y solo del tiempo en que su cuenta tuvo cada servicio`,
    fetched: 'Lo que ha obtenido',
    stop: (app: string) => `Dejar de compartir con ${app}`,
  },
} satisfies Record<Locale, unknown>;

const message = (c: Context<AppEnv>): PageMessage => {
  const w = words[c.get('locale')];
  const status = c.req.query('status');
  const error = c.req.query('error');
  if (status && Object.hasOwn(w.messages, status)) return { kind: 'status', text: w.messages[status]! };
  if (error) return { kind: 'error', text: (Object.hasOwn(w.messages, error) ? w.messages[error] : undefined) ?? w.failed };
  return null;
};

const fillConsent: Filler = async (c, login, rewriter) => {
  const requestId = c.req.query('request');
  if (!requestId || requestId.length > 64) return rewriter;
  const locale = c.get('locale');
  const w = words[locale];
  const { day } = formatsFor(locale);
  const db = drizzle(c.env.DB);
  const now = new Date();
  const pending = await consentRequest({ db, now }, login.id, requestId);
  if (!pending) return rewriter.on('[data-fill="consent"]', html(`<p>${escapeHtml(w.messages.oauth_request_expired!)}</p>`));
  const app = pending.application;
  const scope = pending.scope;
  const [accounts, links] = await Promise.all([shareableAccounts(db, c.env.DB, login.id), pageLinks(c)]);
  const latest = addDays(today(now), app.maxAuthorizationDays);
  const problems = new Set((c.req.query('field') ?? '').split(',').filter(Boolean));
  const invalid = (f: string) => (problems.has(f) ? ' aria-invalid="true"' : '');
  const servicesHtml = accounts.length
    ? accounts
        .map(
          (a) => `<fieldset${invalid('meter')}><legend>${escapeHtml(w.servicesOf(a.accountNumber))}</legend>${a.meters
            .map((m) => `<div class="check"><input type="checkbox" id="meter-${escapeHtml(m.id)}" name="meter" value="${escapeHtml(m.id)}" checked><label for="meter-${escapeHtml(m.id)}">${escapeHtml(w.meter(w.kinds[m.kind] ?? m.kind, m.serialNumber, m.intervalMinutes))}</label></div>`)
            .join('')}</fieldset>`,
        )
        .join('')
    : `<p>${escapeHtml(w.noAccount)}</p>`;
  const blocksHtml = describeScope(scope, locale)
    .filter((b) => b.block !== 1)
    .map((b) => `<div class="check"><input type="checkbox" id="block-${b.block}" name="block" value="${b.block}" checked><label for="block-${b.block}"><strong>${escapeHtml(b.name)}</strong>: ${escapeHtml(b.words)}</label></div>`)
    .join('');
  const days = historyDays(scope);
  // The application's own words (name, organisation, purpose) are as it registered them, in English.
  const theirs = (text: string) => (locale === 'en' ? escapeHtml(text) : `<span lang="en">${escapeHtml(text)}</span>`);
  const body = `
<section aria-labelledby="who-title">
  <h2 id="who-title">${escapeHtml(w.who)}</h2>
  <p>${w.runBy(theirs(app.name), theirs(app.organisation))}</p>
  <p>${escapeHtml(w.purpose)} ${theirs(app.purpose)}</p>
  <p>${escapeHtml(w.noVouch(utility().name))}</p>
</section>
<form method="post" action="/api/connect/authorize">
  <input type="hidden" name="request" value="${escapeHtml(requestId)}">
  <section aria-labelledby="what-title">
    <h2 id="what-title">${escapeHtml(w.which)}</h2>
    <p>${escapeHtml(w.always(functionBlocksIn(locale)[1].words))}</p>
    ${servicesHtml}
    <fieldset${invalid('block')}><legend>${escapeHtml(w.kindsOfData)}</legend>${blocksHtml}</fieldset>
    <label for="field-historyDays">${escapeHtml(w.howFar(days, historyWords(scope, locale)))}</label>
    <input id="field-historyDays" name="historyDays" type="number" min="1" max="${days}" value="${days}" required${invalid('historyDays')}>
  </section>
  <section aria-labelledby="until-title">
    <h2 id="until-title">${escapeHtml(w.untilWhen)}</h2>
    <p>${w.untilText(escapeHtml(day(latest)), links.a('/account/sharing/applications/', escapeHtml(w.connected)))}</p>
    <label for="field-until">${escapeHtml(w.lastDay)}</label>
    <input id="field-until" name="until" type="date" min="${addDays(today(now), 1)}" max="${latest}" value="${latest}" required${invalid('until')}>
  </section>
  <p>${escapeHtml(w.listed)}</p>
  <div class="actions">
    <button type="submit" name="decision" value="allow"${accounts.length ? '' : ' disabled'}>${escapeHtml(w.allow)}</button>
    <button type="submit" name="decision" value="deny" class="secondary">${escapeHtml(w.deny)}</button>
  </div>
</form>`;
  return rewriter.on('[data-fill="consent"]', html(body));
};

const fillApplications: Filler = async (c, login, rewriter) => {
  const locale = c.get('locale');
  const w = words[locale];
  const { day, when } = formatsFor(locale);
  const db = drizzle(c.env.DB);
  const now = new Date().toISOString();
  const accountIds = await accountIdsWithRight(db, login.id, 'manage');
  const rows = await authorizationsOf(db, accountIds);
  if (rows.length === 0) return rewriter;
  const releases = await db
    .select()
    .from(disclosures)
    .where(and(inArray(disclosures.accountId, accountIds), eq(disclosures.recipientKind, 'third_party'), inArray(disclosures.authority, rows.map((r) => r.authorization.id))))
    .orderBy(desc(disclosures.releasedAt))
    .limit(500);
  const theirs = (text: string) => (locale === 'en' ? escapeHtml(text) : `<span lang="en">${escapeHtml(text)}</span>`);
  const body = rows
    .map(({ authorization: a, application: app }) => {
      const scope = parseScope(a.scope);
      const live = a.endedAt === null && a.endsAt > now;
      const mine = releases.filter((r) => r.authority === a.id);
      // A release's description is the disclosure log's record, written in English when it was made.
      const releasesHtml = mine.length
        ? `<table><caption>${escapeHtml(w.releasesTo(app.name))}</caption><thead><tr><th scope="col">${w.when}</th><th scope="col">${w.what}</th><th scope="col">${w.records}</th></tr></thead><tbody>${mine.map((r) => `<tr><td>${when(r.releasedAt)}</td><td>${theirs(r.description)}</td><td>${r.records}</td></tr>`).join('')}</tbody></table>`
        : `<p>${escapeHtml(w.nothingYet)}</p>`;
      const status = live ? w.since(when(a.createdAt), when(a.endsAt)) : w.ended(when(a.endedAt ?? a.endsAt), a.endedBy);
      return `<section class="connected-app" aria-labelledby="app-${escapeHtml(a.id)}">
<h2 id="app-${escapeHtml(a.id)}">${theirs(app.name)}</h2>
<p>${theirs(app.organisation)}. ${status}</p>
<p>${escapeHtml(w.purposeLabel)} ${theirs(app.purpose)}</p>
<h3>${escapeHtml(w.mayFetch)}</h3>
<ul>${scope ? describeScope(scope, locale).map((b) => `<li>${escapeHtml(b.name)}: ${escapeHtml(b.words)}</li>`).join('') : ''}<li>${escapeHtml(w.fromOn(day(a.dataFrom)))}</li></ul>
<h3>${escapeHtml(w.fetched)}</h3>
${releasesHtml}
${live ? `<form method="post" action="/api/connect/authorizations/revoke"><input type="hidden" name="authorization" value="${escapeHtml(a.id)}"><button type="submit">${escapeHtml(w.stop(app.name))}</button></form>` : ''}
</section>`;
    })
    .join('');
  return rewriter.on('[data-fill="applications"]', html(body));
};

export const connectPages = new Hono<AppEnv>()
  .on(['GET'], bothLanguages('/account/sharing/authorize/'), signedInPage(fillConsent, { message }))
  .on(['GET'], bothLanguages('/account/sharing/applications/'), signedInPage(fillApplications, { message }));
