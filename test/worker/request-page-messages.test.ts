/**
 * Messages on the privacy-request and staff pages come from codes, never from the URL: a redirect
 * carries an error code and field names only, and the page looks the words up in its catalog.
 */
import { describe, expect, it } from 'vitest';
import { requestFormProblems } from '../../worker/requests/messages';
import { privacyRequestSchema, extendSchema, refuseSchema, staffNoteSchema } from '../../worker/shared/request-schemas';
import { staffActionProblems } from '../../worker/staff/messages';
import { fileRequest, portal, postForm, requestBody } from './support/requests';
import { signedIn } from './support/sign-in';

const spoof = 'Your account is suspended, call 555-0199 now';

describe('request pages', () => {
  it('never show text from the query string as the site\'s own message', async () => {
    for (const page of ['/privacy/request/', '/privacy/request/verify/', '/privacy/request/package/']) {
      const q = new URLSearchParams({ error: 'invalid_request', message: spoof });
      q.append('field', `email:${spoof}`);
      q.append('field', 'constructor');
      const html = await (await portal(`${page}?${q}`)).text();
      expect(html, page).not.toContain('suspended');
      expect(html, page).toContain('There is a problem');
      const unknown = await (await portal(`${page}?error=${encodeURIComponent(spoof)}`)).text();
      expect(unknown, page).not.toContain('suspended');
      expect(unknown, page).toContain('There is a problem');
    }
  });

  it('still show a refused no-JavaScript filing\'s real field problems, from codes in the redirect', async () => {
    const page = await (await portal('/privacy/request/')).text();
    const formToken = /name="formToken" value="([^"]+)"/.exec(page)![1]!;
    const res = await postForm('/api/requests', { formToken, type: 'know', submittedBy: 'agent', fullName: 'Vera Sato', email: 'not-an-address', declarationName: 'Vera Sato', declarationTrue: 'on' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!, 'https://portal.test');
    expect([...new Set(location.searchParams.keys())].sort()).toEqual(['error', 'field']);
    expect(location.searchParams.getAll('field')).toEqual(expect.arrayContaining(['email', 'agentName', 'agentEmail']));
    const shown = await (await portal(`${location.pathname}${location.search}`)).text();
    expect(shown).toContain('Some answers need your attention.');
    expect(shown).toContain('<a href="#email">Enter an e-mail address where we can reach you.</a>');
    expect(shown).toContain("Enter the agent&#39;s full name.");
  });

  it('name every field of the request form in the catalog', () => {
    expect(Object.keys(privacyRequestSchema.shape).filter((f) => !(f in requestFormProblems.fields))).toEqual([]);
  });

  it('show a refused confirmation by its code', async () => {
    const res = await postForm('/api/requests/verify', { code: 'req-nothing.abc.123.def' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/privacy\/request\/verify\/\?error=verify_invalid#problems$/);
    expect(await (await portal(location.split('#')[0]!)).text()).toContain('This confirmation link is not valid.');
  });
});

describe('staff request page', () => {
  it('shows a refused action\'s problems from codes, never text from the URL', async () => {
    const officer = await signedIn({ role: 'privacy_officer' });
    const filed = await fileRequest(requestBody({ accountNumber: '5550000002', fullName: 'Not A Customer', declarationName: 'Not A Customer' }));
    const res = await postForm(`/api/staff/requests/${filed.id}/extend`, { days: '99', reason: 'x' }, officer.cookie);
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!, 'https://portal.test');
    expect([...new Set(location.searchParams.keys())].sort()).toEqual(['error', 'field', 'id']);
    const shown = await (await portal(`${location.pathname}${location.search}`, { headers: { Cookie: officer.cookie } })).text();
    expect(shown).toContain('Extend by a whole number of days, from 1 to 45.');
    expect(shown).toContain('Give the reason the requester will read');

    const q = new URLSearchParams({ id: filed.id, error: 'conflict', message: spoof, field: `reason:${spoof}` });
    const spoofed = await (await portal(`/staff/request/?${q}`, { headers: { Cookie: officer.cookie } })).text();
    expect(spoofed).not.toContain('suspended');
    expect(spoofed).toContain('Someone else changed this request a moment ago.');
  });

  it('names every field of the staff actions in the catalog', () => {
    const fields = [...Object.keys(extendSchema.shape), ...Object.keys(refuseSchema.shape), ...Object.keys(staffNoteSchema.shape), 'decision'];
    expect(fields.filter((f) => !(f in staffActionProblems.fields))).toEqual([]);
  });
});
