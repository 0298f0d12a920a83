/**
 * What a login has as second factors, in words for the security page and its sign-in list. Kept
 * apart from the page routes (worker/accounts/second-factor-pages.ts) because worker/accounts/
 * pages.ts uses it and the page routes use pages.ts.
 */
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { totpEnrolments } from '../../db/schema';
import type { AppEnv } from '../app-types';
import type { SignedInLogin } from '../auth/sessions';
import { secondFactorsOf } from '../auth/step-up';
import { utility } from '../shared/utility';
import { recoveryCodeStatus } from './recovery-codes';
import { html, text } from '../http/html';

const remove = { element: (el: Element) => void el.remove() };
const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: utility.timeZone });
const when = (iso: string) => `<time datetime="${iso.replace(/[^0-9A-Za-z:.+-]/g, '')}">${dateTime.format(new Date(iso))}</time>`;

export type Factors = Awaited<ReturnType<typeof secondFactorsOf>> & { recoveryCodes: number };

export async function loginFactors(db: DrizzleD1Database, loginId: string): Promise<Factors> {
  const factors = await secondFactorsOf(db, loginId);
  const codes = await recoveryCodeStatus({ db }, loginId);
  return { ...factors, recoveryCodes: codes.unused };
}

/** How a sign-in in the recent list was proved, for the security page. */
export function signInMethodText(e: { secondFactor: boolean; method: string | null }) {
  switch (e.method) {
    case 'passkey':
      return ', with a passkey';
    case 'totp':
      return ', with authenticator code';
    case 'recovery_code':
      return ', with a recovery code';
    default:
      return e.secondFactor ? ', with authenticator code' : '';
  }
}

/** The second-factor part of /account/security/ (the passkey part is worker/auth/passkeys/page.ts). */
export async function fillSecondFactorSummary(c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) {
  const db = drizzle(c.env.DB);
  const factors = await loginFactors(db, login.id);
  const codes = await recoveryCodeStatus({ db }, login.id);
  const [enrolment] = await db.select({ enrolledAt: totpEnrolments.enrolledAt }).from(totpEnrolments).where(eq(totpEnrolments.loginId, login.id)).limit(1);
  const totp = factors.totp
    ? `An authenticator app is set up${enrolment?.enrolledAt ? ` (since ${when(enrolment.enrolledAt)})` : ''}: signing in asks for its code after your password.`
    : 'No authenticator app is set up. An app on your phone (any that shows 6-digit codes) makes a stolen password useless on its own.';
  const recovery = !factors.any
    ? 'Recovery codes come with a second factor: set up an authenticator app or add a passkey first.'
    : codes.total === 0
      ? 'You have no recovery codes yet. Make some now, so that a lost phone never locks you out.'
      : `${codes.unused} of ${codes.total} recovery codes are unused${codes.createdAt ? ` (made ${when(codes.createdAt)})` : ''}.${codes.unused <= 3 ? ' Make new ones soon.' : ''}`;
  let r = rewriter
    .on('[data-fill="totp-summary"]', html(totp))
    .on('[data-fill="recovery-summary"]', html(recovery))
    .on('[data-fill="totp-link"]', text(factors.totp ? 'Remove or review the authenticator app' : 'Set up an authenticator app'));
  // A login with a second factor confirms an e-mail change with it (step-up), not with the password.
  if (factors.any) {
    r = r.on('[data-password-proof]', remove).on('[data-fill="email-step-up"]', text('Before the link is sent, you will be asked to confirm it is you with your passkey or authenticator app.'));
  }
  return r;
}

