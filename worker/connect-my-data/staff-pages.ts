/**
 * /staff/connect/: administrators see the registered third-party applications (never a secret),
 * how many live authorisations each holds, and change their status with a plain form.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { sql } from 'drizzle-orm';
import { cmdApplications, cmdAuthorizations, applicationStatuses } from '../../db/schema';
import type { AppEnv } from '../app-types';
import { requireLogin, requireRole } from '../auth/require-login';
import { handleError } from '../http/errors';
import { esc, noticeFromQuery, servePage } from '../requests/page-fill';
import { redirectUrisOf } from './oauth';

const statusWords: Record<(typeof applicationStatuses)[number], string> = { review: 'In review', production: 'In production', on_hold: 'On hold', revoked: 'Revoked' };

export const connectStaffPages = new Hono<AppEnv>()
  .use('/staff/connect/*', requireLogin)
  .get('/staff/connect/', requireRole('admin'), async (c) => {
    const db = drizzle(c.env.DB);
    const apps = await db.select().from(cmdApplications).orderBy(cmdApplications.name);
    const live = new Map(
      (await db.select({ id: cmdAuthorizations.applicationId, n: sql<number>`count(*)` }).from(cmdAuthorizations).where(sql`${cmdAuthorizations.endedAt} IS NULL AND ${cmdAuthorizations.endsAt} > ${new Date().toISOString()}`).groupBy(cmdAuthorizations.applicationId)).map((r) => [r.id, r.n]),
    );
    const rows = apps
      .map(
        (a) => `<tr><th scope="row">${esc(a.name)}<br><small>${esc(a.organisation)}</small></th><td>${esc(statusWords[a.status])}</td><td><code>${esc(a.scope)}</code></td><td>${redirectUrisOf(a).map((u) => esc(u)).join('<br>')}</td><td>${live.get(a.id) ?? 0}</td><td><form method="post" action="/api/staff/connect/applications/${encodeURIComponent(a.id)}/status"><label for="status-${esc(a.id)}" class="visually-hidden">New status for ${esc(a.name)}</label><select id="status-${esc(a.id)}" name="status">${applicationStatuses.map((s) => `<option value="${s}"${s === a.status ? ' selected' : ''}>${esc(statusWords[s])}</option>`).join('')}</select> <button type="submit">Change status of ${esc(a.name)}</button></form></td></tr>`,
      )
      .join('');
    const table = apps.length
      ? `<table class="queue"><caption>Registered applications</caption><thead><tr><th scope="col">Application</th><th scope="col">Status</th><th scope="col">Widest scope</th><th scope="col">Redirect URIs</th><th scope="col">Live authorisations</th><th scope="col">Change</th></tr></thead><tbody>${rows}</tbody></table>`
      : '<p>No application is registered.</p>';
    return servePage(c, '/staff/connect/', [
      { selector: '[data-fill="applications"]', html: table },
      { selector: '[data-fill="notice"]', html: c.req.query('error') ? '<div class="problems" role="alert"><p>The status could not be changed: choose one of the statuses listed.</p></div>' : noticeFromQuery(new URL(c.req.url), { status_changed: 'The status was changed.' }) },
    ]);
  })
  .onError((err, c) => {
    const status = err instanceof HTTPException ? err.status : 500;
    if (status !== 401 && status !== 403) return handleError(err, c);
    const message = status === 401 ? '<p>Please <a href="/login/">sign in</a> with your staff account.</p>' : '<p>Your role does not allow this page. Applications are managed by administrators.</p>';
    return servePage(c, '/staff/connect/', [{ selector: '[data-fill="applications"]', html: message }], status);
  });
