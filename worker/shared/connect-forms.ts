/**
 * Request schemas of Green Button Connect My Data (worker/connect-my-data/), shared by the worker,
 * the consent and sharing pages' forms and the tests.
 */
import { z } from 'zod';
import { applicationStatuses } from '../../db/schema/connect-my-data';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
/** A form sends one value or several under the same name; JSON sends an array. */
const list = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(50));

/** The authorisation request a third party sends the customer's browser with (RFC 6749 §4.1.1, RFC 7636 §4.3). */
export const authorizeQuery = z.object({
  response_type: z.string().max(40).optional(),
  client_id: z.string().max(100).optional(),
  redirect_uri: z.string().max(500).optional(),
  scope: z.string().max(200).optional(),
  state: z.string().max(500).optional(),
  code_challenge: z.string().max(200).optional(),
  code_challenge_method: z.string().max(20).optional(),
  /** OpenID Connect's language preference ("es-US en"): the consent screen's language, before the login's own. */
  ui_locales: z.string().max(100).optional(),
});

/** The customer's answer on the consent screen: which meters and blocks, how far back, until when. */
export const consentDecisionBody = z.object({
  request: z.string().min(1).max(64),
  decision: z.enum(['allow', 'deny']),
  meter: list(z.string().min(1).max(64)),
  block: list(z.coerce.number().int().min(0).max(99)),
  historyDays: z.coerce.number().int().min(1).max(3660).optional(),
  until: day.optional(),
});

/** The customer (or staff) ends one authorisation. */
export const revokeAuthorizationBody = z.object({ authorization: z.string().min(1).max(64) });

/** An administrator registers a third-party application (ESPI ApplicationInformation). */
export const registerApplicationBody = z.object({
  name: z.string().trim().min(2).max(80),
  organisation: z.string().trim().min(2).max(120),
  purpose: z.string().trim().min(10).max(400),
  redirectUris: z.array(z.url({ protocol: /^https?$/ }).max(300)).min(1).max(5),
  notifyUri: z.url({ protocol: /^https?$/ }).max(300),
  scope: z.string().max(200),
  maxAuthorizationDays: z.number().int().min(1).max(3660).default(365),
});

export const applicationStatusBody = z.object({ status: z.enum(applicationStatuses) });
