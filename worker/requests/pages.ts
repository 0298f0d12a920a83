import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { drizzle } from 'drizzle-orm/d1';
import type { AppEnv } from '../app-types';
import { statusBodySchema } from '../shared/request-schemas';
import { requestWording } from '../shared/request-wording';
import { formatsFor } from '../i18n/format';
import { bothLanguages, type Locale } from '../i18n/locale';
import { linkIn } from './mails';
import { requestProblemsIn } from './messages-es';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions';
import { verifiedLoginEmail } from './filing';
import { readBody } from './form-io';
import { issueFormToken } from './form-token';
import { parseStatusCode, statusLink } from './links';
import { esc, problemsFromQuery, servePage } from './page-fill';
import { requestStatus, type RequestStatus } from './status';

/** A line shown above the status after the post that led there. */
export type StatusNotice = 'filed' | 'verified';

const statusText = {
  en: {
    notices: {
      filed: 'We received your request. Below is how to come back to this page, and your signed receipt.',
      verified: 'Thank you: your request is confirmed.',
    } satisfies Record<StatusNotice, string>,
    answer: 'Our answer',
    removed: 'What we deleted or replaced',
    retained: 'What we kept, and why',
    request: 'Request',
    askedFor: 'Asked for',
    status: 'Status',
    received: 'Received',
    due: 'Answer due by',
    extended: 'Extended',
    verifying: 'If the details you gave match an account we hold, we sent a confirmation link to the e-mail address on file for that account. The request goes ahead once the link is followed.',
    comeBack: 'Coming back to this page',
    keepLink: 'Keep this link: it opens this page at any time.',
    linkText: 'Link to your request',
    keepCode: 'Or keep this code, and enter it at',
    statusPage: 'the request status page',
    receipt: 'Your receipt',
    receiptAbout: 'A signature by the utility over the request id, type, time received, due date and a SHA-256 fingerprint of what you submitted. Any JOSE library verifies it with our public keys at',
    receiptLabel: 'Signed receipt (JWS)',
    fingerprint: 'Fingerprint of your submission (SHA-256):',
    notFound: 'We could not find a request for this code. Use the link exactly as it arrived in the e-mail, or copy the code shown under it.',
    noCode: 'Enter the code from the e-mail we sent you.',
    badCode: 'That is not a code we sent. Copy the whole code shown under the link in the e-mail.',
    signedInEmail: 'You are signed in, so we use your sign-in e-mail address for a request about yourself, and write to it about the request.',
  },
  es: {
    notices: {
      filed: 'Recibimos su solicitud. Abajo le explicamos cómo volver a esta página, y tiene su comprobante firmado.',
      verified: 'Gracias: su solicitud quedó confirmada.',
    },
    answer: 'Nuestra respuesta',
    removed: 'Lo que borramos o reemplazamos',
    retained: 'Lo que conservamos, y por qué',
    request: 'Solicitud',
    askedFor: 'Lo que pidió',
    status: 'Estado',
    received: 'Recibida',
    due: 'Fecha límite de respuesta',
    extended: 'Plazo ampliado',
    verifying: 'Si los datos que nos dio coinciden con una cuenta nuestra, enviamos un enlace de confirmación al correo electrónico registrado en esa cuenta. La solicitud sigue adelante cuando se abre ese enlace.',
    comeBack: 'Cómo volver a esta página',
    keepLink: 'Guarde este enlace: abre esta página cuando quiera.',
    linkText: 'Enlace a su solicitud',
    keepCode: 'O guarde este código y escríbalo en',
    statusPage: 'la página del estado de solicitudes',
    receipt: 'Su comprobante',
    receiptAbout: 'Es una firma de la empresa sobre el número de la solicitud, el tipo, la hora en que la recibimos, la fecha límite y una huella SHA-256 de lo que usted envió. Cualquier biblioteca JOSE la verifica con nuestras claves públicas en',
    receiptLabel: 'Comprobante firmado (JWS)',
    fingerprint: 'Huella de lo que envió (SHA-256):',
    notFound: 'No encontramos ninguna solicitud con este código. Use el enlace tal como llegó en el correo, o copie el código que aparece debajo.',
    noCode: 'Escriba el código del correo que le enviamos.',
    badCode: 'Ese no es un código nuestro. Copie el código completo que aparece debajo del enlace en el correo.',
    signedInEmail: 'Como inició sesión, para una solicitud sobre usted usamos el correo electrónico con el que inicia sesión, y le escribimos ahí sobre la solicitud.',
  },
} as const satisfies Record<Locale, unknown>;

/** A request page's path in a language. */
export const pageIn = (locale: Locale, path: string) => (locale === 'es' ? `/es${path}` : path);

/** An attribute marking text left in another language than the page's (stored answers, the map's English labels). */
const langIf = (text: Locale, page: Locale) => (text === page ? '' : ` lang="${text}"`);

function statusHtml(locale: Locale, s: RequestStatus, token: string, notice?: StatusNotice): string {
  const w = statusText[locale];
  const f = formatsFor(locale);
  const link = linkIn(locale, statusLink(s.id, token));
  // The deletion lists name the personal-data map's entries, which are written in English.
  const mapLang = langIf('en', locale);
  const answer = s.answer
    ? `<h2>${w.answer}</h2><p${langIf(s.locale, locale)}>${esc(s.answer.summary)}</p>${
        s.answer.removed?.length ? `<h3>${w.removed}</h3><ul${mapLang}>${s.answer.removed.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : ''
      }${s.answer.retained?.length ? `<h3>${w.retained}</h3><ul${mapLang}>${s.answer.retained.map((r) => `<li><strong>${esc(r.item)}</strong>: ${esc(r.reason)}</li>`).join('')}</ul>` : ''}`
    : '';
  const wording = requestWording[locale];
  return [
    notice ? `<div class="notice" role="status"><p>${esc(w.notices[notice])}</p></div>` : '',
    '<dl class="facts">',
    `<dt>${w.request}</dt><dd><code>${esc(s.id)}</code></dd>`,
    `<dt>${w.askedFor}</dt><dd>${esc(wording.types[s.type as keyof typeof wording.types] ?? s.type)}</dd>`,
    `<dt>${w.status}</dt><dd data-state="${esc(s.state)}">${esc(wording.states[s.state])}</dd>`,
    `<dt>${w.received}</dt><dd>${f.when(s.receivedAt)}</dd>`,
    `<dt>${w.due}</dt><dd data-due="${esc(s.dueOn)}"><time datetime="${esc(s.dueOn)}">${esc(f.day(s.dueOn))}</time></dd>`,
    // The reason is the officer's own words, in the language they wrote it.
    s.extended ? `<dt>${w.extended}</dt><dd>${esc(s.extended.reason)}</dd>` : '',
    '</dl>',
    s.state === 'verifying' ? `<p>${w.verifying}</p>` : '',
    answer,
    `<h2>${w.comeBack}</h2>`,
    // The key is part of this page, never of its address: keep the link, or the code for a browser without JavaScript.
    `<p>${w.keepLink} <a href="${esc(link.path)}" data-status-link>${w.linkText}</a></p>`,
    `<p><label for="status-code">${w.keepCode} <a href="${pageIn(locale, '/privacy/request/status/')}">${w.statusPage}</a>:</label></p>`,
    `<input id="status-code" class="receipt" value="${esc(link.code)}" readonly>`,
    `<h2>${w.receipt}</h2>`,
    `<p>${w.receiptAbout} <a href="/.well-known/jwks.json">/.well-known/jwks.json</a>.</p>`,
    `<label for="receipt">${w.receiptLabel}</label><textarea id="receipt" class="receipt" rows="6" readonly>${esc(s.receipt)}</textarea>`,
    `<p>${w.fingerprint} <code>${esc(s.submissionSha256)}</code></p>`,
  ].join('');
}

const problemBox = (text: string) => `<div class="problems" id="problems" role="alert" tabindex="-1"><p>${esc(text)}</p></div>`;

/**
 * The status page as the answer to a post (the lookup form, a filing, a verification), in the
 * language of the page the post came from: the status key arrives in the body or is the portal's
 * own, never in the URL.
 */
export async function renderStatusPage(c: Context<AppEnv>, key: { requestId: string; token: string } | null, notice?: StatusNotice): Promise<Response> {
  const locale = c.get('locale');
  const page = pageIn(locale, '/privacy/request/status/');
  const status = key ? await requestStatus(c.env, key.requestId, key.token) : null;
  if (!status || !key) {
    return servePage(c, page, [{ selector: '[data-fill="status"]', html: problemBox(key ? statusText[locale].notFound : statusText[locale].noCode) }], key ? 404 : 422);
  }
  return servePage(c, page, [
    { selector: '[data-fill="status"]', html: statusHtml(locale, status, key.token, notice) },
    { selector: '[data-fill="lookup"]', remove: true },
  ]);
}

async function statusLookup(c: Context<AppEnv>) {
  let code: string | null = null;
  try {
    const parsed = statusBodySchema.safeParse(await readBody(c));
    code = parsed.success ? parsed.data.code : null;
  } catch {
    code = null;
  }
  const key = code ? parseStatusCode(code) : null;
  const locale = c.get('locale');
  if (code && !key) return servePage(c, pageIn(locale, '/privacy/request/status/'), [{ selector: '[data-fill="status"]', html: problemBox(statusText[locale].badCode) }], 422);
  return renderStatusPage(c, key);
}

/**
 * Pages of the request flow that the worker completes: the form (fresh token), status and the
 * landings of e-mailed links. No page reads a bearer value from its URL: the links carry theirs
 * in the fragment, which the page's script posts; a code typed by hand arrives the same way.
 */
export const requestPages = new Hono<AppEnv>()
  .on(['GET'], bothLanguages('/privacy/request/'), async (c) => {
    const locale = c.get('locale');
    const { token } = await issueFormToken(c.env.RECEIPT_SIGNING_JWKS, { issuer: c.env.PORTAL_ORIGIN });
    const url = new URL(c.req.url);
    // A signed-in customer's request uses their login address (see fileRequest): show it, fixed.
    const cookie = getCookie(c, SESSION_COOKIE);
    const login = cookie ? await resolveSession(drizzle(c.env.DB), cookie) : null;
    const email = login?.role === 'customer' ? await verifiedLoginEmail(c.env, login.id) : null;
    return servePage(c, pageIn(locale, '/privacy/request/'), [
      { selector: 'input[data-fill="form-token"]', attributes: { value: token } },
      { selector: '[data-fill="problems"]', html: problemsFromQuery(url, requestProblemsIn(locale).request) },
      ...(email
        ? [
            { selector: '#email', attributes: { value: email, readonly: '' } },
            { selector: '#email-hint', html: esc(statusText[locale].signedInEmail) },
          ]
        : []),
    ]);
  })
  .on(['GET'], bothLanguages('/privacy/request/status/'), (c) => servePage(c, pageIn(c.get('locale'), '/privacy/request/status/'), []))
  .on(['POST'], bothLanguages('/privacy/request/status/'), bodyLimit({ maxSize: 16 * 1024, onError: (c) => renderStatusPage(c as Context<AppEnv>, null) }), statusLookup)
  .on(['GET'], bothLanguages('/privacy/request/verify/'), (c) => {
    const locale = c.get('locale');
    return servePage(c, pageIn(locale, '/privacy/request/verify/'), [{ selector: '[data-fill="problems"]', html: problemsFromQuery(new URL(c.req.url), requestProblemsIn(locale).verify) }]);
  })
  .on(['GET'], bothLanguages('/privacy/request/package/'), (c) => {
    const locale = c.get('locale');
    return servePage(c, pageIn(locale, '/privacy/request/package/'), [{ selector: '[data-fill="problems"]', html: problemsFromQuery(new URL(c.req.url), requestProblemsIn(locale).package) }]);
  });
