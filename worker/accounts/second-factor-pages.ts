/**
 * The second-factor pages, static shells the worker completes per request (as worker/accounts/
 * pages.ts does for the other account pages), so each works without JavaScript except the
 * passkey buttons, which say so:
 * - /login/second-factor/: offers what the pending sign-in's login has (passkey, authenticator
 *   code, recovery code);
 * - /account/confirm/: step-up, offering the same (or the password when the login has none);
 * - /account/security/totp/: set up (QR code drawn here, secret as text) or remove the app;
 * - /account/security/recovery-codes/: how many are left; new codes are shown once, as the answer
 *   to the POST that made them (never in a URL, never stored but hashed);
 * - /account/end-session/: the new-device notice's link lands here (its secret in the fragment);
 * - the summary on /account/security/.
 */
import { drizzle } from 'drizzle-orm/d1';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-types';
import { requireLogin } from '../auth/require-login';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions';
import { safeReturnPath, secondFactorsOf, STEP_UP_MS, steppedUpUntil } from '../auth/step-up';
import { qrSvg } from '../auth/totp-qr';
import { utility } from '../tenants/scope';
import { accountDeps, accountsOnError, isPlainFormPost } from './http';
import { escapeHtml, publicPage, send, shellFor, signedInPage, withMessage, type Filler } from './pages';
import { pendingTotp } from './totp-enrolment';
import { createRecoveryCodes, recoveryCodeStatus } from './recovery-codes';
import { loginFactors, type Factors } from './second-factor-summary';
import { ensureSteppedUp } from '../auth/step-up';
import { ApiError } from '../http/errors';
import { deliverSoon } from '../mail/deliver';
import { executionContext } from './http';
import { html, text } from '../http/html';
import { formatsFor } from '../i18n/format';
import { secondFactorWords } from './second-factor-words';
import { bothLanguages, isSpanishPath, pagePathIn, type Locale } from '../i18n/locale';
import { spanishTwins } from '../i18n/twins';
import { intlTags } from '../../site/i18n';

const remove = { element: (el: Element) => void el.remove() };

async function factorsWithCodes(c: Context<AppEnv>, loginId: string): Promise<Factors> {
  return loginFactors(drizzle(c.env.DB), loginId);
}

/** Keeps only the `[data-factor]` sections the login can use. */
function offerFactors(rewriter: HTMLRewriter, factors: Factors, password: boolean) {
  const keep: Record<string, boolean> = { passkey: factors.passkeys > 0, totp: factors.totp, recovery: factors.any && factors.recoveryCodes > 0, password };
  for (const [factor, shown] of Object.entries(keep)) if (!shown) rewriter.on(`[data-factor="${factor}"]`, remove);
  return rewriter;
}

/** /login/second-factor/: what the pending sign-in's login can use; every way when there is no pending sign-in (the forms then say it expired). */
const secondStepPage = async (c: Context<AppEnv>) => {
  const token = getCookie(c, SESSION_COOKIE);
  const db = drizzle(c.env.DB);
  const pending = token ? await resolveSession(db, token, new Date(), { allowPending: true }) : null;
  const asset = await shellFor(c);
  if (!asset.ok) return new Response(asset.body, asset);
  const rewriter = withMessage(c, new HTMLRewriter());
  if (pending && !pending.secondFactor) offerFactors(rewriter, await factorsWithCodes(c, pending.id), false);
  return send(c, asset, rewriter);
};

/** /account/confirm/: step-up. */
const fillConfirm: Filler = async (c, login, rewriter) => {
  const db = drizzle(c.env.DB);
  const factors = await factorsWithCodes(c, login.id);
  const back = safeReturnPath(c.req.query('return'));
  const until = await steppedUpUntil(db, login, new Date(), factors);
  offerFactors(rewriter, factors, !factors.any);
  const locale = c.get('locale');
  // The form returns to `back` through a redirect (which the i18n middleware localizes); the link goes there itself.
  const backLink = pagePathIn(locale, back, await spanishTwins(c.env.ASSETS, new URL(c.req.url).origin));
  return rewriter
    .on('input[name="return"]', { element: (el) => void el.setAttribute('value', back) })
    .on('[data-fill="return-link"]', {
      element(el) {
        el.setAttribute('href', backLink);
        if (locale !== 'en' && !isSpanishPath(backLink)) el.setAttribute('hreflang', 'en');
        else el.removeAttribute('hreflang');
      },
    })
    // A Spanish page marks a way back to an English-only page as English; the mark goes when the way back is Spanish.
    .on('[data-fill="return-english"]', { element: (el) => void (isSpanishPath(backLink) ? el.remove() : el.removeAttribute('hidden')) })
    .on('[data-fill="step-up-state"]', text(stepUpState[locale](until)));
};

/** The confirmation page's line about the current proof, in the page's language. */
const stepUpState: Record<Locale, (until: Date | null) => string> = {
  en: (until) =>
    until
      ? `You confirmed it is you recently: you can go ahead until ${clock('en', until)}.`
      : `Confirming lets you make sensitive changes for the next ${STEP_UP_MS / 60_000} minutes.`,
  es: (until) =>
    until
      ? `Hace poco confirmó que es usted: puede seguir adelante hasta ${/^1\D/.test(clock('es', until)) ? 'la' : 'las'} ${clock('es', until)}.`
      : `Al confirmar, podrá hacer cambios delicados durante los próximos ${STEP_UP_MS / 60_000} minutos.`,
};
const clock = (locale: Locale, at: Date) => new Intl.DateTimeFormat(intlTags[locale], { timeStyle: 'short', timeZone: utility().timeZone }).format(at);

/** /account/security/totp/: which state the set-up is in, and for a pending one, the QR code and key. */
const fillTotp: Filler = async (c, login, rewriter) => {
  const deps = await accountDeps(c);
  const factors = await secondFactorsOf(deps.db, login.id);
  const pending = factors.totp ? null : await pendingTotp(deps, login.id, c.env.TOTP_ENCRYPTION_KEYS);
  const state = factors.totp ? 'enabled' : pending ? 'pending' : 'start';
  for (const s of ['enabled', 'pending', 'start']) if (s !== state) rewriter.on(`[data-state="${s}"]`, remove);
  if (!pending) return rewriter;
  const grouped = pending.secret.match(/.{1,4}/g)!.join(' ');
  const locale = c.get('locale');
  const words = secondFactorWords[locale];
  return rewriter
    .on('[data-fill="totp-qr"]', html(qrSvg(pending.uri, words.qrAlt(utility().shortName))))
    .on('[data-fill="totp-secret"]', text(grouped))
    .on('[data-fill="totp-uri"]', { element: (el) => void el.setAttribute('href', pending.uri) })
    .on('[data-fill="totp-expires"]', html(words.setUpEnds(formatsFor(locale).when(pending.expiresAt))));
};

/** /account/security/recovery-codes/: the count and when they were made (never the codes: they were shown once). */
const fillRecoveryCodes: Filler = async (c, login, rewriter) => {
  const factors = await factorsWithCodes(c, login.id);
  const codes = await recoveryCodeStatus({ db: drizzle(c.env.DB) }, login.id);
  rewriter.on('[data-state="codes"]', remove);
  if (!factors.any) return rewriter.on('[data-state="status"]', remove);
  rewriter.on('[data-state="no-factor"]', remove);
  const locale = c.get('locale');
  const words = secondFactorWords[locale];
  const status = codes.total === 0 ? words.noCodes : words.codes(codes.unused, codes.total, codes.createdAt ? formatsFor(locale).when(codes.createdAt) : null);
  return rewriter.on('[data-fill="recovery-status"]', html(status));
};

/**
 * POST /api/accounts/recovery-codes: a new set, after step-up, for a login with a second factor.
 * The codes are the answer itself: a plain form gets the page with the codes (200, no-store), a
 * script gets JSON. Nothing else ever shows them again.
 */
async function makeRecoveryCodes(c: Context<AppEnv>) {
  const login = c.var.login;
  const deps = await accountDeps(c);
  await ensureSteppedUp(deps, login, { returnTo: '/account/security/recovery-codes/' });
  const factors = await secondFactorsOf(deps.db, login.id);
  if (!factors.any) throw new ApiError(409, 'second_factor_missing', 'Recovery codes come with a second factor: set up an authenticator app or add a passkey first.');
  const codes = await createRecoveryCodes(deps, login.id);
  deliverSoon(executionContext(c), c.env, deps.db);
  c.header('Cache-Control', 'no-store');
  if (!isPlainFormPost(c)) return c.json({ status: 'recovery-codes-created', codes });
  // The page in the language of the page that sent the form (c.var.locale, from its Referer).
  const locale = c.get('locale');
  const asset = await shellFor(c, `${locale === 'es' ? '/es' : ''}/account/security/recovery-codes/`);
  if (!asset.ok) return new Response(asset.body, asset);
  const list = codes.map((code) => `<li><code>${escapeHtml(code)}</code></li>`).join('');
  const rewriter = new HTMLRewriter()
    .on('[data-state="status"]', remove)
    .on('[data-state="no-factor"]', remove)
    .on('[data-fill="recovery-codes"]', html(list))
    .on('[data-message]', {
      element(el) {
        el.removeAttribute('hidden');
        el.setAttribute('class', 'message message-status');
        el.setInnerContent(secondFactorWords[locale].newCodes);
      },
    });
  return send(c, asset, rewriter);
}

export const secondFactorPages = new Hono<AppEnv>()
  .on(['GET'], bothLanguages('/login/second-factor/'), secondStepPage)
  .on(['GET'], bothLanguages('/account/confirm/'), signedInPage(fillConfirm))
  .on(['GET'], bothLanguages('/account/security/totp/'), signedInPage(fillTotp))
  .on(['GET'], bothLanguages('/account/security/recovery-codes/'), signedInPage(fillRecoveryCodes))
  .on(['GET'], bothLanguages('/account/end-session/'), publicPage());

/** Mounted under /api/accounts (worker/accounts/second-factor-routes.ts). */
export const recoveryCodesApi = new Hono<AppEnv>().post('/recovery-codes', requireLogin, makeRecoveryCodes);
recoveryCodesApi.onError(accountsOnError);
