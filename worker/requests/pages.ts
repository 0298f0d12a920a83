import { Hono } from 'hono';
import type { AppEnv } from '../app-types';
import { requestTypeLabels } from '../shared/request-schemas';
import { issueFormToken } from './form-token';
import { requestFormProblems, verifyPageProblems } from './messages';
import { esc, problemsFromQuery, servePage } from './page-fill';
import { requestStatus, type RequestStatus } from './status';

function statusHtml(s: RequestStatus, url: URL): string {
  const filed = url.searchParams.get('filed') === '1';
  const verified = url.searchParams.get('verified') === '1';
  const answer = s.answer
    ? `<h2>Our answer</h2><p>${esc(s.answer.summary)}</p>${
        s.answer.removed?.length ? `<h3>What we deleted or replaced</h3><ul>${s.answer.removed.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : ''
      }${s.answer.retained?.length ? `<h3>What we kept, and why</h3><ul>${s.answer.retained.map((r) => `<li><strong>${esc(r.item)}</strong>: ${esc(r.reason)}</li>`).join('')}</ul>` : ''}`
    : '';
  return [
    filed ? '<div class="notice" role="status"><p>We received your request. Keep this page\'s address: it is your link to follow the request. We also sent it to the e-mail address you gave.</p></div>' : '',
    verified ? '<div class="notice" role="status"><p>Thank you: your request is confirmed.</p></div>' : '',
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
    '<h2>Your receipt</h2>',
    '<p>A signature by the utility over the request id, type, time received, due date and a SHA-256 fingerprint of what you submitted. Any JOSE library verifies it with our public keys at <a href="/.well-known/jwks.json">/.well-known/jwks.json</a>.</p>',
    `<label for="receipt">Signed receipt (JWS)</label><textarea id="receipt" class="receipt" rows="6" readonly>${esc(s.receipt)}</textarea>`,
    `<p>Fingerprint of your submission (SHA-256): <code>${esc(s.submissionSha256)}</code></p>`,
  ].join('');
}

/** Pages of the request flow that the worker completes: the form (fresh token), status, verification. */
export const requestPages = new Hono<AppEnv>()
  .get('/privacy/request/', async (c) => {
    const { token } = await issueFormToken(c.env.RECEIPT_SIGNING_JWKS, { issuer: c.env.PORTAL_ORIGIN });
    const url = new URL(c.req.url);
    return servePage(c, '/privacy/request/', [
      { selector: 'input[data-fill="form-token"]', attributes: { value: token } },
      { selector: '[data-fill="problems"]', html: problemsFromQuery(url, requestFormProblems) },
    ]);
  })
  .get('/privacy/request/status/', async (c) => {
    const url = new URL(c.req.url);
    const r = url.searchParams.get('r');
    const t = url.searchParams.get('t');
    const status = r && t && r.length <= 100 && t.length <= 100 ? await requestStatus(c.env, r, t) : null;
    if (!status) {
      return servePage(c, '/privacy/request/status/', [{ selector: '[data-fill="status"]', html: '<p>We could not find a request for this link. Use the link exactly as it appears in your receipt e-mail.</p>' }], r ? 404 : 200);
    }
    return servePage(c, '/privacy/request/status/', [{ selector: '[data-fill="status"]', html: statusHtml(status, url) }]);
  })
  .get('/privacy/request/verify/', async (c) => {
    const url = new URL(c.req.url);
    const value = (k: string) => (url.searchParams.get(k) ?? '').slice(0, 100);
    return servePage(c, '/privacy/request/verify/', [
      { selector: '[data-fill="problems"]', html: problemsFromQuery(url, verifyPageProblems) },
      ...['r', 'n', 'e', 's'].map((k) => ({ selector: `input[data-fill="${k}"]`, attributes: { value: value(k) } })),
    ]);
  });
