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
import type { SecurityWords } from '../../accounts/security-words';

type Html = { escape: (value: unknown) => string; when: (iso: string) => string; words: SecurityWords };

function passkeyItem(p: PasskeySummary, h: Html) {
  const w = h.words;
  const name = h.escape(p.name);
  const field = `passkey-name-${h.escape(p.id)}`;
  const quoted = w.quote(name);
  return `<li><p><strong>${name}</strong>${p.synced ? ` <span class="badge">${w.synced}</span>` : ''}<br>
${w.passkeyDates(h.when(p.createdAt), p.lastUsedAt ? h.when(p.lastUsedAt) : null)}</p>
<form method="post" action="/api/accounts/passkeys/rename" data-enhance><input type="hidden" name="passkey" value="${h.escape(p.id)}">
<div class="field"><label for="${field}">${w.newName(name)}</label><input id="${field}" name="name" value="${name}" maxlength="${PASSKEY_NAME_MAX}" required autocomplete="off" aria-describedby="${field}-error"><p class="field-error" id="${field}-error" data-field-error="name" hidden></p></div>
<button type="submit" class="secondary">${w.rename}<span class="visually-hidden"> ${quoted}</span></button></form>
<form method="post" action="/api/accounts/passkeys/remove" data-enhance data-confirm="${w.confirmRemove(name)}"><input type="hidden" name="passkey" value="${h.escape(p.id)}"><button type="submit" class="secondary">${w.remove}<span class="visually-hidden"> ${quoted}</span></button></form></li>`;
}

/** The HTML of the passkey list and the sentence about the login's sign-in methods. */
export async function passkeySection(db: DrizzleD1Database, login: SignedInLogin, h: Html) {
  const passkeys = await listPasskeys(db, login.id);
  const [row] = await db.select({ totp: logins.totpSecret }).from(logins).where(eq(logins.id, login.id)).limit(1);
  const totp = Boolean(row?.totp);
  const w = h.words;
  const list = passkeys.length ? passkeys.map((p) => passkeyItem(p, h)).join('') : `<li>${w.noPasskey}</li>`;
  let methods: string;
  if (staffRoles.includes(login.role)) methods = w.staffMethods(passkeys.length ? w.count(passkeys.length) : null, totp);
  else if (passkeys.length) methods = w.customerMethods(w.count(passkeys.length), totp);
  else methods = w.noPasskeyMethods;
  return { list, methods };
}
