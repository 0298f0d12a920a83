/**
 * The alert centre's pages: static Astro shells (site/pages/account/alerts/…) the worker fills for
 * the signed-in customer with HTMLRewriter, so they work with JavaScript off: the list of open and
 * past alerts, one alert with its chart (an SVG drawn here) and a table of the same reads, the
 * answer and action forms, and the threshold settings. Anonymous callers go to the sign-in page;
 * an alert or account the caller may not see sends them back to the list, as for one that does not exist.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../../app-types';
import { resolveSession, SESSION_COOKIE, type SignedInLogin } from '../../auth/sessions';
import { ApiError } from '../../http/errors';
import { esc } from '../../requests/page-fill';
import { utility } from '../../shared/utility';
import { alertFieldLabels, alertMessageFor, ANSWER_NOTE_MAX, settingsLimits } from '../../shared/alert-forms';
import { unitLabels, type DisplayUnit } from '../../usage/units';
import type { BeforeAfter } from './before-after';
import { alertChartSvg, formatAmount, shortLabel } from './chart-svg';
import { alertDetail as alertSentence, alertTitle } from '../describe';
import { longDay } from './format';
import { readSettings, settingsAccountId, type KindSettings } from './settings';
import { alertDetail, alertForViewer, alertsFor, type AlertDetail, type AlertListItem } from './store';
import { answerLabels, answeredLabels, closeReasonLabels, isLeakType, savingActions } from './vocabulary';

type Filler = (c: Context<AppEnv>, login: SignedInLogin) => Promise<Record<string, string> | Response>;

const when = (iso: string, timeZone: string) => {
  const text = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
  return `<time datetime="${esc(iso)}">${esc(text)}</time>`;
};

/**
 * A signed-in page: the shell from the built site, each `[data-fill="key"]` given the filler's
 * HTML for `key`, and the message slot filled from the redirect's codes.
 */
const signedInPage = (shell: string, fill: Filler) => async (c: Context<AppEnv>) => {
  const token = getCookie(c, SESSION_COOKIE);
  const login = token ? await resolveSession(drizzle(c.env.DB), token) : null;
  if (!login) {
    c.header('Cache-Control', 'no-store');
    return c.redirect('/login/?error=unauthenticated', 303);
  }
  const filled = await fill(c, login);
  if (filled instanceof Response) return filled;
  const asset = await c.env.ASSETS.fetch(new Request(new URL(shell, c.req.url)));
  if (!asset.ok) return new Response(asset.body, asset);
  let rewriter = new HTMLRewriter();
  for (const [key, html] of Object.entries(filled)) rewriter = rewriter.on(`[data-fill="${key}"]`, { element: (el) => void el.setInnerContent(html, { html: true }) });
  // The message after a redirect: words looked up by code, never taken from the URL.
  const m = alertMessageFor({ status: c.req.query('status'), error: c.req.query('error'), field: c.req.query('field') });
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

const kindWords = { water: 'Water', electric: 'Electricity', gas: 'Gas' } as const;

function daysText(a: Pick<AlertListItem, 'firstDay' | 'lastDay' | 'status'>) {
  if (a.firstDay === a.lastDay) return longDay(a.firstDay);
  return `${longDay(a.firstDay)} to ${longDay(a.lastDay)}`;
}

function statusText(a: Pick<AlertListItem, 'status' | 'closeReason' | 'closedDay'>) {
  if (a.status === 'open') return 'Open';
  const reason = a.closeReason ? closeReasonLabels[a.closeReason] : 'Ended';
  return a.closedDay ? `${reason} (${longDay(a.closedDay)})` : reason;
}

function alertRows(list: AlertListItem[], tz: string) {
  return list
    .map(
      (a) => `<tr><th scope="row"><a href="/account/alerts/alert/?id=${encodeURIComponent(a.id)}">${esc(alertTitle({ type: a.type, kind: a.meterKind }))}</a></th>
<td>${esc(kindWords[a.meterKind])} at ${esc(a.street)}<br><span class="muted">Account ${esc(a.accountNumber)}</span></td>
<td>${esc(daysText(a))}</td>
<td>${esc(statusText(a))}</td>
<td>${a.answer ? `${esc(answeredLabels[a.answer.answer])}, ${when(a.answer.answeredAt, tz)}` : a.status === 'open' ? '<strong>Not answered yet</strong>' : 'No answer'}</td></tr>`,
    )
    .join('');
}

const tableHead = '<thead><tr><th scope="col">Alert</th><th scope="col">Where</th><th scope="col">Days</th><th scope="col">Status</th><th scope="col">Your answer</th></tr></thead>';

const fillList: Filler = async (c, login) => {
  const list = await alertsFor(drizzle(c.env.DB), c.env.DB, login.id);
  const tz = utility.timeZone;
  const open = list.filter((a) => a.status === 'open');
  const past = list.filter((a) => a.status === 'closed');
  return {
    'open-alerts': open.length
      ? `<div class="table-scroll" role="region" aria-labelledby="open-heading" tabindex="0"><table class="alerts-table"><caption>Open alerts (${open.length})</caption>${tableHead}<tbody>${alertRows(open, tz)}</tbody></table></div>`
      : '<p>No open alerts. When your reads show water running that should not be, or use well above your usual, the alert appears here.</p>',
    'past-alerts': past.length
      ? `<div class="table-scroll" role="region" aria-labelledby="past-heading" tabindex="0"><table class="alerts-table"><caption>Past alerts (${past.length})</caption>${tableHead}<tbody>${alertRows(past, tz)}</tbody></table></div>`
      : '<p>No past alerts.</p>',
  };
};

function effectText(effect: BeforeAfter, unit: string) {
  const b = effect.before;
  const a = effect.after;
  if (effect.status === 'not_enough_before') return `There are not enough complete days of reads before that day to compare (${b.days} of the 14 days before).`;
  if (effect.status !== 'compared') return `Before: ${formatAmount(b.perDay!)} ${unit} a day (${b.days} days). Not enough complete days of reads since yet (${a.days} so far); check back in a few days.`;
  const pct = Math.round(Math.abs(effect.change) * 100);
  const direction = pct === 0 ? 'about the same' : effect.change < 0 ? `${pct}% less` : `${pct}% more`;
  return `Before: ${formatAmount(b.perDay!)} ${unit} a day (${b.days} days). Since: ${formatAmount(a.perDay!)} ${unit} a day (${a.days} days), ${direction}.`;
}

const radio = (name: string, value: string, label: string, hint: string, id: string) =>
  `<div class="check"><input type="radio" id="${id}" name="${name}" value="${esc(value)}" aria-describedby="${id}-hint" required><label for="${id}">${esc(label)}</label></div><p class="hint radio-hint" id="${id}-hint">${esc(hint)}</p>`;

export function alertDetailHtml(d: AlertDetail): Record<string, string> {
  const { alert, meter, chart } = d;
  const unitWord = unitLabels[chart.unit as DisplayUnit] ?? chart.unit;
  const where = `${kindWords[meter.kind]} meter …${meter.serialNumber.slice(-4)} at ${meter.street}`;
  const inEpisode = (label: string) => label.slice(0, 10) >= alert.firstDay && label.slice(0, 10) <= alert.lastDay;
  const points = chart.points.map((p) => ({ ...p, inEpisode: inEpisode(p.label) }));
  const shownPoints = points.filter((p) => p.quality !== 'not_held');
  const chartTitle = `${chart.resolution === 'hour' ? 'Hourly' : 'Daily'} use from ${longDay(chart.from)} to ${longDay(chart.to)}, in ${unitWord}; the days of the alert are shaded.`;
  const svg = alertChartSvg(shownPoints, {
    title: chartTitle,
    titleId: 'alert-chart-title',
    unitLabel: unitWord,
    threshold: d.dayThreshold !== null ? { value: d.dayThreshold, label: `Your limit: ${formatAmount(d.dayThreshold)}` } : null,
  });
  const rows = shownPoints
    .map((p) => `<tr${p.inEpisode ? ' class="in-episode"' : ''}><th scope="row">${esc(chart.resolution === 'hour' ? shortLabel(p.label) : longDay(p.label))}</th><td class="num">${p.value === null ? 'no read' : esc(formatAmount(p.value))}</td><td>${esc(p.quality === 'actual' ? 'read' : p.quality)}${p.inEpisode ? ', alert days' : ''}</td></tr>`)
    .join('');

  const status =
    alert.status === 'open'
      ? `<p class="alert-status alert-open"><strong>Open</strong> since ${esc(longDay(alert.firstDay))}; last seen in the reads of ${esc(longDay(alert.lastDay))}.${alert.remindersStoppedAt ? ' We are not sending reminders about it.' : ''}</p>`
      : `<p class="alert-status"><strong>${esc(alert.closeReason ? closeReasonLabels[alert.closeReason] : 'Ended')}</strong>${alert.closedDay ? ` on ${esc(longDay(alert.closedDay))}` : ''}. It covered ${esc(longDay(alert.firstDay))}${alert.firstDay !== alert.lastDay ? ` to ${esc(longDay(alert.lastDay))}` : ''}.</p>`;
  const warning = d.stillShowingSinceFixed
    ? `<p class="message message-error" role="status">The reads since you said you fixed it still show ${isLeakType(alert.type) ? 'water flowing' : 'high use'}. Try the <a href="/help/leaks-and-alerts/#meter-test">meter test</a>, or tell us you need help.</p>`
    : '';

  const tz = meter.timeZone;
  const answersList = d.answers.length
    ? `<ol class="answers">${[...d.answers]
        .reverse()
        .map((a) => `<li>${when(a.answeredAt, tz)}: <strong>${esc(answeredLabels[a.answer])}</strong>${a.byYou ? '' : ' (by someone else with access to this account)'}${a.note ? `<br><span class="note">“${esc(a.note)}”</span>` : ''}</li>`)
        .join('')}</ol>`
    : '<p>You have not answered this alert yet.</p>';
  const answerForm = `<form method="post" action="/api/alerts/${encodeURIComponent(alert.id)}/answer" data-enhance>
<fieldset><legend>${d.answers.length ? 'Change your answer' : 'What did you find?'}</legend>
${d.allowedAnswers.map((code) => radio('answer', code, answerLabels[code].label, answerLabels[code].hint, `answer-${code}`)).join('')}
<p class="field-error" data-field-error="answer" hidden></p></fieldset>
<div class="field"><label for="answer-note">${esc(alertFieldLabels.note!)} (optional)</label><p class="hint" id="answer-note-hint">For example what you found, or when we can reach you. Up to ${ANSWER_NOTE_MAX} characters.</p>
<textarea id="answer-note" name="note" rows="3" maxlength="${ANSWER_NOTE_MAX}" aria-describedby="answer-note-hint answer-note-error"></textarea><p class="field-error" id="answer-note-error" data-field-error="note" hidden></p></div>
<button type="submit">Send your answer</button></form>`;

  const unitShort = meter.kind === 'water' ? 'gallons' : meter.kind === 'electric' ? 'kWh' : 'therms';
  const actionsList = d.actions.length
    ? `<ul class="actions-taken">${d.actions
        .map((a) => `<li><strong>${esc(savingActions[a.action])}</strong>, ${esc(longDay(a.takenOn))}.<br>${esc(effectText(a.effect, unitWord === 'gallons' ? unitShort : unitWord))}</li>`)
        .join('')}</ul>`
    : '<p>No actions recorded for this alert yet.</p>';
  const actionForm = `<form method="post" action="/api/alerts/${encodeURIComponent(alert.id)}/actions" data-enhance>
<div class="field"><label for="action-action">${esc(alertFieldLabels.action!)}</label>
<select id="action-action" name="action" required aria-describedby="action-action-error"><option value="">Choose one</option>${d.allowedActions.map((a) => `<option value="${esc(a)}">${esc(savingActions[a])}</option>`).join('')}</select>
<p class="field-error" id="action-action-error" data-field-error="action" hidden></p></div>
<div class="field"><label for="action-taken-on">${esc(alertFieldLabels.takenOn!)}</label><p class="hint" id="action-taken-on-hint">Leave it empty for today.</p>
<input id="action-taken-on" name="takenOn" type="date" max="${esc(d.today)}" aria-describedby="action-taken-on-hint action-taken-on-error"><p class="field-error" id="action-taken-on-error" data-field-error="takenOn" hidden></p></div>
<button type="submit" class="secondary">Record this action</button></form>`;

  return {
    title: esc(alertTitle({ type: alert.type, kind: meter.kind })),
    alert: `<p class="lead">${esc(where)}.</p>${status}${warning}
<p>${esc(alertSentence({ type: alert.type, kind: meter.kind, figures: alert.figures, firstDay: alert.firstDay, lastDay: alert.lastDay }))}</p>
<h2 id="reads-heading">The reads behind it</h2>
<figure class="alert-figure"><div class="usage-chart">${svg}</div>
<figcaption><ul class="usage-legend" aria-label="Chart legend"><li><span class="swatch swatch-use" aria-hidden="true"></span> Your use</li><li><span class="swatch swatch-estimated" aria-hidden="true"></span> Estimated</li><li><span class="swatch swatch-episode" aria-hidden="true"></span> Days of the alert</li>${d.dayThreshold !== null ? '<li><span class="swatch swatch-threshold" aria-hidden="true"></span> Your daily limit</li>' : ''}</ul></figcaption></figure>
<details class="alert-reads"><summary>The same reads as a table</summary>
<div class="usage-table-wrap" role="region" aria-labelledby="alert-table-caption" tabindex="0"><table class="usage-table"><caption id="alert-table-caption">${esc(chart.resolution === 'hour' ? 'Use by hour' : 'Use by day')}, ${esc(unitWord)}</caption><thead><tr><th scope="col">${chart.resolution === 'hour' ? 'Hour' : 'Day'}</th><th scope="col">Use</th><th scope="col">Read</th></tr></thead><tbody>${rows}</tbody></table></div></details>
<p><a href="/account/usage/">See all your usage</a> · <a href="/help/leaks-and-alerts/#what-to-do">What to do after an alert</a></p>
<section aria-labelledby="answer-heading"><h2 id="answer-heading">Your answer</h2>${answersList}${answerForm}</section>
<section aria-labelledby="actions-heading"><h2 id="actions-heading">What you did about it</h2><p>Tell us what you changed; we show your use before and after that day.</p>${actionsList}${actionForm}</section>`,
  };
}

const fillAlert: Filler = async (c, login) => {
  const id = (c.req.query('id') ?? '').slice(0, 100);
  const db = drizzle(c.env.DB);
  try {
    const alert = await alertForViewer(db, c.env.DB, login.id, id);
    return alertDetailHtml(await alertDetail(db, c.env.DB, login.id, alert));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return c.redirect('/account/alerts/?error=not_found', 303);
    throw e;
  }
};

function kindForm(accountId: string, k: KindSettings): string {
  const unit = unitLabels[k.unit];
  const id = (name: string) => `${k.kind}-${name}`;
  const field = (name: 'dayThreshold' | 'periodThreshold', label: string, hint: string, value: number | null, max: number) =>
    `<div class="field"><label for="${id(name)}">${esc(label)}</label><p class="hint" id="${id(name)}-hint">${esc(hint)}</p><input id="${id(name)}" name="${name}" type="number" inputmode="decimal" min="0" step="any" max="${max}" value="${value ?? ''}" aria-describedby="${id(name)}-hint ${id(name)}-error"><p class="field-error" id="${id(name)}-error" data-field-error="${name}" hidden></p></div>`;
  const hours = k.hoursRange
    ? `<div class="field"><label for="${id('continuousFlowHours')}">${esc(alertFieldLabels.continuousFlowHours!)}</label><p class="hint" id="${id('continuousFlowHours')}-hint">We alert you when water has not stopped for this long. Our setting is ${k.hoursRange.default} hours; fewer hours warns you sooner, down to ${k.hoursRange.min}.</p>
<select id="${id('continuousFlowHours')}" name="continuousFlowHours" aria-describedby="${id('continuousFlowHours')}-hint ${id('continuousFlowHours')}-error"><option value="">Our setting (${k.hoursRange.default} hours)</option>${Array.from({ length: k.hoursRange.max - k.hoursRange.min + 1 }, (_, i) => k.hoursRange!.min + i)
        .filter((h) => h !== k.hoursRange!.default)
        .map((h) => `<option value="${h}"${k.continuousFlowHours === h ? ' selected' : ''}>${h} hours</option>`)
        .join('')}</select><p class="field-error" id="${id('continuousFlowHours')}-error" data-field-error="continuousFlowHours" hidden></p></div>`
    : '';
  const bill = `<div class="field"><label for="${id('billThreshold')}">${esc(alertFieldLabels.billThreshold!)}, in dollars</label><p class="hint" id="${id('billThreshold')}-hint">Alert me when the ${k.kind === 'water' ? 'water' : k.kind === 'electric' ? 'electricity' : 'gas'} charges for the billing period are on course to be more than this. Empty: no bill alert.</p><input id="${id('billThreshold')}" name="billThreshold" inputmode="decimal" maxlength="12" value="${k.billThresholdCents === null ? '' : (k.billThresholdCents / 100).toFixed(2)}" aria-describedby="${id('billThreshold')}-hint ${id('billThreshold')}-error"><p class="field-error" id="${id('billThreshold')}-error" data-field-error="billThreshold" hidden></p></div>`;
  return `<section aria-labelledby="${id('heading')}"><h2 id="${id('heading')}">${esc(kindWords[k.kind])}</h2>
<form method="post" action="/api/alerts/settings" data-enhance><input type="hidden" name="account" value="${esc(accountId)}"><input type="hidden" name="kind" value="${esc(k.kind)}">
${hours}
${field('dayThreshold', `${alertFieldLabels.dayThreshold}, in ${unit}`, `Alert me when one day's use is more than this. Empty: only when a day is well above your usual.`, k.dayThreshold, settingsLimits.dayThreshold.max)}
${field('periodThreshold', `${alertFieldLabels.periodThreshold}, in ${unit}`, 'Alert me when the billing period so far is more than this. Empty: only when it is on course to be well above your usual.', k.periodThreshold, settingsLimits.periodThreshold.max)}
${bill}
<button type="submit">Save ${esc(kindWords[k.kind].toLowerCase())} alert settings</button></form></section>`;
}

const fillSettings: Filler = async (c, login) => {
  const asked = c.req.query('account');
  // An account named in the link that is no account (too long to be an id) is "not found", not "the first one".
  if (asked !== undefined && asked.length > 64) return c.redirect('/account/alerts/?error=not_found', 303);
  const accountId = await settingsAccountId(c.env.DB, login.id, asked || null);
  if (!accountId) {
    return { settings: '<p>Alert settings are chosen by the account holder, or by someone they allow to manage the account. You can still see and answer the alerts of accounts you may view.</p>', account: '' };
  }
  try {
    const view = await readSettings(drizzle(c.env.DB), c.env.DB, login.id, accountId);
    return {
      account: esc(view.accountNumber),
      settings: view.kinds.length ? view.kinds.map((k) => kindForm(view.accountId, k)).join('') : '<p>This account holds no service address now, so there is nothing to alert on.</p>',
    };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return c.redirect('/account/alerts/?error=not_found', 303);
    throw e;
  }
};

export const alertPages = new Hono<AppEnv>()
  .get('/account/alerts/', signedInPage('/account/alerts/', fillList))
  .get('/account/alerts/alert/', signedInPage('/account/alerts/alert/', fillAlert))
  .get('/account/alerts/settings/', signedInPage('/account/alerts/settings/', fillSettings));
