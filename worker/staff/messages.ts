/**
 * Every word the staff request page says about a refused action, keyed by error code and field.
 * The action's redirect carries only codes and field names (never text a link could forge).
 */
import type { ProblemCatalog } from '../requests/page-fill';

export const staffActionProblems: ProblemCatalog = {
  errors: {
    invalid_request: 'Some fields of that action need your attention.',
    invalid_transition: 'That step is not possible from the request\'s current status (a request is extended at most once, and a closed one stays closed).',
    conflict: 'Someone else changed this request a moment ago. Check it below and try again.',
    not_a_correction: 'This request is not a correction.',
    no_account: 'No utility account matched this request. Refuse it as unverifiable instead.',
    no_address: 'The account has no e-mail address on file to send the package to. Contact the customer another way, or refuse with a reason.',
    not_found: 'There is no such request.',
    forbidden: 'Your role does not allow that action.',
  },
  fallback: 'The action was not done. Reload the request and try again.',
  fields: {
    note: { message: 'A note is at most 500 characters, and holds no personal data.', anchor: 'note-start' },
    reason: { message: 'Give the reason the requester will read (5 to 2,000 characters).', anchor: null },
    days: { message: 'Extend by a whole number of days, from 1 to 45.' },
    decision: { message: 'Choose to apply or to refuse the correction.', anchor: null },
  },
};
