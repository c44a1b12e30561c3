/** `readClock`: the one reading of an SLA clock that the queue and the ticket page share. */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  businessClock,
  CalendarSchema,
  expandCalendar,
  readClock,
  type BusinessClock,
} from '../../domain/index';

const HOUR = 3_600_000;
// Weekdays 09:00-18:00 UTC. The injected `now` values are instants of one week, on this clock only.
const calendar = CalendarSchema.parse({
  zone: 'UTC',
  weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }],
  businessDayHours: 9,
});
const monday9 = Date.parse('2030-01-07T09:00:00Z');
// Built in each test, not when the file loads: Stryker counts a mutant reached at load as static and runs
// the whole mutation suite against it.
let clock: BusinessClock;
beforeEach(() => {
  clock = businessClock(expandCalendar(calendar, monday9 - 10 * 24 * HOUR, monday9 + 30 * 24 * HOUR), 'high');
});

describe('readClock', () => {
  it('counts business time left while the calendar is open, and says when it closes', () => {
    const now = monday9 + 2 * HOUR;
    expect(readClock({ kind: 'business', clock, dueAt: monday9 + 4 * HOUR, paused: false, now })).toEqual({
      remainingMs: 2 * HOUR,
      running: true,
      stoppedBy: null,
      changesAt: monday9 + 9 * HOUR,
    });
  });

  it('stands still outside business hours, saying so and when it starts again', () => {
    const evening = monday9 + 11 * HOUR; // Monday 20:00
    const due = monday9 + 24 * HOUR + HOUR; // Tuesday 10:00
    expect(readClock({ kind: 'business', clock, dueAt: due, paused: false, now: evening })).toEqual({
      remainingMs: HOUR,
      running: false,
      stoppedBy: 'outside_hours',
      changesAt: monday9 + 24 * HOUR,
    });
  });

  it('is stopped by the status first, and counts overdue time as negative', () => {
    const now = monday9 + 5 * HOUR;
    const reading = readClock({ kind: 'business', clock, dueAt: monday9 + 3 * HOUR, paused: true, now });
    expect(reading).toMatchObject({ remainingMs: -2 * HOUR, running: false, stoppedBy: 'status' });
  });

  it('counts wall-clock time on calendar targets', () => {
    const now = monday9 + 11 * HOUR;
    expect(readClock({ kind: 'calendar', dueAt: now + 30 * 60_000, paused: false, now })).toEqual({
      remainingMs: 30 * 60_000,
      running: true,
      stoppedBy: null,
      changesAt: null,
    });
  });

  it('a paused calendar target is stopped by the status', () => {
    const now = monday9;
    expect(readClock({ kind: 'calendar', dueAt: now - 60_000, paused: true, now })).toEqual({
      remainingMs: -60_000,
      running: false,
      stoppedBy: 'status',
      changesAt: null,
    });
  });

  it('without a business clock there is nothing to count', () => {
    expect(readClock({ kind: 'business', dueAt: monday9, paused: false, now: monday9 })).toEqual({
      remainingMs: null,
      running: false,
      stoppedBy: 'no_clock',
      changesAt: null,
    });
  });

  it('reads zero left exactly at the due instant, and counts time past it beyond the clock as unknown', () => {
    const at = monday9 + 3 * HOUR;
    expect(readClock({ kind: 'business', clock, dueAt: at, paused: false, now: at }).remainingMs).toBe(0);
    // Overdue since before the clock's expanded calendar begins: business time cannot be counted.
    const reading = readClock({
      kind: 'business',
      clock,
      dueAt: monday9 - 20 * 24 * HOUR,
      paused: false,
      now: at,
    });
    expect(reading.remainingMs).toBeNull();
    // Due after the clock's expanded calendar ends: business time left cannot be counted either.
    const beyond = readClock({
      kind: 'business',
      clock,
      dueAt: monday9 + 60 * 24 * HOUR,
      paused: false,
      now: at,
    });
    expect(beyond.remainingMs).toBeNull();
  });
});
