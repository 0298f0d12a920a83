/**
 * Judges a customer's answers against a program's questions (from its front matter), apart from
 * HTTP: every answer is checked for form first, then for eligibility; any problem is returned per
 * field (`answers.<question id>`) so the form shows it beside the question, and nothing is written.
 */
import type { FieldProblem } from '../http/errors';
import type { ProgramQuestion } from '../shared/program-catalog';

export type StoredAnswer = { id: string; label: string; answer: string; shown: string };
export type Judged = { ok: true; answers: StoredAnswer[]; installedOn: string | null } | { ok: false; problems: FieldProblem[]; ineligible: boolean };

const DAY_MS = 86_400_000;
const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
const longDay = (day: string) => new Date(`${day}T12:00:00Z`).toLocaleDateString('en-US', { timeZone: 'UTC', dateStyle: 'long' });

/** `today` is the utility's local day (YYYY-MM-DD): install dates are judged in its calendar. */
export function judgeAnswers(questions: ProgramQuestion[], given: Record<string, string>, today: string): Judged {
  const problems: FieldProblem[] = [];
  let ineligible = false;
  const answers: StoredAnswer[] = [];
  let installedOn: string | null = null;
  const known = new Set(questions.map((q) => q.id));
  for (const id of Object.keys(given)) if (!known.has(id)) problems.push({ field: `answers.${id}`, message: 'is not a question of this program' });

  for (const q of questions) {
    const field = `answers.${q.id}`;
    const value = (given[q.id] ?? '').trim();
    const refuse = (message: string) => void problems.push({ field, message });
    const notEligible = (fallback: string) => {
      ineligible = true;
      refuse('ineligible' in q && q.ineligible ? q.ineligible : fallback);
    };
    if (!value) {
      if (q.type === 'text' && q.optional) answers.push({ id: q.id, label: q.label, answer: '', shown: 'Not answered' });
      else refuse('is required');
      continue;
    }
    switch (q.type) {
      case 'yes-no': {
        if (value !== 'yes' && value !== 'no') refuse('must be yes or no');
        else if (q.eligibleAnswer && value !== q.eligibleAnswer) notEligible('does not meet the program’s conditions');
        else answers.push({ id: q.id, label: q.label, answer: value, shown: value === 'yes' ? 'Yes' : 'No' });
        break;
      }
      case 'choice': {
        const option = q.options.find((o) => o.value === value);
        if (!option) refuse('must be one of the choices offered');
        else if (!option.eligible) notEligible('does not meet the program’s conditions');
        else answers.push({ id: q.id, label: q.label, answer: value, shown: option.label });
        break;
      }
      case 'number': {
        if (!/^\d{1,9}$/.test(value)) refuse('must be a whole number');
        else if (Number(value) < q.min || Number(value) > q.max) {
          if (q.ineligible) notEligible('');
          else refuse(`must be from ${q.min} to ${q.max}`);
        } else answers.push({ id: q.id, label: q.label, answer: value, shown: Number(value).toLocaleString('en-US') });
        break;
      }
      case 'date': {
        if (!isDay(value)) refuse('must be a date (YYYY-MM-DD)');
        else if (value > today) refuse('cannot be in the future');
        else if (q.withinDays !== undefined && daysBetween(value, today) > q.withinDays) notEligible(`must be within the last ${q.withinDays} days`);
        else {
          answers.push({ id: q.id, label: q.label, answer: value, shown: longDay(value) });
          if (q.marksInstall) installedOn = value;
        }
        break;
      }
      case 'text': {
        if ([...value].length > q.maxLength) refuse(`must be at most ${q.maxLength} characters`);
        else answers.push({ id: q.id, label: q.label, answer: value, shown: value });
        break;
      }
    }
  }
  return problems.length ? { ok: false, problems, ineligible } : { ok: true, answers, installedOn };
}
