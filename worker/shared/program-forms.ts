/**
 * Request bodies and words of program applications (worker/programs/), shared by the worker, which
 * enforces them, and the site, whose forms name their fields after these keys. An application's
 * own questions and documents come from the program (worker/shared/program-catalog.ts): answers are
 * `answers.<question id>` fields, documents `documents.<document id>` files of a multipart form.
 */
import { z } from 'zod';
import type { ProgramApplicationStatus } from '../../db/schema/programs';

export const MAX_NOTE = 2000;

const uuid = (what: string) => z.string().regex(/^[0-9a-f-]{36}$/, `Not ${what}.`);
export const applicationParam = z.object({ id: uuid('an application') });
export const documentParam = z.object({ id: uuid('a document') });

const note = z.string().trim().max(MAX_NOTE, `At most ${MAX_NOTE} characters.`);

export const applyFields = z.object({
  program: z.string().trim().min(1, 'Choose a program.').max(80),
  account: z.string().trim().min(1, 'Choose the account this is for.').max(64),
});

/** The customer's answer to "we need more information": a note, documents, or both. */
export const respondBody = z.object({ note: note.optional().default('') });

/**
 * The customer withdraws an undecided application: a ticked "I want to withdraw this application"
 * box (a browser sends "on"; a script may send true) is the confirmation, so it works without JavaScript.
 */
export const withdrawBody = z.object({
  confirm: z.union([z.literal('on'), z.literal(true)], { error: 'Tick “I want to withdraw this application” to confirm.' }),
});

export const needInfoBody = z.object({ note: note.min(1, 'Say what information you need.') });
export const approveBody = z.object({ note: note.optional().default('') });
export const denyBody = z.object({ reason: note.min(1, 'Give the reason the customer will read.') });
export const payBody = z.object({
  amount: z
    .string()
    .trim()
    .regex(/^\d{1,5}(\.\d{2})?$/, 'An amount in dollars, such as 75 or 75.00.')
    .refine((s) => Number(s) > 0 && Number(s) <= 10_000, 'From $0.01 to $10,000.'),
  paidBy: z.enum(['bill_credit', 'cheque'], { message: 'Choose a bill credit or a cheque.' }),
});

export const staffProgramViews = ['submitted', 'need_info', 'approved', 'withdrawn'] as const;
export type StaffProgramView = (typeof staffProgramViews)[number];
export const staffProgramQuery = z.object({
  view: z.enum(staffProgramViews).default('submitted'),
  /** The last row of the previous page: `<updated_at>~<id>`. */
  after: z.string().regex(/^\d{4}-\d{2}-\d{2}T[0-9:.]+Z~[0-9a-f-]{36}$/, 'Not a page of the queue.').optional(),
});

export const statusLabels: Record<ProgramApplicationStatus, string> = {
  submitted: 'Submitted: we are checking it',
  need_info: 'We need more information from you',
  approved: 'Approved',
  denied: 'Denied',
  paid: 'Paid',
  withdrawn: 'Withdrawn',
};

export const staffViewLabels: Record<StaffProgramView, string> = { submitted: 'To check', need_info: 'Waiting on the customer', approved: 'Approved rebates to pay', withdrawn: 'Withdrawn by the customer' };

export const programErrorMessages: Record<string, string> = {
  invalid_request: 'Some of what you entered could not be used.',
  not_eligible: 'From your answers, this application cannot be accepted. The reason is shown beside each answer.',
  not_found: 'There is no such application.',
  wrong_status: 'The application has moved on since this page was loaded. Reload it to see where it is.',
  too_many_requests: 'You have sent many applications today. Please try again tomorrow, or call us.',
  payload_too_large: 'The documents are too large: at most 5 MB each.',
  unsupported_media_type: 'Send PDF, JPEG, PNG or HEIC files only.',
  unavailable: 'Applications cannot be taken just now. Please try again later.',
};

export const programStatusMessages: Record<string, string> = {
  applied: 'Your application is sent. We will e-mail you when its status changes.',
  responded: 'Your answer is sent. We will e-mail you when the status changes.',
  withdrawn: 'Your application is withdrawn. We will not decide it; you can apply again at any time.',
  'asked-for-info': 'The customer is asked for more information and told by e-mail.',
  approved: 'The application is approved and the customer told by e-mail.',
  denied: 'The application is denied and the customer told by e-mail, with the reason in the portal.',
  paid: 'The payment is recorded and the customer told by e-mail.',
};

export const programFieldLabels: Record<string, string> = { program: 'the program', account: 'the account', note: 'your note', reason: 'the reason', amount: 'the amount', paidBy: 'how it is paid', confirm: '“I want to withdraw this application”' };
