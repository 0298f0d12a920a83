/**
 * Program applications in the demo data, so that `npm start` shows each side of the capability:
 * the demo customer (acct-0001) had a toilet rebate approved and paid by cheque, which the usage
 * page marks on the day it was installed, and waits on a smart irrigation controller application
 * for which the program team asked a question. The program staff login works both from
 * /staff/programs/. No documents: local R2 starts empty.
 */
import { DEMO_CUSTOMER } from './logins';

const toiletAnswers = [
  { id: 'old-toilet-flush', label: 'How much water did the old toilet use per flush?', answer: 'three-or-more', shown: '3 gallons or more' },
  { id: 'watersense', label: 'Is the new toilet WaterSense labelled, at 1.28 gallons per flush or less?', answer: 'yes', shown: 'Yes' },
  { id: 'toilets', label: 'How many toilets did you replace?', answer: '1', shown: '1' },
  { id: 'installed-on', label: 'When was the new toilet installed?', answer: '2026-10-06', shown: 'October 6, 2026' },
];
const controllerAnswers = [
  { id: 'sprinklers', label: 'Does the home have an automatic sprinkler system?', answer: 'yes', shown: 'Yes' },
  { id: 'watersense', label: 'Is the controller on the EPA WaterSense list?', answer: 'yes', shown: 'Yes' },
  { id: 'price', label: 'What did the controller cost, in whole dollars?', answer: '189', shown: '189' },
  { id: 'installed-on', label: 'When was the controller installed?', answer: '2026-11-14', shown: 'November 14, 2026' },
];

const q = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`);

/** Literal SQL (the demo loader runs it in one batch after the logins). */
export function demoProgramSql(): string[] {
  const toilet = 'a0000000-0000-4000-8000-000000000001';
  const controller = 'a0000000-0000-4000-8000-000000000002';
  const customer = DEMO_CUSTOMER.id;
  const staff = 'login-demo-programs';
  const application = (id: string, program: string, title: string, answers: unknown, installedOn: string, status: string, note: string | null, paid: [number, string, string] | null, created: string, updated: string, decided: string | null, deleteOn: string | null) =>
    `INSERT INTO program_applications (id, account_id, applicant_login_id, program_id, program_title, program_kind, answers, installed_on, status, staff_note, paid_cents, paid_on, paid_by, created_at, updated_at, decided_at, documents_delete_on, documents_kept_days) VALUES (${[
      id, DEMO_CUSTOMER.accountId, customer, program, title, 'rebate', JSON.stringify(answers), installedOn, status, note, paid?.[0] ?? null, paid?.[1] ?? null, paid?.[2] ?? null, created, updated, decided, deleteOn, 90,
    ].map(q).join(', ')})`;
  const event = (applicationId: string, status: string, note: string | null, actorKind: string, actor: string, at: string) =>
    `INSERT INTO program_application_events (id, application_id, status, note, actor_kind, actor_login_id, at) VALUES (${[crypto.randomUUID(), applicationId, status, note, actorKind, actor, at].map(q).join(', ')})`;
  return [
    application(toilet, 'efficient-toilet', 'High-efficiency toilet rebate', toiletAnswers, '2026-10-06', 'paid', null, [7500, '2026-11-02', 'cheque'], '2026-10-12T16:20:00.000Z', '2026-11-02T18:05:00.000Z', '2026-11-02T18:05:00.000Z', '2027-01-31'),
    event(toilet, 'submitted', null, 'customer', customer, '2026-10-12T16:20:00.000Z'),
    event(toilet, 'approved', 'The toilet is on the WaterSense list. Thank you for saving water.', 'staff', staff, '2026-10-20T17:40:00.000Z'),
    event(toilet, 'paid', '$75.00 by cheque', 'staff', staff, '2026-11-02T18:05:00.000Z'),
    application(controller, 'smart-irrigation-controller', 'Smart irrigation controller rebate', controllerAnswers, '2026-11-14', 'need_info', 'The receipt does not show the model. Please send a photo of the label on the controller.', null, '2026-11-16T19:02:00.000Z', '2026-11-18T16:30:00.000Z', null, null),
    event(controller, 'submitted', null, 'customer', customer, '2026-11-16T19:02:00.000Z'),
    event(controller, 'need_info', 'The receipt does not show the model. Please send a photo of the label on the controller.', 'staff', staff, '2026-11-18T16:30:00.000Z'),
  ];
}
