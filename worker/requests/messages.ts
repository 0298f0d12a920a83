/**
 * Every word the privacy-request pages say about a refused post, keyed by error code and field.
 * Redirects carry only codes and field names; the pages look the text up here.
 */
import { formTokenMessages, type FormTokenProblem } from './form-token';
import type { ProblemCatalog } from './page-fill';

const reachUs = `You can also write to {privacyEmail} or call {phone}.`;

const tooMany = `You have sent several requests in a short time. Please wait a while and try again. ${reachUs}`;

/** The request form at /privacy/request/. */
export const requestFormProblems: ProblemCatalog = {
  errors: {
    invalid_request: 'Some answers need your attention.',
    ...Object.fromEntries(Object.entries(formTokenMessages).map(([problem, text]) => [`form_token_${problem as FormTokenProblem}`, text])),
    too_many_requests: tooMany,
    too_many_attempts: tooMany,
    wrong_password: 'The password is not right. To delete your data, re-enter your current password.',
    step_up_required: 'Your login has an authenticator app or a passkey: to delete your data, first confirm it is you on the page "Confirm it is you" (/account/confirm/), then send the request again within 10 minutes.',
    bad_request: 'The form could not be read. Please try again.',
    payload_too_large: 'The form was too large to accept. Please shorten the longest answers and try again.',
  },
  fallback: `We could not accept the request. Please check your answers and try again. ${reachUs}`,
  fields: {
    formToken: { message: 'The form has to be filled in again: reload the page.', anchor: null },
    type: { message: 'Choose what you are asking for.', anchor: 'type-know' },
    submittedBy: { message: 'Say whether you ask for yourself or as an authorised agent.', anchor: 'by-self' },
    fullName: { message: "Enter the customer's full name." },
    email: { message: 'Enter an e-mail address where we can reach you.' },
    accountNumber: { message: 'An account number has digits only (spaces and dashes allowed).' },
    postalCode: { message: 'Enter a 5-digit ZIP code.' },
    agentName: { message: "Enter the agent's full name." },
    agentEmail: { message: "Enter the agent's e-mail address." },
    agentPermission: { message: "Describe the customer's signed permission (who signed, when, what it allows)." },
    agentAttest: { message: "Confirm that you hold the customer's signed permission." },
    correctionField: { message: 'Choose what should be corrected.' },
    correctionValue: { message: 'Enter the correct value.' },
    optOutSaleSharing: { message: 'Choose at least one: opt out of sale or sharing, or limit use of sensitive information.' },
    limitSensitiveUse: { message: 'Choose at least one: opt out of sale or sharing, or limit use of sensitive information.' },
    password: { message: 'To delete your data, re-enter your current password.' },
    declarationName: { message: 'Sign with the full name you entered above (an agent signs with the agent name).' },
    declarationTrue: { message: 'Confirm that the information you gave is true.' },
  },
};

/** Why a verification link or code was refused (the JSON API answers with the same words). */
export const verifyMessages = {
  verify_invalid: 'This confirmation link is not valid. Use the link exactly as it arrived in the e-mail, or copy the code shown under it.',
  verify_expired: 'This confirmation link has expired (links last 72 hours). Please file the request again.',
  verify_used: 'This confirmation link has already been used.',
} as const;

/** The confirmation page at /privacy/request/verify/. */
export const verifyPageProblems: ProblemCatalog = {
  errors: { ...verifyMessages, invalid_request: 'Enter the code from the e-mail.', too_many_requests: tooMany },
  fallback: `We could not confirm the request. Please try the link again. ${reachUs}`,
  fields: { code: { message: 'Copy the code shown under the link in the e-mail.' } },
};

/** Why an access package download was refused. */
export const packageMessages = {
  not_found: 'This download link is not valid. Use the link exactly as it arrived in the e-mail, or copy the code shown under it.',
  link_expired: `This download link has expired (links last 7 days). Ask us for a new one: write to {privacyEmail} or call {phone}.`,
} as const;

/** The download page at /privacy/request/package/. */
export const packagePageProblems: ProblemCatalog = {
  errors: { ...packageMessages, invalid_request: 'Enter the code from the e-mail.', too_many_requests: tooMany },
  fallback: `We could not open the download. Please try the link again. ${reachUs}`,
  fields: { code: { message: 'Copy the code shown under the link in the e-mail.' }, format: { message: 'Choose the readable copy or the machine-readable one.', anchor: null } },
};

/** The English catalogs of the three pages, the shape every language's catalogs have. */
export const requestPageProblems = { request: requestFormProblems, verify: verifyPageProblems, package: packagePageProblems };
export type RequestPageProblems = typeof requestPageProblems;
