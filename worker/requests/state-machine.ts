/**
 * The life of a privacy request. Every change goes through `assertTransition` and is written,
 * in the same batch, to the append-only history table with who and when.
 *
 *   received → verifying → verified → in_progress → fulfilled
 *                                   ↘ extended ↗   ↘ refused (with a reason)
 * `extended` happens at most once and continues to in_progress, fulfilled or refused.
 */
import type { PrivacyRequestState } from '../../db/schema';

export const transitions: Record<PrivacyRequestState, readonly PrivacyRequestState[]> = {
  received: ['verifying', 'verified', 'refused'],
  verifying: ['verified', 'refused'],
  verified: ['in_progress', 'extended', 'refused'],
  in_progress: ['fulfilled', 'extended', 'refused'],
  extended: ['in_progress', 'fulfilled', 'refused'],
  fulfilled: [],
  refused: [],
};

export const closedStates: readonly PrivacyRequestState[] = ['fulfilled', 'refused'];

export class TransitionError extends Error {
  constructor(readonly from: PrivacyRequestState, readonly to: PrivacyRequestState, message?: string) {
    super(message ?? `A request that is ${from} cannot become ${to}.`);
  }
}

export function canTransition(from: PrivacyRequestState, to: PrivacyRequestState): boolean {
  return transitions[from].includes(to);
}

/** Throws TransitionError unless `from → to` is allowed; an extension is allowed only once. */
export function assertTransition(from: PrivacyRequestState, to: PrivacyRequestState, options: { alreadyExtended?: boolean } = {}) {
  if (!canTransition(from, to)) throw new TransitionError(from, to);
  if (to === 'extended' && options.alreadyExtended) throw new TransitionError(from, to, 'A request can be extended only once.');
}

export const stateLabels: Record<PrivacyRequestState, string> = {
  received: 'Received',
  verifying: 'Waiting for identity verification',
  verified: 'Identity verified',
  in_progress: 'In progress',
  extended: 'Extended',
  fulfilled: 'Completed',
  refused: 'Refused',
};
