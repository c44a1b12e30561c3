import { beforeEach, describe, expect, it } from 'vitest';
import { expandCalendar, type CalendarWindows } from '../../domain/calendar/expand';
import {
  addBusiness,
  businessClock,
  businessElapsed,
  isOpen,
  nextOpen,
  openUntil,
  type BusinessClock,
} from '../../domain/calendar/business-time';
import { localToUtc } from '../../domain/calendar/zone';
import { ALL_DAYS, D, H, WEEKDAYS5, at, calendar, clockOf, iso } from './helpers';

const dayOf = (isoDate: string): number => Date.parse(`${isoDate}T00:00:00Z`) / D;

// Windows and clocks shared by a describe are built in a beforeEach, not when the file loads: Stryker
// counts a mutant reached at load as static and runs the whole mutation suite against it.

describe('localToUtc', () => {
  it('moves a time skipped by spring-forward to after the gap (New York, 2026-03-08 02:30)', () => {
    expect(iso(localToUtc('America/New_York', dayOf('2026-03-08'), 150))).toBe('2026-03-08T07:30:00.000Z');
  });
  it('resolves a repeated time on fall-back to the earlier instant (New York, 2026-11-01 01:30)', () => {
    expect(iso(localToUtc('America/New_York', dayOf('2026-11-01'), 90))).toBe('2026-11-01T05:30:00.000Z');
  });
  it('maps 24:00 to the next local midnight', () => {
    expect(iso(localToUtc('America/Bogota', dayOf('2026-11-16'), 1440))).toBe('2026-11-17T05:00:00.000Z');
  });
});

describe('DST transitions', () => {
  const ny = calendar({
    zone: 'America/New_York',
    businessDayHours: 8,
    weekly: [{ days: WEEKDAYS5, from: '09:00', to: '17:00' }],
  });

  it('keeps 09:00-17:00 local on both sides of New York spring-forward', () => {
    const { windows } = clockOf(ny, at('2026-03-06T00:00Z'), 4);
    expect(windows.windows.map((w) => [iso(w.start), iso(w.end)])).toEqual([
      ['2026-03-06T14:00:00.000Z', '2026-03-06T22:00:00.000Z'],
      ['2026-03-09T13:00:00.000Z', '2026-03-09T21:00:00.000Z'],
    ]);
  });

  it('adds business hours across the New York fall-back weekend', () => {
    const { clock } = clockOf(ny, at('2026-10-30T00:00Z'), 10);
    // Friday 16:00 EDT + 2h: 1h on Friday, 1h on Monday from 09:00 EST.
    expect(iso(addBusiness(clock, at('2026-10-30T16:00-04:00'), 2 * H))).toBe('2026-11-02T15:00:00.000Z');
  });

  const santiago24x7 = calendar({
    zone: 'America/Santiago',
    businessDayHours: 24,
    weekly: [{ days: ALL_DAYS, from: '00:00', to: '24:00' }],
  });

  it('counts 47 hours over the Santiago weekend that loses an hour (2026-09-05 24:00 -> 01:00)', () => {
    const { clock } = clockOf(santiago24x7, at('2026-09-01T00:00Z'), 10);
    expect(clock.starts).toHaveLength(1);
    expect(businessElapsed(clock, at('2026-09-05T00:00-04:00'), at('2026-09-07T00:00-03:00'))).toBe(47 * H);
  });

  it('counts 49 hours over the Santiago weekend that gains an hour (2026-04-04 24:00 -> 23:00)', () => {
    const { clock } = clockOf(santiago24x7, at('2026-04-01T00:00Z'), 10);
    expect(clock.starts).toHaveLength(1);
    expect(businessElapsed(clock, at('2026-04-04T00:00-03:00'), at('2026-04-06T00:00-04:00'))).toBe(49 * H);
  });

  it('keeps Santiago business hours at 09:00 local after the September change', () => {
    const cal = calendar({
      zone: 'America/Santiago',
      businessDayHours: 9,
      weekly: [{ days: WEEKDAYS5, from: '09:00', to: '18:00' }],
    });
    const { clock } = clockOf(cal, at('2026-09-04T00:00Z'), 5);
    // Friday 17:00 (-04) + 2h: 1h Friday, then Monday 09:00 (-03) + 1h.
    expect(iso(addBusiness(clock, at('2026-09-04T17:00-04:00'), 2 * H))).toBe('2026-09-07T13:00:00.000Z');
  });
});

describe('24x7 across midnight', () => {
  const cal = calendar({
    zone: 'America/Bogota',
    businessDayHours: 24,
    weekly: [{ days: ALL_DAYS, from: '00:00', to: '24:00' }],
  });
  let clock: BusinessClock;
  let windows: CalendarWindows;
  beforeEach(() => {
    ({ clock, windows } = clockOf(cal, at('2026-11-16T00:00-05:00'), 7));
  });

  it('expands to a single window with no gap at midnight', () => {
    expect(windows.windows).toEqual([
      { start: at('2026-11-16T00:00-05:00'), end: at('2026-11-23T00:00-05:00') },
    ]);
    expect(isOpen(clock, at('2026-11-17T00:00-05:00'))).toBe(true);
  });

  it('adds one hour from 23:30 to 00:30 the next day', () => {
    expect(addBusiness(clock, at('2026-11-16T23:30-05:00'), H)).toBe(at('2026-11-17T00:30-05:00'));
  });

  it('merges overnight shifts written as 22:00-24:00 and 00:00-06:00', () => {
    const night = calendar({
      zone: 'America/Bogota',
      businessDayHours: 8,
      weekly: [
        { days: ALL_DAYS, from: '22:00', to: '24:00' },
        { days: ALL_DAYS, from: '00:00', to: '06:00' },
      ],
    });
    const { clock: c } = clockOf(night, at('2026-11-16T00:00-05:00'), 3);
    expect(iso(addBusiness(c, at('2026-11-16T23:00-05:00'), 2 * H))).toBe(iso(at('2026-11-17T01:00-05:00')));
    expect(c.starts.map(iso)).toContain(iso(at('2026-11-16T22:00-05:00')));
  });
});

describe('split shifts', () => {
  const arcoiris = calendar({
    zone: 'America/Bogota',
    businessDayHours: 7,
    weekly: [
      { days: WEEKDAYS5, from: '08:00', to: '12:00' },
      { days: WEEKDAYS5, from: '14:00', to: '17:00' },
    ],
  });
  let clock: BusinessClock;
  beforeEach(() => {
    ({ clock } = clockOf(arcoiris, at('2026-11-15T00:00-05:00'), 30));
  });

  it('48 business hours from Monday 10:00 land on Wednesday of the following week at 09:00', () => {
    expect(addBusiness(clock, at('2026-11-16T10:00-05:00'), 48 * H)).toBe(at('2026-11-25T09:00-05:00'));
  });

  it('skips the lunch gap', () => {
    expect(addBusiness(clock, at('2026-11-16T11:00-05:00'), 2 * H)).toBe(at('2026-11-16T15:00-05:00'));
    expect(addBusiness(clock, at('2026-11-16T12:30-05:00'), H)).toBe(at('2026-11-16T15:00-05:00'));
  });

  it('ends exactly at the end of a shift rather than at the next opening', () => {
    expect(addBusiness(clock, at('2026-11-16T08:00-05:00'), 4 * H)).toBe(at('2026-11-16T12:00-05:00'));
  });

  it('finds the next opening from the lunch gap and from Friday evening', () => {
    expect(nextOpen(clock, at('2026-11-16T12:00-05:00'))).toBe(at('2026-11-16T14:00-05:00'));
    expect(nextOpen(clock, at('2026-11-20T17:00-05:00'))).toBe(at('2026-11-23T08:00-05:00'));
    expect(nextOpen(clock, at('2026-11-16T09:15-05:00'))).toBe(at('2026-11-16T09:15-05:00'));
  });

  it('finds where the open shift ends, and nothing while closed', () => {
    expect(openUntil(clock, at('2026-11-16T09:15-05:00'))).toBe(at('2026-11-16T12:00-05:00'));
    expect(openUntil(clock, at('2026-11-16T14:00-05:00'))).toBe(at('2026-11-16T17:00-05:00'));
    expect(openUntil(clock, at('2026-11-16T12:00-05:00'))).toBeUndefined();
    expect(openUntil(clock, at('2026-11-21T10:00-05:00'))).toBeUndefined();
  });

  it('measures 7 business hours in a full day and 35 in a week', () => {
    expect(businessElapsed(clock, at('2026-11-16T00:00-05:00'), at('2026-11-17T00:00-05:00'))).toBe(7 * H);
    expect(businessElapsed(clock, at('2026-11-16T00:00-05:00'), at('2026-11-23T00:00-05:00'))).toBe(35 * H);
  });
});

describe('holidays and Saturday windows for severe tickets only', () => {
  const w32 = calendar({
    zone: 'America/Mexico_City',
    businessDayHours: 12,
    weekly: [
      { days: WEEKDAYS5, from: '08:00', to: '20:00' },
      { days: ['sat'], from: '09:00', to: '14:00', priorities: ['critical'] },
    ],
    holidays: [{ date: '2026-12-25', name: 'Navidad' }],
  });
  const from = at('2026-12-20T00:00-06:00');
  let windows: CalendarWindows;
  beforeEach(() => {
    windows = expandCalendar(w32, from, from + 14 * D);
  });

  it('skips the holiday and the Saturday for a low-priority ticket', () => {
    const clock = businessClock(windows, 'low');
    // Thursday 19:00 + 3h: 1h Thursday, Friday 25 is a holiday, Saturday is for critical only.
    expect(addBusiness(clock, at('2026-12-24T19:00-06:00'), 3 * H)).toBe(at('2026-12-28T10:00-06:00'));
  });

  it('counts the Saturday window for a critical ticket', () => {
    const clock = businessClock(windows, 'critical');
    expect(addBusiness(clock, at('2026-12-24T19:00-06:00'), 3 * H)).toBe(at('2026-12-26T11:00-06:00'));
  });

  it('has no window at all on the holiday', () => {
    const start = at('2026-12-25T00:00-06:00');
    expect(windows.windows.filter((w) => w.start >= start && w.start < start + D)).toEqual([]);
  });

  it('marks the Saturday window with its priorities', () => {
    const saturday = windows.windows.find((w) => w.start === at('2026-12-26T09:00-06:00'));
    expect(saturday).toEqual({
      start: at('2026-12-26T09:00-06:00'),
      end: at('2026-12-26T14:00-06:00'),
      priorities: ['critical'],
    });
  });
});

describe('pauses and the horizon', () => {
  const cal = calendar({
    zone: 'America/Bogota',
    businessDayHours: 8,
    weekly: [{ days: WEEKDAYS5, from: '09:00', to: '17:00' }],
  });
  let clock: BusinessClock;
  beforeEach(() => {
    ({ clock } = clockOf(cal, at('2026-11-16T00:00-05:00'), 14));
  });

  it('delays the due instant by the business time spent paused', () => {
    const start = at('2026-11-16T09:00-05:00');
    const pause = { start: at('2026-11-16T15:00-05:00'), end: at('2026-11-17T11:00-05:00') };
    // 16h without pause: Tuesday 17:00. Paused 2h Monday + 2h Tuesday: Wednesday 13:00.
    expect(addBusiness(clock, start, 16 * H)).toBe(at('2026-11-17T17:00-05:00'));
    expect(addBusiness(clock, start, 16 * H, [pause])).toBe(at('2026-11-18T13:00-05:00'));
    expect(businessElapsed(clock, start, at('2026-11-18T13:00-05:00'), [pause])).toBe(16 * H);
  });

  it('pauses over closed time change nothing (weekend)', () => {
    const start = at('2026-11-20T16:00-05:00');
    const weekend = { start: at('2026-11-21T00:00-05:00'), end: at('2026-11-23T00:00-05:00') };
    expect(addBusiness(clock, start, 2 * H, [weekend])).toBe(addBusiness(clock, start, 2 * H));
  });

  it('answers undefined beyond the horizon', () => {
    expect(addBusiness(clock, at('2026-11-16T09:00-05:00'), 200 * H)).toBeUndefined();
    expect(
      businessElapsed(clock, at('2026-11-16T09:00-05:00'), at('2026-12-31T00:00-05:00')),
    ).toBeUndefined();
    expect(nextOpen(clock, at('2026-11-29T18:00-05:00'))).toBeUndefined();
  });

  it('rejects a negative duration and a reversed horizon', () => {
    expect(() => addBusiness(clock, at('2026-11-16T09:00-05:00'), -1)).toThrow(RangeError);
    expect(() => expandCalendar(cal, 10, 5)).toThrow(RangeError);
  });
});

describe('windows as workflow data', () => {
  it('give the same answers after a JSON round trip (as recorded in workflow history)', () => {
    const cal = calendar({
      zone: 'America/New_York',
      businessDayHours: 8,
      weekly: [
        { days: WEEKDAYS5, from: '09:00', to: '17:00' },
        { days: ['sat'], from: '10:00', to: '12:00', priorities: ['critical'] },
      ],
    });
    const windows = expandCalendar(cal, at('2026-03-01T00:00Z'), at('2026-04-01T00:00Z'));
    const copy = JSON.parse(JSON.stringify(windows)) as typeof windows;
    expect(copy).toEqual(windows);
    for (const priority of ['low', 'critical'] as const) {
      const start = at('2026-03-06T16:00-05:00');
      expect(addBusiness(businessClock(copy, priority), start, 5 * H)).toBe(
        addBusiness(businessClock(windows, priority), start, 5 * H),
      );
    }
  });
});
