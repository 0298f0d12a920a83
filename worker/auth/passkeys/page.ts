/**
 * The passkey part of the security page (/account/security/), filled by the worker so it works
 * without JavaScript: each passkey with its name and dates, a rename and a remove form; and which
 * sign-in methods the login has. A staff login is told it must keep a passkey or an authenticator
 * app, and that a passkey is the one to prefer (it cannot be phished: it only signs for this site).
 */
import { eq } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { logins } from '../../../db/schema';
import { PASSKEY_NAME_MAX } from '../../shared/passkey-forms';
import { staffRoles, type SignedInLogin } from '../sessions';
import { listPasskeys, type PasskeySummary } from './credentials';

type Html = { escape: (value: unknown) => string; when: (iso: string) => string };

function passkeyItem(p: PasskeySummary, h: Html) {
  const name = h.escape(p.name);
  const field = `passkey-name-${h.escape(p.id)}`;
  return `<li><p><strong>${name}</strong>${p.synced ? ' <span class="badge">Synced</span>' : ''}<br>
Added ${h.when(p.createdAt)}; ${p.lastUsedAt ? `last used ${h.when(p.lastUsedAt)}` : 'not used yet'}.</p>
<form method="post" action="/api/accounts/passkeys/rename" data-enhance><input type="hidden" name="passkey" value="${h.escape(p.id)}">
<div class="field"><label for="${field}">New name for “${name}”</label><input id="${field}" name="name" value="${name}" maxlength="${PASSKEY_NAME_MAX}" required autocomplete="off" aria-describedby="${field}-error"><p class="field-error" id="${field}-error" data-field-error="name" hidden></p></div>
<button type="submit" class="secondary">Rename<span class="visually-hidden"> “${name}”</span></button></form>
<form method="post" action="/api/accounts/passkeys/remove" data-enhance data-confirm="Remove the passkey “${name}”? It will no longer sign you in."><input type="hidden" name="passkey" value="${h.escape(p.id)}"><button type="submit" class="secondary">Remove<span class="visually-hidden"> “${name}”</span></button></form></li>`;
}

const countOf = (n: number) => (n === 1 ? 'one passkey' : `${n} passkeys`);

/** The HTML of the passkey list and the sentence about the login's sign-in methods. */
export async function passkeySection(db: DrizzleD1Database, login: SignedInLogin, h: Html) {
  const passkeys = await listPasskeys(db, login.id);
  const [row] = await db.select({ totp: logins.totpSecret }).from(logins).where(eq(logins.id, login.id)).limit(1);
  const totp = Boolean(row?.totp);
  const list = passkeys.length ? passkeys.map((p) => passkeyItem(p, h)).join('') : '<li>You have no passkey yet.</li>';
  let methods: string;
  if (staffRoles.includes(login.role)) {
    methods = `A staff login must have a passkey or an authenticator app; a passkey is preferred, because it cannot be phished. This login has ${passkeys.length ? countOf(passkeys.length) : 'no passkey'} and ${totp ? 'an authenticator app' : 'no authenticator app'}.${passkeys.length ? '' : ' Please add a passkey.'}`;
  } else if (passkeys.length) {
    methods = `You have ${countOf(passkeys.length)}. Sign in with one alone, or with your password followed by a passkey${totp ? ' or an authenticator code' : ''}.`;
  } else {
    methods = 'Add a passkey to sign in without your password. Once you have one, signing in with your password also asks for a passkey or code.';
  }
  return { list, methods };
}
