/**
 * The SMS provider adapter: Twilio's Programmable Messaging REST API over `fetch`.
 *
 *   POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json
 *   Authorization: Basic base64(AccountSid:AuthToken)
 *   Content-Type: application/x-www-form-urlencoded
 *   To=+12095550123&From=+12095550199&Body=…   (MessagingServiceSid=MG… instead of From, when the sender is a service)
 *
 * 201 answers the Message resource as JSON (`sid` SM…, `status` queued…); a refusal answers the
 * error resource `{ code, message, more_info, status }` with a 4xx, e.g. 21211 (not a valid
 * number), 21610 (the number replied STOP), 20003 (authentication). The transport is chosen by
 * provider.ts: Twilio itself in production, the development stand-in locally; this module cannot tell.
 */

export type SmsTransport = {
  /** 'twilio' sends for real; 'stand-in' is the development-only local provider (stand-in.ts). */
  kind: 'twilio' | 'stand-in';
  baseUrl: string;
  fetch: (request: Request) => Promise<Response>;
};

export type SmsCredentials = { accountSid: string; authToken: string; /** An E.164 sender number, or a Messaging Service sid (MG…). */ from: string };

export type SentSms = { sid: string; status: string };

/** The provider refused (status and Twilio error code when it gave one), or could not be reached (status 0). */
export class SmsProviderError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'SmsProviderError';
  }
}

/** 21610: "Attempt to send to unsubscribed recipient": the number replied STOP, and the provider blocks it. */
export const TWILIO_UNSUBSCRIBED = 21610;
/** Numbers the provider will never deliver to (not a valid number, not a mobile, a landline): retrying cannot help. */
export const TWILIO_PERMANENT = new Set([21211, 21214, 21408, 21610, 21612, 21614]);

function basic(user: string, password: string) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

export function messagesUrl(baseUrl: string, accountSid: string) {
  return `${baseUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
}

export async function sendSms(transport: SmsTransport, credentials: SmsCredentials, message: { to: string; body: string }): Promise<SentSms> {
  const form = new URLSearchParams({ To: message.to, Body: message.body });
  if (credentials.from.startsWith('MG')) form.set('MessagingServiceSid', credentials.from);
  else form.set('From', credentials.from);
  const request = new Request(messagesUrl(transport.baseUrl, credentials.accountSid), {
    method: 'POST',
    headers: { Authorization: basic(credentials.accountSid, credentials.authToken), 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: form,
  });
  let res: Response;
  try {
    res = await transport.fetch(request);
  } catch {
    throw new SmsProviderError(0, null, 'The SMS provider could not be reached.');
  }
  const body = (await res.json().catch(() => null)) as { sid?: unknown; status?: unknown; code?: unknown; message?: unknown } | null;
  if (res.status === 200 || res.status === 201) {
    if (!body || typeof body.sid !== 'string') throw new SmsProviderError(res.status, null, 'The SMS provider answered without a message sid.');
    return { sid: body.sid, status: typeof body.status === 'string' ? body.status : 'queued' };
  }
  const code = typeof body?.code === 'number' ? body.code : null;
  throw new SmsProviderError(res.status, code, typeof body?.message === 'string' ? body.message : `The SMS provider answered ${res.status}.`);
}
