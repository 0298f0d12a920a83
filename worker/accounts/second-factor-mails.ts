/**
 * Mails about a login's second factors and sign-ins from new browsers. Every change to how a login
 * signs in is told to its address, so that someone who took over a session cannot quietly weaken
 * the account. Times are the utility's local time; a browser is named only coarsely ("Firefox on
 * Linux"); no IP address or location is ever given.
 */
import { fragment, linkLines } from '../mail/link-lines';
import type { OutgoingEmail } from '../mail/outbox';
import { utility } from '../shared/utility';

const signature = `\n\n${utility.name}\n${utility.phoneDisplay} · ${utility.hours}\n`;
const dateTime = new Intl.DateTimeFormat('en-US', { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: utility.timeZone, timeZoneName: 'short' });
const notYou = (origin: string) =>
  `If this was not you, change your password now (${origin}/password/forgot/), then look at "Where you are signed in" on ${origin}/account/security/, and call us at ${utility.phoneDisplay}.`;

export const secondFactorMails = {
  totpEnabled: (to: string, origin: string): OutgoingEmail => ({
    to,
    kind: 'totp-enabled',
    subject: `An authenticator app now protects your ${utility.shortName} online login`,
    text: `An authenticator app was just set up for your ${utility.name} login. From now on, signing in asks for a code from it after your password.\n\nKeep your recovery codes somewhere safe: they let you in if you lose the phone.\n\n${notYou(origin)}${signature}`,
  }),
  totpRemoved: (to: string, origin: string): OutgoingEmail => ({
    to,
    kind: 'totp-removed',
    subject: `The authenticator app was removed from your ${utility.shortName} online login`,
    text: `The authenticator app was just removed from your ${utility.name} login. Signing in no longer asks for its codes.\n\n${notYou(origin)}${signature}`,
  }),
  recoveryCodesCreated: (to: string, origin: string): OutgoingEmail => ({
    to,
    kind: 'recovery-codes-created',
    subject: `New recovery codes for your ${utility.shortName} online login`,
    text: `New recovery codes were just made for your ${utility.name} login; any earlier codes no longer work.\n\n${notYou(origin)}${signature}`,
  }),
  recoveryCodeUsed: (to: string, origin: string, at: Date, left: number): OutgoingEmail => ({
    to,
    kind: 'recovery-code-used',
    subject: `A recovery code was used for your ${utility.shortName} online login`,
    text: `A recovery code was used for your ${utility.name} login on ${dateTime.format(at)}. It cannot be used again; ${left === 0 ? 'no unused codes are left: make new ones' : `${left} unused code${left === 1 ? ' is' : 's are'} left`} (${origin}/account/security/recovery-codes/).\n\nIf you lost the phone with your authenticator app, set the app up again on your new phone: ${origin}/account/security/totp/\n\n${notYou(origin)}${signature}`,
  }),
  newDevice: (to: string, origin: string, at: Date, client: string | null, endToken: string): OutgoingEmail => ({
    to,
    kind: 'new-device-sign-in',
    subject: `New sign-in to your ${utility.shortName} online login`,
    text: `Your ${utility.name} login was just signed in to from a browser it had not been used from before.\n\nWhen: ${dateTime.format(at)}\nBrowser: ${client ?? 'not known'}\n\nIf this was you, there is nothing to do.\n\nIf it was not you, end that session now (this does not sign you in):\n\n${linkLines(origin, { path: `/account/end-session/${fragment('token', endToken)}`, code: endToken }).join('\n')}\n\nThen change your password (${origin}/password/forgot/) and call us at ${utility.phoneDisplay}.${signature}`,
  }),
};
