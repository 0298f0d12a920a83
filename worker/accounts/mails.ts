/**
 * The texts of account e-mails. Plain text; links point at PORTAL_ORIGIN (configuration, never the
 * request's Host). A link's token rides in its fragment (`#token=`), never in the path or query, so
 * no request log keeps it; the code is also shown alone for a browser without JavaScript.
 */
import { fragment, linkLines } from '../mail/link-lines';
import type { OutgoingEmail } from '../mail/outbox';
import { utility } from '../shared/utility';

const signature = `\n\n${utility.name}\n${utility.phoneDisplay} · ${utility.hours}\n`;
const notYou = `If this was not you, you can ignore this e-mail, or call us at ${utility.phoneDisplay}.`;

/** The landing page of a link and its token, as the e-mail shows them. */
const tokenLink = (origin: string, page: string, token: string) => linkLines(origin, { path: `${page}${fragment('token', token)}`, code: token }).join('\n');

export const accountMails = {
  verifyEmail: (to: string, origin: string, token: string): OutgoingEmail => ({
    to,
    kind: 'verify-email',
    subject: `Confirm your e-mail address for ${utility.shortName} online`,
    text: `Someone, hopefully you, registered for ${utility.name} online with this address.\n\nTo confirm it and finish registering, open this link within 24 hours:\n\n${tokenLink(origin, '/register/verify/', token)}\n\n${notYou}${signature}`,
  }),
  alreadyRegistered: (to: string, origin: string): OutgoingEmail => ({
    to,
    kind: 'registration-existing',
    subject: `You already have a ${utility.shortName} online login`,
    text: `Someone tried to register for ${utility.name} online with this address, which already has a login.\n\nTo sign in: ${origin}/login/\nForgot your password? ${origin}/password/forgot/\n\n${notYou}${signature}`,
  }),
  passwordReset: (to: string, origin: string, token: string): OutgoingEmail => ({
    to,
    kind: 'password-reset',
    subject: `Choose a new password for ${utility.shortName} online`,
    text: `We received a request to reset the password of your ${utility.name} login.\n\nTo choose a new password, open this link within one hour:\n\n${tokenLink(origin, '/password/reset/', token)}\n\nThe link works once.\n\n${notYou} Your password stays as it is.${signature}`,
  }),
  passwordChanged: (to: string, origin: string): OutgoingEmail => ({
    to,
    kind: 'password-changed',
    subject: `Your ${utility.shortName} online password was changed`,
    text: `The password of your ${utility.name} login was just changed, and your other sessions were ended.\n\nIf you did not do this, reset your password now: ${origin}/password/forgot/ and call us at ${utility.phoneDisplay}.${signature}`,
  }),
  emailChangeConfirm: (to: string, origin: string, token: string): OutgoingEmail => ({
    to,
    kind: 'email-change',
    subject: `Confirm your new e-mail address for ${utility.shortName} online`,
    text: `You asked to use this address for your ${utility.name} login.\n\nTo confirm, open this link within 24 hours:\n\n${tokenLink(origin, '/account/email/confirm/', token)}\n\n${notYou}${signature}`,
  }),
  emailChangeNotice: (to: string): OutgoingEmail => ({
    to,
    kind: 'email-change-notice',
    subject: `Your ${utility.shortName} online e-mail address is being changed`,
    text: `Someone signed in to your ${utility.name} login asked to change its e-mail address. The change happens only when the new address is confirmed.\n\nIf you did not ask for this, change your password now and call us at ${utility.phoneDisplay}.${signature}`,
  }),
  emailChanged: (to: string): OutgoingEmail => ({
    to,
    kind: 'email-changed',
    subject: `Your ${utility.shortName} online e-mail address was changed`,
    text: `The e-mail address of your ${utility.name} login was changed; this address no longer signs in.\n\nIf you did not do this, call us at ${utility.phoneDisplay}.${signature}`,
  }),
};
