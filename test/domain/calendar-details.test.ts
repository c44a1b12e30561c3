import { beforeEach, describe, expect, it } from 'vitest';
import {
  addBusiness,
  businessClock,
  businessDayClock,
  businessElapsed,
  isOpen,
  nextOpen,
  openUntil,
  withoutPauses,
  type BusinessClock,
} from '../../domain/calendar/business-time';
import { coversHorizon } from '../../domain/calendar/deadlines';
import { describeCalendar } from '../../domain/calendar/describe';
import { expandCalendar, type CalendarWindows } from '../../domain/calendar/expand';
import { localDayOf, localToUtc, toLocal } from '../../domain/calendar/zone';
import { loadPreset } from '../../policies';
import { ALL_DAYS, D, H, WEEKDAYS5, at, calendar, iso } from './helpers';

// Pins the calendar rules the mutation run (issue 13) showed no test held: DST days away from the
// gap, whole-day clocks with pauses, horizon edges, the order and merging of expanded windows, and
// the describeCalendar texts.

const dayOf = (isoDate: string): number => Date.parse(`${isoDate}T00:00:00Z`) / D;

describe('localToUtc on a transition day, away from the gap or the repeat', () => {
  it('uses the new offset after spring-forward (New York 2026-03-08 10:00 is EDT)', () => {
    expect(iso(localToUtc('America/New_York', dayOf('2026-03-08'), 600))).toBe('2026-03-08T14:00:00.000Z');
  });
  it('uses the old offset before spring-forward (New York 2026-03-08 01:00 is EST)', () => {
    expect(iso(localToUtc('America/New_York', dayOf('2026-03-08'), 60))).toBe('2026-03-08T06:00:00.000Z');
  });
  it('uses the new offset after fall-back (Madrid 2026-10-25 10:00 is CET)', () => {
    expect(iso(localToUtc('Europe/Madrid', dayOf('2026-10-25'), 600))).toBe('2026-10-25T09:00:00.000Z');
  });
  it('resolves Madrid 2026-10-25 02:30 (repeated) to the earlier, summer-time instant', () => {
    expect(iso(localToUtc('Europe/Madrid', dayOf('2026-10-25'), 150))).toBe('2026-10-25T00:30:00.000Z');
  });
  it('moves Madrid 2026-03-29 02:30 (skipped) to 03:30 CEST', () => {
    expect(iso(localToUtc('Europe/Madrid', dayOf('2026-03-29'), 150))).toBe('2026-03-29T01:30:00.000Z');
  });
  it('Santiago: 2026-04-05 10:00 after the April fall-back is UTC-4, 2026-09-06 10:00 after spring-forward is UTC-3', () => {
    expect(iso(localToUtc('America/Santiago', dayOf('2026-04-05'), 600))).toBe('2026-04-05T14:00:00.000Z');
    expect(iso(localToUtc('America/Santiago', dayOf('2026-09-06'), 600))).toBe('2026-09-06T13:00:00.000Z');
  });
});

describe('zone readings', () => {
  it('toLocal gives exactly the wall-clock fields', () => {
    expect(toLocal('America/New_York', at('2026-11-28T02:05:09Z'))).toEqual({
      year: 2026,
      month: 11,
      day: 27,
      hour: 21,
      minute: 5,
      second: 9,
    });
  });
  it('localDayOf is the local date: 02:00Z on the 28th is still the 27th in New York, already the 28th in Madrid', () => {
    expect(localDayOf('America/New_York', at('2026-11-28T02:00Z'))).toBe(dayOf('2026-11-27'));
    expect(localDayOf('Europe/Madrid', at('2026-11-27T23:30Z'))).toBe(dayOf('2026-11-28'));
  });
});

describe('expandCalendar details', () => {
  it('opens the early hours of a fall-back Sunday on summer time (New York 2026-11-01 00:00-03:00)', () => {
    const cal = calendar({
      zone: 'America/New_York',
      weekly: [{ days: ['sun'], from: '00:00', to: '03:00' }],
      businessDayHours: 3,
    });
    const w = expandCalendar(cal, at('2026-10-31T00:00-04:00'), at('2026-11-03T00:00-05:00'));
    // 00:00 EDT = 04:00Z; 03:00 EST = 08:00Z (four real hours: 01:00-02:00 happens twice).
    expect(w.windows).toEqual([{ start: at('2026-11-01T04:00Z'), end: at('2026-11-01T08:00Z') }]);
  });

  it('an empty horizon (from = to) inside open hours has no windows', () => {
    const cal = calendar({
      zone: 'UTC',
      weekly: [{ days: ALL_DAYS, from: '00:00', to: '24:00' }],
      businessDayHours: 24,
    });
    const t = at('2026-11-18T12:00Z');
    expect(expandCalendar(cal, t, t).windows).toEqual([]);
  });

  it('a window listing every priority is the same as one without priorities, and merges with it', () => {
    const cal = calendar({
      zone: 'UTC',
      weekly: [
        { days: ['wed'], from: '08:00', to: '12:00', priorities: ['critical', 'high', 'medium', 'low'] },
        { days: ['wed'], from: '12:00', to: '14:00' },
      ],
      businessDayHours: 6,
    });
    const w = expandCalendar(cal, at('2026-11-18T00:00Z'), at('2026-11-19T00:00Z'));
    expect(w.windows).toEqual([{ start: at('2026-11-18T08:00Z'), end: at('2026-11-18T14:00Z') }]);
  });

  it('orders windows by start, then end, across priority sets (w32: Saturday for critical tickets)', () => {
    const cal = calendar({
      zone: 'UTC',
      weekly: [
        { days: ['fri', 'sat'], from: '08:00', to: '20:00', priorities: ['critical'] },
        { days: ['fri'], from: '08:00', to: '12:00' },
        { days: ['sat'], from: '09:00', to: '14:00' },
      ],
      businessDayHours: 12,
    });
    const w = expandCalendar(cal, at('2026-11-20T00:00Z'), at('2026-11-22T00:00Z'));
    expect(w.windows).toEqual([
      { start: at('2026-11-20T08:00Z'), end: at('2026-11-20T12:00Z') },
      { start: at('2026-11-20T08:00Z'), end: at('2026-11-20T20:00Z'), priorities: ['critical'] },
      { start: at('2026-11-21T08:00Z'), end: at('2026-11-21T20:00Z'), priorities: ['critical'] },
      { start: at('2026-11-21T09:00Z'), end: at('2026-11-21T14:00Z') },
    ]);
  });
});

// Mon-Fri 08:00-12:00 and 14:00-18:00 in UTC: a split shift, over Mon 2026-11-16 .. Mon 2026-11-23.
const split = calendar({
  zone: 'UTC',
  weekly: [
    { days: WEEKDAYS5, from: '08:00', to: '12:00' },
    { days: WEEKDAYS5, from: '14:00', to: '18:00' },
  ],
  businessDayHours: 8,
});
// Expanded in each test, not when the file loads: Stryker counts a mutant reached at load as static and
// runs the whole mutation suite against it.
let splitWindows: CalendarWindows;
let splitClock: BusinessClock;
beforeEach(() => {
  splitWindows = expandCalendar(split, at('2026-11-16T00:00Z'), at('2026-11-23T00:00Z'));
  splitClock = businessClock(splitWindows, 'medium');
});

describe('pauses', () => {
  it('cut the open intervals they overlap, given in any order and overlapping each other', () => {
    const c = withoutPauses(splitClock, [
      { start: at('2026-11-16T15:00Z'), end: at('2026-11-16T16:00Z') },
      { start: at('2026-11-16T09:00Z'), end: at('2026-11-16T10:00Z') },
      { start: at('2026-11-16T09:30Z'), end: at('2026-11-16T10:30Z') },
      { start: at('2026-11-16T10:30Z'), end: at('2026-11-16T11:00Z') },
    ]);
    expect(c.starts.slice(0, 5).map(iso)).toEqual([
      '2026-11-16T08:00:00.000Z',
      '2026-11-16T11:00:00.000Z',
      '2026-11-16T14:00:00.000Z',
      '2026-11-16T16:00:00.000Z',
      '2026-11-17T08:00:00.000Z',
    ]);
    expect(c.ends.slice(0, 4).map(iso)).toEqual([
      '2026-11-16T09:00:00.000Z',
      '2026-11-16T12:00:00.000Z',
      '2026-11-16T15:00:00.000Z',
      '2026-11-16T18:00:00.000Z',
    ]);
    expect(c.starts).toHaveLength(splitClock.starts.length + 2);
    expect(c.rates).toBeUndefined();
  });

  it('a pause spanning the lunch gap and the whole afternoon removes both pieces', () => {
    const c = withoutPauses(splitClock, [{ start: at('2026-11-16T11:00Z'), end: at('2026-11-17T09:00Z') }]);
    expect(c.starts.slice(0, 2).map(iso)).toEqual(['2026-11-16T08:00:00.000Z', '2026-11-17T09:00:00.000Z']);
    expect(c.ends.slice(0, 2).map(iso)).toEqual(['2026-11-16T11:00:00.000Z', '2026-11-17T12:00:00.000Z']);
  });

  it('an empty pause changes nothing, and a pause exactly on closed time changes nothing', () => {
    const same = withoutPauses(splitClock, [
      { start: at('2026-11-16T12:00Z'), end: at('2026-11-16T14:00Z') },
      { start: at('2026-11-16T09:00Z'), end: at('2026-11-16T09:00Z') },
    ]);
    expect(same.starts).toEqual(splitClock.starts);
    expect(same.ends).toEqual(splitClock.ends);
  });

  it('addBusiness, businessElapsed and nextOpen skip the paused time', () => {
    const pauses = [{ start: at('2026-11-16T09:00Z'), end: at('2026-11-16T10:00Z') }];
    expect(iso(addBusiness(splitClock, at('2026-11-16T08:00Z'), 2 * H, pauses))).toBe(
      '2026-11-16T11:00:00.000Z',
    );
    expect(businessElapsed(splitClock, at('2026-11-16T08:00Z'), at('2026-11-16T15:00Z'), pauses)).toBe(4 * H);
    expect(iso(nextOpen(splitClock, at('2026-11-16T09:15Z'), pauses))).toBe('2026-11-16T10:00:00.000Z');
    expect(isOpen(splitClock, at('2026-11-16T09:15Z'), pauses)).toBe(false);
    expect(isOpen(splitClock, at('2026-11-16T09:15Z'))).toBe(true);
  });
});

describe('horizon edges (undefined outside)', () => {
  it('addBusiness and nextOpen are undefined before the horizon', () => {
    const { from } = splitClock;
    expect(addBusiness(splitClock, from - 1, 0)).toBeUndefined();
    expect(addBusiness(splitClock, from - 1, H)).toBeUndefined();
    expect(nextOpen(splitClock, from - 1)).toBeUndefined();
    expect(openUntil(splitClock, from - 1)).toBeUndefined();
  });
  it('at the horizon end: nothing is open, no duration fits, elapsed to the end is defined', () => {
    const { to } = splitClock;
    expect(isOpen(splitClock, to)).toBe(false);
    expect(addBusiness(splitClock, to, 0)).toBe(to);
    expect(addBusiness(splitClock, to, 1)).toBeUndefined();
    expect(businessElapsed(splitClock, at('2026-11-20T17:00Z'), to)).toBe(H);
    expect(businessElapsed(splitClock, to, at('2026-11-20T17:00Z'))).toBe(0);
    expect(businessElapsed(splitClock, at('2026-11-20T17:00Z'), at('2026-11-20T17:00Z'))).toBe(0);
    // A range given backwards inside one open interval is no time, never a negative one.
    expect(businessElapsed(splitClock, at('2026-11-16T10:00Z'), at('2026-11-16T09:30Z'))).toBe(0);
  });
  it('a duration that runs past the horizon is undefined, one that ends exactly on the last close is not', () => {
    const friday = at('2026-11-20T14:00Z');
    expect(iso(addBusiness(splitClock, friday, 4 * H))).toBe('2026-11-20T18:00:00.000Z');
    expect(addBusiness(splitClock, friday, 4 * H + 1)).toBeUndefined();
  });
  it('openUntil: the end of the open interval; undefined when closed, or when open up to the horizon', () => {
    expect(iso(openUntil(splitClock, at('2026-11-16T08:00Z')))).toBe('2026-11-16T12:00:00.000Z');
    expect(openUntil(splitClock, at('2026-11-16T12:00Z'))).toBeUndefined();
    expect(openUntil(splitClock, at('2026-11-16T13:00Z'))).toBeUndefined();
    const alwaysOpen = calendar({
      zone: 'UTC',
      weekly: [{ days: ALL_DAYS, from: '00:00', to: '24:00' }],
      businessDayHours: 24,
    });
    const c = businessClock(
      expandCalendar(alwaysOpen, at('2026-11-16T00:00Z'), at('2026-11-18T00:00Z')),
      'low',
    );
    expect(openUntil(c, at('2026-11-17T10:00Z'))).toBeUndefined();
    expect(isOpen(c, at('2026-11-17T23:59Z'))).toBe(true);
    // A critical ticket's evening window starts where everyone's day ends: one open stretch until 22:00.
    const evening = calendar({
      zone: 'UTC',
      weekly: [
        { days: ['wed'], from: '08:00', to: '18:00' },
        { days: ['wed'], from: '18:00', to: '22:00', priorities: ['critical'] },
      ],
      businessDayHours: 10,
    });
    const eveningWindows = expandCalendar(evening, at('2026-11-18T00:00Z'), at('2026-11-19T00:00Z'));
    expect(iso(openUntil(businessClock(eveningWindows, 'critical'), at('2026-11-18T10:00Z')))).toBe(
      '2026-11-18T22:00:00.000Z',
    );
    expect(iso(openUntil(businessClock(eveningWindows, 'low'), at('2026-11-18T10:00Z')))).toBe(
      '2026-11-18T18:00:00.000Z',
    );
    expect(isOpen(c, c.to)).toBe(false);
  });
  it('coversHorizon includes both ends of the windows and nothing beyond', () => {
    expect(coversHorizon(splitWindows, splitWindows.from, splitWindows.to)).toBe(true);
    expect(coversHorizon(splitWindows, splitWindows.from - 1, splitWindows.to)).toBe(false);
    expect(coversHorizon(splitWindows, splitWindows.from, splitWindows.to + 1)).toBe(false);
  });
});

describe('whole business days (businessDayClock)', () => {
  /** The whole-business-day clock of the split shift for a medium ticket, over `[from, to)`. */
  const splitDays = (from: string, to: string) =>
    businessDayClock(expandCalendar(split, at(from), at(to)), 'medium');
  // Horizon starting mid-day Monday 10:00: the clock starts at Tuesday's midnight.
  let w: CalendarWindows;
  let days: BusinessClock;
  beforeEach(() => {
    w = expandCalendar(split, at('2026-11-16T10:00Z'), at('2026-11-21T12:00Z'));
    days = businessDayClock(w, 'medium');
  });

  it('shrinks the horizon to whole local days and keeps only open time inside it', () => {
    expect(iso(days.from)).toBe('2026-11-17T00:00:00.000Z');
    expect(iso(days.to)).toBe('2026-11-21T00:00:00.000Z');
    expect(days.starts.map(iso)).toEqual([
      '2026-11-17T08:00:00.000Z',
      '2026-11-17T14:00:00.000Z',
      '2026-11-18T08:00:00.000Z',
      '2026-11-18T14:00:00.000Z',
      '2026-11-19T08:00:00.000Z',
      '2026-11-19T14:00:00.000Z',
      '2026-11-20T08:00:00.000Z',
      '2026-11-20T14:00:00.000Z',
    ]);
    expect(days.rates).toEqual(Array.from({ length: 8 }, () => 1));
  });

  it('weighs a shorter day so that it counts as one whole day, and rounds to whole ms', () => {
    // A 3-hour day stands for 8 hours: one real ms counts 8/3 ms.
    const short = calendar({
      zone: 'UTC',
      weekly: [{ days: ['wed'], from: '09:00', to: '12:00' }],
      businessDayHours: 8,
    });
    const c = businessDayClock(
      expandCalendar(short, at('2026-11-18T00:00Z'), at('2026-11-19T00:00Z')),
      'high',
    );
    expect(c.rates).toEqual([8 / 3]);
    expect(businessElapsed(c, at('2026-11-18T09:00Z'), at('2026-11-18T12:00Z'))).toBe(8 * H);
    expect(businessElapsed(c, at('2026-11-18T09:00Z'), at('2026-11-18T09:00:00.001Z'))).toBe(3);
    expect(iso(addBusiness(c, at('2026-11-18T09:00Z'), 4 * H))).toBe('2026-11-18T10:30:00.000Z');
    expect(iso(addBusiness(c, at('2026-11-18T09:00Z'), 8 * H))).toBe('2026-11-18T12:00:00.000Z');
    expect(addBusiness(c, at('2026-11-18T09:00Z'), 8 * H + 1)).toBeUndefined();
  });

  it('keeps the weights through a pause: half of a short day paused leaves it worth half a day', () => {
    const short = calendar({
      zone: 'UTC',
      weekly: [{ days: ['wed'], from: '09:00', to: '13:00' }],
      businessDayHours: 8,
    });
    const c = businessDayClock(
      expandCalendar(short, at('2026-11-18T00:00Z'), at('2026-11-19T00:00Z')),
      'high',
    );
    const paused = withoutPauses(c, [{ start: at('2026-11-18T09:00Z'), end: at('2026-11-18T11:00Z') }]);
    expect(paused.rates).toEqual([2]);
    expect(
      businessElapsed(c, at('2026-11-18T00:00Z'), at('2026-11-19T00:00Z'), [
        { start: at('2026-11-18T09:00Z'), end: at('2026-11-18T11:00Z') },
      ]),
    ).toBe(4 * H);
  });

  it('a horizon shorter than one local day has no whole day: an empty clock', () => {
    const c = splitDays('2026-11-16T10:00Z', '2026-11-16T20:00Z');
    expect(c).toEqual({ from: 0, to: 0, starts: [], ends: [] });
  });

  it('a horizon ending inside an open day leaves that day out: no whole day past the horizon', () => {
    const c = splitDays('2026-11-17T00:00Z', '2026-11-20T10:00Z');
    expect(iso(c.to)).toBe('2026-11-20T00:00:00.000Z');
    expect(c.ends.map(iso).at(-1)).toBe('2026-11-19T18:00:00.000Z');
    expect(addBusiness(c, at('2026-11-19T17:00Z'), 2 * H)).toBeUndefined();
  });

  it('a horizon under one day that crosses a midnight has no whole day either', () => {
    const c = splitDays('2026-11-16T10:00Z', '2026-11-17T10:00Z');
    expect(c).toEqual({ from: 0, to: 0, starts: [], ends: [] });
  });

  it('a horizon of exactly one local day keeps that day', () => {
    const c = splitDays('2026-11-17T00:00Z', '2026-11-18T00:00Z');
    expect([iso(c.from), iso(c.to)]).toEqual(['2026-11-17T00:00:00.000Z', '2026-11-18T00:00:00.000Z']);
    expect(c.starts).toHaveLength(2);
  });

  it('windows recorded without midnights give the plain clock', () => {
    const { midnights: _m, businessDayMs: _b, ...old } = w;
    expect(businessDayClock(old, 'medium')).toEqual(businessClock(old, 'medium'));
    expect(businessDayClock({ ...w, midnights: [w.midnights![0]!] }, 'medium')).toEqual(
      businessClock(w, 'medium'),
    );
  });

  it('w32 Saturday 09:00-14:00 is a whole day for critical tickets, no day for the others', () => {
    const cal = loadPreset('w32').calendars.business!;
    const win = expandCalendar(cal, at('2026-03-07T00:00-06:00'), at('2026-03-08T00:00-06:00'));
    const crit = businessDayClock(win, 'critical');
    expect(crit.starts.map(iso)).toEqual(['2026-03-07T15:00:00.000Z']);
    expect(crit.rates).toHaveLength(1);
    expect(businessDayClock(win, 'high').starts).toEqual([]);
    expect(businessDayClock(win, 'high').rates).toBeUndefined();
  });
});

describe('describeCalendar texts', () => {
  it('names every weekday in es and en', () => {
    const cal = calendar({
      zone: 'UTC',
      weekly: [
        { days: ['mon'], from: '08:00', to: '09:00' },
        { days: ['tue'], from: '08:00', to: '09:00' },
        { days: ['wed'], from: '08:00', to: '09:00' },
        { days: ['thu'], from: '08:00', to: '09:00' },
        { days: ['fri'], from: '08:00', to: '09:00' },
        { days: ['sat'], from: '08:00', to: '09:00' },
        { days: ['sun'], from: '08:00', to: '09:00' },
      ],
      businessDayHours: 1,
    });
    expect(describeCalendar(cal, 'es')).toBe(
      'lun 08:00-09:00; mar 08:00-09:00; mié 08:00-09:00; jue 08:00-09:00; vie 08:00-09:00; sáb 08:00-09:00; dom 08:00-09:00',
    );
    expect(describeCalendar(cal, 'en')).toBe(
      'Mon 08:00-09:00; Tue 08:00-09:00; Wed 08:00-09:00; Thu 08:00-09:00; Fri 08:00-09:00; Sat 08:00-09:00; Sun 08:00-09:00',
    );
  });

  it('lists two days or scattered days with commas, a run of three or more with a dash; no holiday count when none', () => {
    const cal = calendar({
      zone: 'UTC',
      weekly: [
        { days: ['sat', 'sun'], from: '10:00', to: '12:00', priorities: ['critical', 'high'] },
        { days: ['mon', 'wed', 'fri'], from: '08:00', to: '12:00' },
        { days: ['tue', 'wed', 'thu'], from: '14:00', to: '16:00' },
      ],
      businessDayHours: 4,
    });
    expect(describeCalendar(cal, 'en')).toBe(
      'Sat,Sun 10:00-12:00 (critical, high); Mon,Wed,Fri 08:00-12:00; Tue-Thu 14:00-16:00',
    );
    expect(describeCalendar(cal, 'es')).toBe(
      'sáb,dom 10:00-12:00 (crítica, alta); lun,mié,vie 08:00-12:00; mar-jue 14:00-16:00',
    );
  });
});
