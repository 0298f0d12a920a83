/** Quiet hours on the utility's clock, alone: ranges past midnight, DST days, the leak exception. */
import { describe, expect, it } from 'vitest';
import { quietHoursEnd, textNotBefore } from '../../worker/alerts/delivery/quiet-hours';

const TZ = 'America/Los_Angeles';
const night = { start: '21:00', end: '08:00' };
const at = (iso: string) => new Date(iso);

describe('quiet hours', () => {
  it('runs past midnight: 23:30 and 06:00 are quiet, until 08:00 that morning', () => {
    // 23:30 PDT on 3 October → 08:00 PDT on 4 October.
    expect(quietHoursEnd(at('2026-10-04T06:30:00Z'), night, TZ)?.toISOString()).toBe('2026-10-04T15:00:00.000Z');
    // 06:00 PDT on 4 October → 08:00 the same morning.
    expect(quietHoursEnd(at('2026-10-04T13:00:00Z'), night, TZ)?.toISOString()).toBe('2026-10-04T15:00:00.000Z');
  });

  it('is not quiet from the end time to the start time', () => {
    expect(quietHoursEnd(at('2026-10-04T15:00:00Z'), night, TZ)).toBeNull(); // 08:00 exactly
    expect(quietHoursEnd(at('2026-10-05T03:59:00Z'), night, TZ)).toBeNull(); // 20:59
    expect(quietHoursEnd(at('2026-10-05T04:00:00Z'), night, TZ)?.toISOString()).toBe('2026-10-05T15:00:00.000Z'); // 21:00
  });

  it('handles a range within one day (13:00 to 15:00, a nap)', () => {
    const nap = { start: '13:00', end: '15:00' };
    expect(quietHoursEnd(at('2026-10-04T20:30:00Z'), nap, TZ)?.toISOString()).toBe('2026-10-04T22:00:00.000Z'); // 13:30 PDT
    expect(quietHoursEnd(at('2026-10-04T19:59:00Z'), nap, TZ)).toBeNull(); // 12:59 PDT
  });

  it('ends at 08:00 local on the morning the clocks fall back (a 25-hour night)', () => {
    // 1 November 2026: PDT ends at 02:00. 23:00 PDT on 31 October → 08:00 PST = 16:00 UTC.
    expect(quietHoursEnd(at('2026-11-01T06:00:00Z'), night, TZ)?.toISOString()).toBe('2026-11-01T16:00:00.000Z');
    // 01:30 in the repeated hour (PST) is still quiet, to the same 08:00.
    expect(quietHoursEnd(at('2026-11-01T09:30:00Z'), night, TZ)?.toISOString()).toBe('2026-11-01T16:00:00.000Z');
  });

  it('ends at 08:00 local on the morning the clocks spring forward, and an end in the skipped hour means 03:00', () => {
    // 8 March 2026: 02:00 PST becomes 03:00 PDT. 23:00 PST on 7 March → 08:00 PDT = 15:00 UTC.
    expect(quietHoursEnd(at('2026-03-08T07:00:00Z'), night, TZ)?.toISOString()).toBe('2026-03-08T15:00:00.000Z');
    // Quiet 22:00 to 02:30: 02:30 does not exist that night; the hold ends when the clock jumps (03:00 PDT = 10:00 UTC).
    expect(quietHoursEnd(at('2026-03-08T07:00:00Z'), { start: '22:00', end: '02:30' }, TZ)?.toISOString()).toBe('2026-03-08T10:00:00.000Z');
  });

  it('holds nothing without quiet hours', () => {
    expect(quietHoursEnd(at('2026-10-04T06:30:00Z'), null, TZ)).toBeNull();
  });

  it('lets a leak through only when the customer asked for it, and never anything else', () => {
    const now = at('2026-10-04T06:30:00Z');
    expect(textNotBefore(now, night, TZ, { leak: true, leakAlertsInQuietHours: true })).toEqual(now);
    expect(textNotBefore(now, night, TZ, { leak: true, leakAlertsInQuietHours: false }).toISOString()).toBe('2026-10-04T15:00:00.000Z');
    expect(textNotBefore(now, night, TZ, { leak: false, leakAlertsInQuietHours: true }).toISOString()).toBe('2026-10-04T15:00:00.000Z');
  });
});
