import type { consentMethods } from '../../db/schema';
import { COOKIE_POLICY_VERSION, CONSENT_MAX_AGE_SECONDS } from '../shared/cookie-registry';

export type ConsentMethod = (typeof consentMethods)[number];

/** One recorded choice, as the consent cookie carries it (signed) and a proof row stores it. */
export type ConsentState = {
  consentId: string;
  policyVersion: string;
  preferences: boolean;
  analytics: boolean;
  gpc: boolean;
  method: ConsentMethod;
  /** When the choice was recorded, whole seconds since the epoch. */
  givenAt: number;
};

/** The consent that governs one request: what was recorded, whether it still counts, and what it allows. */
export type ConsentView = {
  /** The verified cookie's state, or null without a valid cookie. Kept even when stale, to reuse its consent id. */
  state: ConsentState | null;
  /** The recorded consent is for the current policy version and younger than 12 months. */
  current: boolean;
  /** The reason a recorded consent no longer counts. */
  staleBecause: 'policy_version' | 'expired' | null;
  /** The visitor has made a choice we still rely on: no banner. A GPC-only record still shows the banner. */
  chosen: boolean;
  /** This request carries a Global Privacy Control signal. */
  gpcSignal: boolean;
  /** Categories the visitor allows right now; a GPC signal always turns analytics off. */
  allowed: { necessary: true; preferences: boolean; analytics: boolean };
};

export function viewConsent(state: ConsentState | null, options: { gpcSignal: boolean; nowSeconds: number }): ConsentView {
  let staleBecause: ConsentView['staleBecause'] = null;
  if (state && state.policyVersion !== COOKIE_POLICY_VERSION) staleBecause = 'policy_version';
  else if (state && options.nowSeconds - state.givenAt > CONSENT_MAX_AGE_SECONDS) staleBecause = 'expired';
  const current = state !== null && staleBecause === null;
  return {
    state,
    current,
    staleBecause,
    chosen: current && state.method !== 'gpc',
    gpcSignal: options.gpcSignal,
    allowed: {
      necessary: true,
      preferences: current && state.preferences,
      analytics: current && state.analytics && !state.gpc && !options.gpcSignal,
    },
  };
}

/**
 * Whether a GPC signal should append a "gpc" proof record: only when it turns off analytics that a
 * current consent of ours allowed. A visitor with no consent cookie (or a stale one) has analytics
 * off already; the signal itself is their opt-out and is honoured on every request, so nothing is
 * stored for them (a row per page view would grow without bound).
 */
export function gpcNeedsRecording(view: ConsentView): boolean {
  return view.gpcSignal && view.current && view.state!.analytics;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
