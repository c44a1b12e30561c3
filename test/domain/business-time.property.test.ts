import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandCalendar } from '../../domain/calendar/expand';
import {
  addBusiness,
  businessClock,
  businessElapsed,
  isOpen,
  type BusinessClock,
  type Pause,
} from '../../domain/calendar/business-time';
import { toLocal, zoneOffsetMs } from '../../domain/calendar/zone';
import { PRIORITIES, WEEKDAYS, minuteOfDay, type Calendar, type Priority } from '../../domain/policy/schema';
import { D, H, at, calendar } from './helpers';

const HORIZON_FROM = at('2026-01-01T00:00Z');
const HORIZON_DAYS = 75;
const MINUTE = 60_000;

const zoneArb = fc.constantFrom(
  'America/New_York',
  'America/Santiago',
  'America/Bogota',
  'America/Mexico_City',
  'UTC',
);
const halfHour = fc.integer({ min: 0, max: 48 });
const intervalArb = fc
  .record({
    days: fc.subarray([...WEEKDAYS], { minLength: 1 }),
    a: halfHour,
    b: halfHour,
    priorities: fc.option(fc.subarray([...PRIORITIES], { minLength: 1 }), { nil: undefined }),
  })
  .filter(({ a, b }) => a !== b)
  .map(({ days, a, b, priorities }) => {
    const hhmm = (n: number): string =>
      `${String(Math.floor(n / 2)).padStart(2, '0')}:${n % 2 === 0 ? '00' : '30'}`;
    return { days, from: hhmm(Math.min(a, b)), to: hhmm(Math.max(a, b)), ...(priorities && { priorities }) };
  });
/** A random weekly calendar in a random zone, with a few holidays; always open at least Mon-Fri 10:00-12:00 for all. */
const calendarArb = fc
  .record({
    zone: zoneArb,
    weekly: fc.array(intervalArb, { minLength: 0, maxLength: 4 }),
    holidays: fc.uniqueArray(fc.integer({ min: 0, max: HORIZON_DAYS - 1 }), { maxLength: 6 }),
  })
  .map(({ zone, weekly, holidays }) =>
    calendar({
      zone,
      businessDayHours: 8,
      weekly: [...weekly, { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '10:00', to: '12:00' }],
      holidays: holidays.map((d) => ({ date: new Date(HORIZON_FROM + d * D).toISOString().slice(0, 10) })),
    }),
  );

const cache = new Map<string, BusinessClock>();
/** Clock for a calendar over the test horizon (memoized: expansion is the slow part). */
function clockFor(cal: Calendar, priority: Priority): BusinessClock {
  const key = JSON.stringify([cal, priority]);
  let clock = cache.get(key);
  if (clock === undefined) {
    clock = businessClock(expandCalendar(cal, HORIZON_FROM, HORIZON_FROM + HORIZON_DAYS * D), priority);
    cache.set(key, clock);
  }
  return clock;
}

const setup = fc.record({ cal: calendarArb, priority: fc.constantFrom(...PRIORITIES) });
/** Start instants in the first 30 days, so that durations up to 20h plus pauses fit in the horizon (>= 10h a week open, minus holidays). */
const startArb = fc.integer({ min: HORIZON_FROM, max: HORIZON_FROM + 30 * D });
const durationArb = fc.integer({ min: 1, max: 20 * H });
const pausesArb = fc.array(
  fc
    .record({
      start: fc.integer({ min: HORIZON_FROM, max: HORIZON_FROM + 40 * D }),
      length: fc.integer({ min: 1, max: 3 * D }),
    })
    .map(({ start, length }): Pause => ({ start, end: start + length })),
  { maxLength: 4 },
);
const runs = { numRuns: 150 };

/** Counts the cases that reached their assertions, so a property cannot pass vacuously. */
function checked(): { hit: () => void; atLeast: (n: number) => void } {
  let count = 0;
  return { hit: () => void count++, atLeast: (n) => expect(count).toBeGreaterThanOrEqual(n) };
}

describe('business-time invariants (fast-check)', () => {
  it('adding then measuring returns the same duration', () => {
    const c = checked();
    fc.assert(
      fc.property(setup, startArb, durationArb, pausesArb, ({ cal, priority }, start, d, pauses) => {
        const clock = clockFor(cal, priority);
        const due = addBusiness(clock, start, d, pauses);
        if (due === undefined) return;
        c.hit();
        expect(businessElapsed(clock, start, due, pauses)).toBe(d);
      }),
      runs,
    );
    c.atLeast(140);
  });

  it('never lands outside an open window (nor inside a pause)', () => {
    const c = checked();
    fc.assert(
      fc.property(setup, startArb, durationArb, pausesArb, ({ cal, priority }, start, d, pauses) => {
        const clock = clockFor(cal, priority);
        const due = addBusiness(clock, start, d, pauses);
        if (due === undefined) return;
        c.hit();
        // The instant just before the due instant is open and not paused.
        expect(isOpen(clock, due - 1, pauses)).toBe(true);
        expect(due).toBeGreaterThan(start);
      }),
      runs,
    );
    c.atLeast(140);
  });

  it('is monotonic in the start instant', () => {
    const c = checked();
    fc.assert(
      fc.property(setup, startArb, startArb, durationArb, ({ cal, priority }, s1, s2, d) => {
        const clock = clockFor(cal, priority);
        const [a, b] = s1 <= s2 ? [s1, s2] : [s2, s1];
        const dueA = addBusiness(clock, a, d);
        const dueB = addBusiness(clock, b, d);
        if (dueA === undefined || dueB === undefined) return;
        c.hit();
        expect(dueA).toBeLessThanOrEqual(dueB);
      }),
      runs,
    );
    c.atLeast(140);
  });

  it('splitting a duration in two adds up', () => {
    const c = checked();
    fc.assert(
      fc.property(
        setup,
        startArb,
        durationArb,
        durationArb,
        pausesArb,
        ({ cal, priority }, start, d1, d2, pauses) => {
          const clock = clockFor(cal, priority);
          const whole = addBusiness(clock, start, d1 + d2, pauses);
          const first = addBusiness(clock, start, d1, pauses);
          if (whole === undefined || first === undefined) return;
          c.hit();
          expect(addBusiness(clock, first, d2, pauses)).toBe(whole);
        },
      ),
      runs,
    );
    c.atLeast(140);
  });

  it('pauses only ever delay', () => {
    const c = checked();
    fc.assert(
      fc.property(setup, startArb, durationArb, pausesArb, ({ cal, priority }, start, d, pauses) => {
        const clock = clockFor(cal, priority);
        const plain = addBusiness(clock, start, d);
        const paused = addBusiness(clock, start, d, pauses);
        if (plain === undefined || paused === undefined) return;
        c.hit();
        expect(paused).toBeGreaterThanOrEqual(plain);
        expect(
          businessElapsed(clock, start, paused)! - businessElapsed(clock, start, paused, pauses)!,
        ).toBeGreaterThanOrEqual(0);
      }),
      runs,
    );
    c.atLeast(140);
  });

  it('elapsed time is additive over consecutive spans', () => {
    fc.assert(
      fc.property(setup, startArb, startArb, startArb, ({ cal, priority }, x, y, z) => {
        const clock = clockFor(cal, priority);
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        expect(businessElapsed(clock, a, b)! + businessElapsed(clock, b, c)!).toBe(
          businessElapsed(clock, a, c),
        );
      }),
      runs,
    );
  });

  it('expands consistently across horizons (a refreshed horizon never changes known windows)', () => {
    fc.assert(
      fc.property(
        setup,
        fc.integer({ min: 1, max: 20 * D }),
        fc.integer({ min: 1, max: 20 * D }),
        ({ cal, priority }, cut, extra) => {
          const a = HORIZON_FROM;
          const whole = businessClock(expandCalendar(cal, a, a + cut + extra), priority);
          const part = businessClock(expandCalendar(cal, a, a + cut), priority);
          const clipped = whole.starts
            .map((s, i) => [Math.max(s, a), Math.min(whole.ends[i]!, a + cut)] as const)
            .filter(([s, e]) => s < e);
          expect(part.starts.map((s, i) => [s, part.ends[i]])).toEqual(clipped.map(([s, e]) => [s, e]));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('agrees with the local wall clock away from DST transitions', () => {
    fc.assert(
      fc.property(
        setup,
        fc.integer({ min: HORIZON_FROM + D, max: HORIZON_FROM + (HORIZON_DAYS - 1) * D }),
        ({ cal, priority }, t0) => {
          const t = Math.floor(t0 / MINUTE) * MINUTE;
          if (zoneOffsetMs(cal.zone, t - 3 * H) !== zoneOffsetMs(cal.zone, t + 3 * H)) return;
          const local = toLocal(cal.zone, t);
          const date = `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
          const weekday = WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7]!;
          const minute = local.hour * 60 + local.minute;
          const expected =
            !cal.holidays.some((h) => h.date === date) &&
            cal.weekly.some(
              (w) =>
                w.days.includes(weekday) &&
                minuteOfDay(w.from) <= minute &&
                minute < minuteOfDay(w.to) &&
                (w.priorities === undefined || w.priorities.includes(priority)),
            );
          expect(isOpen(clockFor(cal, priority), t)).toBe(expected);
        },
      ),
      { numRuns: 400 },
    );
  });
});
