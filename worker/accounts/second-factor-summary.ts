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
import { formatsFor } from '../i18n/format';
import type { Locale } from '../i18n/locale';
import { securityWords } from './security-words';
import { recoveryCodeStatus } from './recovery-codes';
import { html, text } from '../http/html';

const remove = { element: (el: Element) => void el.remove() };

export type Factors = Awaited<ReturnType<typeof secondFactorsOf>> & { recoveryCodes: number };

export async function loginFactors(db: DrizzleD1Database, loginId: string): Promise<Factors> {
  const factors = await secondFactorsOf(db, loginId);
  const codes = await recoveryCodeStatus({ db }, loginId);
  return { ...factors, recoveryCodes: codes.unused };
}

/** How a sign-in in the recent list was proved, for the security page. */
export function signInMethodText(e: { secondFactor: boolean; method: string | null }, locale: Locale = 'en') {
  const method = securityWords[locale].method;
  if (e.method === 'passkey' || e.method === 'totp' || e.method === 'recovery_code') return method[e.method];
  return e.secondFactor ? method.totp : '';
}

/** The second-factor part of /account/security/ (the passkey part is worker/auth/passkeys/page.ts). */
export async function fillSecondFactorSummary(c: Context<AppEnv>, login: SignedInLogin, rewriter: HTMLRewriter) {
  const db = drizzle(c.env.DB);
  const locale = c.get('locale');
  const w = securityWords[locale];
  const when = formatsFor(locale).when;
  const factors = await loginFactors(db, login.id);
  const codes = await recoveryCodeStatus({ db }, login.id);
  const [enrolment] = await db.select({ enrolledAt: totpEnrolments.enrolledAt }).from(totpEnrolments).where(eq(totpEnrolments.loginId, login.id)).limit(1);
  const totp = factors.totp ? w.totpOn(enrolment?.enrolledAt ? when(enrolment.enrolledAt) : null) : w.totpOff;
  const recovery = !factors.any ? w.recoveryNeedsFactor : codes.total === 0 ? w.noRecoveryCodes : w.recoveryCodes(codes.unused, codes.total, codes.createdAt ? when(codes.createdAt) : null);
  let r = rewriter
    .on('[data-fill="totp-summary"]', html(totp))
    .on('[data-fill="recovery-summary"]', html(recovery))
    .on('[data-fill="totp-link"]', text(w.totpLink(factors.totp)));
  // A login with a second factor confirms an e-mail change with it (step-up), not with the password.
  if (factors.any) {
    r = r.on('[data-password-proof]', remove).on('[data-fill="email-step-up"]', text(w.emailStepUp));
  }
  return r;
}

