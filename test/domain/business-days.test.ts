import { beforeEach, describe, expect, it } from 'vitest';
import { addDuration, elapsedOn } from '../../domain/calendar/deadlines';
import { expandCalendar, type CalendarWindows } from '../../domain/calendar/expand';
import { resolveDuration } from '../../domain/policy/duration';
import { dueInstant, explainDue } from '../../domain/sla';
import { loadPreset } from '../../policies';
import { D, H, at, iso } from './helpers';

// w32: "Lunes a viernes de 8 hrs. a 20 hrs." / "Sábado de 9 hrs. a 14 hrs. (exclusivo para incidencias graves)."
// and "si esta no es recibida en un lapso de 3 días hábiles, el ticket se cerrara": a business day is
// a whole day, whatever its hours, not `businessDayHours` of open time.
const w32 = loadPreset('w32');
const calendar = w32.calendars.business!;
const threeDays = resolveDuration({ businessDays: 3 }, calendar);
// Expanded in each test, not when the file loads: Stryker counts a mutant reached at load as static and
// runs the whole mutation suite against it.
let windows: CalendarWindows;
beforeEach(() => {
  windows = expandCalendar(calendar, at('2026-02-25T00:00-06:00'), at('2026-04-30T00:00-06:00'));
});

describe('businessDays count whole business days (w32: "3 días hábiles")', () => {
  it('ends at the same local time on the third following weekday', () => {
    const friday = at('2026-03-06T10:00-06:00');
    expect(iso(addDuration(windows, 'medium', friday, threeDays))).toBe(iso(at('2026-03-11T10:00-06:00')));
  });

  it('counts the critical-only Saturday 09:00-14:00 as one whole day for critical tickets, and not at all for others', () => {
    const friday = at('2026-03-06T10:00-06:00');
    // Critical: Friday (start), Saturday, Monday, Tuesday -> Tuesday 10:00. Counting 36 open hours
    // instead would give Tuesday 17:00 (Saturday's 5 hours counted as 5/12 of a day).
    expect(iso(addDuration(windows, 'critical', friday, threeDays))).toBe(iso(at('2026-03-10T10:00-06:00')));
    expect(iso(addDuration(windows, 'high', friday, threeDays))).toBe(iso(at('2026-03-11T10:00-06:00')));
  });

  it('skips holidays (Monday 2026-03-16, Natalicio de Benito Juárez)', () => {
    const friday = at('2026-03-13T10:00-06:00');
    expect(iso(addDuration(windows, 'medium', friday, threeDays))).toBe(iso(at('2026-03-19T10:00-06:00')));
  });

  it('from outside business hours counts from the next opening and ends when the third day closes', () => {
    const saturday = at('2026-03-07T10:00-06:00');
    expect(iso(addDuration(windows, 'medium', saturday, threeDays))).toBe(iso(at('2026-03-11T20:00-06:00')));
  });

  it('inside a day of other hours ends at the same point of the last day: a third into Saturday is a third into Wednesday', () => {
    // Saturday 09:00-14:00: 10:40 is 1/3 of its 5 hours; Wednesday 08:00-20:00: 1/3 is 12:00.
    const saturday = at('2026-03-07T10:40-06:00');
    expect(iso(addDuration(windows, 'critical', saturday, threeDays))).toBe(
      iso(at('2026-03-11T12:00-06:00')),
    );
  });

  it('measures elapsed whole days: one full Saturday is one business day for critical tickets', () => {
    const elapsed = elapsedOn(
      windows,
      'critical',
      'businessDays',
      at('2026-03-07T00:00-06:00'),
      at('2026-03-08T00:00-06:00'),
    );
    expect(elapsed).toBeCloseTo(calendar.businessDayHours * H, 3);
  });

  it('explains the whole-day rule in both languages', () => {
    const due = dueInstant({
      policy: w32,
      calendarId: 'business',
      windows,
      priority: 'critical',
      metric: 'resolution',
      target: { businessDays: 2 },
      start: at('2026-03-06T10:00-06:00'),
    });
    expect(iso(due.at)).toBe(iso(at('2026-03-09T10:00-06:00')));
    expect(due.clock).toBe('businessDays');
    const text = explainDue(due, w32);
    expect(text.es).toContain('cada día hábil cuenta entero');
    expect(text.es).toContain('es día hábil solo para ellas');
    expect(text.en).toContain('every business day counts whole');
    expect(text.en).toContain('the same local time when both days have the same hours');
  });

  it('windows recorded before whole business days (no midnights) keep counting open hours, so old histories replay', () => {
    const { midnights: _m, businessDayMs: _b, ...old } = windows;
    const friday = at('2026-03-06T10:00-06:00');
    expect(iso(addDuration(old, 'critical', friday, threeDays))).toBe(iso(at('2026-03-10T17:00-06:00')));
  });

  it('a horizon cut to whole local days knows nothing past its last midnight', () => {
    const short = expandCalendar(
      calendar,
      at('2026-03-06T00:00-06:00'),
      at('2026-03-06T00:00-06:00') + 3 * D,
    );
    expect(addDuration(short, 'medium', at('2026-03-06T10:00-06:00'), threeDays)).toBeUndefined();
  });
});
