/**
 * The e-mails an application sends: its receipt, and each change of status. They name the program
 * and the new status and link to the application; what staff wrote (the information they need, the
 * reason for a denial) stays behind the sign-in.
 */
import type { ProgramApplicationStatus } from '../../db/schema/programs';
import { utility } from '../shared/utility';

const pageOf = (origin: string, id: string) => `${origin}/account/programs/application/?id=${encodeURIComponent(id)}`;

export const receivedMail = (origin: string, program: string, id: string) => ({
  subject: `We received your application: ${program}`,
  text: `Hello,\n\nWe received your application for "${program}". We will e-mail you each time its status changes; you can follow it in your account:\n\n${pageOf(origin, id)}\n\n${utility.name}\n`,
});

const changes: Record<ProgramApplicationStatus, string> = {
  submitted: 'is back with our team',
  need_info: 'needs more information from you. Sign in to see what we need and to answer',
  approved: 'is approved. Sign in to see the details',
  denied: 'was not approved. Sign in to see the reason; if you think we got it wrong, write to us from "Messages to support" in your account, or call us',
  paid: 'is paid. Sign in to see the amount and how it was paid',
};

export const applicationMail = (origin: string, program: string, id: string, status: ProgramApplicationStatus) => ({
  subject: `Your application for ${program}: ${status === 'need_info' ? 'we need more information' : status === 'submitted' ? 'back with our team' : status}`,
  text: `Hello,\n\nYour application for "${program}" ${changes[status]}:\n\n${pageOf(origin, id)}\n\n${utility.name}\n`,
});
