import { describe, expect, it } from 'vitest';
import { addBusinessDays, addCalendarDays, deadlinesFor, extendedDueOn, isBusinessDay, localDate, urgency, usFederalHolidays } from '../../worker/requests/deadlines';
import { assertTransition, canTransition, transitions } from '../../worker/requests/state-machine';

describe('deadline arithmetic', () => {
  it('counts 45 calendar days from the utility-local day of receipt', () => {
    // 2026-11-25 03:00 UTC is still Nov 24 in California.
    expect(deadlinesFor('know', new Date('2026-11-25T03:00:00Z'), 'America/Los_Angeles').dueOn).toBe('2027-01-08');
    expect(deadlinesFor('delete', new Date('2026-11-25T20:00:00Z'), 'America/Los_Angeles').dueOn).toBe('2027-01-09');
  });

  it('crosses month, year and leap days in calendar arithmetic', () => {
    expect(addCalendarDays('2028-02-20', 45)).toBe('2028-04-05');
    expect(addCalendarDays('2027-02-20', 45)).toBe('2027-04-06');
    expect(addCalendarDays('2026-12-20', 45)).toBe('2027-02-03');
  });

  it('is not shifted by daylight-saving changes', () => {
    expect(localDate(new Date('2026-03-08T09:30:00Z'), 'America/Los_Angeles')).toBe('2026-03-08');
    expect(localDate(new Date('2026-11-01T08:30:00Z'), 'America/Los_Angeles')).toBe('2026-11-01');
    expect(addCalendarDays('2026-03-01', 10)).toBe('2026-03-11');
  });

  it('knows the US federal holidays, observed on the nearest weekday', () => {
    expect(usFederalHolidays(2026)).toEqual(['2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19', '2026-07-03', '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25']);
    expect(usFederalHolidays(2027)).toContain('2027-12-24'); // Christmas on a Saturday
    expect(isBusinessDay('2027-12-31')).toBe(false); // New Year's Day 2028 is a Saturday: observed Dec 31
  });

  it('acknowledges within 10 business days, skipping weekends and holidays', () => {
    // Received Mon 2026-11-23: Thanksgiving (Thu 26) and two weekends skipped.
    expect(addBusinessDays('2026-11-23', 10)).toBe('2026-12-08');
    expect(deadlinesFor('know', new Date('2026-11-23T18:00:00Z'), 'America/Los_Angeles').acknowledgeBy).toBe('2026-12-08');
    // Received on a Friday: the count starts on Monday.
    expect(addBusinessDays('2026-10-02', 1)).toBe('2026-10-05');
    // Received on a Saturday before Christmas week.
    expect(addBusinessDays('2026-12-19', 5)).toBe('2026-12-28');
  });

  it('gives opt-outs 15 business days', () => {
    expect(deadlinesFor('opt_out', new Date('2026-11-23T18:00:00Z'), 'America/Los_Angeles').dueOn).toBe('2026-12-15');
  });

  it('extends once by up to 45 calendar days', () => {
    expect(extendedDueOn('2027-01-08', 45)).toBe('2027-02-22');
    expect(() => extendedDueOn('2027-01-08', 46)).toThrow(RangeError);
    expect(() => extendedDueOn('2027-01-08', 0)).toThrow(RangeError);
  });

  it('marks overdue and nearly-due requests', () => {
    expect(urgency('2026-11-20', '2026-11-24', false)).toBe('overdue');
    expect(urgency('2026-11-30', '2026-11-24', false)).toBe('nearly_due');
    expect(urgency('2026-12-31', '2026-11-24', false)).toBe('on_time');
    expect(urgency('2026-11-20', '2026-11-24', true)).toBe('closed');
  });
});

describe('request states', () => {
  it('allows exactly the documented transitions', () => {
    const allowed = Object.entries(transitions).flatMap(([from, tos]) => tos.map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(
      [
        'received→verifying', 'received→verified', 'received→refused',
        'verifying→verified', 'verifying→refused',
        'verified→in_progress', 'verified→extended', 'verified→refused',
        'in_progress→fulfilled', 'in_progress→extended', 'in_progress→refused',
        'extended→in_progress', 'extended→fulfilled', 'extended→refused',
      ].sort(),
    );
    expect(canTransition('fulfilled', 'in_progress')).toBe(false);
    expect(canTransition('received', 'fulfilled')).toBe(false);
  });

  it('allows one extension only', () => {
    expect(() => assertTransition('in_progress', 'extended', { alreadyExtended: true })).toThrow(/only once/);
    expect(() => assertTransition('in_progress', 'extended', { alreadyExtended: false })).not.toThrow();
  });
});
