import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { clientHash } from '../accounts/throttle';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions';
import { stepUpPageFor, StepUpRequired } from '../auth/step-up';
import { auditInsert } from '../audit/log';
import { ApiError, fieldsOf } from '../http/errors';
import { packageBodySchema, privacyRequestSchema, statusBodySchema, verifyLinkSchema } from '../shared/request-schemas';
import { buildAccessPackage, renderAccessPackageHtml } from '../staff/access-package';
import { dataSubject } from '../staff/subject';
import { fileRequest, FilingThrottled } from './filing';
import { isFormPost, problemQuery, readBody } from './form-io';
import { issueFormToken } from './form-token';
import { checkPackageLink, parsePackageCode, parseStatusCode, parseVerifyCode, statusToken } from './links';
import { packageMessages, verifyMessages } from './messages';
import { pageIn, renderStatusPage } from './pages';
import { requestStatus } from './status';
import { useVerifyLink } from './verification';
import { usageShards } from '../usage/shards';

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
      const filed = await fileRequest(c.env, parsed.data, { signedIn, client: await clientHash(c.env.LINK_SIGNING_SECRET, c.req.header('cf-connecting-ip')), locale: c.get('locale') });
      c.header('Cache-Control', 'no-store');
      // The status key never goes into a Location: the form gets the status page itself as its answer.
      if (form) return renderStatusPage(c, { requestId: filed.id, token: await statusToken(c.env.LINK_SIGNING_SECRET, filed.id) }, 'filed');
      return c.json(filed, 201);
    } catch (e) {
      if (e instanceof FilingThrottled) c.header('Retry-After', String(Math.max(1, Math.ceil((e.until.getTime() - Date.now()) / 1000))));
      // A deletion by a login with a second factor and no recent proof: confirm first, then file again.
      if (form && e instanceof StepUpRequired) return c.redirect(stepUpPageFor('/privacy/request/'), 303);
      if (form && e instanceof ApiError) return c.redirect(`/privacy/request/?${problemQuery(e.code, e.fields)}#problems`, 303);
      throw e;
    }
  })
  .post('/verify', async (c) => {
    const form = isFormPost(c);
    const parsed = verifyLinkSchema.safeParse(await readBody(c));
    const code = parsed.success ? parseVerifyCode(parsed.data.code) : null;
    const outcome = code ? await useVerifyLink(c.env, code.requestId, code.link) : ({ ok: false, reason: 'invalid' } as const);
    if (outcome.ok) {
      if (form) return renderStatusPage(c, { requestId: code!.requestId, token: await statusToken(c.env.LINK_SIGNING_SECRET, code!.requestId) }, 'verified');
      return c.json({ verified: true, statusPath: pageIn(c.get('locale'), outcome.statusPath) });
    }
    if (form) return c.redirect(`/privacy/request/verify/?${problemQuery(`verify_${outcome.reason}`)}#problems`, 303);
    throw new ApiError(outcome.reason === 'used' ? 409 : 400, `verify_${outcome.reason}`, verifyMessages[`verify_${outcome.reason}`]);
  })
  // Bearer values travel in POST bodies only: a URL would be kept by request logs.
  .post('/status', async (c) => {
    const parsed = statusBodySchema.safeParse(await readBody(c));
    if (!parsed.success) throw new ApiError(422, 'invalid_request', 'The request has fields that are missing or not valid.', fieldsOf(parsed.error));
    const key = parseStatusCode(parsed.data.code);
    const status = key ? await requestStatus(c.env, key.requestId, key.token) : null;
    if (!status) throw new ApiError(404, 'not_found', 'No request matches this code.');
    c.header('Cache-Control', 'no-store');
    return c.json(status);
  })
  .post('/package', async (c) => {
    const form = isFormPost(c);
    const parsed = packageBodySchema.safeParse(await readBody(c));
    const refuse = (code: keyof typeof packageMessages, status: 404 | 410) => {
      if (form) return c.redirect(`/privacy/request/package/?${problemQuery(code)}#problems`, 303);
      throw new ApiError(status, code, packageMessages[code]);
    };
    if (!parsed.success) {
      if (form) return c.redirect(`/privacy/request/package/?${problemQuery('invalid_request', fieldsOf(parsed.error))}#problems`, 303);
      throw new ApiError(422, 'invalid_request', 'The request has fields that are missing or not valid.', fieldsOf(parsed.error));
    }
    const { format } = parsed.data;
    const link = parsePackageCode(parsed.data.code);
    if (!link) return refuse('not_found', 404);
    const r = link.requestId;
    const now = new Date();
    const check = await checkPackageLink(c.env.LINK_SIGNING_SECRET, r, link.expires, link.signature, now);
    if (check === 'bad') return refuse('not_found', 404);
    if (check === 'expired') return refuse('link_expired', 410);
    const row = await c.env.DB.prepare("SELECT account_id FROM privacy_requests WHERE id = ?1 AND type = 'know' AND state = 'fulfilled'").bind(r).first<{ account_id: string | null }>();
    if (!row?.account_id) return refuse('not_found', 404);
    const pkg = await buildAccessPackage(c.env.DB, usageShards(c.env), await dataSubject(c.env.DB, row.account_id), r, { now });
    await auditInsert(drizzle(c.env.DB), { event: 'privacy_request.package_downloaded', subjectAccountId: row.account_id, detail: { requestId: r, format } });
    c.header('Cache-Control', 'no-store, private');
    if (format === 'html') return c.html(renderAccessPackageHtml(pkg, c.get('locale')));
    c.header('Content-Disposition', `attachment; filename="personal-information-${r}.json"`);
    return c.json(pkg);
  });
