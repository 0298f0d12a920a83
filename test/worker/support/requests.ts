import { env, exports } from 'cloudflare:workers';
import type { FiledRequest } from '../../../worker/requests/filing';

export const ORIGIN = 'https://portal.test';

let clients = 0;
const run = crypto.randomUUID().slice(0, 4);
/**
 * A client address of its own for each call (filing is throttled per client), unless a test names one
 * with a `CF-Connecting-IP` header to act as one client.
 */
/** Each in a /64 of its own: throttles count an IPv6 client by its /64 (worker/http/client-network.ts). */
export const newClientIp = () => `2001:db8:${run}:${(++clients).toString(16)}::1`;

export const portal = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers: { Origin: ORIGIN, 'CF-Connecting-IP': newClientIp(), ...(init.headers ?? {}) } }));

export async function formToken(): Promise<string> {
  const res = await portal('/api/requests/form');
  return (await res.json<{ formToken: string }>()).formToken;
}

const from = (ip?: string): Record<string, string> => (ip ? { 'CF-Connecting-IP': ip } : {});

export function postJson(path: string, body: unknown, cookie?: string, ip?: string) {
  return portal(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}), ...from(ip) } });
}

export function postForm(path: string, fields: Record<string, string>, cookie?: string, ip?: string) {
  return portal(path, {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}), ...from(ip) },
  });
}

export type RequestFields = Record<string, unknown>;

export function requestBody(overrides: RequestFields = {}): RequestFields {
  const fullName = (overrides.fullName as string) ?? 'Test Holder';
  return {
    type: 'know',
    submittedBy: 'self',
    fullName,
    // A contact address of its own for each filing (filing is also throttled per address).
    email: `requester-${run}-${++clients}@test.example`,
    accountNumber: '0000000000',
    postalCode: '95990',
    declarationName: fullName,
    declarationTrue: true,
    ...overrides,
  };
}

export async function fileRequest(overrides: RequestFields = {}, cookie?: string, ip?: string): Promise<FiledRequest> {
  const res = await postJson('/api/requests', { formToken: await formToken(), ...requestBody(overrides) }, cookie, ip);
  if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${await res.text()}`);
  return res.json<FiledRequest>();
}

/** The newest outbox e-mail of a kind to an address. */
export async function latestEmail(kind: string, to?: string) {
  const row = await env.DB.prepare(`SELECT to_address, subject, body_text FROM outbox_emails WHERE kind = ?1 ${to ? 'AND to_address = ?2' : ''} ORDER BY created_at DESC, rowid DESC LIMIT 1`)
    .bind(...(to ? [kind, to] : [kind]))
    .first<{ to_address: string; subject: string; body_text: string }>();
  return row;
}

/** The code a link to `path` in a mail body carries in its fragment (what a page without JavaScript asks for). */
export function linkCodeFrom(body: string, path: string): string {
  const url = [...body.matchAll(/https?:\/\/\S+/g)].map((m) => new URL(m[0])).find((u) => u.pathname === path);
  if (!url) throw new Error(`no link to ${path} in the e-mail`);
  const code = new URLSearchParams(url.hash.slice(1)).get('code');
  if (!code) throw new Error(`the link to ${path} carries no code in its fragment`);
  return code;
}

export function verifyFieldsFrom(body: string): Record<string, string> {
  return { code: linkCodeFrom(body, '/privacy/request/verify/') };
}

export async function verifyByEmail(to: string) {
  const mail = await latestEmail('privacy-request-verify', to);
  if (!mail) throw new Error('no verification e-mail');
  const res = await postJson('/api/requests/verify', verifyFieldsFrom(mail.body_text));
  if (res.status !== 200) throw new Error(`verification failed: ${res.status} ${await res.text()}`);
}

export function staffPost(path: string, cookie: string, body: unknown = {}) {
  return postJson(`/api/staff${path}`, body, cookie);
}

export async function requestState(id: string) {
  return (await env.DB.prepare('SELECT state FROM privacy_requests WHERE id = ?1').bind(id).first<{ state: string }>())?.state;
}
