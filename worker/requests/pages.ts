import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { drizzle } from 'drizzle-orm/d1';
import type { AppEnv } from '../app-types';
import { requestTypeLabels, statusBodySchema } from '../shared/request-schemas';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions';
import { verifiedLoginEmail } from './filing';
import { readBody } from './form-io';
import { issueFormToken } from './form-token';
import { parseStatusCode, statusLink } from './links';
import { packagePageProblems, requestFormProblems, verifyPageProblems } from './messages';
import { esc, problemsFromQuery, servePage } from './page-fill';
import { requestStatus, type RequestStatus } from './status';

/** A line shown above the status after the post that led there. */
export type StatusNotice = 'filed' | 'verified';

const notices: Record<StatusNotice, string> = {
  filed: 'We received your request. Below is how to come back to this page, and your signed receipt.',
  verified: 'Thank you: your request is confirmed.',
};

function statusHtml(s: RequestStatus, token: string, notice?: StatusNotice): string {
  const link = statusLink(s.id, token);
  const answer = s.answer
    ? `<h2>Our answer</h2><p>${esc(s.answer.summary)}</p>${
        s.answer.removed?.length ? `<h3>What we deleted or replaced</h3><ul>${s.answer.removed.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : ''
      }${s.answer.retained?.length ? `<h3>What we kept, and why</h3><ul>${s.answer.retained.map((r) => `<li><strong>${esc(r.item)}</strong>: ${esc(r.reason)}</li>`).join('')}</ul>` : ''}`
    : '';
  return [
    notice ? `<div class="notice" role="status"><p>${esc(notices[notice])}</p></div>` : '',
    '<dl class="facts">',
    `<dt>Request</dt><dd><code>${esc(s.id)}</code></dd>`,
    `<dt>Asked for</dt><dd>${esc(requestTypeLabels[s.type as keyof typeof requestTypeLabels] ?? s.type)}</dd>`,
    `<dt>Status</dt><dd data-state="${esc(s.state)}">${esc(s.stateLabel)}</dd>`,
    `<dt>Received</dt><dd>${esc(s.receivedAt.replace('T', ' ').slice(0, 16))} UTC</dd>`,
    `<dt>Answer due by</dt><dd data-due="${esc(s.dueOn)}">${esc(s.dueOn)}</dd>`,
    s.extended ? `<dt>Extended</dt><dd>${esc(s.extended.reason)}</dd>` : '',
    '</dl>',
    s.state === 'verifying' ? '<p>If the details you gave match an account we hold, we sent a confirmation link to the e-mail address on file for that account. The request goes ahead once the link is followed.</p>' : '',
    answer,
    '<h2>Coming back to this page</h2>',
    // The key is part of this page, never of its address: keep the link, or the code for a browser without JavaScript.
    `<p>Keep this link: it opens this page at any time. <a href="${esc(link.path)}" data-status-link>Link to your request</a></p>`,
    `<p><label for="status-code">Or keep this code, and enter it at <a href="/privacy/request/status/">the request status page</a>:</label></p>`,
    `<input id="status-code" class="receipt" value="${esc(link.code)}" readonly>`,
    '<h2>Your receipt</h2>',
    '<p>A signature by the utility over the request id, type, time received, due date and a SHA-256 fingerprint of what you submitted. Any JOSE library verifies it with our public keys at <a href="/.well-known/jwks.json">/.well-known/jwks.json</a>.</p>',
    `<label for="receipt">Signed receipt (JWS)</label><textarea id="receipt" class="receipt" rows="6" readonly>${esc(s.receipt)}</textarea>`,
    `<p>Fingerprint of your submission (SHA-256): <code>${esc(s.submissionSha256)}</code></p>`,
  ].join('');
}

/**
 * The status page as the answer to a post (the lookup form, a filing, a verification): the status
 * key arrives in the body or is the portal's own, never in the URL.
 */
export async function renderStatusPage(c: Context<AppEnv>, key: { requestId: string; token: string } | null, notice?: StatusNotice): Promise<Response> {
  const status = key ? await requestStatus(c.env, key.requestId, key.token) : null;
  if (!status || !key) {
    const problem = key
      ? 'We could not find a request for this code. Use the link exactly as it arrived in the e-mail, or copy the code shown under it.'
      : 'Enter the code from the e-mail we sent you.';
    return servePage(c, '/privacy/request/status/', [{ selector: '[data-fill="status"]', html: `<div class="problems" id="problems" role="alert" tabindex="-1"><p>${esc(problem)}</p></div>` }], key ? 404 : 422);
  }
  return servePage(c, '/privacy/request/status/', [
    { selector: '[data-fill="status"]', html: statusHtml(status, key.token, notice) },
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
  if (code && !key) return servePage(c, '/privacy/request/status/', [{ selector: '[data-fill="status"]', html: '<div class="problems" id="problems" role="alert" tabindex="-1"><p>That is not a code we sent. Copy the whole code shown under the link in the e-mail.</p></div>' }], 422);
  return renderStatusPage(c, key);
}

/**
 * Pages of the request flow that the worker completes: the form (fresh token), status and the
 * landings of e-mailed links. No page reads a bearer value from its URL: the links carry theirs
 * in the fragment, which the page's script posts; a code typed by hand arrives the same way.
 */
export const requestPages = new Hono<AppEnv>()
  .get('/privacy/request/', async (c) => {
    const { token } = await issueFormToken(c.env.RECEIPT_SIGNING_JWKS, { issuer: c.env.PORTAL_ORIGIN });
    const url = new URL(c.req.url);
    // A signed-in customer's request uses their login address (see fileRequest): show it, fixed.
    const cookie = getCookie(c, SESSION_COOKIE);
    const login = cookie ? await resolveSession(drizzle(c.env.DB), cookie) : null;
    const email = login?.role === 'customer' ? await verifiedLoginEmail(c.env, login.id) : null;
    return servePage(c, '/privacy/request/', [
      { selector: 'input[data-fill="form-token"]', attributes: { value: token } },
      { selector: '[data-fill="problems"]', html: problemsFromQuery(url, requestFormProblems) },
      ...(email
        ? [
            { selector: '#email', attributes: { value: email, readonly: '' } },
            { selector: '#email-hint', html: esc('You are signed in, so we use your sign-in e-mail address for a request about yourself, and write to it about the request.') },
          ]
        : []),
    ]);
  })
  .get('/privacy/request/status/', (c) => servePage(c, '/privacy/request/status/', []))
  .post('/privacy/request/status/', bodyLimit({ maxSize: 16 * 1024, onError: (c) => renderStatusPage(c as Context<AppEnv>, null) }), statusLookup)
  .get('/privacy/request/verify/', (c) => {
    const url = new URL(c.req.url);
    return servePage(c, '/privacy/request/verify/', [{ selector: '[data-fill="problems"]', html: problemsFromQuery(url, verifyPageProblems) }]);
  })
  .get('/privacy/request/package/', (c) => {
    const url = new URL(c.req.url);
    return servePage(c, '/privacy/request/package/', [{ selector: '[data-fill="problems"]', html: problemsFromQuery(url, packagePageProblems) }]);
  });
