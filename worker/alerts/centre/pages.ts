/**
 * The alert centre's pages: static Astro shells (site/pages/account/alerts/…) the worker fills for
 * the signed-in customer with HTMLRewriter, so they work with JavaScript off: the list of open and
 * past alerts, one alert with its chart (an SVG drawn here) and a table of the same reads, the
 * answer and action forms, and the threshold settings. Anonymous callers go to the sign-in page;
 * an alert or account the caller may not see sends them back to the list, as for one that does not exist.
 * Each page is in its URL's language (/es/… in Spanish): one builder per page, given the page's words.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../../app-types';
import { resolveSession, SESSION_COOKIE, type SignedInLogin } from '../../auth/sessions';
import { ApiError } from '../../http/errors';
import { esc } from '../../requests/page-fill';
import { utility } from '../../tenants/scope';
import { alertFieldLabelsIn, alertMessageFor, ANSWER_NOTE_MAX, settingsLimits } from '../../shared/alert-forms';
import { unitLabelsIn, type DisplayUnit } from '../../usage/units';
import { intlTags } from '../../../site/i18n';
import { bothLanguages, type Locale } from '../../i18n/locale';
import { pageLinks, type PageLinks } from '../../i18n/page-links';
import type { BeforeAfter } from './before-after';
import { alertChartSvg, formatAmount, shortLabel } from './chart-svg';
import { alertDetail as alertSentence, alertTitle } from '../describe';
import { longDay } from './format';
import { readSettings, settingsAccountId, type KindSettings } from './settings';
import { usageShards } from '../../usage/shards';
import { alertDetail, alertForViewer, alertsFor, type AlertDetail, type AlertListItem } from './store';
import { isLeakType, vocabularyIn } from './vocabulary';

type Filler = (c: Context<AppEnv>, login: SignedInLogin, links: PageLinks) => Promise<Record<string, string> | Response>;

/**
 * A signed-in page: the shell from the built site (the request's own path, so in its language),
 * each `[data-fill="key"]` given the filler's HTML for `key`, and the message slot filled from the
 * redirect's codes.
 */
const signedInPage = (fill: Filler) => async (c: Context<AppEnv>) => {
  const token = getCookie(c, SESSION_COOKIE);
  const login = token ? await resolveSession(drizzle(c.env.DB), token) : null;
  if (!login) {
    c.header('Cache-Control', 'no-store');
    return c.redirect('/login/?error=unauthenticated', 303);
  }
  const filled = await fill(c, login, await pageLinks(c));
  if (filled instanceof Response) return filled;
  const asset = await c.env.ASSETS.fetch(new Request(new URL(new URL(c.req.url).pathname, c.req.url)));
  if (!asset.ok) return new Response(asset.body, asset);
  let rewriter = new HTMLRewriter();
  for (const [key, html] of Object.entries(filled)) rewriter = rewriter.on(`[data-fill="${key}"]`, { element: (el) => void el.setInnerContent(html, { html: true }) });
  // The message after a redirect: words looked up by code, never taken from the URL.
  const m = alertMessageFor({ status: c.req.query('status'), error: c.req.query('error'), field: c.req.query('field') }, c.get('locale'));
  if (m) {
    rewriter = rewriter.on('[data-message]', {
      element(el) {
        el.removeAttribute('hidden');
        el.setAttribute('class', `message message-${m.kind}`);
        if (m.kind === 'error') el.setAttribute('role', 'alert');
        el.setInnerContent(m.text);
      },
    });
  }
  const headers = new Headers(asset.headers);
  headers.set('Cache-Control', 'no-store');
  headers.delete('ETag');
  headers.delete('Content-Length');
  const res = rewriter.transform(new Response(asset.body, { status: 200, headers }));
  return new Response(res.body, res);
};

/** The alert pages' own words in each language; the alert's type, answers and actions are in ./vocabulary.ts, its sentences in ../describe.ts. */
const words = {
  en: {
    kinds: { water: 'Water', electric: 'Electricity', gas: 'Gas' },
    to: 'to',
    open: 'Open',
    ended: 'Ended',
    at: (kind: string, street: string) => `${kind} at ${street}`,
    account: 'Account',
    notAnswered: 'Not answered yet',
    noAnswer: 'No answer',
    head: ['Alert', 'Where', 'Days', 'Status', 'Your answer'],
    openCaption: (n: number) => `Open alerts (${n})`,
    pastCaption: (n: number) => `Past alerts (${n})`,
    noOpen: 'No open alerts. When your reads show water running that should not be, or use well above your usual, the alert appears here.',
    noPast: 'No past alerts.',
    notEnoughBefore: (days: number) => `There are not enough complete days of reads before that day to compare (${days} of the 14 days before).`,
    notEnoughAfter: (before: string, unit: string, days: number, after: number) => `Before: ${before} ${unit} a day (${days} days). Not enough complete days of reads since yet (${after} so far); check back in a few days.`,
    compared: (before: string, unit: string, days: number, since: string, after: number, direction: string) => `Before: ${before} ${unit} a day (${days} days). Since: ${since} ${unit} a day (${after} days), ${direction}.`,
    same: 'about the same',
    less: (pct: number) => `${pct}% less`,
    more: (pct: number) => `${pct}% more`,
    where: (kind: string, serial: string, street: string) => `${kind} meter …${serial} at ${street}`,
    chartTitle: (hourly: boolean, from: string, to: string, unit: string) => `${hourly ? 'Hourly' : 'Daily'} use from ${from} to ${to}, in ${unit}; the days of the alert are shaded.`,
    yourLimit: (amount: string) => `Your limit: ${amount}`,
    noRead: 'no read',
    read: 'read',
    quality: { estimated: 'estimated', incomplete: 'incomplete', missing: 'missing', not_held: 'not yours' } as Record<string, string>,
    alertDays: ', alert days',
    openSince: (first: string, last: string) => `<strong>Open</strong> since ${first}; last seen in the reads of ${last}.`,
    noReminders: ' We are not sending reminders about it.',
    closedOn: (day: string) => ` on ${day}`,
    covered: (first: string, last: string | null) => `It covered ${first}${last ? ` to ${last}` : ''}.`,
    stillShowing: (leak: boolean, test: string) => `The reads since you said you fixed it still show ${leak ? 'water flowing' : 'high use'}. Try the ${test}, or tell us you need help.`,
    meterTest: 'meter test',
    bySomeoneElse: ' (by someone else with access to this account)',
    notAnsweredYet: 'You have not answered this alert yet.',
    changeAnswer: 'Change your answer',
    whatFound: 'What did you find?',
    optional: '(optional)',
    noteHint: `For example what you found, or when we can reach you. Up to ${ANSWER_NOTE_MAX} characters.`,
    sendAnswer: 'Send your answer',
    noActions: 'No actions recorded for this alert yet.',
    chooseOne: 'Choose one',
    todayHint: 'Leave it empty for today.',
    recordAction: 'Record this action',
    legend: 'Chart legend',
    yourUse: 'Your use',
    estimated: 'Estimated',
    episodeDays: 'Days of the alert',
    dailyLimit: 'Your daily limit',
    readsHeading: 'The reads behind it',
    tableSummary: 'The same reads as a table',
    byHour: 'Use by hour',
    byDay: 'Use by day',
    hour: 'Hour',
    day: 'Day',
    use: 'Use',
    readColumn: 'Read',
    allUsage: 'See all your usage',
    whatToDo: 'What to do after an alert',
    yourAnswer: 'Your answer',
    whatYouDid: 'What you did about it',
    whatYouDidIntro: 'Tell us what you changed; we show your use before and after that day.',
    hoursHint: (def: number, min: number) => `We alert you when water has not stopped for this long. Our setting is ${def} hours; fewer hours warns you sooner, down to ${min}.`,
    ourSetting: (def: number) => `Our setting (${def} hours)`,
    hours: (h: number) => `${h} hours`,
    inDollars: ', in dollars',
    billHint: (service: string) => `Alert me when the ${service} charges for the billing period are on course to be more than this. Empty: no bill alert.`,
    services: { water: 'water', electric: 'electricity', gas: 'gas' },
    inUnit: (unit: string) => `, in ${unit}`,
    dayHint: "Alert me when one day's use is more than this. Empty: only when a day is well above your usual.",
    periodHint: 'Alert me when the billing period so far is more than this. Empty: only when it is on course to be well above your usual.',
    save: (kind: string) => `Save ${kind.toLowerCase()} alert settings`,
    notManager: 'Alert settings are chosen by the account holder, or by someone they allow to manage the account. You can still see and answer the alerts of accounts you may view.',
    noService: 'This account holds no service address now, so there is nothing to alert on.',
  },
  es: {
    kinds: { water: 'Agua', electric: 'Electricidad', gas: 'Gas' },
    to: 'al',
    open: 'Abierta',
    ended: 'Terminada',
    at: (kind: string, street: string) => `${kind} en ${street}`,
    account: 'Cuenta',
    notAnswered: 'Todavía sin respuesta',
    noAnswer: 'Sin respuesta',
    head: ['Alerta', 'Dónde', 'Días', 'Estado', 'Su respuesta'],
    openCaption: (n: number) => `Alertas abiertas (${n})`,
    pastCaption: (n: number) => `Alertas anteriores (${n})`,
    noOpen: 'No hay alertas abiertas. Si sus lecturas muestran agua que corre cuando no debería, o un consumo muy por encima de lo normal, la alerta aparece aquí.',
    noPast: 'No hay alertas anteriores.',
    notEnoughBefore: (days: number) => `No hay suficientes días completos de lecturas antes de ese día para comparar (${days} de los 14 días anteriores).`,
    notEnoughAfter: (before: string, unit: string, days: number, after: number) => `Antes: ${before} ${unit} por día (${days} días). Todavía no hay suficientes días completos de lecturas desde entonces (${after} hasta ahora); vuelva a mirar en unos días.`,
    compared: (before: string, unit: string, days: number, since: string, after: number, direction: string) => `Antes: ${before} ${unit} por día (${days} días). Desde entonces: ${since} ${unit} por día (${after} días), ${direction}.`,
    same: 'más o menos lo mismo',
    less: (pct: number) => `un ${pct} % menos`,
    more: (pct: number) => `un ${pct} % más`,
    where: (kind: string, serial: string, street: string) => `Medidor de ${kind.toLowerCase()} …${serial} en ${street}`,
    chartTitle: (hourly: boolean, from: string, to: string, unit: string) => `Consumo ${hourly ? 'por hora' : 'por día'} del ${from} al ${to}, en ${unit}; los días de la alerta están sombreados.`,
    yourLimit: (amount: string) => `Su límite: ${amount}`,
    noRead: 'sin lectura',
    read: 'leído',
    quality: { estimated: 'estimado', incomplete: 'incompleto', missing: 'falta', not_held: 'no es suyo' } as Record<string, string>,
    alertDays: ', días de la alerta',
    openSince: (first: string, last: string) => `<strong>Abierta</strong> desde el ${first}; se vio por última vez en las lecturas del ${last}.`,
    noReminders: ' No le enviamos recordatorios sobre ella.',
    closedOn: (day: string) => ` el ${day}`,
    covered: (first: string, last: string | null) => (last ? `Abarcó del ${first} al ${last}.` : `Abarcó el ${first}.`),
    stillShowing: (leak: boolean, test: string) => `Las lecturas desde que nos dijo que lo arregló todavía muestran ${leak ? 'agua corriendo' : 'consumo alto'}. Haga la ${test} o díganos que necesita ayuda.`,
    meterTest: 'prueba del medidor',
    bySomeoneElse: ' (de otra persona con acceso a esta cuenta)',
    notAnsweredYet: 'Todavía no respondió a esta alerta.',
    changeAnswer: 'Cambiar su respuesta',
    whatFound: '¿Qué encontró?',
    optional: '(opcional)',
    noteHint: `Por ejemplo, lo que encontró o cuándo podemos comunicarnos con usted. Hasta ${ANSWER_NOTE_MAX} caracteres.`,
    sendAnswer: 'Enviar su respuesta',
    noActions: 'Todavía no hay acciones anotadas para esta alerta.',
    chooseOne: 'Elija una',
    todayHint: 'Déjelo vacío si fue hoy.',
    recordAction: 'Anotar esta acción',
    legend: 'Leyenda de la gráfica',
    yourUse: 'Su consumo',
    estimated: 'Estimado',
    episodeDays: 'Días de la alerta',
    dailyLimit: 'Su límite por día',
    readsHeading: 'Las lecturas de la alerta',
    tableSummary: 'Las mismas lecturas en una tabla',
    byHour: 'Consumo por hora',
    byDay: 'Consumo por día',
    hour: 'Hora',
    day: 'Día',
    use: 'Consumo',
    readColumn: 'Lectura',
    allUsage: 'Ver todo su consumo',
    whatToDo: 'Qué hacer después de una alerta',
    yourAnswer: 'Su respuesta',
    whatYouDid: 'Lo que hizo al respecto',
    whatYouDidIntro: 'Cuéntenos qué cambió; le mostramos su consumo antes y después de ese día.',
    hoursHint: (def: number, min: number) => `Le avisamos cuando el agua no se detiene durante este tiempo. Nuestra configuración es de ${def} horas; con menos horas le avisamos antes, hasta un mínimo de ${min}.`,
    ourSetting: (def: number) => `Nuestra configuración (${def} horas)`,
    hours: (h: number) => `${h} horas`,
    inDollars: ', en dólares',
    billHint: (service: string) => `Avísenme cuando los cargos de ${service} del período de facturación vayan camino de superar este monto. Vacío: sin alerta de factura.`,
    services: { water: 'agua', electric: 'electricidad', gas: 'gas' },
    inUnit: (unit: string) => `, en ${unit}`,
    dayHint: 'Avísenme cuando el consumo de un día supere este límite. Vacío: solo cuando un día esté muy por encima de lo normal.',
    periodHint: 'Avísenme cuando lo que va del período de facturación supere este límite. Vacío: solo cuando vaya camino de quedar muy por encima de lo normal.',
    save: (kind: string) => `Guardar la configuración de alertas de ${kind.toLowerCase()}`,
    notManager: 'La configuración de alertas la elige el titular de la cuenta o alguien a quien le permite administrarla. Igual puede ver y responder las alertas de las cuentas que puede consultar.',
    noService: 'Esta cuenta no tiene ahora ninguna dirección de servicio, así que no hay nada sobre qué avisar.',
  },
} satisfies Record<Locale, unknown>;

type Words = (typeof words)['en'];

/** An instant as a `<time>`, in the page's language and the meter's time zone. */
function when(iso: string, timeZone: string, locale: Locale) {
  const text = new Intl.DateTimeFormat(intlTags[locale], { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
  return `<time datetime="${esc(iso)}">${esc(text)}</time>`;
}

function daysText(a: Pick<AlertListItem, 'firstDay' | 'lastDay' | 'status'>, locale: Locale) {
  if (a.firstDay === a.lastDay) return longDay(a.firstDay, locale);
  return `${longDay(a.firstDay, locale)} ${words[locale].to} ${longDay(a.lastDay, locale)}`;
}

function statusText(a: Pick<AlertListItem, 'status' | 'closeReason' | 'closedDay'>, locale: Locale) {
  const w = words[locale];
  if (a.status === 'open') return w.open;
  const reason = a.closeReason ? vocabularyIn(locale).closeReasonLabels[a.closeReason] : w.ended;
  return a.closedDay ? `${reason} (${longDay(a.closedDay, locale)})` : reason;
}

function alertRows(list: AlertListItem[], tz: string, links: PageLinks) {
  const locale = links.locale;
  const w = words[locale];
  const { answeredLabels } = vocabularyIn(locale);
  return list
    .map(
      (a) => `<tr><th scope="row">${links.a(`/account/alerts/alert/?id=${encodeURIComponent(a.id)}`, esc(alertTitle({ type: a.type, kind: a.meterKind }, locale)))}</th>
<td>${esc(w.at(w.kinds[a.meterKind], a.street))}<br><span class="muted">${w.account} ${esc(a.accountNumber)}</span></td>
<td>${esc(daysText(a, locale))}</td>
<td>${esc(statusText(a, locale))}</td>
<td>${a.answer ? `${esc(answeredLabels[a.answer.answer])}, ${when(a.answer.answeredAt, tz, locale)}` : a.status === 'open' ? `<strong>${w.notAnswered}</strong>` : w.noAnswer}</td></tr>`,
    )
    .join('');
}

const tableHead = (w: Words) => `<thead><tr>${w.head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>`;

const fillList: Filler = async (c, login, links) => {
  const list = await alertsFor(drizzle(c.env.DB), c.env.DB, login.id);
  const tz = utility().timeZone;
  const w = words[links.locale];
  const open = list.filter((a) => a.status === 'open');
  const past = list.filter((a) => a.status === 'closed');
  return {
    'open-alerts': open.length
      ? `<div class="table-scroll" role="region" aria-labelledby="open-heading" tabindex="0"><table class="alerts-table"><caption>${w.openCaption(open.length)}</caption>${tableHead(w)}<tbody>${alertRows(open, tz, links)}</tbody></table></div>`
      : `<p>${w.noOpen}</p>`,
    'past-alerts': past.length
      ? `<div class="table-scroll" role="region" aria-labelledby="past-heading" tabindex="0"><table class="alerts-table"><caption>${w.pastCaption(past.length)}</caption>${tableHead(w)}<tbody>${alertRows(past, tz, links)}</tbody></table></div>`
      : `<p>${w.noPast}</p>`,
  };
};

function effectText(effect: BeforeAfter, unit: string, locale: Locale) {
  const w = words[locale];
  const b = effect.before;
  const a = effect.after;
  const amount = (v: number) => formatAmount(v, locale);
  if (effect.status === 'not_enough_before') return w.notEnoughBefore(b.days);
  if (effect.status !== 'compared') return w.notEnoughAfter(amount(b.perDay!), unit, b.days, a.days);
  const pct = Math.round(Math.abs(effect.change) * 100);
  const direction = pct === 0 ? w.same : effect.change < 0 ? w.less(pct) : w.more(pct);
  return w.compared(amount(b.perDay!), unit, b.days, amount(a.perDay!), a.days, direction);
}

const radio = (name: string, value: string, label: string, hint: string, id: string) =>
  `<div class="check"><input type="radio" id="${id}" name="${name}" value="${esc(value)}" aria-describedby="${id}-hint" required><label for="${id}">${esc(label)}</label></div><p class="hint radio-hint" id="${id}-hint">${esc(hint)}</p>`;

export function alertDetailHtml(d: AlertDetail, links: PageLinks): Record<string, string> {
  const { alert, meter, chart } = d;
  const locale = links.locale;
  const w = words[locale];
  const v = vocabularyIn(locale);
  const fields = alertFieldLabelsIn(locale);
  const day = (x: string) => longDay(x, locale);
  const amount = (x: number) => formatAmount(x, locale);
  const unitWord = unitLabelsIn(locale)[chart.unit as DisplayUnit] ?? chart.unit;
  const where = w.where(w.kinds[meter.kind], meter.serialNumber.slice(-4), meter.street);
  const inEpisode = (label: string) => label.slice(0, 10) >= alert.firstDay && label.slice(0, 10) <= alert.lastDay;
  const points = chart.points.map((p) => ({ ...p, inEpisode: inEpisode(p.label) }));
  const shownPoints = points.filter((p) => p.quality !== 'not_held');
  const hourly = chart.resolution === 'hour';
  const pointLabel = (label: string) => (hourly ? shortLabel(label, locale) : day(label));
  const quality = (q: string) => w.quality[q] ?? q;
  const svg = alertChartSvg(shownPoints, {
    title: w.chartTitle(hourly, day(chart.from), day(chart.to), unitWord),
    titleId: 'alert-chart-title',
    unitLabel: unitWord,
    threshold: d.dayThreshold !== null ? { value: d.dayThreshold, label: w.yourLimit(amount(d.dayThreshold)) } : null,
    locale,
    label: pointLabel,
    quality,
    noRead: w.noRead,
  });
  const rows = shownPoints
    .map((p) => `<tr${p.inEpisode ? ' class="in-episode"' : ''}><th scope="row">${esc(pointLabel(p.label))}</th><td class="num">${p.value === null ? w.noRead : esc(amount(p.value))}</td><td>${esc(p.quality === 'actual' ? w.read : quality(p.quality))}${p.inEpisode ? w.alertDays : ''}</td></tr>`)
    .join('');

  const status =
    alert.status === 'open'
      ? `<p class="alert-status alert-open">${w.openSince(esc(day(alert.firstDay)), esc(day(alert.lastDay)))}${alert.remindersStoppedAt ? w.noReminders : ''}</p>`
      : `<p class="alert-status"><strong>${esc(alert.closeReason ? v.closeReasonLabels[alert.closeReason] : w.ended)}</strong>${alert.closedDay ? esc(w.closedOn(day(alert.closedDay))) : ''}. ${esc(w.covered(day(alert.firstDay), alert.firstDay !== alert.lastDay ? day(alert.lastDay) : null))}</p>`;
  const warning = d.stillShowingSinceFixed
    ? `<p class="message message-error" role="status">${w.stillShowing(isLeakType(alert.type), links.a('/help/leaks-and-alerts/#meter-test', w.meterTest))}</p>`
    : '';

  const tz = meter.timeZone;
  const answersList = d.answers.length
    ? `<ol class="answers">${[...d.answers]
        .reverse()
        .map((a) => `<li>${when(a.answeredAt, tz, locale)}: <strong>${esc(v.answeredLabels[a.answer])}</strong>${a.byYou ? '' : w.bySomeoneElse}${a.note ? `<br><span class="note">“${esc(a.note)}”</span>` : ''}</li>`)
        .join('')}</ol>`
    : `<p>${w.notAnsweredYet}</p>`;
  const answerForm = `<form method="post" action="/api/alerts/${encodeURIComponent(alert.id)}/answer" data-enhance>
<fieldset><legend>${d.answers.length ? w.changeAnswer : w.whatFound}</legend>
${d.allowedAnswers.map((code) => radio('answer', code, v.answerLabels[code].label, v.answerLabels[code].hint, `answer-${code}`)).join('')}
<p class="field-error" data-field-error="answer" hidden></p></fieldset>
<div class="field"><label for="answer-note">${esc(fields.note!)} ${w.optional}</label><p class="hint" id="answer-note-hint">${w.noteHint}</p>
<textarea id="answer-note" name="note" rows="3" maxlength="${ANSWER_NOTE_MAX}" aria-describedby="answer-note-hint answer-note-error"></textarea><p class="field-error" id="answer-note-error" data-field-error="note" hidden></p></div>
<button type="submit">${w.sendAnswer}</button></form>`;

  const actionsList = d.actions.length
    ? `<ul class="actions-taken">${d.actions
        .map((a) => `<li><strong>${esc(v.savingActions[a.action])}</strong>, ${esc(day(a.takenOn))}.<br>${esc(effectText(a.effect, unitWord, locale))}</li>`)
        .join('')}</ul>`
    : `<p>${w.noActions}</p>`;
  const actionForm = `<form method="post" action="/api/alerts/${encodeURIComponent(alert.id)}/actions" data-enhance>
<div class="field"><label for="action-action">${esc(fields.action!)}</label>
<select id="action-action" name="action" required aria-describedby="action-action-error"><option value="">${w.chooseOne}</option>${d.allowedActions.map((a) => `<option value="${esc(a)}">${esc(v.savingActions[a])}</option>`).join('')}</select>
<p class="field-error" id="action-action-error" data-field-error="action" hidden></p></div>
<div class="field"><label for="action-taken-on">${esc(fields.takenOn!)}</label><p class="hint" id="action-taken-on-hint">${w.todayHint}</p>
<input id="action-taken-on" name="takenOn" type="date" max="${esc(d.today)}" aria-describedby="action-taken-on-hint action-taken-on-error"><p class="field-error" id="action-taken-on-error" data-field-error="takenOn" hidden></p></div>
<button type="submit" class="secondary">${w.recordAction}</button></form>`;

  return {
    title: esc(alertTitle({ type: alert.type, kind: meter.kind }, locale)),
    alert: `<p class="lead">${esc(where)}.</p>${status}${warning}
<p>${esc(alertSentence({ type: alert.type, kind: meter.kind, figures: alert.figures, firstDay: alert.firstDay, lastDay: alert.lastDay }, locale))}</p>
<h2 id="reads-heading">${w.readsHeading}</h2>
<figure class="alert-figure"><div class="usage-chart">${svg}</div>
<figcaption><ul class="usage-legend" aria-label="${w.legend}"><li><span class="swatch swatch-use" aria-hidden="true"></span> ${w.yourUse}</li><li><span class="swatch swatch-estimated" aria-hidden="true"></span> ${w.estimated}</li><li><span class="swatch swatch-episode" aria-hidden="true"></span> ${w.episodeDays}</li>${d.dayThreshold !== null ? `<li><span class="swatch swatch-threshold" aria-hidden="true"></span> ${w.dailyLimit}</li>` : ''}</ul></figcaption></figure>
<details class="alert-reads"><summary>${w.tableSummary}</summary>
<div class="usage-table-wrap" role="region" aria-labelledby="alert-table-caption" tabindex="0"><table class="usage-table"><caption id="alert-table-caption">${esc(hourly ? w.byHour : w.byDay)}, ${esc(unitWord)}</caption><thead><tr><th scope="col">${hourly ? w.hour : w.day}</th><th scope="col">${w.use}</th><th scope="col">${w.readColumn}</th></tr></thead><tbody>${rows}</tbody></table></div></details>
<p>${links.a('/account/usage/', w.allUsage)} · ${links.a('/help/leaks-and-alerts/#what-to-do', w.whatToDo)}</p>
<section aria-labelledby="answer-heading"><h2 id="answer-heading">${w.yourAnswer}</h2>${answersList}${answerForm}</section>
<section aria-labelledby="actions-heading"><h2 id="actions-heading">${w.whatYouDid}</h2><p>${w.whatYouDidIntro}</p>${actionsList}${actionForm}</section>`,
  };
}

const fillAlert: Filler = async (c, login, links) => {
  const id = (c.req.query('id') ?? '').slice(0, 100);
  const db = drizzle(c.env.DB);
  try {
    const alert = await alertForViewer(db, c.env.DB, login.id, id);
    return alertDetailHtml(await alertDetail(db, c.env.DB, usageShards(c.env), login.id, alert), links);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return c.redirect('/account/alerts/?error=not_found', 303);
    throw e;
  }
};

function kindForm(accountId: string, k: KindSettings, locale: Locale): string {
  const w = words[locale];
  const fields = alertFieldLabelsIn(locale);
  const unit = unitLabelsIn(locale)[k.unit];
  const id = (name: string) => `${k.kind}-${name}`;
  const field = (name: 'dayThreshold' | 'periodThreshold', label: string, hint: string, value: number | null, max: number) =>
    `<div class="field"><label for="${id(name)}">${esc(label)}</label><p class="hint" id="${id(name)}-hint">${esc(hint)}</p><input id="${id(name)}" name="${name}" type="number" inputmode="decimal" min="0" step="any" max="${max}" value="${value ?? ''}" aria-describedby="${id(name)}-hint ${id(name)}-error"><p class="field-error" id="${id(name)}-error" data-field-error="${name}" hidden></p></div>`;
  const hours = k.hoursRange
    ? `<div class="field"><label for="${id('continuousFlowHours')}">${esc(fields.continuousFlowHours!)}</label><p class="hint" id="${id('continuousFlowHours')}-hint">${w.hoursHint(k.hoursRange.default, k.hoursRange.min)}</p>
<select id="${id('continuousFlowHours')}" name="continuousFlowHours" aria-describedby="${id('continuousFlowHours')}-hint ${id('continuousFlowHours')}-error"><option value="">${w.ourSetting(k.hoursRange.default)}</option>${Array.from({ length: k.hoursRange.max - k.hoursRange.min + 1 }, (_, i) => k.hoursRange!.min + i)
        .filter((h) => h !== k.hoursRange!.default)
        .map((h) => `<option value="${h}"${k.continuousFlowHours === h ? ' selected' : ''}>${w.hours(h)}</option>`)
        .join('')}</select><p class="field-error" id="${id('continuousFlowHours')}-error" data-field-error="continuousFlowHours" hidden></p></div>`
    : '';
  const bill = `<div class="field"><label for="${id('billThreshold')}">${esc(fields.billThreshold!)}${w.inDollars}</label><p class="hint" id="${id('billThreshold')}-hint">${w.billHint(w.services[k.kind])}</p><input id="${id('billThreshold')}" name="billThreshold" inputmode="decimal" maxlength="12" value="${k.billThresholdCents === null ? '' : (k.billThresholdCents / 100).toFixed(2)}" aria-describedby="${id('billThreshold')}-hint ${id('billThreshold')}-error"><p class="field-error" id="${id('billThreshold')}-error" data-field-error="billThreshold" hidden></p></div>`;
  return `<section aria-labelledby="${id('heading')}"><h2 id="${id('heading')}">${esc(w.kinds[k.kind])}</h2>
<form method="post" action="/api/alerts/settings" data-enhance><input type="hidden" name="account" value="${esc(accountId)}"><input type="hidden" name="kind" value="${esc(k.kind)}">
${hours}
${field('dayThreshold', `${fields.dayThreshold}${w.inUnit(unit)}`, w.dayHint, k.dayThreshold, settingsLimits.dayThreshold.max)}
${field('periodThreshold', `${fields.periodThreshold}${w.inUnit(unit)}`, w.periodHint, k.periodThreshold, settingsLimits.periodThreshold.max)}
${bill}
<button type="submit">${esc(w.save(w.kinds[k.kind]))}</button></form></section>`;
}

const fillSettings: Filler = async (c, login, links) => {
  const w = words[links.locale];
  const asked = c.req.query('account');
  // An account named in the link that is no account (too long to be an id) is "not found", not "the first one".
  if (asked !== undefined && asked.length > 64) return c.redirect('/account/alerts/?error=not_found', 303);
  const accountId = await settingsAccountId(c.env.DB, login.id, asked || null);
  if (!accountId) return { settings: `<p>${w.notManager}</p>`, account: '' };
  try {
    const view = await readSettings(drizzle(c.env.DB), c.env.DB, login.id, accountId);
    return {
      account: esc(view.accountNumber),
      settings: view.kinds.length ? view.kinds.map((k) => kindForm(view.accountId, k, links.locale)).join('') : `<p>${w.noService}</p>`,
    };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return c.redirect('/account/alerts/?error=not_found', 303);
    throw e;
  }
};

export const alertPages = new Hono<AppEnv>()
  .on('GET', bothLanguages('/account/alerts/'), signedInPage(fillList))
  .on('GET', bothLanguages('/account/alerts/alert/'), signedInPage(fillAlert))
  .on('GET', bothLanguages('/account/alerts/settings/'), signedInPage(fillSettings));
