import { beforeEach, describe, expect, it } from 'vitest';
import { businessClock, businessElapsed } from '../../domain/calendar/business-time';
import { expandCalendar, type CalendarWindows } from '../../domain/calendar/expand';
import { calendarFor } from '../../domain/policy/rules';
import { addDuration, contractWindows, coversHorizon, elapsedOn } from '../../domain/calendar/deadlines';
import { validationRule } from '../../domain/policy/rules';
import { dueInstant, explainDue, slaDueInstants, slaTargets, warningInstants } from '../../domain/sla';
import { loadPreset } from '../../policies';
import { D, H, at, contractFor } from './helpers';

const arcoiris = loadPreset('arcoiris');
const contract = contractFor(arcoiris, { planId: 'basic' });
const { id: calendarId, calendar } = calendarFor(arcoiris, contract);
// Expanded in each test, not when the file loads: Stryker counts a mutant reached at load as static and
// runs the whole mutation suite against it.
let windows: CalendarWindows;
beforeEach(() => {
  windows = expandCalendar(calendar, at('2026-11-20T00:00-05:00'), at('2027-01-20T00:00-05:00'));
});
const monday = at('2026-11-23T10:00-05:00');

describe('SLA targets', () => {
  it('takes the per-type override, else the plan target, and none without a plan', () => {
    expect(slaTargets(arcoiris, 'basic', 'high', 'problem_report')).toEqual({
      firstResponse: { hours: 48 },
      nextUpdate: { hours: 7 },
    });
    expect(slaTargets(arcoiris, 'premium', 'high', 'problem_report')).toEqual({
      firstResponse: { hours: 24 },
    });
    expect(slaTargets(arcoiris, null, 'high')).toEqual({});
  });

  it('lists only the metrics that have a target, none set to undefined', () => {
    expect(Object.keys(slaTargets(arcoiris, 'basic', 'high', 'problem_report'))).toEqual([
      'firstResponse',
      'nextUpdate',
    ]);
    const dues = slaDueInstants({
      policy: arcoiris,
      contract,
      priority: 'high',
      type: 'problem_report',
      start: monday,
      windows,
    });
    expect(dues.map((d) => d.metric)).toEqual(['firstResponse', 'nextUpdate']);
  });

  it('subtracts the ticket pauses from every due instant', () => {
    const input = {
      policy: arcoiris,
      contract,
      priority: 'high',
      type: 'problem_report',
      start: monday,
      windows,
    } as const;
    // Awaiting the customer on Monday from 10:00 to 11:00: one business hour later.
    const pauses = [{ start: monday, end: monday + H }];
    const paused = slaDueInstants({ ...input, pauses });
    expect(paused.map((d) => d.at)).toEqual(slaDueInstants(input).map((d) => d.at! + H));
    expect(paused.map((d) => d.pausedMs)).toEqual([H, H]);
  });

  it('gives every metric with a target, in order', () => {
    const w32 = loadPreset('w32');
    const c = contractFor(w32);
    const w = expandCalendar(calendarFor(w32, c).calendar, monday - D, monday + 60 * D);
    const dues = slaDueInstants({ policy: w32, contract: c, priority: 'high', start: monday, windows: w });
    expect(dues.map((d) => [d.metric, d.at])).toEqual([
      ['firstResponse', monday + 2 * H],
      ['nextUpdate', monday + 4 * H],
      ['resolution', at('2026-11-25T10:00-05:00')],
    ]);
  });
});

describe('due instants', () => {
  const base = () =>
    ({
      policy: arcoiris,
      calendarId,
      windows,
      priority: 'medium',
      metric: 'firstResponse',
    }) as const;

  it('explains a due instant in Spanish and English', () => {
    const due = dueInstant({ ...base(), target: { hours: 48 }, start: monday });
    expect(due).toMatchObject({
      at: at('2026-12-02T09:00-05:00'),
      windowsCounted: 15,
      pausedMs: 0,
      targetMs: 48 * H,
    });
    const text = explainDue(due, arcoiris);
    expect(text.en).toBe(
      'First response due 2026-12-02 09:00 (America/Bogota): 48 business hours from 2026-11-23 10:00 on calendar "business" ' +
        '(Mon-Fri 08:00-12:00, 14:00-17:00; 18 holidays), priority medium; 15 open windows counted; 0 h paused; policy arcoiris v1.',
    );
    expect(text.es).toBe(
      'Primera respuesta vence el 2026-12-02 09:00 (America/Bogota): 48 horas hábiles desde 2026-11-23 10:00 en el calendario ' +
        '"business" (lun-vie 08:00-12:00, 14:00-17:00; 18 feriados), prioridad media; 15 ventanas abiertas contadas; 0 h en pausa; ' +
        'política arcoiris v1.',
    );
  });

  it('subtracts pauses and reports the business time they removed', () => {
    // Awaiting the customer from Tuesday 11:00 to Wednesday 15:00: 1 + 3 (Tue) + 4 + 1 (Wed) = 9 business hours.
    const pauses = [{ start: at('2026-11-24T11:00-05:00'), end: at('2026-11-25T15:00-05:00') }];
    const due = dueInstant({ ...base(), target: { hours: 48 }, start: monday, pauses });
    expect(due.pausedMs).toBe(9 * H);
    expect(due.at).toBe(at('2026-12-03T11:00-05:00'));
    expect(explainDue(due, arcoiris).en).toContain('9 h paused');
  });

  it('keeps the accrued clock when the priority changes (GLPI #6902)', () => {
    const change = at('2026-11-24T10:00-05:00');
    const accruedMs = businessElapsed(businessClock(windows, 'medium'), monday, change)!;
    expect(accruedMs).toBe(7 * H);
    const due = dueInstant({
      ...base(),
      priority: 'critical',
      target: { hours: 8 },
      start: change,
      accruedMs,
    });
    expect(due.at).toBe(at('2026-11-24T11:00-05:00'));
    expect(explainDue(due, arcoiris).en).toContain('7 h already accrued');
    // Accrued beyond the new target: due at once, inside an open window that is not counted.
    expect(dueInstant({ ...base(), target: { hours: 4 }, start: change, accruedMs })).toMatchObject({
      at: change,
      windowsCounted: 0,
      pausedMs: 0,
    });
    expect(explainDue(due, arcoiris).es).toContain('7 h ya acumuladas');
  });

  it('does not count the window a clock starts at the close of', () => {
    // Monday 12:00, when the morning window closes: 3 business hours are the afternoon, 14:00-17:00.
    const noon = at('2026-11-23T12:00-05:00');
    expect(dueInstant({ ...base(), target: { hours: 3 }, start: noon, priority: 'medium' })).toMatchObject({
      at: at('2026-11-23T17:00-05:00'),
      windowsCounted: 1,
    });
  });

  it('refuses a calendar the policy does not have', () => {
    const input = { ...base(), calendarId: 'nope', target: { hours: 4 }, start: monday };
    expect(() => dueInstant(input)).toThrow('policy arcoiris has no calendar "nope"');
    expect(() => warningInstants(input)).toThrow('policy arcoiris has no calendar "nope"');
  });

  it('counts calendar-time targets on the wall clock, pauses included', () => {
    const friday = at('2026-11-27T16:00-05:00');
    expect(dueInstant({ ...base(), metric: 'resolution', target: { days: 8 }, start: friday }).at).toBe(
      friday + 8 * D,
    );
    const pauses = [{ start: friday + 2 * H, end: friday + 5 * H }];
    const due = dueInstant({
      ...base(),
      metric: 'resolution',
      target: { hours: 10, clock: 'calendar' },
      start: friday,
      pauses,
    });
    expect(due.at).toBe(friday + 13 * H);
    expect(due.pausedMs).toBe(3 * H);
    expect(due.clock).toBe('calendar');
    const text = explainDue(due, arcoiris);
    expect(text.en).toContain('from 2026-11-27 16:00 in calendar time;');
    expect(text.es).toContain('desde 2026-11-27 16:00 en tiempo natural;');
    expect(text.en).not.toContain('on calendar');
  });

  it('answers undefined beyond the horizon and says so', () => {
    const due = dueInstant({ ...base(), target: { businessDays: 100 }, start: monday });
    expect(due.at).toBeUndefined();
    expect(explainDue(due, arcoiris).en).toContain('is due after the computed horizon');
    expect(explainDue(due, arcoiris).es).toContain('vence después del horizonte calculado');
  });

  it('names the calendar without its hours when the policy explained against no longer has it', () => {
    const due = dueInstant({ ...base(), target: { hours: 4 }, start: monday });
    expect(explainDue(due, { ...arcoiris, calendars: {} }).en).toContain(
      'from 2026-11-23 10:00 on calendar "business", priority medium;',
    );
  });
});

describe('warnings and lifecycle deadlines', () => {
  const base = () =>
    ({
      policy: arcoiris,
      calendarId,
      windows,
      priority: 'medium',
      metric: 'firstResponse',
    }) as const;

  it('warns at 75% and 90% of the target in business time', () => {
    expect(warningInstants({ ...base(), target: { hours: 48 }, start: monday })).toEqual([
      { fraction: 0.75, at: at('2026-11-30T11:00-05:00') },
      { fraction: 0.9, at: at('2026-12-01T11:12-05:00') },
    ]);
    // With 40 h already accrued, 75% (36 h) is reached at once and 90% after 3.2 more hours.
    expect(
      warningInstants({ ...base(), target: { hours: 48 }, start: monday, accruedMs: 40 * H }, [0.9, 0.75]),
    ).toEqual([
      { fraction: 0.75, at: monday },
      { fraction: 0.9, at: at('2026-11-23T15:12-05:00') },
    ]);
  });

  it('computes calendar-time deadlines without a horizon limit', () => {
    const rule = validationRule(arcoiris, calendar)!;
    const resolvedAt = at('2027-01-19T16:00-05:00');
    expect(addDuration(windows, 'medium', resolvedAt, rule.window)).toBe(resolvedAt + 8 * D);
    expect(addDuration(windows, 'medium', resolvedAt, { ms: 8 * H, clock: 'business' })).toBeUndefined();
    expect(coversHorizon(windows, resolvedAt, resolvedAt + 8 * D)).toBe(false);
    expect(coversHorizon(windows, monday, monday + D)).toBe(true);
  });

  it('expands the calendar the contract is served on', () => {
    const paygroup = loadPreset('paygroup');
    const onCall = contractFor(paygroup, { options: { onCall24x7: true } });
    const { calendarId: id, windows: w } = contractWindows(paygroup, onCall, monday, monday + 7 * D);
    expect(id).toBe('oncall');
    expect(w.windows).toEqual([{ start: monday, end: monday + 7 * D }]);
  });

  it('measures business and calendar time between two instants', () => {
    const friday = at('2026-11-27T16:00-05:00');
    expect(elapsedOn(windows, 'low', 'business', friday, friday + 3 * D)).toBe(H + 4 * H + 2 * H);
    expect(elapsedOn(windows, 'low', 'calendar', friday, friday + 3 * D)).toBe(3 * D);
  });
});
