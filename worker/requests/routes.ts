import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions';
import { auditInsert } from '../audit/log';
import { ApiError, fieldsOf } from '../http/errors';
import { validate } from '../http/validate';
import { packageQuerySchema, privacyRequestSchema, statusQuerySchema, verifyLinkSchema } from '../shared/request-schemas';
import { buildAccessPackage, renderAccessPackageHtml } from '../staff/access-package';
import { dataSubject } from '../staff/subject';
import { fileRequest } from './filing';
import { isFormPost, problemQuery, readBody } from './form-io';
import { issueFormToken } from './form-token';
import { checkPackageLink } from './links';
import { verifyMessages } from './messages';
import { requestStatus } from './status';
import { useVerifyLink } from './verification';

/** /api/requests: the public side of privacy requests. */
export const requests = new Hono<AppEnv>()
  // A fresh form token (the no-JavaScript page gets one filled in by the worker instead).
  .get('/form', async (c) => {
    const { token, expiresAt } = await issueFormToken(c.env.RECEIPT_SIGNING_JWKS, { issuer: c.env.PORTAL_ORIGIN });
    c.header('Cache-Control', 'no-store');
    return c.json({ formToken: token, expiresAt: expiresAt.toISOString() });
  })
  .post('/', async (c) => {
    const form = isFormPost(c);
    const parsed = privacyRequestSchema.safeParse(await readBody(c));
    if (!parsed.success) {
      const fields = fieldsOf(parsed.error);
      if (form) return c.redirect(`/privacy/request/?${problemQuery('invalid_request', fields)}#problems`, 303);
      throw new ApiError(422, 'invalid_request', 'The request has fields that are missing or not valid.', fields);
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    const signedIn = cookie ? await resolveSession(drizzle(c.env.DB), cookie) : null;
    try {
      const filed = await fileRequest(c.env, parsed.data, { signedIn });
      c.header('Cache-Control', 'no-store');
      if (form) return c.redirect(`${filed.statusPath}&filed=1`, 303);
      return c.json(filed, 201);
    } catch (e) {
      if (form && e instanceof ApiError) return c.redirect(`/privacy/request/?${problemQuery(e.code, e.fields)}#problems`, 303);
      throw e;
    }
  })
  .post('/verify', async (c) => {
    const form = isFormPost(c);
    const parsed = verifyLinkSchema.safeParse(await readBody(c));
    const outcome = parsed.success
      ? await useVerifyLink(c.env, parsed.data.r, { nonce: parsed.data.n, expires: parsed.data.e, signature: parsed.data.s })
      : ({ ok: false, reason: 'invalid' } as const);
    if (outcome.ok) return form ? c.redirect(`${outcome.statusPath}&verified=1`, 303) : c.json({ verified: true, statusPath: outcome.statusPath });
    if (form) return c.redirect(`/privacy/request/verify/?${problemQuery(`verify_${outcome.reason}`)}#problems`, 303);
    throw new ApiError(outcome.reason === 'used' ? 409 : 400, `verify_${outcome.reason}`, verifyMessages[`verify_${outcome.reason}`]);
  })
  .get('/status', validate('query', statusQuerySchema), async (c) => {
    const { r, t } = c.req.valid('query');
    const status = await requestStatus(c.env, r, t);
    if (!status) throw new ApiError(404, 'not_found', 'No request matches this link.');
    c.header('Cache-Control', 'no-store');
    return c.json(status);
  })
  .get('/package', validate('query', packageQuerySchema), async (c) => {
    const { r, e, s, format } = c.req.valid('query');
    const now = new Date();
    const check = await checkPackageLink(c.env.LINK_SIGNING_SECRET, r, e, s, now);
    if (check === 'bad') throw new ApiError(404, 'not_found', 'This download link is not valid.');
    if (check === 'expired') throw new ApiError(410, 'link_expired', 'This download link has expired. Ask us for a new one at the privacy office.');
    const row = await c.env.DB.prepare("SELECT account_id FROM privacy_requests WHERE id = ?1 AND type = 'know' AND state = 'fulfilled'").bind(r).first<{ account_id: string | null }>();
    if (!row?.account_id) throw new ApiError(404, 'not_found', 'This download link is not valid.');
    const pkg = await buildAccessPackage(c.env.DB, await dataSubject(c.env.DB, row.account_id), r, { now });
    await auditInsert(drizzle(c.env.DB), { event: 'privacy_request.package_downloaded', subjectAccountId: row.account_id, detail: { requestId: r, format } });
    c.header('Cache-Control', 'no-store, private');
    if (format === 'html') return c.html(renderAccessPackageHtml(pkg));
    c.header('Content-Disposition', `attachment; filename="personal-information-${r}.json"`);
    return c.json(pkg);
  });
