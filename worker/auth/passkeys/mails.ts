/**
 * Notices to the login's own address when its passkeys change: a passkey added by someone holding
 * the session would let them back in after a password change, so the customer hears of every one.
 * No link to act on (nothing a phisher could imitate usefully): where to look, and whom to call.
 */
import type { OutgoingEmail } from '../../mail/outbox';
import { utility } from '../../shared/utility';

const signature = `\n\n${utility.name}\n${utility.phoneDisplay} · ${utility.hours}\n`;

export const passkeyMails = {
  added: (to: string, origin: string, name: string): OutgoingEmail => ({
    to,
    kind: 'passkey-added',
    subject: `A passkey was added to your ${utility.shortName} online login`,
    text: `A passkey named "${name}" was just added to your ${utility.name} login. It can sign in to your account on its own.\n\nIf you did not add it, sign in, remove it under Sign-in and security (${origin}/account/security/), change your password, and call us at ${utility.phoneDisplay}.${signature}`,
  }),
  removed: (to: string, origin: string, name: string): OutgoingEmail => ({
    to,
    kind: 'passkey-removed',
    subject: `A passkey was removed from your ${utility.shortName} online login`,
    text: `The passkey named "${name}" was just removed from your ${utility.name} login and can no longer sign in.\n\nIf you did not remove it, check Sign-in and security (${origin}/account/security/), change your password, and call us at ${utility.phoneDisplay}.${signature}`,
  }),
};
