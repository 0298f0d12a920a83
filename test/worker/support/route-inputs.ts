/**
 * What to send each route: its body, query and path parameters, derived from the zod schemas the
 * worker validates with (worker/shared/*) wherever one exists. The generated-input test looks every
 * route of the app up here and fails for a route that has no entry, so a new route cannot go
 * unexercised; an entry for a route the app no longer has fails too.
 */
import fc from 'fast-check';
import type { ZodType } from 'zod';
import { batchEnvelope, sections } from '../../../worker/ingest/batch';
import { changeEmailBody, changePasswordBody, confirmLinkBody, endSessionsBody, forgotPasswordBody, languageBody, loginBody, profileBody, registerBody, resetPasswordBody, secondFactorBody } from '../../../worker/shared/account-forms';
import { passkeyProofOptionsBody, passkeySignInBody, registerPasskeyBody, removePasskeyBody, renamePasskeyBody } from '../../../worker/shared/passkey-forms';
import { passkeyAssertionBody } from '../../../worker/shared/passkey-forms';
import { endSessionLinkBody, passkeyStepUpBody, recoveryCodeBody, stepUpBody, totpConfirmBody } from '../../../worker/shared/second-factor-forms';
import { consentFormSchema, consentJsonSchema, withdrawFormSchema } from '../../../worker/shared/consent-schema';
import {
  correctionDecisionSchema,
  customerLookupSchema,
  extendSchema,
  packageBodySchema,
  privacyRequestSchema,
  queueQuerySchema,
  refuseSchema,
  staffNoteSchema,
  statusBodySchema,
  verifyLinkSchema,
} from '../../../worker/shared/request-schemas';
import { alertActionBody, alertAnswerBody, alertSettingsBody, alertSettingsQuery, customerAlertsQuery, staffCountsQuery, supportCloseBody, supportQueueQuery } from '../../../worker/shared/alert-forms';
import { addRecipientBody, codeBody, recipientActionBody, savePreferencesBody, signUpBody } from '../../../worker/shared/preference-forms';
import { autopayBody, guestLookupBody, guestPayBody, paperlessBody, payBody } from '../../../worker/shared/payment-forms';
import { applicationStatusBody, authorizeQuery, consentDecisionBody, registerApplicationBody, revokeAuthorizationBody } from '../../../worker/shared/connect-forms';
import { billPdf } from '../../../db/demo/bill-pdf';
import { beaconSchema } from '../../../worker/visits/beacon';
import { espiResources, ESPI_PREFIX } from '../../../worker/connect-my-data/espi-routes';
import { moveServiceBody, refuseServiceBody, serviceRequestIdBody, startServiceBody, stopServiceBody } from '../../../worker/shared/service-request-forms';
import { newConversationBody, replyBody, staffQueueQuery } from '../../../worker/shared/message-forms';
import { approveBody, denyBody, needInfoBody, payBody as rebatePayBody, respondBody, staffProgramQuery, withdrawBody } from '../../../worker/shared/program-forms';
import { acceptInvitationBody, delegateActionBody, delegateRightsBody, invitationActionBody, inviteDelegateBody, leaveAccountBody, registerByInvitationBody } from '../../../worker/shared/sharing-forms';
import { fromJsonSchema, jsonSchemaOf, nearMiss, oddString, segment, type BodyKind, type Hints } from './arbitraries';
import type { World } from './portal-world';

/** Placeholders the sender swaps for values that need a fresh signature at send time. */
export const FRESH_FORM_TOKEN = '@@fresh-form-token@@';
/**
 * Green Button feeds for ingest: a well-formed feed whose meter, unit, multiplier, interval, reading
 * and namespace vary (valid-ish and near misses), and broken XML.
 */
function greenButtonXml(meterId: string): fc.Arbitrary<string> {
  const feed = fc
    .record({
      meter: fc.oneof(fc.constantFrom(meterId, 'mtr-nobody'), oddString),
      ns: fc.constantFrom('http://naesb.org/espi', 'http://naesb.org/espi/3', ''),
      uom: fc.oneof(fc.constantFrom('72', '128', '42', '119', '169', '5'), oddString),
      power: fc.oneof(fc.constantFrom('0', '-3', '-2', '5'), oddString),
      interval: fc.oneof(fc.constantFrom('900', '3600', '86400', '0'), oddString),
      start: fc.oneof(fc.integer({ min: 0, max: 2_100_000_000 }).map(String), fc.constantFrom('1790000000', '1780000000'), oddString),
      duration: fc.oneof(fc.constantFrom('900', '3600', '86400'), oddString),
      value: fc.oneof(fc.integer({ min: -10, max: 10_000 }).map(String), fc.constantFrom('1.5', '99999999999999999'), oddString),
      quality: fc.constantFrom('', '<espi:ReadingQuality><espi:quality>8</espi:quality></espi:ReadingQuality>'),
      tz: fc.constantFrom('-28800', '-18000', 'x'),
    })
    .map(
      (f) => `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:espi="${f.ns}">
<entry><link rel="self" href="https://mdm.example/espi/1_1/resource/LocalTimeParameters/1"/><content><espi:LocalTimeParameters><espi:dstOffset>3600</espi:dstOffset><espi:tzOffset>${f.tz}</espi:tzOffset></espi:LocalTimeParameters></content></entry>
<entry><link rel="self" href="https://mdm.example/espi/1_1/resource/UsagePoint/1"/><content><espi:UsagePoint><espi:serviceDeliveryPoint><espi:name>${f.meter}</espi:name></espi:serviceDeliveryPoint></espi:UsagePoint></content></entry>
<entry><link rel="self" href="https://mdm.example/espi/1_1/resource/UsagePoint/1/MeterReading/1"/><link rel="related" href="https://mdm.example/espi/1_1/resource/ReadingType/1"/><content><espi:MeterReading/></content></entry>
<entry><link rel="self" href="https://mdm.example/espi/1_1/resource/ReadingType/1"/><content><espi:ReadingType><espi:intervalLength>${f.interval}</espi:intervalLength><espi:powerOfTenMultiplier>${f.power}</espi:powerOfTenMultiplier><espi:uom>${f.uom}</espi:uom></espi:ReadingType></content></entry>
<entry><link rel="self" href="https://mdm.example/espi/1_1/resource/UsagePoint/1/MeterReading/1/IntervalBlock/1"/><content><espi:IntervalBlock><espi:IntervalReading>${f.quality}<espi:timePeriod><espi:duration>${f.duration}</espi:duration><espi:start>${f.start}</espi:start></espi:timePeriod><espi:value>${f.value}</espi:value></espi:IntervalReading></espi:IntervalBlock></content></entry>
</feed>`,
    );
  const broken = fc.constantFrom(
    '<feed',
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>',
    '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><feed xmlns="http://www.w3.org/2005/Atom">&b;</feed>',
    '<?xml version="1.0" encoding="ISO-8859-1"?><feed xmlns="http://www.w3.org/2005/Atom"/>',
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry><content><UsagePoint/></content></entry></feed>',
    '<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:entry></a:feed>',
    '\uFEFF<feed xmlns="http://www.w3.org/2005/Atom"/>',
  );
  return fc.oneof({ weight: 3, arbitrary: feed }, { weight: 1, arbitrary: broken });
}

export const SIGNED_ASSERTION = '@@signed-client-assertion@@';

export type RouteInput = {
  /** Path parameters, already percent-encoded. */
  params?: Record<string, fc.Arbitrary<string>>;
  /** The query string's values (valid-ish and near misses). */
  query?: fc.Arbitrary<unknown>;
  /** The body's values and the encodings the route reads. */
  body?: { values: fc.Arbitrary<unknown>; kinds: BodyKind[] };
  /** Extra request headers (Authorization for machine clients). */
  headers?: fc.Arbitrary<Record<string, string>>;
  /** Catch-all routes: the methods and paths (after the mount point) to try. */
  anyOf?: { methods: string[]; paths: fc.Arbitrary<string> };
};

/** Valid-ish values from a zod schema, and near misses of them (half and half). */
export function fromSchema(schema: ZodType, hints: Hints = {}): fc.Arbitrary<unknown> {
  const valid = fromJsonSchema(jsonSchemaOf(schema), hints);
  return fc.oneof(valid, nearMiss(valid));
}

const day = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('2026-09-30', '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04') },
  { weight: 2, arbitrary: fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) },
  { weight: 1, arbitrary: fc.constantFrom('2026-02-30', '2026-13-01', '0000-00-00', '99999-01-01', '2026-1-1', '2026-03-08', '2026-11-01', '1901-01-01') },
  { weight: 1, arbitrary: oddString },
);
const usageQuery = fc.record(
  {
    from: day,
    to: day,
    resolution: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('native', 'hour', 'day', 'month', 'billing') }, { weight: 1, arbitrary: oddString }),
    // The world's meters are water meters: mostly their units, sometimes another kind's or junk.
    unit: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('gal', 'ccf', 'm3') }, { weight: 1, arbitrary: fc.constantFrom('kWh', 'therm') }, { weight: 1, arbitrary: oddString }),
  },
  { requiredKeys: ['from', 'to'] },
);

/** A JWT-shaped string no one signed: right shape, wrong everything else. */
const forgedJwt = fc.constantFrom(
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  'eyJhbGciOiJFUzI1NiIsImtpZCI6Im5vLXN1Y2gta2lkIn0.eyJwdXJwb3NlIjoicHJpdmFjeS1yZXF1ZXN0In0.c2lnbmF0dXJl',
  'eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ4In0.AAAA',
  'a.b.c',
  '...',
);

export function routeInputs(world: World): Record<string, RouteInput> {
  const statusCodes = Object.entries(world.statusTokens).map(([id, token]) => `${id}.${token}`);
  const requestIds = Object.values(world.requests);
  // Addresses people have (RFC 5322 allows far stranger ones, which the portal refuses on purpose).
  const plainEmail = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,15}$/), fc.constantFrom('example.org', 'mail.example', 'customers.example')).map(([user, domain]) => `${user.replace(/\.+$/, '')}@${domain}`);
  const emails = fc.oneof(plainEmail, fc.emailAddress(), fc.constantFrom(...Object.values(world.logins).map((l) => l.email)), oddString);
  const linkCode = fc.oneof(fc.constantFrom(...statusCodes), fc.constantFrom(...requestIds).map((id) => `${id}.AAAA.12345.BBBB`), forgedJwt, oddString);
  const hints: Hints = {
    formToken: fc.oneof({ weight: 3, arbitrary: fc.constant(FRESH_FORM_TOKEN) }, { weight: 1, arbitrary: forgedJwt }, { weight: 1, arbitrary: oddString }),
    email: emails,
    newEmail: emails,
    agentEmail: emails,
    accountNumber: fc.oneof(fc.constantFrom(world.a.number, world.b.number, '0000000000'), fc.stringMatching(/^\d{6,16}$/), oddString),
    fullName: fc.oneof(fc.constantFrom(world.a.holderName, world.b.holderName), oddString),
    declarationName: fc.oneof(fc.constantFrom(world.a.holderName, world.b.holderName), oddString),
    account: fc.oneof(fc.constantFrom(world.a.id, world.b.id), oddString),
    token: fc.oneof(forgedJwt, fc.base64String({ minLength: 8, maxLength: 64 }), oddString),
    code: linkCode,
    session: fc.oneof(fc.base64String({ maxLength: 24 }), oddString),
  };
  const schemaBody = (schema: ZodType, kinds: BodyKind[] = ['json', 'form']) => ({ values: fromSchema(schema, hints), kinds });
  // A filing whose parts agree (the declaration signed with the name given, the type's own fields
  // present), which JSON Schema cannot say; near misses of it reach the checks past the schema.
  const holderName = fc.constantFrom(world.a.holderName, world.b.holderName);
  const coherentFiling = fc
    .record({
      formToken: hints.formToken!,
      type: fc.constantFrom('know', 'delete', 'correct', 'opt_out'),
      name: holderName,
      email: plainEmail,
      accountNumber: fc.constantFrom(world.a.number, world.b.number, '0000000000'),
      password: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
    })
    .map(({ name, type, ...rest }) => ({
      ...rest,
      type,
      submittedBy: 'self',
      fullName: name,
      declarationName: name,
      declarationTrue: 'on',
      ...(type === 'correct' ? { correctionField: 'mailing_city', correctionValue: 'Alder Creek' } : {}),
      ...(type === 'opt_out' ? { optOutSaleSharing: 'on' } : {}),
    }));
  const requestId = segment(fc.constantFrom(...requestIds));
  // Preferences: recipients, numbers and codes of the shapes the portal uses, and near misses.
  const phone = fc.oneof(fc.constantFrom('+12095550123', '(209) 555-0188', '209.555.0100', '+1 209 555 0199'), fc.stringMatching(/^\+?1?[2-9]\d{2}[2-9]\d{6}$/), fc.constantFrom('911', '+442079460958', '(209) 111-0123'));
  const recipientId = fc.oneof(fc.uuid(), oddString);
  const recipientCode = fc.oneof(fc.tuple(fc.uuid(), fc.base64String({ minLength: 24, maxLength: 24 })).map(([id, s]) => `${id}.${s.replace(/[+/=]/g, 'A')}`), oddString);
  const unsubscribeToken = fc.oneof(
    fc.tuple(fc.uuid(), fc.constantFrom('continuous_flow', 'newsletter', 'all', 'nope'), fc.integer({ min: 0, max: 2 ** 40 }).map((n) => n.toString(36)), fc.base64String({ minLength: 44, maxLength: 44 })).map(([id, t, e, m]) => `${id}.${t}.${e}.${m.replace(/[+/=]/g, 'A').slice(0, 43)}`),
    forgedJwt,
    oddString,
  );
  const preferenceForm = fc
    .record({ account: hints.account!, quietHours: fc.boolean(), quietStart: fc.constantFrom('21:00', '22:30', '25:00'), quietEnd: fc.constantFrom('07:00', '21:00', 'x'), leak: fc.boolean(), topics: fc.subarray(['me.continuous_flow', 'me.high_use_day', 'me.newsletter', 'me.programs', 'me.nope']) })
    .map(({ topics, leak, ...rest }) => ({ ...rest, recipients: 'me', leakAlertsInQuietHours: leak, ...Object.fromEntries(topics.map((t) => [t, 'on'])) }));
  const coherentRecipient = fc
    .record({ account: hints.account!, channel: fc.constantFrom('email', 'sms'), name: fc.constantFrom('Sam', 'Landlord', ''), email: plainEmail, phone, topics: fc.subarray(['continuous_flow', 'intermittent_leak', 'high_use_day']) })
    .map(({ email, phone: number, channel, ...rest }) => ({ ...rest, channel, address: channel === 'email' ? email : number }));
  hints.recipient = recipientId;
  hints.address = fc.oneof(plainEmail, phone, oddString);
  const anyBody: RouteInput = { body: { values: fc.dictionary(fc.string({ maxLength: 8 }), oddString, { maxKeys: 3 }), kinds: ['json', 'form'] } };
  const staffAction = (schema?: ZodType): RouteInput => ({ params: { id: requestId }, ...(schema ? { body: schemaBody(schema) } : anyBody) });
  const meter: RouteInput = { params: { meterId: segment(fc.constantFrom(world.a.meterId, world.b.meterId)) }, query: usageQuery };
  const bearer: fc.Arbitrary<Record<string, string>> = fc.oneof(
    { weight: 3, arbitrary: fc.constant<Record<string, string>>({ Authorization: `Bearer ${SIGNED_ASSERTION}` }) },
    { weight: 1, arbitrary: forgedJwt.map((t): Record<string, string> => ({ Authorization: `Bearer ${t}` })) },
    { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({}, { Authorization: 'Basic dXNlcjpwYXNz' }, { Authorization: 'Bearer' }, { Authorization: `Bearer ${'A'.repeat(9_000)}` }) },
  );
  const ingestRows = fc.array(fc.oneof(fc.dictionary(fc.constantFrom('accountId', 'meterId', 'day', 'vals', 'quality', 'start', 'value', 'number', 'holderName'), fc.oneof(oddString, fc.integer(), fc.double())), oddString), { maxLength: 3 });
  const ingestBatch = fc.oneof(
    fromSchema(batchEnvelope, { accounts: ingestRows, servicePoints: ingestRows, meters: ingestRows, reads: ingestRows, days: ingestRows }),
    fc.constantFrom('batchId,section\n1,2', 'meter_id,start,value\nmtr-1,0x10,16\n', 'a,"b\nc', '\u0000,\u0000'),
    greenButtonXml(world.a.meterId),
  );
  // Billing and payments: the world's bills, cursors of the list's shape and not, amounts as people type them.
  const billId = segment(fc.oneof(fc.constantFrom(world.a.billId, world.b.billId), fc.constant('bill-nobody')));
  const accountIdParam = segment(fc.constantFrom(world.a.id, world.b.id, 'acct-nobody'));
  const cursor = fc.oneof(fc.base64String({ maxLength: 40 }).map((s) => s.replace(/[+/=]/g, '_')), oddString);
  const billingPageQuery = fc.record({ before: cursor, limit: fc.oneof(fc.integer({ min: -5, max: 500 }).map(String), oddString) }, { requiredKeys: [] });
  hints.serviceZip = fc.oneof(fc.constantFrom('95990', '90210', '9599', '95990-1234'), oddString);
  hints.amount = fc.oneof(fc.constantFrom('25.00', '64.18', '$1,064.18', '0.10', '0', '-5.00', '99999999.99', '1e3', '0x10'), oddString);
  hints.paperless = fc.oneof(fc.constantFrom('on', 'off'), oddString);
  const pdfBytes = fc.oneof(
    fc.constant(billPdf(['Alder Creek Water & Power', 'A generated bill'])),
    fc.uint8Array({ maxLength: 256 }).map((b) => new Uint8Array(b)),
    fc.constantFrom('%PDF-1.4 no end marker', '<html>not a pdf</html>', ''),
  );
  // Events as the processor sends them and near misses; none is signed, so each is refused.
  const processorEvent = fc.record(
    {
      id: fc.oneof(fc.constant('evt_generated'), oddString),
      type: fc.oneof(fc.constantFrom('checkout.session.completed', 'checkout.session.expired', 'checkout.session.async_payment_failed', 'invoice.paid'), oddString),
      created: fc.oneof(fc.integer(), fc.double(), oddString),
      data: fc.oneof(fc.record({ object: fc.dictionary(fc.constantFrom('id', 'metadata', 'amount_total', 'client_reference_id', 'payment_status'), oddString, { maxKeys: 3 }) }), oddString),
    },
    { requiredKeys: [] },
  );
  const stripeSignature = fc.oneof(
    fc.constant<Record<string, string>>({}),
    fc.tuple(fc.integer({ min: 0, max: 2 ** 31 }), fc.stringMatching(/^[0-9a-f]{64}$/)).map(([t, v]): Record<string, string> => ({ 'Stripe-Signature': `t=${t},v1=${v}` })),
    fc.stringMatching(/^[!-~]{0,80}$/).map((sig): Record<string, string> => ({ 'Stripe-Signature': sig })),
  );
  const standInSession = segment(fc.oneof(fc.constantFrom('cs_test_forged', 'cs_test_a1b2c3.eyJ9.sig'), oddString));
  const messageQuery = fc.record({ status: oddString, error: oddString, field: oddString }, { requiredKeys: [] });
  const alertId = segment(fc.constantFrom(world.a.alertId, world.b.alertId));
  const helpItemId = segment(fc.constantFrom(world.a.helpItemId, world.b.helpItemId));
  const conversationId = segment(fc.constantFrom(world.a.conversationId, world.b.conversationId));
  const applicationId = segment(fc.constantFrom(world.a.applicationId, world.b.applicationId));
  const answer = fc.oneof(fc.constantFrom('yes', 'no', 'three-or-more', 'less-than-three', '2', '99', '2026-11-20', '2031-01-01', ''), oddString);
  const coherentApplication = fc.record({
    program: fc.constantFrom('efficient-toilet', 'home-water-checkup', 'bill-assistance', 'free-pony'),
    account: hints.account!,
    answers: fc.dictionary(fc.constantFrom('old-toilet-flush', 'watersense', 'toilets', 'installed-on', 'last-visit', 'time-of-day', 'sprinklers', 'main-home', 'household', 'qualifies-by', 'nope'), answer, { maxKeys: 5 }),
  });
  // As the HTML form sends it: answers as `answers.<id>` fields beside the others.
  const flatApplication = coherentApplication.map(({ answers, ...rest }) => ({ ...rest, ...Object.fromEntries(Object.entries(answers).map(([k, v]) => [`answers.${k}`, v])) }));
  const month = fc.oneof(fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 7)), fc.constantFrom('2026-13', '0000-00', '2026-1'), oddString);
  const sitePath = fc.oneof(
    fc.constantFrom('', 'privacy/', 'cookies/', 'account/', 'staff/', 'login/', 'no-such-page/', 'index.html', '_astro/nothing.js', 'privacy/request/status/', '%2e%2e/%2e%2e/etc/passwd', '.%2F.%2Fevil.example', 'favicon.svg'),
    oddString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?'))),
  );
  const anyMethod = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

  return {
    'GET /api/health': {},
    'GET /api/consent': {},
    'POST /api/consent': { body: { values: fc.oneof(fromSchema(consentJsonSchema, hints), fromSchema(consentFormSchema, hints)), kinds: ['json', 'form'] } },
    'DELETE /api/consent': anyBody,
    'POST /api/consent/withdraw': { body: schemaBody(withdrawFormSchema) },
    'POST /api/visits': { body: { values: fromSchema(beaconSchema, hints), kinds: ['text', 'json'] } },
    'GET /api/requests/form': {},
    'POST /api/requests': { body: { values: fc.oneof(fromSchema(privacyRequestSchema, hints), coherentFiling, nearMiss(coherentFiling)), kinds: ['json', 'form'] } },
    'POST /api/requests/verify': { body: schemaBody(verifyLinkSchema) },
    'POST /api/requests/status': { body: schemaBody(statusBodySchema) },
    'POST /api/requests/package': { body: schemaBody(packageBodySchema) },
    'GET /api/staff/requests': { query: fromSchema(queueQuerySchema, hints) },
    'GET /api/staff/requests/:id': { params: { id: requestId } },
    'POST /api/staff/requests/:id/start': staffAction(staffNoteSchema),
    'POST /api/staff/requests/:id/extend': staffAction(extendSchema),
    'POST /api/staff/requests/:id/refuse': staffAction(refuseSchema),
    'POST /api/staff/requests/:id/fulfil': staffAction(),
    'POST /api/staff/requests/:id/correction': staffAction(correctionDecisionSchema),
    'GET /api/staff/customers': { query: fromSchema(customerLookupSchema, hints) },
    'POST /api/accounts/register': { body: schemaBody(registerBody) },
    'POST /api/accounts/verify-email': { body: schemaBody(confirmLinkBody) },
    'POST /api/accounts/login': { body: schemaBody(loginBody) },
    'POST /api/accounts/login/second-factor': { body: schemaBody(secondFactorBody) },
    'POST /api/accounts/logout': anyBody,
    'POST /api/accounts/logout-everywhere': anyBody,
    'GET /api/accounts/me': {},
    'GET /api/accounts/sessions': {},
    'POST /api/accounts/sessions/end': { body: schemaBody(endSessionsBody) },
    'POST /api/accounts/password': { body: schemaBody(changePasswordBody) },
    'POST /api/accounts/password/forgot': { body: schemaBody(forgotPasswordBody) },
    'POST /api/accounts/password/reset': { body: schemaBody(resetPasswordBody) },
    'POST /api/accounts/email': { body: schemaBody(changeEmailBody) },
    'POST /api/accounts/email/confirm': { body: schemaBody(confirmLinkBody) },
    'GET /api/accounts/profile': { query: fc.record({ account: hints.account! }, { requiredKeys: [] }) },
    'POST /api/accounts/profile': { body: schemaBody(profileBody) },
    'POST /api/accounts/language': { body: schemaBody(languageBody) },
    'GET /api/accounts/passkeys': {},
    'POST /api/accounts/passkeys/register/options': anyBody,
    'POST /api/accounts/passkeys/register': { body: schemaBody(registerPasskeyBody) },
    'POST /api/accounts/passkeys/rename': { body: schemaBody(renamePasskeyBody) },
    'POST /api/accounts/passkeys/remove': { body: schemaBody(removePasskeyBody) },
    'POST /api/accounts/passkeys/sign-in/options': anyBody,
    'POST /api/accounts/passkeys/sign-in': { body: schemaBody(passkeySignInBody) },
    'POST /api/accounts/passkeys/proof/options': { body: schemaBody(passkeyProofOptionsBody) },
    'POST /api/accounts/login/recovery-code': { body: schemaBody(recoveryCodeBody) },
    'POST /api/accounts/login/second-factor/passkey': { body: schemaBody(passkeyAssertionBody) },
    'POST /api/accounts/step-up': { body: schemaBody(stepUpBody) },
    'POST /api/accounts/step-up/passkey': { body: schemaBody(passkeyStepUpBody) },
    'POST /api/accounts/totp/start': anyBody,
    'POST /api/accounts/totp/confirm': { body: schemaBody(totpConfirmBody) },
    'POST /api/accounts/totp/remove': anyBody,
    'POST /api/accounts/recovery-codes': anyBody,
    'POST /api/accounts/sessions/end-by-link': { body: schemaBody(endSessionLinkBody) },
    'GET /api/usage/meters': {},
    'GET /api/usage/meters/:meterId/series': meter,
    'GET /api/usage/meters/:meterId/export.csv': meter,
    'GET /api/usage/meters/:meterId/export.xml': meter,
    'GET /api/alerts': {},
    'GET /api/alerts/settings': { query: fromSchema(alertSettingsQuery, hints) },
    'POST /api/alerts/settings': { body: schemaBody(alertSettingsBody) },
    'GET /api/alerts/:alertId': { params: { alertId } },
    'POST /api/alerts/:alertId/answer': { params: { alertId }, body: schemaBody(alertAnswerBody) },
    'POST /api/alerts/:alertId/actions': { params: { alertId }, body: schemaBody(alertActionBody) },
    'GET /api/staff/alerts/counts': { query: fc.oneof(fromSchema(staffCountsQuery, hints), fc.record({ month }, { requiredKeys: [] })) },
    'GET /api/staff/alerts/help': { query: fromSchema(supportQueueQuery, hints) },
    'GET /api/staff/alerts/help/:id': { params: { id: helpItemId } },
    'POST /api/staff/alerts/help/:id/close': { params: { id: helpItemId }, body: schemaBody(supportCloseBody) },
    'GET /api/staff/alerts/customer': { query: fromSchema(customerAlertsQuery, hints) },
    'GET /api/preferences': { query: fc.record({ account: hints.account! }, { requiredKeys: [] }) },
    'POST /api/preferences': { body: { values: fc.oneof(fromSchema(savePreferencesBody, hints), preferenceForm, nearMiss(preferenceForm)), kinds: ['json', 'form'] } },
    'POST /api/preferences/recipients': { body: { values: fc.oneof(fromSchema(addRecipientBody, hints), coherentRecipient, nearMiss(coherentRecipient)), kinds: ['json', 'form'] } },
    'POST /api/preferences/recipients/remove': { body: schemaBody(recipientActionBody) },
    'POST /api/preferences/recipients/resend': { body: schemaBody(recipientActionBody) },
    'POST /api/subscriptions/sign-up': { body: schemaBody(signUpBody) },
    'POST /api/subscriptions/confirm': { body: { values: fromSchema(codeBody, { code: recipientCode }), kinds: ['json', 'form'] } },
    'POST /api/subscriptions/unsubscribe': { body: { values: fromSchema(codeBody, { code: unsubscribeToken }), kinds: ['json', 'form'] } },
    // Anyone can post to the provider's webhook; only a request signed with the provider's token is read.
    'POST /api/sms/inbound': {
      body: { values: fc.record({ From: fc.oneof(phone, oddString), Body: fc.oneof(fc.constantFrom('STOP', 'YES', 'HELP', 'START'), oddString), AccountSid: fc.oneof(fc.constant('AC0'), oddString) }, { requiredKeys: [] }), kinds: ['form', 'json'] },
      headers: fc.oneof(fc.constant<Record<string, string>>({}), fc.base64String({ minLength: 28, maxLength: 28 }).map((sig): Record<string, string> => ({ 'X-Twilio-Signature': sig })), fc.stringMatching(/^[!-~]{0,60}$/).map((sig): Record<string, string> => ({ 'X-Twilio-Signature': sig }))),
    },
    'POST /api/ingest/batches': {
      body: { values: ingestBatch, kinds: ['json', 'csv', 'xml'] },
      query: fc.record({ section: fc.oneof(fc.constantFrom(...sections), oddString), batchId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,20}$/), oddString), meterId: fc.oneof(fc.constantFrom(world.a.meterId, 'mtr-nobody'), oddString) }, { requiredKeys: [] }),
      headers: bearer,
    },
    'GET /api/openapi.json': {},
    'GET /api/docs': {},
    'PUT /api/ingest/bills/:billId/document': { params: { billId }, body: { values: pdfBytes, kinds: ['pdf'] }, headers: bearer },
    'GET /api/billing/overview': {},
    'GET /api/billing/accounts/:accountId/bills': { params: { accountId: accountIdParam }, query: billingPageQuery },
    'GET /api/billing/accounts/:accountId/payments': { params: { accountId: accountIdParam }, query: billingPageQuery },
    'GET /api/billing/accounts/:accountId/adjustments': { params: { accountId: accountIdParam }, query: billingPageQuery },
    'GET /api/billing/bills/:billId': { params: { billId } },
    'GET /api/billing/bills/:billId/document': { params: { billId } },
    'POST /api/payments/checkout': { body: schemaBody(payBody) },
    'POST /api/payments/guest/lookup': { body: schemaBody(guestLookupBody) },
    'POST /api/payments/guest/checkout': { body: schemaBody(guestPayBody) },
    'POST /api/payments/autopay': { body: schemaBody(autopayBody) },
    'POST /api/payments/autopay/end': { body: schemaBody(autopayBody) },
    'POST /api/payments/paperless': { body: schemaBody(paperlessBody) },
    'POST /api/payments/webhook': { body: { values: processorEvent, kinds: ['json'] }, headers: stripeSignature },
    // Green Button Connect My Data. The token and revocation endpoints take forms (and say so to anything else).
    'GET /dev/third-party/': {},
    'GET /dev/third-party/start': {},
    'GET /dev/third-party/callback': { query: fc.record({ state: oddString, code: oddString, error: oddString }, { requiredKeys: [] }) },
    'POST /dev/third-party/fetch': { body: { values: fc.record({ session: oddString }, { requiredKeys: [] }), kinds: ['form', 'json'] } },
    'POST /dev/third-party/notify': { body: { values: oddString, kinds: ['text', 'json'] } },
    'GET /api/connect/authorize': { query: fc.oneof(fromSchema(authorizeQuery, hints), fc.record({ response_type: fc.constantFrom('code', 'token'), client_id: fc.constantFrom('matrix-app', 'nobody'), redirect_uri: fc.constantFrom('https://matrix.example/cb', 'https://evil.example/'), code_challenge: fc.constantFrom('A'.repeat(43), 'short'), code_challenge_method: fc.constantFrom('S256', 'plain'), state: oddString }, { requiredKeys: [] })) },
    'POST /api/connect/authorize': { body: schemaBody(consentDecisionBody) },
    'POST /api/connect/token': {
      body: { values: fc.record({ grant_type: fc.oneof(fc.constantFrom('authorization_code', 'refresh_token', 'password'), oddString), code: oddString, redirect_uri: fc.constantFrom('https://matrix.example/cb', 'x'), code_verifier: oddString, refresh_token: oddString, scope: fc.oneof(fc.constant('FB=1_4;IntervalDuration=900;HistoryLength=86400'), oddString), client_id: fc.constantFrom('matrix-app', 'nobody'), client_secret: oddString }, { requiredKeys: [] }), kinds: ['form', 'json', 'text'] },
      headers: fc.oneof(fc.constant<Record<string, string>>({}), fc.constantFrom<Record<string, string>>({ Authorization: 'Basic bWF0cml4LWFwcDp4' }, { Authorization: 'Basic %%%' }, { Authorization: 'Basic Og==' }, { Authorization: `Basic ${'A'.repeat(700)}` })),
    },
    'POST /api/connect/revoke': {
      body: { values: fc.record({ token: oddString, token_type_hint: fc.oneof(fc.constantFrom('access_token', 'refresh_token'), oddString), client_id: fc.constantFrom('matrix-app', 'nobody'), client_secret: oddString }, { requiredKeys: [] }), kinds: ['form', 'json'] },
      headers: fc.oneof(fc.constant<Record<string, string>>({}), fc.constantFrom<Record<string, string>>({ Authorization: 'Basic bWF0cml4LWFwcDp4' }, { Authorization: 'Basic %%%' })),
    },
    'POST /api/connect/authorizations/revoke': { body: schemaBody(revokeAuthorizationBody) },
    ...Object.fromEntries(
      espiResources.map((r) => [
        `GET ${ESPI_PREFIX}${r.path}`,
        {
          params: Object.fromEntries([...r.path.matchAll(/:([A-Za-z]+)/g)].map(([, name]) => [name!, segment(fc.constantFrom('x', '1', '20261001', world.a.meterId))])),
          query: fc.record({ 'published-min': fc.oneof(fc.constant('2026-10-01T00:00:00Z'), oddString), 'published-max': oddString }, { requiredKeys: [] }),
          headers: fc.oneof(fc.constant<Record<string, string>>({}), fc.constantFrom<Record<string, string>>({ Authorization: 'Bearer not-a-token' }, { Authorization: 'Bearer' }, { Authorization: `Bearer ${'A'.repeat(9_000)}` }, { Authorization: 'Basic bWF0cml4LWFwcDp4' })),
        } satisfies RouteInput,
      ]),
    ),
    'GET /api/staff/connect/applications': {},
    'POST /api/staff/connect/applications': { body: schemaBody(registerApplicationBody, ['json']) },
    'POST /api/staff/connect/applications/:id/status': { params: { id: segment(fc.constantFrom('matrix-app', 'nobody')) }, body: schemaBody(applicationStatusBody) },
    'POST /api/staff/connect/authorizations/:id/revoke': { params: { id: segment(fc.uuid()) }, ...anyBody },
    'GET /.well-known/security.txt': {},
    'GET /.well-known/gpc.json': {},
    'GET /.well-known/jwks.json': {},
    'ALL /api/*': { anyOf: { methods: anyMethod, paths: fc.oneof(fc.constantFrom('', 'nothing', 'consent/x', 'requests/status/x', 'usage/meters/x/y'), segment(fc.constant('x'))) } },
    'ALL /.well-known/*': { anyOf: { methods: anyMethod, paths: fc.oneof(fc.constantFrom('', 'nothing', 'security.txt/x', 'openid-configuration'), segment(fc.constant('x'))) } },
    'ALL /*': { anyOf: { methods: anyMethod, paths: sitePath }, ...anyBody },
    // Pages the worker fills; their query strings are for messages and filters.
    'GET /login/': { query: fc.record({ status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /login/second-factor/': { query: fc.record({ error: oddString }, { requiredKeys: [] }) },
    'GET /register/': { query: fc.record({ status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /password/forgot/': { query: fc.record({ status: oddString, error: oddString }, { requiredKeys: [] }) },
    'GET /register/verify/': { query: fc.record({ token: hints.token!, error: oddString }, { requiredKeys: [] }) },
    'GET /password/reset/': { query: fc.record({ token: hints.token!, error: oddString }, { requiredKeys: [] }) },
    'GET /account/email/confirm/': { query: fc.record({ token: hints.token! }, { requiredKeys: [] }) },
    'GET /account/': { query: fc.record({ status: oddString, error: oddString }, { requiredKeys: [] }) },
    'GET /account/profile/': { query: fc.record({ account: hints.account!, status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /account/security/': { query: fc.record({ status: oddString, error: oddString }, { requiredKeys: [] }) },
    'GET /account/security/totp/': { query: fc.record({ status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /account/security/recovery-codes/': { query: fc.record({ status: oddString, error: oddString }, { requiredKeys: [] }) },
    'GET /account/confirm/': { query: fc.record({ return: fc.oneof(fc.constantFrom('/account/security/', '/privacy/request/', '//evil.example/', 'https://evil.example/'), oddString), status: oddString, error: oddString }, { requiredKeys: [] }) },
    'GET /account/end-session/': { query: fc.record({ token: hints.token!, status: oddString, error: oddString }, { requiredKeys: [] }) },
    'GET /account/alerts/': { query: fc.record({ status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /account/alerts/alert/': { query: fc.record({ id: fc.oneof(fc.constantFrom(world.a.alertId, world.b.alertId), oddString), status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /account/alerts/settings/': { query: fc.record({ account: hints.account!, status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /account/bills/': { query: fc.record({ account: hints.account!, before: cursor, status: oddString, error: oddString }, { requiredKeys: [] }) },
    'GET /account/bills/detail/': { query: fc.record({ bill: fc.oneof(fc.constantFrom(world.a.billId, world.b.billId), oddString), status: oddString, error: oddString }, { requiredKeys: [] }) },
    'GET /account/bills/payments/': { query: fc.record({ account: hints.account!, before: cursor, status: oddString, error: oddString }, { requiredKeys: [] }) },
    'GET /account/pay/': { query: fc.record({ account: hints.account!, status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /account/pay/return/': { query: fc.record({ payment: oddString, status: oddString, error: oddString }, { requiredKeys: [] }) },
    'GET /pay/': { query: messageQuery },
    'GET /pay/confirm/': { query: messageQuery },
    'GET /pay/return/': { query: fc.record({ payment: oddString, status: oddString, error: oddString }, { requiredKeys: [] }) },
    'GET /dev/processor/checkout/:id': { params: { id: standInSession } },
    'POST /dev/processor/checkout/:id': { params: { id: standInSession }, body: { values: fc.record({ action: fc.oneof(fc.constantFrom('pay', 'cancel'), oddString) }, { requiredKeys: [] }), kinds: ['form'] } },
    'GET /dev/outbox/': {},
    'POST /dev/sms/reply': { body: { values: fc.record({ from: fc.oneof(phone, oddString), body: fc.oneof(fc.constantFrom('STOP', 'YES', 'HELP', 'Hello'), oddString) }, { requiredKeys: [] }), kinds: ['form', 'json'] } },
    'GET /account/preferences/': { query: fc.record({ account: hints.account!, status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /api/sharing': {},
    'GET /api/sharing/accounts/:account': { params: { account: segment(fc.constantFrom(world.a.id, world.b.id)) } },
    'POST /api/sharing/invitations': { body: schemaBody(inviteDelegateBody) },
    'POST /api/sharing/invitations/withdraw': { body: schemaBody(invitationActionBody) },
    'POST /api/sharing/invitations/register': { body: schemaBody(registerByInvitationBody) },
    'POST /api/sharing/invitations/accept': { body: schemaBody(acceptInvitationBody) },
    'POST /api/sharing/delegates': { body: schemaBody(delegateRightsBody) },
    'POST /api/sharing/delegates/end': { body: schemaBody(delegateActionBody) },
    'POST /api/sharing/leave': { body: schemaBody(leaveAccountBody) },
    'GET /account/sharing/': { query: fc.record({ account: hints.account!, status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /account/sharing/accept/': { query: fc.record({ status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'POST /api/services/start': { body: schemaBody(startServiceBody) },
    'GET /api/services': {},
    'POST /api/services/stop': { body: schemaBody(stopServiceBody) },
    'POST /api/services/move': { body: schemaBody(moveServiceBody) },
    'POST /api/services/withdraw': { body: schemaBody(serviceRequestIdBody) },
    'GET /api/staff/services': {},
    'POST /api/staff/services/confirm': { body: schemaBody(serviceRequestIdBody) },
    'POST /api/staff/services/refuse': { body: schemaBody(refuseServiceBody) },
    'GET /account/services/': { query: fc.record({ status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /services/start/': { query: fc.record({ status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /staff/services/': { query: fc.record({ status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /api/messages': {},
    'POST /api/messages': { body: { values: fromSchema(newConversationBody, hints), kinds: ['json', 'form'] } },
    'GET /api/messages/attachments/:id': { params: { id: segment(fc.constantFrom(world.a.attachmentId, world.b.attachmentId)) } },
    'GET /api/messages/:id': { params: { id: conversationId } },
    'POST /api/messages/:id/reply': { params: { id: conversationId }, body: { values: fromSchema(replyBody, hints), kinds: ['json', 'form'] } },
    'GET /api/staff/messages': { query: fromSchema(staffQueueQuery, hints) },
    'GET /api/staff/messages/:id': { params: { id: conversationId } },
    'POST /api/staff/messages/:id/assign': { params: { id: conversationId }, body: { values: fc.constant({}), kinds: ['json', 'form'] } },
    'POST /api/staff/messages/:id/reply': { params: { id: conversationId }, body: { values: fromSchema(replyBody, hints), kinds: ['json', 'form'] } },
    'POST /api/staff/messages/:id/close': { params: { id: conversationId }, body: { values: fc.constant({}), kinds: ['json', 'form'] } },
    'GET /account/messages/': { query: fc.record({ account: hints.account!, status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /account/messages/conversation/': { query: fc.record({ id: fc.oneof(fc.constantFrom(world.a.conversationId, world.b.conversationId), oddString), status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /staff/messages/': { query: fc.oneof(fromSchema(staffQueueQuery, hints), fc.record({ view: oddString, after: oddString }, { requiredKeys: [] })) },
    'GET /staff/messages/conversation/': { query: fc.record({ id: fc.oneof(fc.constantFrom(world.a.conversationId, world.b.conversationId), oddString), status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /api/programs/applications': {},
    'POST /api/programs/applications': { body: { values: fc.oneof(coherentApplication, nearMiss(coherentApplication), flatApplication), kinds: ['json', 'form'] } },
    'GET /api/programs/applications/:id': { params: { id: applicationId } },
    'POST /api/programs/applications/:id/respond': { params: { id: applicationId }, body: schemaBody(respondBody) },
    'POST /api/programs/applications/:id/withdraw': { params: { id: applicationId }, body: schemaBody(withdrawBody) },
    'GET /api/programs/documents/:id': { params: { id: segment(fc.constantFrom(world.a.documentId, world.b.documentId)) } },
    'GET /api/staff/programs': { query: fromSchema(staffProgramQuery, hints) },
    'GET /api/staff/programs/:id': { params: { id: applicationId } },
    'POST /api/staff/programs/:id/need-info': { params: { id: applicationId }, body: schemaBody(needInfoBody) },
    'POST /api/staff/programs/:id/approve': { params: { id: applicationId }, body: schemaBody(approveBody) },
    'POST /api/staff/programs/:id/deny': { params: { id: applicationId }, body: schemaBody(denyBody) },
    'POST /api/staff/programs/:id/pay': { params: { id: applicationId }, body: schemaBody(rebatePayBody) },
    'GET /account/programs/': { query: messageQuery },
    'GET /account/programs/apply/:program/': { params: { program: segment(fc.oneof(fc.constantFrom('efficient-toilet', 'bill-assistance', 'free-pony'), oddString)) }, query: fc.record({ account: hints.account!, status: oddString, error: oddString, field: fc.oneof(fc.constantFrom('answers.watersense', 'documents.receipt', 'answers.nope'), oddString) }, { requiredKeys: [] }) },
    'GET /account/programs/application/': { query: fc.record({ id: fc.oneof(applicationId, oddString), status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /staff/reports/': { query: fc.record({ month: oddString, area: oddString }, { requiredKeys: [] }) },
    'GET /staff/programs/': { query: fc.oneof(fromSchema(staffProgramQuery, hints), fc.record({ view: oddString, after: oddString, status: oddString, error: oddString }, { requiredKeys: [] })) },
    'GET /staff/programs/application/': { query: fc.record({ id: fc.oneof(applicationId, oddString), status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /alerts/sign-up/': { query: fc.record({ status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /alerts/confirm/': { query: fc.record({ status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /unsubscribe/': { query: fc.record({ status: oddString, error: oddString }, { requiredKeys: [] }) },
    'GET /unsubscribe/:token': { params: { token: segment(unsubscribeToken) } },
    'POST /unsubscribe/:token': { params: { token: segment(unsubscribeToken) }, body: { values: fc.oneof(fc.constant({ 'List-Unsubscribe': 'One-Click' }), fc.dictionary(fc.string({ maxLength: 16 }), oddString, { maxKeys: 2 })), kinds: ['form', 'json'] } },
    'GET /privacy/request/': { query: fc.record({ error: oddString, field: oddString, message: oddString }, { requiredKeys: [] }) },
    'GET /privacy/request/status/': { query: fc.record({ r: fc.constantFrom(...requestIds), t: oddString }, { requiredKeys: [] }) },
    'POST /privacy/request/status/': { body: schemaBody(statusBodySchema) },
    'GET /privacy/request/verify/': { query: fc.record({ error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /privacy/request/package/': { query: fc.record({ error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /privacy/request-metrics/': { query: fc.record({ year: oddString }, { requiredKeys: [] }) },
    'GET /privacy/request-metrics.csv': { query: fc.record({ year: oddString }, { requiredKeys: [] }) },
    'GET /staff/connect/': { query: fc.record({ done: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /account/sharing/authorize/': { query: fc.record({ request: oddString, status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /account/sharing/applications/': { query: fc.record({ status: oddString, error: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /staff/': { query: fromSchema(queueQuerySchema, hints) },
    'GET /staff/request/': { query: fc.record({ id: fc.oneof(fc.constantFrom(...requestIds), oddString), error: oddString, done: oddString, field: oddString }, { requiredKeys: [] }) },
    'GET /staff/customers/': { query: fromSchema(customerLookupSchema, hints) },
    'GET /staff/alerts/': { query: fc.record({ month, status: fc.oneof(fc.constantFrom('open', 'closed'), oddString), accountNumber: hints.accountNumber! }, { requiredKeys: [] }) },
    'GET /staff/alerts/help/': { query: fc.record({ id: fc.oneof(fc.constantFrom(world.a.helpItemId, world.b.helpItemId), oddString), error: oddString, done: oddString, field: oddString }, { requiredKeys: [] }) },
  };
}
